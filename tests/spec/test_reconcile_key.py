"""`behaviour.reconcile` (how a batch reads back an uncertain unsafe call): lint refuses a rule that
could not work, at the line of the rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spoki_actions import loader

SPECS = Path(__file__).resolve().parents[2] / "specs"
RULE = """  reconcile:
    action: SPOKI_SPOKI_LIST_CUSTOM_FIELDS
    params: {code: code}
    records: custom_fields
    match: {code: code}
"""


def _with_rule(tmp_path: Path, rule: str, safety: str = "unsafe") -> list[str]:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    path = specs / "custom_fields" / "create_custom_field.yaml"
    text = path.read_text(encoding="utf-8")
    head = text[:text.index("  # A batch that lost")]
    path.write_text(head.replace("safety: unsafe", f"safety: {safety}") + rule, encoding="utf-8")
    return [f"{p.key_path}: {p.message}" for p in loader.lint(specs)]


def test_the_shipped_rule_is_valid() -> None:
    rule = loader.load_catalogue(SPECS).actions["SPOKI_CREATE_CUSTOM_FIELD"].behaviour.reconcile
    assert rule is not None and rule.action == "SPOKI_SPOKI_LIST_CUSTOM_FIELDS" and rule.match == {"code": "code"}


@pytest.mark.parametrize(("rule", "safety", "expected"), [
    (RULE, "idempotent", "behaviour.reconcile: reconcile is for unsafe actions (a read or idempotent call is "
                         "simply re-sent)"),
    (RULE.replace("SPOKI_SPOKI_LIST_CUSTOM_FIELDS", "SPOKI_LIST_FIELDS"), "unsafe",
     "behaviour.reconcile.action: reconcile action 'SPOKI_LIST_FIELDS' is not a known action"),
    (RULE.replace("SPOKI_SPOKI_LIST_CUSTOM_FIELDS", "SPOKI_UPDATE_CUSTOM_FIELD"), "unsafe",
     "behaviour.reconcile.action: reconcile action 'SPOKI_UPDATE_CUSTOM_FIELD' must be a read action "
     "(it is idempotent)"),
    (RULE.replace("params: {code: code}", "params: {code: kode}"), "unsafe",
     "behaviour.reconcile.params.code: 'kode' is not an input of this action "
     "(inputs: code, example, field_type, label)"),
    (RULE.replace("params: {code: code}", "params: {name: code}"), "unsafe",
     "behaviour.reconcile.params.name: SPOKI_SPOKI_LIST_CUSTOM_FIELDS has no input 'name' (inputs: code, label)"),
    (RULE.replace("records: custom_fields", "records: 'custom_fields[?'"), "unsafe", "behaviour.reconcile.records"),
])
def test_a_rule_that_cannot_work_is_refused(tmp_path: Path, rule: str, safety: str, expected: str) -> None:
    problems = _with_rule(tmp_path, rule, safety)
    assert any(p.startswith(expected) for p in problems), problems
