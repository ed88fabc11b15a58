"""The real transport over loopback sockets: connection reuse, refused connections, timeouts,
chunked and compressed bodies, the size cap while streaming, and clean closing."""

from __future__ import annotations

import asyncio
import gzip
import http.server
import json
import socket
from collections.abc import Callable

import pytest

from spoki_actions import AsyncClient, Client, ErrorKind

from .rt_support import FakeClock, LocalServer, send_json, sleepy


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connections_are_reused(local_server: LocalServer) -> None:
    local_server.behaviour["/api/1/tags/"] = lambda h: send_json(h, 200, {"count": 0, "results": []})
    with Client(base_url=local_server.base_url) as client:
        for _ in range(5):
            assert client.run("SPOKI_LIST_TAGS")["successful"]
    assert len(local_server.peers) == 5 and len(set(local_server.peers)) == 1


def test_connection_refused_is_retried_even_for_unsafe_actions(clock: FakeClock) -> None:
    base = f"http://127.0.0.1:{free_port()}/api/1"
    with Client(base_url=base, clock=clock, sleep=clock.sleep, pace=False) as client:
        outcome = client.execute("SPOKI_CREATE_CUSTOM_FIELD",
                                 {"code": "A", "label": "a", "example": "x", "field_type": 1})
    assert outcome.kind is ErrorKind.TRANSPORT and outcome.attempts == 4 and outcome.retryable
    assert outcome.error is not None and outcome.error.startswith("could not connect to 127.0.0.1")
    assert "the request was not sent" in outcome.error


def test_read_timeouts(local_server: LocalServer, clock: FakeClock) -> None:
    local_server.behaviour["/api/1/tags/"] = sleepy(1.0)
    local_server.behaviour["/api/1/custom-fields/"] = sleepy(1.0, 201, {"id": 1})
    with Client(base_url=local_server.base_url, timeout=0.2, max_retries=1, clock=clock, sleep=clock.sleep,
                pace=False) as client:
        read = client.execute("SPOKI_LIST_TAGS")
        unsafe = client.execute("SPOKI_CREATE_CUSTOM_FIELD", {"code": "A", "label": "a", "example": "x",
                                                               "field_type": 1})
    assert read.kind is ErrorKind.TIMEOUT and read.attempts == 2 and read.retryable
    assert read.error == ("timed out after 0.2 s waiting for an answer from 127.0.0.1 (after 2 attempts in "
                          f"{clock.sleeps[0]:.1f} s)")
    assert unsafe.kind is ErrorKind.TIMEOUT and unsafe.attempts == 1 and not unsafe.retryable


def chunked(body: bytes, encoding: str | None = None) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    def behave(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Transfer-Encoding", "chunked")
        if encoding:
            handler.send_header("Content-Encoding", encoding)
        handler.end_headers()
        payload = gzip.compress(body) if encoding == "gzip" else body
        for i in range(0, len(payload), 4096):
            part = payload[i:i + 4096]
            handler.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        handler.wfile.write(b"0\r\n\r\n")
    return behave


def test_chunked_and_gzip_bodies(local_server: LocalServer) -> None:
    body = json.dumps({"count": 1, "results": [{"id": i, "name": "x" * 50} for i in range(300)]}).encode()
    local_server.behaviour["/api/1/tags/"] = chunked(body)
    local_server.behaviour["/api/1/templates/"] = chunked(body, "gzip")
    with Client(base_url=local_server.base_url) as client:
        assert len(client.run("SPOKI_LIST_TAGS")["data"]["results"]) == 300
        assert len(client.run("SPOKI_LIST_TEMPLATES")["data"]["results"]) == 300
        assert local_server.seen[-1][2]["Accept-Encoding"] == "gzip, deflate"


def test_the_size_cap_applies_while_streaming_and_after_decompression(local_server: LocalServer) -> None:
    big = json.dumps({"results": ["x" * 1000] * 200}).encode()  # ~200 kB, compresses to ~1 kB
    local_server.behaviour["/api/1/tags/"] = chunked(big)
    local_server.behaviour["/api/1/templates/"] = chunked(big, "gzip")
    with Client(base_url=local_server.base_url, max_response_bytes=50_000) as client:
        for action in ("SPOKI_LIST_TAGS", "SPOKI_LIST_TEMPLATES"):
            outcome = client.execute(action)
            assert outcome.kind is ErrorKind.INVALID_RESPONSE and outcome.attempts == 1
            assert "above the 50000-byte limit" in (outcome.error or "")
        local_server.behaviour["/api/1/tags/"] = lambda h: send_json(h, 200, {"count": 0, "results": []})
        assert client.run("SPOKI_LIST_TAGS")["successful"]  # the connection pool survived the refusals


@pytest.mark.parametrize("wire", ["aiohttp", "httpx"])
def test_async_client_over_loopback(local_server: LocalServer, wire: str) -> None:
    local_server.behaviour["/api/1/tags/"] = lambda h: send_json(h, 200, {"count": 0, "results": []})

    async def main() -> list[bool]:
        async with AsyncClient(base_url=local_server.base_url, wire=wire) as client:
            envelopes = await asyncio.gather(*(client.run("SPOKI_LIST_TAGS") for _ in range(10)))
        return [e["successful"] for e in envelopes]
    assert all(asyncio.run(main()))
