"""Journal: every row of a batch and its state, in one SQLite file (WAL), written by the driver only.

Input: rows from the source, claims of chunks, and the results that come back. Output: a file that
says, row by row, what was done. States: `pending` → `sent` → `done` | `failed` | `unknown`
(failed also for rows refused before sending). A chunk is marked `sent` and committed *before* its
requests go out, and its results are committed when they come back, so after a crash at any instant
the rows that may have reached the server are exactly the `sent` ones: `recover` re-queues them for
read and idempotent actions and marks them `unknown` for unsafe ones (never re-sent by itself).
A shard's results and its next claim share one commit (`turns`), and the asyncio runner puts the
turns of many shards in one, so one fsync serves them all.
Each row also keeps the tallies of its tries (retries, 429s, 5xx, transport failures, waits, and
a short trail such as `429 (Retry-After 1.00s), 200`), summed over every time it was sent.
Schema 2 (this one) adds those tallies; a schema 1 journal is upgraded in place when opened (one
transaction), its rows sent before the upgrade counted in `requests` but not itemised.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 2
STATES = ("pending", "sent", "done", "failed", "unknown")
# The per-try tallies of a row, summed over its sends: (column, SQL type and default).
TALLY_COLUMNS = (("retries", "INTEGER NOT NULL DEFAULT 0"), ("seen_429", "INTEGER NOT NULL DEFAULT 0"),
                 ("seen_5xx", "INTEGER NOT NULL DEFAULT 0"), ("transport_failures", "INTEGER NOT NULL DEFAULT 0"),
                 ("retry_after_waits", "INTEGER NOT NULL DEFAULT 0"),
                 ("retry_after_seconds", "REAL NOT NULL DEFAULT 0"), ("wait_seconds", "REAL NOT NULL DEFAULT 0"),
                 ("trail", "TEXT"))
_TALLIES = tuple(name for name, _ in TALLY_COLUMNS if name != "trail")
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE rows (
    seq INTEGER PRIMARY KEY,
    line INTEGER NOT NULL,
    account TEXT NOT NULL,
    params TEXT,
    state TEXT NOT NULL,
    kind TEXT, status INTEGER, attempts INTEGER NOT NULL DEFAULT 0, requests INTEGER NOT NULL DEFAULT 0,
    result_id TEXT, error TEXT, chunk INTEGER, sends INTEGER NOT NULL DEFAULT 0,
    sent_at REAL, finished_at REAL,
    retries INTEGER NOT NULL DEFAULT 0, seen_429 INTEGER NOT NULL DEFAULT 0, seen_5xx INTEGER NOT NULL DEFAULT 0,
    transport_failures INTEGER NOT NULL DEFAULT 0, retry_after_waits INTEGER NOT NULL DEFAULT 0,
    retry_after_seconds REAL NOT NULL DEFAULT 0, wait_seconds REAL NOT NULL DEFAULT 0, trail TEXT
);
CREATE INDEX rows_by_account ON rows (account, state, seq);
CREATE INDEX rows_by_state ON rows (state);
"""


class JournalError(Exception):
    """The journal cannot be created, opened or read."""


@dataclass(frozen=True, slots=True)
class Turn:
    """One shard's turn at the journal: the results of its last chunk, that chunk's rows never sent,
    and the aliases to claim the next chunk for (None: claim nothing, the run is stopping)."""

    results: tuple[Result, ...]
    unsent: tuple[int, ...]
    accounts: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class Result:
    seq: int
    state: str  # done | failed | unknown
    kind: str | None = None
    status: int | None = None
    attempts: int = 0
    requests: int = 0
    result_id: str | None = None
    error: str | None = None
    # the tries of this send (Outcome.history), summed: see outcomes.tally
    retries: int = 0
    seen_429: int = 0
    seen_5xx: int = 0
    transport_failures: int = 0
    retry_after_waits: int = 0
    retry_after_seconds: float = 0.0
    wait_seconds: float = 0.0
    trail: str | None = None

    def tallies(self) -> tuple[Any, ...]:
        return (self.retries, self.seen_429, self.seen_5xx, self.transport_failures, self.retry_after_waits,
                self.retry_after_seconds, self.wait_seconds)


class Journal:
    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection
        self._next_chunk = 1 + (self._db.execute("SELECT coalesce(max(chunk), 0) FROM rows").fetchone()[0])
        # One connection, used by the thread that opened it and, while the asyncio runner runs, by its
        # journal writer thread: the lock keeps their statements and transactions apart.
        self._lock = threading.RLock()
        self._owner = threading.get_ident()
        self.seconds = 0.0  # time the opening thread spent in journal writes and reads (the driver blocked)
        self.writer_seconds = 0.0  # time other threads (the runner's journal writer) spent in them

    # --- opening -------------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, meta: dict[str, Any]) -> Journal:
        if path.exists():
            raise JournalError(f"{path} already exists; resume it with `spoki-actions batch resume {path}` "
                               "or name another journal with --journal")
        try:
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise JournalError(f"{path}: cannot create the journal ({exc})") from None
        _configure(db)
        with _transaction(db):
            for statement in _SCHEMA.strip().split(";"):
                if statement.strip():
                    db.execute(statement)
            meta = {**meta, "schema_version": SCHEMA_VERSION, "created_at": time.time()}
            db.executemany("INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in meta.items()])
        return cls(path, db)

    @classmethod
    def open(cls, path: Path) -> Journal:
        if not path.is_file():
            raise JournalError(f"{path}: no such journal")
        with path.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise JournalError(f"{path}: not a batch journal (not an SQLite file); nothing was changed")
        try:  # looked at read-only first, so that a file that is not ours is left exactly as it was
            probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                version = probe.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                probe.execute("SELECT seq, state FROM rows LIMIT 1").fetchall()
            finally:
                probe.close()
        except sqlite3.Error as exc:
            raise JournalError(f"{path}: not a batch journal, or damaged ({exc})") from None
        schema = _schema_of(path, version)
        db = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None, check_same_thread=False)
        try:
            _configure(db)
            if schema == 1:
                _upgrade_from_1(db)
        except sqlite3.Error as exc:
            db.close()
            raise JournalError(f"{path}: cannot upgrade this journal from schema {schema} to {SCHEMA_VERSION} "
                               f"({exc}); nothing was changed. Make the file writable, or report it with the "
                               "spoki-actions version that wrote it") from None
        return cls(path, db)

    def close(self) -> None:
        self._db.close()

    # --- meta ------------------------------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self._db.execute("SELECT key, value FROM meta")}

    def set_meta(self, **values: Any) -> None:
        with self._timed(), _transaction(self._db):
            self._set_meta(values)

    def _set_meta(self, values: dict[str, Any]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                             [(k, json.dumps(v)) for k, v in values.items()])

    # --- writing (the driver only) ---------------------------------------------------------------
    def add_rows(self, rows: Iterable[tuple[int, int, str, dict[str, Any] | None, str | None, str | None]],
                 **meta: Any) -> None:
        """Rows `(seq, line, account, params, kind, error)` and the ingest position, in one commit: `pending`
        rows (kind None), or rows `failed` before sending (kind `malformed_row`, `unknown_account` or
        `validation`, with the error)."""
        now = time.time()
        with self._timed(), _transaction(self._db):
            self._db.executemany(
                "INSERT INTO rows (seq, line, account, params, state, kind, error, finished_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(seq, line, account, None if params is None else json.dumps(params, separators=(",", ":")),
                  "pending" if kind is None else "failed", kind, error, None if kind is None else now)
                 for seq, line, account, params, kind, error in rows])
            self._set_meta(meta)

    def turns(self, turns: Iterable[Turn], limit: int) -> list[tuple[int, list[tuple[int, dict[str, Any]]]]]:
        """Several shards' turns in one commit (one fsync): each settles its results, puts its rows
        never sent back to `pending`, and claims its next chunk (unless its `accounts` are None): the
        next `limit` pending rows of its aliases, in order, marked `sent` before any of them is sent."""
        turns = list(turns)
        with self._timed(), _transaction(self._db):
            # every turn's results in one statement, then the releases, then the claims: a claim
            # reads `pending` rows of its own shard only, which no settle of this commit touches
            self._settle([result for turn in turns for result in turn.results])
            for turn in turns:
                if turn.unsent:
                    self._release(turn.unsent)
            return [(0, []) if turn.accounts is None else self._claim(turn.accounts, limit) for turn in turns]

    def _claim(self, accounts: tuple[str, ...], limit: int) -> tuple[int, list[tuple[int, dict[str, Any]]]]:
        marks = ",".join("?" * len(accounts))
        chunk, now = self._next_chunk, time.time()
        if _ONE_STATEMENT:  # two statements, one sqlite3 step each: see _settle
            (found_json,) = self._db.execute(
                "SELECT json_group_array(json_array(seq, json(params))) FROM (SELECT seq, params FROM rows "
                f"WHERE account IN ({marks}) AND state = 'pending' ORDER BY seq LIMIT ?)",
                (*accounts, limit)).fetchone()
            claimed: list[tuple[int, dict[str, Any]]] = sorted((seq, params) for seq, params in json.loads(found_json))
            if not claimed:
                return 0, []
            self._db.execute("UPDATE rows SET state = 'sent', chunk = ?, sends = sends + 1, sent_at = ? "
                             "WHERE seq IN (SELECT value FROM json_each(?))",
                             (chunk, now, json.dumps([seq for seq, _ in claimed])))
            self._next_chunk += 1
            return chunk, claimed
        found = self._db.execute(
            f"SELECT seq, params FROM rows WHERE account IN ({marks}) AND state = 'pending' ORDER BY seq LIMIT ?",
            (*accounts, limit)).fetchall()
        self._db.executemany("UPDATE rows SET state = 'sent', chunk = ?, sends = sends + 1, sent_at = ? WHERE seq = ?",
                             [(chunk, now, seq) for seq, _ in found])
        if not found:
            return 0, []
        self._next_chunk += 1
        return chunk, [(seq, json.loads(params)) for seq, params in found]

    def _settle(self, results: Iterable[Result]) -> None:
        now = time.time()
        results = list(results)
        if not results:
            return
        if _ONE_STATEMENT:
            # All the results in one UPDATE ... FROM json_each: one sqlite3 step, during which
            # sqlite3 releases the GIL, instead of a step (and a GIL hand-back) per row; the
            # asyncio runner's writer thread would otherwise wait for the GIL after every row.
            self._db.execute(_SETTLE_ALL, (now, json.dumps(
                [(r.seq, r.state, r.kind, r.status, r.attempts, r.requests, r.result_id, r.error, *r.tallies(),
                  r.trail) for r in results], separators=(",", ":"))))
            return
        self._db.executemany(
            "UPDATE rows SET state = ?, kind = ?, status = ?, attempts = ?, requests = requests + ?, "
            f"result_id = ?, error = ?, finished_at = ?, {_ADD_TALLIES}, {_ADD_TRAIL} "
            "WHERE seq = ? AND state = 'sent'",
            [(r.state, r.kind, r.status, r.attempts, r.requests, r.result_id, r.error, now, *r.tallies(),
              r.trail, r.trail, r.trail, r.seq) for r in results])

    def settle_unknown(self, results: Iterable[Result]) -> None:
        """Unknown rows that a read-back proved were applied."""
        now = time.time()
        with self._timed(), _transaction(self._db):
            self._db.executemany(
                "UPDATE rows SET state = ?, kind = NULL, error = NULL, result_id = ?, finished_at = ? "
                "WHERE seq = ? AND state = 'unknown'", [(r.state, r.result_id, now, r.seq) for r in results])

    def add_tries(self, results: Iterable[Result]) -> None:
        """Tries made for rows outside a send (a read-back): added to their tallies, state unchanged."""
        with self._timed(), _transaction(self._db):
            self._db.executemany(f"UPDATE rows SET requests = requests + ?, {_ADD_TALLIES}, {_ADD_TRAIL} "
                                 "WHERE seq = ?",
                                 [(r.requests, *r.tallies(), r.trail, r.trail, r.trail, r.seq) for r in results])

    def _release(self, seqs: Iterable[int]) -> None:
        """Rows claimed but provably never sent (the run stopped first): pending again."""
        self._db.executemany("UPDATE rows SET state = 'pending', sends = sends - 1, chunk = NULL "
                             "WHERE seq = ? AND state = 'sent'", [(s,) for s in seqs])

    def requeue_lost(self, seqs: Iterable[int]) -> None:
        """Rows of a chunk whose worker was lost (a read or idempotent action): pending again; they
        may have been sent, so they count as sent once more when claimed again."""
        with self._timed(), _transaction(self._db):
            self._db.executemany("UPDATE rows SET state = 'pending', chunk = NULL WHERE seq = ? AND state = 'sent'",
                                 [(s,) for s in seqs])

    def recover(self, resend: bool) -> tuple[int, int]:
        """Rows left `sent` by a crash: pending again when `resend` (a read or idempotent action),
        else `unknown`. Returns (re-queued, marked unknown)."""
        with self._timed(), _transaction(self._db):
            if resend:
                n = self._db.execute("UPDATE rows SET state = 'pending', chunk = NULL WHERE state = 'sent'").rowcount
                return n, 0
            n = self._db.execute(
                "UPDATE rows SET state = 'unknown', kind = 'interrupted', finished_at = ?, error = "
                "'the run stopped while this row was in flight: it may or may not have reached Spoki' "
                "WHERE state = 'sent'", (time.time(),)).rowcount
            return 0, n

    def requeue(self, seqs: Iterable[int]) -> None:
        """Unknown rows that a read-back proved were not applied: pending again."""
        with self._timed(), _transaction(self._db):
            self._db.executemany("UPDATE rows SET state = 'pending', kind = NULL, error = NULL, chunk = NULL "
                                 "WHERE seq = ? AND state = 'unknown'", [(s,) for s in seqs])

    # --- reading ---------------------------------------------------------------------------------
    def accounts_pending(self) -> list[str]:
        return [a for (a,) in self._db.execute(
            "SELECT DISTINCT account FROM rows WHERE state = 'pending' ORDER BY account")]

    def accounts_open(self) -> list[str]:
        """Accounts with rows still to send, in flight, or to read back."""
        return [a for (a,) in self._db.execute(
            "SELECT DISTINCT account FROM rows WHERE state IN ('pending', 'sent', 'unknown') ORDER BY account")]

    def pending(self, accounts: tuple[str, ...]) -> int:
        marks = ",".join("?" * len(accounts))
        with self._lock:
            return int(self._db.execute(f"SELECT count(*) FROM rows WHERE account IN ({marks}) AND state = 'pending'",
                                        accounts).fetchone()[0])

    def counts(self) -> dict[str, int]:
        found = dict(self._db.execute("SELECT state, count(*) FROM rows GROUP BY state").fetchall())
        return {state: int(found.get(state, 0)) for state in STATES}

    def counts_by(self, column: str) -> list[tuple[str, str, int]]:
        assert column in ("account", "kind")
        return [(str(a) if a is not None else "", s, n) for a, s, n in self._db.execute(
            f"SELECT {column}, state, count(*) FROM rows GROUP BY {column}, state ORDER BY {column}, state")]

    def tallies(self) -> dict[str, Any]:
        """The whole batch's tallies (see `tallies_by_account`)."""
        return _tally_dict(self._db.execute(f"SELECT {_TALLY_SUMS} FROM rows").fetchone())

    def tallies_by_account(self) -> dict[str, dict[str, Any]]:
        """Per account: `attempts` (every HTTP request sent, every try of every send), `retries`,
        `seen_429`, `seen_5xx`, `transport_failures` (dropped, refused, timed out), `retry_after_waits`
        and `retry_after_seconds` (waits the server asked for), `wait_seconds` (every wait between
        tries), `rate_limited_rows` (rows that ended rate-limited), `resent_rows` (sent more than once)."""
        return {str(account): _tally_dict(sums) for account, *sums in self._db.execute(
            f"SELECT account, {_TALLY_SUMS} FROM rows GROUP BY account ORDER BY account")}

    def rows(self, states: tuple[str, ...], account: str | None = None) -> Iterator[dict[str, Any]]:
        marks = ",".join("?" * len(states))
        query = (f"SELECT seq, line, account, state, kind, status, attempts, requests, result_id, error, "
                 f"sent_at, finished_at, {', '.join(_TALLIES)}, trail FROM rows WHERE state IN ({marks})")
        args: list[Any] = list(states)
        if account is not None:
            query += " AND account = ?"
            args.append(account)
        names = ROW_FIELDS
        for found in self._db.execute(query + " ORDER BY seq", args):
            yield dict(zip(names, found, strict=True))

    def params_of(self, seqs: list[int]) -> dict[int, dict[str, Any]]:
        marks = ",".join("?" * len(seqs))
        return {seq: json.loads(p) for seq, p in self._db.execute(
            f"SELECT seq, params FROM rows WHERE seq IN ({marks})", seqs)}

    def _timed(self) -> _Timer:
        return _Timer(self)


ROW_FIELDS = ("row", "line", "account", "state", "kind", "status", "attempts", "requests", "result_id", "error",
              "sent_at", "finished_at", *_TALLIES, "trail")
_ADD_TALLIES = ", ".join(f"{name} = {name} + ?" for name in _TALLIES)
_ADD_TRAIL = "trail = CASE WHEN ? IS NULL THEN trail WHEN trail IS NULL THEN ? ELSE trail || ' | ' || ? END"
# UPDATE ... FROM (SQLite 3.33) and json_each: one statement per settle, two per claim; else executemany
_ONE_STATEMENT = sqlite3.sqlite_version_info >= (3, 33, 0)
_SETTLED = ("seq", "state", "kind", "status", "attempts", "requests", "result_id", "error", *_TALLIES, "trail")
_SETTLE_ALL = (
    "UPDATE rows SET state = r_state, kind = r_kind, status = r_status, attempts = r_attempts, "
    "requests = requests + r_requests, result_id = r_result_id, error = r_error, finished_at = ?, "
    + ", ".join(f"{name} = {name} + r_{name}" for name in _TALLIES)
    + ", trail = CASE WHEN r_trail IS NULL THEN trail WHEN trail IS NULL THEN r_trail "
    "ELSE trail || ' | ' || r_trail END FROM (SELECT "
    + ", ".join(f"json_extract(value, '$[{i}]') AS r_{name}" for i, name in enumerate(_SETTLED))
    + " FROM json_each(?)) WHERE rows.seq = r_seq AND +rows.state = 'sent'")  # + : look rows up by seq
_TALLY_SUMS = (", ".join(f"coalesce(sum({name}), 0)" for name in ("requests", *_TALLIES))
               + ", coalesce(sum(kind = 'rate_limited'), 0), coalesce(sum(sends > 1), 0)")


def _tally_dict(sums: Any) -> dict[str, Any]:
    names = ("attempts", *_TALLIES, "rate_limited_rows", "resent_rows")
    return {name: (round(float(v), 3) if name.endswith("_seconds") else int(v))
            for name, v in zip(names, sums, strict=True)}


def _schema_of(path: Path, found: tuple[str] | None) -> int:
    """The schema of a journal this version can open (upgrading 1), or a JournalError saying why not."""
    try:
        version = json.loads(found[0]) if found is not None else None
    except ValueError:
        version = None
    if not isinstance(version, int) or isinstance(version, bool):
        raise JournalError(f"{path}: not a batch journal (its meta table has no schema version); nothing was "
                           "changed")
    if version > SCHEMA_VERSION:
        raise JournalError(f"{path}: written by a newer spoki-actions (journal schema {version}; this version "
                           f"reads schemas 1 to {SCHEMA_VERSION}); nothing was changed. Resume or report it with "
                           "that version (pip install -U spoki-actions)")
    if version < 1:
        raise JournalError(f"{path}: not a batch journal (schema {version}); nothing was changed")
    return version


def _upgrade_from_1(db: sqlite3.Connection) -> None:
    """Schema 1 → 2, in one transaction: the tally columns (0 for rows sent before: their tries are
    counted in `requests` but not itemised; `meta.upgraded_from` says how many rows that is)."""
    with _transaction(db):
        for name, decl in TALLY_COLUMNS:
            db.execute(f"ALTER TABLE rows ADD COLUMN {name} {decl}")
        untallied = db.execute("SELECT count(*) FROM rows WHERE requests > 0").fetchone()[0]
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [
            ("schema_version", json.dumps(SCHEMA_VERSION)),
            ("upgraded_from", json.dumps({"schema": 1, "at": time.time(), "untallied_rows": int(untallied)}))])


class _Timer:
    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def __enter__(self) -> None:
        self._start = time.perf_counter()  # waiting for the lock counts: that thread is held up by the journal
        self._journal._lock.acquire()

    def __exit__(self, *exc: object) -> None:
        spent = time.perf_counter() - self._start
        if threading.get_ident() == self._journal._owner:
            self._journal.seconds += spent
        else:
            self._journal.writer_seconds += spent
        self._journal._lock.release()


class _transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def _configure(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")  # a committed chunk survives a crash of the machine too
    db.execute("PRAGMA busy_timeout = 5000")
