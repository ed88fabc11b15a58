"""Hostile spec text reaches docstrings, docs, schemas and models exactly, and the code still compiles."""

from __future__ import annotations

import ast
import inspect
import json
import sys
import typing
from pathlib import Path

import httpx
import pytest
import yaml

from spoki_actions import Client
from spoki_actions.generator import pytypes
from spoki_actions.generator.emitters import _bindings
from spoki_actions.generator.escape import md_prose
from spoki_actions.loader import load_catalogue

from .conftest import Generated, import_generated, run_generate, small_specs_with
from .test_escape import md_unescape, outside_code
from .test_functional import getdoc_everywhere

HOSTILE = (
    'He said "hi" and \'bye\'; """triple""" and \'\'\'single\'\'\' \\ back\\slash \\n not-a-newline '
    "{{ 7*7 }} {% if x %}{% endif %} {# c #} </script><script>alert(1)</script> & &amp; | pipe "
    "${x} %s {0}\nsecond line\ttab 日本語 العربية Ελληνικά 😀🎉 \u2028 \u202e end\""
)
TITLE = 'Hostile "title" {{ x }} </script> 😀'


def _spec() -> str:
    spec = {
        "name": "SPOKI_HOSTILE_ACTION", "title": TITLE, "group": "things", "description": HOSTILE,
        "request": {"method": "POST", "path": "things/"},
        "params": {
            "text": {"type": "string", "required": True, "description": HOSTILE, "example": HOSTILE, "in": "body"},
            "choice": {"type": "string", "enum": ["plain", HOSTILE, "a'b", 'a"b'], "description": HOSTILE,
                       "default": HOSTILE},
            "class": {"type": "integer", "description": "A param named like a Python keyword."},
        },
        "response": {"output": {"type": "object", "description": HOSTILE, "properties": {
            "text": {"type": "string", "description": HOSTILE, "enum": [HOSTILE, "x"]},
            "class": {"type": "string"}, "a-b": {"type": "integer"}}}},
        "behaviour": {"safety": "unsafe", "deprecated": {"message": HOSTILE, "replacement": None}},
    }
    return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False)


# leading spaces, blank and whitespace-only lines, quotes and backslashes, but no tab: the
# docstring can be indented and still hand back exactly this text
INDENTED = ('  starts indented\n\n    a block:\n        x = "\\"\\"\\""\n   \n\u3000ideographic indent\n'
            '"""quotes"""\n\n\n  end \\')


def _indented_spec(name: str, title: str) -> str:
    spec = {
        "name": name, "title": title, "group": "things", "description": INDENTED,
        "request": {"method": "GET", "path": "things/"},
        "params": {"text": {"type": "string", "description": INDENTED}},
        "response": {"output": {"type": "object"}},
        "behaviour": {"safety": "read"},
    }
    return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Generated]:
    tmp = tmp_path_factory.mktemp("hostile")
    specs = small_specs_with(tmp, {
        "things/hostile_action.yaml": _spec(),
        "things/indented_text.yaml": _indented_spec("SPOKI_INDENTED_TEXT", "Indented text"),
        "things/indented_title.yaml": _indented_spec("SPOKI_INDENTED_TITLE", "  Title with leading spaces"),
    })
    out = tmp / "generated"
    run_generate(specs, out)
    return specs, import_generated(out)


def test_docstrings_hold_the_yaml_text_exactly(hostile: tuple[Path, Generated]) -> None:
    specs, generated = hostile
    catalogue = load_catalogue(specs)
    action = catalogue.actions["SPOKI_INDENTED_TEXT"]
    assert action.description == INDENTED  # the YAML carried it intact
    text = _bindings.docstring_text(action, pytypes.def_classes(catalogue))
    assert text.startswith(f"Indented text\n\n{INDENTED}\n") and f"    text: {INDENTED}\n" in text
    for function in (generated.actions.indented_text, generated.aio.indented_text):
        assert getdoc_everywhere(function) == (text, text)  # today's Python and 3.13+
    source = _source_of_docstring(generated, "indented_text")
    assert source.startswith('"""Indented text\n\n      starts indented\n\n') and "\n    Args:\n" in source


def test_text_no_indented_docstring_can_hand_back_stays_flush_left(hostile: tuple[Path, Generated]) -> None:
    # a tab (inspect.cleandoc and the 3.13 compiler expand it) or a title starting with spaces
    # (stripped from the first line): kept flush left, where `__doc__` is the text up to 3.12
    specs, generated = hostile
    catalogue = load_catalogue(specs)
    classes = pytypes.def_classes(catalogue)
    for name, function in (("SPOKI_HOSTILE_ACTION", "hostile_action"), ("SPOKI_INDENTED_TITLE", "indented_title")):
        action = catalogue.actions[name]
        text = _bindings.docstring_text(action, classes)
        doc = getattr(generated.actions, function).__doc__
        assert getattr(generated.aio, function).__doc__ == doc
        if sys.version_info < (3, 13):
            assert doc == text
        assert inspect.getdoc(getattr(generated.actions, function)) == inspect.cleandoc(text)
        assert getdoc_everywhere(getattr(generated.actions, function))[1] == inspect.cleandoc(text)
        assert "\nArgs:\n" in _source_of_docstring(generated, function)  # flush left
    action = catalogue.actions["SPOKI_HOSTILE_ACTION"]
    assert action.description == HOSTILE and action.title == TITLE  # the YAML carried it intact
    doc = generated.actions.hostile_action.__doc__
    assert doc.startswith(f"{TITLE}\n\n{HOSTILE}\n\nDeprecated: {HOSTILE}\n")
    assert f"    text: {HOSTILE}\n" in doc and "49" not in doc


def _source_of_docstring(generated: Generated, function: str) -> str:
    source = (generated.out / "python" / "actions.py").read_text("utf-8")
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == function)
    return ast.get_source_segment(source, node.body[0]) or ""


def test_enum_values_become_exact_literals(hostile: tuple[Path, Generated]) -> None:
    _, generated = hostile
    hints = typing.get_type_hints(generated.actions.hostile_action)
    (literal, none) = typing.get_args(hints["choice"])
    assert none is type(None) and typing.get_args(literal) == ("plain", HOSTILE, "a'b", 'a"b')
    assert "class_" in hints


def test_models_hold_the_text_exactly(hostile: tuple[Path, Generated]) -> None:
    _, generated = hostile
    fields = generated.models.HostileActionInput.model_fields
    assert fields["text"].description == HOSTILE and fields["text"].examples == [HOSTILE]
    assert fields["class_"].alias == "class"
    data = generated.models.HostileActionData.model_validate({"text": HOSTILE, "class": "c", "a-b": 1})
    assert data.text == HOSTILE


def test_schemas_and_catalogue_hold_the_text_exactly(hostile: tuple[Path, Generated]) -> None:
    _, generated = hostile
    schemas = generated.out / "schemas"
    inputs = json.loads((schemas / "hostile_action.input.json").read_bytes())
    assert inputs["title"] == f"{TITLE} (input)"
    assert inputs["description"] == f"{HOSTILE}\n\nDeprecated: {HOSTILE}"
    assert inputs["properties"]["text"]["description"] == HOSTILE
    assert inputs["properties"]["choice"]["enum"][:4] == ["plain", HOSTILE, "a'b", 'a"b']
    outputs = json.loads((schemas / "hostile_action.output.json").read_bytes())
    data = outputs["properties"]["data"]["anyOf"][0]
    assert data["description"] == HOSTILE and data["properties"]["text"]["enum"] == [HOSTILE, "x"]
    catalogue = json.loads(generated.catalogue.read_bytes())
    assert catalogue["actions"]["SPOKI_HOSTILE_ACTION"]["description"] == HOSTILE


def test_docs_show_the_text_and_carry_no_markup(hostile: tuple[Path, Generated]) -> None:
    _, generated = hostile
    page = (generated.out / "docs" / "things" / "hostile_action.md").read_text("utf-8")
    prose = md_prose(HOSTILE)
    assert f"\n{prose}\n" in page and md_unescape(prose) == HOSTILE
    banner, body = outside_code(page).split("\n", 1)
    assert banner.startswith("<!-- generated from specs/things/hostile_action.yaml")
    assert "<" not in body.replace("<br>", "")  # no tag but our own line breaks, outside code
    assert all(c.isprintable() or c in "\n\t" for c in page)
    assert f"# {md_prose(TITLE)}\n" in page


def test_generated_python_has_no_invisible_characters(hostile: tuple[Path, Generated]) -> None:
    _, generated = hostile
    for path in sorted((generated.out / "python").glob("*.py")):
        text = path.read_text("utf-8")
        assert all(c.isprintable() or c in "\n" for c in text), path.name


def test_hostile_values_are_sent_exactly(hostile: tuple[Path, Generated]) -> None:
    _, generated = hostile
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"text": HOSTILE, "class": "c"})

    with Client(api_key="k", base_url="https://api.example.test/api/1", transport=httpx.MockTransport(handler),
                catalogue=generated.catalogue, pace=False, cache=False) as client, \
            pytest.warns(DeprecationWarning):
        result = generated.actions.hostile_action(text=HOSTILE, choice=HOSTILE, class_=3, client=client)
    assert json.loads(seen[0].content) == {"text": HOSTILE, "choice": HOSTILE, "class": 3}
    assert result.successful and result.data.text == HOSTILE
