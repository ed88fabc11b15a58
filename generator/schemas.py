"""Schemas: each action's input and output (envelope) JSON Schema, and the schema index.

Input: an `ActionSpec` whose `input_schema` and `response.output` are already bundled (every
`$ref` points into the schema's own `$defs`). Output: standalone Draft 2020-12 documents with a
stable `$id`, title and description from the YAML and a `$comment` banner; `index.json` lists
every action with its schema files, the catalogue version and each schema's sha256. Serialisation
(`dump`) is canonical: sorted keys, UTF-8.

Versioning: the catalogue version is the package version (`[project] version` in pyproject.toml,
one source of truth, read from the installed metadata). `$id`s carry only its major version
(`.../schemas/v1/list_tickets.input.json`), so a minor release changes no `$id` or `$ref`.
`since` (the version each action appeared in) is a ledger that cannot drift from the catalogue:
the committed `index.json` itself. `generate` carries every action's `since` over from the
`index.json` already in the output folder and stamps an action it has not seen with the catalogue
version of that run; an action that is gone leaves the ledger. `generate --check` regenerates the
same way, so an action added without `generate` shows as a stale `index.json`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from spoki_actions.spec import ActionSpec, Catalogue

from . import naming
from .errors import GeneratorError
from .naming import stem
from .write import banner

SCHEMA_ID_BASE = "https://spoki-actions.dev/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

@cache  # read once per process: each lookup parses the dist-info METADATA (0.4 ms; 4 per action)
def catalogue_version() -> str:
    """The catalogue's semver: the installed package's version (pyproject.toml is its source)."""
    return metadata.version("spoki-actions")


def major(version: str) -> str:
    return version.split(".", 1)[0]


def schema_id(action: ActionSpec, kind: str) -> str:
    return f"{SCHEMA_ID_BASE}v{major(catalogue_version())}/{stem(action)}.{kind}.json"


def sha256(document: Any) -> str:
    """The sha256 of a schema's canonical serialisation (`dump`)."""
    return hashlib.sha256(dump(document)).hexdigest()


_FORMAT_EXAMPLES = {
    "date-time": "2024-01-15T10:30:00Z", "date": "2024-01-15", "email": "name@example.com",
    "uri": "https://example.com/", "e164": "+393331234567", "uuid": "123e4567-e89b-12d3-a456-426614174000",
}


def example_of(schema: Any, defs: dict[str, Any], depth: int = 0) -> Any:
    """A value of `schema`, from its own `examples`/`const`/`enum`/`default` where it has them,
    otherwise the smallest plausible value (required properties only, one array item)."""
    if not isinstance(schema, dict) or depth > 12:
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return example_of({**defs.get(ref[len("#/$defs/"):], {}), **{k: v for k, v in schema.items()
                                                                     if k not in ("$ref", "description")}},
                          defs, depth + 1)
    for key in ("const",):
        if key in schema:
            return schema[key]
    for key in ("examples", "enum"):
        if schema.get(key):
            return schema[key][0]
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf"):
        if schema.get(key):
            branches = [b for b in schema[key] if not (isinstance(b, dict) and b.get("type") == "null")]
            return example_of((branches or schema[key])[0], defs, depth + 1)
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for b in schema["allOf"]:
            merged.update(b if isinstance(b, dict) else {})
        return example_of(merged, defs, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        props = schema.get("properties", {})
        return {name: example_of(props.get(name, {}), defs, depth + 1) for name in schema.get("required", [])}
    if kind == "array":
        count = max(1, int(schema.get("minItems", 1))) if schema.get("maxItems", 1) else 0
        return [example_of(schema.get("items", {}), defs, depth + 1) for _ in range(count)]
    if kind == "string":
        text = _FORMAT_EXAMPLES.get(schema.get("format", ""), "text")
        return text.ljust(int(schema.get("minLength", 0)), "x")
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1 if "exclusiveMinimum" in schema else 1)
        return int(low) if kind == "integer" else float(low)
    if kind == "boolean":
        return True
    return None


def sample_response(action: ActionSpec) -> dict[str, Any]:
    """A successful envelope whose `data` is an example of the action's output."""
    output = action.response.output
    return {"data": example_of(output, output.get("$defs", {})), "error": None, "successful": True}


def dump(document: Any) -> bytes:
    """Canonical JSON: sorted keys, two-space indent, non-ASCII kept, one final newline. A NaN or
    infinite number raises `ValueError` (never the invalid `NaN`/`Infinity` tokens)."""
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n").encode()


def non_finite(document: Any, key: str = "") -> tuple[str, float] | None:
    """The first NaN or infinite number in a JSON-like document, with its key path (`a.b[0]`)."""
    if isinstance(document, float) and not math.isfinite(document):
        return key, document
    if isinstance(document, dict):
        items: Any = ((f"{key}.{k}" if key else str(k), v) for k, v in document.items())
    elif isinstance(document, (list, tuple)):
        items = ((f"{key}[{i}]", v) for i, v in enumerate(document))
    else:
        return None
    for sub_key, value in items:
        found = non_finite(value, sub_key)
        if found is not None:
            return found
    return None


def _describe(action: ActionSpec) -> str:
    text = action.description
    if action.behaviour.deprecated is not None:
        text += "\n\nDeprecated: " + action.behaviour.deprecated.message
    return text


def _head(action: ActionSpec, kind: str, title: str) -> dict[str, Any]:
    head: dict[str, Any] = {
        "$schema": DRAFT,
        "$id": schema_id(action, kind),
        "$comment": banner(action.source),
        "title": title,
        "description": _describe(action),
    }
    if action.behaviour.deprecated is not None:
        head["deprecated"] = True
    return head


def sample_markdown(action: ActionSpec) -> str:
    """The sample response as a fenced JSON block, the fence longer than any backtick run inside."""
    text = json.dumps(sample_response(action), indent=2, ensure_ascii=False, allow_nan=False)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}json\n{text}\n{fence}"


def input_schema(action: ActionSpec) -> dict[str, Any]:
    """The params object: the loader's bundled schema under a head naming the action."""
    return {**action.input_schema, **_head(action, "input", f"{action.title} (input)")}


def empty_data(action: ActionSpec) -> dict[str, Any]:
    """The schema of the `data` a failed call carries: `{}`, or `[]` for array outputs."""
    if action.response.data_is_array:
        return {"type": "array", "maxItems": 0}
    return {"type": "object", "maxProperties": 0}


def output_schema(action: ActionSpec) -> dict[str, Any]:
    """The envelope `{data, error, successful}`, honest both ways (if/then): `successful: true`
    requires `error: null` and `data` of the output shape; `false` a non-empty `error` and empty
    `data`. One example (derived from the spec's own examples) validates against it."""
    output = action.response.output
    data = {k: v for k, v in output.items() if k != "$defs"}
    doc: dict[str, Any] = {
        **_head(action, "output", f"{action.title} (output)"),
        "type": "object",
        "required": ["data", "error", "successful"],
        "properties": {
            "data": {
                "description": "The action's result on success; empty ({} or []) when the call failed.",
                "anyOf": [data, empty_data(action)],
            },
            "error": {
                "description": "Why the call failed, for a person to act on; null on success.",
                "type": ["string", "null"],
            },
            "successful": {"description": "Whether the call succeeded.", "type": "boolean"},
        },
        "if": {"properties": {"successful": {"const": True}}, "required": ["successful"]},
        "then": {"properties": {"data": data, "error": {"type": "null"}}},
        "else": {"properties": {"data": empty_data(action), "error": {"type": "string", "minLength": 1}}},
        "examples": [sample_response(action)],
    }
    if output.get("$defs"):
        doc["$defs"] = output["$defs"]
    return doc


INDEX = "schemas/index.json"
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)([-+][0-9A-Za-z.+-]+)?$")


def ledger(out: Path) -> dict[str, str]:
    """The `since` ledger of an earlier run: each action's version from `out/schemas/index.json`
    ({} when there is none yet). An index that cannot be read is a `GeneratorError` naming it, never
    a fresh start that would restamp every action."""
    path = out / INDEX
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise GeneratorError([f"{path}: cannot read the since ledger: {exc.strerror}"]) from exc
    try:
        entries = json.loads(raw)["actions"]
        found = {str(e["name"]): e["since"] for e in entries}
    except (ValueError, KeyError, TypeError) as exc:
        raise GeneratorError([f"{path}: not an index.json with each action's `since` ({exc.__class__.__name__}: "
                              f"{exc}); restore it from git (it is the ledger of when each action appeared)"]) from exc
    bad = sorted(name for name, version in found.items() if not (isinstance(version, str) and _SEMVER.match(version)))
    if bad:
        raise GeneratorError([f"{path}: `since` of {', '.join(bad)} is not a semver version; restore the file from "
                              "git"])
    return found


def index(catalogue: Catalogue, since: Mapping[str, str] | None = None,
          dumped: Mapping[str, bytes] | None = None) -> dict[str, Any]:
    """Every action, by name: what it is, where its schemas are, their sha256 and when it appeared
    (from the `since` ledger; an action it does not list appears in this version). `dumped`: the schema
    files already serialised (`schemas/<stem>.<kind>.json` → `dump` bytes), hashed as they are instead of
    being built and serialised again."""
    version = catalogue_version()
    since = since or {}

    def digest(action: ActionSpec, kind: str) -> str:
        done = (dumped or {}).get(f"schemas/{stem(action)}.{kind}.json")
        if done is not None:
            return hashlib.sha256(done).hexdigest()
        return sha256(input_schema(action) if kind == "input" else output_schema(action))

    return {
        "$comment": banner(),
        "version": version,
        "schema_id_base": f"{SCHEMA_ID_BASE}v{major(version)}/",
        "actions": [
            {
                "name": a.name,
                "title": a.title,
                "group": a.group,
                "method": a.method,
                "path": a.path,
                "function": naming.function_name(a),
                "deprecated": a.behaviour.deprecated is not None,
                "variant_of": a.variant_of,
                "input_schema": f"{stem(a)}.input.json",
                "output_schema": f"{stem(a)}.output.json",
                "docs": f"../docs/{a.group}/{stem(a)}.md",
                "input_sha256": digest(a, "input"),
                "output_sha256": digest(a, "output"),
                "since": since.get(a.name, version),
            }
            for a in sorted(catalogue.actions.values(), key=lambda a: a.name)
        ],
    }
