"""Tool projections: shape rules per dialect, and the round trip for every action and dialect."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest

from spoki_actions import tools
from spoki_actions.spec import ActionSpec
from spoki_actions.tools import _dispatch, _project

CATALOGUE = tools.load()
ACTIONS = list(CATALOGUE.actions.values())
IDS = [a.name for a in ACTIONS]


def _walk(node: Any, path: str = "") -> Any:
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}/{i}")


def _canonical_params(action: ActionSpec) -> dict[str, Any]:
    """Every param the spec gives an example for (all of them, optional ones too)."""
    return {p.name: p.example for p in action.params if p.has_example}


def _as_sent(action: ActionSpec, params: dict[str, Any], dialect: str) -> dict[str, Any]:
    """What a model would send in `dialect` for `params` (the projection applied to values)."""
    out: dict[str, Any] = {}
    for p in action.params:
        if p.name not in params:
            if dialect == "openai-strict":
                out[p.name] = None  # strict: every property present, null = not given
            continue
        value = params[p.name]
        if _project.is_map(p) and dialect in ("openai-strict", "anthropic-strict", "gemini"):
            value = [{"key": k, "value": v} for k, v in value.items()]
        if dialect == "gemini" and p.enum is not None and p.type == "integer":
            assert p.enum.labels is not None
            value = p.enum.labels[p.enum.values.index(value)]
        out[p.name] = value
    return out


def test_every_param_has_an_example() -> None:
    missing = [f"{a.name}.{p.name}" for a in ACTIONS for p in a.params if not p.has_example]
    assert missing == []


@pytest.mark.parametrize("dialect", _project.DIALECTS)
@pytest.mark.parametrize("action", ACTIONS, ids=IDS)
def test_round_trip(action: ActionSpec, dialect: _project.Dialect) -> None:
    params = _canonical_params(action)
    schema = _project.input_schema(action, dialect)
    for subset in (params, {p.name: params[p.name] for p in action.params if p.required}):
        sent = _as_sent(action, subset, dialect)
        if dialect != "gemini":  # Gemini's classic schema is OpenAPI, not JSON Schema (checked by its SDK)
            jsonschema.Draft202012Validator(schema).validate(sent)
        # through JSON text, as providers send arguments
        assert _dispatch.undo(action, json.loads(json.dumps(sent)), dialect) == subset


@pytest.mark.parametrize("action", ACTIONS, ids=IDS)
def test_openai_strict_rules(action: ActionSpec) -> None:
    schema = _project.input_schema(action, "openai-strict")
    for path, node in _walk(schema):
        types = node.get("type")
        if types == "object" or (isinstance(types, list) and "object" in types):
            assert node.get("additionalProperties") is False, path
            assert sorted(node.get("required", [])) == sorted(node["properties"]), path
        if "format" in node:
            assert node["format"] in _project.OPENAI_FORMATS, path
        for banned in ("$schema", "$id", "$comment", "examples", "title", "allOf", "not", "if"):
            assert banned not in node, (path, banned)


@pytest.mark.parametrize("action", ACTIONS, ids=IDS)
def test_anthropic_strict_rules(action: ActionSpec) -> None:
    schema = _project.input_schema(action, "anthropic-strict")
    for path, node in _walk(schema):
        for banned in ("minimum", "maximum", "multipleOf", "minLength", "maxLength", "examples", "$ref", "pattern"):
            assert banned not in node, (path, banned)
        if node.get("type") == "object":
            assert node.get("additionalProperties") is False, path
        if "format" in node:
            assert node["format"] in _project.ANTHROPIC_FORMATS, path


@pytest.mark.parametrize("action", ACTIONS, ids=IDS)
def test_gemini_classic_rules(action: ActionSpec) -> None:
    schema = _project.input_schema(action, "gemini")
    for path, node in _walk(schema):
        if path.endswith("/properties") or path.endswith("/enum"):
            continue
        assert not isinstance(node.get("type"), list), path
        for banned in ("additionalProperties", "const", "$ref", "$defs", "anyOf", "examples", "$schema"):
            assert banned not in node, (path, banned)
        if "enum" in node:
            assert node["type"] == "string" and all(isinstance(v, str) for v in node["enum"]), path
        if node.get("type") == "array":
            assert "items" in node, path


@pytest.mark.parametrize("action", ACTIONS, ids=IDS)
def test_no_information_lost(action: ActionSpec) -> None:
    """Constraints a dialect cannot say as keywords are said in words."""
    for p in action.params:
        strict = _project.input_schema(action, "anthropic-strict")["properties"][p.name]
        if p.minimum is not None:
            assert f"≥ {p.minimum:g}" in strict["description"]
        if p.pattern is not None:
            assert p.pattern in strict["description"] and "pattern" not in strict
        gem = _project.input_schema(action, "gemini")["properties"][p.name]
        if p.format is not None and p.format not in _project.GEMINI_FORMATS:
            assert "format" not in gem and (p.pattern is None or gem["pattern"] == p.pattern)


def test_names_fit_every_provider() -> None:
    import re

    for a in ACTIONS:
        assert re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", a.name)  # OpenAI, the strictest
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.:-]{0,127}", a.name)  # Gemini


def test_annotations_follow_safety() -> None:
    for a in ACTIONS:
        hints = _project.mcp_annotations(a)
        assert hints["readOnlyHint"] is (a.behaviour.safety == "read")
        assert hints["idempotentHint"] is (a.behaviour.safety != "unsafe")
        assert hints["destructiveHint"] is (a.method == "DELETE" or a.behaviour.safety == "unsafe")
        assert hints["openWorldHint"] is True
    delete = CATALOGUE.actions["SPOKI_DELETE_CONTACT"]
    assert _project.mcp_annotations(delete)["destructiveHint"] is True


def test_selection() -> None:
    everything = tools.mcp(deprecated=True)
    assert len(everything) == len(ACTIONS)
    deprecated = {a.name for a in ACTIONS if a.behaviour.deprecated is not None}
    assert deprecated and {t["name"] for t in tools.mcp()} == set(CATALOGUE.actions) - deprecated
    reads = tools.openai(read_only=True)
    assert reads and all(CATALOGUE.actions[t["function"]["name"]].behaviour.safety == "read" for t in reads)
    contacts = tools.gemini(groups=["contacts"])
    assert {t["name"] for t in contacts} == {a.name for a in ACTIONS if a.group == "contacts"}
    with pytest.raises(ValueError, match="unknown group"):
        tools.openai(groups=["nope"])
    with pytest.raises(ValueError, match="unknown dialect"):
        tools.tools("cohere")  # type: ignore[arg-type]


def test_anthropic_strict_stays_within_request_limits() -> None:
    with pytest.warns(UserWarning, match="sent without strict"):
        listing = tools.anthropic(strict=True, deprecated=True)
    strict = [t for t in listing if t.get("strict")]
    assert 0 < len(strict) <= _project.ANTHROPIC_STRICT_TOOLS
    counts = [_project.strict_counts(CATALOGUE.actions[t["name"]]) for t in strict]
    assert sum(c[0] for c in counts) <= _project.ANTHROPIC_STRICT_OPTIONAL
    assert sum(c[1] for c in counts) <= _project.ANTHROPIC_STRICT_UNIONS
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        small = tools.anthropic(strict=True, groups=["contacts"])
    assert all(t["strict"] for t in small)


def test_mcp_output_schemas_are_object_rooted() -> None:
    for t in tools.mcp(deprecated=True):
        assert t["outputSchema"]["type"] == "object", t["name"]


def _resolved(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """A property with its `$ref`s (to the schema's own `$defs`) inlined and the null branch dropped."""
    prop = dict(schema["properties"][name])
    for branch in prop.pop("anyOf", []):
        if branch.get("type") != "null":
            prop.update(schema["$defs"][branch["$ref"].rsplit("/", 1)[1]] if "$ref" in branch else branch)
    return prop


@pytest.mark.parametrize("dialect", sorted(_project.SHARING_DIALECTS))
@pytest.mark.parametrize("action", ACTIONS, ids=IDS)
def test_patterns_keep_their_meaning(action: ActionSpec, dialect: _project.Dialect) -> None:
    """Every pattern reaches the dialect whole (inline, or once in `$defs` when params share it), and the
    projected schema refuses what the runtime refuses."""
    from spoki_actions import check_input

    schema = _project.input_schema(action, dialect)
    refused = 0
    for p in action.params:
        if p.pattern is None:
            continue
        assert _resolved(schema, p.name)["pattern"] == p.pattern, p.name
        for bad in ("2024-13-01", "2024-05-01T25:00Z", "x", "lower_case"):
            assert check_input(action.name, {**_canonical_params(action), p.name: bad}) is not None
            assert not re.fullmatch(p.pattern, bad)
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.Draft202012Validator(schema).validate(_as_sent(action, {p.name: bad}, dialect))
            refused += 1
    assert refused == 4 * sum(p.pattern is not None for p in action.params)


def test_a_shared_pattern_is_said_once() -> None:
    campaigns = CATALOGUE.actions["SPOKI_LIST_CAMPAIGNS"]
    pattern = campaigns.params[0].pattern
    assert pattern is not None and all(p.pattern == pattern for p in campaigns.params)
    for dialect in _project.SHARING_DIALECTS:
        text = json.dumps(_project.input_schema(campaigns, dialect))
        assert text.count(json.dumps(pattern)) == 1, dialect
        assert '"$defs": {"scheduled_datetime": {' in text
    for dialect in ("gemini", "anthropic-strict"):  # no local refs there: each param says it
        assert json.dumps(_project.input_schema(campaigns, dialect)).count(pattern.replace("\\", "\\\\")) == 2


def test_descriptions_that_restate_the_name_are_left_out() -> None:
    contact = CATALOGUE.actions["SPOKI_CREATE_OR_UPDATE_CONTACT"]
    by_name = {p.name: p for p in contact.params}
    assert by_name["first_name"].description == "First name." and _project.says_only_the_name(by_name["first_name"])
    assert by_name["email"].description == "Email address." and _project.says_only_the_name(by_name["email"])
    assert not _project.says_only_the_name(by_name["language"])  # "Language code." says more than `language`
    assert not _project.says_only_the_name(by_name["phone"])
    schema = _project.input_schema(contact, "openai-strict")
    assert "description" not in schema["properties"]["first_name"]
    assert schema["properties"]["language"]["description"] == "Language code."
    account = CATALOGUE.actions["SPOKI_RETRIEVE_ACCOUNT"].params[0]
    assert account.description == "Id of the account." and _project.says_only_the_name(account)
    # where the dialect cannot say the format, its words stay: gemini has no `email` format
    email = _project.input_schema(contact, "gemini")["properties"]["email"]
    assert "format" not in email and email["description"] == "Email address."


def test_behaviour_notes_are_brief() -> None:
    create = _project.tool(CATALOGUE.actions["SPOKI_CREATE_CUSTOM_FIELD"], "openai-strict")["function"]
    assert create["description"].endswith(" Not safe to repeat. Rate limit: 5 calls/min.")
    assert CATALOGUE.actions["SPOKI_CREATE_CUSTOM_FIELD"].behaviour.rate_limit.window == 60  # type: ignore[union-attr]
    tags = _project.tool(CATALOGUE.actions["SPOKI_LIST_TAGS"], "openai-strict")["function"]
    assert "limit" not in tags["description"].lower() and "repeat" not in tags["description"]


@pytest.mark.parametrize("provider, pattern", [
    ("openai", r"[a-zA-Z0-9_-]{1,64}"), ("anthropic", r"[a-zA-Z0-9_-]{1,128}"),
    ("gemini", r"[A-Za-z_][A-Za-z0-9_.:-]{0,127}"), ("mcp", r"[A-Za-z0-9_.-]{1,128}")])
def test_every_tool_name_fits_each_provider(provider: str, pattern: str) -> None:
    names = [a.name for a in ACTIONS] + [t["name"] for t in _project.dynamic_tools()]
    assert [n for n in names if not re.fullmatch(pattern, n)] == [], provider
