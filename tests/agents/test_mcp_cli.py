"""`spoki-actions mcp` as a subprocess: stdio and streamable HTTP (bearer token), with the SDK's client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

EXE = str(Path(sys.executable).parent / "spoki-actions")


def _env(sim: Any) -> dict[str, str]:
    return {**os.environ, "SPOKI_API_KEY": sim.api_key, "SPOKI_BASE_URL": sim.base_url}


def test_stdio(spoki_simulator: Any) -> None:
    from mcp import Client as McpClient
    from mcp import StdioServerParameters

    params = StdioServerParameters(command=EXE, args=["mcp", "--read-only"], env=_env(spoki_simulator))

    async def main() -> None:
        async with McpClient(params) as mcp:
            names = [t.name for t in (await mcp.list_tools()).tools]
            assert "SPOKI_LIST_TAGS" in names and "SPOKI_DELETE_CONTACT" not in names
            result = await mcp.call_tool("SPOKI_LIST_TAGS", {})
            assert result.is_error is False
            assert spoki_simulator.api_key not in result.model_dump_json()

    anyio.run(main)


OLDER = "2025-03-26"  # before output schemas and structured results; streamable HTTP's first version


def test_stdio_at_an_older_protocol_version(spoki_simulator: Any) -> None:
    """A host that negotiates 2025-03-26 over stdio: listing without output schemas, a read, an error."""
    import mcp.types as mt
    from mcp import StdioServerParameters
    from mcp.shared.exceptions import MCPError

    from spoki_actions import catalogue_of, tools

    from .mcp_sessions import stdio
    from .test_mcp import check_older_session_listing

    params = StdioServerParameters(command=EXE, args=["mcp", "--page-size", "8"], env=_env(spoki_simulator))

    async def main() -> None:
        async with stdio(params, OLDER) as session:
            page = await session.list_tools()
            listed = list(page.tools)
            while page.next_cursor is not None:  # --page-size 8: three pages for the 21 non-deprecated tools
                page = await session.list_tools(params=mt.PaginatedRequestParams(cursor=page.next_cursor))
                listed += page.tools
            assert [t.name for t in listed] == [t["name"] for t in tools.mcp()]
            check_older_session_listing(listed, OLDER, catalogue_of().actions)
            read = await session.call_tool("SPOKI_LIST_AGENCIES", {})
            assert read.is_error is False and read.structured_content is None
            assert read.content[0].text.startswith("[")
            bad = await session.call_tool("SPOKI_RETRIEVE_CONTACT", {"contact_id": 0})
            assert bad.is_error is True and "- contact_id:" in bad.content[0].text
            with pytest.raises(MCPError, match="unknown tool"):
                await session.call_tool("SPOKI_NOPE", {})
            for result in (read, bad):
                assert spoki_simulator.api_key not in result.model_dump_json()

    anyio.run(main)


def test_a_bad_page_size_is_refused(spoki_simulator: Any) -> None:
    out = subprocess.run([EXE, "mcp", "--page-size", "0"], env=_env(spoki_simulator),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "--page-size: must be a whole number of at least 1, got '0'" in out.stderr


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_http_needs_the_token(spoki_simulator: Any) -> None:
    port = _port()
    proc = subprocess.Popen([EXE, "mcp", "--http", "--port", str(port), "--token", "t0ken"],
                            env=_env(spoki_simulator), stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        for _ in range(100):
            try:
                r = httpx.post(url, json={})
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert r.status_code == 401
        assert httpx.post(url, json={}, headers={"Authorization": "Bearer wrong"}).status_code == 401

        async def main() -> None:
            import httpx2
            from mcp import Client as McpClient
            from mcp.client.streamable_http import streamable_http_client

            async with httpx2.AsyncClient(headers={"Authorization": "Bearer t0ken"}) as http, \
                    McpClient(streamable_http_client(url, http_client=http)) as mcp:
                tools = (await mcp.list_tools()).tools
                assert any(t.name == "SPOKI_LIST_TAGS" for t in tools)
                result = await mcp.call_tool("SPOKI_RETRIEVE_CONTACT", {"contact_id": 0})
                assert result.is_error is True and "contact_id" in result.content[0].text

        async def older() -> None:  # a host on 2025-03-26 over streamable HTTP
            from spoki_actions import catalogue_of

            from .mcp_sessions import http
            from .test_mcp import check_older_session_listing

            async with http(url, OLDER, {"Authorization": "Bearer t0ken"}) as session:
                listed = (await session.list_tools()).tools
                check_older_session_listing(listed, OLDER, catalogue_of().actions)
                read = await session.call_tool("SPOKI_LIST_AGENCIES", {})
                assert read.is_error is False and read.structured_content is None
                bad = await session.call_tool("SPOKI_RETRIEVE_CONTACT", {"contact_id": "x"})
                assert bad.is_error is True and "error validation" in bad.content[0].text

        anyio.run(main)
        anyio.run(older)
    finally:
        proc.terminate()
        proc.wait(10)


def test_http_refuses_other_interfaces_without_token(spoki_simulator: Any) -> None:
    out = subprocess.run([EXE, "mcp", "--http", "--host", "0.0.0.0"], env=_env(spoki_simulator),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "needs a bearer token" in out.stderr
