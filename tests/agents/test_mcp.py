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


# --- every check at the newest protocol version and at each older one --------------------------------

def _versions() -> list[str]:
    from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS

    return list(HANDSHAKE_PROTOCOL_VERSIONS)


def test_the_scenario_in_memory_at_the_newest_version(spoki_simulator: Any, canary: str) -> None:
    from mcp import Client as McpClient
    from mcp_types.version import LATEST_PROTOCOL_VERSION

    from .mcp_sessions import exercise

    async def main() -> None:
        client = Client(api_key=spoki_simulator.api_key, base_url=spoki_simulator.base_url, max_retries=0)
        with client:
            async with McpClient(build(client)) as mcp:
                assert mcp.protocol_version == LATEST_PROTOCOL_VERSION
                await exercise(mcp, spoki_simulator, LATEST_PROTOCOL_VERSION, (canary, spoki_simulator.api_key))

    anyio.run(main)


@pytest.mark.parametrize("version", _versions())
def test_the_scenario_in_memory_at_an_older_version(spoki_simulator: Any, canary: str, version: str) -> None:
    """A host that negotiates `version` with the initialize handshake (the SDK's ClientSession)."""
    from .mcp_sessions import exercise, in_memory

    async def main() -> None:
        client = Client(api_key=spoki_simulator.api_key, base_url=spoki_simulator.base_url, max_retries=0)
        with client:
            async with in_memory(build(client, page_size=8), version) as session:
                await exercise(session, spoki_simulator, version, (canary, spoki_simulator.api_key))

    anyio.run(main)


def test_the_sdk_client_in_legacy_mode_negotiates_an_older_version(spoki_simulator: Any, canary: str) -> None:
    """mcp.Client(mode="legacy"): the initialize handshake, at the SDK's newest handshake version."""
    from mcp import Client as McpClient
    from mcp_types.version import LATEST_HANDSHAKE_VERSION, LATEST_PROTOCOL_VERSION

    from .mcp_sessions import exercise

    assert LATEST_HANDSHAKE_VERSION != LATEST_PROTOCOL_VERSION

    async def main() -> None:
        client = Client(api_key=spoki_simulator.api_key, base_url=spoki_simulator.base_url, max_retries=0)
        with client:
            async with McpClient(build(client), mode="legacy") as mcp:
                assert mcp.protocol_version == LATEST_HANDSHAKE_VERSION
                await exercise(mcp, spoki_simulator, LATEST_HANDSHAKE_VERSION, (canary, spoki_simulator.api_key))

    anyio.run(main)


# --- tools/list pagination ---------------------------------------------------------------------------

@pytest.mark.parametrize("page_size", [1, 5, 22, 100])
def test_the_sdk_client_pages_through_the_listing(spoki_simulator: Any, page_size: int) -> None:
    from mcp import Client as McpClient

    async def main() -> None:
        client = Client(api_key=spoki_simulator.api_key, base_url=spoki_simulator.base_url, max_retries=0)
        with client:
            async with McpClient(build(client, page_size=page_size, deprecated=True)) as mcp:
                names: list[str] = []
                cursors: list[str] = []
                page = await mcp.list_tools()
                while True:
                    assert len(page.tools) <= page_size
                    names += [t.name for t in page.tools]
                    if page.next_cursor is None:
                        break
                    assert len(page.tools) == page_size
                    cursors.append(page.next_cursor)
                    page = await mcp.list_tools(cursor=page.next_cursor)
                assert names == [t["name"] for t in tools.mcp(deprecated=True)]
                assert len(cursors) == -(-len(names) // page_size) - 1
                again = await mcp.list_tools(cursor=cursors[0]) if cursors else None
                if again is not None:  # deterministic: the same cursor, the same page
                    assert [t.name for t in again.tools] == names[page_size:2 * page_size]

    anyio.run(main)


@pytest.mark.parametrize("cursor", ["nonsense", "", "MTIzOjE", "x" * 300])
def test_an_invalid_cursor_is_a_protocol_error(spoki_simulator: Any, cursor: str) -> None:
    from mcp import Client as McpClient
    from mcp.shared.exceptions import MCPError

    async def main() -> None:
        client = Client(api_key=spoki_simulator.api_key, base_url=spoki_simulator.base_url, max_retries=0)
        with client:
            async with McpClient(build(client, page_size=5)) as mcp:
                with pytest.raises(MCPError, match=r"invalid cursor .*not a nextCursor this server sent") as err:
                    await mcp.list_tools(cursor=cursor)
                assert err.value.code == -32602

    anyio.run(main)


def test_a_cursor_of_another_listing_is_refused(spoki_simulator: Any) -> None:
    from mcp import Client as McpClient
    from mcp.shared.exceptions import MCPError

    async def main() -> None:
        client = Client(api_key=spoki_simulator.api_key, base_url=spoki_simulator.base_url, max_retries=0)
        with client:
            async with McpClient(build(client, page_size=2)) as everything:
                cursor = (await everything.list_tools()).next_cursor
            assert cursor is not None
            async with McpClient(build(client, page_size=2, read_only=True)) as reads:
                with pytest.raises(MCPError, match="invalid cursor"):
                    await reads.list_tools(cursor=cursor)

    anyio.run(main)


def test_page_size_must_be_positive(spoki_simulator: Any) -> None:
    client = Client(api_key=spoki_simulator.api_key, base_url=spoki_simulator.base_url)
    with client, pytest.raises(ValueError, match="page size must be at least 1, got 0"):
        build(client, page_size=0)
