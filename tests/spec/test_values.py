"""One classifier, three wordings: Python callers, YAML authors and API bodies each read their own
words for a value, decided in `_values`; no wording ever fails on a huge integer."""

from __future__ import annotations

from typing import Any

import pytest

from spoki_actions import _constraints, _request, _response, _validate, _values, _yaml

HUGE = 7 * 10**5000 + 12345  # str() of it raises ValueError (more than 4,300 digits)

WORDINGS: list[tuple[Any, str, str, str]] = [  # value, for_python, for_yaml, for_body
    (None, "None", "null", "null"),
    (True, "a boolean (True)", "boolean true", "a boolean"),
    (5, "an integer (5)", "integer 5", "a number"),
    (1.5, "a number (1.5)", "number 1.5", "a number"),
    ("x", "a string ('x')", "string 'x'", "a string"),
    ({"a": 1}, "an object", "a mapping", "an object"),
    ([1], "an array", "a list", "an array"),
    ("y" * 100, f"a string ('{'y' * 56}...)", f"string '{'y' * 56}...", "a string"),
    (HUGE, f"an integer ({'7' + '0' * 56}...)", f"integer {'7' + '0' * 56}...", "a number"),
    (-HUGE, f"an integer (-{'7' + '0' * 55}...)", f"integer -{'7' + '0' * 55}...", "a number"),
]


@pytest.mark.parametrize(("value", "python", "yaml", "body"), WORDINGS, ids=[w[1][:20] for w in WORDINGS])
def test_three_wordings_from_one_classifier(value: Any, python: str, yaml: str, body: str) -> None:
    assert _values.for_python(value) == python
    assert _validate.describe(value) == python
    assert _values.for_yaml(value) == yaml
    assert _yaml.describe(value) == yaml
    assert _values.for_body(value) == body


def test_an_empty_body_is_named_by_the_reader() -> None:
    assert _values.for_body(_response.EMPTY, _response.EMPTY) == "an empty body"
    assert _values.for_body({}, _response.EMPTY) == "an object"


@pytest.mark.parametrize("value", [10**4299, 10**4300, 10**4301, 10**20000, -(10**9000)],
                         ids=["4300 digits", "4301 digits", "4302 digits", "20001 digits", "minus 9001 digits"])
def test_int_text_is_str_cut_or_never_raises(value: int) -> None:
    text = _values.int_text(value)
    assert len(text) <= _values.SHORT and text.endswith("...")
    assert text.lstrip("-").startswith("1000")
    assert text == ("-" if value < 0 else "") + "1" + "0" * (56 - (value < 0)) + "..."


def test_small_ints_read_as_str() -> None:
    for value in (0, -1, 10**59, -(10**58), 10**60):
        text = str(value)
        assert _values.int_text(value) == (text if len(text) <= 60 else text[:57] + "...")


def test_one_e164_and_one_placeholder_regex() -> None:
    assert _constraints.E164 is _values.E164 and _response.E164 is _values.E164
    assert _request.PLACEHOLDER is _values.PLACEHOLDER
    assert _values.E164_PATTERN in _constraints.E164_PATTERNS
    assert _values.E164.fullmatch("+393331234567") and not _values.E164.fullmatch("+0123456")


def test_the_compiled_catalogue_round_trips_field_by_field() -> None:
    import json
    from pathlib import Path

    from spoki_actions import spec
    from spoki_actions.loader import load_catalogue

    catalogue = load_catalogue(Path(__file__).parents[2] / "specs")
    again = spec.from_dict(json.loads(json.dumps(spec.to_dict(catalogue))))
    assert again == catalogue
    action = again.actions["SPOKI_CREATE_CUSTOM_FIELD"]
    assert isinstance(action.params, tuple) and isinstance(action.response.success, tuple)
    assert action.behaviour.rate_limit == spec.RateLimit("custom_fields", 5, 60.0)
    assert isinstance(again.connector.retry.retry_statuses, tuple)
