"""Defects found under attack (issue 8): a key echoed in a long error leaks no part of itself at any
cut offset; huge integers and over-long query strings are input problems, never exceptions; a 404
that is not the API's own says "no such endpoint"; waits are logged at INFO, attempts at DEBUG.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable, Iterator

import httpx
import pytest

from spoki_actions import ActionFailed, AsyncClient, Client, ErrorKind, run_action
from spoki_actions._client import close_default_clients
from spoki_actions._redact import SHORT_KEY, redact_edge, shorten
from spoki_actions._response import MAX_DETAIL, MAX_TEXT, TEXT_READ
from spoki_actions.cli import main

from .rt_support import FakeApi, FakeClock, LocalServer

HEADER = "x-spoki-api-key"


def leaked(text: str, key: str) -> bool:
    """Does any run of SHORT_KEY characters of the key appear in `text`?"""
    return any(key[i:i + SHORT_KEY] in text for i in range(len(key) - SHORT_KEY + 1))


def echo(kind: str, offset: int) -> Callable[[httpx.Request], httpx.Response]:
    """A server that puts the caller's key at `offset` of a long error message."""
    def answer(request: httpx.Request) -> httpx.Response:
        key = request.headers[HEADER]
        if kind == "json":
            return httpx.Response(400, json={"detail": "x" * offset + key + " and more" * 100})
        if kind == "fields":
            return httpx.Response(400, json={"phone": ["y" * offset + key + " is wrong" * 100]})
        if kind == "spaces":  # whitespace the message collapses, so the byte cut lands in the shown text
            return httpx.Response(400, content=b" " * (TEXT_READ - 60) + b"z" * offset + key.encode() + b"!" * 500)
        return httpx.Response(400, content=("z" * offset + key + " tail" * 100).encode(),
                              headers={"content-type": "text/plain"})
    return answer


OFFSETS = {"json": range(0, MAX_DETAIL + 5), "fields": range(MAX_DETAIL - 60, MAX_DETAIL + 5),
           "text": range(0, MAX_TEXT + 5), "spaces": range(0, 70)}


@pytest.mark.parametrize("kind", sorted(OFFSETS))
def test_an_echoed_key_leaks_nothing_at_any_cut_offset(kind: str, canary: str, clock: FakeClock) -> None:
    for offset in OFFSETS[kind]:
        with Client(transport=httpx.MockTransport(echo(kind, offset)), clock=clock, sleep=clock.sleep) as client:
            outcome = client.execute("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234567"})
            assert outcome.kind is ErrorKind.BAD_REQUEST
            with pytest.raises(ActionFailed) as raised:
                client.call("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234567"})
        for text in (outcome.error or "", json.dumps(outcome.envelope), str(raised.value), repr(raised.value)):
            assert not leaked(text, canary), (kind, offset, text[-80:])


def test_the_async_client_redacts_before_cutting(canary: str, clock: FakeClock) -> None:
    async def errors() -> list[str]:
        out = []
        for offset in range(MAX_DETAIL - len(canary) - 3, MAX_DETAIL + 2):
            async with AsyncClient(transport=httpx.MockTransport(echo("json", offset)), clock=clock,
                                   sleep=clock.asleep) as client:
                out.append((await client.run("SPOKI_LIST_TAGS"))["error"])
        return out

    assert all(not leaked(error, canary) for error in asyncio.run(errors()))


@pytest.fixture
def echo_server(local_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    monkeypatch.setenv("SPOKI_BASE_URL", local_server.base_url)
    close_default_clients()
    yield local_server
    close_default_clients()


def serve_echo(server: LocalServer, offset: int) -> None:
    def behave(handler: object) -> None:
        import http.server

        assert isinstance(handler, http.server.BaseHTTPRequestHandler)
        key = handler.headers[HEADER]
        body = json.dumps({"detail": "x" * offset + key + " and more" * 100}).encode()
        handler.send_response(400)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    server.behaviour["/api/1/tags/"] = behave


def test_the_default_client_and_the_cli_show_no_part_of_an_echoed_key(
        echo_server: LocalServer, canary: str, capsys: pytest.CaptureFixture[str]) -> None:
    for offset in range(MAX_DETAIL - len(canary) - 3, MAX_DETAIL + 2, 3):
        serve_echo(echo_server, offset)
        error = run_action("SPOKI_LIST_TAGS")["error"]
        assert error.startswith("HTTP 400") and not leaked(error, canary)
        assert main(["run", "SPOKI_LIST_TAGS"]) == 6  # bad_request (exit codes by kind, cli.EXIT_CODES)
        out, err = capsys.readouterr()
        assert json.loads(out)["error"].startswith("HTTP 400")
        assert not leaked(out + err, canary)


def test_shorten_and_redact_edge() -> None:
    key = "abcdefghijklmnopqrstuvwxyz0"
    assert shorten("x" * 10 + key, 20, key) == "x" * 10 + "***"
    assert shorten("x" * 5 + key + "y" * 50, 20, key) == "x" * 5 + "***" + "y" * 9 + "..."
    assert redact_edge("x" * 12 + key[:8], key) == "x" * 12 + "***"  # 8 characters of the key at the cut
    assert redact_edge("x" * 12 + key[:7], key) == "x" * 12 + "abcdefg"  # 7 are not the key
    assert shorten("x" * 12 + key[:20] + "!" * 30, 23, key) == "x" * 12 + "***..."
    assert redact_edge("see abcdefgh", key) == "see ***"
    assert shorten("k " * 50, 10, "k") == "*** ***..."


# --- huge integers, long query strings ---------------------------------------------------------

HUGE = "9" * 5000


def huge_int() -> int:
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return int(HUGE)
    finally:
        sys.set_int_max_str_digits(limit)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_huge_integer_is_an_input_problem_in_every_input_of_every_action(client: Client) -> None:
    big = huge_int()
    for name, spec in client.catalogue.actions.items():
        for param in spec.params:
            assert client.execute(name, {param.name: HUGE}).envelope  # a string of digits: valid or not, no raise
            for value in (big, -big, [big], {"a": big}):
                outcome = client.execute(name, {param.name: value})
                assert outcome.kind is ErrorKind.VALIDATION, (name, param.name)
                assert any(p.field.split(".")[0].split("[")[0] == param.name for p in outcome.problems), (
                    name, param.name, outcome.error)
        outcome = client.execute(name, {big: 1})
        assert outcome.kind is ErrorKind.VALIDATION and "input names must be strings" in (outcome.error or "")
    unknown = client.execute(big)  # type: ignore[arg-type]
    assert unknown.kind is ErrorKind.UNKNOWN_ACTION and "about 5,001 digits" in (unknown.error or "")


def test_a_huge_integer_says_its_size_and_the_limit(client: Client) -> None:
    error = client.run("SPOKI_RETRIEVE_CONTACT", {"contact_id": huge_int()})["error"]
    assert error == ("invalid input for SPOKI_RETRIEVE_CONTACT: contact_id: is an integer of about 5,001 digits; "
                     "at most 4,300 digits can be sent")


def test_a_query_string_too_long_for_a_url_is_an_input_problem(api: FakeApi, client: Client) -> None:
    outcome = client.execute("SPOKI_LIST_CONTACTS", {"search": "a" * 70_000, "first_name": "Ada"})
    assert outcome.kind is ErrorKind.VALIDATION and not api.requests
    assert [p.field for p in outcome.problems] == ["search"]
    assert "is too long to send in the URL: 70,007 characters once encoded" in (outcome.error or "")
    api.json("GET", "contacts/", {"count": 0, "next": None, "previous": None, "results": []})
    assert client.run("SPOKI_LIST_CONTACTS", {"search": "a" * 60_000})["successful"]


# --- unknown endpoints -------------------------------------------------------------------------

DJANGO_404 = ('<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not '
              'Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n')


def test_a_404_that_is_not_the_apis_says_no_such_endpoint(api: FakeApi, client: Client) -> None:
    api.on("GET", "tags/", httpx.Response(404, text=DJANGO_404, headers={"content-type": "text/html; charset=utf-8"}))
    outcome = client.execute("SPOKI_LIST_TAGS")
    assert outcome.kind is ErrorKind.NOT_FOUND
    assert outcome.error == ("HTTP 404 Not Found from GET tags/: no such endpoint (check the spec's path); "
                             f"the body is an HTML page ({len(DJANGO_404)} bytes), not JSON")
    api.on("GET", "tags/", httpx.Response(404))
    assert client.run("SPOKI_LIST_TAGS")["error"] == (
        "HTTP 404 Not Found from GET tags/: no such endpoint (check the spec's path)")
    api.json("GET", "contacts/99/", {"detail": "Not found."}, status=404)  # an unknown id stays DRF
    assert client.run("SPOKI_RETRIEVE_CONTACT", {"contact_id": 99})["error"] == (
        "HTTP 404 Not Found from GET contacts/99/: Not found. No such resource: check the id.")


# --- logging (coord contract 3) ----------------------------------------------------------------

def test_waits_are_logged_at_info_and_attempts_at_debug_without_the_key(
        api: FakeApi, make_client: Callable[..., Client], canary: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="spoki_actions")
    client = make_client(pace=True)
    api.on("GET", "tags/", httpx.Response(429, headers={"retry-after": "12"}), httpx.Response(503),
           httpx.Response(200, json={}))
    assert client.run("SPOKI_LIST_TAGS")["successful"]
    page = httpx.Response(200, json={"count": 0, "next": None, "previous": None, "results": []})
    api.on("GET", "custom-fields/", page)
    limit = client.catalogue.actions["SPOKI_SPOKI_LIST_CUSTOM_FIELDS"].behaviour.rate_limit
    assert limit is not None
    for _ in range(limit.requests + 1):
        assert client.run("SPOKI_SPOKI_LIST_CUSTOM_FIELDS")["successful"]
    records = [r for r in caplog.records if r.name == "spoki_actions.client"]
    infos = [r.getMessage() for r in records if r.levelno == logging.INFO]
    assert infos[0] == "SPOKI_LIST_TAGS: waiting 12.0 s for Retry-After from the server (status 429)"
    assert infos[1].startswith("SPOKI_LIST_TAGS: waiting ") and infos[1].endswith(" s for backoff before attempt 3")
    assert infos[2].startswith("SPOKI_SPOKI_LIST_CUSTOM_FIELDS: waiting ")
    assert infos[2].endswith(f" s for the rate limit of bucket {limit.bucket} ({limit.requests} per "
                             f"{limit.window:g} s)")
    debugs = [r.getMessage().rsplit(", ", 1)[0] for r in records if r.levelno == logging.DEBUG]
    assert debugs[:3] == ["SPOKI_LIST_TAGS: attempt 1 -> status 429 (rate_limited)",
                          "SPOKI_LIST_TAGS: attempt 2 -> status 503 (upstream)",
                          "SPOKI_LIST_TAGS: attempt 3 -> status 200"]
    assert all(canary not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("argument", ["timeout", "max_retries", "max_response_bytes"])
def test_a_huge_integer_setting_is_a_configuration_error(argument: str) -> None:
    from spoki_actions import ConfigurationError

    with pytest.raises(ConfigurationError, match="got an integer of about 5,001 digits"):
        Client(**{argument: -huge_int()})  # type: ignore[arg-type]


def test_an_object_whose_repr_raises_is_still_described() -> None:
    class Hostile:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    with Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json={}))) as client:
        outcome = client.execute("SPOKI_RETRIEVE_CONTACT", {"contact_id": Hostile()})
        assert outcome.error == ("invalid input for SPOKI_RETRIEVE_CONTACT: contact_id: expected an integer, "
                                 "got a Hostile")
        assert client.execute(Hostile()).kind is ErrorKind.UNKNOWN_ACTION  # type: ignore[arg-type]
