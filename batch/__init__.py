"""Bulk runs: resumable, journaled batches of one action over many rows and many accounts.

    from spoki_actions.batch import Keys, Options, execute, start
    journal = start(Path("contacts.csv"), "SPOKI_CREATE_OR_UPDATE_CONTACT", keys=Keys(Path("keys.txt")))
    summary = execute(journal, journal_action(journal))

The command line is `spoki-actions batch run|resume|report`. Rooms: `source` (CSV/JSONL rows),
`keys`, `ingest`, `journal` (SQLite, WAL), `runner` (driver and asyncio shards), `dask_runner`.
"""

from __future__ import annotations

from .journal import Journal, JournalError, Result
from .keys import Keys
from .runner import AsyncioRunner, BatchError, Driver, Options, Summary, execute, reopen, start

__all__ = ["AsyncioRunner", "BatchError", "Driver", "Journal", "JournalError", "Keys", "Options", "Result",
           "Summary", "execute", "reopen", "start"]
