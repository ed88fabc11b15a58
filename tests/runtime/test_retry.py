"""Retry rules, with an injected clock (sleeps are recorded, never waited for real).

read and idempotent actions: retried on 429, 5xx, timeouts and connection errors. unsafe actions:
only on 429 or when the request provably never left. Bounded by attempts and by total time;
exponential backoff with jitter; Retry-After honoured (seconds or HTTP date) and capped.
"""

from __future__ import annotations

import dataclasses
import email.utils
import time
from collections.abc import Callable

import httpx
import pytest

from spoki_actions import Client, ErrorKind
from spoki_actions._registry import load
from spoki_actions._retry import backoff, retry_after

from .rt_support import FakeApi, FakeClock, LocalServer, send_json

FIELD = {"code": "TIER", "label": "Tier", "example": "Gold", "field_type": 1}
CREATED = httpx.Response(201, json={"id": 1, **FIELD})


def within(value: float, low: float, high: float) -> bool:
    return low - 1e-9 <= value <= high + 1e-9


@pytest.mark.parametrize("failure", [
    httpx.Response(500), httpx.Response(502), httpx.Response(503), httpx.Response(504),
    httpx.Response(429), httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"),
    httpx.RemoteProtocolError("dropped"), httpx.WriteTimeout("slow"), httpx.ReadError("reset"),
])
@pytest.mark.parametrize("action, params, method, path, ok", [
    ("SPOKI_LIST_TAGS", {}, "GET", "tags/", httpx.Response(200, json={"count": 0, "results": []})),
    ("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234567"}, "POST", "contacts/sync/",
     httpx.Response(200, json={"id": 1})),
])
def test_read_and_idempotent_actions_retry_every_transient_failure(
        api: FakeApi, client: Client, clock: FakeClock, failure: httpx.Response | Exception, action: str,
        params: dict[str, str], method: str, path: str, ok: httpx.Response) -> None:
    api.on(method, path, failure, failure, ok)
    outcome = client.execute(action, params)
    assert outcome.successful and outcome.attempts == 3
    assert len(clock.sleeps) == 2


@pytest.mark.parametrize("failure, retried", [
    (httpx.Response(500), False), (httpx.Response(503), False), (httpx.ReadTimeout("slow"), False),
    (httpx.WriteTimeout("slow"), False), (httpx.RemoteProtocolError("dropped"), False),
    (httpx.ReadError("reset"), False),
    (httpx.Response(429), True), (httpx.ConnectError("refused"), True), (httpx.ConnectTimeout("slow"), True),
    (httpx.PoolTimeout("busy"), True),
])
def test_unsafe_actions_retry_only_when_the_request_never_arrived(
        api: FakeApi, make_client: Callable[..., Client], failure: httpx.Response | Exception, retried: bool) -> None:
    api.on("POST", "custom-fields/", failure, CREATED)
    outcome = make_client(pace=False).execute("SPOKI_CREATE_CUSTOM_FIELD", FIELD)
    assert outcome.successful is retried
    assert len(api.requests) == (2 if retried else 1)
    if not retried:
        assert outcome.retryable is False  # may have reached the server: not safe to re-send


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_client_errors_are_not_retried(api: FakeApi, client: Client, status: int) -> None:
    api.json("GET", "tags/", {"detail": "no"}, status=status)
    outcome = client.execute("SPOKI_LIST_TAGS")
    assert outcome.attempts == 1 and not outcome.retryable


def test_attempts_are_bounded(api: FakeApi, make_client: Callable[..., Client]) -> None:
    api.on("GET", "tags/", httpx.Response(503))
    assert make_client().execute("SPOKI_LIST_TAGS").attempts == 4  # the connector's max_attempts
    assert make_client(max_retries=1).execute("SPOKI_LIST_TAGS").attempts == 2
    assert make_client(max_retries=0).execute("SPOKI_LIST_TAGS").attempts == 1


def test_backoff_is_exponential_with_jitter_and_capped(api: FakeApi, make_client: Callable[..., Client],
                                                      clock: FakeClock) -> None:
    api.on("GET", "tags/", httpx.Response(503))
    outcome = make_client(max_retries=6).execute("SPOKI_LIST_TAGS")
    assert outcome.attempts == 7
    bases = [0.5, 1, 2, 4, 8, 8]  # initial 0.5, x2, capped at 8; jitter adds up to 25%
    assert len(clock.sleeps) == 6
    assert all(within(s, b, b * 1.25) for s, b in zip(clock.sleeps, bases, strict=True)), clock.sleeps
    assert len(set(clock.sleeps)) > 1


def test_retry_after_seconds_is_honoured_exactly(api: FakeApi, client: Client, clock: FakeClock) -> None:
    api.on("GET", "tags/", httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={}))
    outcome = client.execute("SPOKI_LIST_TAGS")
    assert outcome.successful and clock.sleeps == [7.0]
    assert api.times[1] - api.times[0] == 7.0


def test_retry_after_is_capped(api: FakeApi, client: Client, clock: FakeClock) -> None:
    api.on("GET", "tags/", httpx.Response(503, headers={"Retry-After": "3600"}), httpx.Response(200, json={}))
    assert client.run("SPOKI_LIST_TAGS")["successful"]
    assert clock.sleeps == [60.0]  # retry_after_cap


def test_retry_after_as_an_http_date() -> None:
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert within(retry_after({"retry-after": later}) or 0, 28, 31)
    earlier = email.utils.formatdate(time.time() - 30, usegmt=True)
    assert retry_after({"retry-after": earlier}) == 0
    assert retry_after({"retry-after": "soon"}) is None
    assert retry_after({}) is None
    assert retry_after({"retry-after": "-5"}) == 0


def test_total_time_is_bounded(api: FakeApi, client: Client, clock: FakeClock) -> None:
    policy = client.catalogue.connector.retry
    wait = policy.retry_after_cap * 0.75
    api.on("GET", "tags/", httpx.Response(429, headers={"Retry-After": f"{wait:g}"}))
    outcome = client.execute("SPOKI_LIST_TAGS")
    fits = min(int(policy.max_elapsed // wait), policy.max_attempts - 1)  # waits that fit in the budget
    assert clock.sleeps == [wait] * fits and sum(clock.sleeps) <= policy.max_elapsed
    assert outcome.attempts == fits + 1 and outcome.kind is ErrorKind.RATE_LIMITED
    if fits < policy.max_attempts - 1:
        assert (f"(not retried: waiting {wait:.1f} s would pass the {policy.max_elapsed:g} s retry budget)"
                in (outcome.error or ""))


def test_retries_restart_per_page_but_time_is_shared(api: FakeApi, client: Client) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params.get("page", "1"))
        nxt = f"https://api.spoki.com/api/1/agencies/?page={n + 1}" if n < 3 else None
        return httpx.Response(200, json={"next": nxt, "results": [{"id": n, "account": n}]})
    api.on("GET", "agencies/", httpx.Response(503), page, httpx.Response(503), page, page)
    outcome = client.execute("SPOKI_LIST_AGENCIES")
    assert outcome.successful and len(outcome.data) == 3
    assert outcome.attempts == 2 and outcome.requests == 5  # pages 1 and 2 took two tries each


def test_attempts_of_a_failing_page_are_its_own(api: FakeApi, make_client: Callable[..., Client]) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "3":
            return httpx.Response(503)
        n = int(request.url.params.get("page", "1"))
        return httpx.Response(200, json={"next": f"https://api.spoki.com/api/1/agencies/?page={n + 1}",
                                         "results": [{"id": n, "account": n}]})
    api.on("GET", "agencies/", page)
    outcome = make_client(max_retries=2).execute("SPOKI_LIST_AGENCIES")
    assert outcome.kind is ErrorKind.UPSTREAM and outcome.attempts == 3 and outcome.requests == 5
    assert (outcome.error or "").startswith("HTTP 503 Service Unavailable from GET agencies/")
    assert "(after 3 attempts in " in (outcome.error or "")  # the tries of page 3, not the 5 requests


def test_retry_after_over_real_loopback_with_generous_bounds(local_server: LocalServer) -> None:
    calls: list[float] = []

    def throttled(handler: object) -> None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            send_json(handler, 429, {"detail": "slow down"}, {"Retry-After": "1"})  # type: ignore[arg-type]
        else:
            send_json(handler, 200, {"count": 0, "results": []})  # type: ignore[arg-type]
    local_server.behaviour["/api/1/tags/"] = throttled
    with Client(base_url=local_server.base_url) as client:
        outcome = client.execute("SPOKI_LIST_TAGS")
    assert outcome.successful and outcome.attempts == 2
    assert 0.95 <= calls[1] - calls[0] < 5


# --- Retry-After: never sooner than the backoff, capped, within the time budget ----------------

def policy_client(api: FakeApi, clock: FakeClock, **retry: float) -> Client:
    """A client whose connector retry policy differs from the shipped one by `retry`."""
    catalogue = load().catalogue
    connector = dataclasses.replace(catalogue.connector,
                                    retry=dataclasses.replace(catalogue.connector.retry, **retry))
    return Client(catalogue=dataclasses.replace(catalogue, connector=connector), transport=httpx.MockTransport(api),
                  clock=clock, sleep=clock.sleep, pace=False)


def slow(clock: FakeClock, seconds: float, answer: httpx.Response) -> Callable[[httpx.Request], httpx.Response]:
    """An answer that takes `seconds` of the fake clock to arrive."""
    def respond(request: httpx.Request) -> httpx.Response:
        clock.now += seconds
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)
    return respond


@pytest.mark.parametrize("value", ["0", "-5", "0.0",
                                   email.utils.formatdate(time.time() - 30, usegmt=True)])
def test_a_zero_negative_or_past_retry_after_still_waits_the_backoff(api: FakeApi, client: Client,
                                                                    clock: FakeClock, value: str) -> None:
    api.on("GET", "tags/", httpx.Response(429, headers={"Retry-After": value}),
           httpx.Response(503, headers={"Retry-After": value}), httpx.Response(200, json={}))
    assert client.run("SPOKI_LIST_TAGS")["successful"]
    assert len(clock.sleeps) == 2
    assert within(clock.sleeps[0], 0.5, 0.625) and within(clock.sleeps[1], 1.0, 1.25), clock.sleeps
    assert api.times[1] - api.times[0] >= 0.5  # never back to back


def test_a_retry_after_shorter_than_the_backoff_waits_the_backoff(api: FakeApi, make_client: Callable[..., Client],
                                                                 clock: FakeClock) -> None:
    api.on("GET", "tags/", httpx.Response(503, headers={"Retry-After": "1"}))
    make_client(max_retries=5).execute("SPOKI_LIST_TAGS")
    assert clock.sleeps[0] == 1.0 and all(s >= b for s, b in zip(clock.sleeps, [1, 1, 2, 4, 8], strict=True))


def test_a_retry_after_above_the_cap_waits_the_cap_and_retries(api: FakeApi, clock: FakeClock) -> None:
    api.on("GET", "tags/", slow(clock, 1.0, httpx.Response(429, headers={"Retry-After": "3600"})),
           slow(clock, 1.0, httpx.Response(200, json={"count": 0})))
    with policy_client(api, clock, retry_after_cap=30, max_elapsed=90) as client:
        outcome = client.execute("SPOKI_LIST_TAGS")
    assert outcome.successful and clock.sleeps == [30.0]
    assert outcome.attempts == 2 and outcome.requests == 2


def test_a_capped_wait_past_the_budget_is_not_made_and_says_why(api: FakeApi, clock: FakeClock) -> None:
    api.on("GET", "tags/", slow(clock, 1.0, httpx.Response(429, headers={"Retry-After": "3600"})))
    with policy_client(api, clock, retry_after_cap=60, max_elapsed=60) as client:  # cap == budget
        outcome = client.execute("SPOKI_LIST_TAGS")
    assert clock.sleeps == [] and outcome.requests == 1 and outcome.kind is ErrorKind.RATE_LIMITED
    assert (outcome.error or "").endswith("(not retried: the API asked to wait 3600 s; even the capped 60 s would "
                                          "pass the 60 s retry budget)")


def test_a_cap_larger_than_the_budget_never_sleeps_past_it(api: FakeApi, clock: FakeClock) -> None:
    api.on("GET", "tags/", httpx.Response(503, headers={"Retry-After": "50"}))
    with policy_client(api, clock, retry_after_cap=300, max_elapsed=120, max_attempts=10) as client:
        outcome = client.execute("SPOKI_LIST_TAGS")
    assert clock.sleeps == [50.0, 50.0] and outcome.attempts == 3
    assert clock.now - 1000.0 <= 120


def test_the_backoff_exponent_is_bounded(api: FakeApi) -> None:
    policy = load().catalogue.connector.retry
    assert backoff(policy, 5000, lambda: 0.0) == policy.backoff_max
    assert backoff(policy, 10**9, lambda: 1.0) == policy.backoff_max * (1 + policy.jitter)
    huge = dataclasses.replace(policy, backoff_multiplier=1e300)
    assert backoff(huge, 3, lambda: 0.0) == policy.backoff_max
    calls = {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        return httpx.Response(503) if calls["n"] <= 1100 else httpx.Response(200, json={})
    api.on("GET", "tags/", flaky)
    sleeps: list[float] = []
    with Client(transport=httpx.MockTransport(api), max_retries=5000, clock=lambda: 0.0, sleep=sleeps.append,
                pace=False) as client:
        outcome = client.execute("SPOKI_LIST_TAGS")
    assert outcome.successful and outcome.attempts == 1101 and len(sleeps) == 1100
    assert max(sleeps) <= policy.backoff_max * (1 + policy.jitter)
