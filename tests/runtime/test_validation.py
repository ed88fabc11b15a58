"""Input validation: every problem at once, by field, before any request; None means "not given".

Unit cases per rule, the end-to-end contract (no request on invalid input, the envelope and the
raising API), and hypothesis properties: the hand-compiled checks agree with jsonschema on every
real param's schema, and never raise whatever they are given.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from typing import Any

import httpx
import jsonschema
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from spoki_actions import Client, ErrorKind, InputError, InputProblem
from spoki_actions._registry import load
from spoki_actions._validate import compile_param
from spoki_actions.spec import EnumSpec, Param

from .rt_support import FakeApi


def param(type_: str = "string", **fields: Any) -> Param:
    return Param(name="x", type=type_, location="query", wire_name="x", required=False, nullable=True,  # type: ignore[arg-type]
                 description="", **fields)


def problems_for(value: Any, type_: str = "string", **fields: Any) -> list[str]:
    found: list[InputProblem] = []
    compile_param(param(type_, **fields), {})(value, "x", found)
    return [p.message for p in found]


def validate(action: str, params: Any) -> tuple[dict[str, Any], list[InputProblem]]:
    return load().require(action).validate(params)


# --- types -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, type_, ok", [
    (1, "integer", True), (True, "integer", False), (False, "integer", False), (1.0, "integer", False),
    ("1", "integer", False), (1.5, "number", True), (2, "number", True), (True, "number", False),
    (math.nan, "number", False), (math.inf, "number", False), (True, "boolean", True), (1, "boolean", False),
    ("true", "boolean", False), ("a", "string", True), (1, "string", False), (b"a", "string", False),
    ({}, "object", True), ([], "object", False), ([], "array", True), ((1, 2), "array", True),
    ("ab", "array", False),
])
def test_types_are_strict(value: Any, type_: str, ok: bool) -> None:
    assert (problems_for(value, type_) == []) is ok


def test_true_is_not_an_integer_and_says_so() -> None:
    _, problems = validate("SPOKI_RETRIEVE_CONTACT", {"contact_id": True})
    assert problems == [InputProblem("contact_id", "expected an integer, got a boolean (True)")]


def test_enum_members_and_subclasses_are_normalized_to_plain_values() -> None:
    class FieldType(enum.IntEnum):
        TEXT = 1

    class Order(enum.StrEnum):
        DESC = "desc"

    values, problems = validate("SPOKI_CREATE_CUSTOM_FIELD",
                                {"code": "A", "label": "a", "example": "x", "field_type": FieldType.TEXT})
    assert problems == [] and type(values["field_type"]) is int
    values, problems = validate("SPOKI_LIST_TICKETS", {"order": Order.DESC})
    assert problems == [] and type(values["order"]) is str and values["order"] == "desc"


# --- enums, formats, bounds, lengths, patterns -------------------------------------------------

def test_integer_enum_lists_values_with_labels() -> None:
    _, problems = validate("SPOKI_CREATE_CUSTOM_FIELD", {"code": "A", "label": "a", "example": "x", "field_type": 4})
    assert problems == [InputProblem("field_type", "must be one of 1 (TEXT), 2 (DATE), 3 (DATETIME); got 4")]


def test_string_enum_suggests_the_close_value() -> None:
    _, problems = validate("SPOKI_LIST_TICKETS", {"order": "DESC"})
    assert problems == [InputProblem("order", "must be one of 'asc', 'desc'; got 'DESC' (did you mean 'desc'?)")]
    _, problems = validate("SPOKI_LIST_AUTOMATIONS", {"webhook_platform": "Shopfy"})
    assert "(did you mean 'Shopify'?)" in problems[0].message


def test_enum_does_not_confuse_true_with_1() -> None:
    enum_spec = EnumSpec(None, (1, 2), ("ONE", "TWO"))
    assert problems_for(True, "integer", enum=enum_spec) != []
    assert problems_for(2, "integer", enum=enum_spec) == []


@pytest.mark.parametrize("fmt, good, bad", [
    ("email", ["maria.rossi@example.com", "a+b@x.it"], ["maria", "a@b", "a b@x.it", "@x.it"]),
    ("date", ["2024-05-31", "2024-02-29"], ["2024-5-31", "2023-02-29", "31/05/2024", "2024-05-31T00:00:00Z"]),
    ("date-time", ["2024-05-31T23:59:59Z", "2024-05-31T23:59:59.123+02:00", "2024-05-31 10:00"],
     ["2024-05-31", "2024-05-31T25:00:00Z", "yesterday"]),
    ("e164", ["+393331234567", "+1234567"], ["393331234567", "+0393331234567", "+39 333 1234567", "+123"]),
    ("uri", ["https://example.com/x", "http://a.b"], ["example.com", "/relative", "https://a b.com"]),
    ("uuid", ["123e4567-e89b-12d3-a456-426614174000"], ["123e4567e89b12d3a456426614174000", "x"]),
])
def test_formats(fmt: str, good: list[str], bad: list[str]) -> None:
    for value in good:
        assert problems_for(value, format=fmt) == [], value
    for value in bad:
        assert len(problems_for(value, format=fmt)) == 1, value


def test_e164_reports_one_problem_not_two() -> None:
    _, problems = validate("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "3331234567"})
    assert problems == [InputProblem("phone", "must be a phone number in E.164 form: + then 7 to 15 digits, "
                                              "e.g. +393331234567; got '3331234567'")]


@pytest.mark.parametrize("fmt, message", [
    ("email", "must be an email address such as name@example.com; got 'a b'"),
    ("date", "must be a date in YYYY-MM-DD form, e.g. 2024-05-31; got 'a b'"),
    ("date-time", "must be an ISO-8601 date-time, e.g. 2024-05-31T23:59:59Z; got 'a b'"),
    ("e164", "must be a phone number in E.164 form: + then 7 to 15 digits, e.g. +393331234567; got 'a b'"),
    ("uri", "must be an absolute URI such as https://example.com/page; got 'a b'"),
    ("uuid", "must be a UUID such as 123e4567-e89b-12d3-a456-426614174000; got 'a b'"),
])
def test_each_format_says_what_it_wants(fmt: str, message: str) -> None:
    assert problems_for("a b", format=fmt) == [message]
    assert problems_for(5, "integer", format=fmt) == []  # a format is about strings only


def test_object_keys_must_be_strings_at_every_depth() -> None:
    assert problems_for({1: "a"}, "object") == ["keys must be strings, got an integer (1)"]
    found: list[InputProblem] = []
    compile_param(param("object"), {})({"a": {2: "b"}}, "meta", found)
    assert found == [InputProblem("meta.a", "keys must be strings, got an integer (2)")]


def test_bounds_lengths_and_pattern() -> None:
    assert problems_for(0, "integer", minimum=1) == ["must be >= 1; got 0"]
    assert problems_for(11, "integer", maximum=10) == ["must be <= 10; got 11"]
    assert problems_for("ab", min_length=3) == ["must have at least 3 characters; got 2"]
    assert problems_for("abcd", max_length=3) == ["must have at most 3 characters; got 4"]
    assert problems_for([1, 2], "array", max_length=1) == ["must have at most 1 items; got 2"]
    assert problems_for("abc", pattern="^[A-Z]+$") == ["must match the pattern ^[A-Z]+$; got 'abc'"]
    assert problems_for("xABCx", pattern="[A-Z]+") == []  # JSON Schema patterns search, they do not anchor


@pytest.mark.parametrize("fmt, value", [
    ("e164", "+393331234567\n"), ("email", "x@y.it\n"), ("date", "2024-05-31\n"),
    ("date-time", "2024-05-31T23:59:59Z\n"), ("uuid", "123e4567-e89b-12d3-a456-426614174000\n"),
    ("uri", "https://example.com/x\n"),
])
def test_formats_refuse_a_trailing_newline(fmt: str, value: str) -> None:
    assert problems_for(value.rstrip("\n"), format=fmt) == []
    assert len(problems_for(value, format=fmt)) == 1, value


def test_a_pattern_dollar_is_the_very_end_as_in_json_schema() -> None:
    assert problems_for("ABC\n", pattern="^[A-Z][A-Z0-9_]*$") == [
        "must match the pattern ^[A-Z][A-Z0-9_]*$; got 'ABC\\n'"]
    assert problems_for("ABC", pattern="^[A-Z][A-Z0-9_]*$") == []
    assert problems_for("a$b", pattern="^a[$]b$") == []  # a $ in a class is a dollar sign
    assert problems_for("a$", pattern=r"^a\$$") == []
    assert problems_for("a$\n", pattern=r"^a\$$") != []
    assert problems_for("x]$", pattern="[]]\\$$") == []  # a leading ] in a class is literal
    _, problems = validate("SPOKI_CREATE_CUSTOM_FIELD", {"code": "ABC\n", "label": "a", "example": "x",
                                                         "field_type": 1})
    assert [p.field for p in problems] == ["code"]
    _, problems = validate("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234567\n", "email": "x@y.it\n"})
    assert [p.field for p in problems] == ["phone", "email"]


def test_deeply_nested_input_is_a_problem_not_a_crash(api: FakeApi) -> None:
    catalogue = load().catalogue
    contact = catalogue.actions["SPOKI_CREATE_OR_UPDATE_CONTACT"]
    free = tuple(dataclasses.replace(p, values=None) if p.name == "custom_fields" else p for p in contact.params)
    actions = {**catalogue.actions, contact.name: dataclasses.replace(contact, params=free)}
    client = Client(catalogue=dataclasses.replace(catalogue, actions=actions), transport=httpx.MockTransport(api))
    nested: Any = 1
    for _ in range(5000):
        nested = {"a": nested}
    outcome = client.execute("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234567", "custom_fields": nested})
    assert outcome.kind is ErrorKind.VALIDATION and api.requests == []
    assert outcome.error == ("invalid input for SPOKI_CREATE_OR_UPDATE_CONTACT: params: nests too deeply to read; "
                             "flatten the input")


def test_array_items_and_object_values_are_checked_by_path() -> None:
    assert problems_for([1, "2", 3], "array", items={"type": "integer"}) == ["expected an integer, got a string ('2')"]
    found: list[InputProblem] = []
    compile_param(param("array", items={"type": "integer"}), {})([1, "2"], "tags", found)
    assert found == [InputProblem("tags[1]", "expected an integer, got a string ('2')")]
    _, problems = validate("SPOKI_CREATE_OR_UPDATE_CONTACT",
                           {"phone": "+393331234567", "custom_fields": {"TIER": "Gold", "AGE": 42, "X": None}})
    assert problems == [InputProblem("custom_fields.AGE", "expected a string, got an integer (42)"),
                        InputProblem("custom_fields.X", "expected a string, got None")]


def test_untyped_nested_values_must_be_json() -> None:
    assert problems_for({"a": {1, 2}}, "object") == ["expected a JSON value, got a set"]
    assert problems_for({"a": [1, {"b": math.nan}]}, "object") == ["must be a finite number; got nan"]
    assert problems_for({"a": [1, {"b": None}]}, "object") == []


def test_nested_refs_and_any_of_resolve_against_defs() -> None:
    defs = {"Order": {"type": "string", "enum": ["asc", "desc"]}}
    found: list[InputProblem] = []
    compile_param(param("array", items={"anyOf": [{"$ref": "#/$defs/Order"}, {"type": "null"}]}), defs)(
        ["asc", None, "up"], "orders", found)
    assert found == [InputProblem("orders[2]", "must be one of 'asc', 'desc'; got 'up'")]


# --- the whole input -----------------------------------------------------------------------------

def test_every_problem_is_reported_at_once_in_param_order() -> None:
    _, problems = validate("SPOKI_CREATE_CUSTOM_FIELD",
                           {"field_type": True, "labl": "Tier", "code": "tier", "example": None})
    assert [p.field for p in problems] == ["code", "label", "example", "field_type", "labl"]
    assert problems[1].message == "is required but missing"
    assert problems[2].message == "is required; None means not given"
    assert problems[4].message.startswith("unknown input (did you mean 'label'?); SPOKI_CREATE_CUSTOM_FIELD takes: ")


def test_none_means_not_given() -> None:
    values, problems = validate("SPOKI_LIST_CONTACTS", {"search": None, "is_blocked": None, "tag": 3})
    assert problems == [] and values == {"tag": 3}


@pytest.mark.parametrize("params", [[("a", 1)], "contact_id=1", 5])
def test_params_must_be_a_mapping(params: Any) -> None:
    _, problems = validate("SPOKI_RETRIEVE_CONTACT", params)
    assert problems[0].field == "params"


def test_non_string_keys_are_unknown_inputs() -> None:
    _, problems = validate("SPOKI_LIST_TAGS", {1: "x"})
    assert problems == [InputProblem("1", "input names must be strings, got an integer (1); "
                                          "SPOKI_LIST_TAGS takes no inputs")]


def test_invalid_input_sends_nothing_and_says_everything(api: FakeApi, client: Client) -> None:
    outcome = client.execute("SPOKI_CREATE_CUSTOM_FIELD", {"code": "x", "field_type": 9})
    assert api.requests == []
    assert outcome.kind is ErrorKind.VALIDATION and outcome.status is None and outcome.attempts == 0
    assert outcome.envelope == {
        "data": {}, "successful": False,
        "error": "4 problems with the input of SPOKI_CREATE_CUSTOM_FIELD: code: must match the pattern "
                 "^_*[A-Z][A-Z0-9_]*$; got 'x'; label: is required but missing; example: is required but missing; "
                 "field_type: must be one of 1 (TEXT), 2 (DATE), 3 (DATETIME); got 9"}
    assert [p.field for p in outcome.problems] == ["code", "label", "example", "field_type"]
    with pytest.raises(InputError) as raised:
        client.call("SPOKI_CREATE_CUSTOM_FIELD", {"code": "x", "field_type": 9})
    assert [p.field for p in raised.value.problems] == ["code", "label", "example", "field_type"]


def test_array_actions_fail_with_an_empty_array(api: FakeApi, client: Client) -> None:
    assert client.run("SPOKI_LIST_AGENCIES", {"page": 2}) == {
        "data": [], "successful": False,
        "error": "invalid input for SPOKI_LIST_AGENCIES: page: unknown input; SPOKI_LIST_AGENCIES takes no inputs"}


# --- properties ----------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
# formats other than e164 (which the loader also gives a pattern) are not asserted by jsonschema's defaults
REAL_PARAMS = [(a.name, p) for a in load().catalogue.actions.values() for p in a.params if p.format in (None, "e164")]


def samples(p: Param) -> st.SearchStrategy[Any]:
    extra: list[st.SearchStrategy[Any]] = [JSON]
    if p.enum is not None:
        extra.append(st.sampled_from(p.enum.values))
    if p.example is not None:
        extra.append(st.just(p.example))
    if p.pattern:
        extra.append(st.from_regex(p.pattern, fullmatch=True))
    if p.minimum is not None:
        extra.append(st.integers(int(p.minimum) - 3, int(p.minimum) + 3))
    return st.one_of(extra)


@pytest.mark.parametrize("action, p", REAL_PARAMS, ids=[f"{a}.{p.name}" for a, p in REAL_PARAMS])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_compiled_checks_agree_with_jsonschema(action: str, p: Param, data: st.DataObject) -> None:
    value = data.draw(samples(p))
    assume(value is not None)  # None is "not given", handled before the check
    assume(not (isinstance(value, float) and value.is_integer()))  # jsonschema counts 1.0 as an integer; we do not
    assume(not (isinstance(value, str) and value.endswith("\n")))  # jsonschema's `$` (Python's) allows a final \n
    defs = load().catalogue.actions[action].input_schema.get("$defs", {})
    found: list[InputProblem] = []
    compile_param(p, defs)(value, p.name, found)
    expected = jsonschema.Draft202012Validator({**p.schema, "$defs": defs}).is_valid(value)
    assert (found == []) is expected, (value, found)


@settings(max_examples=300, deadline=None)
@given(action=st.sampled_from(load().names),
       params=st.dictionaries(st.text(max_size=12) | st.integers(), JSON, max_size=6) | JSON)
def test_validation_never_raises(action: str, params: Any) -> None:
    values, problems = validate(action, params)
    assert isinstance(values, dict)
    assert all(isinstance(p, InputProblem) and p.field and p.message for p in problems)


# --- the checks' shortcuts against their general rules ----------------------------------------

class Colour(enum.StrEnum):
    OPEN = "OPEN"


class Level(enum.IntEnum):
    ONE = 1


class Text(str):
    pass


ODD_VALUES = st.one_of(JSON, st.sampled_from([True, False, 1, 1.0, 2.0, "1", "OPEN", "open", Colour.OPEN, Level.ONE,
                                               Text("OPEN"), Text("x"), b"OPEN", 10**700, -(10**700), math.inf]))


@settings(max_examples=300, deadline=None)
@given(value=ODD_VALUES)
def test_a_value_of_the_exact_type_is_what_its_coercer_returns(value: Any) -> None:
    """The check takes a value of a string/integer/boolean param's exact type as it is: its coercer's answer."""
    from spoki_actions._validate import _EXACT, COERCE

    for name, exact in _EXACT.items():
        if type(value) is exact:
            assert COERCE[name](value) is value


ENUMS = [p.enum.values for _, p in REAL_PARAMS if p.enum is not None] + [(1, 2, "1", True), (2.0, "a", None)]


@settings(max_examples=300, deadline=None)
@given(value=ODD_VALUES, members=st.sampled_from(ENUMS))
def test_an_enum_check_allows_what_its_general_rule_allows(value: Any, members: tuple[Any, ...]) -> None:
    """The set lookup of exact str/int members agrees with the kind-and-value rule (`True` is not 1)."""
    from spoki_actions._constraints import _enum_check, _enum_key

    try:
        allowed = _enum_key(value) in {_enum_key(m) for m in members if m is not None}
    except TypeError:
        allowed = False
    assert (_enum_check(tuple(m for m in members if m is not None), None)(value) is None) is allowed


@settings(max_examples=300, deadline=None)
@given(value=ODD_VALUES, limit=st.sampled_from([0, 1, 2.5, -3]))
def test_a_bound_applies_to_numbers_only_as_its_general_rule_says(value: Any, limit: float) -> None:
    from spoki_actions._constraints import _bounds

    low, high = _bounds(limit, limit)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    assert (low(value) is None) is not (number and value < limit)
    assert (high(value) is None) is not (number and value > limit)
