"""Wall time of `spoki-actions generate`: the 22 specs, a no-op run, and 1,000 synthetic specs.

Stage: benchmark (no assertions). Input: none (`--rounds R`, `--synthetic N` to change the sample).
Output: a table on stdout, one row per case with the median and best wall time over the rounds
and its target. Every run is a fresh `python -m spoki_actions.cli generate` process (what a user
waits for, interpreter start included), into a temp folder:
  full        the 22 specs into an empty folder (target <= 0.7 s, issue 10)
  no-op       the same again over the now-current folder (target <= 0.3 s; answered by the fingerprint)
  full, warm  the same with the fingerprint record removed: render everything, write nothing
  synthetic   N copies of the real specs (renamed, variants re-pointed) into an empty folder (target <= 6 s)
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
CACHE_FILE = ".generate-cache.json"


def generate(specs: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "spoki_actions.cli", "generate", "--specs", str(specs), "--out", str(out)],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def synthetic_specs(dest: Path, count: int) -> Path:
    """`count` action files cloned from the real ones: block k renames SPOKI_X to SPOKI_SYNk_X."""
    specs = dest / "specs"
    specs.mkdir(parents=True)
    shutil.copy(SPECS / "_connector.yaml", specs / "_connector.yaml")
    shutil.copytree(SPECS / "_shared", specs / "_shared")
    sources = sorted((p for p in SPECS.glob("*/*.yaml") if not p.parent.name.startswith("_")),
                     key=lambda p: (any(k in p.read_text() for k in ("variant_of:", "reconcile:")), p.name))
    # actions another one names (variant targets, read-back actions) come first, so a partial block has them
    names = re.compile(r"\bSPOKI_([A-Z0-9_]+)")
    made = 0
    block = 0
    while made < count:
        for source in sources:
            if made == count:
                break
            text = source.read_text()
            if block * len(sources) + len(sources) > count and "variant_of:" in text:
                continue  # a partial last block: its variants' targets may be missing
            text = names.sub(lambda m, b=block: f"SPOKI_SYN{b:03d}_{m.group(1)}", text)
            target = specs / source.parent.name / f"syn{block:03d}_{source.stem}.yaml"
            target.parent.mkdir(exist_ok=True)
            target.write_text(text)
            made += 1
        block += 1
    return specs


def measure(rounds: int, synthetic: int) -> list[tuple[str, list[float], str]]:
    rows: list[tuple[str, list[float], str]] = []
    full: list[float] = []
    noop: list[float] = []
    warm: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(rounds):
            out = Path(tmp) / f"full{i}" / "generated"
            full.append(generate(SPECS, out))
            noop.append(generate(SPECS, out))
            (out / CACHE_FILE).unlink()
            warm.append(generate(SPECS, out))
        rows.append(("full generation, 22 specs", full, "<= 0.7 s"))
        rows.append(("no-op run, 22 specs", noop, "<= 0.3 s"))
        rows.append(("full run over current output (no writes)", warm, "-"))
        specs = synthetic_specs(Path(tmp) / "synthetic", synthetic)
        big = [generate(specs, Path(tmp) / f"big{i}" / "generated") for i in range(max(1, rounds // 3))]
        rows.append((f"full generation, {synthetic} synthetic specs", big, "<= 6 s"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--synthetic", type=int, default=1000)
    args = parser.parse_args()
    rows = measure(args.rounds, args.synthetic)
    print(f"{'case':<48} {'median':>9} {'best':>9}  target")
    for name, times, target in rows:
        print(f"{name:<48} {statistics.median(times):>8.3f}s {min(times):>8.3f}s  {target}")


if __name__ == "__main__":
    main()
