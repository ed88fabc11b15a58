"""Property tests: our verdicts on mutated schemas agree with an independent checker (jsoncompat) for
the cases both cover: integer bounds, string lengths and string enums; input as the API reads what
callers send (jsoncompat's deserializer role), output as readers read what the API sends (serializer)."""

from __future__ import annotations

import json
from typing import Any

import jsoncompat
from hypothesis import given, settings
from hypothesis import strategies as st

from spoki_actions.diff import _compare_input, _compare_output, _Rules

VALUES = ["a", "b", "c", "d"]


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
