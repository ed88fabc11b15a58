"""SDK client sessions that negotiate a chosen (older) MCP protocol version.

`mcp.Client` offers the newest version (`mode="auto"`: 2026-07-28) or the newest handshake version
(`mode="legacy"`: the SDK's LATEST_HANDSHAKE_VERSION); an older one is negotiated the way an older host
does: the SDK's own `ClientSession` sends `initialize` with that `protocolVersion`, adopts the server's
answer and sends `notifications/initialized`. Over any stream pair: in memory, stdio, streamable HTTP.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio


@asynccontextmanager
async def negotiated(read: Any, write: Any, version: str) -> AsyncIterator[Any]:
    """A `ClientSession` over (read, write) whose server agreed to `version` (asserted)."""
    import mcp.types as mt
    from mcp import ClientSession

    async with ClientSession(read, write) as session:
        result = await session.send_request(
            mt.InitializeRequest(params=mt.InitializeRequestParams(
                protocol_version=version, capabilities=mt.ClientCapabilities(),
                client_info=mt.Implementation(name="older-host", version="1"))),
            mt.InitializeResult)
        assert result.protocol_version == version, result.protocol_version
        session.adopt(result)
        await session.send_notification(mt.InitializedNotification())
        assert session.protocol_version == version
        yield session


@asynccontextmanager
async def in_memory(server: Any, version: str) -> AsyncIterator[Any]:
    """`server` (a low-level `Server`) run on the SDK's in-memory streams, a session at `version`."""
    from mcp.shared.memory import create_client_server_memory_streams

    async with create_client_server_memory_streams() as (client_streams, server_streams), \
            anyio.create_task_group() as tg:
        tg.start_soon(lambda: server.run(*server_streams, server.create_initialization_options()))
        async with negotiated(*client_streams, version) as session:
            yield session
        tg.cancel_scope.cancel()


@asynccontextmanager
async def stdio(params: Any, version: str) -> AsyncIterator[Any]:
    """A server subprocess (`StdioServerParameters`) over the SDK's stdio client, a session at `version`."""
    from mcp.client.stdio import stdio_client

    async with stdio_client(params) as (read, write), negotiated(read, write, version) as session:
        yield session


@asynccontextmanager
async def http(url: str, version: str, headers: dict[str, str]) -> AsyncIterator[Any]:
    """A streamable HTTP server at `url` over the SDK's client transport, a session at `version`."""
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    async with httpx2.AsyncClient(headers=headers) as client, \
            streamable_http_client(url, http_client=client) as (read, write), \
            negotiated(read, write, version) as session:
        yield session
