"""The real specs, checked one by one against the reference (a copy in tests/fixtures/spoki-api/).

`shapes.yaml` gives every action's inputs and output shape; the table below is the reference
README's action table (method, path, input → wire). A spec that drifts from either fails here.
Deliberate departures are listed in DECISIONS, WIDENED (outputs) and INPUT_WIDENED (inputs), each with its reason.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from spoki_actions import loader
from spoki_actions._constraints import ecma_end
from spoki_actions.spec import ActionSpec, Catalogue

ROOT = Path(__file__).parents[2]
SHAPES = yaml.safe_load((ROOT / "tests/fixtures/spoki-api/shapes.yaml").read_text("utf-8"))
ACTION_NAMES = sorted(k for k in SHAPES if k.startswith("SPOKI_"))

# From the reference README's table: method, path, {input: (location, wire name)}.
WIRE: dict[str, tuple[str, str, dict[str, tuple[str, str]]]] = {
    "SPOKI_CREATE_CUSTOM_FIELD": ("POST", "custom-fields/", {
        "code": ("body", "code"), "label": ("body", "label"), "example": ("body", "example"),
        "field_type": ("body", "field_type")}),
    "SPOKI_CREATE_OR_UPDATE_CONTACT": ("POST", "contacts/sync/", {
        k: ("body", k) for k in ("phone", "email", "first_name", "last_name", "language", "custom_fields")}),
    "SPOKI_DELETE_CONTACT": ("DELETE", "contacts/{id}/", {"id": ("path", "id")}),
    "SPOKI_GET_ACCOUNT_CURRENT_REPORT": ("GET", "accounts/{id}/current_report/", {"account_id": ("path", "id")}),
    "SPOKI_LIST_AGENCIES": ("GET", "agencies/", {}),
    "SPOKI_LIST_AUTOMATIONS": ("GET", "automations/", {
        k: ("query", k) for k in ("search", "is_active", "webhook_platform")}),
    "SPOKI_LIST_CAMPAIGNS": ("GET", "campaigns/", {
        k: ("query", k) for k in ("scheduled_datetime_gte", "scheduled_datetime_lte")}),
    "SPOKI_LIST_CONTACTS": ("GET", "contacts/", {
        k: ("query", k) for k in ("search", "tag", "email", "phone", "language", "first_name", "last_name",
                                  "is_blocked")}),
    "SPOKI_LIST_TAGS": ("GET", "tags/", {}),
    "SPOKI_LIST_TEMPLATES": ("GET", "templates/", {"search": ("query", "search")}),
    "SPOKI_LIST_TICKETS": ("GET", "tickets/", {
        k: ("query", k) for k in ("page", "per_page", "order", "sort_by", "status")}),
    "SPOKI_RETRIEVE_ACCOUNT": ("GET", "accounts/{id}/", {"account_id": ("path", "id")}),
    "SPOKI_RETRIEVE_AUTOMATION": ("GET", "automations/{id}/", {"id": ("path", "id")}),
    "SPOKI_RETRIEVE_CONTACT": ("GET", "contacts/{id}/", {"contact_id": ("path", "id")}),
    "SPOKI_RETRIEVE_TAG": ("GET", "tags/{id}/", {"id": ("path", "id")}),
    "SPOKI_RETRIEVE_TEMPLATE": ("GET", "templates/{id}/", {"template_id": ("path", "id")}),
    "SPOKI_SPOKI_LIST_CUSTOM_FIELDS": ("GET", "custom-fields/", {"code": ("filter", "code"),
                                                                  "label": ("filter", "label")}),
    "SPOKI_SPOKI_LIST_PARTNERS": ("GET", "partners/", {}),
    "SPOKI_SPOKI_LIST_TAGS": ("GET", "tags/", {}),
    "SPOKI_SPOKI_LIST_TEMPLATES": ("GET", "templates/", {"search": ("query", "search")}),
    "SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD": ("GET", "custom-fields/{id}/", {"custom_field_id": ("path", "id")}),
    "SPOKI_UPDATE_CUSTOM_FIELD": ("PATCH", "custom-fields/{id}/", {
        "custom_field_id": ("path", "id"), "label": ("body", "label")}),
}

# Where the project decided to depart from the catalogue's output (reference README, Decisions).
DECISIONS = {
    "SPOKI_CREATE_CUSTOM_FIELD": "Decision 5: create returns the created field, not the catalogue's {}",
    "SPOKI_SPOKI_LIST_PARTNERS": "Decision 4: still performs GET partners/, whose page shape is unknown",
}


# Output fields deliberately widened beyond the catalogue's shape: path → reason. The branch that
# matches the catalogue's shape is compared; the others are the widening.
WIDENED = {
    "data.results[].templatelocalization_set[].default_header_media":
        "SPOKI_SPOKI_LIST_TEMPLATES shares its request with SPOKI_LIST_TEMPLATES, answered with a URL string",
    "data.results[].templatelocalization_set[].status":
        "reference, Observed since: a live integration reads integer codes, the catalogue strings",
    "data.templatelocalization_set[].status":
        "reference, Observed since: a live integration reads integer codes, the catalogue strings",
}

# Inputs deliberately widened beyond the catalogue's format: (action, input) -> (reason, values the spec
# must accept, values it must refuse). The widened input keeps its type and drops the format for a pattern.
INPUT_WIDENED: dict[tuple[str, str], tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    (name, bound): (
        "reference, Observed since: the collection documents plain dates, the catalogue ISO 8601",
        ("2024-05-01", "2024-05-31T23:59:59Z", "2024-05-31T23:59:59+02:00", "2024-05-31T23:59"),
        ("2024-13-01", "2024-05-32", "31/05/2024", "2024-05-01 ", "2024-05-01T25:00:00Z", "tomorrow"),
    )
    for name in ("SPOKI_LIST_CAMPAIGNS",) for bound in ("scheduled_datetime_gte", "scheduled_datetime_lte")
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return loader.load_catalogue(ROOT / "specs")


def test_the_catalogue_is_exactly_the_reference_actions(catalogue: Catalogue) -> None:
    unknown = sorted(set(catalogue.actions) - set(ACTION_NAMES))
    assert not unknown, (
        f"{unknown} not in the reference: add each action to tests/fixtures/spoki-api/shapes.yaml (its `input` and "
        "`output_data`, from the API reference; copy the entry of the closest action) and its row "
        "(method, path, {input: (location, wire name)}) to WIRE in tests/spec/test_specs_faithful.py")
    gone = sorted(set(ACTION_NAMES) - set(catalogue.actions))
    assert not gone, f"the reference has {gone}, specs/ does not: write their specs (see CONTRIBUTING.md)"
    assert sorted(WIRE) == ACTION_NAMES, (
        f"WIRE in tests/spec/test_specs_faithful.py and tests/fixtures/spoki-api/shapes.yaml differ: "
        f"{sorted(set(WIRE) ^ set(ACTION_NAMES))}")


@pytest.mark.parametrize("name", ACTION_NAMES)
def test_request_matches_the_reference(catalogue: Catalogue, name: str) -> None:
    action = catalogue.actions[name]
    method, path, wire = WIRE[name]
    assert (action.method, action.path) == (method, path)
    assert {p.name: (p.location, p.wire_name) for p in action.params} == wire
    assert Path(action.source).stem == name.removeprefix("SPOKI_").lower()
    assert action.function_name == name.removeprefix("SPOKI_").lower()


@pytest.mark.parametrize("name", ACTION_NAMES)
def test_inputs_match_shapes(catalogue: Catalogue, name: str) -> None:
    action = catalogue.actions[name]
    expected: dict[str, Any] = SHAPES[name]["input"]
    assert sorted(p.name for p in action.params) == sorted(expected)
    for pname, shape in expected.items():
        param = action.param(pname)
        assert param.required == shape["required"], pname
        assert param.type == shape["type"], pname
        if "enum" in shape:
            assert param.enum is not None and list(param.enum.values) == shape["enum"], pname
        if "codes" in shape:
            assert param.enum is not None and param.enum.labels is not None
            assert dict(zip(param.enum.values, param.enum.labels, strict=True)) == {
                k: v.upper() for k, v in shape["codes"].items()}
        if (name, pname) in INPUT_WIDENED:
            _reason, accepted, refused = INPUT_WIDENED[(name, pname)]
            assert param.format is None and param.pattern is not None, pname
            assert [v for v in accepted if not re.search(ecma_end(param.pattern), v)] == [], pname
            assert [v for v in refused if re.search(ecma_end(param.pattern), v)] == [], pname
        elif "format" in shape:
            assert param.format == shape["format"], pname
        if "additional_properties" in shape:
            assert param.values == shape["additional_properties"], pname


def _deref(schema: dict[str, Any], defs: dict[str, Any], want: str | None = None) -> tuple[dict[str, Any], bool]:
    """Follow $refs; return (schema, nullable). With `want`, a widened anyOf yields its `want` branch."""
    nullable = False
    while True:
        if "$ref" in schema:
            schema = defs[schema["$ref"].rsplit("/", 1)[1]]
            continue
        if "anyOf" in schema:
            branches = [b for b in schema["anyOf"] if b.get("type") != "null"]
            nullable = nullable or len(branches) < len(schema["anyOf"])
            if want is not None and len(branches) > 1:
                branches = [b for b in branches if _deref(b, defs)[0].get("type") == want]
            assert len(branches) == 1, schema
            schema = branches[0]
            continue
        types = schema.get("type")
        if isinstance(types, list):
            nullable = nullable or "null" in types
        return schema, nullable


def _type_of(schema: dict[str, Any]) -> str:
    types = schema.get("type")
    if isinstance(types, list):
        rest = [t for t in types if t != "null"]
        assert len(rest) == 1, schema
        return str(rest[0])
    return str(types)


def _compare(shape: dict[str, Any], schema: dict[str, Any], defs: dict[str, Any], where: str,
             problems: list[str]) -> None:
    want = shape.get("type", "object")
    resolved, nullable = _deref(schema, defs, want if where.removeprefix("data") in
                                {w.removeprefix("data") for w in WIDENED} else None)
    kind = _type_of(resolved)
    if not (kind == want or (want == "number" and kind == "integer")):
        problems.append(f"{where}: type {kind}, reference says {want}")
        return
    if bool(shape.get("nullable", False)) != nullable:
        problems.append(f"{where}: nullable {nullable}, reference says {shape.get('nullable', False)}")
    if "format" in shape and resolved.get("format") != shape["format"]:
        problems.append(f"{where}: format {resolved.get('format')}, reference says {shape['format']}")
    if "enum" in shape and resolved.get("enum") != shape["enum"]:
        problems.append(f"{where}: enum {resolved.get('enum')}, reference says {shape['enum']}")
    if "codes" in shape and resolved.get("enum") != list(shape["codes"]):
        problems.append(f"{where}: enum {resolved.get('enum')}, reference codes {list(shape['codes'])}")
    if want == "object" and "fields" in shape:
        props = resolved.get("properties", {})
        required = set(resolved.get("required", []))
        if sorted(props) != sorted(shape["fields"]):
            problems.append(f"{where}: fields {sorted(props)}, reference says {sorted(shape['fields'])}")
        for key, sub in shape["fields"].items():
            if key in props:
                _compare(sub, props[key], defs, f"{where}.{key}", problems)
                optional = sub.get("required") is False or sub.get("nullable", False)
                if not optional and key not in required:
                    problems.append(f"{where}.{key}: always present per the reference, but not required")
    if want == "array" and "items" in shape:
        _compare(shape["items"], resolved.get("items", {}), defs, f"{where}[]", problems)


@pytest.mark.parametrize("name", ACTION_NAMES)
def test_output_matches_shapes(catalogue: Catalogue, name: str) -> None:
    action: ActionSpec = catalogue.actions[name]
    output = action.response.output
    shape = SHAPES[name]["output_data"]
    if name in DECISIONS:
        assert output.get("type") == "object" or "$ref" in output, DECISIONS[name]
        return
    if shape["kind"] == "empty-object":
        resolved, _ = _deref(output, output.get("$defs", {}))
        assert resolved.get("type") == "object" and not resolved.get("properties"), name
        return
    problems: list[str] = []
    _compare({"type": shape["kind"], **shape}, output, output.get("$defs", {}), "data", problems)
    assert problems == []


def test_custom_field_codes_seen_in_real_accounts_pass_the_spec_pattern(catalogue: Catalogue) -> None:
    pattern = catalogue.actions["SPOKI_CREATE_CUSTOM_FIELD"].param("code").pattern
    assert pattern is not None
    regex = re.compile(ecma_end(pattern))
    assert all(regex.search(code) for code in ("_TARGA_", "_MARCA_E_MODELLO_", "LOYALTY_TIER", "A1"))
    assert not any(regex.search(code) for code in ("_", "1A", "targa", "_TARGA-", "TARGA\n"))


def test_behaviour_follows_the_reference(catalogue: Catalogue) -> None:
    a = catalogue.actions
    assert a["SPOKI_SPOKI_LIST_PARTNERS"].behaviour.deprecated is not None
    assert a["SPOKI_SPOKI_LIST_TAGS"].variant_of == "SPOKI_LIST_TAGS"
    assert a["SPOKI_SPOKI_LIST_TEMPLATES"].variant_of == "SPOKI_LIST_TEMPLATES"
    assert a["SPOKI_GET_ACCOUNT_CURRENT_REPORT"].behaviour.cache_ttl == 1800
    assert a["SPOKI_CREATE_CUSTOM_FIELD"].behaviour.safety == "unsafe"
    assert a["SPOKI_LIST_AGENCIES"].response.paginate is not None
    assert a["SPOKI_LIST_AGENCIES"].response.output["type"] == "array"
    custom = a["SPOKI_SPOKI_LIST_CUSTOM_FIELDS"].response
    assert {(f.param, f.field, f.op) for f in custom.filters} == {("code", "code", "contains"),
                                                                   ("label", "label", "contains")}
    limits = {n: (s.behaviour.rate_limit.requests, s.behaviour.rate_limit.window)
              for n, s in a.items() if s.behaviour.rate_limit}
    assert limits["SPOKI_LIST_CONTACTS"] == (120, 60)
    assert limits["SPOKI_CREATE_OR_UPDATE_CONTACT"] == (120, 60)
    assert limits["SPOKI_LIST_TICKETS"] == (120, 60)
    for name, action in a.items():
        if action.method == "GET":
            assert action.behaviour.safety == "read", name
    assert {n for n, s in a.items() if s.behaviour.safety == "unsafe"} == {"SPOKI_CREATE_CUSTOM_FIELD"}
