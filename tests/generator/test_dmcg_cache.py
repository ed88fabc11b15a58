"""The cache of datamodel-code-generator's output: hits skip dmcg, bad entries are rebuilt, never in the output."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from spoki_actions.generator.emitters import _datamodels, _dmcg_cache
from spoki_actions.loader import load_catalogue

from .conftest import SMALL, copy_specs, run_generate


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(_dmcg_cache.ENV, str(folder))
    return folder / "models"


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.endswith(".tmp")) if folder.is_dir() else []


def _no_dmcg(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def refuse(source: str, header: str) -> str:
        calls.append(source)
        raise AssertionError("dmcg ran although its output was cached")

    monkeypatch.setattr(_datamodels, "_run_dmcg", refuse)
    return calls


def test_a_second_render_takes_the_models_from_the_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = load_catalogue(SMALL)
    first = _datamodels.render(catalogue)
    (entry,) = _entries(cache)
    assert len(entry.name) == 64 and entry.read_bytes().startswith(b"# spoki-actions dmcg cache 1 sha256=")
    calls = _no_dmcg(monkeypatch)
    assert _datamodels.render(catalogue) == first
    assert calls == []


def test_the_output_is_the_same_with_or_without_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_dmcg_cache.ENV, "")  # off
    assert _dmcg_cache.folder() is None
    off = _datamodels.render(load_catalogue(SMALL))
    monkeypatch.setenv(_dmcg_cache.ENV, str(tmp_path / "c"))
    cold = _datamodels.render(load_catalogue(SMALL))
    warm = _datamodels.render(load_catalogue(SMALL))
    assert off == cold == warm
    assert not (tmp_path / "c" / "models").exists() or len(_entries(tmp_path / "c" / "models")) == 1


@pytest.mark.parametrize("damage", ["truncated", "edited", "empty", "not utf-8"])
def test_a_damaged_entry_is_ignored_and_rebuilt(cache: Path, damage: str) -> None:
    catalogue = load_catalogue(SMALL)
    good = _datamodels.render(catalogue)
    (entry,) = _entries(cache)
    content = entry.read_bytes()
    head, _, body = content.partition(b"\n")
    broken = {"truncated": content[: len(content) // 2], "edited": head + b"\n" + body.replace(b"class ", b"klass ", 1),
              "empty": b"", "not utf-8": head + b"\n\xff\xfe"}[damage]
    entry.write_bytes(broken)
    assert _datamodels.render(catalogue) == good
    assert entry.read_bytes() == content  # rebuilt in place


def test_a_changed_spec_misses_the_cache(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    specs = copy_specs(SMALL, tmp_path / "specs")
    before = _datamodels.render(load_catalogue(specs))
    path = specs / "people" / "list_people.yaml"
    path.write_text(path.read_text().replace("description: Full name.", "description: Changed.", 1))
    changed = _datamodels.render(load_catalogue(specs))
    assert len(_entries(cache)) == 2 and changed != before and "'Changed.'" in changed
    monkeypatch.setenv(_dmcg_cache.ENV, "")
    assert changed == _datamodels.render(load_catalogue(specs))  # what dmcg itself makes of the new spec


def test_an_unusable_cache_folder_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(_dmcg_cache.ENV, str(blocker))
    catalogue = load_catalogue(SMALL)
    assert _datamodels.render(catalogue) == _datamodels.render(catalogue)


def test_the_cache_lives_outside_the_output_folder(tmp_path: Path, cache: Path) -> None:
    out = tmp_path / "out"
    run_generate(SMALL, out)
    assert len(_entries(cache)) == 1
    assert not any("dmcg" in p.name or len(p.name) == 64 for p in out.rglob("*"))


def test_kill_leftovers_are_ignored_and_swept_and_old_entries_pruned(cache: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    cache.mkdir(parents=True)
    stale, fresh = cache / ".0123456789abcdef-x.tmp", cache / ".0123456789abcdef-y.tmp"
    for leftover in (stale, fresh):
        leftover.write_bytes(b"# spoki-actions dmcg cache 1 sha256=")  # a write cut short by a kill
    hour_ago = time.time() - 2 * 3600
    os.utime(stale, (hour_ago, hour_ago))
    monkeypatch.setattr(_dmcg_cache, "KEEP", 3)
    for i in range(5):
        _dmcg_cache.store(f"{i:064x}", f"text {i}")
        old = time.time() - 100 + i
        os.utime(cache / f"{i:064x}", (old, old))
    assert not stale.exists() and fresh.exists()  # a write under way elsewhere is left alone
    assert [p.name for p in _entries(cache)] == [f"{i:064x}" for i in (2, 3, 4)]  # the 3 used last
    assert _dmcg_cache.load(f"{4:064x}") == "text 4"
    assert _dmcg_cache.load(f"{9:064x}") is None


def test_the_key_covers_input_options_and_header() -> None:
    base = _dmcg_cache.key("{}", "options", "header")
    assert base == _dmcg_cache.key("{}", "options", "header")
    assert len({base, _dmcg_cache.key("{ }", "options", "header"), _dmcg_cache.key("{}", "options2", "header"),
                _dmcg_cache.key("{}", "options", "header2")}) == 4
