"""The driver: start or resume a batch, run its shards, and keep the journal (its only writer).

Input: an input file and an action (`start`), or a journal (`resume`); keys; options. Output: a
`Summary`, and the journal settled row by row. Work is sharded by account key, one ordered stream
per key (aliases that resolve to the same key and base URL share one shard, so no two streams race
on one key's budget): a shard claims a chunk (committed as `sent`), sends it row by row through the
key's own `AsyncClient` (the runtime's pacing and retries), and the driver commits the results. At
most one chunk per key is in flight, so at most one chunk per key can be left uncertain by a crash;
a shard's results and its next claim are one commit, shared with the other shards ready then.
The asyncio runner is the default; `dask_runner` runs the same chunks on a Dask cluster.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from spoki_actions import AsyncClient, catalogue_of
from spoki_actions.spec import ActionSpec

from .ingest import check_unchanged, fingerprint, ingest
from .journal import Journal, JournalError, Result, Turn
from .keys import DEFAULT_ALIAS, KeyError_, Keys
from .shard import send_chunk
from .source import Source, SourceError, parse_mapping


class BatchError(Exception):
    """The batch cannot start or resume: bad flags, input, keys or journal. Nothing was sent."""


@dataclass(frozen=True, slots=True)
class Options:
    chunk_size: int = 50  # rows claimed (and at most left uncertain) per key at a time
    accounts_at_once: int = 64  # shards running concurrently
    pace: bool = True  # the runtime's client-side pacing at each key's declared limits
    base_url: str | None = None
    timeout: float | None = None
    max_retries: int | None = None

    def check(self) -> None:
        if not 1 <= self.chunk_size <= 10_000:
            raise BatchError(f"--chunk-size {self.chunk_size}: must be between 1 and 10000")
        if not 1 <= self.accounts_at_once <= 10_000:
            raise BatchError(f"--accounts-at-once {self.accounts_at_once}: must be between 1 and 10000")


@dataclass(slots=True)
class Summary:
    journal: Path
    action: str
    counts: dict[str, int]
    interrupted: bool = False
    seconds: float = 0.0
    # Time in the journal: the driver's thread held up by journal work (the ingest included when the
    # journal was started in this process), plus the time the run was stalled on the asyncio
    # runner's journal writer thread (a commit running there and no shard sending).
    journal_seconds: float = 0.0
    journal_writer_seconds: float = 0.0  # the writer thread's journal work, overlapped with sending
    shard_wait_seconds: float = 0.0  # summed over shards, the time each waited for its own commits
    recovered: tuple[int, int] = (0, 0)  # rows re-queued, rows marked unknown by recovery
    settled: dict[str, int] = field(default_factory=dict)  # by the read-back: done, requeued

    @property
    def complete(self) -> bool:
        return self.counts["pending"] == 0 and self.counts["sent"] == 0

    @property
    def clean(self) -> bool:
        return self.complete and self.counts["failed"] == 0 and self.counts["unknown"] == 0


@dataclass(frozen=True, slots=True)
class Shard:
    """The account aliases that share one key (and base URL): one ordered stream, one client."""

    aliases: tuple[str, ...]

    @property
    def alias(self) -> str:
        """The alias whose key and base URL the shard's client uses (all of them have the same)."""
        return self.aliases[0]

    @property
    def label(self) -> str:
        return "+".join(a or DEFAULT_ALIAS for a in self.aliases)


Rows = list[tuple[int, dict[str, Any]]]  # a chunk: (seq, params) in order
ShardDone = tuple[Shard, Rows, list[Result]]  # a shard, its last chunk, the results of the rows sent


class Progress(Protocol):
    def start(self, total: int, done: int) -> None: ...
    def account(self, account: str, pending: int) -> None: ...
    def advance(self, account: str, results: list[Result]) -> None: ...
    def finish(self, account: str) -> None: ...
    def close(self) -> None: ...


class NoProgress:
    def start(self, total: int, done: int) -> None: ...
    def account(self, account: str, pending: int) -> None: ...
    def advance(self, account: str, results: list[Result]) -> None: ...
    def finish(self, account: str) -> None: ...
    def close(self) -> None: ...


class Runner(Protocol):
    def run(self, driver: Driver) -> None: ...


# --- starting and resuming --------------------------------------------------------------------

def start(input_path: Path, action_name: str, *, journal_path: Path | None = None, mapping: Sequence[str] = (),
          fmt: str | None = None, account_column: str = "account", keys: Keys | None = None,
          options: Options = Options(), catalogue: Any = None,
          notice: Callable[[str], None] | None = None) -> Journal:
    """Checks everything that can be checked before a row is read, then creates the journal and
    ingests the input. Raises `BatchError` (journal untouched) when the batch cannot start.
    `notice` is told of CSV columns that feed no input (they are ignored)."""
    options.check()
    keys = keys or Keys()
    spec = _action(action_name, catalogue)
    try:
        source = Source(input_path, fmt, spec, parse_mapping(list(mapping), spec), account_column)
    except SourceError as exc:
        raise BatchError(str(exc)) from None
    if source.ignored and notice is not None:
        notice(f"columns that feed no input of {spec.name} are ignored: {', '.join(source.ignored)} "
               "(map one with --map COLUMN=INPUT)")
    journal_path = journal_path or default_journal(input_path)
    meta = {"action": spec.name, "safety": spec.behaviour.safety, "input": str(input_path.resolve()),
            "format": source.format, "mapping": source.mapping, "account_column": account_column,
            "input_fingerprint": fingerprint(input_path), "keys_file": str(keys.file.resolve()) if keys.file else None,
            "options": _options_meta(options), "ingest_done": False, "next_seq": 1}
    try:
        journal = Journal.create(journal_path, meta)
    except JournalError as exc:
        raise BatchError(str(exc)) from None
    _ingest(journal, source, keys, None, None, 1)
    return journal


def default_journal(input_path: Path) -> Path:
    return input_path.with_name(input_path.name + ".journal.sqlite")


def reopen(journal_path: Path, *, keys: Keys | None = None, catalogue: Any = None) -> tuple[Journal, ActionSpec]:
    """Opens a journal for resuming and finishes an ingest a crash interrupted."""
    try:
        journal = Journal.open(journal_path)
    except JournalError as exc:
        raise BatchError(str(exc)) from None
    meta = journal.meta()
    try:
        spec = _action(meta["action"], catalogue)
    except BatchError:
        journal.close()
        raise BatchError(f"{journal_path}: this batch runs {meta['action']}, which this catalogue does not have; "
                         "resume it with the spoki-actions (and specs) that started it") from None
    if not meta.get("ingest_done"):
        path = Path(meta["input"])
        try:
            check_unchanged(path, meta["input_fingerprint"])
            source = Source(path, meta["format"], spec, meta["mapping"], meta["account_column"])
        except SourceError as exc:
            journal.close()
            raise BatchError(str(exc)) from None
        _ingest(journal, source, keys or stored_keys(journal), meta.get("ingest_offset"), meta.get("ingest_line"),
                meta["next_seq"])
    return journal, spec


def _ingest(journal: Journal, source: Source, keys: Keys, offset: int | None, line: int | None, seq: int) -> None:
    try:
        ingest(source, journal, keys, offset, line, seq)
    except SourceError as exc:
        journal.close()
        raise BatchError(f"{source.path}: {exc} (the journal {journal.path} keeps the rows read so far; "
                         "fix the file and start a new batch)") from None


def _action(name: str, catalogue: Any) -> ActionSpec:
    actions = catalogue_of(catalogue).actions
    if name not in actions:
        import difflib

        close = difflib.get_close_matches(name, list(actions), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise BatchError(f"--action {name!r}: no such action{hint} (`spoki-actions list` shows every action)")
    return actions[name]


def _options_meta(options: Options) -> dict[str, Any]:
    return {"chunk_size": options.chunk_size, "accounts_at_once": options.accounts_at_once,
            "pace": options.pace, "base_url": options.base_url, "timeout": options.timeout,
            "max_retries": options.max_retries}


def stored_keys(journal: Journal) -> Keys:
    """The keys the batch started with: its keys file (by absolute path) and the environment."""
    path = journal.meta().get("keys_file")
    return Keys(Path(path) if path else None)


def stored_options(journal: Journal, **overrides: Any) -> Options:
    stored = journal.meta().get("options", {})
    values = {**stored, **{k: v for k, v in overrides.items() if v is not None}}
    return Options(**values)


# --- running ------------------------------------------------------------------------------------

class Driver:
    """Owns the journal while a batch runs; runners ask it for chunks and hand it results."""

    def __init__(self, journal: Journal, spec: ActionSpec, keys: Keys, options: Options,
                 progress: Progress, catalogue: Any = None) -> None:
        self.journal, self.spec, self.keys, self.options = journal, spec, keys, options
        self.progress = progress
        self.catalogue = catalogue
        self.unsafe = spec.behaviour.safety == "unsafe"
        self.stop_requested = False
        self.stalled_seconds = 0.0  # a commit running in the writer thread and no shard sending
        self.shard_wait_seconds = 0.0  # summed over shards: waiting for their own turns' commits

    def stopping(self) -> bool:
        return self.stop_requested

    def shards(self) -> list[Shard]:
        """The accounts with pending rows, one shard per key: aliases naming the same key and base URL
        are one stream (the key's budget is Spoki's unit, not the alias)."""
        groups: dict[tuple[str, str | None], list[str]] = {}
        for account in self.journal.accounts_pending():
            ident = (self.keys.get(account), self.keys.base_url(account) or self.options.base_url)
            groups.setdefault(ident, []).append(account)
        return [Shard(tuple(aliases)) for aliases in groups.values()]

    def begin(self, shard: Shard) -> None:
        self.progress.account(shard.label, self.journal.pending(shard.aliases))

    def turns(self, done: list[ShardDone]) -> list[Rows]:
        """Settle each shard's last chunk and claim its next one, all in one commit; the next chunks
        (empty for a shard with nothing left, or when the run is stopping)."""
        claimed = self.commit_turns(done)
        self.advanced(done)
        return claimed

    def commit_turns(self, done: list[ShardDone]) -> list[Rows]:
        """The journal half of `turns` (the asyncio runner calls it in its journal writer thread)."""
        claim = not self.stop_requested
        claimed = self.journal.turns([Turn(tuple(results), tuple(seq for seq, _ in rows[len(results):]),
                                           shard.aliases if claim else None) for shard, rows, results in done],
                                     self.options.chunk_size)
        return [rows for _, rows in claimed]

    def advanced(self, done: list[ShardDone]) -> None:
        """The progress half of `turns`, on the driver's thread, once the results are committed."""
        for shard, _, results in done:
            if results:
                self.progress.advance(shard.label, results)

    def client(self, account: str) -> AsyncClient:
        o = self.options
        base_url = self.keys.base_url(account) or o.base_url
        return AsyncClient(api_key=self.keys.get(account), base_url=base_url, timeout=o.timeout,
                           max_retries=o.max_retries, pace=o.pace, cache=False, catalogue=self.catalogue)


class AsyncioRunner:
    """Every shard a task on one event loop; `accounts_at_once` of them at a time. The shards' turns
    at the journal (settle a chunk, claim the next) are group-committed in one dedicated writer
    thread, off the event loop: while a commit (and its fsync) runs there, the other shards keep
    sending, and every turn that arrives meanwhile joins the next commit. A shard still awaits the
    commit of its own claim before it sends a row of it, and the driver is still the one writer."""

    def __init__(self, writer_thread: bool = True) -> None:
        self.writer_thread = writer_thread  # False: commit on the event loop (the bench compares the two)

    def run(self, driver: Driver) -> None:
        asyncio.run(self._main(driver))

    async def _main(self, driver: Driver) -> None:
        gate = asyncio.Semaphore(driver.options.accounts_at_once)
        shards = driver.shards()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="spoki-journal") as writer:
            commits = _GroupCommit(driver, writer if self.writer_thread else None)
            try:
                with _stop_on_signals(driver):
                    await asyncio.gather(*(self._shard(driver, shard, gate, commits) for shard in shards))
            finally:
                commits.close()
        # leaving the `with` waits for a commit still running (a run cancelled by a second signal)

    async def _shard(self, driver: Driver, shard: Shard, gate: asyncio.Semaphore, commits: _GroupCommit) -> None:
        async with gate:
            if driver.stop_requested:
                return
            driver.begin(shard)
            async with driver.client(shard.alias) as client:
                rows = await commits.turn(shard, [], [])
                while rows:
                    results = await send_chunk(client, driver.spec.name, rows, driver.unsafe, driver.stopping)
                    rows = await commits.turn(shard, rows, results)
            driver.progress.finish(shard.label)


class _GroupCommit:
    """Collects the shards' turns and commits them together in the writer thread: the first turn
    is committed soon after it arrives (with the turns ready in the same pass of the loop), the
    ones that arrive while a commit runs go together in the next one.

    It also measures what the journal costs the run when it is off the loop: `stalled`, the wall
    time during which a commit was running and no shard was sending (every busy shard waited for
    the journal: the run made no progress because of it), and `waited`, the sum over shards of the time
    each waited for its turns' commits (a shard's own latency, overlapped by the others' sends)."""

    def __init__(self, driver: Driver, writer: ThreadPoolExecutor | None) -> None:
        self._driver = driver
        self._writer = writer
        self._waiting: list[tuple[ShardDone, asyncio.Future[Rows]]] = []
        self._busy = False  # a flush is scheduled or a commit is running in the writer thread
        self._committing = False  # a commit is running in the writer thread
        self._sending = 0  # shards holding a committed claim, sending it
        self._stalled_since: float | None = None
        self.stalled = 0.0
        self.waited = 0.0

    async def turn(self, shard: Shard, rows: Rows, results: list[Result]) -> Rows:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Rows] = loop.create_future()
        if rows:
            self._sending -= 1
        self._waiting.append(((shard, rows, results), future))
        if not self._busy:
            self._busy = True
            loop.call_soon(self._flush)  # after the callbacks already ready: their turns join this commit
        self._track()
        begin = time.perf_counter()
        try:
            return await future
        finally:
            self.waited += time.perf_counter() - begin

    def _flush(self) -> None:
        batch, self._waiting = self._waiting, []
        if not batch:
            self._busy = False
            self._track()
            return
        done = [d for d, _ in batch]
        loop = asyncio.get_running_loop()
        if self._writer is None:  # on the loop, blocking it: counted in the journal's own time
            committed: asyncio.Future[list[Rows]] = loop.create_future()
            try:
                committed.set_result(self._driver.commit_turns(done))
            except Exception as exc:
                committed.set_exception(exc)
            self._committed(batch, committed)
            return
        committing = loop.run_in_executor(self._writer, self._driver.commit_turns, done)
        committing.add_done_callback(lambda f: self._committed(batch, f))
        self._committing = True
        self._track()

    def _committed(self, batch: list[tuple[ShardDone, asyncio.Future[Rows]]],
                   committing: asyncio.Future[list[Rows]]) -> None:
        self._committing = False
        error = committing.exception() if not committing.cancelled() else asyncio.CancelledError()
        if error is not None:  # every shard waiting learns it; the run stops with the error
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
        else:
            claimed = committing.result()
            self._driver.advanced([d for d, _ in batch])
            for (_, future), rows in zip(batch, claimed, strict=True):
                if future.done():  # its shard was cancelled: its claim stays `sent`, settled on resume
                    continue
                if rows:
                    self._sending += 1
                future.set_result(rows)
        self._flush()  # the turns that arrived meanwhile, together

    def _track(self) -> None:
        # stalled: a commit runs and no shard sends. Turns queued while the loop is busy elsewhere
        # (starting clients, handling responses) wait for the loop, not for the journal.
        stalled = self._sending <= 0 and self._committing
        now = time.perf_counter()
        if stalled and self._stalled_since is None:
            self._stalled_since = now
        elif not stalled and self._stalled_since is not None:
            self.stalled += now - self._stalled_since
            self._stalled_since = None

    def close(self) -> None:
        self._committing = False  # ends an open stall interval
        self._track()
        self._driver.stalled_seconds += self.stalled
        self._driver.shard_wait_seconds += self.waited


@contextlib.contextmanager
def _stop_on_signals(driver: Driver) -> Iterator[None]:
    """SIGINT/SIGTERM: finish the rows in flight, send nothing more. A second signal stops at once
    (the rows in flight then stay `sent`, and resuming settles them)."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []

    def ask_stop(signum: int) -> None:
        if driver.stop_requested:
            for task in asyncio.all_tasks(loop):
                task.cancel()
            return
        driver.stop_requested = True

    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, ask_stop, signum)
            installed.append(signum)
    try:
        yield
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)


def execute(journal: Journal, spec: ActionSpec, *, keys: Keys | None = None, options: Options | None = None,
            runner: Runner | None = None, progress: Progress | None = None, catalogue: Any = None,
            reconcile: Callable[[Driver], dict[str, int]] | None = None) -> Summary:
    """Recovers what a crash left in flight, optionally reads back unknown rows, runs the rest."""
    begin = time.perf_counter()
    writer_before = journal.writer_seconds
    keys = keys or stored_keys(journal)
    options = options or stored_options(journal)
    options.check()
    _check_keys(journal, keys)
    recovered = journal.recover(resend=spec.behaviour.safety != "unsafe")
    progress = progress or NoProgress()
    driver = Driver(journal, spec, keys, options, progress, catalogue)
    settled = reconcile(driver) if reconcile is not None else {}
    counts = journal.counts()
    progress.start(sum(counts.values()) - counts["failed"] - counts["unknown"], counts["done"])
    try:
        (runner or AsyncioRunner()).run(driver)
    except asyncio.CancelledError:
        driver.stop_requested = True
    finally:
        progress.close()
    return Summary(journal.path, spec.name, journal.counts(), driver.stop_requested,
                   time.perf_counter() - begin, journal.seconds + driver.stalled_seconds,
                   journal.writer_seconds - writer_before, driver.shard_wait_seconds, recovered, settled)


def _check_keys(journal: Journal, keys: Keys) -> None:
    """Every account with rows still to send or settle has a key, or nothing starts (journal untouched)."""
    problems = []
    for account in journal.accounts_open():
        try:
            keys.get(account)
        except KeyError_ as exc:
            problems.append(str(exc))
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise BatchError(f"{journal.path}: cannot go on: {problems[0]}{more}; give the keys with --keys or the "
                         "environment; nothing was sent")


def with_options(options: Options, **changes: Any) -> Options:
    return replace(options, **{k: v for k, v in changes.items() if v is not None})


# --- the Python API in two calls -----------------------------------------------------------------

def run_batch(input_path: str | Path, action: str, *, journal: str | Path | None = None,
              mapping: list[str] | tuple[str, ...] = (), fmt: str | None = None, account_column: str = "account",
              keys: Keys | None = None, options: Options = Options(), runner: Runner | None = None,
              progress: Progress | None = None) -> Summary:
    """Starts a batch (see `start`) and runs it to the end, or until Ctrl-C. Raises `BatchError`
    when it cannot start; row problems are rows `failed` in the journal, never exceptions."""
    keys = keys or Keys()
    opened = start(Path(input_path), action, journal_path=None if journal is None else Path(journal),
                   mapping=list(mapping), fmt=fmt, account_column=account_column, keys=keys, options=options)
    try:
        return execute(opened, _action(action, None), keys=keys, runner=runner, progress=progress)
    finally:
        opened.close()


def resume_batch(journal: str | Path, *, keys: Keys | None = None, runner: Runner | None = None,
                 progress: Progress | None = None, reconcile: bool = True, **overrides: Any) -> Summary:
    """Resumes a batch from its journal alone: finishes an interrupted ingest, settles what a
    crash left in flight (re-sent, or `unknown` and read back where the spec says how), runs the rest.
    `overrides` change stored options (e.g. `pace=False`, `chunk_size=20`)."""
    from .reconcile import reconcile as read_back

    opened, spec = reopen(Path(journal), keys=keys)
    try:
        return execute(opened, spec, keys=keys, options=stored_options(opened, **overrides), runner=runner,
                       progress=progress, reconcile=read_back if reconcile else None)
    finally:
        opened.close()
