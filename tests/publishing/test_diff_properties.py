"""Property tests: our verdicts on mutated schemas agree with an independent checker (jsoncompat) for
the cases both cover: integer bounds, string lengths and string enums, flat and nested (objects'
properties, required and additionalProperties, array items, nullable forms, anyOf unions, `$ref`s into
`$defs`); input as the API reads what callers send (jsoncompat's deserializer role), output as readers
read what the API sends (serializer).

One case is left out by construction: output objects here are open (as every output object of the
catalogue is). In a closed output object a removed optional field is breaking for us (readers relied on
it) and compatible for jsoncompat (the new values are a subset of the old)."""

from __future__ import annotations

import json
from typing import Any

import jsoncompat
from hypothesis import given, settings
from hypothesis import strategies as st

from spoki_actions.diff import RULES, _compare_input, _compare_output, _Rules

VALUES = ["a", "b", "c", "d"]
NAMES = ["p", "q", "r"]


@st.composite
def schemas(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["integer", "string-length", "enum"]))
    if kind == "integer":
        schema: dict[str, Any] = {"type": "integer"}
        low = draw(st.none() | st.integers(-5, 5))
        high = draw(st.none() | st.integers(6, 15))
        if low is not None:
            schema["minimum"] = low
        if high is not None:
            schema["maximum"] = high
        return schema
    if kind == "string-length":
        schema = {"type": "string"}
        high = draw(st.none() | st.integers(1, 8))
        if high is not None:
            schema["maxLength"] = high
        return schema
    return {"type": "string", "enum": sorted(draw(st.sets(st.sampled_from(VALUES), min_size=1)))}


@st.composite
def pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    old = draw(schemas())
    new = draw(schemas().filter(lambda s: s["type"] == old["type"] and ("enum" in s) == ("enum" in old)))
    return old, new


def _breaking(rules: _Rules) -> bool:
    return any(f.severity == "breaking" for f in rules.found)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(pairs())
def test_input_verdicts_match_jsoncompat(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    old, new = pair
    rules = _Rules("breaking")
    _compare_input(rules, "X", "input.p", old, new, {}, {})
    compatible = jsoncompat.check_compat(json.dumps(old), json.dumps(new), "deserializer")
    assert _breaking(rules) == (not compatible), (old, new, rules.found)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(pairs())
def test_output_verdicts_match_jsoncompat(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    old, new = pair
    rules = _Rules("breaking")  # a new output enum value counted as breaking (strict readers)
    _compare_output(rules, "X", "output", old, new, {}, {})
    compatible = jsoncompat.check_compat(json.dumps(old), json.dumps(new), "serializer")
    assert _breaking(rules) == (not compatible), (old, new, rules.found)


# --- nested --------------------------------------------------------------------------------------

def _nullable(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    form = draw(st.sampled_from(["plain", "plain", "type-list", "any-of"]))
    if form == "type-list" and "enum" not in schema:  # an enum without null keeps null out
        return {**schema, "type": [schema["type"], "null"]}
    if form == "any-of":
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


@st.composite
def trees(draw: st.DrawFn, depth: int, closed: bool | None) -> dict[str, Any]:
    """A schema up to `depth` levels of objects and arrays; objects closed, open or either (None)."""
    shape = draw(st.sampled_from(["leaf", "object", "array"] if depth > 0 else ["leaf"]))
    if shape == "leaf":
        return _nullable(draw, draw(schemas()))
    if shape == "array":
        return _nullable(draw, {"type": "array", "items": draw(trees(depth - 1, closed))})
    names = draw(st.sets(st.sampled_from(NAMES), max_size=3))
    props = {n: draw(trees(depth - 1, closed)) for n in sorted(names)}
    schema: dict[str, Any] = {"type": "object", "properties": props}
    required = sorted(draw(st.sets(st.sampled_from(sorted(names)))) if names else [])
    if required:
        schema["required"] = required
    if closed if closed is not None else draw(st.booleans()):
        schema["additionalProperties"] = False
    return _nullable(draw, schema)


def _places(schema: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every sub-schema's address inside `schema` (as keys to follow)."""
    found = [path]
    if isinstance(schema, dict):
        for key in ("properties",):
            for name, sub in schema.get(key, {}).items():
                found += _places(sub, (*path, key, name))
        if "items" in schema:
            found += _places(schema["items"], (*path, "items"))
        for i, sub in enumerate(schema.get("anyOf", [])):
            found += _places(sub, (*path, "anyOf", i))
    return found


def _at(schema: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        schema = schema[key]
    return schema


@st.composite
def mutated(draw: st.DrawFn, closed: bool | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """A nested schema and a copy with one change somewhere inside it."""
    old = draw(trees(2, closed))
    new = json.loads(json.dumps(old))
    path = draw(st.sampled_from(_places(new)))
    node = _at(new, path)
    edits = ["replace"]
    if node.get("type") in ("integer", "string"):
        edits += ["tweak"] * 4 + ([] if "enum" in node else ["nullable"])
    if node.get("type") == "object":
        edits += ["add-field", "toggle-required"] + (["toggle-closed"] if closed is None else [])
        if node["properties"]:
            edits += ["remove-field", "rename-field"]
    edit = draw(st.sampled_from(edits))
    if edit == "replace":
        replacement = draw(trees(1, closed))
        if path:
            _at(new, path[:-1])[path[-1]] = replacement
        else:
            new = replacement
    elif edit == "tweak":  # the same kind of leaf, other bounds or values
        fresh = draw(schemas().filter(lambda s: s["type"] == node["type"] and ("enum" in s) == ("enum" in node)))
        node.clear()
        node.update(fresh)
    elif edit == "nullable":
        node["type"] = [node["type"], "null"]
    elif edit == "add-field":
        free = [n for n in [*NAMES, "s"] if n not in node["properties"]]
        name = draw(st.sampled_from(free))
        node["properties"][name] = draw(trees(0, closed))
        if draw(st.booleans()):
            node["required"] = sorted({*node.get("required", []), name})
    elif edit in ("remove-field", "rename-field"):
        name = draw(st.sampled_from(sorted(node["properties"])))
        sub = node["properties"].pop(name)
        if edit == "rename-field":
            node["properties"]["s"] = sub
        if name in node.get("required", []):
            node["required"] = sorted({*node["required"], *(["s"] if edit == "rename-field" else [])} - {name})
    elif edit == "toggle-required":
        name = draw(st.sampled_from([*node["properties"], "s"] if node["properties"] else ["s"]))
        if name not in node["properties"]:
            node["properties"][name] = draw(trees(0, closed))
        now = set(node.get("required", [])) ^ {name}
        node["required"] = sorted(now)
    else:
        if node.pop("additionalProperties", True) is not False:
            node["additionalProperties"] = False
    for schema in (old, new):
        for place in _places(schema):
            sub = _at(schema, place)
            if isinstance(sub, dict) and sub.get("required") == []:
                del sub["required"]
    return old, new


def _behind_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The same schema with its top-level object's properties moved into `$defs` behind `$ref`s."""
    props = schema.get("properties")
    if not isinstance(props, dict) or not props:
        return schema
    defs = {f"d_{name}": sub for name, sub in props.items()}
    return {**schema, "properties": {name: {"$ref": f"#/$defs/d_{name}"} for name in props}, "$defs": defs}


def _verdicts(old: dict[str, Any], new: dict[str, Any], role: str) -> tuple[bool, bool, list[Any]]:
    rules = _Rules("breaking")
    compare = _compare_input if role == "deserializer" else _compare_output
    compare(rules, "X", "input.p" if role == "deserializer" else "output", old, new, old, new)
    documented = {("output-enum-value-added", "breaking"), ("input-removed", "warning")}  # see RULES' comment
    assert all(f.severity == RULES[f.rule][0] or (f.rule, f.severity) in documented for f in rules.found), rules.found
    return _breaking(rules), not jsoncompat.check_compat(json.dumps(old), json.dumps(new), role), rules.found


@settings(max_examples=400, deadline=None, derandomize=True)
@given(mutated(closed=None), st.booleans())
def test_nested_input_verdicts_match_jsoncompat(pair: tuple[dict[str, Any], dict[str, Any]], refs: bool) -> None:
    old, new = (_behind_refs(s) for s in pair) if refs else pair
    ours, theirs, found = _verdicts(old, new, "deserializer")
    assert ours == theirs, (old, new, found)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(mutated(closed=False), st.booleans())
def test_nested_output_verdicts_match_jsoncompat(pair: tuple[dict[str, Any], dict[str, Any]], refs: bool) -> None:
    old, new = (_behind_refs(s) for s in pair) if refs else pair
    ours, theirs, found = _verdicts(old, new, "serializer")
    assert ours == theirs, (old, new, found)
