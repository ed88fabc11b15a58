"""Properties of a generation run: deterministic, atomic, incremental, checkable, self-describing."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from spoki_actions import spec
from spoki_actions.errors import SpecError
from spoki_actions.generator import build, render, schemas, write
from spoki_actions.generator.emitters import _datamodels, _files
from spoki_actions.generator.errors import GeneratorError
from spoki_actions.loader import load_catalogue

from .conftest import GENERATED, ROOT, SMALL, SPECS, copy_specs, run_generate, snapshot

CLI = [sys.executable, "-m", "spoki_actions.cli", "generate"]


def _cli(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, check=False)


def test_committed_generated_folder_is_current() -> None:
    result = run_generate(SPECS, GENERATED, check=True)
    d = result.diff
    assert d.clean, ("generated/ is stale; run `make generate`: "
                     f"changed={list(d.changed)} missing={list(d.added)} extra={list(d.removed)}")


def test_two_runs_in_separate_processes_are_byte_identical(tmp_path: Path) -> None:
    # different hash seeds and working folders: nothing may depend on set order or paths
    first, second = tmp_path / "a" / "generated", tmp_path / "b" / "out"
    done = _cli("--specs", str(SMALL), "--out", str(first), env={"PYTHONHASHSEED": "1"})
    assert done.returncode == 0, done.stderr
    done = _cli("--specs", str(SMALL.relative_to(ROOT)), "--out", str(second), env={"PYTHONHASHSEED": "2"})
    assert done.returncode == 0, done.stderr
    keep = frozenset({write.CACHE_FILE})
    a, b = write.existing(first, keep), write.existing(second, keep)
    assert sorted(a) == sorted(b)
    assert all(a[rel].read_bytes() == b[rel].read_bytes() for rel in a)


def test_output_holds_no_timestamp_path_or_tool_version(small_out: Path) -> None:
    import datamodel_code_generator as dmcg
    import jinja2

    versions = {jinja2.__version__, getattr(dmcg, "__version__", "no-version")}
    for rel, path in write.existing(small_out, frozenset({write.CACHE_FILE})).items():
        text = path.read_text("utf-8")
        assert str(ROOT) not in text and str(small_out) not in text and "/tmp" not in text, rel
        assert "datamodel-codegen:" not in text and "timestamp" not in text.lower(), rel
        assert not any(f" {v}" in text for v in versions), rel


def test_every_file_carries_the_banner(small_out: Path) -> None:
    for rel, path in write.existing(small_out, frozenset({write.CACHE_FILE})).items():
        head = path.read_text("utf-8")[:300]
        assert "generated from specs/" in head and "do not edit" in head, rel
        if rel.endswith(".openapi.json"):  # OpenAPI allows no `$comment` at its root: an x- extension
            assert json.loads(path.read_bytes())["x-generated"].startswith("generated from specs/"), rel
        elif rel.endswith(".json"):
            assert json.loads(path.read_bytes())["$comment"].startswith("generated from specs/"), rel


def test_action_files_name_their_own_spec(small_out: Path) -> None:
    assert "generated from specs/things/create_thing.yaml" in (small_out / "docs/things/create_thing.md").read_text()
    schema = json.loads((small_out / "schemas/spoki_list_things.input.json").read_bytes())
    assert schema["$comment"].startswith("generated from specs/things/spoki_list_things.yaml")


def test_a_no_op_run_rewrites_nothing(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    run_generate(SMALL, out)
    before = snapshot(out)
    result = run_generate(SMALL, out)
    assert result.diff.clean and result.from_cache
    assert snapshot(out) == before  # contents and modification times


def test_a_full_run_over_current_output_rewrites_nothing(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    run_generate(SMALL, out)
    (out / write.CACHE_FILE).unlink()  # force the full path: render, compare, write only what differs
    before = {k: v for k, v in snapshot(out).items() if k != write.CACHE_FILE}
    result = run_generate(SMALL, out)
    assert result.diff.clean and not result.from_cache
    assert {k: v for k, v in snapshot(out).items() if k != write.CACHE_FILE} == before


def test_only_changed_files_are_rewritten_and_stale_ones_removed(tmp_path: Path) -> None:
    specs = copy_specs(SMALL, tmp_path / "specs")
    out = tmp_path / "generated"
    run_generate(specs, out)
    before = snapshot(out)
    (specs / "people" / "list_people.yaml").unlink()
    text = (specs / "things" / "delete_thing.yaml").read_text()
    (specs / "things" / "delete_thing.yaml").write_text(text.replace("Deletes a thing", "Removes a thing"))
    result = run_generate(specs, out)
    assert "docs/people/list_people.md" in result.diff.removed
    assert "docs/things/delete_thing.md" in result.diff.changed
    after = snapshot(out)
    assert not (out / "docs" / "people").exists()
    assert after["docs/things/create_thing.md"] == before["docs/things/create_thing.md"]  # mtime too
    assert after["schemas/create_thing.output.json"] == before["schemas/create_thing.output.json"]


def test_a_spec_error_leaves_the_output_as_it_was_and_is_reported_like_lint(tmp_path: Path) -> None:
    specs = copy_specs(SMALL, tmp_path / "specs")
    out = tmp_path / "generated"
    run_generate(specs, out)
    before = snapshot(out)
    path = specs / "things" / "delete_thing.yaml"
    path.write_text(path.read_text().replace("safety: idempotent", "safety: sometimes"))
    done = _cli("--specs", str(specs), "--out", str(out))
    assert done.returncode == 1
    lint = subprocess.run([sys.executable, "-m", "spoki_actions.cli", "lint", str(specs)],
                          capture_output=True, text=True, check=False)
    problems = [line for line in lint.stderr.splitlines() if ".yaml:" in line]
    assert problems and all(p in done.stderr.splitlines() for p in problems)
    assert "specs/things/delete_thing.yaml:" in problems[0] and "behaviour.safety" in problems[0]
    assert snapshot(out) == before
    with pytest.raises(SpecError):
        run_generate(specs, out)


@pytest.mark.parametrize("stage", ["datamodels", "template", "write"])
def test_a_crash_mid_way_leaves_the_output_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     stage: str) -> None:
    specs = copy_specs(SMALL, tmp_path / "specs")
    out = tmp_path / "generated"
    run_generate(specs, out)
    before = snapshot(out)
    path = specs / "things" / "create_thing.yaml"
    path.write_text(path.read_text().replace("Creates a thing", "Makes a thing"))

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("injected crash")

    if stage == "datamodels":
        monkeypatch.setattr(_datamodels, "render", boom)
    elif stage == "template":
        monkeypatch.setattr(_files, "template", boom)
    else:  # the crash hits while staging the new files, before any is moved into place
        real = Path.write_bytes
        calls = []

        def flaky(self: Path, data: bytes) -> int:
            calls.append(self)
            if len(calls) == 2:
                raise OSError("disk full")
            return real(self, data)

        monkeypatch.setattr(Path, "write_bytes", flaky)
    with pytest.raises((RuntimeError, OSError)):
        run_generate(specs, out)
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".generated-")] == []


def test_check_lists_every_stale_file_and_exits_1(tmp_path: Path) -> None:
    specs = copy_specs(SMALL, tmp_path / "specs")
    out = tmp_path / "generated"
    run_generate(specs, out)
    assert _cli("--specs", str(specs), "--out", str(out), "--check").returncode == 0
    (out / "docs" / "things" / "create_thing.md").write_text("edited by hand\n")
    (out / "schemas" / "delete_thing.input.json").unlink()
    (out / "docs" / "stale.md").write_bytes((out / "docs" / "README.md").read_bytes())  # ours: has the banner
    (out / "docs" / "stray.md").write_text("not ours\n")
    before = snapshot(out)
    done = _cli("--specs", str(specs), "--out", str(out), "--check")
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert any(line.split() == ["changed", str(out / "docs/things/create_thing.md")] for line in lines)
    assert any(line.split() == ["missing", str(out / "schemas/delete_thing.input.json")] for line in lines)
    assert any(line.split() == ["extra", str(out / "docs/stale.md")] for line in lines)
    assert any(line.split() == ["foreign", str(out / "docs/stray.md")] for line in lines)
    assert "3 files differ" in lines[0]
    assert f"{out}/ holds 1 file the generator did not write (remove by hand; `generate` never removes them):" \
        in lines
    assert snapshot(out) == before  # --check writes nothing
    # the fingerprint never vouches for a hand-edited folder
    result = run_generate(specs, out)
    assert not result.from_cache and (out / "docs" / "things" / "create_thing.md").read_text() != "edited by hand\n"
    assert not (out / "docs" / "stale.md").exists() and (out / "docs" / "stray.md").read_text() == "not ours\n"
    assert result.diff.foreign == ("docs/stray.md",)


def test_check_reports_spec_errors_like_lint(tmp_path: Path) -> None:
    specs = copy_specs(SMALL, tmp_path / "specs")
    (specs / "things" / "bad.yaml").write_text("name: SPOKI_BAD\n")
    done = _cli("--specs", str(specs), "--out", str(tmp_path / "out"), "--check")
    assert done.returncode == 1
    assert "specs/things/bad.yaml:1:1 " in done.stderr and "problem" in done.stderr.splitlines()[-1]
    assert not (tmp_path / "out").exists()


def test_every_emitted_schema_is_valid_draft_2020_12() -> None:
    for path in sorted((GENERATED / "schemas").glob("*.json")):
        document = json.loads(path.read_bytes())
        if path.name == "index.json":
            continue
        jsonschema.Draft202012Validator.check_schema(document)
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert document["$id"] == f"https://spoki-actions.dev/schemas/v{schemas.major(schemas.catalogue_version())}/{path.name}"
        assert document["title"] and document["description"]


def test_every_schema_stands_alone(small_out: Path) -> None:
    for path in sorted((small_out / "schemas").glob("*.*.json")):
        document = json.loads(path.read_bytes())
        refs = _refs(document)
        assert all(r.startswith("#/$defs/") and r[len("#/$defs/"):] in document.get("$defs", {}) for r in refs), path


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_output_schemas_accept_successful_and_failed_envelopes(small_out: Path) -> None:
    schema = json.loads((small_out / "schemas/create_thing.output.json").read_bytes())
    validator = jsonschema.Draft202012Validator(schema)
    ok = {"data": {"id": 1, "name": "Lamp", "kind": 2, "extra": True}, "error": None, "successful": True}
    failed = {"data": {}, "error": "SPOKI_CREATE_THING failed: 400 Bad Request", "successful": False}
    assert not list(validator.iter_errors(ok)) and not list(validator.iter_errors(failed))
    assert list(validator.iter_errors({"data": {"id": "x"}, "error": None, "successful": True}))
    array_schema = json.loads((small_out / "schemas/old_list_things.output.json").read_bytes())
    array = jsonschema.Draft202012Validator(array_schema)
    assert not list(array.iter_errors({"data": [], "error": "boom", "successful": False}))
    inputs = jsonschema.Draft202012Validator(json.loads((small_out / "schemas/list_things.input.json").read_bytes()))
    assert not list(inputs.iter_errors({"order": "desc", "page": 2}))
    assert list(inputs.iter_errors({"order": "up"})) and list(inputs.iter_errors({"nope": 1}))


def test_deprecated_and_variant_actions_are_marked(small_out: Path) -> None:
    index = json.loads((small_out / "schemas/index.json").read_bytes())
    by_name = {a["name"]: a for a in index["actions"]}
    assert [a["name"] for a in index["actions"]] == sorted(by_name)
    old = by_name["SPOKI_OLD_LIST_THINGS"]
    assert old["deprecated"] is True and old["variant_of"] is None
    assert by_name["SPOKI_SPOKI_LIST_THINGS"]["variant_of"] == "SPOKI_LIST_THINGS"
    assert {k: v for k, v in old.items() if k not in ("input_sha256", "output_sha256", "since")} == {
        "name": "SPOKI_OLD_LIST_THINGS", "title": "List things (old)", "group": "things", "method": "GET",
        "path": "old/things/", "function": "old_list_things", "deprecated": True, "variant_of": None,
        "input_schema": "old_list_things.input.json", "output_schema": "old_list_things.output.json",
        "docs": "../docs/things/old_list_things.md",
    }
    for kind in ("input", "output"):
        schema = json.loads((small_out / f"schemas/old_list_things.{kind}.json").read_bytes())
        assert schema["deprecated"] is True and "Use SPOKI_LIST_THINGS, which pages." in schema["description"]


def test_compiled_catalogue_round_trips_to_the_loaded_one(small_out: Path) -> None:
    data = json.loads((small_out / "python/catalogue.json").read_bytes())
    assert data.pop("$comment").startswith("generated from specs/")
    assert spec.from_dict(data) == load_catalogue(SMALL)
    assert data == json.loads(json.dumps(spec.to_dict(load_catalogue(SMALL))))


def test_fingerprint_follows_every_spec_file(tmp_path: Path) -> None:
    specs = copy_specs(SMALL, tmp_path / "specs")
    key = build.fingerprint(specs)
    assert build.fingerprint(specs) == key
    (specs / "_shared" / "enums.yaml").write_text((specs / "_shared" / "enums.yaml").read_text() + "\n")
    assert build.fingerprint(specs) != key


def test_generator_errors_leave_the_output_alone(tmp_path: Path) -> None:
    specs = copy_specs(SMALL, tmp_path / "specs")
    out = tmp_path / "generated"
    run_generate(specs, out)
    before = snapshot(out)
    # two actions whose model names collide once made into Python classes
    text = (specs / "things" / "delete_thing.yaml").read_text()
    (specs / "things" / "delete_thing_.yaml").write_text(text.replace("SPOKI_DELETE_THING", "SPOKI_DELETE_THING_"))
    # the loader refuses them first (lint says it at the spec's line), so generate writes nothing
    with pytest.raises(SpecError) as refused:
        run_generate(specs, out)
    assert ("delete_thing_.yaml:1:7 name: SPOKI_DELETE_THING and SPOKI_DELETE_THING_ both need the model class "
            "'DeleteThingInput'; rename one of them") in str(refused.value)
    done = _cli("--specs", str(specs), "--out", str(out))
    assert done.returncode == 1 and "both need the model class 'DeleteThingInput'" in done.stderr
    assert snapshot(out) == before
    # the generator's own guard still holds for a catalogue that did not come through the loader
    catalogue = load_catalogue(SMALL)
    twin = dataclasses.replace(catalogue.actions["SPOKI_DELETE_THING"], name="SPOKI_DELETE_THING_")
    with pytest.raises(GeneratorError) as caught:
        render.render(_with_action(catalogue, twin))
    assert "'DeleteThingInput' is used by both SPOKI_DELETE_THING and SPOKI_DELETE_THING_" in str(caught.value)


def test_the_runtime_never_imports_the_generator() -> None:
    probe = ("import sys, spoki_actions, spoki_actions.generated;"
             "from spoki_actions import run_action, Client;"
             "bad = [m for m in sys.modules if m.startswith(('spoki_actions.generator', 'jinja2',"
             " 'datamodel_code_generator'))];"
             "print(bad)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_committed_bindings_import_and_cover_every_action() -> None:
    from spoki_actions.generated import actions, aio, models
    from spoki_actions.generated._envelope import envelope
    from spoki_actions.generator import naming

    catalogue = load_catalogue(SPECS)
    functions = sorted(a.function_name for a in catalogue.actions.values())
    exported = sorted([*functions, *(f"{f}_or_raise" for f in functions)])  # each with its raising variant
    assert actions.__all__ == exported and aio.__all__ == exported
    for action in catalogue.actions.values():
        output = getattr(models, naming.action_class(action, "Output"))
        failed = envelope(output, {"data": action.response.empty_data, "error": "boom", "successful": False})
        assert type(failed) is output and failed.data == action.response.empty_data and failed.error == "boom"
        if not any(p.required for p in action.params):
            getattr(models, naming.action_class(action, "Input")).model_validate({})


def test_a_specs_folder_without_actions_still_generates(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "_connector.yaml").write_bytes((SMALL / "_connector.yaml").read_bytes())
    out = tmp_path / "generated"
    run_generate(specs, out)  # render() compiles every Python file it returns
    assert json.loads((out / "schemas" / "index.json").read_bytes())["actions"] == []
    assert "__all__ = [\n]" in (out / "python" / "actions.py").read_text()


def _with_action(catalogue: spec.Catalogue, action: spec.ActionSpec) -> spec.Catalogue:
    return dataclasses.replace(catalogue, actions={**catalogue.actions, action.name: action})


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_number_fails_loudly_instead_of_writing_invalid_json(tmp_path: Path, value: float) -> None:
    # the loader refuses NaN and infinities; if one ever slips through, no file holds `NaN`
    catalogue = load_catalogue(SMALL)
    action = catalogue.actions["SPOKI_LIST_THINGS"]
    schema = copy.deepcopy(action.input_schema)
    schema["properties"]["page"]["examples"] = [value]
    with pytest.raises(GeneratorError) as caught:
        render.render(_with_action(catalogue, dataclasses.replace(action, input_schema=schema)))
    assert caught.value.problems == [
        f"schemas/list_things.input.json: properties.page.examples[0] is {value!r}, which JSON cannot hold "
        "(NaN and infinities are not JSON numbers); fix the spec"]
    # a value only the compiled catalogue carries
    params = tuple(dataclasses.replace(p, has_example=True, example=value) if p.name == "page" else p
                   for p in action.params)
    with pytest.raises(GeneratorError) as caught:
        render.render(_with_action(catalogue, dataclasses.replace(action, params=params)))
    assert caught.value.problems == [
        f"python/catalogue.json: actions.SPOKI_LIST_THINGS.params[3].example is {value!r}, which JSON cannot "
        "hold (NaN and infinities are not JSON numbers); fix the spec"]
    with pytest.raises(ValueError, match="not JSON compliant"):
        schemas.dump({"x": value})
