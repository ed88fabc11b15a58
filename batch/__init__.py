"""Bulk runs: resumable, journaled batches of one action over many rows and many accounts.

    from spoki_actions.batch import Keys, Options, resume_batch, run_batch
    summary = run_batch("contacts.csv", "SPOKI_CREATE_OR_UPDATE_CONTACT", keys=Keys(Path("keys.txt")))
    summary.counts        # {"pending": 0, "sent": 0, "done": 9998, "failed": 2, "unknown": 0}
    resume_batch(summary.journal)   # after a crash or Ctrl-C: the journal alone is enough

The command line is `spoki-actions batch run|resume|report`. Rooms: `source` (CSV/JSONL rows),
`keys`, `ingest`, `journal` (SQLite, WAL), `runner` (driver and asyncio shards), `dask_runner`.
"""

from __future__ import annotations

from .journal import Journal, JournalError, Result
from .keys import Keys
from .runner import (
    AsyncioRunner,
    BatchError,
    Driver,
    Options,
    Summary,
    execute,
    reopen,
    resume_batch,
    run_batch,
    start,
)

__all__ = ["AsyncioRunner", "BatchError", "Driver", "Journal", "JournalError", "Keys", "Options", "Result",
           "Summary", "execute", "reopen", "resume_batch", "run_batch", "start"]
