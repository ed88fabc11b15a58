"""The execution plan driven directly with scripted replies: no transport, no client, no sockets.

Each test prepares a plan from a real catalogue action, answers every `Request` it yields with the
next scripted `Reply`/`Failure`, advances a fake clock for every sleep, and checks what the plan
asked for and what it returned: retries by safety class, Retry-After, pages, a page loop, and a
redirect off the API's origin (the key's one origin).
"""

from __future__ import annotations

import json
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import pytest

from spoki_actions import ErrorKind, Outcome
from spoki_actions._config import resolve
from spoki_actions._execute import Context, prepare
from spoki_actions._outcome import ErrorKind as Kind
from spoki_actions._pacing import Pacer
from spoki_actions._registry import load
from spoki_actions._request import Request
from spoki_actions._response import Failure, Reply

BASE = "https://api.spoki.com/api/1"
KEY = "plan-test-key-0123456789abcdef"
FIELD = {"code": "TIER", "label": "Tier", "example": "gold", "field_type": 1}


@dataclass
class Script:
    """The replies to give, in order, and what the plan asked for."""

    replies: list[Reply | Failure]
    now: float = 100.0
    sent: list[Request] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def run(self, plan: Generator[Any, Any, Outcome] | Outcome) -> Outcome:
        assert not isinstance(plan, Outcome), plan
        try:
            step = next(plan)
            while True:
                if isinstance(step, Request):
                    self.sent.append(step)
                    step = plan.send(self.replies.pop(0))
                else:
                    self.sleeps.append(step)
                    self.now += step
                    step = plan.send(None)
        except StopIteration as stop:
            assert not self.replies, f"{len(self.replies)} scripted replies left unused"
            outcome: Outcome = stop.value
            return outcome


def reply(status: int, body: Any = None, url: str = BASE, **headers: str) -> Reply:
    raw = b"" if body is None else json.dumps(body).encode()
    return Reply(status, {200: "OK", 301: "Moved Permanently", 302: "Found", 429: "Too Many Requests",
                          503: "Service Unavailable"}.get(status, ""), headers, raw, url)


def start(script: Script, action: str, params: dict[str, Any] | None = None, pace: bool = False) -> Outcome:
    registry = load()
    settings = resolve(registry.catalogue.connector, KEY, BASE)
    ctx = Context(settings, registry, Pacer() if pace else None, None, script.clock, rand=lambda: 0.0)
    compiled = registry.get(action)
    assert compiled is not None
    return script.run(prepare(ctx, compiled, params or {}, None, True))


@pytest.mark.parametrize(("action", "params", "retried"), [
    ("SPOKI_LIST_TAGS", {}, True),  # read
    ("SPOKI_DELETE_CONTACT", {"id": 7}, True),  # idempotent
    ("SPOKI_CREATE_CUSTOM_FIELD", FIELD, False),  # unsafe: may have been processed
])
def test_a_503_is_retried_by_safety_class(action: str, params: dict[str, Any], retried: bool) -> None:
    script = Script([reply(503), reply(200, {})] if retried else [reply(503)])
    outcome = start(script, action, params)
    assert outcome.successful is retried
    assert len(script.sent) == (2 if retried else 1)
    assert script.sleeps == ([0.5] if retried else [])  # backoff_initial, no jitter
    if not retried:
        assert outcome.kind is ErrorKind.UPSTREAM and not outcome.retryable
        assert "The request may have been processed" in (outcome.error or "")


def test_a_refused_connection_is_retried_even_for_an_unsafe_action() -> None:
    never_sent = Failure(Kind.TRANSPORT, "connection refused", sent=False)
    script = Script([never_sent, reply(200, {})])
    assert start(script, "SPOKI_CREATE_CUSTOM_FIELD", FIELD).successful
    assert len(script.sent) == 2


def test_retry_after_is_waited_and_capped_and_the_budget_bounds_the_call() -> None:
    script = Script([reply(429, {"detail": "slow down"}, **{"retry-after": "7"}), reply(200, {})])
    outcome = start(script, "SPOKI_LIST_TAGS")
    assert outcome.successful and script.sleeps == [7.0] and outcome.attempts == 2
    script = Script([reply(429, **{"retry-after": "3600"})] * 3)
    outcome = start(script, "SPOKI_LIST_TAGS")
    assert script.sleeps == [60.0, 60.0]  # capped at retry_after_cap; a third 60 s would pass the 120 s budget
    assert outcome.kind is ErrorKind.RATE_LIMITED and outcome.attempts == 3
    assert "not retried: the API asked to wait 3600 s" in (outcome.error or "")


def test_pages_are_gathered_and_a_page_loop_is_stopped() -> None:
    page1 = reply(200, {"count": 3, "next": f"{BASE}/tags/?page=2", "results": [{"id": 1}]})
    page2 = reply(200, {"count": 3, "next": f"{BASE}/tags/?page=3", "results": [{"id": 2}]})
    page3 = reply(200, {"count": 3, "next": None, "results": [{"id": 3}]})
    script = Script([page1, page2, page3])
    outcome = start(script, "SPOKI_LIST_AGENCIES")
    assert outcome.data == [{"id": 1}, {"id": 2}, {"id": 3}] and outcome.requests == 3
    assert [r.target for r in script.sent] == ["agencies/", "tags/?page=2", "tags/?page=3"]
    looping = reply(200, {"next": f"{BASE}/agencies/?page=2", "results": [{"id": 1}]})
    script = Script([looping, looping])
    outcome = start(script, "SPOKI_LIST_AGENCIES")
    assert outcome.kind is ErrorKind.INVALID_RESPONSE and len(script.sent) == 2
    assert "the API returned the same next page twice: agencies/?page=2 (a page loop; stopped)" in (outcome.error or "")


def test_a_bare_array_is_the_whole_list_where_the_spec_allows_it() -> None:
    script = Script([reply(200, [{"id": 1}, {"id": 2}])])
    assert start(script, "SPOKI_LIST_AGENCIES").data == [{"id": 1}, {"id": 2}]
    fields = [{"code": "TIER", "label": "Tier", "example": "gold", "field_type": 1, "id": 9},
              {"code": "CITY", "label": "City", "example": "Rome", "field_type": 1, "id": 10}]
    script = Script([reply(200, fields)])
    outcome = start(script, "SPOKI_SPOKI_LIST_CUSTOM_FIELDS", {"code": "ti"})
    assert outcome.data == {"custom_fields": [{"code": "TIER", "label": "Tier", "example": "gold", "field_type": 1}]}
    script = Script([reply(200, {"count": 2, "next": None, "previous": None, "results": fields})])
    assert len(start(script, "SPOKI_SPOKI_LIST_CUSTOM_FIELDS").data["custom_fields"]) == 2


def test_a_bare_array_is_still_refused_where_the_spec_wants_a_page() -> None:
    assert not load().catalogue.actions["SPOKI_LIST_CONTACTS"].response.paginate  # a page is its output
    script = Script([reply(200, [{"id": 1}])])
    outcome = start(script, "SPOKI_LIST_CONTACTS")
    assert outcome.kind is ErrorKind.INVALID_RESPONSE
    assert (outcome.error or "").endswith("expected a JSON object, got an array")


@pytest.mark.parametrize("location", ["https://evil.example/api/1/tags/", "http://api.spoki.com:8080/api/1/tags/",
                                      "https://api.spoki.com/other/tags/"])
def test_a_redirect_off_the_keys_origin_is_not_followed(location: str) -> None:
    script = Script([reply(302, location=location)])
    outcome = start(script, "SPOKI_LIST_TAGS")
    assert len(script.sent) == 1 and outcome.kind is ErrorKind.API_ERROR and outcome.status == 302
    assert "not followed (the API key is sent only to 'https://api.spoki.com:443'); check the base URL" in (
        outcome.error or "")


def test_a_redirect_on_the_origin_is_followed_and_its_tries_counted_apart() -> None:
    script = Script([reply(503), reply(301, location=f"{BASE}/tags/v2/"), reply(503), reply(200, {})])
    outcome = start(script, "SPOKI_LIST_TAGS")
    assert outcome.successful and outcome.requests == 4 and outcome.attempts == 2
    assert [r.target for r in script.sent] == ["tags/", "tags/", "tags/v2/", "tags/v2/"]


def test_pacing_waits_before_sending_and_a_request_never_sent_gives_its_slot_back() -> None:
    registry = load()
    spec = registry.catalogue.actions["SPOKI_SPOKI_LIST_CUSTOM_FIELDS"]
    assert spec.behaviour.rate_limit is not None
    per_window = spec.behaviour.rate_limit.requests
    settings = resolve(registry.catalogue.connector, KEY, BASE)
    script = Script([])
    ctx = Context(settings, registry, Pacer(), None, script.clock, rand=lambda: 0.0)
    compiled = registry.get("SPOKI_SPOKI_LIST_CUSTOM_FIELDS")
    assert compiled is not None
    page = reply(200, {"next": None, "results": []})
    for _ in range(per_window):
        script.replies.append(page)
        script.run(prepare(ctx, compiled, {}, None, False))
    assert script.sleeps == []
    script.replies.append(page)
    script.run(prepare(ctx, compiled, {}, None, False))
    assert len(script.sleeps) == 1 and script.sleeps[0] >= spec.behaviour.rate_limit.window * 0.99


def test_history_records_every_try_its_answer_and_the_wait_after_it() -> None:
    from spoki_actions import Attempt

    dropped = Failure(Kind.TRANSPORT, "the server closed the connection")
    script = Script([reply(429, {"detail": "slow"}, **{"retry-after": "7"}), reply(503), dropped, reply(200, {})])
    outcome = start(script, "SPOKI_LIST_TAGS")
    assert outcome.successful and outcome.requests == 4
    assert outcome.history == (Attempt(429, Kind.RATE_LIMITED, 7.0, True), Attempt(503, Kind.UPSTREAM, 1.0),
                               Attempt(None, Kind.TRANSPORT, 2.0), Attempt(200))
    assert sum(a.wait for a in outcome.history) == sum(script.sleeps)  # every wait slept, and no other
    script = Script([reply(503)])  # unsafe: not retried, one try with no wait after it
    outcome = start(script, "SPOKI_CREATE_CUSTOM_FIELD", FIELD)
    assert outcome.history == (Attempt(503, Kind.UPSTREAM),)
    script = Script([reply(429, **{"retry-after": "3600"})] * 3)  # capped waits, then over the budget
    outcome = start(script, "SPOKI_LIST_TAGS")
    assert [(a.status, a.wait, a.retry_after) for a in outcome.history] == [(429, 60.0, True), (429, 60.0, True),
                                                                             (429, 0.0, False)]
    page1 = reply(200, {"count": 2, "next": f"{BASE}/tags/?page=2", "results": [{"id": 1}]})
    page2 = reply(200, {"count": 2, "next": None, "results": [{"id": 2}]})
    script = Script([page1, reply(502), page2])
    outcome = start(script, "SPOKI_LIST_AGENCIES")
    assert [a.status for a in outcome.history] == [200, 502, 200] and len(outcome.history) == outcome.requests


def test_history_holds_no_key_url_or_body() -> None:
    script = Script([reply(503, {"detail": KEY}), reply(200, {"secret": KEY})])
    outcome = start(script, "SPOKI_LIST_TAGS")
    assert KEY not in repr(outcome.history) and BASE not in repr(outcome.history)
    assert all(type(a).__slots__ == ("status", "kind", "wait", "retry_after") for a in outcome.history)
    registry = load()
    ctx = Context(resolve(registry.catalogue.connector, KEY, BASE), registry, None, None, lambda: 0.0)
    compiled = registry.get("SPOKI_LIST_TAGS")
    assert compiled is not None
    invalid = prepare(ctx, compiled, {"per_page": "x"}, None, True)
    assert isinstance(invalid, Outcome) and invalid.history == ()  # invalid input: nothing sent, no tries
