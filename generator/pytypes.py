"""Python types: the type decisions every emitter shares, made once.

Input: the spec model (an action, a param, a raw JSON Schema). Output: strings of Python types and
class names: a param's annotation, the IntEnum class of an integer enum (`int_enum_class`), the
model class of each shared definition (`def_classes`) and how an action's `data` is modelled
(`data_shape`). The bindings, the pydantic models and the docs read these, so a binding's
annotation, the model it names and the docs that describe it always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spoki_actions.spec import ActionSpec, Catalogue, Param

from . import naming
from .escape import py_value

GENERATED_PACKAGE = "spoki_actions.generated"

_PY_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
RESULT_NOTE = (
    "Each typed function returns the action's pydantic envelope model (`<Action>Output`: `data`,\n"
    "`error`, `successful`), validated leniently: unknown fields are kept, and when `data` does not\n"
    "match the documented shape (an unknown enum value, a missing field, or the empty `{}`/`[]` of a\n"
    "failed call) it stays the raw JSON value instead of raising. Like `run_action`, a typed\n"
    "function never raises for input or API errors: check `successful`. For the typed data without\n"
    "checks, `unwrap()` returns `data` as its documented type or raises the call's error (`ActionFailed`,\n"
    "a subclass per kind), and each function's raising variant `<function>_or_raise` does both in one call."
)



# --- Python types ----------------------------------------------------------------------------

def int_enum_class(action: ActionSpec, param: Param) -> str | None:
    """The IntEnum a param is typed with: the shared enum's name, or `<Action><Param>` inline."""
    enum = param.enum
    if enum is None or enum.labels is None or param.type != "integer":
        return None
    if enum.name is not None:
        return naming.class_name(enum.name)
    return naming.action_class(action, naming.class_name(param.name))


def literal(values: Iterable[Any]) -> str | None:
    values = list(values)
    if all(isinstance(v, (str, bool, int)) or v is None for v in values):
        return "Literal[" + ", ".join(py_value(v) for v in values) + "]"
    return None


def schema_annotation(schema: dict[str, Any] | None) -> str:
    """A Python type for a raw JSON Schema (array items, object values): the simple cases, else Any."""
    if not schema:
        return "Any"
    if isinstance(schema.get("enum"), list):
        return literal(schema["enum"]) or "Any"
    types = schema.get("type")
    names = types if isinstance(types, list) else [types]
    parts: list[str] = []
    for t in names:
        if t in _PY_SCALARS:
            parts.append(_PY_SCALARS[t])
        elif t == "null":
            parts.append("None")
        elif t == "array":
            parts.append(f"list[{schema_annotation(schema.get('items'))}]")
        elif t == "object":
            extra = schema.get("additionalProperties")
            parts.append(f"dict[str, {schema_annotation(extra if isinstance(extra, dict) else None)}]")
        else:
            return "Any"
    return " | ".join(parts) if parts else "Any"


def param_annotation(action: ActionSpec, param: Param) -> str:
    """The type of a keyword argument; optional params add `| None` (None = not given, never sent)."""
    base: str
    enum_class = int_enum_class(action, param)
    if enum_class is not None:
        base = enum_class
    elif param.enum is not None:
        base = literal(param.enum.values) or _PY_SCALARS.get(param.type, "Any")
    elif param.type == "array":
        base = f"list[{schema_annotation(param.items)}]"
    elif param.type == "object":
        base = f"dict[str, {schema_annotation(param.values)}]"
    else:
        base = _PY_SCALARS.get(param.type, "Any")
    return base if param.required else f"{base} | None"


# --- output shapes ---------------------------------------------------------------------------

def def_classes(catalogue: Catalogue) -> dict[str, str]:
    """Shared definition name (as bundled in `$defs`) → model class name."""
    names: set[str] = set()
    for action in catalogue.actions.values():
        names.update(action.response.output.get("$defs", {}))
        names.update(action.input_schema.get("$defs", {}))
    return {name: naming.class_name(name) for name in sorted(names)}


@dataclass(frozen=True, slots=True)
class DataShape:
    """How an action's `data` is modelled.

    `annotation` is its typed side (a model, `list[...]`, or `Any` for shapes with no structure);
    `hoist` names a model made from an inline object shape (`<Action>Data`), `hoist_items` one made
    from inline array items (`<Action>Item`); `fallback` is the raw type kept when the value does
    not match (None when the typed side is already `Any`).
    """

    annotation: str
    hoist: str | None
    hoist_items: str | None
    fallback: str | None


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _has_fields(schema: Any) -> bool:
    return isinstance(schema, dict) and bool(schema.get("properties"))


def data_shape(action: ActionSpec, classes: dict[str, str]) -> DataShape:
    output = action.response.output
    body = {k: v for k, v in output.items() if k != "$defs"}
    if "$ref" in body and set(body) <= {"$ref", "description", "title"}:
        return DataShape(classes[ref_name(body["$ref"])], None, None, "dict[str, Any]")
    if output.get("type") == "object" and _has_fields(output):
        data = naming.action_class(action, "Data")
        return DataShape(data, data, None, "dict[str, Any]")
    if output.get("type") == "array":
        items = output.get("items")
        if isinstance(items, dict) and "$ref" in items and len(items) == 1:
            return DataShape(f"list[{classes[ref_name(items['$ref'])]}]", None, None, "list[Any]")
        if _has_fields(items):
            item = naming.action_class(action, "Item")
            return DataShape(f"list[{item}]", None, item, "list[Any]")
        return DataShape(f"list[{schema_annotation(items)}]", None, None, "list[Any]")
    return DataShape("Any", None, None, None)


def unwrap_check(shape: DataShape) -> str | None:
    """A Python expression over `d` that holds when `data` took the documented shape (the model,
    or a list of it) rather than staying the raw JSON value; None when there is nothing to check."""
    if shape.fallback is None:
        return None
    annotation = shape.annotation
    if annotation.startswith("list[") and annotation[5:-1].isidentifier() and annotation[5:-1] not in _BUILTINS:
        return f"isinstance(d, list) and all(isinstance(x, {annotation[5:-1]}) for x in d)"
    if annotation.startswith("list["):
        return "isinstance(d, list)"
    return f"isinstance(d, {annotation})"


_BUILTINS = frozenset({"str", "int", "float", "bool", "Any"})
