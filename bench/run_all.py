"""`make bench`: run every benchmark in this folder, one after the other, each printing its own table.

Stage: benchmark driver (no assertions). Each benchmark measures its ratios side by side in one run;
results are recorded by hand in BENCHMARKS.md with the machine they came from.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ORDER = ["bench_runtime.py", "bench_import.py", "bench_loopback.py", "bench_async.py", "bench_generate.py",
         "bench_batch.py"]


def main() -> int:
    failed = []
    for name in ORDER:
        print(f"\n### {name}\n", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)], check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
