"""The local Spoki API simulator: a seeded, faithful fake of the raw REST API for tests and demos.

Stage: test double for the whole HTTP side. Input: a `SimulatorConfig`. Output: an ASGI app
(`create_app`), a loopback server (`SimulatorServer`), an in-process transport for sync and async
clients (`SimulatorTransport`, with `ASGI_BASE_URL`), the `fake-server` command (`cli`) and pytest
fixtures (`pytest_plugin`). Names are imported lazily, so importing this package (as the pytest
plugin does in every test run) costs nothing until something is used; without the `[simulator]`
extra (Starlette, uvicorn), using them raises ModuleNotFoundError with the install hint.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .config import ASGI_BASE_URL, FaultConfig, FaultSpec, ManualClock, RateLimitConfig, SimulatorConfig
    from .inprocess import SimulatorTransport
    from .server import SimulatorServer

__all__ = [
    "ASGI_BASE_URL",
    "FaultConfig",
    "FaultSpec",
    "ManualClock",
    "RateLimitConfig",
    "SimulatorConfig",
    "SimulatorServer",
    "SimulatorTransport",
    "create_app",
]

_HOMES = {
    "ASGI_BASE_URL": "config",
    "FaultConfig": "config",
    "FaultSpec": "config",
    "ManualClock": "config",
    "RateLimitConfig": "config",
    "SimulatorConfig": "config",
    "SimulatorServer": "server",
    "SimulatorTransport": "inprocess",
    "create_app": "app",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        try:
            module = import_module(f"{__name__}.{_HOMES[name]}")
        except ModuleNotFoundError as exc:
            from .extra import SERVER_MODULES, needs_extra

            if exc.name not in SERVER_MODULES:
                raise
            raise ModuleNotFoundError(needs_extra(f"{__name__}.{name}"), name=exc.name) from exc
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
