"""The Dask runner: the same per-key chunks, sent by the workers of a Dask cluster.

Input: the driver. Output: the journal settled, as with the asyncio runner. The driver claims a
chunk (committed as `sent`), submits it, and settles its results when they come back: it alone
writes the journal, and at most one chunk per key is out at a time. A worker resolves the key of
an alias itself (keys file or environment), so no key travels through the scheduler; each worker
keeps one `AsyncClient` per key on one event loop, so the runtime's pacing holds across chunks;
each key's chunks are sent to the same worker (its home) while that worker lives, so one pacer
sees every send of a key. When a key's worker is lost, the key moves to another worker whose
pacer starts afresh; the server's 429 and Retry-After, which the runtime honours, govern then.

Failure semantics: the scheduler is told to re-run nothing (`allowed-failures` 0), so a chunk
whose worker is lost comes back to the driver as failed: re-sent for read and idempotent actions,
marked `unknown` for unsafe ones (never re-sent by itself). That setting does not cover a chunk
that had finished when its worker died, before the driver fetched its results or let go of them:
Dask re-runs such a task elsewhere. So a chunk starts at most once: each key has a counter at the
scheduler (a `distributed.Variable`, set by the driver, deleted when the run ends), a worker
starting chunk N of a key sets it to N, and refuses (`ChunkRefused`, nothing sent) a chunk whose
number it has already reached, or whose run is over; the driver takes a refused chunk as lost.
An existing cluster (`--scheduler`) that would re-run a lost worker's tasks is refused for unsafe
actions. A driver killed outright takes the embedded cluster's workers with it; resuming settles
its in-flight chunks as above.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from .journal import Result
from .runner import BatchError, Driver, Shard


@dataclass(frozen=True, slots=True)
class ChunkJob:
    """What a worker needs for one chunk: aliases and paths, never a key."""

    action: str
    account: str
    keys_file: str | None
    base_url: str | None
    pace: bool
    timeout: float | None
    max_retries: int | None
    unsafe: bool
    rows: tuple[tuple[int, dict[str, Any]], ...]
    guard: str  # the key's counter at the scheduler: the last chunk started
    serial: int  # this chunk's number for its key (1, 2, ...)


class ChunkRefused(Exception):
    """A worker did not send a chunk: it had started once already (its results were lost with its
    worker and Dask ran it again), or the run that submitted it is over. Nothing was sent."""


class DaskRunner:
    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        if workers is not None and not 1 <= workers <= 256:
            raise BatchError(f"--workers {workers}: must be between 1 and 256")
        if workers is not None and scheduler is not None:
            raise BatchError("--workers sizes the embedded cluster; with --scheduler the cluster is sized by "
                             "whoever runs it")
        self.workers = workers or 2
        self.scheduler = scheduler

    def run(self, driver: Driver) -> None:
        import importlib

        dask: Any = importlib.import_module("dask")
        distributed: Any = importlib.import_module("distributed")  # untyped: used through Any
        Client, LocalCluster = distributed.Client, distributed.LocalCluster

        with dask.config.set({"distributed.scheduler.allowed-failures": 0,
                              "distributed.worker.daemon": False}), contextlib.ExitStack() as stack:
            if self.scheduler is None:
                cluster = stack.enter_context(LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address=None, scheduler_port=0, silence_logs=40))
                client = stack.enter_context(Client(cluster))
            else:
                client = stack.enter_context(Client(self.scheduler, timeout=10))
                self._check_reruns(client, driver)
            try:
                with _stop_on_signals(driver):
                    self._drive(client, driver)
            finally:  # the workers' clients (aiohttp sessions) closed while their loops still run
                with contextlib.suppress(Exception):
                    client.run(close_worker_clients)

    @staticmethod
    def _check_reruns(client: Any, driver: Driver) -> None:
        allowed = client.run_on_scheduler(_allowed_failures)
        if driver.unsafe and allowed != 0:
            raise BatchError(f"the scheduler at {client.scheduler.address} re-runs a lost worker's tasks "
                             f"(distributed.scheduler.allowed-failures = {allowed}), which could send the unsafe "
                             f"action {driver.spec.name} twice; start it with that setting at 0, or run without "
                             "--scheduler")

    def _drive(self, client: Any, driver: Driver) -> None:
        import importlib

        as_completed = importlib.import_module("distributed").as_completed
        Variable = importlib.import_module("distributed").Variable
        waiting = list(reversed(driver.shards()))
        flying: dict[Any, tuple[Shard, list[tuple[int, dict[str, Any]]]]] = {}
        homes: dict[Shard, str] = {}  # the worker each key's chunks go to while it lives
        counters: dict[Shard, Any] = {}  # each key's counter at the scheduler (a Variable): its last chunk started
        serials: dict[Shard, int] = {}  # the number of each key's last chunk submitted
        run = uuid.uuid4().hex
        done = as_completed()

        def home(shard: Shard) -> str | None:
            if shard not in homes:
                alive = sorted(client.scheduler_info().get("workers", {}))
                if not alive:
                    return None
                load = {w: 0 for w in alive}
                for worker in homes.values():
                    if worker in load:
                        load[worker] += 1
                homes[shard] = min(alive, key=lambda w: load[w])
            return homes[shard]

        def submit(shard: Shard, rows: list[tuple[int, dict[str, Any]]]) -> bool:
            if not rows:
                driver.progress.finish(shard.label)
                return False
            where = home(shard)
            if shard not in counters:  # set before the key's first chunk is submitted: a worker finds it there
                counters[shard] = Variable(f"spoki-batch-{run}-{len(counters)}", client=client)
                counters[shard].set(0)
            serials[shard] = serials.get(shard, 0) + 1
            job = self._job(driver, shard, rows, counters[shard].name, serials[shard])
            # a loose restriction: the key's home while it lives, any worker if it is gone meanwhile
            future = client.submit(send_job, job, key=f"spoki-chunk-{uuid.uuid4().hex}",
                                   pure=False, retries=0, workers=None if where is None else [where],
                                   allow_other_workers=True)
            flying[future] = (shard, rows)
            done.add(future)
            return True

        def refill() -> None:
            while waiting and len(flying) < driver.options.accounts_at_once and not driver.stop_requested:
                shard = waiting.pop()
                driver.begin(shard)
                submit(shard, driver.turns([(shard, [], [])])[0])

        try:
            refill()
            for future in done:
                shard, rows = flying.pop(future)
                results = self._results(future)
                if results is None:
                    homes.pop(shard, None)  # its worker may be gone: the next chunk picks a live one
                    results = self._lost(driver, rows, future)
                # one commit: this chunk's results and the shard's next chunk, claimed as sent
                if not submit(shard, driver.turns([(shard, rows, results)])[0]) and not driver.stop_requested:
                    refill()
                elif driver.stop_requested and not flying:
                    break
        finally:  # a chunk that Dask would still run again finds no counter, and refuses
            for counter in counters.values():
                with contextlib.suppress(Exception):
                    counter.delete()

    @staticmethod
    def _results(future: Any) -> list[Result] | None:
        """A chunk's results, or None when they did not come back: its worker was lost while it ran,
        or after it finished but before they were fetched (then Dask ran it again, and that run
        refused: see `ChunkRefused`)."""
        if future.status != "finished":
            return None
        try:
            results: list[Result] = future.result()
        except Exception:
            return None
        return results

    @staticmethod
    def _lost(driver: Driver, rows: list[tuple[int, dict[str, Any]]], future: Any) -> list[Result]:
        """A chunk that did not come back (its worker died, or the task failed): its rows' results."""
        if driver.unsafe:
            why = (f"the Dask worker running this row was lost ({type(future.exception()).__name__}): "
                   "it may or may not have reached Spoki")
            return [Result(seq, "unknown", kind="worker_lost", error=why) for seq, _ in rows]
        driver.journal.requeue_lost([seq for seq, _ in rows])  # safe to send again: the next claim takes them
        return []

    @staticmethod
    def _job(driver: Driver, shard: Shard, rows: list[tuple[int, dict[str, Any]]], guard: str,
             serial: int) -> ChunkJob:
        o = driver.options
        keys_file = str(driver.keys.file) if driver.keys.file else None
        return ChunkJob(driver.spec.name, shard.alias, keys_file, driver.keys.base_url(shard.alias) or o.base_url,
                        o.pace, o.timeout, o.max_retries, driver.unsafe, tuple(rows), guard, serial)


def _allowed_failures(dask_scheduler: Any) -> int:
    return int(dask_scheduler.allowed_failures)


# --- the worker side ----------------------------------------------------------------------------

_loop: asyncio.AbstractEventLoop | None = None
_loop_thread: threading.Thread | None = None
_loop_lock = threading.Lock()
_clients: dict[tuple[Any, ...], Any] = {}


def _worker_loop() -> asyncio.AbstractEventLoop:
    global _loop, _loop_thread
    with _loop_lock:
        if _loop is None:
            loop = asyncio.new_event_loop()
            _loop_thread = threading.Thread(target=loop.run_forever, name="spoki-batch-loop", daemon=True)
            _loop_thread.start()
            _loop = loop
        return _loop


def close_worker_clients() -> int:
    """Runs on each worker when a run ends (`client.run`): closes the worker's AsyncClients on their
    loop (their aiohttp sessions and connections), then stops and closes that loop; a later run on
    the same worker (an existing cluster) starts afresh. Returns how many clients were closed."""
    global _loop, _loop_thread
    with _loop_lock:
        loop, thread, _loop, _loop_thread = _loop, _loop_thread, None, None
        clients = list(_clients.values())
        _clients.clear()
    if loop is None:
        return 0

    async def close_all() -> None:
        for client in clients:
            await client.aclose()

    try:
        asyncio.run_coroutine_threadsafe(close_all(), loop).result(timeout=30)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=10)
        if not loop.is_running():
            loop.close()
    return len(clients)


def send_job(job: ChunkJob) -> list[Result]:
    """Runs on a worker: one chunk, in order, through this worker's client for the key, unless it
    started once already (see `_first_start`)."""
    _first_start(job)
    future: Future[list[Result]] = asyncio.run_coroutine_threadsafe(_send(job), _worker_loop())
    return future.result()


_GUARD_WAIT = 2.0  # seconds a worker waits for its key's counter (set before the first chunk is submitted)


def _first_start(job: ChunkJob) -> None:
    """Sets the key's counter at the scheduler to this chunk's number, or raises `ChunkRefused` when
    it is there already (this is a re-run: Dask runs a finished task again when its results were
    lost with its worker) or the counter is gone (the run is over). A key's chunks start one at a
    time (the driver submits the next when the last came back), so only a re-run finds its number
    reached, and it finds it whatever else runs meanwhile."""
    import importlib

    distributed: Any = importlib.import_module("distributed")
    counter = distributed.Variable(job.guard, client=distributed.get_client())
    try:
        last = int(counter.get(timeout=_GUARD_WAIT))
    except TimeoutError:
        raise ChunkRefused(f"chunk {job.serial} of {job.account}: its run is over; not sent") from None
    if last >= job.serial:
        raise ChunkRefused(f"chunk {job.serial} of {job.account} started once already (its results were lost "
                           "with its worker, and Dask ran it again); not sent again")
    counter.set(job.serial)


async def _send(job: ChunkJob) -> list[Result]:
    from pathlib import Path

    from spoki_actions import AsyncClient

    from .keys import Keys
    from .shard import send_chunk

    ident = (job.account, job.keys_file, job.base_url, job.pace, job.timeout, job.max_retries)
    client = _clients.get(ident)
    if client is None:
        keys = Keys(Path(job.keys_file) if job.keys_file else None)
        client = AsyncClient(api_key=keys.get(job.account), base_url=job.base_url, timeout=job.timeout,
                             max_retries=job.max_retries, pace=job.pace, cache=False)
        _clients[ident] = client
    return await send_chunk(client, job.action, list(job.rows), job.unsafe, lambda: False)


@contextlib.contextmanager
def _stop_on_signals(driver: Driver) -> Iterator[None]:
    """SIGINT/SIGTERM: no new chunk is submitted; the chunks out finish and are settled."""
    previous: dict[signal.Signals, Any] = {}

    def ask_stop(signum: int, frame: Any) -> None:
        if driver.stop_requested:
            raise KeyboardInterrupt
        driver.stop_requested = True

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, ask_stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
