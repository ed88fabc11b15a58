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


def _newest() -> str:
    from mcp_types.version import LATEST_PROTOCOL_VERSION

    return LATEST_PROTOCOL_VERSION


def test_the_scenario_over_stdio_at_the_newest_version(spoki_simulator: Any) -> None:
    from mcp import Client as McpClient
    from mcp import StdioServerParameters

    from .mcp_sessions import exercise

    params = StdioServerParameters(command=EXE, args=["mcp"], env=_env(spoki_simulator))

    async def main() -> None:
        async with McpClient(params) as mcp:
            assert mcp.protocol_version == _newest()
            await exercise(mcp, spoki_simulator, _newest(), (spoki_simulator.api_key,))

    anyio.run(main)


def test_the_scenario_over_stdio_at_an_older_version(spoki_simulator: Any) -> None:
    """A host that negotiates 2025-03-26 over stdio, with the listing in pages of 8."""
    from mcp import StdioServerParameters

    from .mcp_sessions import exercise, stdio

    params = StdioServerParameters(command=EXE, args=["mcp", "--page-size", "8"], env=_env(spoki_simulator))

    async def main() -> None:
        async with stdio(params, OLDER) as session:
            await exercise(session, spoki_simulator, OLDER, (spoki_simulator.api_key,))

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

        async def newest() -> None:
            import httpx2
            from mcp import Client as McpClient
            from mcp.client.streamable_http import streamable_http_client

            from .mcp_sessions import exercise

            async with httpx2.AsyncClient(headers={"Authorization": "Bearer t0ken"}) as http, \
                    McpClient(streamable_http_client(url, http_client=http)) as mcp:
                assert mcp.protocol_version == _newest()
                await exercise(mcp, spoki_simulator, _newest(), (spoki_simulator.api_key, "t0ken"))

        async def older() -> None:  # a host on 2025-03-26 over streamable HTTP
            from .mcp_sessions import exercise, http

            async with http(url, OLDER, {"Authorization": "Bearer t0ken"}) as session:
                await exercise(session, spoki_simulator, OLDER, (spoki_simulator.api_key, "t0ken"))

        anyio.run(main)
        anyio.run(newest)
        anyio.run(older)

        # a tool call with a wrong or no token gets 401 and never reaches Spoki
        from spoki_actions import Client

        phone = "+393339999001"
        call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "SPOKI_CREATE_OR_UPDATE_CONTACT", "arguments": {"phone": phone}}}
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "t0ken"}):
            r = httpx.post(url, json=call, headers={**headers, "Accept": "application/json, text/event-stream",
                                                    "MCP-Protocol-Version": OLDER})
            assert r.status_code == 401 and "t0ken" not in r.text
        with Client(api_key=spoki_simulator.api_key, base_url=spoki_simulator.base_url) as client:
            assert client.execute("SPOKI_LIST_CONTACTS", {"phone": phone}).data["count"] == 0
            assert client.execute("SPOKI_LIST_CONTACTS", {"phone": "+393331234599"}).data["count"] == 1
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
            raise
        finally:
            assert proc.stderr is not None
            proc.stderr.close()  # its pipe, never read: left to the collector, an "unclosed file" ResourceWarning


def test_http_refuses_other_interfaces_without_token(spoki_simulator: Any) -> None:
    out = subprocess.run([EXE, "mcp", "--http", "--host", "0.0.0.0"], env=_env(spoki_simulator),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "needs a bearer token" in out.stderr
