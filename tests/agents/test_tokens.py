"""Token budgets with OpenAI's o200k encoding, counted on exactly what is sent (compact JSON)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from spoki_actions import tools

from .tokens import count, o200k

pytestmark = pytest.mark.filterwarnings("ignore:Anthropic allows at most")
README = Path(__file__).resolve().parents[2] / "tools" / "README.md"


def test_the_encoding_is_o200k() -> None:
    enc = o200k()
    assert enc.name == "o200k_base" and enc.n_vocab == 200019
    assert enc.decode(enc.encode("Spoki contacts: +393331234567")) == "Spoki contacts: +393331234567"


def test_each_lean_tool_within_300() -> None:
    over = {t["name"]: n for t in tools.mcp(deprecated=True) if (n := count({k: t[k] for k in
            ("name", "description", "inputSchema")})) > 300}
    assert over == {}


# The budget. Measured 3,348 before the projection got leaner (descriptions that restate a
# param's name left out, a pattern several params share said once in `$defs`, shorter notes) and the
# specs' descriptions lost what their params' schemas already say.
OPENAI_STRICT_BUDGET = 3000


def test_all_openai_strict_tools_within_budget() -> None:
    assert count(tools.openai(strict=True, deprecated=True)) <= OPENAI_STRICT_BUDGET


def table() -> str:
    rows = {}
    for dialect in tools.DIALECTS:
        for t in tools.tools(dialect, deprecated=True):
            name = t.get("name") or t["function"]["name"]
            rows.setdefault(name, {})[dialect] = count(t)
    lines = ["| action | " + " | ".join(tools.DIALECTS) + " |", "|---|" + "---:|" * len(tools.DIALECTS)]
    for name, counts in rows.items():
        lines.append(f"| {name} | " + " | ".join(str(counts[d]) for d in tools.DIALECTS) + " |")
    totals = [str(count(tools.tools(d, deprecated=True))) for d in tools.DIALECTS]
    lines.append("| **all, as one `tools` list** | " + " | ".join(totals) + " |")
    return "\n".join(lines)


def test_docs_table_is_current() -> None:
    """tools/README.md carries the table; SPOKI_REGEN_TOKENS=1 rewrites it."""
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(r"(<!-- tokens:start -->\n)(.*?)(\n<!-- tokens:end -->)", re.S)
    assert pattern.search(text), "tools/README.md lacks the token table markers"
    if os.environ.get("SPOKI_REGEN_TOKENS"):
        README.write_text(pattern.sub(lambda m: m.group(1) + table() + m.group(3), text), encoding="utf-8")
        text = README.read_text(encoding="utf-8")
    assert pattern.search(text).group(2) == table()  # type: ignore[union-attr]


def test_dynamic_trio_within_400() -> None:
    from spoki_actions.tools import _project

    assert count(_project.dynamic_tools()) <= 400


def test_the_count_is_of_what_the_sdks_send() -> None:
    """The openai and anthropic SDKs put the tools into the request body as the very text `count` measures
    (compact JSON, non-ASCII as is): captured at the HTTP boundary, nothing leaves the machine."""
    import json

    import httpx
    import httpx2
    from anthropic import Anthropic
    from openai import OpenAI

    bodies: list[bytes] = []

    def openai_answer(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        return httpx.Response(200, json={"id": "c", "object": "chat.completion", "created": 0, "model": "m",
                                         "choices": [{"index": 0, "finish_reason": "stop",
                                                      "message": {"role": "assistant", "content": "ok"}}]})

    def anthropic_answer(request: Any) -> Any:
        bodies.append(request.content)
        return httpx2.Response(200, json={"id": "m", "type": "message", "role": "assistant", "model": "m",
                                          "stop_reason": "end_turn", "stop_sequence": None,
                                          "usage": {"input_tokens": 1, "output_tokens": 1},
                                          "content": [{"type": "text", "text": "ok"}]})

    strict = tools.openai(strict=True, deprecated=True)
    with httpx.Client(transport=httpx.MockTransport(openai_answer)) as http:
        OpenAI(api_key="sk-test", http_client=http).chat.completions.create(
            model="m", tools=strict, messages=[{"role": "user", "content": "hi"}])  # type: ignore[arg-type]
    plain = tools.anthropic(deprecated=True)
    with httpx2.Client(transport=httpx2.MockTransport(anthropic_answer)) as http2:
        Anthropic(api_key="sk-ant-test", http_client=http2).messages.create(
            model="m", max_tokens=1, tools=plain, messages=[{"role": "user", "content": "hi"}])  # type: ignore[arg-type]
    for body, sent in zip(bodies, (strict, plain), strict=True):
        text = json.dumps(sent, ensure_ascii=False, separators=(",", ":"))
        assert f'"tools":{text}'.encode() in body
        assert count(sent) == len(o200k().encode(text))
