"""`python -m spoki_actions.simulator`: the fake-server command without the main CLI.

Stage: command-line entry. Input: the same flags as `spoki-actions fake-server`. Output: a running
simulator until Ctrl-C; the exit code of `cli.run`.
"""

from __future__ import annotations

import argparse
import sys

from .cli import configure, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m spoki_actions.simulator",
                                     description="Serve a local, seeded imitation of the Spoki REST API.")
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
