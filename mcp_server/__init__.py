"""The MCP server: the catalogue's tools over the official `mcp` SDK's low-level Server (schemas ours)."""
