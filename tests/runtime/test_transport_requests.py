"""The request an injected httpx transport sees is the one httpx builds from the URL text.

`_Base._request` builds the `httpx.URL` of a URL under the base URL from httpx's parse of the base URL
(no second parse of a URL the runtime has just built). These tests pin that the `httpx.Request` reaching a
transport is the same as the one built the plain way, `httpx.Request(method, url_text, headers=...,
content=body)` (how it was built before): same method, URL (every component, `raw_path` included), headers
in the same order and case, body and extensions. For every request case, every spec's example call, awkward
URLs that must go through httpx's parser, other base URLs, on both the sync and the async client, and through
a real httpx transport over loopback.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from spoki_actions import AsyncClient, Client
from spoki_actions._config import USER_AGENT, resolve
from spoki_actions._registry import load
from spoki_actions._request import Request, request_to
from spoki_actions._response import Failure
from spoki_actions._transport import SyncTransport, _UrlMaker

from .rt_support import BASE, LocalServer, send_json

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent.parent / "fixtures" / "requests.yaml").read_text())


def example_calls() -> list[tuple[str, dict[str, Any]]]:
    """Every action called with its spec's examples (all params that have one), when they validate."""
    calls = []
    for name in load().names:
        action = load().require(name)
        params = {p.name: p.example for p in action.spec.params if p.has_example}
        if not action.validate(params)[1]:
            calls.append((name, params))
    return calls


EXAMPLES = example_calls()
CALLS = [(c["action"], c["params"]) for c in CASES] + EXAMPLES


def test_most_actions_have_an_example_call() -> None:
    assert len(EXAMPLES) >= len(load().names) // 2, EXAMPLES


KEY = os.environ["SPOKI_API_KEY"]  # the session's canary: never in a failure's text (see `shown`)


def plain_request(method: str, url: str, body: bytes | None, host: bytes = b"api.spoki.com",
                  trusted: bool = True, timeout: float = 30.0) -> httpx.Request:
    """The request as httpx builds it from the URL text, with the runtime's headers written out here."""
    headers = [(b"Host", host), (b"Accept", b"application/json"), (b"Accept-Encoding", b"gzip, deflate"),
               (b"User-Agent", USER_AGENT.encode())]
    if trusted:
        headers.append((b"X-Spoki-Api-Key", KEY.encode()))
    if body is not None:
        headers.append((b"Content-Type", b"application/json"))
    return httpx.Request(method, url, headers=headers, content=body,
                         extensions={"timeout": dict.fromkeys(("connect", "read", "write", "pool"), timeout)})


def assert_same(seen: httpx.Request, want: httpx.Request) -> None:
    assert seen.method == want.method
    assert seen.url == want.url and str(seen.url) == str(want.url)
    for part in ("scheme", "raw_scheme", "userinfo", "host", "raw_host", "port", "netloc", "path", "raw_path",
                 "query", "fragment", "params", "is_absolute_url"):
        assert getattr(seen.url, part) == getattr(want.url, part), part
    assert shown(seen.headers.raw) == shown(want.headers.raw)
    assert seen.headers.raw == want.headers.raw, "the key differs"
    assert seen.content == want.content
    assert b"".join(seen.stream) == want.content  # type: ignore[arg-type]
    assert seen.extensions == want.extensions


def shown(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [(name, value.replace(KEY.encode(), b"[KEY]")) for name, value in headers]


class Recorder:
    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return httpx.Response(599)  # not retried, not a success: one request per call


@pytest.mark.filterwarnings("ignore:Deprecated.*placeholder:DeprecationWarning")  # the placeholder actions
@pytest.mark.parametrize("name, params", CALLS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CALLS)])
def test_a_mock_transport_sees_the_request_httpx_builds_from_the_url(name: str, params: dict[str, Any]) -> None:
    recorder = Recorder()
    with Client(transport=httpx.MockTransport(recorder), max_retries=0) as client:
        client.run(name, params)
    action = load().require(name)
    values, problems = action.validate(params)
    assert problems == []
    request = action.build(BASE, values)
    assert len(recorder.seen) == 1
    assert_same(recorder.seen[0], plain_request(request.method, request.url, request.body))


@pytest.mark.parametrize("name, params", CALLS[::5])
def test_the_async_client_sends_the_same_requests(name: str, params: dict[str, Any]) -> None:
    recorder = Recorder()

    async def call() -> None:
        async with AsyncClient(transport=httpx.MockTransport(recorder), max_retries=0) as client:
            await client.run(name, params)

    asyncio.run(call())
    values, _ = load().require(name).validate(params)
    request = load().require(name).build(BASE, values)
    assert len(recorder.seen) == 1
    assert_same(recorder.seen[0], plain_request(request.method, request.url, request.body))


AWKWARD = [
    "tickets/?status=OPEN&per_page=20",
    "tickets/?",  # an empty query is not no query
    "tickets/?a=b?c",
    "a/./b/", "a/../b/", "a/..", "a/.", ".well-known/x",  # dot segments: httpx removes them
    "tags/[1]/", "tags/a|b/", "tags/{x}/", "tags/a`b/", "tags/a^b/", 'tags/a"b/',  # httpx quotes some
    "contacts/%7e/", "contacts/%zz/", "contacts/100%/", "contacts/%C3%A8/",  # escapes kept, lone % kept
    "contacts/è/", "contacts/a b/", "contacts/?q=a b&r=<>",  # httpx percent-encodes these
    "contacts/#frag", "contacts/?a=1#frag",
    "contacts/;x=1,y/@:!$&'()*+=~/",
]


@pytest.mark.parametrize("rest", AWKWARD)
@pytest.mark.parametrize("method, body", [("GET", None), ("POST", b'{"a":1}')])
def test_awkward_urls_reach_the_transport_as_httpx_parses_them(rest: str, method: str, body: bytes | None) -> None:
    url = f"{BASE}/{rest}"
    transport = SyncTransport(resolve(load().catalogue.connector), httpx.MockTransport(Recorder()))
    try:
        for request in (request_to(method, url, body, rest), Request(method, url, body, rest)):
            assert_same(transport._request(request), plain_request(method, url, body))
    finally:
        transport.close()


def test_a_url_too_long_for_httpx_is_refused_by_httpx_as_before() -> None:
    url = f"{BASE}/tags/?q={'a' * 70_000}"
    with pytest.raises(httpx.InvalidURL) as plain:
        httpx.Request("GET", url)
    transport = SyncTransport(resolve(load().catalogue.connector), httpx.MockTransport(Recorder()))
    try:
        with pytest.raises(httpx.InvalidURL) as ours:
            transport._request(Request("GET", url, None, "tags/"))
    finally:
        transport.close()
    assert str(ours.value) == str(plain.value)


@pytest.mark.parametrize("base, host", [
    ("https://api.spoki.com/api/1", b"api.spoki.com"),
    ("http://127.0.0.1:8080/api/1", b"127.0.0.1:8080"),
    ("http://localhost:80/api/1", b"localhost"),  # the default port: httpx drops it
    ("https://api.spoki.com:443/v2/x", b"api.spoki.com"),
    ("http://[::1]:9000/api", b"[::1]:9000"),
    ("https://API.Spoki.com/api/1", b"api.spoki.com"),  # not in httpx's form: every URL parsed by httpx
    ("https://api.spoki.com/a%2Fb/", b"api.spoki.com"),
    ("https://api.spoki.com", b"api.spoki.com"),
])
@pytest.mark.parametrize("method, body", [("GET", None), ("PATCH", b"{}")])
def test_other_base_urls(base: str, host: bytes, method: str, body: bytes | None) -> None:
    settings = resolve(load().catalogue.connector, base_url=base)
    transport = SyncTransport(settings, httpx.MockTransport(Recorder()))
    try:
        prefix = settings.base_url
        for rest in ("tags/", "tags/7/?page=2&x=%C3%A8", "tags/../x", "tags/[1]"):
            url = f"{prefix}/{rest}"
            assert_same(transport._request(request_to(method, url, body, rest)),
                        plain_request(method, url, body, host=host))
    finally:
        transport.close()


def test_urls_off_the_base_url_carry_no_key_and_are_parsed_by_httpx() -> None:
    transport = SyncTransport(resolve(load().catalogue.connector), httpx.MockTransport(Recorder()))
    try:
        url = "https://elsewhere.example/api/1/tags/?a=1"
        sent = transport._request(request_to("GET", url, None, url))
        assert_same(sent, plain_request("GET", url, None, host=b"elsewhere.example", trusted=False))
        assert KEY.encode() not in b"".join(v for _, v in sent.headers.raw)
    finally:
        transport.close()


def test_this_httpx_gets_urls_from_parts() -> None:
    """The saving is real on the installed httpx: the base URL's parse is reused (`_UrlMaker.under` falls
    back to httpx's parser for every URL when an httpx builds its URLs differently)."""
    maker = _UrlMaker.under(BASE + "/")
    assert maker is not None
    assert maker.url(f"{BASE}/tags/?a=1") == httpx.URL(f"{BASE}/tags/?a=1")
    assert maker.url(f"{BASE}/a/../b") is None and maker.url(f"{BASE}/a b") is None
    assert _UrlMaker.under("https://API.spoki.com/") is None


def test_a_real_httpx_transport_gets_what_the_default_wire_sends(local_server: LocalServer) -> None:
    local_server.behaviour["/api/1/contacts/sync/"] = lambda h: send_json(h, 200, {"id": 1, "phone": "+39333"})
    local_server.behaviour["/api/1/tickets/"] = lambda h: send_json(h, 200, {"count": 0, "next": None,
                                                                             "previous": None, "results": []})
    calls = [("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234567", "first_name": "Maria è"}),
             ("SPOKI_LIST_TICKETS", {"status": "OPEN", "per_page": 20, "order": "desc"})]
    seen = []
    for transport in (None, httpx.HTTPTransport()):
        local_server.seen.clear()
        with Client(base_url=local_server.base_url, transport=transport) as client:
            for name, params in calls:
                assert client.run(name, params)["successful"]
        seen.append([(method, path, {k.lower(): v for k, v in headers.items()}, body)
                     for method, path, headers, body in local_server.seen])
    assert seen[0] == seen[1]
    assert [s[1] for s in seen[1]] == ["/api/1/contacts/sync/", "/api/1/tickets/?per_page=20&order=desc&status=OPEN"]
    assert json.loads(seen[1][0][3]) == {"phone": "+393331234567", "first_name": "Maria è"}


@pytest.mark.parametrize("answer", [httpx.Response(200), httpx.Response(404), httpx.Response(599),
                                    httpx.Response(799), httpx.Response(418, extensions={"reason_phrase": b"Brewing"})],
                         ids=lambda r: str(r.status_code))
def test_the_reply_words_the_status_as_httpx_does(answer: httpx.Response) -> None:
    transport = SyncTransport(resolve(load().catalogue.connector), httpx.MockTransport(lambda request: answer))
    try:
        reply = transport.send(Request("GET", f"{BASE}/tags/", None, "tags/"))
    finally:
        transport.close()
    assert not isinstance(reply, Failure)
    assert (reply.status, reply.reason) == (answer.status_code, answer.reason_phrase)
    assert reply.reason == {200: "OK", 404: "Not Found", 599: "", 799: "", 418: "Brewing"}[answer.status_code]
