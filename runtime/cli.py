"""The `spoki-actions` command line: one entry point, one module per subcommand.

Input: argv. Output: an exit code (see `EXIT_CODES`, also printed by `--help`).
The runtime's own commands are listed in `COMMANDS`; every other command (generate, fake-server,
and those of later rooms) is registered by its package through the entry-point group
`spoki_actions.commands` (`<name> = "<module>"`), so the runtime names nothing above it.
A command module exposes `HELP` (one line), `configure(parser)` and `run(args) -> int` (or
`HELP_<cmd>`, `configure_<cmd>` and `run_<cmd>` when one module serves several commands), and
optionally `EXTRA` (a pip extra) with `EXTRA_MODULES`: when one of those cannot be found the CLI
prints the install hint and exits 2. Only the chosen command's module is imported, so
`spoki-actions list` never pays for Jinja or uvicorn.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import importlib.util
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from types import ModuleType
from typing import Any, NoReturn

ENTRY_POINT_GROUP = "spoki_actions.commands"

# the runtime's own commands: name → module (inside the runtime only)
COMMANDS: dict[str, str] = {
    "list": "spoki_actions._commands",
    "describe": "spoki_actions._commands",
    "run": "spoki_actions._commands",
    "lint": "spoki_actions._lint_cmd",
    "completion": "spoki_actions._completion",
}

# exit codes, one per kind of failure (`run` maps the envelope's error kind, see `_commands.RUN_EXIT`)
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "success"),
    (1, "the command found a problem (lint, generate --check), or the action failed in a way not listed below"),
    (2, "bad usage: unknown command or option, malformed --params or KEY=VALUE; a command whose extra is "
        "missing (generate and fake-server say 1)"),
    (3, "run: the input was rejected before any request (validation), or no such action"),
    (4, "run: the client cannot be configured (no SPOKI_API_KEY, a refused SPOKI_BASE_URL)"),
    (5, "run: the API refused the key (401, 403)"),
    (6, "run: the API rejected the request (400, 422) or has no such record or endpoint (404)"),
    (7, "run: still rate limited (429) after the allowed retries"),
    (8, "run: the API failed (5xx) or answered a body that breaks the action's rules"),
    (9, "run: no usable answer (connection refused or dropped, timeout)"),
    (130, "interrupted (Ctrl-C)"),
)


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    module: str


def version() -> str:
    try:
        return metadata.version("spoki-actions")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree without install
        return "unknown (not installed)"


def commands() -> dict[str, Command]:
    """The built-in commands, then every entry point of the group (a built-in name is not overridden)."""
    found = {name: Command(name, module) for name, module in COMMANDS.items()}
    try:
        points = metadata.entry_points(group=ENTRY_POINT_GROUP)
    except Exception:  # pragma: no cover - broken metadata of some other distribution must not stop the CLI
        points = metadata.EntryPoints(())
    for point in sorted(points, key=lambda p: p.name):
        found.setdefault(point.name, Command(point.name, point.value.split(":")[0].strip()))
    return found


def _attr(module: ModuleType, name: str, command: str) -> Any:
    suffix = command.replace("-", "_")
    return getattr(module, f"{name}_{suffix}", None) or getattr(module, name, None)


def help_line(command: Command) -> str:
    """The command's one-line help, read from its module (a module that fails to import says so)."""
    try:
        module = importlib.import_module(command.module)
    except Exception as exc:  # a broken or half-installed command must not break `--help`
        return f"(cannot be loaded: {type(exc).__name__}: {exc})"
    text = _attr(module, "HELP", command.name) or (module.__doc__ or "").strip().split("\n")[0]
    return str(text)


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors name the close command, choice or option (exit 2 as ever)."""

    def error(self, message: str) -> NoReturn:
        choices = [str(c) for a in self._actions if a.choices is not None for c in a.choices]
        super().error(message + _did_you_mean(message, choices, list(self._option_string_actions)))


def _did_you_mean(message: str, choices: list[str], options: list[str]) -> str:
    choice = re.search(r"invalid choice: '([^']*)'", message)
    if choice:
        near = difflib.get_close_matches(choice[1], choices, 3, 0.6)
    elif message.startswith("unrecognized arguments: "):
        given = [a.split("=", 1)[0] for a in message.split(": ", 1)[1].split() if a.startswith("-")]
        near = [m for a in given for m in difflib.get_close_matches(a, options, 1, 0.7)]
    else:
        near = []
    return f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""


def _exit_codes_text() -> str:
    return "exit codes:\n" + "\n".join(f"  {code:<4} {text}" for code, text in EXIT_CODES)


def _top_parser(found: dict[str, Command]) -> argparse.ArgumentParser:
    listing = "\n".join(f"  {name:<12} {help_line(c)}" for name, c in found.items())
    parser = _Parser(
        prog="spoki-actions",
        description="Declarative engine for the Spoki API actions.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"commands:\n{listing}\n\n{_exit_codes_text()}\n\n"
               "Run `spoki-actions COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"spoki-actions {version()}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each attempt (DEBUG) on stderr")
    parser.add_argument("command", choices=list(found), metavar="COMMAND", help="one of the commands below")
    return parser


def extra_missing(module: ModuleType) -> str | None:
    """The install hint when the module declares an extra whose modules cannot be found, else None."""
    extra = getattr(module, "EXTRA", None)
    needed: Sequence[str] = getattr(module, "EXTRA_MODULES", ())
    if not extra or not needed:
        return None
    for name in needed:
        try:
            missing = importlib.util.find_spec(name) is None
        except (ImportError, ValueError):
            missing = True
        if missing:
            return f"needs the {extra} extra: pip install 'spoki-actions[{extra}]'"
    return None


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The CLI's log lines: `spoki-actions: message` on the stderr of the moment (tests swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(logging.Formatter("spoki-actions: %(message)s"))


def install_logging(verbose: bool) -> Callable[[], None]:
    """A stderr handler on the `spoki_actions` logger (INFO, or DEBUG when verbose); returns its undo."""
    logger = logging.getLogger("spoki_actions")
    handler = _StderrHandler()
    level = logging.DEBUG if verbose else logging.INFO
    handler.setLevel(level)
    before = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)

    def undo() -> None:
        logger.removeHandler(handler)
        logger.setLevel(before)

    return undo


def _split_top(args: list[str]) -> tuple[list[str], list[str]]:
    """Leading top-level options (before the command), and the rest starting with the command."""
    for i, arg in enumerate(args):
        if not arg.startswith("-"):
            return args[:i], args[i:]
    return args, []


def parse_anywhere(parser: argparse.ArgumentParser, args: list[str]) -> argparse.Namespace:
    """Options before, between or after the positionals (`run NAME --compact key=value`)."""
    try:
        return parser.parse_intermixed_args(args)
    except TypeError:  # a parser argparse cannot intermix (REMAINDER, subparsers): the usual rules
        return parser.parse_args(args)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    top, rest = _split_top(args)
    found = commands()
    if not rest or rest[0] not in found or any(a not in ("-v", "--verbose") for a in top):
        parser = _top_parser(found)
        if not args or top[:1] in (["-h"], ["--help"]):
            parser.print_help()
            return 0 if args else 2
        parser.parse_args(top + rest[:1])  # --help, --version exit here; an unknown name exits 2 with choices
        return 2  # pragma: no cover
    name, verbose = rest[0], bool(top)
    command = found[name]
    try:
        module = importlib.import_module(command.module)
    except ModuleNotFoundError as exc:
        print(f"spoki-actions {name}: cannot load {command.module} ({exc})", file=sys.stderr)
        return 2
    hint = extra_missing(module)
    if hint is not None:
        print(f"spoki-actions {name} {hint}", file=sys.stderr)
        return 2
    configure = _attr(module, "configure", name)
    run = _attr(module, "run", name)
    parser = _Parser(prog=f"spoki-actions {name}", description=str(_attr(module, "HELP", name) or ""),
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=_attr(module, "EPILOG", name))
    configure(parser)
    flags = [f for f in ("-v", "--verbose") if f not in parser._option_string_actions]
    if flags and not any(a.dest == "verbose" for a in parser._actions):  # unless the command has its own
        parser.add_argument(*flags, dest="verbose", action="store_true", help="log each attempt (DEBUG) on stderr")
    parsed = parse_anywhere(parser, rest[1:])
    undo = install_logging(verbose or bool(getattr(parsed, "verbose", False)))
    try:
        return int(run(parsed))
    except BrokenPipeError:  # e.g. `spoki-actions run ... | head`: the reader left; not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print(f"spoki-actions {name}: interrupted", file=sys.stderr)
        return 130
    finally:
        undo()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
