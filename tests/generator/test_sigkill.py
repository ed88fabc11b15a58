"""`spoki-actions generate` under SIGKILL: after a kill at any instant the output folder is the
complete old tree or the complete new one, and the next run cleans what the kill left.

Real processes, real SIGKILLs: a child runs the CLI; either it is killed after spread delays, or
it pauses at a chosen disk-changing step (a folder made, a file linked or written, the switch, each
rename of the fallback switch, the removal of the staging folder) and is killed there."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spoki_actions.generator import write

from .conftest import ROOT, SMALL, copy_specs, run_generate

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

CHILD = r"""
import os, shutil, sys, time
from spoki_actions.generator import write
from spoki_actions.cli import main

pause_at, switch, specs, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
count = 0

def pausing(real):
    def step(*args, **kwargs):
        global count
        count += 1
        if count == pause_at:
            print("paused", flush=True)
            time.sleep(120)
        return real(*args, **kwargs)
    return step

for name in ("_make_dir", "_link_or_copy", "_write_file", "_switch"):
    setattr(write, name, pausing(getattr(write, name)))
os.replace = pausing(os.replace)
shutil.rmtree = pausing(shutil.rmtree)
if switch == "renames":
    write._exchange = lambda a, b: False
code = main(["generate", "--specs", specs, "--out", out])
print(f"done {count}", flush=True)
sys.exit(code)
"""


def tree(out: Path) -> dict[str, bytes] | None:
    """The output folder's files (not `__pycache__` nor the local cache record); None if absent."""
    if not out.exists():
        return None
    return {rel: path.read_bytes() for rel, path in write.existing(out, write.LOCAL_FILES).items()}


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".") and p.is_dir())


def child(pause_at: int, switch: str, specs: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(pause_at), switch, str(specs), str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)


def kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the child and reap it; its stdout pipe closed here, not left to the collector (an "unclosed
    file" ResourceWarning in whichever later test collects it)."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.stdout is not None
    proc.stdout.close()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes], dict[str, bytes]]:
    """Specs whose output changes, adds and removes files relative to an earlier output."""
    base = tmp_path_factory.mktemp("sigkill")
    old_specs = copy_specs(SMALL, base / "old_specs")
    old_out = base / "old_out"
    run_generate(old_specs, old_out)
    (old_out / "python" / "__pycache__").mkdir()
    (old_out / "python" / "__pycache__" / "actions.cpython.pyc").write_bytes(b"\0cache")
    specs = copy_specs(SMALL, base / "specs")
    (specs / "people" / "list_people.yaml").unlink()
    path = specs / "things" / "delete_thing.yaml"
    path.write_text(path.read_text().replace("Deletes a thing", "Removes a thing"))
    (specs / "gadgets").mkdir()
    (specs / "gadgets" / "erase_thing.yaml").write_text(
        path.read_text().replace("SPOKI_DELETE_THING", "SPOKI_ERASE_THING").replace("group: things", "group: gadgets"))
    new_out = base / "new_out"
    run_generate(specs, new_out)
    old, new = tree(old_out), tree(new_out)
    assert old is not None and new is not None and old != new
    return specs, old_out, old, new


def _steps(specs: Path, old_out: Path, tmp: Path, switch: str) -> int:
    out = tmp / "count" / "generated"
    shutil.copytree(old_out, out)
    proc = child(0, switch, specs, out)
    stdout, _ = proc.communicate(timeout=120)
    last = stdout.splitlines()[-1]
    assert proc.returncode == 0 and last.startswith("done ")
    return int(last.split()[1])


def _after_kill(out: Path, old: dict[str, bytes] | None, new: dict[str, bytes], what: str,
                gap: bool = False) -> str:
    """The folder is the old tree or the new one; recovery (what every later run does first) leaves
    no staging folder and changes nothing, except, with `gap` (the fallback switch's two renames),
    putting back the old folder a kill between them had moved aside."""
    found = tree(out)
    write.recover(out)
    assert leftovers(out.parent) == [], what
    recovered = tree(out)
    if gap and found is None and old is not None:
        assert recovered == old, f"{what}: the old folder was not put back"
    else:
        assert found in (old, new), f"{what}: the output is neither the old tree nor the new one"
        assert recovered == found, f"{what}: recovery changed a complete tree"
    return "old" if recovered == old else "new"


@pytest.mark.parametrize("switch", ["exchange", "renames"])
def test_a_kill_at_any_step_leaves_the_old_or_the_new_tree(
        tmp_path: Path, scenario: tuple[Path, Path, dict[str, bytes], dict[str, bytes]], switch: str) -> None:
    specs, old_out, old, new = scenario
    total = _steps(specs, old_out, tmp_path, switch)
    # every step around the switch, and a spread of the building steps before it
    points = sorted({1, 2, total // 4, total // 2, *range(max(1, total - 6), total + 1)})
    seen = set()
    for n in points:
        out = tmp_path / f"at{n}" / "generated"
        shutil.copytree(old_out, out)
        proc = child(n, switch, specs, out)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line == "paused\n", f"step {n} of {total}: {line!r}"
        kill(proc)
        seen.add(_after_kill(out, old, new, f"killed at step {n} of {total} ({switch})", gap=switch == "renames"))
    assert seen == {"old", "new"}  # the kills landed on both sides of the switch


def test_a_kill_between_the_two_renames_is_put_right_by_the_next_run(
        tmp_path: Path, scenario: tuple[Path, Path, dict[str, bytes], dict[str, bytes]]) -> None:
    specs, old_out, old, new = scenario
    total = _steps(specs, old_out, tmp_path, "renames")
    for n in range(max(1, total - 6), total + 1):
        out = tmp_path / f"at{n}" / "generated"
        shutil.copytree(old_out, out)
        proc = child(n, "renames", specs, out)
        assert proc.stdout is not None and proc.stdout.readline() == "paused\n"
        kill(proc)
        if out.exists():
            continue
        # the old folder was moved aside and the new one not yet in place: the next run puts it back
        assert leftovers(out.parent)
        moved_aside = tmp_path / f"copy{n}"
        shutil.copytree(out.parent, moved_aside / "parent", symlinks=True)
        write.recover(moved_aside / "parent" / "generated")
        assert tree(moved_aside / "parent" / "generated") == old  # recovery alone puts the old one back
        assert run_generate(specs, out).diff.changed
        assert tree(out) == new and leftovers(out.parent) == []
        return
    pytest.fail("no step fell between the two renames")


@pytest.mark.parametrize("fresh", [False, True], ids=["regenerate", "new-folder"])
def test_kills_at_spread_delays_leave_the_old_or_the_new_tree(
        tmp_path: Path, scenario: tuple[Path, Path, dict[str, bytes], dict[str, bytes]], fresh: bool) -> None:
    specs, old_out, old, new = scenario
    started = time.perf_counter()
    proc = child(0, "exchange", specs, tmp_path / "timing" / "generated")
    proc.communicate(timeout=120)
    duration = time.perf_counter() - started
    for k in range(1, 9):
        out = tmp_path / f"after{k}" / "generated"
        if fresh:
            out.parent.mkdir()
        else:
            shutil.copytree(old_out, out)
        proc = child(0, "exchange", specs, out)
        time.sleep(duration * (0.55 + 0.06 * k))  # the writing happens at the end of the run
        kill(proc)
        _after_kill(out, None if fresh else old, new, f"killed after {k}/8 of a run")
