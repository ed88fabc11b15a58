"""The way back: a provider's tool call → the action's params → a run → the provider's tool result.

Stage: above the runtime, through its public API (`Client.execute`). Input: a tool call as the
provider sends it (a dict or an SDK object: OpenAI chat `tool_call` or Responses `function_call`,
Anthropic `tool_use`, Gemini `function_call`, or MCP name + arguments). Output: the tool result in
that provider's shape. Projections are undone per dialect ({key, value} pairs → map, Gemini enum
labels → integers), and explicit nulls of optional params mean "not given". Failures carry what a
model can act on: the error kind, whether a retry can help, and every field problem.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from spoki_actions.spec import ActionSpec, Catalogue

from ._project import Dialect, is_map

if TYPE_CHECKING:
    from spoki_actions import Client, Outcome


def _plain(call: Any) -> dict[str, Any]:
    if isinstance(call, dict):
        return call
    dump = getattr(call, "model_dump", None) or getattr(call, "to_dict", None)
    if dump is None:
        raise TypeError(f"a tool call must be a dict or an SDK object, got {type(call).__name__}")
    data: dict[str, Any] = dump()
    return data


def parse_call(call: Any) -> tuple[Dialect, str, Any, str | None]:
    """(dialect family, tool name, raw arguments, call id) of a provider's tool call."""
    c = _plain(call)
    if "function" in c and isinstance(c["function"], dict):  # OpenAI chat completions
        return "openai", c["function"].get("name", ""), c["function"].get("arguments"), c.get("id")
    if c.get("type") == "function_call":  # OpenAI Responses API
        return "openai", c.get("name", ""), c.get("arguments"), c.get("call_id")
    if c.get("type") == "tool_use":  # Anthropic
        return "anthropic", c.get("name", ""), c.get("input"), c.get("id")
    if "function_call" in c and isinstance(c["function_call"], dict):  # Gemini Part
        fc = c["function_call"]
        return "gemini", fc.get("name", ""), fc.get("args"), fc.get("id")
    if "args" in c:  # Gemini FunctionCall
        return "gemini", c.get("name", ""), c.get("args"), c.get("id")
    if "arguments" in c and "name" in c:  # MCP tools/call params
        return "mcp", c["name"], c["arguments"], None
    raise ValueError("unrecognised tool call: expected an OpenAI tool_call/function_call, an Anthropic tool_use, "
                     "a Gemini function_call or MCP {name, arguments}")


class ArgumentsError(ValueError):
    """The provider's arguments are not a JSON object."""


def _arguments(raw: Any) -> dict[str, Any]:
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise ArgumentsError(f"the arguments are not valid JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise ArgumentsError(f"the arguments must be a JSON object, got {type(raw).__name__}")
    return dict(raw)


def undo(action: ActionSpec, arguments: dict[str, Any], dialect: Dialect) -> dict[str, Any]:
    """The action's params from a dialect's arguments (every projection reversed; unknown keys kept,
    so the runtime names them)."""
    params: dict[str, Any] = {}
    by_name = {p.name: p for p in action.params}
    for key, value in arguments.items():
        p = by_name.get(key)
        if p is None:
            params[key] = value
            continue
        if value is None and not p.required:
            continue  # an explicit null of an optional param means "not given"
        pairs = isinstance(value, list) and all(isinstance(v, dict) and set(v) == {"key", "value"} for v in value)
        if is_map(p) and pairs:
            value = {v["key"]: v["value"] for v in value}
        if p.enum is not None and p.type == "integer" and isinstance(value, str) and p.enum.labels:
            labels = dict(zip(p.enum.labels, p.enum.values, strict=True))
            value = labels.get(value, labels.get(value.upper(), value))
        if p.type == "integer" and isinstance(value, float) and value.is_integer():
            value = int(value)  # Gemini sends numbers as floats
        params[key] = value
    return params


def error_payload(outcome: Outcome) -> dict[str, Any]:
    kind = outcome.kind.value if outcome.kind is not None else "api_error"
    out: dict[str, Any] = {"kind": kind, "message": outcome.error or "", "retryable": outcome.retryable}
    if outcome.status is not None:
        out["status"] = outcome.status
    if outcome.problems:
        out["problems"] = [{"field": p.field, "message": p.message} for p in outcome.problems]
    out["hint"] = _hint(kind, outcome.retryable)
    return out


def _hint(kind: str, retryable: bool) -> str:
    if kind in ("validation", "bad_request"):
        return "fix the named fields and call again"
    if retryable:
        return "a later identical call may succeed"
    if kind == "unknown_action":
        return "use one of the listed tools"
    return "do not retry the same call unchanged"


def error_text(error: dict[str, Any]) -> str:
    """One line a model reads: kind, retryability, each field problem."""
    text = f"error {error['kind']}: {error['message']} (retryable: {'yes' if error['retryable'] else 'no'})"
    for p in error.get("problems", ()):
        text += f"\n- {p['field']}: {p['message']}"
    return text


def run(client: Client, catalogue: Catalogue, name: str, raw: Any,
        dialect: Dialect) -> tuple[bool, Any, Outcome | None]:
    """(ok, data or error payload, outcome) for one call."""
    action = catalogue.actions.get(name)
    if action is None:
        close = sorted(catalogue.actions)
        return False, {"kind": "unknown_action", "message": f"no tool named {name!r}", "retryable": False,
                       "hint": f"use one of: {', '.join(close)}"}, None
    try:
        arguments = _arguments(raw)
    except ArgumentsError as exc:
        return False, {"kind": "validation", "message": str(exc), "retryable": False,
                       "hint": "send the arguments as one JSON object"}, None
    outcome = client.execute(name, undo(action, arguments, dialect))
    if outcome.successful:
        return True, outcome.data, outcome
    return False, error_payload(outcome), outcome


def result(family: Dialect, call_id: str | None, name: str, ok: bool, payload: Any) -> dict[str, Any]:
    """The tool result in the provider's shape."""
    text = json.dumps(payload if ok else {"error": payload}, ensure_ascii=False, separators=(",", ":"))
    if family == "openai":
        return {"role": "tool", "tool_call_id": call_id, "content": text}
    if family == "anthropic":
        out: dict[str, Any] = {"type": "tool_result", "tool_use_id": call_id, "content": text}
        if not ok:
            out["is_error"] = True
        return out
    if family == "gemini":
        response: dict[str, Any] = {"output": payload} if ok else {"error": payload}
        fr: dict[str, Any] = {"name": name, "response": response}
        if call_id:
            fr["id"] = call_id
        return {"function_response": fr}
    content = [{"type": "text", "text": text if ok else error_text(payload)}]
    mcp: dict[str, Any] = {"content": content, "isError": not ok}
    if ok:
        mcp["structuredContent"] = payload if isinstance(payload, dict) else {"items": payload}
    return mcp
