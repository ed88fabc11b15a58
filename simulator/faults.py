"""Fault injection: latency, 5xx answers, 429 storms, dropped connections, broken bodies.

Stage: an ASGI layer in front of the whole API (outside Starlette's middleware, so it can reach the
socket). Input: the route a request is for, the active `FaultConfig` and a seeded `random.Random`
(one draw per request, so the same seed and request order give the same faults). Output: either the
real answer (maybe late), a synthetic error answer, a closed socket, or the real answer mangled.
Under uvicorn a drop closes the TCP connection with no response and a truncation closes it mid-body;
in-process (httpx.ASGITransport) a drop raises `SimulatedDisconnect` (an httpx.RemoteProtocolError)
and a truncation delivers the first half of the body.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import anyio
import httpx

from .config import FaultConfig, FaultSpec

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KINDS = ("drop", "throttle", "error", "truncate", "nonjson")

_HTML_PAGES = {
    502: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>"
         "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
    503: "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>"
         "503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
}
NONJSON_BODY = (
    b"<!DOCTYPE html><html><head><title>Spoki</title></head><body><p>Something went wrong on our side. "
    b"Please try again later.</p></body></html>"
)


class SimulatedDisconnect(httpx.RemoteProtocolError):
    """Raised in-process where there is no socket to close."""


@dataclass(frozen=True)
class Decision:
    latency: float = 0.0
    kind: str | None = None
    status: int = 0
    retry_after: int = 1


class FaultEngine:
    """Holds the fault configuration, its random source and how many faults each spec has left."""

    def __init__(self, config: FaultConfig, seed: int | None) -> None:
        self._lock = threading.Lock()
        self.configure(config, seed)

    def configure(self, config: FaultConfig, seed: int | None) -> None:
        with self._lock:
            self.config = config
            self.seed = seed
            self._rng = random.Random(seed)  # seed None: seeded from the OS, not reproducible
            self._used: dict[str, int] = {}
            self.injected: dict[str, int] = dict.fromkeys(KINDS, 0)

    @property
    def active(self) -> bool:
        return self.config.active

    def decide(self, route_name: str | None) -> Decision | None:
        with self._lock:
            if not self.config.active:
                return None
            spec = self.config.spec_for(route_name)
            if not spec.active:
                return None
            slot = route_name if route_name is not None and route_name in self.config.endpoints else "*"
            if spec.count is not None and self._used.get(slot, 0) >= spec.count:
                return None
            decision = self._draw(spec)
            if decision.kind is None and decision.latency == 0:
                return None
            self._used[slot] = self._used.get(slot, 0) + 1
            if decision.kind is not None:
                self.injected[decision.kind] += 1
            return decision

    def _draw(self, spec: FaultSpec) -> Decision:
        latency = spec.latency
        if spec.latency_jitter > 0:
            latency += self._rng.uniform(0, spec.latency_jitter)
        kind: str | None = None
        status = 0
        if spec.total_rate > 0:
            roll = self._rng.random()
            edge = 0.0
            for name, rate in zip(
                KINDS, (spec.drop_rate, spec.throttle_rate, spec.error_rate, spec.truncate_rate, spec.nonjson_rate),
                strict=True,
            ):
                edge += rate
                if rate > 0 and roll < edge:
                    kind = name
                    break
            if kind == "error":
                status = self._rng.choice(spec.error_statuses)
        return Decision(latency, kind, status, spec.retry_after)


async def apply(decision: Decision, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Serves one request through `app` with the decided fault."""
    if decision.latency > 0:
        await anyio.sleep(decision.latency)
    if decision.kind is None:
        await app(scope, receive, send)
    elif decision.kind == "drop":
        await _close(send)
    elif decision.kind == "throttle":
        wait = decision.retry_after
        unit = "second" if wait == 1 else "seconds"
        body = json.dumps({"detail": f"Request was throttled. Expected available in {wait} {unit}."})
        await _send_body(send, 429, body.encode(), "application/json", [(b"retry-after", str(wait).encode())])
    elif decision.kind == "error":
        page = _HTML_PAGES.get(decision.status)
        if page is not None:
            await _send_body(send, decision.status, page.encode(), "text/html")
        else:
            await _send_body(send, decision.status, b'{"detail":"A server error occurred."}', "application/json")
    else:
        captured = _Capture()
        await app(scope, receive, captured.send)
        if decision.kind == "truncate":
            await _truncate(send, captured)
        else:
            status = 200 if captured.status in (204, 304) else captured.status
            headers = [(k, v) for k, v in captured.headers if k.lower() not in (b"content-type", b"content-length")]
            await _send_body(send, status, NONJSON_BODY, "text/html; charset=utf-8", headers)


class _Capture:
    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = bytearray()

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")


async def _send_body(
    send: Send, status: int, body: bytes, content_type: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    raw_headers = [*(headers or []), (b"content-type", content_type.encode()),
                   (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _truncate(send: Send, captured: _Capture) -> None:
    body = bytes(captured.body)
    await send({"type": "http.response.start", "status": captured.status, "headers": captured.headers})
    cut = body[: len(body) // 2]
    if _transport_owner(send) is None:
        await send({"type": "http.response.body", "body": cut, "more_body": False})
        return
    await send({"type": "http.response.body", "body": cut, "more_body": True})
    await _close(send)


def _transport_owner(send: Send) -> Any:
    """uvicorn's per-request cycle object (it owns the socket's transport), or None in-process."""
    owner = getattr(send, "__self__", None)
    return owner if isinstance(getattr(owner, "transport", None), asyncio.BaseTransport) else None


async def _close(send: Send) -> None:
    owner = _transport_owner(send)
    if owner is None:
        raise SimulatedDisconnect("Server disconnected without sending a response (simulated).")
    owner.transport.close()
    # Let the loop run connection_lost so uvicorn sees a disconnect, not an unfinished response.
    for _ in range(200):
        if getattr(owner, "disconnected", True):
            break
        await anyio.sleep(0.001)
