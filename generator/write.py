"""Write: swap rendered files into the output folder, touching only what changed.

Input: the rendered tree (`{relative path: bytes}`) and the output folder. Output: a `Diff`
(changed, added, removed paths) and, unless checking, the folder updated: every new content is
first written into a staging folder beside it (same filesystem), then moved over its target
with `os.replace`, stale files are removed last. Unchanged files are never opened for writing,
so their modification times stay as they were. `__pycache__` folders are not ours and are left.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

IGNORED_DIRS = frozenset({"__pycache__"})
CACHE_FILE = ".generate-cache.json"  # the no-op fast path's record (see `build`); local, ignored by git


@dataclass(frozen=True, slots=True)
class Diff:
    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0

    @property
    def clean(self) -> bool:
        return not (self.changed or self.added or self.removed)


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
    """How `out` differs from the rendered `files` (content compared byte for byte)."""
    present = existing(out, keep)
    changed: list[str] = []
    added: list[str] = []
    for rel, content in files.items():
        path = present.get(rel)
        if path is None:
            added.append(rel)
        elif path.read_bytes() != content:
            changed.append(rel)
    removed = [rel for rel in present if rel not in files]
    unchanged = len(files) - len(changed) - len(added)
    return Diff(tuple(changed), tuple(added), tuple(removed), unchanged)


def apply(out: Path, files: dict[str, bytes], plan: Diff) -> None:
    """Stage every new content beside `out`, then move each over its target; remove stale files."""
    if plan.clean:
        return
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        to_write = [*plan.changed, *plan.added]
        for rel in to_write:
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[rel])
        for rel in to_write:
            destination = out / rel
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, destination)
        for rel in plan.removed:
            (out / rel).unlink()
            _prune(out, (out / rel).parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
