"""Issue 8 defect 7: no log record of the HTTP stack the runtime drives carries the key, even when a real
loopback server echoes it in a response header and in the reason phrase, with those loggers at DEBUG."""

from __future__ import annotations

import asyncio
import http.server
import logging

import pytest

from spoki_actions import AsyncClient, Client
from spoki_actions._request import Request
from spoki_actions._response import Reply

from .rt_support import LocalServer

CANARY = "canary-key-0123456789abcdefXYZ"
STACK = ("httpx", "httpcore", "aiohttp")


def echo_key(handler: http.server.BaseHTTPRequestHandler) -> None:
    key = handler.headers.get("X-Spoki-Api-Key") or handler.headers.get("Authorization") or CANARY
    handler.send_response(200, f"OK {key}")  # the reason phrase echoes it
    handler.send_header("Content-Type", "application/json")
    handler.send_header("X-Echo", key)
    handler.send_header("Content-Length", "2")
    handler.end_headers()
    handler.wfile.write(b"{}")


@pytest.fixture
def stack_debug(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in STACK:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def _texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.name.split(".")[0] in STACK]


def test_sync_stack_logs_never_carry_the_key(local_server: LocalServer,
                                             stack_debug: pytest.LogCaptureFixture) -> None:
    """The httpcore pool of the blocking transport (proxies, and any URL off the API's base URL):
    here a URL on the same server by another name, so httpcore answers it and logs at DEBUG."""
    local_server.behaviour["/api/1/tags/"] = echo_key
    with Client(api_key=CANARY, base_url=local_server.base_url, pace=False) as client:
        other = local_server.base_url.replace("127.0.0.1", "localhost") + "/tags/"
        reply = client._transport.send(Request("GET", other, None, "tags/"))
        assert isinstance(reply, Reply) and reply.status == 200
    texts = _texts(stack_debug)
    assert any("receive_response_headers" in t for t in texts)  # the stack did log the response headers
    assert any("[REDACTED]" in t for t in texts)  # ...and the echoed key was there to redact
    assert not [t for t in texts if CANARY in t]


def test_the_sync_wire_logs_nothing_that_carries_the_key(local_server: LocalServer,
                                                         stack_debug: pytest.LogCaptureFixture) -> None:
    """The default blocking path (our own HTTP/1.1 to the API's origin) logs nothing of the exchange."""
    local_server.behaviour["/api/1/tags/"] = echo_key
    with Client(api_key=CANARY, base_url=local_server.base_url, pace=False) as client:
        outcome = client.execute("SPOKI_LIST_TAGS")
    assert outcome.successful and local_server.seen[-1][2]["X-Spoki-Api-Key"] == CANARY  # it was echoed
    assert not [r for r in stack_debug.records if CANARY in r.getMessage()]


@pytest.mark.parametrize("wire", ["aiohttp", "httpx"])
def test_async_stack_logs_never_carry_the_key(local_server: LocalServer,
                                              stack_debug: pytest.LogCaptureFixture, wire: str) -> None:
    local_server.behaviour["/api/1/tags/"] = echo_key

    async def main() -> None:
        async with AsyncClient(api_key=CANARY, base_url=local_server.base_url, pace=False, wire=wire) as client:
            await client.run("SPOKI_LIST_TAGS")
            if wire == "aiohttp":  # aiohttp's client logs nothing per request: what it would log, it gets redacted
                for name in ("aiohttp.client", "aiohttp.internal"):
                    logging.getLogger(name).debug("reason %s, header %r", f"OK {CANARY}", {"X-Echo": CANARY})

    asyncio.run(main())
    texts = _texts(stack_debug)
    assert texts and not [t for t in texts if CANARY in t]
    assert all(CANARY not in r.getMessage() for r in stack_debug.records)
