"""`spoki-actions completion bash`: a bash completion script for the commands, options and action names.

Stage: command line. Input: the registered commands (each configured into an argparse parser to read
its options) and the compiled catalogue (action names). Output: the script on stdout; install it with
`spoki-actions completion bash > ~/.local/share/bash-completion/completions/spoki-actions` or
`source <(spoki-actions completion bash)`. The words are fixed when the script is printed: print it again
after adding an action or a command.
"""

from __future__ import annotations

import argparse
import importlib
import shlex

HELP = "print a shell completion script (bash)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=["bash"], help="the shell (bash)")
    parser.add_argument("--catalogue", metavar="PATH", default=None,
                        help="a catalogue.json or a specs folder whose action names to complete")


def _options(name: str, module_name: str) -> list[str]:
    from . import cli

    try:
        module = importlib.import_module(module_name)
    except Exception:  # a command that cannot load completes its name only
        return []
    parser = argparse.ArgumentParser(add_help=True)
    cli._attr(module, "configure", name)(parser)
    return sorted({opt for action in parser._actions for opt in action.option_strings if opt.startswith("--")}
                  | {"--verbose"})


def script(names: list[str], commands: dict[str, list[str]]) -> str:
    cases = []
    for command, options in commands.items():
        words = options + (names if command in ("describe", "run") else [])
        cases.append(f"    {shlex.quote(command)}) words={shlex.quote(' '.join(words))} ;;")
    top = " ".join([*commands, "--help", "--version", "--verbose"])
    return "\n".join([
        "# bash completion for spoki-actions (printed by `spoki-actions completion bash`)",
        "_spoki_actions() {",
        '  local cur="${COMP_WORDS[COMP_CWORD]}" cmd="" words="" i',
        "  for ((i = 1; i < COMP_CWORD; i++)); do",
        '    case "${COMP_WORDS[i]}" in -*) ;; *) cmd="${COMP_WORDS[i]}"; break ;; esac',
        "  done",
        '  if [[ -z "$cmd" ]]; then',
        f'    COMPREPLY=($(compgen -W {shlex.quote(top)} -- "$cur"))',
        "    return 0",
        "  fi",
        '  case "$cmd" in',
        *cases,
        "  esac",
        '  COMPREPLY=($(compgen -W "$words" -- "$cur"))',
        "}",
        "complete -o default -F _spoki_actions spoki-actions",
        "",
    ])


def run(args: argparse.Namespace) -> int:
    import sys

    from . import _registry, cli
    from .errors import ConfigurationError, SpecError

    try:
        names = list(_registry.load(args.catalogue).names)
    except (ConfigurationError, SpecError) as exc:
        print(f"spoki-actions: {exc}", file=sys.stderr)
        return 1
    commands = {name: _options(name, c.module) for name, c in cli.commands().items()}
    sys.stdout.write(script(names, commands))
    return 0
