"""Schemas: each action's input and output (envelope) JSON Schema, and the schema index.

Input: an `ActionSpec` whose `input_schema` and `response.output` are already bundled (every
`$ref` points into the schema's own `$defs`). Output: standalone Draft 2020-12 documents with a
stable `$id`, title and description from the YAML and a `$comment` banner; `index.json` lists
every action with its schema files. Serialisation (`dump`) is canonical: sorted keys, UTF-8.
"""

from __future__ import annotations

import json
import math
from typing import Any

from spoki_actions.spec import ActionSpec, Catalogue

from . import naming
from .naming import stem
from .write import banner

SCHEMA_ID_BASE = "https://spoki-actions.dev/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


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
        "$id": f"{SCHEMA_ID_BASE}{stem(action)}.{kind}.json",
        "$comment": banner(action.source),
        "title": title,
        "description": _describe(action),
    }
    if action.behaviour.deprecated is not None:
        head["deprecated"] = True
    return head


def input_schema(action: ActionSpec) -> dict[str, Any]:
    """The params object: the loader's bundled schema under a head naming the action."""
    return {**action.input_schema, **_head(action, "input", f"{action.title} (input)")}


def empty_data(action: ActionSpec) -> dict[str, Any]:
    """The schema of the `data` a failed call carries: `{}`, or `[]` for array outputs."""
    if action.response.data_is_array:
        return {"type": "array", "maxItems": 0}
    return {"type": "object", "maxProperties": 0}


def output_schema(action: ActionSpec) -> dict[str, Any]:
    """The envelope `{data, error, successful}`; `data` is the output shape, or empty on failure."""
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
    }
    if output.get("$defs"):
        doc["$defs"] = output["$defs"]
    return doc


def index(catalogue: Catalogue) -> dict[str, Any]:
    """Every action, by name: what it is and where its schemas are."""
    return {
        "$comment": banner(),
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
            }
            for a in sorted(catalogue.actions.values(), key=lambda a: a.name)
        ],
    }
