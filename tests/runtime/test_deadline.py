"""Issue 8 defect 5: `timeout` bounds a whole attempt. A real loopback server dripping its body one byte
every 0.1 s must not keep a timeout=1 call alive for its whole length (sync and async)."""

from __future__ import annotations

import asyncio
import http.server
import time

import pytest

from spoki_actions import AsyncClient, Client, ErrorKind, Outcome

from .rt_support import LocalServer

BODY = b'{"count": 0, "results": []}' + b" " * 40  # 67 bytes: 6.7 s at one byte every 0.1 s


def drip(handler: http.server.BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(BODY)))
    handler.end_headers()
    handler.wfile.flush()
    try:
        for byte in BODY:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.1)
    except OSError:  # the client hung up at its deadline
        pass


def test_sync_attempt_deadline(local_server: LocalServer) -> None:
    local_server.behaviour["/api/1/tags/"] = drip
    with Client(base_url=local_server.base_url, timeout=1, max_retries=0, pace=False) as client:
        start = time.monotonic()
        outcome = client.execute("SPOKI_LIST_TAGS", {})
        took = time.monotonic() - start
    assert outcome.kind is ErrorKind.TIMEOUT, outcome.error
    assert outcome.error is not None and "the deadline for a whole attempt" in outcome.error
    assert took < 3  # far below the 6.7 s the server takes; not a speed assertion


@pytest.mark.parametrize("wire", ["aiohttp", "httpx"])
def test_async_attempt_deadline(local_server: LocalServer, wire: str) -> None:
    local_server.behaviour["/api/1/tags/"] = drip

    async def main() -> tuple[Outcome, float]:
        async with AsyncClient(base_url=local_server.base_url, timeout=1, max_retries=0, pace=False,
                               wire=wire) as client:
            start = time.monotonic()
            outcome = await client.execute("SPOKI_LIST_TAGS", {})
            return outcome, time.monotonic() - start

    outcome, took = asyncio.run(main())
    assert outcome.kind is ErrorKind.TIMEOUT
    assert "the deadline for a whole attempt" in (outcome.error or "")
    assert took < 3
