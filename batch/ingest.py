"""Ingest: the input file → journal rows, checked by the runtime before anything is sent.

Input: a `Source`, the keys and a journal. Output: every row in the journal, `pending` when its
inputs pass the runtime's own validation and its account alias has a key, `failed` with the
problems otherwise (never sent), of kind `malformed_row` (a line that cannot be read as a row),
`unknown_account` (an alias with no key, or not an alias) or `validation` (a cell not of its
input's type, or the runtime refused the row). Rows are committed in blocks together with the byte
offset after the last one, so an ingest stopped at any instant continues exactly where it left off.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from spoki_actions import check_input

from .journal import Journal
from .keys import KeyError_, Keys, check_alias
from .source import BadRow, Row, Source, SourceError

BLOCK = 5000  # rows per ingest commit (one fsync each; the block is in memory meanwhile)


def fingerprint(path: Path) -> dict[str, Any]:
    """Enough to tell that a file is still the one a journal was started from."""
    st = path.stat()
    with path.open("rb") as handle:
        head = hashlib.sha256(handle.read(1 << 16)).hexdigest()
    return {"size": st.st_size, "head_sha256": head}


def check_unchanged(path: Path, recorded: dict[str, Any]) -> None:
    if not path.is_file():
        raise SourceError(f"{path}: the input of this journal is gone, and its rows are not all ingested yet")
    if fingerprint(path) != recorded:
        raise SourceError(f"{path}: the input changed since the journal was started "
                          "(size or first 64 KiB differ); rows would no longer match their line numbers")


def ingest(source: Source, journal: Journal, keys: Keys, offset: int | None, line: int | None,
           next_seq: int) -> int:
    """Ingests from (offset, line); returns the number of rows added."""
    block: list[tuple[int, int, str, dict[str, Any] | None, str | None, str | None]] = []
    seq = next_seq
    end, after = offset, line
    known: dict[str, str | None] = {}
    for item in source.rows(offset, line):
        block.append(_entry(seq, item, source.action.name, keys, known))
        seq += 1
        end, after = item.end, item.after
        if len(block) >= BLOCK:
            journal.add_rows(block, ingest_offset=end, ingest_line=after,
                             next_seq=seq)
            block = []
    journal.add_rows(block, ingest_offset=end, ingest_line=after, next_seq=seq,
                     ingest_done=True)
    return seq - next_seq


def _entry(seq: int, item: Row | BadRow, action: str, keys: Keys,
           known: dict[str, str | None]) -> tuple[int, int, str, dict[str, Any] | None, str | None, str | None]:
    if isinstance(item, BadRow):
        return (seq, item.line, item.account, None, item.kind, f"line {item.line}: {item.problem}")
    if item.account not in known:
        problem = check_alias(item.account)
        if problem is None:
            try:
                keys.get(item.account)
            except KeyError_ as exc:
                problem = str(exc)
        known[item.account] = problem
    problem = known[item.account]
    if problem is not None:
        return (seq, item.line, item.account, None, "unknown_account", f"line {item.line}: {problem}")
    refused = check_input(action, item.params)
    if refused is not None:
        return (seq, item.line, item.account, None, "validation", f"line {item.line}: {refused.error}")
    return (seq, item.line, item.account, item.params, None, None)
