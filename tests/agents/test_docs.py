"""tools/README.md's snippets run: the providers' SDKs answer through httpx.MockTransport (nothing leaves the
machine), and the tool calls run against the simulator."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

README = Path(__file__).resolve().parents[2] / "tools" / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
SENT: list[dict[str, Any]] = []


def _openai(request: httpx.Request) -> httpx.Response:
    SENT.append(json.loads(request.content))
    call = {"id": "call_1", "type": "function", "function": {"name": "SPOKI_LIST_TAGS", "arguments": "{}"}}
    return httpx.Response(200, json={
        "id": "c", "object": "chat.completion", "created": 0, "model": "gpt-4.1",
        "choices": [{"index": 0, "finish_reason": "tool_calls",
                     "message": {"role": "assistant", "content": None, "tool_calls": [call]}}]})


def _anthropic(request: Any) -> Any:
    import httpx2  # anthropic 2.x talks through httpx2, not httpx

    SENT.append(json.loads(request.content))
    return httpx2.Response(200, json={
        "id": "m", "type": "message", "role": "assistant", "model": "claude-sonnet-5-5", "stop_reason": "tool_use",
        "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1},
        "content": [{"type": "tool_use", "id": "tu_1", "name": "SPOKI_LIST_TAGS", "input": {}}]})


@pytest.mark.filterwarnings("error:The model:DeprecationWarning")  # a snippet never shows a retired model
@pytest.mark.parametrize("snippet", SNIPPETS, ids=["openai", "anthropic", "gemini"])
def test_snippet_runs(snippet: str, spoki_simulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(SNIPPETS) == 3
    monkeypatch.setenv("SPOKI_API_KEY", spoki_simulator.api_key)
    monkeypatch.setenv("SPOKI_BASE_URL", spoki_simulator.base_url)
    SENT.clear()
    if "Anthropic(" in snippet:
        import httpx2

        http: Any = httpx2.Client(transport=httpx2.MockTransport(_anthropic))
    else:
        http = httpx.Client(transport=httpx.MockTransport(_openai))
    with http as http_client:
        exec(compile(snippet, str(README), "exec"), {"http_client": http_client})
    if "OpenAI(" in snippet or "Anthropic(" in snippet:
        assert SENT and SENT[0]["tools"], "the tools reached the (faked) provider"


def test_the_host_config_is_valid_and_its_flags_exist() -> None:
    """The MCP host config in tools/README.md is JSON a host reads, naming our command and flags."""
    import argparse

    from spoki_actions.mcp_server import cli

    blocks = re.findall(r"```json\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    server = json.loads(blocks[0])["mcpServers"]["spoki"]
    assert server["command"] == "spoki-actions" and server["args"][0] == "mcp"
    assert set(server["env"]) == {"SPOKI_API_KEY"}
    parser = argparse.ArgumentParser(exit_on_error=False)
    cli.configure(parser)
    args = parser.parse_args(server["args"][1:])
    assert args.read_only is True and args.http is False


def test_every_flag_the_page_names_exists() -> None:
    import argparse

    from spoki_actions.mcp_server import cli

    parser = argparse.ArgumentParser()
    cli.configure(parser)
    known = {o for a in parser._actions for o in a.option_strings}
    named = set(re.findall(r"`(--[a-z-]+)", README.read_text(encoding="utf-8")))
    assert named and named <= known, named - known
