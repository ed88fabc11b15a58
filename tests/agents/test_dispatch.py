"""dispatch(): a provider's tool call runs the action against the simulator and answers in that provider's shape."""

from __future__ import annotations

import json
from typing import Any

from spoki_actions import tools

UPSERT = {"phone": "+393331234567", "first_name": "Maria", "last_name": None, "email": None, "language": None,
          "custom_fields": [{"key": "LOYALTY_TIER", "value": "Gold"}]}


def test_openai_strict_write_undoes_pairs_and_nulls(spoki_client: Any) -> None:
    call = {"id": "call_1", "type": "function",
            "function": {"name": "SPOKI_CREATE_OR_UPDATE_CONTACT", "arguments": json.dumps(UPSERT)}}
    out = tools.dispatch(call, client=spoki_client)
    assert out["role"] == "tool" and out["tool_call_id"] == "call_1"
    data = json.loads(out["content"])
    assert data["phone"] == "+393331234567" and data["first_name"] == "Maria"


def test_openai_responses_read(spoki_client: Any) -> None:
    call = {"type": "function_call", "call_id": "c2", "name": "SPOKI_LIST_TAGS", "arguments": "{}"}
    out = tools.dispatch(call, client=spoki_client)
    assert out["role"] == "tool" and out["tool_call_id"] == "c2"
    assert "results" in json.loads(out["content"]) or isinstance(json.loads(out["content"]), list)


def test_anthropic_invalid_input_names_the_field(spoki_client: Any) -> None:
    call = {"type": "tool_use", "id": "tu_1", "name": "SPOKI_RETRIEVE_CONTACT", "input": {"contact_id": 0}}
    out = tools.dispatch(call, client=spoki_client)
    assert out["type"] == "tool_result" and out["tool_use_id"] == "tu_1" and out["is_error"] is True
    error = json.loads(out["content"])["error"]
    assert error["kind"] == "validation" and error["retryable"] is False
    assert [p["field"] for p in error["problems"]] == ["contact_id"]


def test_gemini_label_enum_and_float_integers(spoki_client: Any) -> None:
    call = {"function_call": {"name": "SPOKI_CREATE_CUSTOM_FIELD", "id": "g1",
                              "args": {"code": "LOYALTY_TIER_X", "label": "Loyalty tier X", "example": "Gold",
                                       "field_type": "DATE"}}}
    out = tools.dispatch(call, client=spoki_client)
    response = out["function_response"]
    assert response["name"] == "SPOKI_CREATE_CUSTOM_FIELD" and response["id"] == "g1"
    assert response["response"]["output"]["field_type"] == 2, response
    again = tools.dispatch({"name": "SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD",
                            "args": {"custom_field_id": float(response["response"]["output"]["id"])}},
                           client=spoki_client)
    assert again["function_response"]["response"]["output"]["code"] == "LOYALTY_TIER_X"


def test_unknown_tool_and_bad_arguments(spoki_client: Any) -> None:
    out = tools.dispatch({"name": "SPOKI_NOPE", "arguments": {}}, client=spoki_client)
    assert out["isError"] is True and "unknown_action" in out["content"][0]["text"]
    bad = tools.dispatch({"id": "x", "type": "function", "function": {"name": "SPOKI_LIST_TAGS", "arguments": "{"}},
                         client=spoki_client)
    assert json.loads(bad["content"])["error"]["kind"] == "validation"


def test_mcp_structured_content_wraps_arrays(spoki_client: Any) -> None:
    out = tools.dispatch({"name": "SPOKI_LIST_AGENCIES", "arguments": {}}, client=spoki_client)
    assert out["isError"] is False
    assert isinstance(out["structuredContent"], dict)
    assert json.loads(out["content"][0]["text"]) == out["structuredContent"].get("items", out["structuredContent"])


def _faults(sim: Any, spec: dict[str, Any]) -> None:
    import httpx

    r = httpx.post(f"{sim.control_url}/faults", json={"global": spec}, headers={"X-Spoki-Api-Key": sim.api_key})
    assert r.status_code == 200, r.text


def test_upstream_5xx_and_429_say_retryable(spoki_simulator: Any) -> None:
    from spoki_actions import Client

    with Client(api_key=spoki_simulator.api_key, base_url=spoki_simulator.base_url, max_retries=0) as client:
        _faults(spoki_simulator, {"error_rate": 1.0, "error_statuses": [503]})
        out = tools.dispatch({"type": "tool_use", "id": "t", "name": "SPOKI_LIST_TAGS", "input": {}}, client=client)
        error = json.loads(out["content"])["error"]
        assert out["is_error"] is True and error["kind"] == "upstream" and error["retryable"] is True
        assert error["status"] == 503
        _faults(spoki_simulator, {"throttle_rate": 1.0, "retry_after": 1})
        out = tools.dispatch({"name": "SPOKI_LIST_TAGS", "arguments": {}}, client=client)
        assert out["isError"] is True
        assert "error rate_limited" in out["content"][0]["text"] and "(retryable: yes)" in out["content"][0]["text"]
