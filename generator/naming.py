"""Naming: spec names → Python identifiers, class names and file stems.

Input: names from the spec model (action slugs, param names, shared definition names).
Output: identifiers that are valid, not keywords and never collide with the names the
generated modules use themselves. The base rules (`identifier`, `class_name`) are the loader's
(`spoki_actions.loader.names`), so lint refuses the clashes generate would; every other rule
lives here so that `view`, `schemas` and `datamodels` agree on each name.
"""

from __future__ import annotations

from spoki_actions.loader.names import RESERVED, class_name, identifier
from spoki_actions.spec import ActionSpec

__all__ = ["RESERVED", "action_class", "class_name", "function_name", "identifier", "param_names", "stem"]


def stem(action: ActionSpec) -> str:
    """File stem of an action: its name without `SPOKI_`, lower-cased (`list_tickets`)."""
    return action.function_name


def function_name(action: ActionSpec) -> str:
    """Python function of an action: `SPOKI_LIST_TICKETS` → `list_tickets`."""
    return identifier(stem(action))


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
