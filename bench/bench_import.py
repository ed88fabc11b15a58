"""Import time of `spoki_actions` next to `import httpx`, in fresh interpreters.

Stage: benchmark (no assertions). Input: none (`--runs N`). Output: a table of median wall times
over N fresh `python -c ...` runs, interleaved so both sides see the same machine load: an empty
interpreter, `import httpx`, `import spoki_actions`, and a first call on top (a Client and one
action through `httpx.MockTransport`). Target: `import spoki_actions` within 30 ms of `import httpx`.
Bytecode is cached for all modules alike (a temporary PYTHONPYCACHEPREFIX, warmed once) as in an
installed wheel, even under PYTHONDONTWRITEBYTECODE; `--no-bytecode` measures source compiles.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

CASES = {
    "python -c pass": "pass",
    "import httpx": "import httpx",
    "import spoki_actions": "import spoki_actions",
    "import spoki_actions + first call": (
        "import httpx, spoki_actions as s\n"
        "c = s.Client(api_key='k' * 12, transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})))\n"
        "assert c.run('SPOKI_RETRIEVE_CONTACT', {'contact_id': 1})['successful']"
    ),
}


def wall(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=40, help="fresh interpreters per case (default 40)")
    parser.add_argument("--no-bytecode", action="store_true", help="compile every module from source each run")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    env.pop("SPOKI_BASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="spoki-bench-pycache-") as prefix:
        if args.no_bytecode:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = prefix
        times: dict[str, list[float]] = {name: [] for name in CASES}
        for code in CASES.values():  # warm the bytecode caches
            wall(code, env)
        for _ in range(args.runs):
            for name, code in CASES.items():
                times[name].append(wall(code, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["import httpx"]
    mode = "source compiled each run" if args.no_bytecode else "bytecode cached"
    print(f"import time, median of {args.runs} fresh interpreters each (wall ms, interpreter start included, {mode})")
    print(f"{'case':<36} {'median ms':>10} {'vs import httpx':>16} {'min..max ms':>16}")
    for name, values in times.items():
        print(f"{name:<36} {medians[name]:10.1f} {medians[name] - base:+15.1f}  "
              f"{min(values):7.1f}..{max(values):<7.1f}")
    print("target: import spoki_actions within +30 ms of import httpx")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
