"""The MCP server: `tools/list` and `tools/call` for the selected actions, over one runtime Client.

Stage: above the runtime (public API only) and the tool projections. Input: a `spoki_actions.Client`
(its key from the environment) and a selection (groups, names, read-only, deprecated). Output: an
`mcp` low-level `Server` whose listing is `spoki_actions.tools.mcp(...)` as is; calls run once through
the client (pacing, caching and retries are the runtime's; an unsafe action is never re-sent), failures
are `isError` results naming kind, retryability and field problems; an unknown tool is a protocol error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import anyio.to_thread

from spoki_actions import tools
from spoki_actions.tools import _dispatch, _project

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server

    from spoki_actions import Client

INVALID_PARAMS = -32602


def build(client: Client, *, groups: Iterable[str] | None = None, names: Iterable[str] | None = None,
          read_only: bool = False, deprecated: bool = False, dynamic: bool = False) -> Server[Any]:
    import mcp.types as mt
    from mcp.server.lowlevel import Server
    from mcp.shared.exceptions import MCPError

    listing = tools.mcp(client.catalogue, groups=groups, names=names, read_only=read_only, deprecated=deprecated)
    offered = {t["name"] for t in listing}
    actions = [client.catalogue.actions[t["name"]] for t in listing]
    shown = _project.dynamic_tools() if dynamic else listing
    result = mt.ListToolsResult(tools=[mt.Tool.model_validate(t) for t in shown])

    def text_result(payload: Any, ok: bool = True) -> mt.CallToolResult:
        return mt.CallToolResult.model_validate(_dispatch.result("mcp", None, "", ok, payload))

    async def list_tools(ctx: Any, params: Any) -> mt.ListToolsResult:
        return result

    async def call_tool(ctx: Any, params: mt.CallToolRequestParams) -> mt.CallToolResult:
        args = params.arguments or {}
        if dynamic:
            if params.name == "search_actions":
                return text_result({"actions": _project.search(actions, str(args.get("query") or ""))})
            if params.name in ("describe_action", "invoke_action"):
                name = str(args.get("name") or "")
                if name not in offered:
                    return text_result({"kind": "unknown_action", "message": f"no action named {name!r}",
                                        "retryable": False, "hint": "use search_actions"}, ok=False)
                if params.name == "describe_action":
                    return text_result(_project.describe(client.catalogue.actions[name]))
                ok, payload, _ = await anyio.to_thread.run_sync(
                    _dispatch.run, client, client.catalogue, name, args.get("arguments") or "{}", "mcp")
                return text_result(payload, ok)
            raise MCPError(INVALID_PARAMS, f"unknown tool: {params.name!r}")
        if params.name not in offered:
            raise MCPError(INVALID_PARAMS, f"unknown tool: {params.name!r}")
        ok, payload, _ = await anyio.to_thread.run_sync(
            _dispatch.run, client, client.catalogue, params.name, params.arguments or {}, "mcp")
        return mt.CallToolResult.model_validate(_dispatch.result("mcp", None, params.name, ok, payload))

    from spoki_actions import __version__

    return Server("spoki-actions", version=__version__, on_list_tools=list_tools, on_call_tool=call_tool)
