"""`spoki-actions lint [DIR]`: check a specs folder and print every problem.

Input: a specs folder (default `specs`). Output: one line per problem on stderr,
`file:line:col key.path: message`, and exit 1; or a one-line summary and exit 0.
"""

from __future__ import annotations

import argparse
import sys

from ._loader import load_catalogue
from .errors import SpecError

HELP = "check spec files; print every problem as file:line:col key: message"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("specs_dir", nargs="?", default="specs", metavar="DIR", help="specs folder (default: specs)")


def run(args: argparse.Namespace) -> int:
    try:
        catalogue = load_catalogue(args.specs_dir)
    except SpecError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{exc.counted} found", file=sys.stderr)
        return 1
    count = len(catalogue.actions)
    print(f"{args.specs_dir}: {count} action{'s' if count != 1 else ''}, no problems")
    return 0
