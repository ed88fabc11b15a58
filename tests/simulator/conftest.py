"""Fixtures for the simulator's own tests: a rate-limit-free loopback server reset per test, and clients.

Stage: test support. Input: nothing. Output: `sim` (the running `SimulatorServer`, reset), `api` (an
httpx client with the account key, base URL ending `/api/1/`), `anon` (no key) and `client_with`
(`client_with(key, server=None)`: a client with another key, closed after the test).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from spoki_actions.simulator import RateLimitConfig, SimulatorConfig, SimulatorServer


@pytest.fixture(scope="session")
def sim_server() -> Iterator[SimulatorServer]:
    config = SimulatorConfig(seed=0, rate_limits=RateLimitConfig(enabled=False))
    with SimulatorServer(config) as server:
        yield server


@pytest.fixture
def sim(sim_server: SimulatorServer) -> SimulatorServer:
    sim_server.reset()
    return sim_server


def client_for(server: SimulatorServer, key: str | None = None) -> httpx.Client:
    headers = {"X-Spoki-Api-Key": key} if key else {}
    # Plain HTTP on loopback: verify=False skips building a TLS context (60 ms a client).
    return httpx.Client(base_url=server.base_url + "/", headers=headers, timeout=10, verify=False)


@pytest.fixture
def api(sim: SimulatorServer) -> Iterator[httpx.Client]:
    with client_for(sim, sim.api_key) as client:
        yield client


@pytest.fixture
def anon(sim: SimulatorServer) -> Iterator[httpx.Client]:
    with client_for(sim) as client:
        yield client


@pytest.fixture
def client_with(sim: SimulatorServer) -> Iterator[Callable[..., httpx.Client]]:
    clients: list[httpx.Client] = []

    def make(key: str | None, server: SimulatorServer | None = None) -> httpx.Client:
        client = client_for(server or sim, key)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
