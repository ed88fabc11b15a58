"""Errors: every kind gives `successful: false`, empty data and an error a person can act on; the
Outcome names the kind, status, retryability and attempts; the raising API raises the matching
exception class. Nothing here raises out of `run` or `run_action`.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

import httpx
import pytest

import spoki_actions
from spoki_actions import (
    ActionFailed,
    ApiError,
    AsyncClient,
    AuthError,
    BadRequestError,
    Client,
    ErrorKind,
    NotFoundError,
    RateLimitedError,
    TransportError,
    UnknownActionError,
    UpstreamError,
    arun_action,
    arun_action_or_raise,
    run_action,
    run_action_or_raise,
)
from spoki_actions._registry import load

from .rt_support import FakeApi

CONTACT = {"phone": "+393331234567", "email": "maria@example.com"}


def one_shot(make_client: Callable[..., Client]) -> Client:
    return make_client(max_retries=0)


@pytest.mark.parametrize("status, body, kind, error, exc", [
    (400, {"phone": ["Enter a valid phone number."], "email": ["Enter a valid email address.", "Too long."]},
     ErrorKind.BAD_REQUEST,
     "HTTP 400 Bad Request from POST contacts/sync/: phone: Enter a valid phone number.; "
     "email: Enter a valid email address. Too long.", BadRequestError),
    (400, {"detail": "Invalid data.", "code": "spoki::3004", "custom_fields": {"TIER": ["Unknown field code."]}},
     ErrorKind.BAD_REQUEST,
     "HTTP 400 Bad Request from POST contacts/sync/: Invalid data.; custom_fields.TIER: Unknown field code. "
     "(code spoki::3004)", BadRequestError),
    (400, {"non_field_errors": ["Phone already used by another contact."]}, ErrorKind.BAD_REQUEST,
     "HTTP 400 Bad Request from POST contacts/sync/: Phone already used by another contact.", BadRequestError),
    (401, {"detail": "Invalid API key."}, ErrorKind.AUTH,
     "HTTP 401 Unauthorized from POST contacts/sync/: Invalid API key. Check the API key (it came from the "
     "SPOKI_API_KEY environment variable).", AuthError),
    (403, {"detail": "You do not have permission to perform this action."}, ErrorKind.AUTH,
     "HTTP 403 Forbidden from POST contacts/sync/: You do not have permission to perform this action. The key has "
     "no access to this endpoint (partner endpoints need a partner-level key).", AuthError),
    (409, {"title": "Conflict", "detail": "Busy."}, ErrorKind.API_ERROR,
     "HTTP 409 Conflict from POST contacts/sync/: Busy.; Conflict", ApiError),
    (418, None, ErrorKind.API_ERROR, "HTTP 418 I'm a teapot from POST contacts/sync/", ApiError),
])
def test_api_errors_carry_status_detail_and_fields(api: FakeApi, make_client: Callable[..., Client], status: int,
                                                   body: object, kind: ErrorKind, error: str,
                                                   exc: type[ActionFailed]) -> None:
    answer = httpx.Response(status, json=body) if body is not None else httpx.Response(status)
    api.on("POST", "contacts/sync/", answer)
    client = one_shot(make_client)
    outcome = client.execute("SPOKI_CREATE_OR_UPDATE_CONTACT", CONTACT)
    assert outcome.envelope == {"data": {}, "error": error, "successful": False}
    assert (outcome.kind, outcome.status, outcome.retryable, outcome.attempts) == (kind, status, False, 1)
    with pytest.raises(exc) as raised:
        client.call("SPOKI_CREATE_OR_UPDATE_CONTACT", CONTACT)
    assert raised.value.outcome.status == status and str(raised.value) == error


def test_field_errors_name_the_input_not_the_wire_name(api: FakeApi, client: Client) -> None:
    api.json("PATCH", "custom-fields/3/", {"label": ["This label is reserved."]}, status=400)
    assert client.run("SPOKI_UPDATE_CUSTOM_FIELD", {"custom_field_id": 3, "label": "Email"})["error"] == (
        "HTTP 400 Bad Request from PATCH custom-fields/3/: label: This label is reserved.")


def test_not_found_names_the_resource(api: FakeApi, client: Client) -> None:
    outcome = client.execute("SPOKI_RETRIEVE_CONTACT", {"contact_id": 99})
    assert outcome.error == "HTTP 404 Not Found from GET contacts/99/: Not found. No such resource: check the id."
    assert outcome.kind is ErrorKind.NOT_FOUND
    with pytest.raises(NotFoundError):
        client.call("SPOKI_RETRIEVE_CONTACT", {"contact_id": 99})


def test_rate_limited_after_retries(api: FakeApi, client: Client) -> None:
    api.json("GET", "tickets/", {"detail": "Request was throttled."}, status=429, **{"Retry-After": "5"})
    outcome = client.execute("SPOKI_LIST_TICKETS")
    assert outcome.kind is ErrorKind.RATE_LIMITED and outcome.status == 429 and outcome.retryable
    assert outcome.attempts == 4 and outcome.requests == 4
    assert outcome.error == ("HTTP 429 Too Many Requests from GET tickets/: Request was throttled. Rate limited (the "
                             "API asked to wait 5 s); slow down or try again later. (after 4 attempts in 15.0 s)")
    with pytest.raises(RateLimitedError):
        client.call("SPOKI_LIST_TICKETS")


def test_upstream_errors_with_html_bodies(api: FakeApi, make_client: Callable[..., Client]) -> None:
    api.on("GET", "tags/", httpx.Response(502, content=b"<html><body>Bad gateway</body></html>",
                                          headers={"content-type": "text/html"}))
    outcome = one_shot(make_client).execute("SPOKI_LIST_TAGS")
    assert outcome.error == ("HTTP 502 Bad Gateway from GET tags/: the body is an HTML page (37 bytes), not JSON. "
                             "The Spoki API failed; try again later.")
    assert outcome.kind is ErrorKind.UPSTREAM and outcome.retryable
    with pytest.raises(UpstreamError):
        one_shot(make_client).call("SPOKI_LIST_TAGS")


def test_plain_text_error_bodies_are_quoted_briefly(api: FakeApi, make_client: Callable[..., Client]) -> None:
    api.on("GET", "tags/", httpx.Response(500, text="upstream\n  database   unavailable " + "x" * 500))
    error = one_shot(make_client).run("SPOKI_LIST_TAGS")["error"]
    assert error.startswith("HTTP 500 Internal Server Error from GET tags/: upstream database unavailable xxx")
    assert len(error) < 320


MAYBE_DONE = ("; the request may have been processed; check (e.g. list custom fields: "
              "SPOKI_SPOKI_LIST_CUSTOM_FIELDS) before retrying")


@pytest.mark.parametrize("exc, kind, error, sent", [
    (httpx.ConnectError("[Errno 111] Connection refused"), ErrorKind.TRANSPORT,
     "could not connect to api.spoki.com ([Errno 111] Connection refused); the request was not sent", False),
    (httpx.ConnectTimeout("timed out"), ErrorKind.TIMEOUT,
     "timed out after 30 s connecting to api.spoki.com; the request was not sent", False),
    (httpx.ReadTimeout("timed out"), ErrorKind.TIMEOUT,
     "timed out after 30 s waiting for an answer from api.spoki.com" + MAYBE_DONE, True),
    (httpx.RemoteProtocolError("Server disconnected without sending a response."), ErrorKind.TRANSPORT,
     "connection to api.spoki.com failed: RemoteProtocolError (Server disconnected without sending a response.)"
     + MAYBE_DONE, True),
    (httpx.ReadError("[Errno 104] Connection reset by peer"), ErrorKind.TRANSPORT,
     "connection to api.spoki.com failed: ReadError ([Errno 104] Connection reset by peer)" + MAYBE_DONE, True),
    (RuntimeError("boom"), ErrorKind.TRANSPORT, "the transport failed: RuntimeError (boom)" + MAYBE_DONE, True),
])
def test_transport_failures(api: FakeApi, make_client: Callable[..., Client], exc: Exception, kind: ErrorKind,
                            error: str, sent: bool) -> None:
    api.on("POST", "custom-fields/", exc)
    client = one_shot(make_client)
    params = {"code": "A", "label": "a", "example": "x", "field_type": 1}
    outcome = client.execute("SPOKI_CREATE_CUSTOM_FIELD", params)
    assert outcome.envelope == {"data": {}, "error": error, "successful": False}
    assert outcome.kind is kind and outcome.status is None
    assert outcome.retryable is (not sent)  # unsafe: retryable only when the request never left
    with pytest.raises(TransportError):
        client.call("SPOKI_CREATE_CUSTOM_FIELD", params)


def test_unknown_actions_suggest_close_names(client: Client) -> None:
    outcome = client.execute("SPOKI_LIST_TICKET")
    assert outcome.kind is ErrorKind.UNKNOWN_ACTION and outcome.data == {}
    assert outcome.error == ("unknown action 'SPOKI_LIST_TICKET'; did you mean SPOKI_LIST_TICKETS, "
                             "SPOKI_LIST_TEMPLATES, SPOKI_LIST_TAGS? (`spoki-actions list` shows every action)")
    assert client.run("list_tickets")["error"].startswith(
        "unknown action 'list_tickets'; did you mean SPOKI_LIST_TICKETS")
    assert client.run("retrieve contact")["error"].startswith(
        "unknown action 'retrieve contact'; did you mean SPOKI_RETRIEVE_CONTACT")
    assert "did you mean" not in client.run("XYZZY")["error"]
    assert client.run(None)["error"].startswith("unknown action 'None'")  # type: ignore[arg-type]
    with pytest.raises(UnknownActionError) as raised:
        client.call("spoki_list_tags")
    assert raised.value.suggestions[0] == "SPOKI_LIST_TAGS"


def test_run_action_never_raises(api: FakeApi, client: Client) -> None:
    api.on("GET", "tags/", RuntimeError("boom"))
    for name, params in [("SPOKI_LIST_TAGS", None), ("NOPE", None), ("SPOKI_RETRIEVE_TAG", {"id": "x"}),
                         ("SPOKI_RETRIEVE_TAG", ["not", "a", "dict"])]:
        envelope = run_action(name, params, client=client)  # type: ignore[arg-type]
        assert envelope["successful"] is False and isinstance(envelope["error"], str)
        assert set(envelope) == {"data", "error", "successful"}


def test_without_a_key_run_action_returns_a_configuration_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPOKI_API_KEY")
    assert run_action("SPOKI_LIST_AGENCIES") == {
        "data": [], "successful": False, "error": "no API key: pass api_key=... or set SPOKI_API_KEY"}
    with pytest.raises(spoki_actions.ConfigurationError):
        run_action_or_raise("SPOKI_LIST_AGENCIES")


def test_a_closed_client_says_so(client: Client) -> None:
    client.close()
    assert client.run("SPOKI_LIST_TAGS")["error"] == "the client is closed; create a new one"


def test_a_field_named_like_a_detail_key_keeps_its_messages(api: FakeApi, client: Client) -> None:
    api.json("POST", "custom-fields/", {"code": ["custom field with this code already exists."]}, status=400)
    error = client.run("SPOKI_CREATE_CUSTOM_FIELD", {"code": "A", "label": "a", "example": "x", "field_type": 1})
    assert error["error"] == "HTTP 400 Bad Request from POST custom-fields/: code: custom field with this code " \
                             "already exists."


# --- an unsafe request that may have reached the server ----------------------------------------

@pytest.mark.parametrize("status, reason", [(500, "Internal Server Error"), (502, "Bad Gateway"),
                                            (504, "Gateway Timeout")])
def test_an_unsafe_5xx_says_the_request_may_have_been_processed(api: FakeApi, make_client: Callable[..., Client],
                                                                status: int, reason: str) -> None:
    api.json("POST", "custom-fields/", {"detail": "oops"}, status=status)
    outcome = make_client(pace=False).execute("SPOKI_CREATE_CUSTOM_FIELD",
                                              {"code": "A", "label": "a", "example": "x", "field_type": 1})
    assert outcome.error == (f"HTTP {status} {reason} from POST custom-fields/: oops. The Spoki API failed. The "
                             "request may have been processed; check (e.g. list custom fields: "
                             "SPOKI_SPOKI_LIST_CUSTOM_FIELDS) before retrying.")
    assert outcome.requests == 1 and not outcome.retryable


def test_safe_failures_and_unsent_requests_carry_no_such_note(api: FakeApi, make_client: Callable[..., Client]
                                                              ) -> None:
    client = make_client(max_retries=0, pace=False)
    api.on("POST", "custom-fields/", httpx.Response(429))
    api.on("PATCH", "custom-fields/3/", httpx.ReadTimeout("slow"))
    api.on("GET", "tags/", httpx.Response(500))
    field = {"code": "A", "label": "a", "example": "x", "field_type": 1}
    for action, params in [("SPOKI_CREATE_CUSTOM_FIELD", field),  # 429: refused, not processed
                           ("SPOKI_UPDATE_CUSTOM_FIELD", {"custom_field_id": 3, "label": "b"}),  # idempotent
                           ("SPOKI_LIST_TAGS", {})]:
        error = client.run(action, params)["error"]
        assert "may have been processed" not in error, error
    assert client.run("SPOKI_LIST_TAGS")["error"].endswith("The Spoki API failed; try again later.")


def test_the_check_hint_falls_back_when_no_read_action_fits() -> None:
    registry = load()
    create = registry.catalogue.actions["SPOKI_CREATE_CUSTOM_FIELD"]
    update = registry.catalogue.actions["SPOKI_UPDATE_CUSTOM_FIELD"]
    assert registry.check_hint(update) == "e.g. retrieve custom field: SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD"
    assert registry.check_hint(dataclasses.replace(create, path="widgets/")) == "whether it took effect"


# --- programming errors raise; everything else is an envelope ----------------------------------

@pytest.mark.parametrize("wrong, message", [
    ("x", "run_action(client=...) needs a spoki_actions.Client or None, got str"),
    (42, "run_action(client=...) needs a spoki_actions.Client or None, got int"),
])
def test_a_wrong_client_is_a_type_error(wrong: object, message: str) -> None:
    with pytest.raises(TypeError) as raised:
        run_action("SPOKI_LIST_TAGS", client=wrong)  # type: ignore[arg-type]
    assert str(raised.value) == message
    with pytest.raises(TypeError, match=r"run_action_or_raise\(client=\.\.\.\) needs a spoki_actions\.Client"):
        run_action_or_raise("SPOKI_LIST_TAGS", client=wrong)  # type: ignore[arg-type]


def test_the_sync_and_async_clients_are_not_interchangeable(api: FakeApi) -> None:
    async_client = AsyncClient(transport=httpx.MockTransport(api))
    with pytest.raises(TypeError) as raised:
        run_action("SPOKI_LIST_TAGS", client=async_client)  # type: ignore[arg-type]
    assert str(raised.value) == ("run_action(client=...) needs a spoki_actions.Client or None, got AsyncClient; "
                                 "for an AsyncClient use await arun_action(...)")
    asyncio.run(async_client.aclose())
    with Client(transport=httpx.MockTransport(api)) as sync_client:
        with pytest.raises(TypeError) as raised:
            asyncio.run(arun_action("SPOKI_LIST_TAGS", client=sync_client))  # type: ignore[arg-type]
        assert str(raised.value) == ("arun_action(client=...) needs a spoki_actions.AsyncClient or None, got Client; "
                                     "for a Client use run_action(...)")
        with pytest.raises(TypeError, match="arun_action_or_raise"):
            asyncio.run(arun_action_or_raise("SPOKI_LIST_TAGS", client=sync_client))  # type: ignore[arg-type]


def test_without_a_key_input_problems_are_reported_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPOKI_API_KEY")
    envelope = run_action("SPOKI_RETRIEVE_CONTACT", {"contact_id": "abc", "extra": 1})
    assert envelope == {"data": {}, "successful": False, "error": (
        "2 problems with the input of SPOKI_RETRIEVE_CONTACT: contact_id: expected an integer, got a string ('abc'); "
        "extra: unknown input; SPOKI_RETRIEVE_CONTACT takes: contact_id (besides, the client cannot be configured: "
        "no API key: pass api_key=... or set SPOKI_API_KEY)")}
    assert run_action("SPOKI_LIST_TICKET")["error"] == (
        "unknown action 'SPOKI_LIST_TICKET'; did you mean SPOKI_LIST_TICKETS, SPOKI_LIST_TEMPLATES, SPOKI_LIST_TAGS? "
        "(`spoki-actions list` shows every action) (besides, the client cannot be configured: no API key: pass "
        "api_key=... or set SPOKI_API_KEY)")
    assert run_action("SPOKI_RETRIEVE_CONTACT", {"contact_id": 1})["error"] == (
        "no API key: pass api_key=... or set SPOKI_API_KEY")  # valid input: the configuration alone
