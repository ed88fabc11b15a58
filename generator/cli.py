"""`spoki-actions generate [--specs DIR] [--out DIR] [--check] [--force]`: regenerate (or check) `generated/`.

Input: argv parsed by the `spoki-actions` dispatcher. Output: exit 0 when the folder is (now)
current; 1 for spec problems (printed as `lint` prints them), a generator error, an output folder
it refuses (overlapping the specs, a file, or not empty and not an earlier output), a missing
`[generator]` extra, or, with `--check`, a stale folder (every differing file listed). Nothing is
written on failure. Files in the output folder that the generator did not write are listed, never
removed or overwritten.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from spoki_actions.errors import SpecError

from .build import generate
from .errors import GeneratorError
from .write import Diff, SwapError

HELP = "write bindings, JSON Schemas and docs into generated/"
EPILOG = """\
speed-ups (the output is the same bytes without them):
  datamodel-code-generator's output is cached by its exact input, options and version, outside the
  output folder: $SPOKI_ACTIONS_CACHE_DIR/models, else $XDG_CACHE_HOME/spoki-actions/models, else
  ~/.cache/spoki-actions/models (SPOKI_ACTIONS_CACHE_DIR= empty turns it off); a damaged entry is
  rebuilt. On a miss it runs in a second process started first, beside the rest of the run
  (SPOKI_ACTIONS_DMCG_WORKER=0: in this process)."""

# the `[generator]` extra's top-level modules (pydantic is a base dependency)
EXTRA_MODULES = ("jinja2", "datamodel_code_generator")
NEEDS_EXTRA = "spoki-actions generate needs the generator extra: pip install 'spoki-actions[generator]'"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--specs", default="specs", metavar="DIR", help="specs folder (default: specs)")
    parser.add_argument("--out", default="generated", metavar="DIR", help="output folder (default: generated)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 and list the files that differ when the output is stale")
    parser.add_argument("--force", action="store_true",
                        help="write into a non-empty folder that no earlier run wrote "
                             "(files already there are never removed or overwritten)")


def _extra_missing() -> bool:
    return any(importlib.util.find_spec(name) is None for name in EXTRA_MODULES)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if _extra_missing():
        print(NEEDS_EXTRA, file=sys.stderr)
        return 1
    existed = out.exists()
    shown = f"{out}/" if out.is_dir() or not existed else str(out)
    untouched = f"{shown} left as it was" if existed else f"nothing written ({shown} was not created)"
    try:
        result = generate(args.specs, out, check=args.check, force=args.force)
    except SpecError as exc:
        for spec_problem in exc.problems:
            print(spec_problem, file=sys.stderr)
        print(f"{exc.counted} found; {untouched}", file=sys.stderr)
        return 1
    except SwapError as exc:  # the roll-back itself failed: say so, never "left as it was"
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{out}/ may hold a mix of old and new files; run `spoki-actions generate` again", file=sys.stderr)
        return 1
    except GeneratorError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(untouched, file=sys.stderr)
        return 1
    except ModuleNotFoundError as exc:  # an extra's module that imports but is incomplete
        if (exc.name or "").split(".")[0] not in EXTRA_MODULES:
            raise
        print(NEEDS_EXTRA, file=sys.stderr)
        return 1
    except OSError as exc:  # reading or writing the output folder; `write` has undone its swap
        print(f"error: cannot write {out}/: {exc}", file=sys.stderr)
        print(untouched, file=sys.stderr)
        return 1
    d = result.diff
    if args.check:
        return _report_check(out, d)
    if d.clean:
        print(f"{out}/ is up to date ({d.unchanged} files, nothing written)")
    elif not existed:
        print(f"{out}/: created with {len(d.added)} files")
    else:
        print(f"{out}/: {len(d.changed)} changed, {len(d.added)} added, {len(d.removed)} removed, "
              f"{d.unchanged} unchanged")
    _report_foreign(out, d.foreign, "left in place")
    return 0


def _report_check(out: Path, d: Diff) -> int:
    if d.clean and not d.foreign:
        print(f"{out}/ is up to date ({d.unchanged} files)")
        return 0
    if not d.clean:
        count = len(d.changed) + len(d.added) + len(d.removed)
        print(f"{out}/ is stale: {count} file{'s' if count != 1 else ''} differ; run `spoki-actions generate`",
              file=sys.stderr)
        for label, paths in (("changed", d.changed), ("missing", d.added), ("extra", d.removed)):
            for rel in paths:
                print(f"  {label:<8} {out / rel}", file=sys.stderr)
    _report_foreign(out, d.foreign, "remove by hand")
    return 1


def _report_foreign(out: Path, foreign: tuple[str, ...], advice: str) -> None:
    """Files in the output folder that the generator did not write: never touched, always listed."""
    if not foreign:
        return
    count = len(foreign)
    print(f"{out}/ holds {count} file{'s' if count != 1 else ''} the generator did not write "
          f"({advice}; `generate` never removes them):", file=sys.stderr)
    for rel in foreign:
        print(f"  {'foreign':<8} {out / rel}", file=sys.stderr)
