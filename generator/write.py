"""Write: swap rendered files into the output folder, all or nothing, touching only what changed.

Input: the rendered tree (`{relative path: bytes}`) and the output folder. Output: a `Diff` and,
unless checking, the folder updated: new contents are staged beside it, then swapped in with a
backup of every file replaced or removed; any exception during the swap (OSError, Ctrl-C) puts
every file back, byte for byte and mtime for mtime. Unchanged files are never opened for
writing. Only files the generator wrote (the banner, or listed in the marker's manifest) are
ever removed or replaced; others are left (`Diff.foreign`, `Diff.clashes`). `__pycache__` is not ours.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import GeneratorError

# the do-not-edit banner every generated file carries (`banner` puts the spec's path between; the
# folder is always called `specs/`, wherever it really is); here because recognising our own files
# is this module's job, and a no-op run should not pay for importing the emitters
BANNER_START = "generated from specs/"
BANNER_END = " by `spoki-actions generate`; do not edit"
IGNORED_DIRS = frozenset({"__pycache__"})
CACHE_FILE = ".generate-cache.json"  # the no-op fast path's record (see `build`); local, ignored by git
# local files of ours that are never part of the rendered tree, compared or reported
LOCAL_FILES = frozenset({CACHE_FILE, f"{CACHE_FILE}.tmp"})
# the marker that makes a folder an output folder; it lists every file the run wrote (the manifest)
MARKER = ".spoki-actions-generated"
_MARKER_HEAD = f"# {BANNER_START}{BANNER_END}"
_LEGACY_MARKER = ".gitignore"  # output written before the marker existed: recognised by its banner
_BANNER = re.compile(f"{re.escape(BANNER_START)}[^\n]*{re.escape(BANNER_END)}".encode())
_HEAD_BYTES = 1024  # every generated file carries the banner within its first lines


def banner(source: str | None = None) -> str:
    """The do-not-edit line every generated file carries (no paths outside the repo, no dates)."""
    return f"{BANNER_START}{source or ''}{BANNER_END}"


@dataclass(frozen=True, slots=True)
class Diff:
    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # stale files the generator wrote: removed
    unchanged: int = 0
    foreign: tuple[str, ...] = ()  # extra files the generator did not write: never touched
    clashes: tuple[str, ...] = ()  # files the generator did not write where it would write: refused

    @property
    def clean(self) -> bool:
        return not (self.changed or self.added or self.removed)


class SwapError(GeneratorError):
    """The swap failed and putting the old files back failed too: the output folder is mixed."""


# --- what is ours ----------------------------------------------------------------------------

def manifest(paths: Iterable[str]) -> bytes:
    """The marker's content: the banner, what the folder is, and every file of the run."""
    lines = [_MARKER_HEAD,
             "# The output of `spoki-actions generate`. A later run rewrites these files and removes the ones",
             "# it no longer produces; it never removes a file it did not write.",
             *sorted(p for p in paths if p != MARKER)]
    return ("\n".join(lines) + "\n").encode()


def _first_line(path: Path) -> str | None:
    try:
        with path.open("rb") as f:
            return f.readline(_HEAD_BYTES).decode("utf-8", "replace").rstrip("\r\n")
    except OSError:
        return None


def is_output_folder(out: Path) -> bool:
    """`out` holds an earlier run's output: its marker, or (older runs) the banner-led `.gitignore`."""
    return any(_first_line(out / name) == _MARKER_HEAD for name in (MARKER, _LEGACY_MARKER))


def is_empty(out: Path) -> bool:
    """Nothing in `out` but `__pycache__` (a folder that does not exist is empty)."""
    try:
        return all(entry.name in IGNORED_DIRS for entry in out.iterdir())
    except FileNotFoundError:
        return True


def previous_manifest(out: Path) -> frozenset[str]:
    """The files the last run listed in its marker (plain relative paths only)."""
    path = out / MARKER
    try:
        lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    except OSError:
        return frozenset()
    if not lines or lines[0] != _MARKER_HEAD:
        return frozenset()
    listed = set()
    for line in lines[1:]:
        rel = PurePosixPath(line)
        if line and not line.startswith("#") and not rel.is_absolute() and ".." not in rel.parts \
                and rel.as_posix() == line:
            listed.add(line)
    return frozenset(listed)


def carries_banner(path: Path) -> bool:
    """The file starts like every generated file: the `generated from specs/… do not edit` banner."""
    try:
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
    except OSError:
        return False
    return _BANNER.search(head) is not None


# --- compare ---------------------------------------------------------------------------------

def existing(out: Path, keep: frozenset[str] = frozenset()) -> dict[str, Path]:
    """Files under `out` by relative posix path, minus `__pycache__` and the `keep` paths."""
    found: dict[str, Path] = {}
    if not out.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(out):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS)
        base = Path(dirpath)
        for name in filenames:
            path = base / name
            rel = path.relative_to(out).as_posix()
            if rel not in keep:
                found[rel] = path
    return dict(sorted(found.items()))


def diff(out: Path, files: dict[str, bytes], keep: frozenset[str] = frozenset()) -> Diff:
    """How `out` differs from the rendered `files` (content compared byte for byte). A file is
    the generator's when it carries the banner or the last run's manifest lists it: extra files
    are `removed` when they are its, else `foreign`; changed files that are not its are `clashes`."""
    present = existing(out, keep)
    changed: list[str] = []
    added: list[str] = []
    for rel, content in files.items():
        path = present.get(rel)
        if path is None:
            added.append(rel)
        elif path.read_bytes() != content:
            changed.append(rel)
    extra = [rel for rel in present if rel not in files]
    listed = previous_manifest(out) if extra or changed else frozenset()

    def ours(rel: str) -> bool:
        return rel in listed or carries_banner(present[rel])

    removed = tuple(rel for rel in extra if ours(rel))
    foreign = tuple(rel for rel in extra if rel not in removed)
    clashes = tuple(rel for rel in changed if not ours(rel))
    unchanged = len(files) - len(changed) - len(added)
    return Diff(tuple(changed), tuple(added), removed, unchanged, foreign, clashes)


# --- swap ------------------------------------------------------------------------------------

def apply(out: Path, files: dict[str, bytes], plan: Diff) -> None:
    """Stage every new content beside `out`, then swap: all of `plan` happens, or none of it.
    Refuses (`GeneratorError`, nothing touched) to replace a file the generator did not write."""
    if plan.clashes:  # even with `--force`: never overwrite someone else's file
        raise GeneratorError([f"{out / rel} is in the way: the generator did not write it (no banner, not in "
                              f"{MARKER}); move or remove it and run again" for rel in plan.clashes])
    if plan.clean:
        return
    created: list[Path] = []  # folders this call made, innermost last
    staging: Path | None = None
    done = False
    keep_staging = False
    try:
        _makedirs(out, created)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
        new, old = staging / "new", staging / "old"
        for rel in [*plan.changed, *plan.added]:
            target = new / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[rel])
        journal: list[tuple[str, str]] = []
        try:
            _swap(out, new, old, plan, journal, created)
        except BaseException as exc:
            failures = _roll_back(out, old, journal)
            if failures:
                keep_staging = True
                raise SwapError([f"could not put back {rel}: {err}" for rel, err in failures] +
                                [f"the previous versions are kept in {old}"]) from exc
            raise
        done = True
    finally:
        if staging is not None and not keep_staging:
            shutil.rmtree(staging, ignore_errors=True)
        if not done and not keep_staging:
            for folder in reversed(created):
                _rmdir(folder)
    for rel in plan.removed:
        _prune(out, (out / rel).parent)


def _swap(out: Path, new: Path, old: Path, plan: Diff, journal: list[tuple[str, str]],
          created: list[Path]) -> None:
    # each step is logged before it starts, so the roll-back knows what may have happened
    for rel in plan.changed:
        backup = old / rel
        backup.parent.mkdir(parents=True, exist_ok=True)
        journal.append(("changed", rel))
        try:
            os.link(out / rel, backup)  # the old inode stays, with its mtime; the target is never missing
        except OSError:  # no hard links here: move the old file aside instead
            os.replace(out / rel, backup)
        os.replace(new / rel, out / rel)
    for rel in plan.added:
        _makedirs((out / rel).parent, created)
        journal.append(("added", rel))
        os.replace(new / rel, out / rel)
    for rel in plan.removed:
        backup = old / rel
        backup.parent.mkdir(parents=True, exist_ok=True)
        journal.append(("removed", rel))
        os.replace(out / rel, backup)


def _roll_back(out: Path, old: Path, journal: list[tuple[str, str]]) -> list[tuple[str, OSError]]:
    """Undo the logged steps, newest first; returns what could not be undone."""
    failures: list[tuple[str, OSError]] = []
    for kind, rel in reversed(journal):
        try:
            if kind == "added":
                (out / rel).unlink(missing_ok=True)
            elif (old / rel).exists():  # changed or removed: the backup is the old file itself
                os.replace(old / rel, out / rel)
        except OSError as err:
            failures.append((rel, err))
    return failures


def _makedirs(folder: Path, created: list[Path]) -> None:
    """`mkdir -p`, remembering each folder made (outermost first) so a roll-back can remove it."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        created.append(path)


def _rmdir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not empty: something else is there now; leave it
        folder.rmdir()


def _prune(out: Path, folder: Path) -> None:
    """Remove folders left empty (or holding only `__pycache__`) by a removal, up to `out`."""
    while folder != out and folder.is_dir():
        entries = list(folder.iterdir())
        if any(e.name not in IGNORED_DIRS for e in entries):
            return
        for e in entries:
            shutil.rmtree(e, ignore_errors=True)
        folder.rmdir()
        folder = folder.parent
