"""The report's retry and 429 tallies against what the simulators say they answered: every try the
runtime made (Outcome.history) is in the journal, per account, and the counts equal the servers'
own books (faults injected, requests that reached the app) under a 429 storm, 5xx and drops."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from spoki_actions.batch import Journal, JournalError, Keys, Options, execute, reopen, start
from spoki_actions.batch.report import summary, text
from spoki_actions.simulator.config import FaultConfig, FaultSpec

from .conftest import Accounts, write_contacts

ACTION = "SPOKI_CREATE_OR_UPDATE_CONTACT"


def test_tallies_equal_what_the_servers_answered(accounts: Accounts, tmp_path: Path) -> None:
    aliases = sorted(accounts.servers)
    source = tmp_path / "contacts.csv"
    write_contacts(source, aliases, 120)
    faults = FaultSpec(error_rate=0.04, throttle_rate=0.04, retry_after=0, drop_rate=0.03, truncate_rate=0.02)
    for n, alias in enumerate(aliases):
        accounts.servers[alias].set_faults(FaultConfig(global_spec=faults), seed=11 + n)
    # A 429 storm on one account's upserts, asking for a 1 s wait each time (longer than the first backoffs).
    storm = FaultSpec(throttle_rate=0.8, retry_after=1, count=5)
    accounts.servers["shop1"].set_faults(FaultConfig(global_spec=faults, endpoints={"contacts-sync": storm}), seed=5)
    keys = Keys(accounts.keys_file)
    journal = start(source, ACTION, keys=keys, options=Options(pace=False, chunk_size=30))
    result = execute(journal, reopen(journal.path)[1], keys=keys)
    assert result.complete
    report = summary(journal)
    per_account = report["account_tallies"]
    totals = dict.fromkeys(("attempts", "seen_429", "seen_5xx", "transport_failures"), 0)
    for alias in aliases:
        books = accounts.servers[alias].state.faults.injected
        reached = len(accounts.recorders[alias])  # reached the app: answered, or answered and then cut short
        mine = per_account[alias]
        assert mine["attempts"] == reached + books["drop"] + books["throttle"] + books["error"], (alias, mine, books)
        assert mine["seen_429"] == books["throttle"]
        assert mine["seen_5xx"] == books["error"]
        assert mine["transport_failures"] == books["drop"] + books["truncate"]
        failed_tries = books["throttle"] + books["error"] + books["drop"] + books["truncate"]
        rows = [r for r in journal.rows(("done", "failed")) if r["account"] == alias and r["requests"]]
        ended_badly = sum(1 for r in rows if r["state"] == "failed")
        assert mine["retries"] == failed_tries - ended_badly  # every failed try was retried but a row's last
        for name in totals:
            totals[name] += mine[name]
    for name, value in totals.items():
        assert report["tallies"][name] == value
    storm_waits = per_account["shop1"]["retry_after_waits"]
    assert storm_waits >= 1 and per_account["shop1"]["retry_after_seconds"] == pytest.approx(storm_waits * 1.0)
    assert all(per_account[a]["retry_after_waits"] == 0 for a in aliases if a != "shop1")  # Retry-After 0: backoff
    assert report["tallies"]["seen_429"] > 0 and report["tallies"]["seen_5xx"] > 0
    assert report["tallies"]["transport_failures"] > 0
    trails = [r["trail"] for r in journal.rows(("done",)) if r["account"] == "shop1" and r["retries"]]
    assert any("429 (Retry-After 1.00s)" in t for t in trails), trails[:5]
    shown = text(report)
    assert f"429s seen {report['tallies']['seen_429']}, 5xx seen {report['tallies']['seen_5xx']}" in shown
    assert "shop1" in shown and "Retry-After" in shown
    journal.close()


V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE rows (
    seq INTEGER PRIMARY KEY, line INTEGER NOT NULL, account TEXT NOT NULL, params TEXT, state TEXT NOT NULL,
    kind TEXT, status INTEGER, attempts INTEGER NOT NULL DEFAULT 0, requests INTEGER NOT NULL DEFAULT 0,
    result_id TEXT, error TEXT, chunk INTEGER, sends INTEGER NOT NULL DEFAULT 0, sent_at REAL, finished_at REAL
);
CREATE INDEX rows_by_account ON rows (account, state, seq);
CREATE INDEX rows_by_state ON rows (state);
"""


def _v1_journal(path: Path, source: Path, keys_file: Path, done: int, pending: int) -> None:
    """A journal as the previous release wrote it (schema 1): `done` rows sent once, the rest pending."""
    from spoki_actions.batch.ingest import fingerprint

    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    meta = {"action": ACTION, "safety": "idempotent", "input": str(source), "format": "csv",
            "mapping": {}, "account_column": "account", "input_fingerprint": fingerprint(source),
            "keys_file": str(keys_file), "options": {"chunk_size": 50, "accounts_at_once": 64, "pace": False,
                                                     "base_url": None, "timeout": None, "max_retries": None},
            "ingest_done": True, "next_seq": done + pending + 1, "schema_version": 1, "created_at": 0.0}
    db.executemany("INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in meta.items()])
    for seq in range(1, done + pending + 1):
        params = json.dumps({"phone": f"+3933300{seq:05d}"})
        if seq <= done:
            db.execute("INSERT INTO rows (seq, line, account, params, state, status, attempts, requests, sends, "
                       "result_id, finished_at) VALUES (?, ?, 'shop0', ?, 'done', 200, 1, 1, 1, ?, 1.0)",
                       (seq, seq + 1, params, str(seq)))
        else:
            db.execute("INSERT INTO rows (seq, line, account, params, state) VALUES (?, ?, 'shop0', ?, 'pending')",
                       (seq, seq + 1, params))
    db.commit()
    db.close()


def test_a_schema_1_journal_is_upgraded_and_resumed(accounts: Accounts, tmp_path: Path) -> None:
    source = tmp_path / "old.csv"
    source.write_text("account,phone\n" + "".join(f"shop0,+3933300{n:05d}\n" for n in range(1, 11)))
    path = tmp_path / "old.sqlite"
    _v1_journal(path, source, accounts.keys_file, done=4, pending=6)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOKI_")}
    done = subprocess.run([sys.executable, "-m", "spoki_actions.cli", "batch", "resume", str(path), "--quiet"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["counts"]["done"] == 10
    assert len(accounts.posts("shop0", "/contacts/sync/")) == 6  # the done rows were not sent again
    journal = Journal.open(path)
    report = summary(journal)
    journal.close()
    assert report["upgraded_from"]["schema"] == 1 and report["upgraded_from"]["untallied_rows"] == 4
    assert report["tallies"]["attempts"] == 10  # 4 sent under schema 1, 6 itemised since
    assert "4 rows were sent before this journal was upgraded from schema 1" in text(report)


def test_a_newer_or_foreign_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    db.execute("INSERT INTO meta VALUES ('schema_version', '3')")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(JournalError, match=r"new.sqlite: written by a newer spoki-actions \(journal schema 3; "
                                           r"this version reads schemas 1 to 2\); nothing was changed"):
        Journal.open(path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOKI_")}
    done = subprocess.run([sys.executable, "-m", "spoki_actions.cli", "batch", "report", str(path)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and str(path) in done.stderr and "pip install -U spoki-actions" in done.stderr
    assert path.read_bytes() == before
    db = sqlite3.connect(path)
    db.execute("DELETE FROM meta")
    db.commit()
    db.close()
    with pytest.raises(JournalError, match="its meta table has no schema version"):
        Journal.open(path)
