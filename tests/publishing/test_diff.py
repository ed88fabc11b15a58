"""`spoki-actions diff`: mutated copies of the real specs, judged by rule, severity and role."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from spoki_actions.diff import compare, required_bump
from spoki_actions.loader import load_catalogue

ROOT = Path(__file__).resolve().parents[2]


def _copy(tmp: Path, name: str) -> Path:
    dest = tmp / name / "specs"
    shutil.copytree(ROOT / "specs", dest)
    shutil.copy(ROOT / "pyproject.toml", dest.parent / "pyproject.toml")
    return dest


def _diff(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spoki_actions.cli", "diff", *argv], capture_output=True,
                          text=True, check=False, cwd=ROOT)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_same_tree_and_git_head_have_no_findings() -> None:
    done = _diff("specs", "specs")
    assert done.returncode == 0 and done.stdout.startswith("0 finding(s)")
    head = _diff("git:HEAD", "specs", "--format", "json")
    assert head.returncode in (0, 1), head.stderr  # the work tree may differ from HEAD, but both load


def test_new_required_input_and_removed_output_field_are_breaking(tmp_path: Path) -> None:
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")
    _edit(new / "tickets/list_tickets.yaml", "  status:\n    type: string\n",
          "  status:\n    type: string\n    required: true\n")
    _edit(new / "_shared/ticket_page.yaml", "required: [count, next, previous, results]", "required: [count, results]")
    findings = compare(load_catalogue(old), load_catalogue(new))
    rules = {(f.rule, f.severity, f.role, f.where) for f in findings}
    assert ("input-optional-to-required", "breaking", "caller", "input.status") in rules
    assert ("output-required-to-optional", "breaking", "reader", "output.next") in rules
    assert required_bump(findings, "0.1.0") == "minor" and required_bump(findings, "1.2.0") == "major"
    done = _diff(str(old), str(new), "--format", "markdown")
    assert done.returncode == 1
    assert done.stdout.startswith("### Schemas (") and "#### Breaking" in done.stdout
    assert "`SPOKI_LIST_TICKETS` input.status: now required (input-optional-to-required, caller)" in done.stdout


def test_additions_pass_and_a_removed_action_fails(tmp_path: Path) -> None:
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")
    _edit(new / "tickets/list_tickets.yaml", "  status:\n", "  label:\n    type: string\n    description: x.\n"
          "  status:\n")
    done = _diff(str(old), str(new), "--format", "json")
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["semver"] == "minor"
    assert [f["rule"] for f in report["findings"]] == ["input-optional-added"]
    assert _diff(str(old), str(new), "--fail-on", "addition").returncode == 1
    (new / "tickets/list_tickets.yaml").unlink()
    gone = _diff(str(old), str(new))
    assert gone.returncode == 1 and re.search(r"breaking\s+action-removed\s+SPOKI_LIST_TICKETS", gone.stdout)


def test_safety_weakened_and_bound_tightened(tmp_path: Path) -> None:
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")
    _edit(new / "tickets/list_tickets.yaml", "safety: read", "safety: unsafe")
    _edit(new / "tickets/list_tickets.yaml", "    minimum: 1\n    description: Page number, from 1.\n    example: 1",
          "    minimum: 2\n    description: Page number, from 1.\n    example: 2")
    rules = {f.rule: f for f in compare(load_catalogue(old), load_catalogue(new))}
    assert rules["safety-weakened"].role == "retries" and rules["safety-weakened"].severity == "breaking"
    assert rules["input-bound-tightened"].message == "minimum 1 -> 2"


def test_a_side_that_does_not_load_exits_2_with_its_lint_lines(tmp_path: Path) -> None:
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")
    _edit(new / "tickets/list_tickets.yaml", "safety: read", "safety: sometimes")
    done = _diff(str(old), str(new))
    assert done.returncode == 2
    assert "list_tickets.yaml:" in done.stderr and "does not load" in done.stderr
    bad_ref = _diff("git:no-such-ref-xyz", str(new))
    assert bad_ref.returncode == 2 and "git cannot read specs/" in bad_ref.stderr


def test_check_version_says_whether_the_bump_is_enough(tmp_path: Path) -> None:
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")
    (new / "tickets/list_tickets.yaml").unlink()
    same = _diff(str(old), str(new), "--check-version", "--fail-on", "breaking")
    assert same.returncode == 1 and "is NOT enough" in same.stdout
    _edit(new.parent / "pyproject.toml", 'version = "0.1.0"', 'version = "0.2.0"')
    bumped = _diff(str(old), str(new), "--check-version", "--fail-on", "info", "--format", "json")
    assert json.loads(bumped.stdout)["version_ok"] is True
