"""The output folder is the generator's alone: it refuses folders it could damage, removes only
files it wrote, swaps all or nothing, and says clearly why it did nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from spoki_actions.cli import main
from spoki_actions.generator import render, write
from spoki_actions.generator.cli import NEEDS_EXTRA
from spoki_actions.loader import load_catalogue

from .conftest import ROOT, SMALL, copy_specs, run_generate, snapshot


def state(folder: Path) -> tuple[dict[str, tuple[bytes, int]], list[str]]:
    """Every file (content and mtime) and every folder under `folder`, `__pycache__` included."""
    folders = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir())
    files = {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
             for p in sorted(folder.rglob("*")) if p.is_file()}
    return files, folders


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["generate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def staging_leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".") and p.is_dir())


# --- F1 (a): never into, around or inside the specs --------------------------------------------

def test_out_equal_to_specs_is_refused_and_no_spec_is_touched(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    specs = copy_specs(SMALL, tmp_path / "specs")
    before = state(specs)
    code, out, err = cli(capsys, "--specs", str(specs), "--out", str(specs))
    assert code == 1 and out == ""
    assert f"error: the output folder {specs} is the specs folder: choose another --out" in err.splitlines()
    assert "Traceback" not in err
    assert state(specs) == before
    # the same folder spelt differently is still the same folder
    code, _, err = cli(capsys, "--specs", str(specs), "--out", str(specs / "things" / ".."))
    assert code == 1 and "is the specs folder" in err and state(specs) == before


def test_out_inside_specs_is_refused_and_not_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    specs = copy_specs(SMALL, tmp_path / "specs")
    before = state(specs)
    code, _, err = cli(capsys, "--specs", str(specs), "--out", str(specs / "generated"))
    assert code == 1
    assert f"error: the output folder {specs / 'generated'} is inside the specs folder {specs}: " \
           "choose an --out outside it" in err
    assert f"nothing written ({specs / 'generated'}/ was not created)" in err
    assert state(specs) == before


def test_out_containing_specs_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    copy_specs(SMALL, project / "specs")
    (project / "README.md").write_text("my project\n")
    before = state(project)
    code, _, err = cli(capsys, "--specs", str(project / "specs"), "--out", str(project))
    assert code == 1 and "contains the specs folder" in err and state(project) == before
    # `--out .` from the project root: the repository is never the output folder
    monkeypatch.chdir(project)
    code, _, err = cli(capsys, "--specs", "specs", "--out", ".")
    assert code == 1
    assert "error: the output folder . contains the specs folder specs: choose an --out that does not hold " \
           "the specs" in err
    assert state(project) == before


# --- F1 (b): a non-empty folder must be an earlier output, or --force -------------------------

def test_a_foreign_non_empty_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim = tmp_path / "victim"
    (victim / "sub").mkdir(parents=True)
    (victim / "important.txt").write_text("do not lose me\n")
    (victim / "sub" / "notes.md").write_text("mine\n")
    before = state(victim)
    code, out, err = cli(capsys, "--specs", str(SMALL), "--out", str(victim))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"error: {victim} is not empty and holds no earlier output of `spoki-actions generate` "
        f"(no {write.MARKER} file): choose a new or empty folder, or pass --force to write into it anyway "
        "(files the generator did not write are never removed or overwritten)",
        f"{victim}/ left as it was",
    ]
    assert state(victim) == before
    assert staging_leftovers(tmp_path) == []


def test_force_writes_beside_foreign_files_and_never_removes_them(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "important.txt").write_text("do not lose me\n")
    code, _, err = cli(capsys, "--specs", str(SMALL), "--out", str(victim), "--force")
    assert code == 0, err
    assert (victim / "important.txt").read_text() == "do not lose me\n"
    assert (victim / write.MARKER).is_file() and (victim / "python" / "actions.py").is_file()
    assert f"{victim}/ holds 1 file the generator did not write" in err
    assert f"  foreign  {victim / 'important.txt'}" in err.splitlines()
    # now an earlier output: no --force needed, and the foreign file is still kept and reported
    code, _, err = cli(capsys, "--specs", str(SMALL), "--out", str(victim))
    assert code == 0 and (victim / "important.txt").read_text() == "do not lose me\n"
    assert f"  foreign  {victim / 'important.txt'}" in err.splitlines()
    # --check lists it (generate never will remove it) and fails
    code, _, err = cli(capsys, "--specs", str(SMALL), "--out", str(victim), "--check")
    assert code == 1 and "remove by hand" in err and f"  foreign  {victim / 'important.txt'}" in err.splitlines()


def test_force_never_overwrites_a_file_the_generator_did_not_write(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / ".gitignore").write_text("*.log\n")
    (project / "docs" / "README.md").write_text("# My project's docs\n")
    before = state(project)
    code, out, err = cli(capsys, "--specs", str(SMALL), "--out", str(project), "--force")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"error: {project / '.gitignore'} is in the way: the generator did not write it (no banner, not in "
        f"{write.MARKER}); move or remove it and run again",
        f"error: {project / 'docs/README.md'} is in the way: the generator did not write it (no banner, not in "
        f"{write.MARKER}); move or remove it and run again",
        f"{project}/ left as it was",
    ]
    assert state(project) == before


def test_an_empty_folder_and_a_new_folder_are_fine(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    (empty / "__pycache__").mkdir(parents=True)
    assert run_generate(SMALL, empty).diff.added
    assert run_generate(SMALL, tmp_path / "new" / "deeper").diff.added


def test_an_output_from_before_the_marker_is_recognised_by_its_gitignore(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    run_generate(SMALL, out)
    (out / write.MARKER).unlink()
    (out / write.CACHE_FILE).unlink()
    assert write.is_output_folder(out)
    result = run_generate(SMALL, out)
    assert result.diff.added == (write.MARKER,) and not result.diff.changed and not result.diff.foreign


def test_the_marker_lists_every_generated_file(small_out: Path) -> None:
    lines = (small_out / write.MARKER).read_text().splitlines()
    assert lines[0] == "# generated from specs/ by `spoki-actions generate`; do not edit"
    listed = [line for line in lines if not line.startswith("#")]
    on_disk = set(write.existing(small_out, write.LOCAL_FILES)) - {write.MARKER}
    assert listed == sorted(on_disk)
    assert write.previous_manifest(small_out) == on_disk


# --- F1 (c): only files the generator wrote are ever removed ----------------------------------

def test_only_files_the_generator_wrote_are_removed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    specs = copy_specs(SMALL, tmp_path / "specs")
    out = tmp_path / "generated"
    run_generate(specs, out)
    # a file of ours under a name no run produces (carries the banner): stale, removed
    shutil.copy(out / "docs" / "things" / "create_thing.md", out / "docs" / "things" / "copy_of_create_thing.md")
    # the user's own files, in the output folder and in a folder of its own: kept
    (out / "docs" / "things" / "notes.md").write_text("my notes about things\n")
    (out / "mine").mkdir()
    (out / "mine" / "data.json").write_text('{"keep": true}\n')
    # an action goes away; one of its files lost its banner by hand, but the manifest lists it
    (specs / "people" / "list_people.yaml").unlink()
    (out / "docs" / "people" / "list_people.md").write_text("edited, no banner\n")
    code, _, err = cli(capsys, "--specs", str(specs), "--out", str(out))
    assert code == 0, err
    assert not (out / "docs" / "things" / "copy_of_create_thing.md").exists()
    assert not (out / "docs" / "people").exists()
    assert (out / "docs" / "things" / "notes.md").read_text() == "my notes about things\n"
    assert (out / "mine" / "data.json").read_text() == '{"keep": true}\n'
    assert f"{out}/ holds 2 files the generator did not write (left in place; `generate` never removes them):" \
           in err.splitlines()
    assert f"  foreign  {out / 'docs/things/notes.md'}" in err.splitlines()
    assert f"  foreign  {out / 'mine/data.json'}" in err.splitlines()
    plan = write.diff(out, render.render(load_catalogue(specs)), write.LOCAL_FILES)
    assert plan.clean and plan.foreign == ("docs/things/notes.md", "mine/data.json")


def test_the_manifest_never_reaches_outside_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    run_generate(SMALL, out)
    outside = tmp_path / "outside.txt"
    outside.write_text("not yours\n")
    marker = out / write.MARKER
    marker.write_text(marker.read_text() + "../outside.txt\n/etc/hostname\ndocs/../../outside.txt\n")
    assert write.previous_manifest(out) == set(write.existing(out, write.LOCAL_FILES)) - {write.MARKER}
    run_generate(SMALL, out)
    assert outside.read_text() == "not yours\n"


# --- F5: the swap is all or nothing ------------------------------------------------------------

def _changed_specs(tmp_path: Path) -> tuple[Path, Path]:
    """An output folder, and specs that change some of its files, add some and remove some."""
    specs = copy_specs(SMALL, tmp_path / "specs")
    out = tmp_path / "generated"
    run_generate(specs, out)
    (out / "python" / "__pycache__").mkdir()
    (out / "python" / "__pycache__" / "actions.cpython.pyc").write_bytes(b"\0cache")
    (specs / "people" / "list_people.yaml").unlink()  # removed: its schemas, docs and docs/people/
    path = specs / "things" / "delete_thing.yaml"  # changed
    path.write_text(path.read_text().replace("Deletes a thing", "Removes a thing"))
    text = path.read_text().replace("SPOKI_DELETE_THING", "SPOKI_ERASE_THING")
    (specs / "gadgets").mkdir()
    (specs / "gadgets" / "erase_thing.yaml").write_text(text.replace("group: things", "group: gadgets"))  # added
    return specs, out


def _count_replaces(tmp_path: Path) -> tuple[int, tuple[int, int, int]]:
    specs, out = _changed_specs(tmp_path / "count")
    files = render.render(load_catalogue(specs))
    plan = write.diff(out, files, write.LOCAL_FILES)
    with pytest.MonkeyPatch.context() as m:
        calls = _fail_at(0, OSError("never"), m)
        write.apply(out, files, plan)
    return len(calls), (len(plan.changed), len(plan.added), len(plan.removed))


def _fail_at(n: int, exc: BaseException, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Fail the `n`th step that changes the disk: a folder made, a file linked, copied or written while
    building the new tree, the switch itself, and each rename of the fallback switch."""
    calls: list[object] = []

    def counted(real: Any) -> Any:
        def step(*args: object) -> object:
            calls.append(args[-1])
            if len(calls) == n:
                raise exc
            return real(*args)
        return step

    for name in ("_make_dir", "_link_or_copy", "_write_file", "_switch"):
        monkeypatch.setattr(write, name, counted(getattr(write, name)))
    monkeypatch.setattr(os, "replace", counted(os.replace))
    return calls


def _no_exchange(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a system without `renameat2(RENAME_EXCHANGE)`: the switch is two journaled renames."""
    monkeypatch.setattr(write, "_exchange", lambda a, b: False)


@pytest.mark.parametrize("switch", ["exchange", "renames"])
@pytest.mark.parametrize("hard_links", [True, False], ids=["hard-links", "no-hard-links"])
def test_a_failure_at_any_step_of_the_swap_leaves_the_folder_exactly_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hard_links: bool, switch: str) -> None:
    if switch == "renames":
        _no_exchange(monkeypatch)
    if not hard_links:
        def no_link(src: object, dst: object) -> None:
            raise OSError("hard links not supported")

        monkeypatch.setattr(os, "link", no_link)
    total, (changed, added, removed) = _count_replaces(tmp_path)
    assert changed >= 3 and added >= 3 and removed >= 3  # every kind of step is exercised
    assert total > changed + added + 1  # building steps, and the switch
    for n in range(1, total + 1):
        case = tmp_path / f"case{n}"
        specs, out = _changed_specs(case)
        files = render.render(load_catalogue(specs))
        plan = write.diff(out, files, write.LOCAL_FILES)
        before = state(out)
        with monkeypatch.context() as m:
            _fail_at(n, OSError(f"injected failure at replace {n}"), m)
            with pytest.raises(OSError, match=f"injected failure at replace {n}"):
                write.apply(out, files, plan)
        assert state(out) == before, f"failure at replace {n} of {total} left the folder changed"
        assert staging_leftovers(case) == [], n


def test_ctrl_c_mid_swap_rolls_back_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    specs, out = _changed_specs(tmp_path)
    before = state(out)
    _fail_at(5, KeyboardInterrupt(), monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        run_generate(specs, out)
    monkeypatch.undo()
    assert state(out) == before
    assert staging_leftovers(tmp_path) == []
    # and the next run is complete
    assert not run_generate(specs, out).diff.clean and run_generate(specs, out, check=True).diff.clean


def test_a_failed_swap_into_a_new_folder_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "new" / "generated"
    _fail_at(7, OSError("disk full"), monkeypatch)
    with pytest.raises(OSError, match="disk full"):
        run_generate(SMALL, out)
    assert list(tmp_path.iterdir()) == []


def test_the_cli_reports_a_failed_swap_and_the_folder_is_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    specs, out = _changed_specs(tmp_path)
    before = state(out)
    _fail_at(4, PermissionError(13, "Permission denied"), monkeypatch)
    code, _, err = cli(capsys, "--specs", str(specs), "--out", str(out))
    assert code == 1 and "Traceback" not in err
    assert err.splitlines() == [f"error: cannot write {out}/: [Errno 13] Permission denied", f"{out}/ left as it was"]
    assert state(out) == before


def test_when_the_roll_back_fails_too_the_backups_are_kept_and_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    specs, out = _changed_specs(tmp_path)
    _no_exchange(monkeypatch)  # the only switch with a step between (the atomic exchange has none)
    real = os.replace
    calls: list[object] = []

    def broken(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) >= 2:  # the old folder moved aside; the new one cannot take its place, nor the old
            raise OSError("device gone")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", broken)
    code, _, err = cli(capsys, "--specs", str(specs), "--out", str(out))
    monkeypatch.undo()
    assert code == 1
    lines = err.splitlines()
    assert any(line.startswith("error: could not put back ") and "device gone" in line for line in lines)
    kept = [line for line in lines if line.startswith("error: the previous versions are kept in ")]
    assert kept and Path(kept[0].rsplit(" ", 1)[1]).is_dir()
    assert lines[-1] == f"{out}/ may hold a mix of old and new files; run `spoki-actions generate` again"


def test_unchanged_files_keep_their_mtime_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    specs, out = _changed_specs(tmp_path)
    before = snapshot(out)

    def no_link(src: object, dst: object) -> None:
        raise OSError("hard links not supported")

    monkeypatch.setattr(os, "link", no_link)
    d = run_generate(specs, out).diff
    after = snapshot(out)
    unchanged = [rel for rel in before if rel in after and rel not in d.changed and rel != write.CACHE_FILE]
    assert len(unchanged) == d.unchanged > 0 and d.changed
    assert all(after[rel] == before[rel] for rel in unchanged)  # content and mtime
    assert all(after[rel][0] != before[rel][0] for rel in d.changed)


# --- F6: clear errors, exit 1 ------------------------------------------------------------------

def test_out_that_is_a_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    afile = tmp_path / "afile"
    afile.write_text("a file\n")
    code, _, err = cli(capsys, "--specs", str(SMALL), "--out", str(afile))
    assert code == 1 and "Traceback" not in err
    assert err.splitlines() == [f"error: the output folder {afile} is a file, not a folder", f"{afile} left as it was"]
    code, _, err = cli(capsys, "--specs", str(SMALL), "--out", str(afile / "sub"))
    assert code == 1
    assert f"error: the output folder {afile / 'sub'} cannot be created: {afile} is a file, not a folder" in err
    assert afile.read_text() == "a file\n"
    assert staging_leftovers(tmp_path) == []


def test_a_failure_into_a_folder_that_does_not_exist_says_nothing_was_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    specs = copy_specs(SMALL, tmp_path / "specs")
    (specs / "things" / "bad.yaml").write_text("name: SPOKI_BAD\n")
    out = tmp_path / "new"
    code, _, err = cli(capsys, "--specs", str(specs), "--out", str(out))
    assert code == 1 and "left as it was" not in err
    assert err.splitlines()[-1].endswith(f"found; nothing written ({out}/ was not created)")
    assert not out.exists()
    code, out_text, err = cli(capsys, "--specs", str(SMALL), "--out", str(out))
    assert code == 0 and out_text.startswith(f"{out}/: created with ")


@pytest.mark.parametrize("module", ["jinja2", "datamodel_code_generator"])
def test_without_the_generator_extra_generate_names_it(tmp_path: Path, module: str) -> None:
    out = tmp_path / "out"
    probe = (f"import sys; sys.modules[{module!r}] = None\n"
             "from spoki_actions.cli import main\n"
             f"sys.exit(main(['generate', '--specs', {str(SMALL)!r}, '--out', {str(out)!r}]))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 1
    assert done.stderr == NEEDS_EXTRA + "\n"
    assert NEEDS_EXTRA == "spoki-actions generate needs the generator extra: pip install 'spoki-actions[generator]'"
    assert not out.exists()


def test_a_missing_extra_found_late_is_named_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    def missing(*args: object) -> str:
        raise ModuleNotFoundError("No module named 'jinja2.ext'", name="jinja2.ext")

    monkeypatch.setattr(render, "render", missing)
    code, _, err = cli(capsys, "--specs", str(SMALL), "--out", str(tmp_path / "out"))
    assert code == 1 and err == NEEDS_EXTRA + "\n"


# --- a new folder's files are written while dmcg runs (write.Stage) ----------------------------

def _spy_ahead(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, list[str]]]:
    seen: list[tuple[Path, list[str]]] = []
    real = write.Stage.ahead

    def ahead(self: write.Stage, files: dict[str, bytes]) -> None:
        real(self, files)
        assert self.staging is not None
        seen.append((self.staging, sorted(p.relative_to(self.staging / "tree").as_posix()
                                          for p in (self.staging / "tree").rglob("*") if p.is_file())))

    monkeypatch.setattr(write.Stage, "ahead", ahead)
    return seen


def test_a_new_folder_is_written_ahead_but_its_python_files_and_switched_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _spy_ahead(monkeypatch)
    out = tmp_path / "a" / "generated"
    run_generate(SMALL, out)
    ((staging, early),) = seen
    assert early and not any(rel.endswith(".py") for rel in early)  # compile-checked first, written last
    assert "python/models.py" not in early and "docs/README.md" in early
    assert not staging.exists() and staging_leftovers(out.parent) == []
    monkeypatch.undo()
    plain = tmp_path / "b" / "generated"
    plain.mkdir(parents=True)  # an existing (empty) folder: built by `apply` alone
    run_generate(SMALL, plain)
    assert {rel: data for rel, (data, _) in snapshot(out).items()} == {
        rel: data for rel, (data, _) in snapshot(plain).items()}


def test_a_render_failing_after_files_were_written_ahead_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spoki_actions.generator.emitters import _datamodels
    from spoki_actions.generator.errors import GeneratorError

    seen = _spy_ahead(monkeypatch)

    def failing(source: str, header: str) -> str:
        raise GeneratorError(["datamodel-code-generator: no"])

    monkeypatch.setattr(_datamodels, "_cached_dmcg", failing)
    out = tmp_path / "new" / "deeper" / "generated"
    with pytest.raises(GeneratorError):
        run_generate(SMALL, out)
    ((staging, early),) = seen
    assert early and not staging.exists()
    assert not (tmp_path / "new").exists()  # the folders made for it are gone too


def test_an_existing_folder_is_not_written_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "generated"
    run_generate(SMALL, out)
    (out / write.CACHE_FILE).unlink()  # render again
    (out / "docs" / "README.md").write_text("stale\n")
    seen: list[dict[str, bytes]] = []
    monkeypatch.setattr(write.Stage, "ahead", lambda self, files: seen.append(files) or None)
    before = (out / "schemas" / "index.json").stat().st_ino
    run_generate(SMALL, out)
    assert seen  # offered, and (the folder exists) nothing was written by it: see write.Stage.ahead
    assert (out / "schemas" / "index.json").stat().st_ino == before and "stale" not in (
        out / "docs" / "README.md").read_text()


def test_a_stage_whose_folder_appeared_meanwhile_is_discarded(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    stage = write.Stage(out)
    stage.ahead({"docs/a.md": b"a\n", "python/x.py": b"x = 1\n"})
    assert stage.staging is not None and sorted(stage.written) == ["docs/a.md"]
    staging = stage.staging
    out.mkdir()
    assert stage.take() == (None, [], {}) and not staging.exists()
