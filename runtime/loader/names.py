"""Names: the rules that turn spec names into Python identifiers and class names.

Input: names from the spec model (action slugs, param names, shared definition names).
Output: identifiers that are valid, not keywords and never taken by the generated modules
themselves, and CamelCase class names. The generator's `naming` module builds on these rules,
and `clashes` lets the loader refuse, at lint time, two actions the generator would turn into
one function or one model class.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from typing import Any

from ..spec import ActionSpec

# names the generated modules bind themselves (imports, locals); a spec name never takes them
RESERVED = frozenset({"client", "annotations"})
_WORD = re.compile(r"[A-Za-z0-9]+")
# module-level names the generated models, actions and aio modules import; no model class takes one
# (datamodel-code-generator would rename the class, and the bindings would import the wrong thing)
IMPORTED = frozenset({"Annotated", "Any", "AsyncClient", "BaseModel", "Client", "ConfigDict", "Field", "IntEnum",
                      "Literal", "StrEnum"})


def identifier(name: str) -> str:
    """`name` as a Python identifier: keywords and reserved names get a trailing underscore."""
    out = re.sub(r"\W", "_", name)
    if not out or out[0].isdigit():
        out = "n_" + out
    while keyword.iskeyword(out) or out in RESERVED:
        out += "_"
    return out


def class_name(name: str) -> str:
    """CamelCase class name: `custom_field` → `CustomField`; `FieldType` stays `FieldType`."""
    words = _WORD.findall(name)
    out = "".join(w[:1].upper() + w[1:] for w in words) or "Model"
    return out if out[0].isalpha() else "M" + out


def action_class(action: ActionSpec, suffix: str) -> str:
    """Model of an action: `ListTicketsInput`, `ListTicketsOutput`, `ListTicketsData`."""
    return class_name(action.function_name) + suffix


def _has_fields(schema: Any) -> bool:
    return isinstance(schema, dict) and bool(schema.get("properties"))


def model_classes(action: ActionSpec) -> list[str]:
    """Every model class the generator makes for one action (inputs, envelope, hoisted data, enums)."""
    out = [action_class(action, "Input"), action_class(action, "Output")]
    output = action.response.output
    body = {k: v for k, v in output.items() if k != "$defs"}
    single_ref = "$ref" in body and set(body) <= {"$ref", "description", "title"}
    items = output.get("items")
    if not single_ref and output.get("type") == "object" and _has_fields(output):
        out.append(action_class(action, "Data"))
    elif not single_ref and output.get("type") == "array" and _has_fields(items) \
            and not (isinstance(items, dict) and "$ref" in items and len(items) == 1):
        out.append(action_class(action, "Item"))
    for p in action.params:
        if p.enum is not None and p.enum.labels is not None and p.type == "integer" and p.enum.name is None:
            out.append(action_class(action, class_name(p.name)))
    return out


def clashes(actions: dict[str, ActionSpec]) -> Iterator[tuple[str, str]]:
    """(action, message) for each action whose function or model class another one already takes."""
    functions: dict[str, str] = {}
    classes: dict[str, str] = {}
    for action in sorted(actions.values(), key=lambda a: a.name):
        fn = identifier(action.function_name)
        first = functions.setdefault(fn, action.name)
        if first != action.name:
            yield action.name, (f"{first} and {action.name} both become the Python function {fn!r}; "
                                "rename one of them")
        defs = [*action.response.output.get("$defs", {}), *action.input_schema.get("$defs", {})]
        owners = [(class_name(d), f"shared definition {d!r}") for d in defs]
        for cls, owner in [*owners, *((c, action.name) for c in model_classes(action))]:
            if cls in IMPORTED:
                yield action.name, (f"{owner} needs the model class {cls!r}, a name the generated modules "
                                    "import; rename it")
                continue
            first = classes.setdefault(cls, owner)
            if first != owner:
                yield action.name, f"{first} and {owner} both need the model class {cls!r}; rename one of them"
