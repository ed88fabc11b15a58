"""The per-client answer cache: actions with a declared TTL (the account report, 30 minutes)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from spoki_actions import Client

from .rt_support import FakeApi, FakeClock

REPORT = {"account": 1001, "period_start": "2024-05-01", "sent_message_count": 10}


def serve_report(api: FakeApi) -> None:
    count = iter(range(1, 1000))
    api.on("GET", "accounts/1001/current_report/",
           lambda request: httpx.Response(200, json={**REPORT, "sent_message_count": next(count)}))


def test_answers_within_the_ttl_come_from_the_cache(api: FakeApi, client: Client, clock: FakeClock) -> None:
    serve_report(api)
    first = client.execute("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})
    clock.now += 1799
    second = client.execute("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})
    assert len(api.requests) == 1
    assert second.envelope == first.envelope and second.from_cache and second.attempts == 0
    assert second.status == 200 and not first.from_cache
    clock.now += 2  # past 30 minutes
    third = client.execute("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})
    assert len(api.requests) == 2 and third.data["sent_message_count"] == 2 and not third.from_cache


def test_the_caller_can_opt_out(api: FakeApi, client: Client) -> None:
    serve_report(api)
    client.run("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})
    fresh = client.run("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001}, cache=False)
    assert fresh["data"]["sent_message_count"] == 2 and len(api.requests) == 2
    # the fresh answer replaced the cached one
    assert client.run("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})["data"]["sent_message_count"] == 2
    assert len(api.requests) == 2


def test_cache_can_be_off_for_a_client(api: FakeApi, make_client: Callable[..., Client]) -> None:
    serve_report(api)
    client = make_client(cache=False)
    client.run("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})
    client.run("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})
    assert len(api.requests) == 2


def test_keys_include_the_params_and_the_cache_is_per_client(api: FakeApi,
                                                              make_client: Callable[..., Client]) -> None:
    serve_report(api)
    api.json("GET", "accounts/1002/current_report/", {**REPORT, "account": 1002})
    first, second = make_client(), make_client()
    first.run("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})
    assert first.run("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1002})["data"]["account"] == 1002
    second.run("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})
    assert len(api.requests) == 3


def test_failures_are_not_cached(api: FakeApi, make_client: Callable[..., Client]) -> None:
    client = make_client(max_retries=0)
    api.on("GET", "accounts/1001/current_report/", httpx.Response(503), httpx.Response(200, json=REPORT))
    assert not client.run("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})["successful"]
    assert client.run("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})["successful"]
    assert len(api.requests) == 2


def test_callers_cannot_corrupt_the_cache(api: FakeApi, client: Client) -> None:
    serve_report(api)
    client.run("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})["data"]["sent_message_count"] = -1
    assert client.run("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})["data"]["sent_message_count"] == 1


def test_uncached_actions_always_ask(api: FakeApi, client: Client) -> None:
    api.json("GET", "accounts/1001/", {"id": 1001})
    client.run("SPOKI_RETRIEVE_ACCOUNT", {"account_id": 1001})
    client.run("SPOKI_RETRIEVE_ACCOUNT", {"account_id": 1001})
    assert len(api.requests) == 2


def test_clear_cache(api: FakeApi, client: Client) -> None:
    serve_report(api)
    client.run("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})
    client.clear_cache()
    client.run("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1001})
    assert len(api.requests) == 2
