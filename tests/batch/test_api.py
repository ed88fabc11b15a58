"""The Python API, the source reader and an ingest interrupted part-way (no server needed for most)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from spoki_actions.batch import BatchError, Journal, Keys, Options, resume_batch, run_batch, start
from spoki_actions.batch import ingest as ingest_module
from spoki_actions.batch.keys import KeyError_
from spoki_actions.batch.source import Source, parse_mapping
from spoki_actions.spec import ActionSpec

from .conftest import Accounts, write_contacts

ACTION = "SPOKI_CREATE_OR_UPDATE_CONTACT"


def _spec(name: str = ACTION) -> ActionSpec:
    from spoki_actions import catalogue_of

    return catalogue_of().actions[name]


def test_run_and_resume_batch(accounts: Accounts, tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    write_contacts(source, sorted(accounts.servers), 20)
    summary = run_batch(source, ACTION, keys=Keys(accounts.keys_file), options=Options(pace=False))
    assert summary.clean and summary.counts["done"] == 80
    again = resume_batch(summary.journal)
    assert again.counts == summary.counts  # nothing left to do, nothing sent again
    assert sum(len(r) for r in accounts.recorders.values()) == 80


@pytest.mark.parametrize("one_statement", [True, False], ids=["json_each", "executemany"])
@pytest.mark.parametrize("writer_thread", [True, False], ids=["writer-thread", "on-the-loop"])
def test_both_sql_paths_and_both_commit_places_settle_alike(accounts: Accounts, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch, one_statement: bool,
                                                          writer_thread: bool) -> None:
    """The one-statement settle and claim (SQLite >= 3.33) and the executemany fallback, each with
    the commits in the writer thread and on the loop: every row done once, with its result id,
    status and trail, in chunks of the asked size."""
    from spoki_actions.batch import AsyncioRunner, execute, reopen
    from spoki_actions.batch import journal as journal_module

    monkeypatch.setattr(journal_module, "_ONE_STATEMENT", one_statement)
    source = tmp_path / "c.csv"
    write_contacts(source, sorted(accounts.servers), 25)
    keys = Keys(accounts.keys_file)
    journal = start(source, ACTION, keys=keys, options=Options(pace=False, chunk_size=7))
    summary = execute(journal, reopen(journal.path)[1], keys=keys, runner=AsyncioRunner(writer_thread=writer_thread))
    assert summary.counts == {"pending": 0, "sent": 0, "done": 100, "failed": 0, "unknown": 0}
    rows = list(journal.rows(("done",)))
    assert all(r["status"] == 200 and r["result_id"] and r["trail"] == "200" and r["requests"] == 1 for r in rows)
    chunks = journal._db.execute("SELECT account, chunk, count(*) FROM rows GROUP BY account, chunk").fetchall()
    assert {n for _, _, n in chunks} <= set(range(1, 8)) and len({c for _, c, _ in chunks}) == len(chunks)
    assert sum(len(r) for r in accounts.recorders.values()) == 100
    journal.close()


def test_csv_cells_become_typed_inputs(tmp_path: Path) -> None:
    source = tmp_path / "t.csv"
    source.write_text('Numero,Nome,Livello,ticket\n+393331234567,"Rossi, Maria",Gold,x\n', encoding="utf-8")
    spec = _spec()
    rows = list(Source(source, None, spec, parse_mapping(["Numero=phone", "Nome=first_name",
                                                          "Livello=custom_fields.TIER"], spec)).rows())
    assert [r.params for r in rows] == [{"phone": "+393331234567", "first_name": "Rossi, Maria",
                                         "custom_fields": {"TIER": "Gold"}}]
    tickets = tmp_path / "k.csv"
    tickets.write_text("per_page,page\n20,x\n", encoding="utf-8")
    bad = list(Source(tickets, None, _spec("SPOKI_LIST_TICKETS"), {}).rows())
    assert bad[0].problem == "column 'page' (page): must be a whole number; got 'x'"  # type: ignore[union-attr]


def test_interrupted_ingest_continues_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "c.csv"
    lines = ["phone,first_name"] + [f'+39333{n:07d},"Name\n{n}"' for n in range(250)]  # multi-line cells
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(ingest_module, "BLOCK", 40)
    real_add = Journal.add_rows
    calls = {"n": 0}

    def crash_after_two(self: Journal, rows: Any, **meta: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # as if the process died between two commits
        real_add(self, rows, **meta)

    monkeypatch.setattr(Journal, "add_rows", crash_after_two)
    env = {"SPOKI_API_KEY": "a-key-for-the-default-alias"}
    with pytest.raises(KeyboardInterrupt):
        start(source, ACTION, keys=Keys(environ=env), options=Options(pace=False))
    monkeypatch.setattr(Journal, "add_rows", real_add)
    journal_path = tmp_path / "c.csv.journal.sqlite"
    from spoki_actions.batch.runner import reopen

    journal, _ = reopen(journal_path, keys=Keys(environ=env))
    rows = list(journal.rows(("pending",)))
    journal.close()
    assert [r["row"] for r in rows] == list(range(1, 251))
    assert [r["line"] for r in rows] == [2 + 2 * n for n in range(250)]  # each row's first physical line


def test_keys_are_never_shown(tmp_path: Path) -> None:
    path = tmp_path / "keys.txt"
    path.write_text("# accounts\nshop=sk-live-0123456789abcdef\n")
    keys = Keys(path, environ={})
    assert keys.get("shop") == "sk-live-0123456789abcdef"
    assert "sk-live" not in repr(keys)
    path.write_text("shop sk-live-0123456789abcdef\n")
    with pytest.raises(KeyError_) as info:
        Keys(path, environ={})
    assert "sk-live" not in str(info.value) and ":1: write alias=key" in str(info.value)
    path.write_text(json.dumps({"bad alias!": "k"}))
    with pytest.raises(KeyError_, match="'bad alias!' is not a valid alias"):
        Keys(path, environ={})


def test_start_refuses_an_existing_journal(tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text("phone\n+393331234567\n")
    keys = Keys(environ={"SPOKI_API_KEY": "k" * 20})
    start(source, ACTION, keys=keys).close()
    before = (tmp_path / "c.csv.journal.sqlite").read_bytes()
    with pytest.raises(BatchError, match="already exists; resume it with `spoki-actions batch resume"):
        start(source, ACTION, keys=keys)
    assert (tmp_path / "c.csv.journal.sqlite").read_bytes() == before


def test_resumed_ingest_uses_the_batch_keys_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ingest a crash cut short goes on with the keys file the batch started with (by absolute path,
    from any working directory), not only the environment: its rows stay pending, not 'unknown alias'."""
    source = tmp_path / "c.csv"
    source.write_text("account,phone\n" + "".join(f"shop,+39333{n:07d}\n" for n in range(100)), encoding="utf-8")
    (tmp_path / "keys.txt").write_text("shop=a-key-for-the-shop-account\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(ingest_module, "BLOCK", 40)
    real_add = Journal.add_rows
    calls = {"n": 0}

    def crash_on_second(self: Journal, rows: Any, **meta: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        real_add(self, rows, **meta)

    monkeypatch.setattr(Journal, "add_rows", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        start(Path("c.csv"), ACTION, keys=Keys(Path("keys.txt"), environ={}))
    monkeypatch.setattr(Journal, "add_rows", real_add)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for name in [k for k in os.environ if k.startswith("SPOKI_API_KEY")]:
        monkeypatch.delenv(name)
    from spoki_actions.batch.runner import reopen

    journal, _ = reopen(tmp_path / "c.csv.journal.sqlite")
    counts = journal.counts()
    journal.close()
    assert counts["pending"] == 100 and counts["failed"] == 0


def test_aliases_of_one_key_are_one_ordered_stream(accounts: Accounts, tmp_path: Path) -> None:
    """Two aliases naming the same key (and base URL) share one shard: one client, one ordered stream,
    so they never race on that key's budget; other keys keep their own."""
    from spoki_actions.batch.runner import Driver, NoProgress, reopen

    server = accounts.servers["shop0"]
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(json.dumps({alias: {"key": accounts.keys["shop0"], "base_url": server.base_url}
                                     for alias in ("north", "south")} |
                                    {"shop1": {"key": accounts.keys["shop1"],
                                               "base_url": accounts.servers["shop1"].base_url}}))
    source = tmp_path / "c.csv"
    phones = [f"+3933312{n:05d}" for n in range(60)]
    source.write_text("account,phone\n" + "".join(f"{('north', 'south', 'shop1')[n % 3]},{p}\n"
                                                  for n, p in enumerate(phones)))
    keys = Keys(keys_file)
    journal = start(source, ACTION, keys=keys, options=Options(pace=False, chunk_size=4))
    driver = Driver(journal, reopen(journal.path)[1], keys, Options(pace=False, chunk_size=4), NoProgress())
    assert sorted(s.aliases for s in driver.shards()) == [("north", "south"), ("shop1",)]
    assert sorted(s.label for s in driver.shards()) == ["north+south", "shop1"]
    journal.close()
    summary = resume_batch(tmp_path / "c.csv.journal.sqlite")
    assert summary.clean
    posted = [body["phone"] for body in accounts.posts("shop0", "/contacts/sync/")]
    assert posted == [p for n, p in enumerate(phones) if n % 3 != 2]  # both aliases' rows, in file order


def test_resume_without_a_key_refuses_before_anything(accounts: Accounts, tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    write_contacts(source, ["shop0", "shop1"], 5)
    journal = start(source, ACTION, keys=Keys(accounts.keys_file), options=Options(pace=False))
    journal.close()
    path = tmp_path / "c.csv.journal.sqlite"
    before = path.read_bytes()
    partial = tmp_path / "partial.txt"
    partial.write_text(f"shop0={accounts.keys['shop0']}\n")
    with pytest.raises(BatchError, match=r"cannot go on: unknown account alias 'shop1'.*nothing was sent"):
        resume_batch(path, keys=Keys(partial, environ={}))
    assert path.read_bytes() == before
    assert not accounts.recorders["shop0"] and not accounts.recorders["shop1"]
