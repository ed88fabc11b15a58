"""Resource storage: collections of JSON documents by kind and id, in memory or in SQLite.

Stage: persistence. Input: documents from `seed.build` and from the endpoints' writes. Output: the same
documents back, sorted by id. With a `db_path`, every write goes through to one SQLite table of JSON
documents (`documents(kind, id, body)`), and a restart loads them instead of seeding again; without
one, state lives only as long as the process. A lock keeps writes from the server thread and a test
thread from interleaving.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from . import seed
from .seed import Document

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    kind TEXT NOT NULL,
    id INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Store:
    """Documents by kind, then id. Readers get the stored dicts: treat them as read-only and write
    back through `put`."""

    def __init__(self, data_seed: int, db_path: str | Path | None = None) -> None:
        self.data_seed = data_seed
        self.db_path = Path(db_path) if db_path is not None else None
        self._lock = threading.RLock()
        self._data: dict[str, dict[int, Document]] = {}
        self._db: sqlite3.Connection | None = None
        try:
            if self.db_path is not None:
                self._db = sqlite3.connect(self.db_path, check_same_thread=False)
                self._db.executescript(SCHEMA)
                seeded = self._db.execute("SELECT value FROM meta WHERE key = 'seed'").fetchone()
                if seeded is not None:
                    self._load()
                    return
            self.reseed()
        except BaseException:  # not a database, or not ours: leave no connection open
            self.close()
            raise

    def _load(self) -> None:
        assert self._db is not None
        self._data = {kind: {} for kind in seed.SIZES}
        for kind, doc_id, body in self._db.execute("SELECT kind, id, body FROM documents ORDER BY kind, id"):
            self._data.setdefault(kind, {})[doc_id] = json.loads(body)

    def reseed(self) -> None:
        """Throw every document away and build the seed data again (and in the database, if any)."""
        with self._lock:
            built = seed.build(self.data_seed)
            self._data = {kind: {doc["id"]: doc for doc in docs} for kind, docs in built.items()}
            if self._db is not None:
                with self._db:
                    self._db.execute("DELETE FROM documents")
                    self._db.executemany(
                        "INSERT INTO documents (kind, id, body) VALUES (?, ?, ?)",
                        [(kind, doc_id, json.dumps(doc)) for kind, docs in self._data.items()
                         for doc_id, doc in docs.items()],
                    )
                    self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('seed', ?)",
                                     (str(self.data_seed),))

    def all(self, kind: str) -> list[Document]:
        with self._lock:
            docs = self._data.get(kind, {})
            return [docs[doc_id] for doc_id in sorted(docs)]

    def get(self, kind: str, doc_id: int) -> Document | None:
        with self._lock:
            return self._data.get(kind, {}).get(doc_id)

    def count(self, kind: str) -> int:
        with self._lock:
            return len(self._data.get(kind, {}))

    def next_id(self, kind: str) -> int:
        with self._lock:
            return max(self._data.get(kind, {}), default=0) + 1

    def insert(self, kind: str, doc: Document) -> Document:
        """Stores `doc` under the next free id (set on the document) and returns it."""
        with self._lock:
            doc["id"] = self.next_id(kind)
            self.put(kind, doc)
            return doc

    def put(self, kind: str, doc: Document) -> None:
        with self._lock:
            self._data.setdefault(kind, {})[doc["id"]] = doc
            if self._db is not None:
                with self._db:
                    self._db.execute("INSERT OR REPLACE INTO documents (kind, id, body) VALUES (?, ?, ?)",
                                     (kind, doc["id"], json.dumps(doc)))

    def delete(self, kind: str, doc_id: int) -> bool:
        with self._lock:
            existed = self._data.get(kind, {}).pop(doc_id, None) is not None
            if existed and self._db is not None:
                with self._db:
                    self._db.execute("DELETE FROM documents WHERE kind = ? AND id = ?", (kind, doc_id))
            return existed

    def snapshot(self) -> dict[str, list[Document]]:
        """A deep copy of every collection (for tests comparing states)."""
        with self._lock:
            return {kind: json.loads(json.dumps(self.all(kind))) for kind in sorted(self._data)}

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
