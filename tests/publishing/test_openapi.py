"""The OpenAPI 3.1 document: accepted by openapi-spec-validator, one operation per wire endpoint,
variants named together, stable unique operationIds, the DRF error shapes, 204 without a body."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from openapi_spec_validator import validate

from spoki_actions import schemas
from spoki_actions.loader import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
DOC = json.loads((ROOT / "generated/openapi/spoki.openapi.json").read_bytes())
CATALOGUE = load_catalogue(ROOT / "specs")


def _operations() -> list[tuple[str, str, dict]]:
    return [(m, p, op) for p, item in DOC["paths"].items() for m, op in item.items()]


def test_openapi_spec_validator_accepts_the_document() -> None:
    validate(DOC)
    assert DOC["openapi"] == "3.1.0" and DOC["info"]["version"] == schemas.version()


def test_one_operation_per_wire_endpoint_naming_every_action_once() -> None:
    endpoints = {(a.method.lower(), "/" + a.path) for a in CATALOGUE.actions.values()}
    ops = _operations()
    assert {(m, p) for m, p, _ in ops} == endpoints
    named = [n for _, _, op in ops for n in op["x-spoki-actions"]]
    assert sorted(named) == sorted(CATALOGUE.actions)
    ids = [op["operationId"] for _, _, op in ops]
    assert len(set(ids)) == len(ids)
    assert DOC["paths"]["/tags/"]["get"]["x-spoki-actions"] == ["SPOKI_LIST_TAGS", "SPOKI_SPOKI_LIST_TAGS"]


def test_responses_errors_security_and_refs_resolve() -> None:
    text = json.dumps(DOC)
    for ref in {part.split('"')[0] for part in text.split('"$ref": "')[1:]}:
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in DOC["components"]["schemas"]
    for method, path, op in _operations():
        responses = op["responses"]
        assert {"400", "401", "404", "429"} <= set(responses), (method, path)
        assert "Retry-After" in responses["429"]["headers"]
        assert len(responses["400"]["content"]["application/json"]["schema"]["oneOf"]) == 2
        if "204" in responses:
            assert "content" not in responses["204"]
    delete = DOC["paths"]["/contacts/{id}/"]["delete"]["responses"]
    assert "204" in delete and "content" not in delete["204"]
    scheme = DOC["components"]["securitySchemes"]["SpokiApiKey"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "X-Spoki-Api-Key"}
    assert [s["description"] for s in DOC["servers"]] == ["production", "legacy host",
                                                          "local simulator (spoki-actions fake-server)"]


def test_response_examples_validate_against_their_schemas() -> None:
    components = {"$defs": DOC["components"]["schemas"]}
    checked = 0
    for _, _, op in _operations():
        for _status, response in op["responses"].items():
            media = response.get("content", {}).get("application/json", {})
            if "example" in media:
                schema = json.loads(json.dumps({**media["schema"], **components}).replace(
                    "#/components/schemas/", "#/$defs/"))
                jsonschema.Draft202012Validator(schema).validate(media["example"])
                checked += 1
    assert checked >= len(CATALOGUE.actions) // 2


def test_catalogue_behaviour_is_in_x_spoki_extensions() -> None:
    tickets = DOC["paths"]["/tickets/"]["get"]
    assert tickets["x-spoki-safety"] == "read" and tickets["x-spoki-rate-limit"]["bucket"] == "tickets"
    fields = DOC["paths"]["/custom-fields/"]["get"]
    assert "x-spoki-select" in fields and "x-spoki-pagination" in fields
    assert DOC["paths"]["/partners/"]["get"]["deprecated"] is True


def test_yaml_twin_is_the_same_document() -> None:
    import yaml

    assert yaml.safe_load((ROOT / "generated/openapi/spoki.openapi.yaml").read_text()) == DOC
