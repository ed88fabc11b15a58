"""Wall time of `spoki-actions generate`: the 22 specs, a no-op run, and 1,000 synthetic specs; cold and warm.

Stage: benchmark (no assertions). Input: none (`--rounds R`, `--big-rounds B`, `--synthetic N` to change
the sample; `--baseline REF` to run a git revision's generator side by side). Output: a table on stdout,
one row per case with the median and best wall time over the rounds and its target, and with
`--baseline` the baseline's median and the ratio ours/baseline, measured in alternating rounds.
Every run is a fresh `python -m spoki_actions.cli generate` process (what a user waits for,
interpreter start included), into a temp folder:
  full, cold    the 22 specs into an empty folder, with an empty models cache (target <= 0.7 s, issue 10)
  full, warm    the same with the models cache holding this input (datamodel-code-generator skipped)
  in-process    cold, with dmcg in this process (SPOKI_ACTIONS_DMCG_WORKER=0), not in the worker
  no-op         the same again over the now-current folder (target <= 0.3 s; answered by the fingerprint)
  over current  the fingerprint record removed: render everything (cold cache), write nothing
  synthetic     N copies of the real specs (renamed, variants re-pointed) into an empty folder, cold and
                warm (target <= 6 s)
The baseline is `git archive REF` laid out as the installed package (its pyproject's package-dir mapping)
and run with the same interpreter and tools through PYTHONPATH, always with an empty models cache (a
baseline that has the cache, as any after 2c64ac1, would otherwise fill ~/.cache on its first run and
be warm from then on), and each of ours is compared with the baseline run of its round.
Both trees are byte-compiled first (`compileall`, as pip does on install): where PYTHONDONTWRITEBYTECODE
is set, a tree without `__pycache__` would otherwise compile every module of its own on every run
(~0.1 s, more for the freshly extracted baseline than for a worked-in checkout).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
CACHE_FILE = ".generate-cache.json"
CACHE_ENV = "SPOKI_ACTIONS_CACHE_DIR"  # generator/emitters/_dmcg_cache.py
WORKER_ENV = "SPOKI_ACTIONS_DMCG_WORKER"  # generator/_dmcg.py


def generate(specs: Path, out: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "spoki_actions.cli", "generate", "--specs", str(specs), "--out", str(out)],
                   check=True, capture_output=True, env={**os.environ, **env})
    return time.perf_counter() - started


def baseline_tree(ref: str, dest: Path) -> dict[str, str]:
    """`ref`'s sources under `dest`, importable as `spoki_actions`; the environment to run them."""
    src = dest / "src"
    src.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(src, filter="data")
    mapping = tomllib.loads((src / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    package = dest / "tree" / "spoki_actions"
    package.mkdir(parents=True)
    for item in (src / mapping["spoki_actions"]).iterdir():
        (package / item.name).symlink_to(item, target_is_directory=item.is_dir())
    for name, folder in sorted(mapping.items()):
        if name != "spoki_actions":
            link = package.joinpath(*name.split(".")[1:])
            if link.is_symlink() or link.exists():
                link.unlink()
            link.symlink_to(src / folder, target_is_directory=True)
    return {"PYTHONPATH": str(dest / "tree")}


def byte_compile(*folders: Path) -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", *map(str, folders)], check=True, capture_output=True)


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


class Cases:
    """Named series of wall times, filled round by round."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.targets: dict[str, str] = {}

    def add(self, name: str, seconds: float, target: str = "-") -> None:
        self.times.setdefault(name, []).append(seconds)
        self.targets[name] = target


def measure(rounds: int, big_rounds: int, synthetic: int, base_env: dict[str, str] | None, tmp: Path) -> Cases:
    cases = Cases()
    counter = iter(range(10**6))

    def fresh(kind: str) -> Path:
        return tmp / f"{kind}{next(counter)}"

    def cold() -> dict[str, str]:
        return {CACHE_ENV: str(fresh("cache"))}

    def series(specs: Path, label: str, target: str, count: int, with_noop: bool) -> None:
        warm_cache = {CACHE_ENV: str(fresh("cache"))}
        generate(specs, fresh("prime") / "generated", warm_cache)  # fills the warm cache
        runs: list[tuple[str, Callable[[], None]]] = []
        if base_env is not None:
            runs.append(("base", lambda: cases.add(f"{label}|base", generate(specs, fresh("b") / "g",
                                                                              {**base_env, **cold()}))))

        def ours_cold() -> None:
            out = fresh("c") / "generated"
            cases.add(f"{label}, cold cache", generate(specs, out, cold()), target)
            if with_noop:
                cases.add("no-op run, 22 specs", generate(specs, out, cold()), "<= 0.3 s")
                (out / CACHE_FILE).unlink()
                cases.add("full run over current output (no writes), cold cache", generate(specs, out, cold()))

        runs.append(("cold", ours_cold))
        runs.append(("no worker", lambda: cases.add(f"{label}, cold cache, dmcg in-process", generate(
            specs, fresh("n") / "generated", {**cold(), WORKER_ENV: "0"}), "-")))
        runs.append(("warm", lambda: cases.add(f"{label}, warm cache",
                                               generate(specs, fresh("w") / "generated", warm_cache), "-")))
        for i in range(count):
            for _, run in runs[i % len(runs):] + runs[:i % len(runs)]:  # rotate the order round by round
                run()

    series(SPECS, "full generation, 22 specs", "<= 0.7 s", rounds, with_noop=True)
    specs = synthetic_specs(tmp / "synthetic", synthetic)
    series(specs, f"full generation, {synthetic} synthetic specs", "<= 6 s", big_rounds, with_noop=False)
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--big-rounds", type=int, default=2)
    parser.add_argument("--synthetic", type=int, default=1000)
    parser.add_argument("--baseline", metavar="REF", help="a git revision to run side by side (e.g. main)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        base_env = baseline_tree(args.baseline, tmp / "baseline") if args.baseline else None
        byte_compile(*(ROOT / name for name in ("runtime", "generator", "tools", "simulator", "generated")),
                     *([tmp / "baseline" / "src"] if args.baseline else []))
        cases = measure(args.rounds, args.big_rounds, args.synthetic, base_env, tmp)
    header = f"{'case':<60} {'median':>8} {'best':>8}  {'target':<9}"
    if base_env is not None:
        header += f" {'baseline':>8} {'ratio':>6}"
    print(header)
    for name, times in cases.times.items():
        if name.endswith("|base"):
            continue
        line = f"{name:<60} {statistics.median(times):>7.3f}s {min(times):>7.3f}s  {cases.targets[name]:<9}"
        family = name.split(", ")[0] + ", " + name.split(", ")[1]
        base = cases.times.get(f"{family}|base")
        if base is not None:
            line += f" {statistics.median(base):>7.3f}s {statistics.median(times) / statistics.median(base):>6.2f}"
        print(line)
    if base_env is not None:
        print(f"baseline: {args.baseline}; ratio = median ours / median baseline, runs alternating round by round")


if __name__ == "__main__":
    main()
