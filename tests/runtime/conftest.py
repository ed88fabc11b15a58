"""Fixtures for runtime tests (helpers in rt_support): the fake API, the fake clock, clients wired to
both, and a loopback HTTP server. Clients are built without an explicit key: they carry the canary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from spoki_actions import AsyncClient, Client

from .rt_support import FakeApi, FakeClock, LocalServer


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_client(api: FakeApi, clock: FakeClock) -> Iterator[Callable[..., Client]]:
    """`make_client(**kwargs)`: a Client on the fake API and the fake clock (kwargs override)."""
    made: list[Client] = []
    api.clock = clock

    def make(**kwargs: Any) -> Client:
        kwargs.setdefault("transport", httpx.MockTransport(api))
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("sleep", clock.sleep)
        client = Client(**kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., Client]) -> Client:
    return make_client()


@pytest.fixture
def make_async_client(api: FakeApi, clock: FakeClock) -> Callable[..., AsyncClient]:
    api.clock = clock

    def make(**kwargs: Any) -> AsyncClient:
        kwargs.setdefault("transport", httpx.MockTransport(api))
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("sleep", clock.asleep)
        return AsyncClient(**kwargs)

    return make


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    server = LocalServer()
    yield server
    server.close()
