"""Client-side pacing: the rate limits declared in the specs, per client, shared by concurrent calls.

A fake API applies DRF's sliding-window throttle on the fake clock, so "no 429" is checked against
a server that would really send one.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import httpx

from spoki_actions import AsyncClient, Client
from spoki_actions._pacing import Pacer
from spoki_actions.spec import RateLimit

from .rt_support import FakeApi, FakeClock

CONTACT = {"id": 1, "phone": "+393331234567"}


def throttled(api: FakeApi, clock: FakeClock, limit: int, window: float, body: object) -> Callable[..., object]:
    """A DRF-style throttle: 429 when `limit` requests already arrived in the last `window` seconds."""
    arrived: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        now = clock.now
        recent = [t for t in arrived if t > now - window]
        if len(recent) >= limit:
            return httpx.Response(429, json={"detail": "Request was throttled."},
                                  headers={"Retry-After": str(int(window - (now - recent[0])) + 1)})
        arrived.append(now)
        return httpx.Response(200, json=body)
    return answer


def max_in_window(times: list[float], window: float) -> int:
    return max(sum(1 for u in times if t <= u < t + window) for t in times)


def test_300_upserts_never_draw_a_429(api: FakeApi, client: Client, clock: FakeClock) -> None:
    api.on("POST", "contacts/sync/", throttled(api, clock, 120, 60, CONTACT))
    outcomes = [client.execute("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": f"+3933300{i:05d}"}) for i in range(300)]
    assert all(o.successful and o.attempts == 1 for o in outcomes)
    assert len(api.requests) == 300
    assert max_in_window(api.times, 60) <= 120
    assert 120 <= api.times[-1] - api.times[0] < 125  # two full windows waited, not much more


def test_pacing_can_be_turned_off(api: FakeApi, make_client: Callable[..., Client], clock: FakeClock) -> None:
    api.json("GET", "custom-fields/1/", {"id": 1})
    client = make_client(pace=False)
    for _ in range(20):
        assert client.run("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1})["successful"]
    assert clock.sleeps == []


def test_actions_naming_the_same_bucket_share_it(api: FakeApi, client: Client, clock: FakeClock) -> None:
    api.json("GET", "custom-fields/1/", {"id": 1})
    api.json("GET", "custom-fields/", {"next": None, "results": []})
    api.json("PATCH", "custom-fields/1/", {"id": 1})
    for _ in range(2):
        client.run("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1})
        client.run("SPOKI_SPOKI_LIST_CUSTOM_FIELDS")
        client.run("SPOKI_UPDATE_CUSTOM_FIELD", {"custom_field_id": 1, "label": "x"})
    assert len(clock.sleeps) == 1 and clock.sleeps[0] >= 60  # the sixth call waited for the window
    assert max_in_window(api.times, 60) <= 5


def test_unpaced_actions_do_not_wait(api: FakeApi, client: Client, clock: FakeClock) -> None:
    api.json("GET", "tags/", {"results": []})
    for _ in range(500):
        client.run("SPOKI_LIST_TAGS")
    assert clock.sleeps == []


def test_each_client_has_its_own_pacer(api: FakeApi, make_client: Callable[..., Client], clock: FakeClock) -> None:
    api.json("GET", "custom-fields/1/", {"id": 1})
    first, second = make_client(), make_client()
    for _ in range(5):
        first.run("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1})
        second.run("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1})
    assert clock.sleeps == []


def test_a_429_holds_the_whole_bucket(api: FakeApi, make_client: Callable[..., Client], clock: FakeClock) -> None:
    client = make_client(max_retries=0)
    api.on("GET", "tickets/", httpx.Response(429, headers={"Retry-After": "20"}),
           httpx.Response(200, json={"results": []}))
    assert client.execute("SPOKI_LIST_TICKETS").status == 429
    assert client.run("SPOKI_LIST_TICKETS")["successful"]
    assert clock.sleeps == [20.0]  # the next call in the bucket waited, though it was not a retry


def test_concurrent_async_calls_share_the_pacer(api: FakeApi, make_async_client: Callable[..., AsyncClient],
                                                clock: FakeClock) -> None:
    api.on("GET", "custom-fields/1/", throttled(api, clock, 5, 60, {"id": 1}))

    async def main() -> list[bool]:
        async with make_async_client() as client:
            envelopes = await asyncio.gather(*(client.run("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1})
                                               for _ in range(12)))
        return [e["successful"] for e in envelopes]

    assert all(asyncio.run(main()))
    assert len(api.requests) == 12  # no 429, so no retries
    assert max_in_window(api.times, 60) <= 5


def test_reservations_from_many_threads_respect_the_window() -> None:
    pacer = Pacer()
    limit = RateLimit("custom_fields", 5, 60.0)
    slots: list[float] = []
    lock = threading.Lock()

    def reserve() -> None:
        for _ in range(10):
            wait = pacer.reserve(limit, 1000.0)
            with lock:
                slots.append(1000.0 + wait)

    threads = [threading.Thread(target=reserve) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    slots.sort()
    assert len(slots) == 80
    assert max_in_window(slots, 60) <= 5
    assert slots[-1] - slots[0] < 16 * 60.6 + 1  # 80 sends at 5 per window: 15 full windows waited


def test_hold_only_moves_forward() -> None:
    pacer = Pacer()
    limit = RateLimit("b", 100, 60.0)
    pacer.hold(limit, 50.0)
    pacer.hold(limit, 20.0)
    assert pacer.reserve(limit, 10.0) == 40.0


def test_a_released_slot_is_free_again() -> None:
    pacer = Pacer()
    limit = RateLimit("b", 2, 60.0)
    first = pacer.reserve_slot(limit, 0.0)
    pacer.reserve_slot(limit, 0.0)
    assert pacer.reserve(limit, 1.0) > 50  # full: the third waits for the window
    pacer.release(limit, first)
    pacer.release(limit, 59.0 * 1000)  # not a slot: ignored
    assert pacer.reserve(limit, 1.0) >= 0.0


def test_requests_that_never_left_spend_no_budget(api: FakeApi, client: Client, clock: FakeClock) -> None:
    refused = {"n": 0}

    def answer(request: httpx.Request) -> httpx.Response:
        if refused["n"] < 12:
            refused["n"] += 1
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json={"id": 1, "code": "X", "label": "x", "field_type": 1})

    api.on("GET", "custom-fields/1/", answer)
    for _ in range(3):  # each call: 4 refused tries, none of which reached the server
        assert not client.execute("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1}).successful
    before = list(clock.sleeps)
    assert client.execute("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1}).successful
    assert clock.sleeps == before  # 12 refused tries spent none of the 5-per-minute bucket: no pacing wait
