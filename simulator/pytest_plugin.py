"""Pytest fixtures for testing against the Spoki simulator (registered as the `spoki_actions` plugin).

Stage: test support. Input: the `spoki_simulator_config` fixture (override it in a conftest to change
keys, seed, limits or faults) and `spoki_client_options` (keyword arguments of the fixtures' clients).
Output: a session-wide loopback server reset before each test (`spoki_simulator`), configured runtime
clients (`spoki_client`, `spoki_async_client`), extra servers on demand (`spoki_simulator_factory`) and
an in-process app and transport that sync and async clients can use. Fast by default: the simulator's
rate limits are off and the clients do not pace; both are one explicit override away. This module
loads in every pytest run of anyone who installs the package, so heavy imports happen inside fixtures;
without the `[simulator]` extra those fixtures fail the test with the install hint.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from .config import ASGI_BASE_URL

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from .config import SimulatorConfig
    from .inprocess import SimulatorTransport
    from .server import SimulatorServer

__all__ = ["ASGI_BASE_URL"]  # kept importable from here; its home is spoki_actions.simulator

def _require_extra(fixture: str, modules: tuple[str, ...] = ("starlette", "uvicorn")) -> None:
    """Fails the test with the install hint (not a ModuleNotFoundError) when the extra is missing."""
    from .extra import missing, needs_extra

    name = missing(modules)
    if name is not None:
        pytest.fail(f"{needs_extra(f'the {fixture} fixture')} (no module named {name!r})", pytrace=False)


@pytest.fixture(scope="session")
def spoki_simulator_config() -> SimulatorConfig:
    """Config of the session server and the in-process app: seed 0, default keys, no faults, and rate
    limits OFF so tests run at full speed (override this fixture with `RateLimitConfig()` to enforce them)."""
    from .config import RateLimitConfig, SimulatorConfig

    return SimulatorConfig(seed=0, rate_limits=RateLimitConfig(enabled=False))


@pytest.fixture
def spoki_client_options() -> dict[str, Any]:
    """Keyword arguments for `spoki_client` and `spoki_async_client` beyond the key and base URL.
    Default `{"pace": False}`: the clients do not wait for their declared rate limits. To test pacing,
    override it: `@pytest.mark.parametrize("spoki_client_options", [{"pace": True}])`, or a fixture of
    the same name in a conftest."""
    return {"pace": False}


@pytest.fixture(scope="session")
def spoki_simulator_server(spoki_simulator_config: SimulatorConfig) -> Iterator[SimulatorServer]:
    """One loopback server for the whole session (not reset; prefer `spoki_simulator`)."""
    _require_extra("spoki_simulator_server")
    from .server import SimulatorServer

    with SimulatorServer(spoki_simulator_config) as server:
        yield server


@pytest.fixture
def spoki_simulator(spoki_simulator_server: SimulatorServer) -> SimulatorServer:
    """The session server, reset to its seeded state (data, limits, faults, clock, report cache)."""
    spoki_simulator_server.reset()
    return spoki_simulator_server


@pytest.fixture
def spoki_simulator_factory(
    spoki_simulator_config: SimulatorConfig,
) -> Iterator[Callable[..., SimulatorServer]]:
    """`make(config=None, **changes)`: starts another server (stopped after the test); `changes` are
    `SimulatorConfig` fields applied over `config` or the session config."""
    _require_extra("spoki_simulator_factory")
    from .server import SimulatorServer

    servers: list[SimulatorServer] = []

    def make(config: SimulatorConfig | None = None, **changes: Any) -> SimulatorServer:
        base = config if config is not None else spoki_simulator_config
        server = SimulatorServer(dataclasses.replace(base, **changes)).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def spoki_client(spoki_simulator: SimulatorServer, spoki_client_options: dict[str, Any]) -> Iterator[Any]:
    """A `spoki_actions.Client` pointed at the reset session server (not pacing, unless the options say so)."""
    from importlib import import_module

    client_class = import_module("spoki_actions").Client  # the runtime's public client, looked up late
    client = client_class(api_key=spoki_simulator.api_key, base_url=spoki_simulator.base_url,
                          **spoki_client_options)
    yield client
    close = getattr(client, "close", None)
    if callable(close):
        close()


@pytest.fixture
async def spoki_async_client(spoki_simulator: SimulatorServer,
                             spoki_client_options: dict[str, Any]) -> AsyncIterator[Any]:
    """A `spoki_actions.AsyncClient` pointed at the reset session server, closed after the test. An async
    fixture: use it from tests an async plugin runs (`@pytest.mark.anyio`; anyio comes with httpx)."""
    from importlib import import_module

    client = import_module("spoki_actions").AsyncClient(api_key=spoki_simulator.api_key,
                                                        base_url=spoki_simulator.base_url, **spoki_client_options)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def spoki_asgi_app(spoki_simulator_config: SimulatorConfig) -> Iterator[Starlette]:
    """A fresh in-process simulator app (own in-memory state, no socket)."""
    _require_extra("spoki_asgi_app", ("starlette",))
    from .app import create_app, sim_state

    app = create_app(dataclasses.replace(spoki_simulator_config, db_path=None))
    yield app
    sim_state(app).close()


@pytest.fixture
def spoki_asgi_transport(spoki_asgi_app: Starlette) -> Iterator[SimulatorTransport]:
    """An in-process transport over `spoki_asgi_app` for sync and async clients alike:
    `Client(transport=spoki_asgi_transport, base_url=ASGI_BASE_URL, api_key=...)`, `AsyncClient(...)` or
    `httpx.AsyncClient(transport=spoki_asgi_transport, base_url=ASGI_BASE_URL)`."""
    from .inprocess import SimulatorTransport

    transport = SimulatorTransport(spoki_asgi_app)
    yield transport
    transport.close()
