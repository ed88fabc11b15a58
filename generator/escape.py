"""Escaping: any spec text → a safe literal for Python source or Markdown.

Input: arbitrary strings from the specs (quotes, backslashes, `{{ }}`, `</script>`, control
characters, any script). Output: Python string literals that evaluate back to exactly that text,
and Markdown that a reader sees as that text. Templates only ever receive these results, so spec
text can never become code: it is always inside a literal or escaped prose.
"""

from __future__ import annotations

import itertools
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
    if text.isprintable():  # nearly always: nothing to escape
        return text
    return "".join(
        c if c.isprintable() or (keep_newlines and c == "\n") else ("\\n" if c == "\n" else _escape_char(c))
        for c in text
    )


def py_str(text: str) -> str:
    """A double-quoted Python string literal whose value is exactly `text`."""
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _escape_unprintable(body, keep_newlines=False) + '"'


def py_docstring(text: str, indent: str = "") -> str:
    """A triple-quoted literal whose value is exactly `text` (newlines kept as real line breaks),
    except that `indent` precedes every non-empty line after the first.

    Backslashes are doubled, a quote that would complete a run of three (or close the text) is
    escaped, and characters that are not printable (tabs, CR, NUL, line separators, bidi
    controls) become escape sequences, so the literal always ends where we end it.
    """
    if indent:
        first, *rest = text.split("\n")
        text = "\n".join([first, *(indent + line if line else line for line in rest)])
    if '"' not in text and "\\" not in text and text.replace("\n", "").isprintable():
        return '"""' + text + '"""'  # nearly always: nothing to escape
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
        return repr(value) if value == value and abs(value) != float("inf") else f'float("{value}")'
    if isinstance(value, list):
        return "[" + ", ".join(py_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_str(str(k))}: {py_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def json_text(value: Any) -> str:
    """Compact JSON for showing a value in docs (invisible characters as `\\u` escapes)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if text.isprintable():  # nearly always: nothing invisible
        return text
    return "".join(c if c.isprintable() else _json_escape(c) for c in text)


def _json_escape(c: str) -> str:
    code = ord(c)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


# --- Markdown --------------------------------------------------------------------------------

_BLOCK_START = re.compile(r"^([#>+=|*-]|\d+[.)])")


def _plain(text: str) -> str:
    """Text outside code spans: shown as written, never read as HTML or an escape; invisible
    characters (line separators, bidi controls) as character references."""
    text = text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if text.replace("\n", "").replace("\t", "").isprintable():  # nearly always: nothing invisible
        return text
    return "".join(c if c.isprintable() or c in "\n\t" else f"&#x{ord(c):x};" for c in text)


def _line(line: str) -> str:
    """A line that must not open a Markdown block (heading, quote, list, rule, code block)."""
    if line.startswith(" "):
        line = "&#32;" + line[1:]
    marker = _BLOCK_START.match(line)
    if marker is not None:
        end = marker.end() - 1
        line = line[:end] + "\\" + line[end:]
    return line


def md_prose(text: str) -> str:
    """Spec prose as Markdown that renders as the text the author wrote.

    Backtick code spans are kept (authors write `code`); outside them `<`, `>` and `&` become
    entities (so `</script>` is text, never markup) and backslashes are doubled; a line that
    would open a heading, quote, list or code block has its marker escaped; each newline is a
    hard line break, and a blank line still separates paragraphs.
    """
    out: list[str] = []
    pos = 0
    while True:
        opening = _BACKTICKS.search(text, pos)
        if opening is None:
            out.append(_plain(text[pos:]))
            break
        closing = _closing_run(text, opening)
        if closing is None:  # an unmatched run of backticks is literal text
            out.append(_plain(text[pos:opening.start()]) + "\\`" * len(opening.group()))
            pos = opening.end()
            continue
        out.append(_plain(text[pos:opening.start()]))
        out.append(text[opening.start():closing.end()])
        pos = closing.end()
    lines = [_line(line) for line in "".join(out).split("\n")]
    joined = lines[0]
    for previous, line in itertools.pairwise(lines):
        joined += ("\n" if not line or not previous else "\\\n") + line
    return joined


def _closing_run(text: str, opening: re.Match[str]) -> re.Match[str] | None:
    width = len(opening.group())
    for run in _BACKTICKS.finditer(text, opening.end()):
        if len(run.group()) == width:
            return run
    return None


def md_cell(text: str) -> str:
    """Spec prose inside a Markdown table cell: one line (`<br>` between lines), `|` escaped."""
    prose = md_prose(text).replace("|", "\\|")
    return prose.replace("\\\n", "<br>").replace("\n", "<br>")


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
