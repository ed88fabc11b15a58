"""`spoki-actions lint [PATH]`: check a specs folder, one group folder or one spec file.

Input: a specs folder (default `specs`), or a file or group folder inside one (the specs folder
above it, the nearest holding `_connector.yaml`, gives the connector and shared definitions).
Output: one line per problem on stderr, `file:line:col key.path: message`, and exit 1; or a
one-line summary and exit 0.
"""

from __future__ import annotations

import argparse
import sys

from .errors import SpecError
from .loader import lint_counted

HELP = "check spec files; print every problem as file:line:col key: message"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("specs_dir", nargs="?", default="specs", metavar="PATH",
                        help="specs folder, group folder or spec file (default: specs)")


def run(args: argparse.Namespace) -> int:
    problems, count = lint_counted(args.specs_dir)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{SpecError(problems).counted} found", file=sys.stderr)
        return 1
    print(f"{args.specs_dir}: {count} action{'s' if count != 1 else ''}, no problems")
    return 0
