"""`spoki-actions diff`: mutated copies of the real specs, judged by rule, severity and role."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from importlib import metadata
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
    idem = _copy(tmp_path, "idempotent")
    _edit(idem / "tickets/list_tickets.yaml", "safety: read", "safety: idempotent")
    weakened = [f for f in compare(load_catalogue(old), load_catalogue(idem)) if f.rule == "safety-weakened"]
    assert [(f.severity, f.message) for f in weakened] == [
        ("warning", "read -> idempotent: still safe to retry, but no longer read-only (it changes data)")]


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


def _rename_action(specs: Path, group: str, old: str, new: str) -> None:
    """SPOKI_<OLD> becomes SPOKI_<NEW>: the file moves with its name (and variants follow it)."""
    source = specs / group / f"{old.lower()}.yaml"
    text = source.read_text().replace(f"name: SPOKI_{old}\n", f"name: SPOKI_{new}\n")
    source.unlink()
    (specs / group / f"{new.lower()}.yaml").write_text(text)
    for other in (specs / group).glob("*.yaml"):
        other.write_text(other.read_text().replace(f"variant_of: SPOKI_{old}\n", f"variant_of: SPOKI_{new}\n"))


def _found(old: Path, new: Path) -> set[tuple[str, str, str, str]]:
    return {(f.rule, f.severity, f.role, f.path) for f in compare(load_catalogue(old), load_catalogue(new))}


def test_nested_output_fields_are_compared_at_every_depth(tmp_path: Path) -> None:
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")
    # the localization status as 0.1.0 had it (a string) against today's integer-or-string
    _edit(old / "_shared/listed_template_localization.yaml",
          "    anyOf:\n      - type: string\n        examples: [APPROVED, PENDING, REJECTED]\n"
          "      - type: integer\n        examples: [0, 1, 2, 3, 4]\n", "    type: string\n")
    _edit(new / "_shared/listed_template_localization.yaml", "  rejection_reason:\n    type: [string, \"null\"]\n", "")
    _edit(new / "_shared/ticket.yaml", "  closed_datetime:\n    type: [string, \"null\"]\n    format: date-time\n",
          "  closed_datetime:\n    type: [string, \"null\"]\n")
    found = _found(old, new)
    loc = "SPOKI_LIST_TEMPLATES.output.results[].templatelocalization_set[]"
    assert ("output-type-widened", "breaking", "reader", f"{loc}.status") in found
    assert ("output-field-removed", "breaking", "reader", f"{loc}.rejection_reason") in found
    assert ("output-constraint-removed", "breaking", "reader",
            "SPOKI_LIST_TICKETS.output.results[].closed_datetime") in found
    assert not {f for f in found if f[2] == "caller"}  # nothing an output does concerns callers
    done = _diff(str(old), str(new))
    assert re.search(r"breaking\s+output-type-widened\s+SPOKI_LIST_TEMPLATES\.output\.results\[\]\."
                     r"templatelocalization_set\[\]\.status: type \['string'\] -> \['integer', 'string'\]",
                     done.stdout), done.stdout


def test_nested_inputs_are_judged_from_the_callers_side(tmp_path: Path) -> None:
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")
    _edit(old / "contacts/create_or_update_contact.yaml", "    values:\n      type: string\n",
          "    values:\n      type: string\n      enum: [Gold, Silver, Bronze]\n")
    _edit(new / "contacts/create_or_update_contact.yaml", "    values:\n      type: string\n",
          "    values:\n      type: string\n      enum: [Gold, Silver]\n")
    findings = {f.path: f for f in compare(load_catalogue(old), load_catalogue(new))}
    narrowed = findings["SPOKI_CREATE_OR_UPDATE_CONTACT.input.custom_fields.*"]
    assert (narrowed.rule, narrowed.severity, narrowed.role) == ("input-enum-narrowed", "breaking", "caller")
    assert narrowed.message == "values no longer accepted: ['Bronze']"
    assert len(findings) == 1


def test_one_shared_enum_is_judged_per_role(tmp_path: Path) -> None:
    old, wider, narrower = _copy(tmp_path, "old"), _copy(tmp_path, "wider"), _copy(tmp_path, "narrower")
    _edit(wider / "_shared/enums.yaml", "  enum: [1, 2, 3]\n  labels: [TEXT, DATE, DATETIME]",
          "  enum: [1, 2, 3, 4]\n  labels: [TEXT, DATE, DATETIME, NUMBER]")
    _edit(narrower / "_shared/enums.yaml", "  enum: [1, 2, 3]\n  labels: [TEXT, DATE, DATETIME]",
          "  enum: [1, 2]\n  labels: [TEXT, DATE]")
    widened = _found(old, wider)
    assert ("input-enum-widened", "addition", "caller", "SPOKI_CREATE_CUSTOM_FIELD.input.field_type") in widened
    added = {f for f in widened if f[0] == "output-enum-value-added"}
    assert added and all(f[1:3] == ("warning", "reader") and ".output." in f[3] for f in added)
    narrowed = _found(old, narrower)
    assert ("input-enum-narrowed", "breaking", "caller", "SPOKI_CREATE_CUSTOM_FIELD.input.field_type") in narrowed
    assert not {f for f in narrowed if f[2] == "reader"}  # readers see fewer values: nothing breaks for them
    strict = compare(load_catalogue(old), load_catalogue(wider), enum_added_severity="breaking")
    assert {f.severity for f in strict if f.rule == "output-enum-value-added"} == {"breaking"}


def test_renames_are_reported_as_renames_with_both_names(tmp_path: Path) -> None:
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")
    _rename_action(new, "tags", "RETRIEVE_TAG", "GET_TAG")
    _edit(new / "_shared/ticket.yaml", "  title:\n    type: string\n", "  subject:\n    type: string\n")
    _edit(new / "_shared/ticket.yaml", "priority, status, title, updated_datetime]",
          "priority, status, subject, updated_datetime]")
    _edit(new / "tickets/list_tickets.yaml", "  sort_by:\n", "  sort_on:\n")
    findings = {f.rule: f for f in compare(load_catalogue(old), load_catalogue(new))}
    action = findings["action-renamed"]
    assert (action.severity, action.role, action.path) == ("breaking", "caller", "SPOKI_GET_TAG")
    assert action.message == ("renamed from SPOKI_RETRIEVE_TAG (same endpoint GET tags/{id}/): callers naming "
                              "SPOKI_RETRIEVE_TAG fail")
    assert "action-removed" not in findings and "action-added" not in findings
    field = findings["output-field-renamed"]
    assert (field.severity, field.path) == ("breaking", "SPOKI_LIST_TICKETS.output.results[].subject")
    assert field.message == "renamed from `title` (same schema): readers of `title` miss it"
    assert "output-field-removed" not in findings and "output-field-added" not in findings
    param = findings["input-renamed"]
    assert (param.severity, param.role, param.path) == ("breaking", "caller", "SPOKI_LIST_TICKETS.input.sort_on")
    assert "`sort_by`" in param.message
    assert findings["wire-param-changed"].message == "query sort_by -> query sort_on"


def test_an_ambiguous_rename_is_not_guessed(tmp_path: Path) -> None:
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")
    # two actions leave GET tags/ and two arrive there: which became which is not knowable
    _rename_action(new, "tags", "LIST_TAGS", "LIST_LABELS")
    _rename_action(new, "tags", "SPOKI_LIST_TAGS", "SPOKI_LIST_LABELS")
    # two plain string fields leave a ticket and two arrive: no pairing is more likely than the other
    _edit(new / "_shared/ticket.yaml", "  title:\n    type: string\n", "  subject:\n    type: string\n")
    _edit(new / "_shared/ticket.yaml", "  priority:\n    type: string\n", "  urgency:\n    type: string\n")
    _edit(new / "_shared/ticket.yaml", "    examples: [Lowest, Low, Medium, High, Highest]\n", "")
    rules = [f.rule for f in compare(load_catalogue(old), load_catalogue(new))]
    assert "action-renamed" not in rules and rules.count("action-removed") == 2 and rules.count("action-added") == 2
    assert "output-field-renamed" not in rules


def test_compiled_catalogues_are_sides_too(tmp_path: Path) -> None:
    compiled = ROOT / "generated/python/catalogue.json"
    same = _diff("installed", str(compiled), "--format", "json")
    assert same.returncode == 0 and json.loads(same.stdout)["findings"] == [], same.stderr
    assert json.loads(same.stdout)["old"]["version"] == metadata.version("spoki-actions")
    data = json.loads(compiled.read_bytes())
    del data["actions"]["SPOKI_LIST_TICKETS"]
    (tmp_path / "next.json").write_text(json.dumps(data))
    gone = _diff("installed", str(tmp_path / "next.json"))
    assert gone.returncode == 1 and re.search(r"breaking\s+action-removed\s+SPOKI_LIST_TICKETS: action removed",
                                              gone.stdout), gone.stdout
    (tmp_path / "broken.json").write_text("{}")
    broken = _diff("installed", str(tmp_path / "broken.json"))
    assert broken.returncode == 2 and "cannot read the catalogue" in broken.stderr
    missing = _diff("installed", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no such specs folder, catalogue.json or wheel" in missing.stderr


def _without_schemas(doc: str) -> str:
    """The changelog minus the Schemas part of its Unreleased section."""
    head, rest = doc.split("## [Unreleased]", 1)
    unreleased, sep, later = rest.partition("\n## ")
    if "### Schemas\n" not in unreleased:
        return doc
    before, after = unreleased.split("### Schemas\n", 1)
    nxt = after.find("\n### ")
    return head + before + (after[nxt + 1:] if nxt >= 0 else "") + sep + later


def test_the_changelog_schemas_section_is_written_from_the_diff(tmp_path: Path) -> None:
    old, new = _copy(tmp_path, "old"), _copy(tmp_path, "new")
    _edit(new / "tickets/list_tickets.yaml", "  status:\n    type: string\n",
          "  status:\n    type: string\n    required: true\n")
    real = (ROOT / "CHANGELOG.md").read_text()
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(real)
    done = _diff(str(old), str(new), "--changelog", str(changelog))
    assert done.returncode == 0 and "Schemas section of [Unreleased] written" in done.stdout, done.stderr
    text = changelog.read_text()
    unreleased = text.split("## [Unreleased]", 1)[1].split("\n## ", 1)[0]
    section = unreleased.split("### Schemas\n", 1)[1]
    assert section.startswith(f"Produced by `spoki-actions diff {old} {new} --changelog CHANGELOG.md`")
    assert "Semver: this needs at least a minor release." in section
    assert "#### Breaking\n\n- `SPOKI_LIST_TICKETS` input.status: now required (input-optional-to-required, caller)" \
        in section
    # everything but that one section is as it was, and a second run changes nothing
    assert _without_schemas(text) == _without_schemas(real)
    assert _diff(str(old), str(new), "--changelog", str(changelog)).returncode == 0
    assert changelog.read_text() == text


def test_the_changelog_schemas_section_is_added_when_unreleased_has_none(tmp_path: Path) -> None:
    from spoki_actions.diff import into_changelog

    doc = "# Changelog\n\n## [Unreleased]\n\n### Added\n- a thing\n\n## [0.1.0] - 2026-11-24\n\n- first\n"
    done = into_changelog(doc, "### Schemas\nProduced by x.\n\nNo schema or behaviour changes.\n")
    assert done == ("# Changelog\n\n## [Unreleased]\n\n### Added\n- a thing\n\n### Schemas\nProduced by x.\n\n"
                    "No schema or behaviour changes.\n\n## [0.1.0] - 2026-11-24\n\n- first\n")
    again = into_changelog(done, "### Schemas\nProduced by y.\n")
    assert again == done.replace("Produced by x.\n\nNo schema or behaviour changes.\n", "Produced by y.\n")
    assert "no '## [Unreleased]' section" in _diff_error(tmp_path)


def _diff_error(tmp_path: Path) -> str:
    (tmp_path / "NOTES.md").write_text("# Notes\n")
    done = _diff("specs", "specs", "--changelog", str(tmp_path / "NOTES.md"))
    assert done.returncode == 2
    return done.stderr


def test_a_recursive_shape_is_compared_once_and_ends() -> None:
    from spoki_actions.diff import _compare_input, _compare_output, _Rules

    node = {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                                             "parent": {"$ref": "#/$defs/node"}, "v": {"type": "integer"}}}
    old = {"$defs": {"node": node}, "$ref": "#/$defs/node"}
    new = json.loads(json.dumps(old))
    new["$defs"]["node"]["properties"]["v"] = {"type": ["integer", "string"]}
    reader, caller = _Rules("warning"), _Rules("warning")
    _compare_output(reader, "X", "output", old, new, old, new)
    _compare_input(caller, "X", "input.tree", old, new, old, new)
    assert [(f.rule, f.where) for f in reader.found] == [("output-type-widened", "output.v")]
    assert [(f.rule, f.severity, f.where) for f in caller.found] == [("input-type-widened", "addition", "input.tree.v")]
