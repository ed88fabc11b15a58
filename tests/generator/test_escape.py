"""Spec text → Python literals and Markdown: every string survives exactly, none becomes code or markup."""

from __future__ import annotations

import ast
import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from spoki_actions.generator.escape import md_cell, md_code, md_fence, md_prose, py_docstring, py_str, py_value

ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
NASTY = st.text(alphabet=st.sampled_from(list('"\'\\\n\r\t\x00{}%#<>&|`*-1. \u2028\u202e😀日')), max_size=40)
# NUL cannot be shown in HTML at all (it renders as U+FFFD), so prose is checked without it
PROSE = NASTY.filter(lambda t: "`" not in t and "\x00" not in t)
_ENTITY = re.compile(r"&(#x[0-9a-f]+|#\d+|amp|lt|gt);")


def md_unescape(markdown: str) -> str:
    """The text a reader sees in `md_prose` output (no code spans in it): escapes and entities undone."""
    out: list[str] = []
    i = 0
    while i < len(markdown):
        c = markdown[i]
        if c == "\\" and i + 1 < len(markdown):
            out.append(markdown[i + 1])
            i += 2
            continue
        entity = _ENTITY.match(markdown, i)
        if entity is not None:
            out.append(html.unescape(entity.group()))
            i = entity.end()
            continue
        out.append(c)
        i += 1
    return "".join(out)


@given(st.one_of(ANY_TEXT, NASTY))
@settings(max_examples=400)
def test_python_literals_evaluate_to_the_text(text: str) -> None:
    for literal in (py_str(text), py_docstring(text)):
        assert ast.literal_eval(literal) == text
        tree = ast.parse(f"def f():\n    {literal}\n    return 1\n")
        function = tree.body[0]
        assert isinstance(function, ast.FunctionDef) and ast.get_docstring(function, clean=False) == text
        assert all(c.isprintable() or c == "\n" for c in literal)


@given(st.recursive(st.none() | st.booleans() | st.integers() | ANY_TEXT,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3)))
def test_python_values_evaluate_to_the_value(value: object) -> None:
    assert ast.literal_eval(py_value(value)) == value


@given(PROSE)
@settings(max_examples=400)
def test_markdown_prose_shows_the_text_and_no_markup(text: str) -> None:
    markdown = md_prose(text)
    assert md_unescape(markdown) == text
    assert "<" not in markdown and ">" not in markdown
    for line in markdown.split("\n"):
        assert not re.match(r"^( {1,3})?([#>+=*-]|\d+[.)])", line), line  # no block marker survives


def test_markdown_keeps_code_spans_and_neutralises_html() -> None:
    assert md_prose("Use `a<b` and </script>") == "Use `a<b` and &lt;/script&gt;"
    assert md_prose("unmatched ` tick") == "unmatched \\` tick"
    assert md_prose("line one\nline two\n\n# not a heading") == "line one\\\nline two\n\n\\# not a heading"
    assert md_cell("a | b\nc") == "a \\| b<br>c"
    assert md_code("a`b") == "``a`b``" and md_code("`x`") == "`` `x` ``"
    assert md_fence("x = '```'") == "````"


def outside_code(markdown: str) -> str:
    """Markdown minus fenced code blocks and inline code spans (whose text is never markup)."""
    kept: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        opening = re.match(r"^(`{3,})", line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None and line.startswith(fence):
            fence = None
        elif fence is None:
            kept.append(re.sub(r"(`+)(.+?)\1", "", line))
    return "\n".join(kept)
