"""`spoki-actions generate [--specs DIR] [--out DIR] [--check]`: regenerate (or check) `generated/`.

Input: argv parsed by the `spoki-actions` dispatcher. Output: exit 0 when the folder is (now)
current; 1 for spec problems (printed as `lint` prints them), a generator error, or, with
`--check`, a stale folder (every differing file listed). Nothing is written on failure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spoki_actions.errors import SpecError

from .build import generate
from .errors import GeneratorError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--specs", default="specs", metavar="DIR", help="specs folder (default: specs)")
    parser.add_argument("--out", default="generated", metavar="DIR", help="output folder (default: generated)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 and list the files that differ when the output is stale")


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    try:
        result = generate(args.specs, out, check=args.check)
    except SpecError as exc:
        for spec_problem in exc.problems:
            print(spec_problem, file=sys.stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found; {out}/ left as it was", file=sys.stderr)
        return 1
    except GeneratorError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{out}/ left as it was", file=sys.stderr)
        return 1
    d = result.diff
    if args.check:
        if d.clean:
            print(f"{out}/ is up to date ({d.unchanged} files)")
            return 0
        count = len(d.changed) + len(d.added) + len(d.removed)
        print(f"{out}/ is stale: {count} file{'s' if count != 1 else ''} differ; run `spoki-actions generate`",
              file=sys.stderr)
        for label, paths in (("changed", d.changed), ("missing", d.added), ("extra", d.removed)):
            for rel in paths:
                print(f"  {label:<8} {out / rel}", file=sys.stderr)
        return 1
    if d.clean:
        print(f"{out}/ is up to date ({d.unchanged} files, nothing written)")
    else:
        print(f"{out}/: {len(d.changed)} changed, {len(d.added)} added, {len(d.removed)} removed, "
              f"{d.unchanged} unchanged")
    return 0
