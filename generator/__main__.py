"""`python -m spoki_actions.generator`: the same as `spoki-actions generate`."""

from __future__ import annotations

import sys

from spoki_actions.cli import main

if __name__ == "__main__":
    sys.exit(main(["generate", *sys.argv[1:]]))
