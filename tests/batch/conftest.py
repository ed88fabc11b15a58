"""Fixtures for the batch runner: several simulated accounts (one simulator per key), each recording
every request it receives, and a keys file naming them by alias."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from spoki_actions.simulator.config import FaultConfig, FaultSpec, RateLimitConfig, SimulatorConfig
from spoki_actions.simulator.server import SimulatorServer


class Recorder:
    """ASGI middleware: keeps (method, path, body) of every request that reached the app."""

    def __init__(self, app: Any, requests: list[tuple[str, str, bytes]]) -> None:
        self.app = app
        self.requests = requests

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

        await self.app(scope, recording, send)


@dataclass
class Accounts:
    servers: dict[str, SimulatorServer]
    recorders: dict[str, list[tuple[str, str, bytes]]]
    keys_file: Path
    keys: dict[str, str] = field(default_factory=dict)

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
    try:
        for i in range(count):
            alias = f"shop{i}"
            key = f"batch-test-key-{i}-0123456789abcdef"
            server = SimulatorServer(SimulatorConfig(seed=i, api_key=key, rate_limits=RateLimitConfig(enabled=False)))
            recorder: list[tuple[str, str, bytes]] = []
            server.app.add_middleware(Recorder, requests=recorder)
            server.start()
            servers[alias], recorders[alias], keys[alias] = server, recorder, key
        keys_file = tmp_path / "keys.json"
        keys_file.write_text(json.dumps({a: {"key": keys[a], "base_url": s.base_url} for a, s in servers.items()}))
        yield Accounts(servers, recorders, keys_file, keys)
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
