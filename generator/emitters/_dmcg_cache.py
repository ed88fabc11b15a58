"""A content-addressed cache of datamodel-code-generator's output, outside the output folder.

Input: the exact text dmcg would be given, its options and the file header. Output: dmcg's text
from an earlier run with the same key, or None; `store` keeps a new one. The key is a sha256 of
everything the output depends on: this format's version, dmcg's version and install (path, size,
mtime of its package, and of pydantic's and jinja2's), Python's version, the options, the header
and the input bytes. A hit skips importing and running dmcg (~0.45 s for the 22 specs, ~3.5 s for
1,000).

Where: `$SPOKI_ACTIONS_CACHE_DIR` when set (an empty value turns the cache off), else
`$XDG_CACHE_HOME/spoki-actions`, else `~/.cache/spoki-actions`; entries under `models/`, one file
each, never inside the output folder. Safe under concurrent runs and SIGKILL: an entry is written
to a temp file beside it and renamed into place, so readers see a whole entry or none; each entry
carries the sha256 of its body, and an entry that does not match (torn, truncated, edited) is
ignored and rebuilt. It keeps the `KEEP` entries used last (a hit touches its entry); temp files
a kill left are swept after an hour. The cache is only a speed-up: any error reading or writing
it is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

ENV = "SPOKI_ACTIONS_CACHE_DIR"
_FORMAT = b"spoki-actions dmcg cache 1"
_MAGIC = b"# spoki-actions dmcg cache 1 sha256="
KEEP = 32  # entries kept (one per distinct set of models: ~60 kB for the 22 specs, ~3 MB for 1,000)
_STALE_TMP = 3600.0  # seconds after which a temp file is a kill's leftover, not a write under way


def folder() -> Path | None:
    """The cache folder, or None when turned off."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return Path(chosen) / "models" if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "spoki-actions" / "models"


def _install() -> bytes:
    """dmcg's version, and where and when it and the packages its output could depend on (pydantic,
    jinja2) were installed: an editable or patched install may change without a new version."""
    from importlib import metadata

    parts = [metadata.version("datamodel-code-generator")]
    for tool in ("datamodel_code_generator", "pydantic", "jinja2"):
        spec = importlib.util.find_spec(tool)
        if spec is not None and spec.origin is not None:
            st = os.stat(spec.origin)
            parts.append(f"{tool}\0{spec.origin}\0{st.st_size}\0{st.st_mtime_ns}")
    return "\0".join(parts).encode()


def key(source: str, options: str, header: str) -> str:
    h = hashlib.sha256(_FORMAT + b"\0")
    for part in (_install(), sys.version.encode(), options.encode(), header.encode(), source.encode()):
        h.update(f"{len(part)}\0".encode())
        h.update(part)
    return h.hexdigest()


def load(entry: str) -> str | None:
    where = folder()
    if where is None:
        return None
    try:
        content = (where / entry).read_bytes()
    except OSError:
        return None
    head, _, body = content.partition(b"\n")
    if head != _MAGIC + hashlib.sha256(body).hexdigest().encode():
        return None  # torn or edited: rebuilt by this run
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    with contextlib.suppress(OSError):
        os.utime(where / entry)  # recently used: kept by `_prune`
    return text


def store(entry: str, text: str) -> None:
    where = folder()
    if where is None:
        return
    body = text.encode("utf-8")
    content = _MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body
    tmp: str | None = None
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{entry[:16]}-", suffix=".tmp", dir=where)
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(tmp, where / entry)
        tmp = None
        _prune(where)
    except OSError:
        pass  # read-only or full: the run is complete without it
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _prune(where: Path) -> None:
    """Drop all but the `KEEP` entries used last, and temp files older than an hour."""
    import time

    entries: list[tuple[float, Path]] = []
    now = time.time()
    for path in where.iterdir():
        with contextlib.suppress(OSError):
            mtime = path.stat().st_mtime
            if path.name.endswith(".tmp"):
                if now - mtime > _STALE_TMP:
                    path.unlink()
            elif len(path.name) == 64:
                entries.append((mtime, path))
    for _, path in sorted(entries, reverse=True)[KEEP:]:
        with contextlib.suppress(OSError):
            path.unlink()
