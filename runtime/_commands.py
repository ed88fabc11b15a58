"""`spoki-actions list`, `describe NAME` and `run NAME`: the runtime's subcommands.

Stage: command line (the only runtime module that prints). Input: parsed argv; `run` reads
the API key and base URL from the environment like any default client. Output: `list` a table
(or JSON), `describe` one action's inputs, output and behaviour (or its spec as JSON), `run` the
envelope as JSON on stdout, warnings (a deprecated action) as `warning: ...` lines on stderr.
Exit codes: 0 ok, 1 the action or lookup failed (`successful` is false, or an unknown name),
2 bad usage (malformed `--params` or `key=value`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import warnings
from typing import TYPE_CHECKING, Any

from . import _registry
from ._outcome import ErrorKind
from .errors import ConfigurationError, SpecError, UnknownActionError

if TYPE_CHECKING:
    from .spec import ActionSpec, Param

# `run`'s exit code by the envelope's error kind (documented in cli.EXIT_CODES and the README)
RUN_EXIT: dict[ErrorKind, int] = {
    ErrorKind.VALIDATION: 3, ErrorKind.UNKNOWN_ACTION: 3,
    ErrorKind.CONFIGURATION: 4,
    ErrorKind.AUTH: 5,
    ErrorKind.BAD_REQUEST: 6, ErrorKind.NOT_FOUND: 6,
    ErrorKind.RATE_LIMITED: 7,
    ErrorKind.UPSTREAM: 8, ErrorKind.INVALID_RESPONSE: 8,
    ErrorKind.TIMEOUT: 9, ErrorKind.TRANSPORT: 9,
    ErrorKind.API_ERROR: 1,
}

HELP_list = "list the actions"
HELP_describe = "show one action's inputs, output and behaviour"
HELP_run = "run an action and print its envelope as JSON"


def _catalogue_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalogue", metavar="PATH", default=None,
                        help="a catalogue.json or a specs folder (default: the compiled catalogue)")


def _registry_or_exit(args: argparse.Namespace) -> _registry.Registry | int:
    try:
        return _registry.load(args.catalogue)
    except (ConfigurationError, SpecError) as exc:
        print(f"spoki-actions: {exc}", file=sys.stderr)
        return 1


# --- list --------------------------------------------------------------------------------------

def _output_arg(parser: argparse.ArgumentParser, choices: tuple[str, ...], default: str) -> None:
    parser.add_argument("--output", "-o", choices=choices, default=None,
                        help=f"output format (default: {default})")


def configure_list(parser: argparse.ArgumentParser) -> None:
    _output_arg(parser, ("table", "json", "jsonl"), "table")
    parser.add_argument("--json", action="store_true", help="the same as --output json")
    _catalogue_arg(parser)


LIST_COLUMNS = ("NAME", "METHOD", "PATH", "TITLE", "DEPRECATED")


def run_list(args: argparse.Namespace) -> int:
    registry = _registry_or_exit(args)
    if isinstance(registry, int):
        return registry
    actions = list(registry.catalogue.actions.values())
    rows = [{"name": a.name, "method": a.method, "path": a.path, "title": a.title,
             "deprecated": a.behaviour.deprecated is not None} for a in actions]
    output = args.output or ("json" if args.json else "table")
    if output == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif output == "jsonl":
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        cells = [list(LIST_COLUMNS)] + [[a.name, a.method, a.path, a.title,
                                         "(deprecated)" if a.behaviour.deprecated else ""] for a in actions]
        print("\n".join(table(cells)))
    return 0


def table(cells: list[list[str]]) -> list[str]:
    """Rows of cells as aligned lines, two spaces between columns, no trailing spaces."""
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return ["  ".join(f"{cell:<{widths[i]}}" for i, cell in enumerate(row)).rstrip() for row in cells]


# --- describe ----------------------------------------------------------------------------------

def configure_describe(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="action name, e.g. SPOKI_LIST_TICKETS")
    _output_arg(parser, ("text", "json"), "text")
    parser.add_argument("--json", action="store_true", help="print the action's compiled spec as JSON (--output json)")
    _catalogue_arg(parser)


def run_describe(args: argparse.Namespace) -> int:
    registry = _registry_or_exit(args)
    if isinstance(registry, int):
        return registry
    try:
        action = registry.require(args.name).spec
    except UnknownActionError as exc:
        print(f"spoki-actions: {exc}", file=sys.stderr)
        return 1
    if (args.output or ("json" if args.json else "text")) == "json":
        print(json.dumps(dataclasses.asdict(action), indent=2, ensure_ascii=False, sort_keys=True))
        return 0
    print("\n".join(describe_lines(action)))
    return 0


def describe_lines(action: ActionSpec) -> list[str]:
    b = action.behaviour
    lines = [f"{action.name}: {action.title}", f"{action.method} {action.path}"]
    if action.variant_of:
        lines.append(f"Variant of: {action.variant_of}")
    lines += ["", action.description.strip(), ""]
    if action.params:
        lines.append("Inputs:")
        width = max(len(p.name) for p in action.params)
        for p in action.params:
            need = "required" if p.required else "optional"
            lines.append(f"  {p.name:<{width}}  {_param_type(p)}, {need}, in {p.location}"
                         + (f" as {p.wire_name!r}" if p.wire_name != p.name else ""))
            if p.description:
                lines.append(f"  {'':<{width}}  {p.description.strip()}")
    else:
        lines.append("Inputs: none")
    out = action.response.output
    shape = out.get("title") or out.get("type", "any")
    if out.get("$ref", "").startswith("#/$defs/"):
        shape = out["$ref"].split("/")[-1]
    if out.get("type") == "array" and isinstance(out.get("items"), dict):
        item = out["items"].get("$ref", "#/$defs/item").split("/")[-1]
        shape = f"array of {item}"
    lines += ["", f"Output (data): {shape}; success statuses {', '.join(map(str, action.response.success))}"]
    lines += output_fields(out)
    if action.response.paginate:
        lines.append(f"  follows next pages (up to {action.response.paginate.max_pages}) and returns every record")
    for f in action.response.filters:
        lines.append(f"  keeps records whose {f.field} {f.op} the {f.param!r} input")
    if action.response.select:
        lines.append(f"  data = {action.response.select}")
    facts = [f"safety {b.safety}"]
    if b.rate_limit:
        facts.append(f"rate limit {b.rate_limit.requests} per {b.rate_limit.window:g} s ({b.rate_limit.bucket})")
    if b.cache_ttl:
        facts.append(f"cached {b.cache_ttl:g} s")
    lines += ["", "Behaviour: " + "; ".join(facts)]
    if b.deprecated:
        instead = f" Use {b.deprecated.replacement}." if b.deprecated.replacement else ""
        lines.append(f"Deprecated: {b.deprecated.message.strip()}{instead}")
    return lines


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target = root.get("$defs", {}).get(ref.split("/")[-1])
        if isinstance(target, dict):
            return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _field_type(schema: dict[str, Any], root: dict[str, Any]) -> str:
    ref = schema.get("$ref", "")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        resolved = _resolve(schema, root)
        return str(resolved.get("title") or ref.split("/")[-1])
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            return " or ".join(_field_type(s, root) for s in schema[key] if isinstance(s, dict))
    kind = schema.get("type", "any")
    kinds = kind if isinstance(kind, list) else [kind]
    words = []
    for k in kinds:
        if k == "array" and isinstance(schema.get("items"), dict):
            words.append(f"array of {_field_type(schema['items'], root)}")
        else:
            words.append(str(k))
    text = " or ".join(words)
    if schema.get("format"):
        text += f" ({schema['format']})"
    if isinstance(schema.get("enum"), list):
        text += " one of " + ", ".join(json.dumps(v) for v in schema["enum"])
    return text


def output_fields(output: dict[str, Any]) -> list[str]:
    """The fields of the output (an object, or the items of an array), one line each; for a page, the
    fields of each of its `results` too."""
    shape = _resolve(output, output)
    if shape.get("type") == "array" and isinstance(shape.get("items"), dict):
        return _fields(_resolve(shape["items"], output), output, "Fields of each item")
    lines = _fields(shape, output, "Output fields")
    results = shape.get("properties", {}).get("results")
    if isinstance(results, dict) and isinstance(results.get("items"), dict):
        item = results["items"]
        lines += _fields(_resolve(item, output), output, f"Fields of each result ({_field_type(item, output)})")
    return lines


def _fields(shape: dict[str, Any], output: dict[str, Any], heading: str) -> list[str]:
    props = shape.get("properties")
    if not isinstance(props, dict) or not props:
        return []
    required = set(shape.get("required", ()))
    width = max(len(name) for name in props)
    lines = [f"{heading}:"]
    for name, schema in props.items():
        if not isinstance(schema, dict):
            continue
        need = "required" if name in required else "optional"
        lines.append(f"  {name:<{width}}  {_field_type(schema, output)}, {need}")
        description = _resolve(schema, output).get("description") if "$ref" not in schema else schema.get(
            "description")
        if description:
            lines.append(f"  {'':<{width}}  {' '.join(str(description).split())}")
    return lines


def _param_type(p: Param) -> str:
    text: str = p.type
    if p.enum is not None:
        labels = p.enum.labels
        shown = [f"{v} ({labels[i]})" if labels else json.dumps(v) for i, v in enumerate(p.enum.values)]
        text += " one of " + ", ".join(shown)
    if p.format:
        text += f" ({p.format})"
    if p.minimum is not None:
        text += f" >= {p.minimum:g}"
    if p.maximum is not None:
        text += f" <= {p.maximum:g}"
    if p.pattern and p.format != "e164":
        text += f" matching {p.pattern}"
    return text


# --- run ---------------------------------------------------------------------------------------

def configure_run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="action name, e.g. SPOKI_LIST_TICKETS")
    parser.add_argument("pairs", nargs="*", default=[], metavar="KEY=VALUE",  # a default: optional in usage
                        help="an input; the value is read as JSON unless the input is a string (per the spec)")
    parser.add_argument("--params", metavar="JSON", default=None,
                        help='inputs as a JSON object, e.g. \'{"id": 1}\'; @FILE reads it from a file, - from stdin')
    parser.add_argument("--strict", action="store_true", help="validate data against the output schema")
    parser.add_argument("--no-cache", action="store_true", help="do not answer from the cache")
    parser.add_argument("--compact", action="store_true", help="print the envelope on one line (--output jsonl)")
    _output_arg(parser, ("json", "jsonl"), "json")
    _catalogue_arg(parser)


def run_run(args: argparse.Namespace) -> int:
    from ._client import Client
    from ._execute import unusable_client

    registry = _registry_or_exit(args)
    if isinstance(registry, int):
        return registry
    text = read_params(args.params)
    if text is not None and text.startswith("error: "):
        print(f"spoki-actions run: {text[len('error: '):]}", file=sys.stderr)
        return 2
    params = parse_params(text, args.pairs, registry.get(args.name))
    if isinstance(params, str):
        print(f"spoki-actions run: {params}", file=sys.stderr)
        return 2
    with warnings.catch_warnings(record=True) as caught:  # shown below as lines, not as Python warnings
        warnings.simplefilter("always")
        try:
            with Client(catalogue=registry.catalogue) as client:
                outcome = client.execute(args.name, params, strict=True if args.strict else None,
                                         cache=not args.no_cache)
        except ConfigurationError as exc:
            outcome = unusable_client(registry, args.name, params, for_the_shell(str(exc)))
    for warning in caught:
        print(f"warning: {warning_line(args.name, str(warning.message))}", file=sys.stderr)
    indent = None if args.compact or args.output == "jsonl" else 2
    print(json.dumps(outcome.envelope, indent=indent, ensure_ascii=False))
    if outcome.successful:
        return 0
    return RUN_EXIT.get(outcome.kind, 1) if outcome.kind is not None else 1


def for_the_shell(message: str) -> str:
    """A configuration problem worded for a shell user: the environment variable, not `api_key=...`."""
    return re.sub(r"pass api_key=\.\.\. or set (\w+)", r"set the \1 environment variable (export \1=...)", message)


def warning_line(name: str, message: str) -> str:
    """A deprecation warning as "NAME is deprecated: why" (the Python warning may say "Deprecated: ...")."""
    text = " ".join(message.split())
    if text.startswith("Deprecated: "):
        return f"{name} is deprecated: {text[len('Deprecated: '):]}"
    return text


def read_params(value: str | None) -> str | None:
    """The --params text: as given, from a file (`@FILE`) or from stdin (`-`); `error: ...` when unreadable."""
    if value is None or not (value == "-" or value.startswith("@")):
        return value
    where = "stdin" if value == "-" else value[1:]
    try:
        if value == "-":
            return sys.stdin.read()
        with open(value[1:], encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return f"error: --params {value}: cannot read {where}: {reason}"


def parse_params(text: str | None, pairs: list[str], action: Any) -> dict[str, Any] | str:
    """--params JSON merged with key=value pairs, or a usage error message."""
    params: dict[str, Any] = {}
    if text is not None:
        try:
            loaded = json.loads(text)
        except RecursionError:
            return "--params nests too deeply to read; flatten it"
        except ValueError as exc:
            return f"--params is not valid JSON: {exc}"
        if not isinstance(loaded, dict):
            return "--params must be a JSON object, e.g. '{\"contact_id\": 1234}'"
        params.update(loaded)
    types = {p.name: p.type for p in action.spec.params} if action is not None else {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            return f"expected KEY=VALUE, got {pair!r}"
        if key in params:
            return f"{key} is given twice (in --params and as {key}=..., or as two pairs); give it once"
        if types.get(key, "string") == "string":
            params[key] = raw
        else:
            try:
                params[key] = json.loads(raw)
            except RecursionError:
                return f"the value of {key} nests too deeply to read; flatten it"
            except ValueError:
                params[key] = raw  # validation will say what is wrong with it, by name
    return params
