"""Write: switch the output folder to the rendered tree, all or nothing, even under SIGKILL.

Input: the rendered tree (`{relative path: bytes}`) and the output folder. Output: a `Diff` and,
unless checking, the folder updated. The whole new folder is built in a staging folder beside it
(`.<name>-XXXXXXXX`, with a journal naming the folder it serves): new contents written, every
other file (unchanged, foreign, `__pycache__`) hard-linked, or copied with its mtime where links
fail. Then one atomic exchange of the two directories (Linux `renameat2(RENAME_EXCHANGE)`; else a
journaled pair of renames) makes the new tree the output, and the staging folder (now the old
tree) is removed. A kill at any instant leaves the complete old folder or the complete new one;
`recover` (run first by every later `generate`) removes staging folders a kill left and, if a
kill fell between the two renames of the fallback, puts the old folder back. Unchanged files keep
their inode and mtime. Only files the generator wrote (the banner, or listed in the marker's
manifest) are ever removed or replaced; others are carried over (`Diff.foreign`, `Diff.clashes`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
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


# --- switch ----------------------------------------------------------------------------------

JOURNAL = ".spoki-actions-staging"  # in a staging folder: the name of the output folder it serves
_STAGING_NAME = r"-[a-z0-9_]{8}"  # what `tempfile.mkdtemp` appends
# what a staging folder holds when killed before its tree was begun (or left by runs before the journal)
_EARLY_STAGING = frozenset({"new", "old", JOURNAL})
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class Stage:
    """A staging folder begun while the render still runs, for a new output folder only: `ahead`
    writes the files already rendered into its tree while dmcg runs in the worker (creating 80-odd
    files costs 20-60 ms here, which then is off the end of the run), and `apply` finishes it and
    switches. It is the staging folder `apply` makes (journal first), so a kill leaves what
    `recover` removes; `discard` removes it (and the parent folders it made) when the run fails.
    A folder that exists already (or appears meanwhile) is built by `apply` alone, as ever."""

    def __init__(self, out: Path) -> None:
        self.target = _real(out)
        self.created: list[Path] = []  # folders it made, innermost last
        self.staging: Path | None = None
        self.written: dict[str, bytes] = {}  # what its tree holds already

    def ahead(self, files: dict[str, bytes]) -> None:
        """Write `files` (but Python files: they are compile-checked first) into the tree, if the
        output folder does not exist."""
        if os.path.lexists(self.target):
            return
        if self.staging is None:
            _makedirs(self.target.parent, self.created)
            self.staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}-", dir=self.target.parent))
            (self.staging / JOURNAL).write_text(self.target.name + "\n")
            (self.staging / "tree").mkdir()
        tree = self.staging / "tree"
        for rel, content in files.items():
            if not rel.endswith(".py") and rel not in self.written:
                path = tree / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                _write_file(path, content)
                self.written[rel] = content

    def take(self) -> tuple[Path | None, list[Path], dict[str, bytes]]:
        """Its staging folder, the folders it made and what it wrote, handed to `apply` (which then
        removes them), or nothing when the output folder appeared meanwhile (then discarded)."""
        if self.staging is not None and os.path.lexists(self.target):
            self.discard()
        taken = (self.staging, self.created, self.written)
        self.staging, self.created, self.written = None, [], {}
        return taken

    def discard(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
        for folder in reversed(self.created):
            _rmdir(folder)
        self.staging, self.created, self.written = None, [], {}


def apply(out: Path, files: dict[str, bytes], plan: Diff, stage: Stage | None = None) -> None:
    """Build the new folder beside `out` (or finish `stage`'s), then switch: all of `plan` happens,
    or none of it. Refuses (`GeneratorError`, nothing touched) to replace a file the generator did
    not write."""
    staging, created, written = stage.take() if stage is not None else (None, [], {})
    # folders made for this call, innermost last
    done = keep_staging = False
    target = _real(out)
    try:
        if plan.clashes:  # even with `--force`: never overwrite someone else's file
            raise GeneratorError([f"{out / rel} is in the way: the generator did not write it (no banner, not in "
                                  f"{MARKER}); move or remove it and run again" for rel in plan.clashes])
        if plan.clean:
            return
        if staging is None:
            _makedirs(target.parent, created)
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
            (staging / JOURNAL).write_text(target.name + "\n")
        _build(target, staging / "tree", files, plan, written)
        try:
            _switch(target, staging)
        except SwapError:
            keep_staging = True
            raise
        done = True
    finally:
        if staging is not None and not keep_staging:
            shutil.rmtree(staging, ignore_errors=True)
        if not done and not keep_staging:
            for folder in reversed(created):
                _rmdir(folder)


def _real(out: Path) -> Path:
    """The folder to switch: `out` with its symlinks resolved (a link to the output stays a link)."""
    return Path(os.path.realpath(out))


def _build(target: Path, tree: Path, files: dict[str, bytes], plan: Diff, written: dict[str, bytes]) -> None:
    """`tree` becomes the whole new output folder: `target` minus what is replaced or removed, plus
    the new contents. `written` is what a `Stage` put in `tree` already (only when `target` does
    not exist): kept where it is what the plan adds, removed otherwise."""
    replaced = {*plan.changed, *plan.removed}
    if tree.is_dir():  # a `Stage` began it: `target` did not exist
        wanted = set(plan.added)
        for rel, content in list(written.items()):
            if rel not in wanted or files.get(rel) != content:
                (tree / rel).unlink()
                del written[rel]
    else:
        _make_dir(tree, target)
    if target.is_dir():
        for dirpath, dirnames, filenames in os.walk(target):
            base = Path(dirpath)
            rel_base = base.relative_to(target)
            for name in [*dirnames, *filenames]:
                src, rel = base / name, (rel_base / name).as_posix()
                if rel in replaced:
                    continue
                if src.is_symlink():
                    os.symlink(os.readlink(src), tree / rel)
                elif src.is_dir():
                    _make_dir(tree / rel, src)
                else:
                    _link_or_copy(src, tree / rel)
            dirnames[:] = [d for d in dirnames if not (base / d).is_symlink()]
    for rel in [*plan.changed, *plan.added]:
        if rel in written:
            continue
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_file(path, files[rel])
    for rel in plan.removed:
        _prune(tree, (tree / rel).parent)


def _make_dir(path: Path, like: Path) -> None:
    path.mkdir()
    with contextlib.suppress(OSError):
        shutil.copymode(like, path)


def _link_or_copy(src: Path, dst: Path) -> None:
    """The same file in the new tree: a hard link (same inode and mtime), else a copy keeping its mtime."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _write_file(path: Path, content: bytes) -> None:
    path.write_bytes(content)


def _switch(target: Path, staging: Path) -> None:
    """Make `staging/tree` the output folder in one step; the old folder ends up in `staging`."""
    tree = staging / "tree"
    if not target.exists():
        os.rename(tree, target)  # atomic; nothing was there
        return
    if _exchange(tree, target):
        return
    # no atomic exchange here: two renames; between them the old folder is `staging/old`, which
    # `recover` puts back (a missing output folder beside a journaled `old` can only mean that)
    old = staging / "old"
    os.replace(target, old)
    try:
        os.replace(tree, target)
    except BaseException as exc:
        try:
            os.replace(old, target)
        except OSError as err:
            raise SwapError([f"could not put back {target}: {err}", f"the previous versions are kept in {old}"]) \
                from exc
        raise


def _renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function: Callable[..., int] = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a libc without it (glibc < 2.28, musl < 1.2.5)
        return None
    return function


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically; False when this system or filesystem cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


# --- recover ---------------------------------------------------------------------------------

def recover(out: Path) -> list[Path]:
    """Finish what a killed run left beside `out`: put the old folder back if a kill fell between
    the two renames of the fallback switch, and remove every staging folder. Returns those removed."""
    target = _real(out)
    try:
        candidates = sorted(target.parent.glob(f".{glob_escape(target.name)}-*"))
    except OSError:
        return []
    cleaned: list[Path] = []
    for staging in candidates:
        if not _is_staging(staging, target.name):
            continue
        old = staging / "old"
        if not target.exists() and old.is_dir() and _journal(staging)[:1] == [target.name]:
            os.replace(old, target)
        shutil.rmtree(staging, ignore_errors=True)
        cleaned.append(staging)
    return cleaned


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _journal(staging: Path) -> list[str]:
    try:
        return (staging / JOURNAL).read_text().splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _is_staging(path: Path, name: str) -> bool:
    """A staging folder of ours for the output folder `name`: by its name and its journal, or, when
    the journal is not (fully) written yet or a run from before the journal left it, by its name and
    its only entries being `new`, `old` or the journal."""
    if path.is_symlink() or not path.is_dir() or not re.fullmatch(re.escape(f".{name}") + _STAGING_NAME, path.name):
        return False
    if _journal(path)[:1] == [name]:
        return True
    try:
        entries = {entry.name for entry in path.iterdir()}
    except OSError:
        return False
    return entries <= _EARLY_STAGING


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
