"""The OpenAPI YAML: libyaml's emitter for documents it writes as PyYAML's does, PyYAML's for the rest.

`openapi.yaml_dump` promises `yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)`
byte for byte. These tests compare libyaml's text with PyYAML's for documents that pass the gate
(random ones, and the widths, key lengths and scalar styles where the two emitters could part), and
check that documents holding what libyaml writes differently go to PyYAML.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoki_actions.generator.emitters import openapi

pytestmark = pytest.mark.skipif(openapi._C_DUMPER is None, reason="PyYAML built without libyaml")


def _python(doc: Any) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def _libyaml(doc: Any) -> str:
    return yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100)


# what makes a scalar plain, single-quoted or folded: indicators, quotes, words YAML resolves to other
# types, spaces at the ends and runs of them, and BMP characters beyond ASCII (no-break and wide spaces,
# CJK, private use, the last ones before the surrogates and the BOM)
_PIECES = [*" abcxyzABZ019.,:;-_'\"#{}[]*&!|>%@`?~=+/\\<()$^", "è", "漢", "\u00a0", "\ufffd", "\ue000", "\ud7ff",
           "’", "—", "\u3000", "\u2000", "\u200b", "\u2027", "\u202a", "\ufefe", "\uff01", "true", "null", "yes",
           "no", "~", "1.5", "0x1f", "1e3", "- ", ": ", " #", "---", "...", "2020-01-01", "<<", "  "]
_words = st.lists(st.text("abcdefghij", min_size=1, max_size=15), min_size=1, max_size=40).map(" ".join)
_text = st.one_of(st.lists(st.sampled_from(_PIECES), max_size=160).map("".join), _words)
_keys = st.one_of(_text, st.integers(), st.booleans(), st.none()).filter(openapi._simple_key)
_scalars = st.one_of(_text, st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                     st.none())
_documents = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                            st.dictionaries(_keys, inner, max_size=5)), max_leaves=40)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_keys, _documents, min_size=1, max_size=4))
def test_a_document_through_the_gate_is_the_same_text_from_both_emitters(doc: dict[Any, Any]) -> None:
    assert openapi._same_in_both(doc)
    assert _libyaml(doc) == _python(doc)
    assert openapi.yaml_dump(doc) == _python(doc)


@pytest.mark.parametrize("length", [1, 98, 99, 100, 101, 102, 200, 301])
@pytest.mark.parametrize("unit", ["a", "a b", "è ", "漢字 ", "it's ", ": x", "#", "\u3000", "'", '"', " "])
def test_folding_at_every_width_is_the_same(length: int, unit: str) -> None:
    text = (unit * length)[:length]
    doc = {"description": text, "nested": {"list": [text, {"k": text}]}, "x": [[text]]}
    assert openapi._same_in_both(doc)
    assert _libyaml(doc) == _python(doc)


@pytest.mark.parametrize("length", [1, 60, 120, 121, 122])
@pytest.mark.parametrize("unit", ["a", "é", "漢", "a: "])
def test_keys_through_the_gate_are_simple_keys_in_both(length: int, unit: str) -> None:
    key = (unit * length)[:length]
    if not openapi._simple_key(key):
        assert len(key.encode("utf-8")) > 122
        return
    doc = {key: {key: [key]}, "after": 1}
    assert _libyaml(doc) == _python(doc)


@pytest.mark.parametrize("value", [
    "tab\there", "two\nlines", "trailing\n", "nel\x85", "line\u2028separator", "paragraph\u2029separator",
    "bom\ufeff", "bell\x07", "del\x7f", "emoji 😀", "astral \U00010000", "noncharacter \ufffe",
])
def test_what_libyaml_writes_otherwise_goes_to_pyyaml(value: str) -> None:
    for doc in ({"k": value}, {value: 1}, {"k": [{"x": value}]}):
        assert not openapi._same_in_both(doc)
        assert openapi.yaml_dump(doc) == _python(doc)


@pytest.mark.parametrize("key", ["", "k" * 123, "é" * 62, "a" * 200])
def test_keys_pyyaml_writes_as_complex_keys_go_to_pyyaml(key: str) -> None:
    doc = {key: "v", "other": [1]}
    assert not openapi._same_in_both(doc)
    assert openapi.yaml_dump(doc) == _python(doc)


def test_the_two_emitters_really_differ_where_the_gate_says_so() -> None:
    """The gate is not wider than it must be for these: each is a case libyaml writes differently."""
    for doc in ({"k": "emoji 😀"}, {"": 1}, {"k" * 125: 1}, {"k": "tab\tthere and a long line " * 6}):
        assert _libyaml(doc) != _python(doc)


def test_the_openapi_yaml_of_the_real_specs_comes_from_libyaml() -> None:
    from spoki_actions.loader import load_catalogue

    from .conftest import SPECS

    doc = openapi.document(load_catalogue(SPECS))
    assert openapi._same_in_both(doc)
    assert _libyaml(doc) == _python(doc)
