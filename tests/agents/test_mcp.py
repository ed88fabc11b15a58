"""The MCP server, driven by the mcp SDK's own client in memory, against the simulator."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from spoki_actions import Client, tools
from spoki_actions.mcp_server.server import build


def _session(sim: Any, **selection: Any) -> Any:
    from mcp import Client as McpClient

    client = Client(api_key=sim.api_key, base_url=sim.base_url, max_retries=0)
    return client, McpClient(build(client, **selection))


def test_list_call_and_errors(spoki_simulator: Any, canary: str) -> None:
    async def main() -> None:
        client, session = _session(spoki_simulator)
        with client:
            async with session as mcp:
                listed = await mcp.list_tools()
                catalogue = client.catalogue.actions
                assert [t.name for t in listed.tools] == [t["name"] for t in tools.mcp()]
                for t in listed.tools:
                    safety = catalogue[t.name].behaviour.safety
                    assert t.annotations.read_only_hint is (safety == "read")
                    assert t.annotations.idempotent_hint is (safety != "unsafe")
                    destructive = safety == "unsafe" or catalogue[t.name].method == "DELETE"
                    assert t.annotations.destructive_hint is destructive
                read = await mcp.call_tool("SPOKI_LIST_AGENCIES", {})
                assert read.is_error is False and "items" in read.structured_content
                write = await mcp.call_tool("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234599",
                                                                                "first_name": "Ada"})
                assert write.is_error is False and write.structured_content["first_name"] == "Ada"
                bad = await mcp.call_tool("SPOKI_RETRIEVE_CONTACT", {"contact_id": "x"})
                assert bad.is_error is True and "error validation" in bad.content[0].text
                assert "- contact_id:" in bad.content[0].text
                with pytest.raises(Exception, match="unknown tool"):
                    await mcp.call_tool("SPOKI_NOPE", {})
                for result in (read, write, bad):
                    assert canary not in result.model_dump_json() and spoki_simulator.api_key not in \
                        result.model_dump_json()

    anyio.run(main)


def test_read_only_hides_writes(spoki_simulator: Any) -> None:
    async def main() -> None:
        client, session = _session(spoki_simulator, read_only=True)
        with client:
            async with session as mcp:
                names = [t.name for t in (await mcp.list_tools()).tools]
                assert names and all(client.catalogue.actions[n].behaviour.safety == "read" for n in names)
                with pytest.raises(Exception, match="unknown tool"):
                    await mcp.call_tool("SPOKI_DELETE_CONTACT", {"id": 1})

    anyio.run(main)


def test_dynamic_mode(spoki_simulator: Any) -> None:
    async def main() -> None:
        client, session = _session(spoki_simulator, dynamic=True)
        with client:
            async with session as mcp:
                names = [t.name for t in (await mcp.list_tools()).tools]
                assert names == ["search_actions", "describe_action", "invoke_action"]
                found = await mcp.call_tool("search_actions", {"query": "tags"})
                assert any(a["name"] == "SPOKI_LIST_TAGS" for a in found.structured_content["actions"])
                described = await mcp.call_tool("describe_action", {"name": "SPOKI_RETRIEVE_CONTACT"})
                assert described.structured_content["safety"] == "read"
                ran = await mcp.call_tool("invoke_action", {"name": "SPOKI_LIST_TAGS", "arguments": "{}"})
                assert ran.is_error is False
                bad = await mcp.call_tool("invoke_action", {"name": "SPOKI_RETRIEVE_CONTACT",
                                                            "arguments": "{\"contact_id\": -1}"})
                assert bad.is_error is True and "- contact_id:" in bad.content[0].text
                assert (await mcp.call_tool("invoke_action", {"name": "SPOKI_NOPE", "arguments": "{}"})).is_error

    anyio.run(main)


def test_upstream_5xx_and_429_are_tool_errors(spoki_simulator: Any) -> None:
    import httpx

    def faults(spec: dict[str, Any]) -> None:
        r = httpx.post(f"{spoki_simulator.control_url}/faults", json={"global": spec},
                       headers={"X-Spoki-Api-Key": spoki_simulator.api_key})
        assert r.status_code == 200

    async def main() -> None:
        client, session = _session(spoki_simulator)
        with client:
            async with session as mcp:
                faults({"error_rate": 1.0, "error_statuses": [502]})
                five = await mcp.call_tool("SPOKI_LIST_TAGS", {})
                assert five.is_error is True and five.content[0].text.startswith("error upstream")
                assert "(retryable: yes)" in five.content[0].text
                faults({"throttle_rate": 1.0, "retry_after": 1})
                many = await mcp.call_tool("SPOKI_CREATE_CUSTOM_FIELD", {"code": "X_Y", "label": "X y",
                                                                          "example": "a", "field_type": 1})
                assert many.is_error is True and many.content[0].text.startswith("error rate_limited")

    anyio.run(main)
