"""Escaping: any spec text → a safe literal for Python source or Markdown.

Input: arbitrary strings from the specs (quotes, backslashes, `{{ }}`, `</script>`, control
characters, any script). Output: Python string literals that evaluate back to exactly that text,
and Markdown that a reader sees as that text. Templates only ever receive these results, so spec
text can never become code: it is always inside a literal or escaped prose.
"""

from __future__ import annotations

import json
import re
from typing import Any

_BACKTICKS = re.compile(r"`+")


def _escape_char(c: str) -> str:
    code = ord(c)
    if c == "\t":
        return "\\t"
    if c == "\r":
        return "\\r"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _escape_unprintable(text: str, keep_newlines: bool) -> str:
    return "".join(
        c if c.isprintable() or (keep_newlines and c == "\n") else ("\\n" if c == "\n" else _escape_char(c))
        for c in text
    )


def py_str(text: str) -> str:
    """A double-quoted Python string literal whose value is exactly `text`."""
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _escape_unprintable(body, keep_newlines=False) + '"'


def py_docstring(text: str) -> str:
    """A triple-quoted literal whose value is exactly `text` (newlines kept as real line breaks).

    Backslashes are doubled, a quote that would complete a run of three (or close the text) is
    escaped, and characters that are not printable (tabs, CR, NUL, line separators, bidi
    controls) become escape sequences, so the literal always ends where we end it.
    """
    out: list[str] = []
    run = 0  # unescaped quotes just emitted
    last = len(text) - 1
    for i, c in enumerate(text):
        if c == '"':
            if run == 2 or i == last:
                out.append('\\"')
                run = 0
            else:
                out.append(c)
                run += 1
            continue
        run = 0
        if c == "\\":
            out.append("\\\\")
        elif c == "\n" or c.isprintable():
            out.append(c)
        else:
            out.append(_escape_char(c))
    return '"""' + "".join(out) + '"""'


def py_value(value: Any) -> str:
    """A Python expression for a JSON-compatible value (dicts, lists, strings, numbers, bools, None)."""
    if isinstance(value, str):
        return py_str(value)
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else "None"
    if isinstance(value, list):
        return "[" + ", ".join(py_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_str(str(k))}: {py_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def json_text(value: Any) -> str:
    """Compact JSON for showing a value in docs."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# --- Markdown --------------------------------------------------------------------------------

def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_prose(text: str) -> str:
    """Spec prose as Markdown: code spans kept as written, HTML outside them neutralised.

    Authors write backticks for code (`code`), so Markdown stays Markdown; but `<`, `>` and `&`
    outside code spans become entities, so `</script>` or a stray tag shows as text and never
    reaches a browser as markup.
    """
    out: list[str] = []
    pos = 0
    while True:
        opening = _BACKTICKS.search(text, pos)
        if opening is None:
            out.append(_html(text[pos:]))
            return "".join(out)
        closing = _closing_run(text, opening)
        if closing is None:  # an unmatched run of backticks is literal text
            out.append(_html(text[pos:opening.end()]))
            pos = opening.end()
            continue
        out.append(_html(text[pos:opening.start()]))
        out.append(text[opening.start():closing.end()])
        pos = closing.end()


def _closing_run(text: str, opening: re.Match[str]) -> re.Match[str] | None:
    width = len(opening.group())
    for run in _BACKTICKS.finditer(text, opening.end()):
        if len(run.group()) == width:
            return run
    return None


def md_cell(text: str) -> str:
    """Spec prose inside a Markdown table cell: one line, `|` escaped."""
    prose = md_prose(text).replace("|", "\\|")
    return "<br>".join(prose.splitlines()) if prose else ""


def md_code(text: str) -> str:
    """Any text as one inline code span (fence longer than any backtick run inside; newlines as spaces)."""
    flat = " ".join(text.splitlines()) if text else ""
    runs = [len(r) for r in _BACKTICKS.findall(flat)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or flat.startswith(" ") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def md_code_cell(text: str) -> str:
    """An inline code span inside a table cell (`|` escaped, as GFM requires even in code)."""
    return md_code(text).replace("|", "\\|")


def md_fence(code: str) -> str:
    """The backtick fence for a code block holding `code` (longer than any run inside)."""
    runs = [len(r) for r in _BACKTICKS.findall(code)]
    return "`" * max(3, max(runs, default=0) + 1)
