"""Data-driven request tests: for every action, params → exact method, URL (path and query) and body.

The cases live in tests/fixtures/requests.yaml. Each is checked twice: as plain data from the
compiled request builder, and on the wire through `httpx.MockTransport` (headers included).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from spoki_actions import Client
from spoki_actions._registry import load
from spoki_actions._request import split_url

from .rt_support import BASE, FakeApi

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent.parent / "fixtures" / "requests.yaml").read_text())


def case_id(case: dict[str, Any]) -> str:
    return case["action"] + (f" ({case['id']})" if "id" in case else "")


def suggested_case(name: str) -> str:
    """A request case to paste into tests/fixtures/requests.yaml, built from the spec's examples (check it)."""
    action = load().require(name)
    params = {p.name: p.example for p in action.spec.params if p.has_example and (p.required or p.location == "path")}
    values, problems = action.validate(params)
    lines = [f"- action: {name}", f"  params: {json.dumps(params)}", f"  method: {action.spec.method}"]
    if not problems:
        request = action.build(BASE, values)
        lines.append(f"  url: {request.url.removeprefix(BASE + '/')}")
        if request.body is not None:
            lines.append(f"  body: {request.body.decode() if isinstance(request.body, bytes) else request.body}")
    else:
        lines.append(f"  url: {action.spec.path}  # fill in the path and query exactly as sent")
    return "\n".join(lines)


def test_every_action_has_a_request_case() -> None:
    names = set(load().names)
    missing = sorted(names - {c["action"] for c in CASES})
    assert not missing, ("every action needs at least one request case; append to tests/fixtures/requests.yaml "
                         "(params → the exact request on the wire; this one is built from the spec's examples, "
                         "check it against the API reference):\n\n" + "\n\n".join(map(suggested_case, missing)))
    stale = sorted({c["action"] for c in CASES} - names)
    assert not stale, f"tests/fixtures/requests.yaml has cases for actions not in the catalogue: {stale}; remove them"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_builder_produces_the_exact_request(case: dict[str, Any]) -> None:
    action = load().require(case["action"])
    values, problems = action.validate(case["params"])
    assert problems == []
    request = action.build(BASE, values)
    assert request.method == case["method"]
    assert request.url == f"{BASE}/{case['url']}"
    if "body" in case:
        assert request.body is not None
        assert json.loads(request.body) == case["body"]
    else:
        assert request.body is None


def ok_answer(action_name: str) -> httpx.Response:
    spec = load().require(action_name).spec
    if spec.method == "DELETE":
        return httpx.Response(204)
    if spec.response.paginate:
        return httpx.Response(200, json={"count": 0, "next": None, "previous": None, "results": []})
    return httpx.Response(200, json=[] if spec.response.data_is_array else {})


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_wire_carries_the_exact_request(case: dict[str, Any], api: FakeApi, client: Client,
                                            canary: str) -> None:
    path = case["url"].split("?")[0]
    api.on(case["method"], path, ok_answer(case["action"]))
    envelope = client.run(case["action"], case["params"])
    assert envelope["successful"], envelope
    assert len(api.requests) == 1
    sent = api.last
    assert sent.method == case["method"]
    assert str(sent.url) == f"{BASE}/{case['url']}"
    assert sent.headers["x-spoki-api-key"] == canary
    assert sent.headers["accept"] == "application/json"
    assert "cookie" not in sent.headers
    if "body" in case:
        assert sent.headers["content-type"] == "application/json"
        assert json.loads(sent.content) == case["body"]
    else:
        assert sent.content == b""
        assert "content-type" not in sent.headers


def test_upsert_body_holds_only_the_keys_given(api: FakeApi, client: Client) -> None:
    api.json("POST", "contacts/sync/", {"id": 1, "phone": "+393331234567"})
    client.run("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234567", "last_name": "Rossi"})
    assert json.loads(api.last.content) == {"phone": "+393331234567", "last_name": "Rossi"}


@pytest.mark.parametrize("value, segment", [
    ("../../admin", "..%2F..%2Fadmin"),
    ("..", "%2E%2E"),
    (".", "%2E"),
    ("a b/c?d#e", "a%20b%2Fc%3Fd%23e"),
    ("ünï", "%C3%BCn%C3%AF"),
])
def test_path_values_are_encoded_so_they_cannot_change_the_path(value: str, segment: str) -> None:
    from spoki_actions._request import encode_segment

    assert encode_segment(value) == segment


def test_a_string_path_param_cannot_escape_its_segment(tmp_path: Path, api: FakeApi) -> None:
    """An action with a string path param keeps `../` inside its segment."""
    from dataclasses import replace

    catalogue = load().catalogue
    tag = catalogue.actions["SPOKI_RETRIEVE_TAG"]
    string_id = replace(tag.params[0], type="string", minimum=None)
    actions = {**catalogue.actions, "SPOKI_RETRIEVE_TAG": replace(tag, params=(string_id,))}
    client = Client(catalogue=replace(catalogue, actions=actions), transport=httpx.MockTransport(api))
    api.on("GET", "tags/..%2F..%2Fadmin/", httpx.Response(200, json={"id": 1}))
    envelope = client.run("SPOKI_RETRIEVE_TAG", {"id": "../../admin"})
    assert envelope["successful"], envelope
    assert api.last.url.raw_path == b"/api/1/tags/..%2F..%2Fadmin/"
    dot = client.run("SPOKI_RETRIEVE_TAG", {"id": ".."})
    assert api.last.url.raw_path == b"/api/1/tags/%2E%2E/"
    assert dot["successful"] is False  # 404 from the fake API, but the path stayed put
    empty = client.run("SPOKI_RETRIEVE_TAG", {"id": ""})
    assert empty["successful"] is False
    assert "id: must have at least 1 characters" in empty["error"]


# --- the compiled builder against the general encoders ------------------------------------------

def reference_request(name: str, values: dict[str, Any]) -> tuple[str, bytes | None]:
    """The URL and body as the general encoders (`encode_segment`, `encode_query`, `encode_body`) give
    them, with none of the builder's precomputed texts: what the builder must equal for any values."""
    from spoki_actions._request import encode_body, encode_query, encode_segment
    from spoki_actions._values import PLACEHOLDER

    spec = load().require(name).spec
    by_wire = {p.wire_name: p.name for p in spec.params if p.location == "path"}
    path = PLACEHOLDER.sub(lambda m: encode_segment(values[by_wire.get(m.group(1), m.group(1))]), spec.path)
    pairs = [*spec.query_constants.items(),
             *((p.wire_name, values[p.name]) for p in spec.params if p.location == "query" and p.name in values)]
    query = encode_query(pairs)
    body = None
    if spec.method in ("POST", "PATCH", "PUT"):
        body = encode_body({p.wire_name: values[p.name] for p in spec.params
                            if p.location == "body" and p.name in values})
    return f"{BASE}/{path}" + (f"?{query}" if query else ""), body


SCALARS = st.one_of(st.text(max_size=12), st.integers(-10**20, 10**20), st.booleans(),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from(["OPEN", "desc", ".", "..", "a b"]))


@settings(max_examples=40, deadline=None)
@given(data=st.data())
@pytest.mark.parametrize("name", load().names)
def test_the_builder_gives_what_the_general_encoders_give(name: str, data: st.DataObject) -> None:
    """The builder looks enum texts up and writes ints as they are; for any values (every spec's
    examples and enum members, and arbitrary scalars and lists), the same URL, wire target and body."""
    action = load().require(name)
    values: dict[str, Any] = {}
    for p in action.spec.params:
        if p.location == "path" or data.draw(st.booleans()):
            choices = [SCALARS, st.lists(st.one_of(SCALARS, st.none()), max_size=3)]
            if p.has_example:
                choices.append(st.just(p.example))
            if p.enum is not None:
                choices.append(st.sampled_from(p.enum.values))
            values[p.name] = data.draw(st.one_of(choices))
    request = action.build(BASE, values)
    url, body = reference_request(name, values)
    assert (request.url, request.body) == (url, body)
    assert request.wire == split_url(url)[3]
