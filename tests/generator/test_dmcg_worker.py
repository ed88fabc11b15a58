"""dmcg in a second process: the same text as in-process, the same errors, a fallback, and no orphan."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spoki_actions.generator import _dmcg
from spoki_actions.generator.emitters import _datamodels, _dmcg_cache
from spoki_actions.generator.errors import GeneratorError
from spoki_actions.loader import load_catalogue

from .conftest import SMALL

SOURCE = ('{"$defs": {"Kind": {"type": "integer", "enum": [1, 2], "x-enum-varnames": ["A", "B"]}, "Thing": {"type": '
          '"object", "required": ["kind"], "properties": {"kind": {"$ref": "#/$defs/Kind", "description": "Kind."}, '
          '"name": {"type": ["string", "null"], "examples": ["\\u2028x"]}}}}}')


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_dmcg_cache.ENV, "")  # every render here really runs dmcg


@pytest.fixture(autouse=True, params=["fork", "exec"])
def start(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test with the worker forked from this process (Linux) and as a new interpreter."""
    if request.param == "fork":
        if not _dmcg.can_fork():
            pytest.skip("no fork here (not Linux, or more than one thread)")
    else:
        monkeypatch.setattr(_dmcg, "can_fork", lambda: False)
    return str(request.param)


def test_the_worker_answers_what_dmcg_in_process_makes(start: str) -> None:
    with _dmcg.background():
        assert isinstance(_dmcg._current[0]._proc, _dmcg.Forked) == (start == "fork")
        worker = _dmcg.take(SOURCE, "# header")
        assert worker is not None and _dmcg.take(SOURCE, "# header") is None  # one call per worker
        assert worker.request == (SOURCE, "# header")
        assert worker.result() == _dmcg.run(SOURCE, "# header")


def test_models_rendered_through_the_worker_are_byte_identical() -> None:
    catalogue = load_catalogue(SMALL)
    alone = _datamodels.render(catalogue)
    with _dmcg.background():
        assert _dmcg._current
        through_worker = _datamodels.render(catalogue)
        assert not _dmcg._current  # it was used
    assert through_worker == alone


def test_the_models_emitter_hands_its_input_over_before_the_other_emitters_run() -> None:
    catalogue = load_catalogue(SMALL)
    alone = _datamodels.render(catalogue)
    with _dmcg.background():
        worker = _dmcg._current[0]
        _datamodels.start(catalogue)
        assert worker.request is not None and worker.request[1].startswith("# generated from specs/")
        assert _datamodels.render(catalogue) == alone
        assert not _dmcg._current  # it was used


def test_a_worker_given_another_request_is_not_used_for_this_one() -> None:
    with _dmcg.background():
        _dmcg.submit_ahead(SOURCE, "# one")
        assert _dmcg.take(SOURCE, "# other") is None
        assert _datamodels._run_dmcg(SOURCE, "# other") == _dmcg.run(SOURCE, "# other")["text"]
        worker = _dmcg.take(SOURCE, "# one")
        assert worker is not None and worker.result() == _dmcg.run(SOURCE, "# one")


def test_a_cached_input_is_not_handed_to_the_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_dmcg_cache.ENV, str(tmp_path / "cache"))
    catalogue = load_catalogue(SMALL)
    _datamodels.render(catalogue)  # fills the cache
    with _dmcg.background():
        worker = _dmcg._current[0]
        _datamodels.start(catalogue)
        assert worker.request is None and not _dmcg._current  # ended at once, not at the end of the render
        assert worker._proc.returncode is not None


def test_dmcg_errors_come_back_as_the_same_generator_error() -> None:
    with pytest.raises(GeneratorError) as alone:
        _datamodels._run_dmcg("{", "")
    with _dmcg.background(), pytest.raises(GeneratorError) as through_worker:
        _datamodels._run_dmcg("{", "")
    assert through_worker.value.problems == alone.value.problems
    assert alone.value.problems[0].startswith("datamodel-code-generator: Invalid file format for jsonschema")


@pytest.mark.parametrize("behaviour", ["print('garbage')", "raise SystemExit(3)", "import os; os.kill(os.getpid(), 9)"])
def test_a_broken_worker_falls_back_to_dmcg_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       behaviour: str) -> None:
    script = tmp_path / "worker.py"
    script.write_text(f"import sys\nsys.stdin.read()\n{behaviour}\n")
    monkeypatch.setattr(_dmcg, "__file__", str(script))
    catalogue = load_catalogue(SMALL)
    with _dmcg.background():
        assert _dmcg._current
        assert _datamodels.render(catalogue) == _datamodels.render(load_catalogue(SMALL))


def test_a_worker_that_cannot_start_is_no_error(monkeypatch: pytest.MonkeyPatch, start: str) -> None:
    if start == "fork":
        def fork() -> int:
            raise OSError(11, "Resource temporarily unavailable")

        monkeypatch.setattr(_dmcg.os, "fork", fork)
    else:
        monkeypatch.setattr(_dmcg.sys, "executable", "/nonexistent/python")
    with _dmcg.background():
        assert _dmcg.take(SOURCE, "") is None
        assert "text" in _dmcg.run(SOURCE, "")


def test_the_worker_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_dmcg.WORKER_ENV, "0")
    with _dmcg.background():
        assert _dmcg.take(SOURCE, "") is None


def test_an_unused_worker_is_ended_with_the_render() -> None:
    with _dmcg.background():
        worker = _dmcg._current[0]
    assert worker._proc.returncode is not None and not _dmcg._current


def _exited(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")  # a zombie has exited (nothing reaps orphans in some containers)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_parent_leaves_no_worker_behind(start: str) -> None:
    probe = ("import os, sys\nfrom spoki_actions.generator import _dmcg\n"
             f"_dmcg.can_fork = lambda: {start == 'fork'}\n"
             "scope = _dmcg.background()\nscope.__enter__()\nprint(_dmcg._current[0]._proc.pid, flush=True)\n"
             "os.kill(os.getpid(), 9)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert done.returncode == -9
    pid = int(done.stdout)
    deadline = time.monotonic() + 120  # it ends once dmcg is imported and it reads the parent's EOF
    while not _exited(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _exited(pid)
    assert os.getpid() != pid


def test_without_a_record_the_worker_starts_before_the_fingerprint_and_a_no_op_starts_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spoki_actions.generator import build

    events: list[str] = []
    real_worker, real_fingerprint = _dmcg.Worker, build.fingerprint

    class Recorded(real_worker):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            events.append("worker")
            super().__init__()

    def fingerprint(specs: Path) -> str:
        events.append("fingerprint")
        return real_fingerprint(specs)

    monkeypatch.setattr(_dmcg, "Worker", Recorded)
    monkeypatch.setattr(build, "fingerprint", fingerprint)
    out = tmp_path / "generated"
    build.generate(SMALL, out)  # a new folder: no record, so it renders whatever the fingerprint says
    assert events == ["worker", "fingerprint"]
    events.clear()
    assert build.generate(SMALL, out).from_cache  # the record matches: answered without a worker
    assert events == ["fingerprint"]
    events.clear()
    (out / "docs" / "index.md").write_text("edited\n")
    assert not build.generate(SMALL, out).from_cache  # a record that does not match: fingerprint first
    assert events == ["fingerprint", "worker"]
    events.clear()
    build.generate(SMALL, out, check=True)  # --check never trusts the record: the worker at once
    assert events == ["worker"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork")
def test_a_forked_worker_holds_none_of_the_parent_s_descriptors_and_writes_none_of_its_output() -> None:
    """The caller's pipes (here: a pipe it reads to the end, and its buffered stdout) are not kept
    open or written by the worker: EOF comes when the caller closes its end, each line comes once."""
    probe = ("import os, sys\nfrom spoki_actions.generator import _dmcg\n"
             f"source = {SOURCE!r}\n"
             "r, w = os.pipe()\nsys.stdout.write('before ')\n"
             "with _dmcg.background():\n"
             "    assert isinstance(_dmcg._current[0]._proc, _dmcg.Forked)\n"
             "    os.close(w)\n"
             "    assert os.read(r, 1) == b''\n"  # EOF: the worker did not keep the write end
             "    worker = _dmcg.take(source, '')\n"
             "    assert worker.result() == _dmcg.run(source, '')\n"
             "print('after')\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "before after\n"


def test_the_fork_variants_run_in_a_fresh_process_when_this_one_has_threads(start: str) -> None:
    """A suite whose earlier tests left threads running skips the fork variants above (`can_fork`
    refuses); they run here in a pytest of one thread instead."""
    import threading

    if start == "fork" or threading.active_count() == 1:
        pytest.skip("the fork variants ran in this process")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__,
                           "-k", "fork and not fresh_process"], capture_output=True, text=True, check=False,
                          timeout=600, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stdout[-3000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "skipped" not in summary, summary
