"""Naming: spec names → Python identifiers, class names and file stems.

Input: names from the spec model (action slugs, param names, shared definition names).
Output: identifiers that are valid, not keywords and never collide with the names the
generated modules use themselves. Every rule lives here so that `view`, `schemas` and
`datamodels` agree on each name.
"""

from __future__ import annotations

import keyword
import re

from spoki_actions.spec import ActionSpec

# names the generated modules bind themselves (imports, locals); a spec name never takes them
RESERVED = frozenset({"client", "annotations"})
_WORD = re.compile(r"[A-Za-z0-9]+")


def stem(action: ActionSpec) -> str:
    """File stem of an action: its name without `SPOKI_`, lower-cased (`list_tickets`)."""
    return action.function_name


def identifier(name: str) -> str:
    """`name` as a Python identifier: keywords and reserved names get a trailing underscore."""
    out = re.sub(r"\W", "_", name)
    if not out or out[0].isdigit():
        out = "n_" + out
    while keyword.iskeyword(out) or out in RESERVED:
        out += "_"
    return out


def function_name(action: ActionSpec) -> str:
    """Python function of an action: `SPOKI_LIST_TICKETS` → `list_tickets`."""
    return identifier(stem(action))


def class_name(name: str) -> str:
    """CamelCase class name: `custom_field` → `CustomField`; `FieldType` stays `FieldType`."""
    words = _WORD.findall(name)
    out = "".join(w[:1].upper() + w[1:] for w in words) or "Model"
    return out if out[0].isalpha() else "M" + out


def action_class(action: ActionSpec, suffix: str) -> str:
    """Model of an action: `ListTicketsInput`, `ListTicketsOutput`, `ListTicketsData`."""
    return class_name(stem(action)) + suffix


def param_names(names: list[str]) -> dict[str, str]:
    """Python keyword-argument name of each param, unique within one function."""
    out = {name: name for name in names if identifier(name) == name}
    taken = set(out.values())
    for name in names:
        if name in out:
            continue
        py = identifier(name)
        while py in taken:
            py += "_"
        taken.add(py)
        out[name] = py
    return {name: out[name] for name in names}
