"""The `spoki-actions` command line: one entry point, one module per subcommand.

Input: argv. Output: an exit code (0 ok, 1 the command found a problem, 2 bad usage).
Each subcommand's module exposes `configure(parser)` and `run(args) -> int` (or, when one
module serves several commands, `configure_<command>` and `run_<command>`); only the chosen
one is imported, so `spoki-actions list` never pays for Jinja or uvicorn.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# name → (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "lint": ("spoki_actions._lint_cmd", "check spec files; print every problem as file:line:col key: message"),
    "generate": ("spoki_actions.generator.cli", "write bindings, JSON Schemas and docs into generated/"),
    "list": ("spoki_actions._commands", "list the actions"),
    "describe": ("spoki_actions._commands", "show one action's inputs, output and behaviour"),
    "run": ("spoki_actions._commands", "run an action and print its envelope as JSON"),
    "fake-server": ("spoki_actions.simulator.cli", "serve the local Spoki API simulator"),
    "diff": ("spoki_actions.diff", "compare two spec trees or git refs: what the new catalogue breaks"),
    "schemas": ("spoki_actions.schemas", "export the published JSON Schemas, index.json and OpenAPI document"),
}


def _top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spoki-actions",
        description="Declarative engine for the Spoki API actions.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="commands:\n" + "\n".join(f"  {name:<12} {text}" for name, (_, text) in COMMANDS.items()),
    )
    parser.add_argument("command", choices=list(COMMANDS), metavar="COMMAND", help="one of the commands below")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help") or args[0] not in COMMANDS:
        parser = _top_parser()
        if not args or args[0] in ("-h", "--help"):
            parser.print_help()
            return 0 if args else 2
        parser.parse_args(args[:1])  # exits 2 with "invalid choice" and the list of commands
        return 2  # pragma: no cover
    name = args[0]
    module_name, text = COMMANDS[name]
    module = importlib.import_module(module_name)
    suffix = name.replace("-", "_")
    configure = getattr(module, f"configure_{suffix}", None) or module.configure
    run = getattr(module, f"run_{suffix}", None) or module.run
    parser = argparse.ArgumentParser(prog=f"spoki-actions {name}", description=text)
    configure(parser)
    parsed = parser.parse_args(args[1:])
    try:
        return int(run(parsed))
    except BrokenPipeError:  # e.g. `spoki-actions run ... | head`: the reader left; not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print(f"spoki-actions {name}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
