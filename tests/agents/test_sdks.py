"""The providers' own SDK code accepts every tool of every dialect, offline."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from spoki_actions import tools

pytestmark = pytest.mark.filterwarnings("ignore:Anthropic allows at most")


def _all(dialect: tools.Dialect) -> list[dict[str, Any]]:
    return tools.tools(dialect, deprecated=True)


def test_openai_strict_normaliser_leaves_ours_unchanged() -> None:
    from openai.lib._pydantic import _ensure_strict_json_schema

    for tool in _all("openai-strict"):
        schema = tool["function"]["parameters"]
        before = copy.deepcopy(schema)
        after = _ensure_strict_json_schema(copy.deepcopy(schema), path=(), root=copy.deepcopy(schema))
        assert after == before, tool["function"]["name"]


def test_openai_sdk_types_accept_the_tools() -> None:
    from openai.types.chat import ChatCompletionFunctionToolParam
    from pydantic import TypeAdapter

    adapter = TypeAdapter(list[ChatCompletionFunctionToolParam])
    for dialect in ("openai", "openai-strict"):
        adapter.validate_python(_all(dialect))  # type: ignore[arg-type]


@pytest.mark.parametrize("dialect", ["anthropic", "anthropic-strict"])
def test_anthropic_transform_accepts_ours(dialect: tools.Dialect) -> None:
    from anthropic.lib._parse._transform import transform_schema
    from anthropic.types import ToolParam
    from pydantic import TypeAdapter

    TypeAdapter(list[ToolParam]).validate_python(_all(dialect))
    for tool in _all(dialect):
        transformed = transform_schema(copy.deepcopy(tool["input_schema"]))
        assert transformed["type"] == "object"
        if tool.get("strict"):  # nothing left for the SDK to move into descriptions
            # the SDK (2.10) keeps `enum` and drops the `type` beside it; nothing else may change
            expected = copy.deepcopy(tool["input_schema"])
            for prop in expected["properties"].values():
                if "enum" in prop:
                    prop.pop("type")
            assert transformed == expected, tool["name"]


def test_gemini_both_paths_accept_ours() -> None:
    from google.genai import types

    declarations = []
    for tool in _all("gemini"):
        classic = types.FunctionDeclaration(name=tool["name"], description=tool["description"],
                                            parameters=types.Schema.model_validate(tool["parameters"]))
        assert classic.parameters is not None and classic.parameters.properties is not None
        assert set(classic.parameters.properties) == set(tool["parameters"]["properties"])
        declarations.append(classic)
        as_json = types.FunctionDeclaration(name=tool["name"], description=tool["description"],
                                            parameters_json_schema=tools.mcp(names=[tool["name"]])[0]["inputSchema"])
        assert as_json.parameters_json_schema is not None
    wire = types.Tool(function_declarations=declarations).model_dump(mode="json", exclude_none=True)
    assert len(wire["function_declarations"]) == len(declarations)


def test_gemini_json_schema_path_is_valid_2020_12() -> None:
    import jsonschema

    for tool in _all("mcp"):
        jsonschema.Draft202012Validator.check_schema(tool["inputSchema"])
        jsonschema.Draft202012Validator.check_schema(tool["outputSchema"])


def test_mcp_tool_model_accepts_the_listing() -> None:
    import mcp.types as mt

    listing = mt.ListToolsResult(tools=[mt.Tool.model_validate(t) for t in _all("mcp")])
    wire = json.loads(listing.model_dump_json(by_alias=True, exclude_none=True))
    assert [t["name"] for t in wire["tools"]] == [t["name"] for t in _all("mcp")]
    for sent, ours in zip(wire["tools"], _all("mcp"), strict=True):
        assert sent["inputSchema"] == ours["inputSchema"]
        assert sent["annotations"]["readOnlyHint"] == ours["annotations"]["readOnlyHint"]


@pytest.mark.parametrize("version", __import__("mcp_types.version").version.SUPPORTED_PROTOCOL_VERSIONS)
def test_mcp_listing_serialises_for_every_protocol_version(version: str) -> None:
    import mcp.types as mt
    from mcp_types.methods import serialize_server_result

    # the SDK's own result models fill what each version's envelope needs (2026-07-28: resultType, ttlMs...)
    listing = mt.ListToolsResult(tools=[mt.Tool.model_validate(t) for t in _all("mcp")]).model_dump(
        by_alias=True, mode="json", exclude_none=True)
    wire = serialize_server_result("tools/list", version, listing)
    assert [t["name"] for t in wire["tools"]] == [t["name"] for t in listing["tools"]]
    for sent, ours in zip(wire["tools"], _all("mcp"), strict=True):
        assert sent["inputSchema"] == ours["inputSchema"]
        if "outputSchema" in sent:  # versions that know output schemas keep ours whole
            assert sent["outputSchema"] == ours["outputSchema"]
    result = mt.CallToolResult.model_validate({"content": [{"type": "text", "text": "{}"}],
                                               "structuredContent": {"items": []}, "isError": False}).model_dump(
        by_alias=True, mode="json", exclude_none=True)
    assert serialize_server_result("tools/call", version, result)["isError"] is False


@pytest.mark.parametrize("version", __import__("mcp_types.version").version.KNOWN_PROTOCOL_VERSIONS)
def test_the_servers_listing_per_version_serialises(version: str) -> None:
    """What the server sends at `version` (fields that version lacks left out) passes the SDK's own
    serialiser for it unchanged."""
    import mcp.types as mt
    from mcp_types.methods import serialize_server_result

    from spoki_actions.mcp_server.server import for_version

    ours = [for_version(t, version) for t in _all("mcp")]
    listing = mt.ListToolsResult(tools=[mt.Tool.model_validate(t) for t in ours]).model_dump(
        by_alias=True, mode="json", exclude_none=True)
    wire = serialize_server_result("tools/list", version, listing)
    for sent, tool in zip(wire["tools"], ours, strict=True):
        assert {k: sent[k] for k in tool} == tool
