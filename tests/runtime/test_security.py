"""The API key is a secret: never in a repr, log record, exception, envelope or CLI output (the
session-wide canary in tests/conftest.py checks every log record and test report besides); plain
http is refused except on loopback; the key never goes to another host.
"""

from __future__ import annotations

import logging
import pickle
import traceback
from collections.abc import Callable

import httpx
import pytest

from spoki_actions import AuthError, Client, ConfigurationError, run_action
from spoki_actions._config import Secret, Settings, resolve
from spoki_actions._registry import load
from spoki_actions._request import Request
from spoki_actions._transport import SyncTransport

from .rt_support import FakeApi


def test_reprs_never_show_the_key(client: Client, canary: str) -> None:
    settings: Settings = client._ctx.settings
    for text in (repr(client), str(client), repr(settings), str(settings), repr(settings.api_key),
                 f"{settings.api_key}", repr(vars(client))):
        assert canary not in text
    assert settings.api_key.reveal() == canary
    assert repr(client) == "Client(base_url='https://api.spoki.com/api/1', api_key='***')"


def test_the_secret_refuses_pickling() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(Secret("s3cret-value"))


def test_errors_and_exceptions_never_show_the_key_even_when_the_api_echoes_it(
        api: FakeApi, client: Client, canary: str) -> None:
    api.json("GET", "tags/", {"detail": f"Invalid key {canary}.", canary: [canary]}, status=401)
    outcome = client.execute("SPOKI_LIST_TAGS")
    assert canary not in str(outcome) and canary not in (outcome.error or "")
    assert outcome.error == ("HTTP 401 Unauthorized from GET tags/: Invalid key ***.; ***: ***. Check the API key (it "
                             "came from the SPOKI_API_KEY environment variable).")
    with pytest.raises(AuthError) as raised:
        client.call("SPOKI_LIST_TAGS")
    text = "".join(traceback.format_exception(raised.value))
    assert canary not in text and canary not in repr(raised.value)


@pytest.mark.parametrize("key", ["k", "ab1", "secret7", "a-long-key-0123456789"])
def test_keys_of_any_length_are_redacted_without_mangling_the_message(key: str) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"detail": f"Key {key} is not valid for api.spoki.com.", "key": [key],
                                         "note": f"key={key}&x"})
    with Client(api_key=key, transport=httpx.MockTransport(echo), max_retries=0) as client:
        error = client.run("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234567"})["error"]
    assert error == ("HTTP 400 Bad Request from POST contacts/sync/: Key *** is not valid for api.spoki.com.; "
                     "key: ***; note: key=***&x")


def test_a_long_key_is_redacted_even_inside_a_word() -> None:
    from spoki_actions._execute import redact

    assert redact("xsecret-key-123y", "secret-key-123") == "x***y"
    assert redact("xky k", "k") == "xky ***"


def test_debug_logs_never_show_the_key(api: FakeApi, client: Client, canary: str,
                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api.on("GET", "tags/", httpx.Response(503), httpx.ReadTimeout("slow"), httpx.Response(200, json={}))
    api.json("POST", "contacts/sync/", {"detail": canary}, status=400)
    assert client.run("SPOKI_LIST_TAGS")["successful"]
    client.run("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234567"})
    # the attempt lines of coord contract 3 ("<ACTION>: attempt N -> status S (kind), D s")
    attempts = [r for r in caplog.records if ": attempt " in r.getMessage()]
    assert [r.getMessage().rsplit(", ", 1)[0] for r in attempts] == [
        "SPOKI_LIST_TAGS: attempt 1 -> status 503 (upstream)", "SPOKI_LIST_TAGS: attempt 2 -> timeout",
        "SPOKI_LIST_TAGS: attempt 3 -> status 200",
        "SPOKI_CREATE_OR_UPDATE_CONTACT: attempt 1 -> status 400 (bad_request)"]
    assert all(canary not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("url", ["http://api.spoki.com/api/1", "http://10.0.0.5:8765/api/1",
                                 "http://127.0.0.1.evil.example/api/1", "http://localhost.evil.example/api/1"])
def test_plain_http_is_refused_off_loopback(url: str) -> None:
    with pytest.raises(ConfigurationError, match="uses plain http"):
        Client(base_url=url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765/api/1", "http://localhost:1/api/1/", "http://[::1]:80/api/1",
                                 "http://127.5.5.5/api/1", "https://api.spoki.com/api/1",
                                 "https://app.spoki.it/api/1/"])
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    with Client(base_url=url) as client:
        assert client.base_url == url.rstrip("/")


@pytest.mark.parametrize("url, message", [
    ("ftp://api.spoki.com/api/1", "must be an absolute http(s) URL"),
    ("api.spoki.com/api/1", "must be an absolute http(s) URL"),
    ("https://user:pw@api.spoki.com/api/1", "must not carry credentials"),
    ("https://api.spoki.com/api/1?x=1", "must not have a query or a fragment"),
    ("https://api.spoki.com:99999/api/1", "is not a valid URL"),
])
def test_malformed_base_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        Client(base_url=url)
    assert message in str(raised.value)


def test_an_env_base_url_over_plain_http_fails_the_call_without_a_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOKI_BASE_URL", "http://api.spoki.com/api/1")
    envelope = run_action("SPOKI_LIST_TAGS")
    assert envelope["successful"] is False and "uses plain http" in envelope["error"]


@pytest.mark.parametrize("key", ["has space", "new\nline", "tab\tkey", "ünïcode-key", "", "   "])
def test_keys_a_header_cannot_carry_are_refused_without_echoing_them(key: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        Client(api_key=key)
    assert (key.strip() == "") or key not in str(raised.value)


def test_the_transport_attaches_the_key_only_to_the_api_origin(canary: str) -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})
    settings = resolve(load().catalogue.connector)
    transport = SyncTransport(settings, httpx.MockTransport(record))
    for url in ("https://api.spoki.com/api/1/tags/", "https://api.spoki.com:443/api/1/tags/",
                "https://evil.example/api/1/tags/", "http://api.spoki.com/api/1/tags/",
                "https://api.spoki.com:8443/api/1/tags/"):
        transport.send(Request("GET", url, None, "tags/"))
    assert [r.headers.get("x-spoki-api-key") == canary for r in seen] == [True, True, False, False, False]


def test_a_redirect_elsewhere_never_carries_the_key(make_client: Callable[..., Client], canary: str) -> None:
    hosts: list[str] = []

    def route(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        assert request.url.host == "api.spoki.com", "followed a redirect to another host"
        return httpx.Response(307, headers={"location": "https://collector.example/x"})
    client = make_client(transport=httpx.MockTransport(route))
    assert not client.run("SPOKI_LIST_TAGS")["successful"]
    assert hosts == ["api.spoki.com"]
