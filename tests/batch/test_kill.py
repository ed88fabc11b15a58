"""SIGKILL the driver at random moments, resume, and check the end state: nothing lost, nothing
that must not be sent twice sent twice (the servers' own request logs say so). Each kill comes from
inside a server, as it is about to answer the run's n-th POST (n drawn at random), so it lands
while a chunk is out whatever the machine's load: that request applied, its answer never back,
the chunk's other rows answered or not yet sent."""

from __future__ import annotations

import collections
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from spoki_actions.batch import Journal

from .conftest import Accounts, write_contacts

CLI = [sys.executable, "-m", "spoki_actions.cli", "batch"]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SPOKI_")}


def _start_and_kill(args: list[str], accounts: Accounts, senders: int, path_end: str, count: int) -> int | None:
    """Runs the command and SIGKILLs it from inside the server about to answer its `count`-th POST to
    a path ending `path_end`; returns its exit code if it ended first. A killed run leaves at most
    one request out per other account (`senders`: the accounts the batch sends to), which a server may
    still count after the kill, so `count` must exceed their number: then the count-th is the new
    run's own (the tripwire is armed before the run starts)."""
    started: list[subprocess.Popen[bytes]] = []

    def kill(scope: Any) -> None:
        os.kill(started[0].pid, signal.SIGKILL)

    assert count >= senders
    accounts.tripwire.arm("POST", path_end, count, kill)
    try:
        proc = subprocess.Popen(CLI + args, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(proc)
        try:
            code = proc.wait(timeout=300)  # a guard against a hang, not a timing assertion
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(f"{args[0]} neither ended nor reached its {count}-th POST") from None
    finally:
        accounts.tripwire.disarm()
    assert not accounts.tripwire.errors, accounts.tripwire.errors
    if accounts.tripwire.fired.is_set():
        assert code == -signal.SIGKILL
        return None
    return code


def _in_flight(journal: Path) -> int:
    """Rows a kill left `sent` (in flight): the case resuming must settle."""
    if not journal.exists():
        return 0
    j = Journal.open(journal)
    try:
        return j.counts()["sent"]
    finally:
        j.close()


def _kill_repeatedly(first: list[str], journal: Path, accounts: Accounts, senders: int, path_end: str,
                     rng: random.Random, most: int) -> list[int]:
    """Kills the run, then resumes, each at its n-th POST (n drawn from `senders`..`most`), until a run
    ends by itself or six kills happened; returns how many rows each kill left in flight."""
    left: list[int] = []
    args = first
    for _ in range(6):
        if _start_and_kill(args, accounts, senders, path_end, rng.randint(senders, most)) is not None:
            break
        left.append(_in_flight(journal))
        args = ["resume", str(journal), "--quiet"]
    return left


def _finish(journal: Path) -> dict[str, object]:
    done = subprocess.run([*CLI, "resume", str(journal), "--quiet"], env=_env(), capture_output=True, text=True,
                          timeout=240)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_idempotent_upserts_survive_kills(accounts: Accounts, tmp_path: Path) -> None:
    aliases = sorted(accounts.servers)
    source = tmp_path / "contacts.csv"
    write_contacts(source, aliases, 300)
    journal = tmp_path / "run.sqlite"
    rng = random.Random(1234)
    run = ["run", str(source), "--action", "SPOKI_CREATE_OR_UPDATE_CONTACT", "--keys", str(accounts.keys_file),
           "--journal", str(journal), "--no-pace", "--chunk-size", "20", "--quiet"]
    left = _kill_repeatedly(run, journal, accounts, len(aliases), "/contacts/sync/", rng, 150)
    kills = len(left)
    assert any(left), f"no kill landed mid-chunk ({left}); make the batch longer"
    assert all(left), f"a kill did not land mid-chunk ({left})"  # each lands while a request is out
    final = _finish(journal)
    assert final["counts"] == {"pending": 0, "sent": 0, "done": 1200, "failed": 0, "unknown": 0}
    for a, alias in enumerate(aliases):
        held = collections.Counter(doc.get("phone") for doc in accounts.servers[alias].state.store.all("contacts"))
        assert all(held[f"+39333{a:02d}{n:05d}"] == 1 for n in range(300))
    with_journal = Journal.open(journal)
    try:
        resent = [r for r in with_journal.rows(("done",)) if r["attempts"] and r["requests"] > r["attempts"]]
        # Only rows in flight at a kill are sent again: at most one chunk per key per kill.
        assert len(resent) <= kills * len(aliases) * 20
    finally:
        with_journal.close()


def test_unsafe_creates_are_never_sent_twice(accounts: Accounts, tmp_path: Path) -> None:
    aliases = sorted(accounts.servers)[:2]
    source = tmp_path / "fields.jsonl"
    per_account = 100
    with source.open("w") as out:
        for n in range(per_account):
            for alias in aliases:
                out.write(json.dumps({"account": alias, "code": f"BATCH_F{n:03d}", "label": f"Batch field {n}",
                                      "example": "x", "field_type": 1}) + "\n")
    for alias in aliases:  # each create takes a moment: the other account's request is out at a kill too
        accounts.servers[alias].set_faults({"global": {"latency": 0.01}}, seed=1)
    journal = tmp_path / "fields.sqlite"
    rng = random.Random(99)
    run = ["run", str(source), "--action", "SPOKI_CREATE_CUSTOM_FIELD", "--keys", str(accounts.keys_file),
           "--journal", str(journal), "--no-pace", "--chunk-size", "5", "--quiet"]
    left = _kill_repeatedly(run, journal, accounts, len(aliases), "/custom-fields/", rng, 30)
    assert any(left), f"no kill landed mid-chunk ({left}); make the batch longer"
    assert all(left), f"a kill did not land mid-chunk ({left})"  # each lands while a request is out
    final = _finish(journal)
    assert final["counts"] == {"pending": 0, "sent": 0, "done": 2 * per_account, "failed": 0, "unknown": 0}
    for alias in aliases:
        posted = collections.Counter(body["code"] for body in accounts.posts(alias, "/custom-fields/"))
        assert set(posted) == {f"BATCH_F{n:03d}" for n in range(per_account)}
        assert max(posted.values()) == 1, [c for c, n in posted.items() if n > 1]  # never sent twice
        codes = collections.Counter(doc.get("code") for doc in accounts.servers[alias].state.store.all("custom_fields"))
        assert all(codes[f"BATCH_F{n:03d}"] == 1 for n in range(per_account))
