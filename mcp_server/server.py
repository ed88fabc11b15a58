"""The MCP server: `tools/list` and `tools/call` for the selected actions, over one runtime Client.

Stage: above the runtime (public API only) and the tool projections. Input: a `spoki_actions.Client`
(its key from the environment) and a selection (groups, names, read-only, deprecated). Output: an
`mcp` low-level `Server` whose listing is `spoki_actions.tools.mcp(...)` as is, in catalogue order and
in pages of `page_size` tools (an opaque `nextCursor`), less what the negotiated protocol version
does not know (no `outputSchema`, `title` or `structuredContent` before 2025-06-18, no annotations
before 2025-03-26). Calls run once through the client (pacing, caching and retries are the
runtime's; an unsafe action is never re-sent); failures are `isError` results naming kind,
retryability and field problems; an unknown tool or a bad cursor is a protocol error.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import anyio.to_thread

from spoki_actions import tools
from spoki_actions.tools import _dispatch, _project

if TYPE_CHECKING:
    from mcp.server.lowlevel import Server

    from spoki_actions import Client

INVALID_PARAMS = -32602
PAGE_SIZE = 100  # every tool on one page unless asked: hosts that ignore nextCursor still see them all

# What each protocol revision added that we send (the MCP schema's changelog): a peer that
# negotiated an older revision gets the listing and results without them.
STRUCTURED_SINCE = "2025-06-18"  # Tool.outputSchema, Tool.title, CallToolResult.structuredContent
ANNOTATIONS_SINCE = "2025-03-26"  # Tool.annotations
_STRUCTURED_KEYS = ("outputSchema", "title")


def for_version(tool: dict[str, Any], version: str) -> dict[str, Any]:
    """`tool` as a peer speaking protocol `version` can read it (unknown versions: the oldest shape)."""
    from mcp_types.version import is_version_at_least

    out = dict(tool)
    if not is_version_at_least(version, STRUCTURED_SINCE):
        for key in _STRUCTURED_KEYS:
            out.pop(key, None)
    if not is_version_at_least(version, ANNOTATIONS_SINCE):
        out.pop("annotations", None)
    return out


def result_for_version(result: dict[str, Any], version: str) -> dict[str, Any]:
    """A tools/call result without `structuredContent` for versions before it (the text copy stays)."""
    from mcp_types.version import is_version_at_least

    if is_version_at_least(version, STRUCTURED_SINCE):
        return result
    return {k: v for k, v in result.items() if k != "structuredContent"}


class Pages:
    """The listing cut into pages of `size`; a cursor is the opaque, checked start of the next page.

    A cursor names the listing it belongs to (a digest of the tool names), so one from another
    server or selection is refused instead of silently listing the wrong tools.
    """

    def __init__(self, names: list[str], size: int) -> None:
        if size < 1:
            raise ValueError(f"page size must be at least 1, got {size}")
        self.size = size
        self.count = len(names)
        self._tag = hashlib.sha256("\n".join(names).encode()).hexdigest()[:12]

    def cursor(self, start: int) -> str:
        return base64.urlsafe_b64encode(f"{self._tag}:{start}".encode()).decode().rstrip("=")

    def start(self, cursor: str | None) -> int:
        """The index a cursor resumes at (0 without one); a protocol error for anything we did not issue."""
        from mcp.shared.exceptions import MCPError

        if cursor is None:
            return 0
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            tag, _, number = text.partition(":")
            start = int(number)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            start, tag = -1, ""
        if tag != self._tag or not 0 < start < self.count or start % self.size:
            raise MCPError(INVALID_PARAMS, f"invalid cursor {cursor[:40]!r}: not a nextCursor this server sent "
                                           "for this listing; list again without a cursor")
        return start

    def page(self, cursor: str | None) -> tuple[slice, str | None]:
        start = self.start(cursor)
        end = start + self.size
        return slice(start, end), (self.cursor(end) if end < self.count else None)


def build(client: Client, *, groups: Iterable[str] | None = None, names: Iterable[str] | None = None,
          read_only: bool = False, deprecated: bool = False, dynamic: bool = False,
          page_size: int = PAGE_SIZE) -> Server[Any]:
    import mcp.types as mt
    from mcp.server.lowlevel import Server
    from mcp.shared.exceptions import MCPError

    listing = tools.mcp(client.catalogue, groups=groups, names=names, read_only=read_only, deprecated=deprecated)
    offered = {t["name"] for t in listing}
    actions = [client.catalogue.actions[t["name"]] for t in listing]
    shown = _project.dynamic_tools() if dynamic else listing
    pages = Pages([t["name"] for t in shown], page_size)
    by_version: dict[str, list[mt.Tool]] = {}

    def listed(version: str) -> list[mt.Tool]:
        if version not in by_version:
            by_version[version] = [mt.Tool.model_validate(for_version(t, version)) for t in shown]
        return by_version[version]

    def tool_result(version: str, name: str, ok: bool, payload: Any) -> mt.CallToolResult:
        return mt.CallToolResult.model_validate(result_for_version(_dispatch.result("mcp", None, name, ok, payload),
                                                                   version))

    async def list_tools(ctx: Any, params: mt.PaginatedRequestParams | None) -> mt.ListToolsResult:
        window, next_cursor = pages.page(params.cursor if params is not None else None)
        return mt.ListToolsResult(tools=listed(ctx.protocol_version)[window], next_cursor=next_cursor)

    async def call_tool(ctx: Any, params: mt.CallToolRequestParams) -> mt.CallToolResult:
        version = ctx.protocol_version
        args = params.arguments or {}
        if dynamic:
            if params.name == "search_actions":
                found = _project.search(actions, str(args.get("query") or ""))
                return tool_result(version, "", True, {"actions": found})
            if params.name in ("describe_action", "invoke_action"):
                name = str(args.get("name") or "")
                if name not in offered:
                    return tool_result(version, "", False, {"kind": "unknown_action", "retryable": False,
                                                            "message": f"no action named {name!r}",
                                                            "hint": "use search_actions"})
                if params.name == "describe_action":
                    return tool_result(version, "", True, _project.describe(client.catalogue.actions[name]))
                ok, payload, _ = await anyio.to_thread.run_sync(
                    _dispatch.run, client, client.catalogue, name, args.get("arguments") or "{}", "mcp")
                return tool_result(version, "", ok, payload)
            raise MCPError(INVALID_PARAMS, f"unknown tool: {params.name!r}")
        if params.name not in offered:
            raise MCPError(INVALID_PARAMS, f"unknown tool: {params.name!r}")
        ok, payload, _ = await anyio.to_thread.run_sync(
            _dispatch.run, client, client.catalogue, params.name, args, "mcp")
        return tool_result(version, params.name, ok, payload)

    from spoki_actions import __version__

    return Server("spoki-actions", version=__version__, on_list_tools=list_tools, on_call_tool=call_tool)
