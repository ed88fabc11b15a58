"""`spoki-actions mcp`: serve the catalogue's tools to MCP hosts over stdio, or streamable HTTP (--http).

Input: argv and the environment (SPOKI_API_KEY, SPOKI_BASE_URL; SPOKI_MCP_TOKEN for HTTP). Output: a
running server; exit 2 for bad usage. The API key comes from the environment only and never reaches
a tool result or a log line. Over HTTP the server binds 127.0.0.1 unless a bearer token is set, and
every request must carry `Authorization: Bearer <token>` when one is (401 otherwise, no tool runs).
"""

from __future__ import annotations

import argparse
import hmac
import ipaddress
import os
import sys
from typing import Any

HELP = "serve the actions as MCP tools (stdio, or streamable HTTP with --http)"
EXTRA = "mcp"
EXTRA_MODULES = ("mcp", "uvicorn", "starlette")
TOKEN_ENV = "SPOKI_MCP_TOKEN"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--read-only", action="store_true", help="offer only read actions")
    parser.add_argument("--groups", help="comma-separated groups to offer (e.g. contacts,tags)")
    parser.add_argument("--tools", help="comma-separated action names to offer")
    parser.add_argument("--deprecated", action="store_true", help="offer deprecated actions too")
    parser.add_argument("--dynamic", action="store_true",
                        help="offer three meta-tools (search, describe, invoke) instead of every schema")
    parser.add_argument("--page-size", type=_page_size, default=None,
                        help="tools per tools/list page (default: all on one page)")
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP at /mcp instead of stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="HTTP port (default 8765)")
    parser.add_argument("--token", help=f"bearer token every HTTP request must carry (or ${TOKEN_ENV})")


def _page_size(value: str) -> int:
    try:
        size = int(value)
    except ValueError:
        size = 0
    if size < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {value!r}")
    return size


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bearer(app: Any, token: str) -> Any:
    """ASGI wrapper: 401 unless `Authorization: Bearer <token>`."""
    expected = f"Bearer {token}".encode()

    async def guarded(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or ()).get(b"authorization", b"")
            if not hmac.compare_digest(given, expected):
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")]})
                await send({"type": "http.response.body", "body": b'{"error":"missing or wrong bearer token"}'})
                return
        await app(scope, receive, send)

    return guarded


def _split(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def run(args: argparse.Namespace) -> int:
    import anyio

    from spoki_actions import Client, ConfigurationError

    from .server import PAGE_SIZE, build

    token = args.token or os.environ.get(TOKEN_ENV) or None
    if args.http and not _loopback(args.host) and not token:
        print(f"spoki-actions mcp: refusing to serve on {args.host}: another interface than loopback needs a "
              f"bearer token (--token or ${TOKEN_ENV})", file=sys.stderr)
        return 2
    try:
        client = Client()
    except ConfigurationError as exc:
        print(f"spoki-actions mcp: {exc}", file=sys.stderr)
        return 2
    try:
        server = build(client, groups=_split(args.groups), names=_split(args.tools), read_only=args.read_only,
                       deprecated=args.deprecated, dynamic=args.dynamic, page_size=args.page_size or PAGE_SIZE)
    except ValueError as exc:
        print(f"spoki-actions mcp: {exc}", file=sys.stderr)
        return 2
    with client:
        if args.http:
            import uvicorn

            app: Any = server.streamable_http_app(host=args.host)
            if token:
                app = bearer(app, token)
            uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
            return 0

        async def stdio() -> None:
            from mcp.server.stdio import stdio_server

            async with stdio_server() as (read, write):
                await server.run(read, write, server.create_initialization_options())

        anyio.run(stdio)
    return 0
