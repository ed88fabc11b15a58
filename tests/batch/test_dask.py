"""The Dask runner on a real LocalCluster (loopback): the same end state as the asyncio runner,
with a worker SIGKILLed mid-run, and unsafe actions refused where Dask would re-run lost tasks."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dask  # the batch extra, part of `make setup`
import distributed
import psutil  # distributed's own dependency
import pytest

from spoki_actions.batch import BatchError, Keys, Options, execute, reopen, start
from spoki_actions.batch.runner import NoProgress

from .conftest import Accounts, write_contacts

ACTION = "SPOKI_CREATE_OR_UPDATE_CONTACT"


@pytest.fixture
def cluster(request: pytest.FixtureRequest) -> Iterator[Any]:
    allowed = getattr(request, "param", 0)
    with dask.config.set({"distributed.scheduler.allowed-failures": allowed}), distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
            silence_logs=50) as made:
        yield made


def _held(accounts: Accounts, alias: str) -> collections.Counter[str]:
    return collections.Counter(doc.get("phone") for doc in accounts.servers[alias].state.store.all("contacts"))


def _killer_of_the_sender(pids: list[int], killed: list[int]) -> Callable[[Any], None]:
    """A tripwire action: SIGKILL the worker (one of `pids`) that sent the request being answered,
    found by the request's source port. Its answer goes out only after the kill, so that worker is
    still running the chunk of that request (whatever the machine's load): the chunk is lost with it."""

    def kill(scope: Any) -> None:
        port = scope["client"][1]
        sender = [pid for pid in pids if any(c.laddr and c.laddr.port == port
                                             for c in psutil.Process(pid).net_connections("tcp"))]
        assert len(sender) == 1, (port, pids)
        os.kill(sender[0], signal.SIGKILL)
        killed.append(sender[0])

    return kill


def test_worker_killed_mid_run(accounts: Accounts, cluster: Any, tmp_path: Path) -> None:
    from spoki_actions.batch.dask_runner import DaskRunner

    aliases = sorted(accounts.servers)
    for server in accounts.servers.values():  # each upsert takes a moment: other chunks are out at the kill too
        server.set_faults({"global": {"latency": 0.004}}, seed=3)
    source = tmp_path / "contacts.csv"
    write_contacts(source, aliases, 200)
    keys = Keys(accounts.keys_file)
    journal = start(source, ACTION, keys=keys, options=Options(pace=False, chunk_size=25))
    with distributed.Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
    killed: list[int] = []
    accounts.tripwire.arm("POST", "/contacts/sync/", 100, _killer_of_the_sender(pids, killed))  # mid-run
    runner = DaskRunner(scheduler=cluster.scheduler_address)
    result = execute(journal, reopen(journal.path)[1], keys=keys, runner=runner)
    assert not accounts.tripwire.errors, accounts.tripwire.errors
    assert killed
    assert result.counts == {"pending": 0, "sent": 0, "done": 800, "failed": 0, "unknown": 0}
    for a, alias in enumerate(aliases):
        held = _held(accounts, alias)
        assert all(held[f"+39333{a:02d}{n:05d}"] == 1 for n in range(200))
    resent = journal.tallies()["resent_rows"]
    assert 0 < resent <= 25 * 2  # the lost worker's chunk (one per key it held) went out again, nothing more
    journal.close()


@pytest.mark.parametrize("cluster", [3], indirect=True)
def test_unsafe_refused_where_lost_tasks_rerun(accounts: Accounts, cluster: Any, tmp_path: Path) -> None:
    from spoki_actions.batch.dask_runner import DaskRunner

    source = tmp_path / "fields.jsonl"
    source.write_text(json.dumps({"account": "shop0", "code": "DASK_X", "label": "x", "example": "x",
                                  "field_type": 1}) + "\n")
    keys = Keys(accounts.keys_file)
    journal = start(source, "SPOKI_CREATE_CUSTOM_FIELD", keys=keys, options=Options(pace=False))
    with pytest.raises(BatchError, match=r"allowed-failures = 3\).*send the unsafe action SPOKI_CREATE_CUSTOM_FIELD"):
        execute(journal, reopen(journal.path)[1], keys=keys, runner=DaskRunner(scheduler=cluster.scheduler_address))
    assert journal.counts()["pending"] == 1  # nothing was sent
    assert not accounts.posts("shop0", "/custom-fields/")
    journal.close()


def test_cli_embedded_cluster(accounts: Accounts, tmp_path: Path) -> None:
    aliases = sorted(accounts.servers)
    source = tmp_path / "contacts.csv"
    write_contacts(source, aliases, 30)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOKI_")}
    done = subprocess.run([sys.executable, "-m", "spoki_actions.cli", "batch", "run", str(source), "--action", ACTION,
                           "--keys", str(accounts.keys_file), "--no-pace", "--dask", "--workers", "2", "--quiet"],
                          env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["counts"]["done"] == 120
    for key in accounts.keys.values():
        assert key not in done.stdout + done.stderr


def test_unsafe_rows_of_a_lost_worker_become_unknown_and_are_never_sent_twice(accounts: Accounts, cluster: Any,
                                                                               tmp_path: Path) -> None:
    from spoki_actions.batch import resume_batch
    from spoki_actions.batch.dask_runner import DaskRunner

    aliases = sorted(accounts.servers)[:2]
    for alias in aliases:  # each create takes a moment: the other shard's chunk is out at the kill too
        accounts.servers[alias].set_faults({"global": {"latency": 0.02}}, seed=3)
    source = tmp_path / "fields.jsonl"
    with source.open("w") as out:
        for n in range(60):
            for alias in aliases:
                out.write(json.dumps({"account": alias, "code": f"DASK_F{n:03d}", "label": f"Field {n}",
                                      "example": "x", "field_type": 1}) + "\n")
    keys = Keys(accounts.keys_file)
    journal = start(source, "SPOKI_CREATE_CUSTOM_FIELD", keys=keys, options=Options(pace=False, chunk_size=10))
    with distributed.Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
        killed: list[int] = []
        # once the creates are under way, the worker running the 15th (both shards may sit on one worker)
        accounts.tripwire.arm("POST", "/custom-fields/", 15, _killer_of_the_sender(pids, killed))
        runner = DaskRunner(scheduler=cluster.scheduler_address)
        result = execute(journal, reopen(journal.path)[1], keys=keys, runner=runner)
    assert not accounts.tripwire.errors, accounts.tripwire.errors
    assert killed
    lost = [r for r in journal.rows(("unknown",)) if r["kind"] == "worker_lost"]
    journal.close()
    assert lost and result.counts["unknown"] == len(lost) and result.counts["pending"] == 0
    assert all("may or may not have reached Spoki" in r["error"] for r in lost)
    final = resume_batch(journal.path)  # reads each lost row back by code: found is done, missing is sent once
    assert final.counts == {"pending": 0, "sent": 0, "done": 120, "failed": 0, "unknown": 0}
    for alias in aliases:
        posted = collections.Counter(body["code"] for body in accounts.posts(alias, "/custom-fields/"))
        assert set(posted) == {f"DASK_F{n:03d}" for n in range(60)} and max(posted.values()) == 1


def test_driver_killed_with_an_embedded_cluster(accounts: Accounts, tmp_path: Path) -> None:
    """SIGKILL the driver of a --dask run mid-chunk: its workers go with it (nothing more reaches the
    server afterwards), and resuming sends no unsafe row twice."""
    alias = "shop0"
    accounts.servers[alias].set_faults({"global": {"latency": 0.02}}, seed=3)
    source = tmp_path / "fields.jsonl"
    with source.open("w") as out:
        for n in range(80):
            out.write(json.dumps({"account": alias, "code": f"KILL_F{n:03d}", "label": f"Field {n}", "example": "x",
                                  "field_type": 1}) + "\n")
    journal = tmp_path / "fields.sqlite"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOKI_")}
    proc = subprocess.Popen([sys.executable, "-m", "spoki_actions.cli", "batch", "run", str(source), "--action",
                             "SPOKI_CREATE_CUSTOM_FIELD", "--keys", str(accounts.keys_file), "--journal", str(journal),
                             "--no-pace", "--dask", "--workers", "1", "--chunk-size", "10", "--quiet"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(accounts.posts(alias, "/custom-fields/")) < 15:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(1.0)
    at_kill = len(accounts.posts(alias, "/custom-fields/"))
    time.sleep(1.5)
    assert len(accounts.posts(alias, "/custom-fields/")) == at_kill  # no orphaned worker goes on sending
    done = subprocess.run([sys.executable, "-m", "spoki_actions.cli", "batch", "resume", str(journal), "--quiet"],
                          env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["counts"]["done"] == 80
    posted = collections.Counter(body["code"] for body in accounts.posts(alias, "/custom-fields/"))
    assert set(posted) == {f"KILL_F{n:03d}" for n in range(80)} and max(posted.values()) == 1


def test_worker_clients_closed_cleanly(accounts: Accounts, tmp_path: Path) -> None:
    """The workers' AsyncClients (aiohttp sessions) are closed when the run ends: neither the
    workers (their stderr is the CLI's) nor the driver report an unclosed session or a
    ResourceWarning, with every ResourceWarning shown."""
    aliases = sorted(accounts.servers)
    source = tmp_path / "contacts.csv"
    write_contacts(source, aliases, 20)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOKI_")}
    env["PYTHONWARNINGS"] = "always::ResourceWarning"  # inherited by the worker processes
    env["PYTHONDEVMODE"] = "1"  # asyncio debug: unclosed transports and sessions are reported
    done = subprocess.run([sys.executable, "-m", "spoki_actions.cli", "batch", "run", str(source), "--action", ACTION,
                           "--keys", str(accounts.keys_file), "--no-pace", "--dask", "--workers", "2", "--quiet"],
                          env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["counts"]["done"] == 80
    for needle in ("Unclosed client session", "Unclosed connector", "ResourceWarning"):
        assert needle not in done.stderr, done.stderr


def _task_states(keys: list[str], dask_scheduler: Any) -> dict[str, tuple[str | None, list[str]]]:
    """Runs on the scheduler: each key's state and the workers holding its result (None: forgotten)."""
    found = {key: dask_scheduler.tasks.get(key) for key in keys}
    return {key: (None, []) if ts is None else (ts.state, sorted(ws.address for ws in ts.who_has or ()))
            for key, ts in found.items()}


class _KillTheHolderOfTheFirstResults(NoProgress):
    """When the driver has settled its first chunk (it still holds the chunk's future, the results
    still sit on the worker that ran it), SIGKILLs that worker and waits until the scheduler has
    dealt with the loss: Dask re-runs a finished task whose results were lost while a client still
    wants it (allowed-failures does not apply: the task was not running), so the chunk's re-run
    has run or been refused (its key back in memory elsewhere, erred, or forgotten) before the
    driver goes on."""

    def __init__(self, client: Any, pids: dict[str, int]) -> None:
        self.client, self.pids = client, pids
        self.after: dict[str, tuple[str | None, list[str]]] = {}

    def advance(self, account: str, results: list[Any]) -> None:
        if self.after:
            return
        held = {w: [k for k in keys if str(k).startswith("spoki-chunk-")] for w, keys in self.client.has_what().items()}
        worker, keys = next((w, ks) for w, ks in held.items() if ks)
        os.kill(self.pids[worker], signal.SIGKILL)
        deadline = time.monotonic() + 120  # a guard against a hang, not a timing assertion
        while time.monotonic() < deadline:
            states = self.client.run_on_scheduler(_task_states, keys)
            if worker not in self.client.scheduler_info()["workers"] and all(
                    state in (None, "erred") or (state == "memory" and worker not in holders)
                    for state, holders in states.values()):
                self.after = states
                return
            time.sleep(0.02)
        raise AssertionError(f"the scheduler did not settle {keys} after {worker} was killed: {states}")


def test_a_chunk_whose_results_are_lost_with_their_worker_is_not_sent_again(accounts: Accounts, cluster: Any,
                                                                             tmp_path: Path) -> None:
    """The worker that ran a chunk dies after the chunk finished, while the driver still holds its
    results' future: Dask re-runs such a task elsewhere, which for an unsafe action would send every
    row of the chunk a second time. The re-run must send nothing."""
    from spoki_actions.batch.dask_runner import DaskRunner

    alias = "shop0"
    source = tmp_path / "fields.jsonl"
    with source.open("w") as out:
        for n in range(30):
            out.write(json.dumps({"account": alias, "code": f"RERUN_F{n:03d}", "label": f"Field {n}",
                                  "example": "x", "field_type": 1}) + "\n")
    keys = Keys(accounts.keys_file)
    journal = start(source, "SPOKI_CREATE_CUSTOM_FIELD", keys=keys, options=Options(pace=False, chunk_size=10))
    with distributed.Client(cluster) as client:
        hook = _KillTheHolderOfTheFirstResults(client, client.run(os.getpid))
        result = execute(journal, reopen(journal.path)[1], keys=keys, progress=hook,
                         runner=DaskRunner(scheduler=cluster.scheduler_address))
    journal.close()
    posted = collections.Counter(body["code"] for body in accounts.posts(alias, "/custom-fields/"))
    assert set(posted) == {f"RERUN_F{n:03d}" for n in range(30)}
    assert max(posted.values()) == 1, sorted(c for c, n in posted.items() if n > 1)  # never sent twice
    assert result.counts == {"pending": 0, "sent": 0, "done": 30, "failed": 0, "unknown": 0}
    # the case did happen: the lost results' task was re-run, and that re-run refused to send
    assert [state for state, _ in hook.after.values()] == ["erred"], hook.after


def test_a_worker_refuses_a_chunk_already_started_or_of_a_run_that_is_over(accounts: Accounts, cluster: Any,
                                                                           tmp_path: Path) -> None:
    """The guard itself, on a real worker: a chunk whose number its key's counter has reached, or whose
    counter is gone (the run is over), raises ChunkRefused and sends nothing; the next number is sent."""
    from spoki_actions.batch.dask_runner import ChunkJob, ChunkRefused, close_worker_clients, send_job

    base_url = accounts.servers["shop0"].base_url  # loopback: the simulator

    def job(code: str, guard: str, serial: int) -> ChunkJob:
        row = {"code": code, "label": code, "example": "x", "field_type": 1}
        return ChunkJob("SPOKI_CREATE_CUSTOM_FIELD", "shop0", str(accounts.keys_file), base_url, False, None, None,
                        True, ((1, row),), guard, serial)

    with distributed.Client(cluster) as client:
        counter = distributed.Variable("spoki-batch-test-guard", client=client)
        counter.set(0)
        sent = client.submit(send_job, job("GUARD_A", counter.name, 1), pure=False).result()
        assert [r.state for r in sent] == ["done"]
        for again in (1, 0):  # a re-run of chunk 1, or an older chunk
            with pytest.raises(ChunkRefused, match="started once already"):
                client.submit(send_job, job("GUARD_B", counter.name, again), pure=False).result()
        counter.delete()
        with pytest.raises(ChunkRefused, match="its run is over"):
            client.submit(send_job, job("GUARD_C", counter.name, 2), pure=False).result()
        client.run(close_worker_clients)
    assert [body["code"] for body in accounts.posts("shop0", "/custom-fields/")] == ["GUARD_A"]
