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

        anyio.run(main)
    finally:
        proc.terminate()
        proc.wait(10)


def test_http_refuses_other_interfaces_without_token(spoki_simulator: Any) -> None:
    out = subprocess.run([EXE, "mcp", "--http", "--host", "0.0.0.0"], env=_env(spoki_simulator),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "needs a bearer token" in out.stderr
