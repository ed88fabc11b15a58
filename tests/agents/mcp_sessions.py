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


# --- one scenario for every transport and protocol version ------------------------------------------

def _is_handshake_session(session: Any) -> bool:
    from mcp import ClientSession

    return isinstance(session, ClientSession)


async def list_all(session: Any) -> list[Any]:
    """Every tool, following nextCursor (an `mcp.Client` or a bare `ClientSession`)."""
    import mcp.types as mt

    listed: list[Any] = []
    cursor: str | None = None
    while True:
        if _is_handshake_session(session):
            page = await session.list_tools(params=mt.PaginatedRequestParams(cursor=cursor) if cursor else None)
        else:
            page = await session.list_tools(cursor=cursor)
        listed += page.tools
        cursor = page.next_cursor
        if cursor is None:
            return listed


def check_listing(listed: list[Any], version: str, catalogue: Any) -> None:
    """tools/list at `version`: annotations follow each spec's safety (from 2025-03-26); output schemas
    (object-rooted: an array answer is wrapped) and titles from 2025-06-18, none before."""
    from mcp_types.version import is_version_at_least

    structured = is_version_at_least(version, "2025-06-18")
    for t in listed:
        wire = t.model_dump(by_alias=True, exclude_none=True, mode="json")
        action = catalogue[t.name]
        assert ("outputSchema" in wire) is structured, (version, t.name)
        assert ("title" in wire) is structured, (version, t.name)
        if structured:
            assert wire["outputSchema"]["type"] == "object"
            if action.response.data_is_array:
                assert wire["outputSchema"]["properties"]["items"]["type"] == "array", t.name
        if not is_version_at_least(version, "2025-03-26"):
            assert "annotations" not in wire
            continue
        hints, safety = wire["annotations"], action.behaviour.safety
        assert hints["readOnlyHint"] is (safety == "read"), t.name
        assert hints["idempotentHint"] is (safety != "unsafe"), t.name
        assert hints["destructiveHint"] is (safety == "unsafe" or action.method == "DELETE"), t.name
        assert hints["openWorldHint"] is True


def _data(result: Any, structured: bool) -> Any:
    """A successful result's data: structuredContent where the version has it (else none), and the text
    copy always (the same data)."""
    import json

    text = json.loads(result.content[0].text)
    if structured:
        assert result.structured_content == (text if isinstance(text, dict) else {"items": text})
    else:
        assert result.structured_content is None
    return text


async def exercise(session: Any, sim: Any, version: str, secrets: tuple[str, ...]) -> None:
    """The issue's checks over one SDK session at `version`: list tools (annotations against each spec's
    safety), a read, a write, an invalid input, an unknown tool, an upstream 5xx and a 429 from the
    simulator; no secret in any message. `sim` is the simulator the server talks to."""
    import httpx
    import pytest
    from mcp.shared.exceptions import MCPError
    from mcp_types.version import is_version_at_least

    from spoki_actions import catalogue_of, tools

    structured = is_version_at_least(version, "2025-06-18")
    catalogue = catalogue_of().actions
    listed = await list_all(session)
    assert [t.name for t in listed] == [t["name"] for t in tools.mcp()]
    check_listing(listed, version, catalogue)

    results = []
    read = await session.call_tool("SPOKI_LIST_AGENCIES", {})
    assert read.is_error is False and isinstance(_data(read, structured), list)
    write = await session.call_tool("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234599", "first_name": "Ada"})
    assert write.is_error is False and _data(write, structured)["first_name"] == "Ada"
    bad = await session.call_tool("SPOKI_RETRIEVE_CONTACT", {"contact_id": "x"})
    assert bad.is_error is True and bad.content[0].text.startswith("error validation")
    assert "(retryable: no)" in bad.content[0].text and "\n- contact_id:" in bad.content[0].text
    assert bad.structured_content is None
    results += [read, write, bad]
    with pytest.raises(MCPError, match="unknown tool: 'SPOKI_NOPE'") as unknown:
        await session.call_tool("SPOKI_NOPE", {})
    assert unknown.value.code == -32602

    def faults(spec: dict[str, Any]) -> None:
        r = httpx.post(f"{sim.control_url}/faults", json={"global": spec}, headers={"X-Spoki-Api-Key": sim.api_key})
        assert r.status_code == 200, r.text

    try:
        faults({"error_rate": 1.0, "error_statuses": [502]})
        five = await session.call_tool("SPOKI_LIST_TAGS", {})
        assert five.is_error is True and five.content[0].text.startswith("error upstream")
        assert "(retryable: yes)" in five.content[0].text
        faults({"throttle_rate": 1.0, "retry_after": 0})
        # a read with no tight bucket: a server that ran the scenario before has not used up a pacer
        many = await session.call_tool("SPOKI_LIST_TEMPLATES", {"search": "order"})
        assert many.is_error is True and many.content[0].text.startswith("error rate_limited")
        results += [five, many]
    finally:
        faults({})
    for result in results:
        dumped = result.model_dump_json()
        assert not any(secret in dumped for secret in secrets)
