"""Fixtures for the batch runner: several simulated accounts (one simulator per key), each recording
every request it receives, a keys file naming them by alias, and a tripwire that acts (a SIGKILL)
from inside a server at a chosen request."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from spoki_actions.simulator.config import FaultConfig, FaultSpec, RateLimitConfig, SimulatorConfig
from spoki_actions.simulator.server import SimulatorServer


class Tripwire:
    """Calls `action(scope)` from inside a server, on its thread, when the server is about to answer
    the `count`-th request since `arm` whose method and path end match (counted over every server of
    the fixture): that request has been handled (a create is applied) and its answer is not sent
    until `action` returns. So a SIGKILL of the sender there lands while one of its requests is out
    (for the batch driver: mid-chunk, that row's result never back), whatever the machine's load.
    It fires once, then is disarmed; what `action` raised is kept in `errors`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: tuple[str, str, int, Callable[[Any], None]] | None = None
        self._seen = 0
        self.fired = threading.Event()
        self.errors: list[BaseException] = []

    def arm(self, method: str, path_end: str, count: int, action: Callable[[Any], None]) -> None:
        assert count >= 1
        with self._lock:
            self._armed, self._seen = (method, path_end, count, action), 0
            self.fired.clear()

    def disarm(self) -> None:
        with self._lock:
            self._armed = None

    def answering(self, scope: Any) -> None:
        with self._lock:
            if self._armed is None:
                return
            method, path_end, count, action = self._armed
            if scope["method"] != method or not scope["path"].endswith(path_end):
                return
            self._seen += 1
            if self._seen < count:
                return
            self._armed = None
        try:
            action(scope)
        except BaseException as exc:  # seen by the test, not lost in the server's thread
            self.errors.append(exc)
        finally:
            self.fired.set()


class Recorder:
    """ASGI middleware: keeps (method, path, body) of every request that reached the app, and lets
    the tripwire act before each answer goes out."""

    def __init__(self, app: Any, requests: list[tuple[str, str, bytes]], tripwire: Tripwire) -> None:
        self.app = app
        self.requests = requests
        self.tripwire = tripwire

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def recording() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    self.requests.append((scope["method"], scope["path"], b"".join(chunks)))
            return message

        async def answering(message: Any) -> None:
            if message["type"] == "http.response.start":
                self.tripwire.answering(scope)
            await send(message)

        await self.app(scope, recording, answering)


@dataclass
class Accounts:
    servers: dict[str, SimulatorServer]
    recorders: dict[str, list[tuple[str, str, bytes]]]
    keys_file: Path
    keys: dict[str, str] = field(default_factory=dict)
    tripwire: Tripwire = field(default_factory=Tripwire)

    def posts(self, alias: str, path_end: str) -> list[dict[str, Any]]:
        return [json.loads(body) for method, path, body in self.recorders[alias]
                if method == "POST" and path.endswith(path_end)]

    def set_faults(self, **rates: float) -> None:
        for server in self.servers.values():
            server.set_faults(FaultConfig(global_spec=FaultSpec(**rates)), seed=7)

    def clear_faults(self) -> None:
        for server in self.servers.values():
            server.clear_faults()


@pytest.fixture
def accounts(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Accounts]:
    count = getattr(request, "param", 4)
    servers: dict[str, SimulatorServer] = {}
    recorders: dict[str, list[tuple[str, str, bytes]]] = {}
    keys: dict[str, str] = {}
    tripwire = Tripwire()
    try:
        for i in range(count):
            alias = f"shop{i}"
            key = f"batch-test-key-{i}-0123456789abcdef"
            server = SimulatorServer(SimulatorConfig(seed=i, api_key=key, rate_limits=RateLimitConfig(enabled=False)))
            recorder: list[tuple[str, str, bytes]] = []
            server.app.add_middleware(Recorder, requests=recorder, tripwire=tripwire)
            server.start()
            servers[alias], recorders[alias], keys[alias] = server, recorder, key
        keys_file = tmp_path / "keys.json"
        keys_file.write_text(json.dumps({a: {"key": keys[a], "base_url": s.base_url} for a, s in servers.items()}))
        yield Accounts(servers, recorders, keys_file, keys, tripwire)
    finally:
        for server in servers.values():
            server.stop()


def write_contacts(path: Path, aliases: list[str], per_account: int, *, extra: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    """A CSV of upserts: each alias gets `per_account` distinct phones. Returns the lines written."""
    lines = ["account,phone,first_name,custom_fields.LOYALTY_TIER"]
    for n in range(per_account):
        for a, alias in enumerate(aliases):
            lines.append(f"{alias},+39333{a:02d}{n:05d},Name{n},Gold")
    lines.extend(extra)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines
