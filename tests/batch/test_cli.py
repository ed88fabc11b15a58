"""`spoki-actions batch` on bad input, Ctrl-C, and report: clear errors naming the line or the flag,
non-zero exits, nothing sent for bad rows, the journal untouched when a run cannot start."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spoki_actions.batch import Journal

from .conftest import Accounts, write_contacts

CLI = [sys.executable, "-m", "spoki_actions.cli", "batch"]
ACTION = "SPOKI_CREATE_OR_UPDATE_CONTACT"


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOKI_")}
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize(("setup", "flags", "message"), [
    ("header", ["--map", "Telefono=phone"], "--map: column 'Telefono' is not in the header"),
    ("header", ["--map", "phone=phon"], "--map 'phone=phon': SPOKI_CREATE_OR_UPDATE_CONTACT has no input 'phon'"),
    ("header", ["--map", "phone"], "--map 'phone': write COLUMN=INPUT"),
    ("no-phone", [], "no column gives the required input 'phone'"),
    ("header", ["--action", "SPOKI_CREATE_OR_UPDATE_CONTACTS"],
     "--action 'SPOKI_CREATE_OR_UPDATE_CONTACTS': no such action; did you mean SPOKI_CREATE_OR_UPDATE_CONTACT"),
    ("header", ["--keys", "missing-keys.json"], "keys file"),
    ("empty", [], "empty file; a CSV batch starts with a header row"),
    ("header", ["--chunk-size", "0"], "--chunk-size 0: must be between 1 and 10000"),
    ("header", ["--format", "xml"], "invalid choice: 'xml'"),
    ("header", ["--account-column", "Shop"], "--account-column 'Shop': no such column in the header of"),
    ("header", ["--map", "first_name=phone"],
     "--map: columns 'phone' and 'first_name' both feed the input 'phone' of SPOKI_CREATE_OR_UPDATE_CONTACT"),
    ("header", ["--map", "account=phone"], "--map account=phone: 'account' is the account column"),
    ("header", ["--workers", "2"], "--workers and --scheduler go with --dask"),
])
def test_cannot_start(tmp_path: Path, setup: str, flags: list[str], message: str) -> None:
    source = tmp_path / "in.csv"
    source.write_text({"header": "phone,first_name\n+393331234567,Ann\n", "no-phone": "first_name\nAnn\n",
                       "empty": ""}[setup])
    action = [] if "--action" in flags else ["--action", ACTION]
    flags = [str(tmp_path / f) if f.endswith(".json") else f for f in flags]
    done = _run("run", str(source), *action, *flags)
    assert done.returncode == 2
    assert message in done.stderr
    assert not (tmp_path / "in.csv.journal.sqlite").exists()  # the journal is untouched: never created


def test_bad_rows_fail_by_line_and_are_never_sent(accounts: Accounts, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("account,phone,first_name\n"
                      "shop0,+393331111111,Ann\n"
                      'shop0,"+39333,unterminated\n'
                      "shop0,+39333,Short,extra\n"
                      "ghost,+393332222222,Who\n"
                      "shop1,+393333333333,Bob\n")
    done = _run("run", str(source), "--action", ACTION, "--keys", str(accounts.keys_file), "--no-pace", "--quiet")
    assert done.returncode == 1, done.stderr  # finished, with failed rows
    journal = Journal.open(tmp_path / "in.csv.journal.sqlite")
    failed = {r["line"]: r["error"] for r in journal.rows(("failed",))}
    journal.close()
    assert set(failed) == {3, 4, 5}, failed
    kinds = {r["line"]: r["kind"] for r in Journal.open(tmp_path / "in.csv.journal.sqlite").rows(("failed",))}
    assert kinds == {3: "malformed_row", 4: "malformed_row", 5: "unknown_account"}
    assert failed[3] == "line 3: malformed CSV: unexpected end of data"  # the rows after it still count
    assert failed[4] == "line 4: 4 cells where the header has 3"
    assert "unknown account alias 'ghost'" in failed[5] and "SPOKI_API_KEY_GHOST" in failed[5]
    sent = [body["phone"] for alias in ("shop0", "shop1") for body in accounts.posts(alias, "/contacts/sync/")]
    assert sorted(sent) == ["+393331111111", "+393333333333"]
    report = _run("report", str(tmp_path / "in.csv.journal.sqlite"), "--output", "json")
    assert report.returncode == 0
    assert json.loads(report.stdout)["counts"]["done"] == 2


def test_jsonl_problems_name_the_line(accounts: Accounts, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"account": "shop0", "phone": "+393331111111"}\n'
                      "not json\n"
                      "[1, 2]\n"
                      '{"account": "shop0", "phone": "+393331111112", "colour": "red"}\n')
    done = _run("run", str(source), "--action", ACTION, "--keys", str(accounts.keys_file), "--no-pace", "--quiet")
    assert done.returncode == 1
    journal = Journal.open(tmp_path / "in.jsonl.journal.sqlite")
    failed = {r["line"]: r["error"] for r in journal.rows(("failed",))}
    journal.close()
    assert failed[2].startswith("line 2: not JSON")
    assert failed[3] == "line 3: each line must be a JSON object of inputs"
    assert failed[4].startswith("line 4: invalid input for SPOKI_CREATE_OR_UPDATE_CONTACT: colour")


def test_columns_that_feed_no_input_are_named(accounts: Accounts, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("account,phone,frist_name,Notes\nshop0,+393331111111,Ann,x\n")
    done = _run("run", str(source), "--action", ACTION, "--keys", str(accounts.keys_file), "--no-pace", "--quiet")
    assert done.returncode == 0, done.stderr
    assert ("columns that feed no input of SPOKI_CREATE_OR_UPDATE_CONTACT are ignored: frist_name, Notes"
            in done.stderr)


def test_retry_waits_are_tallied_not_logged_unless_verbose(accounts: Accounts, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    write_contacts(source, ["shop0"], 6)
    accounts.servers["shop0"].set_faults({"global": {"error_rate": 1.0, "count": 2}}, seed=1)
    quiet = _run("run", str(source), "--action", ACTION, "--keys", str(accounts.keys_file), "--no-pace", "--quiet")
    assert quiet.returncode == 0, quiet.stderr
    assert "waiting" not in quiet.stderr
    report = _run("report", str(tmp_path / "in.csv.journal.sqlite"), "--output", "json")
    assert json.loads(report.stdout)["tallies"]["seen_5xx"] == 2
    accounts.servers["shop0"].set_faults({"global": {"error_rate": 1.0, "count": 1}}, seed=1)
    verbose = _run("-v", "run", str(source), "--action", ACTION, "--keys", str(accounts.keys_file), "--no-pace",
                   "--quiet", "--journal", str(tmp_path / "again.sqlite"))
    assert verbose.returncode == 0, verbose.stderr
    assert "waiting" in verbose.stderr and "attempt 2 -> status 200" in verbose.stderr


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100, None])
def test_unreadable_journal(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "j.sqlite"
    if content is not None:
        path.write_bytes(content)
    before = path.read_bytes() if path.exists() else None
    for command in ("resume", "report"):
        done = _run(command, str(path))
        assert done.returncode == 2
        assert str(path) in done.stderr and ("no such journal" in done.stderr or "not a batch journal" in done.stderr)
    assert (path.read_bytes() if path.exists() else None) == before


def test_ctrl_c_stops_after_rows_in_flight(accounts: Accounts, tmp_path: Path) -> None:
    aliases = sorted(accounts.servers)
    source = tmp_path / "in.csv"
    write_contacts(source, aliases, 400)
    for server in accounts.servers.values():
        server.set_faults({"global": {"latency": 0.005}}, seed=1)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOKI_")}
    proc = subprocess.Popen([*CLI, "run", str(source), "--action", ACTION, "--keys", str(accounts.keys_file),
                             "--no-pace"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    journal_path = tmp_path / "in.csv.journal.sqlite"
    assert f"spoki-actions batch resume {journal_path}" in err
    journal = Journal.open(journal_path)
    counts = journal.counts()
    journal.close()
    assert counts["sent"] == 0 and counts["done"] > 0 and counts["pending"] > 0  # consistent, nothing in flight
    done = _run("resume", str(journal_path), "--quiet")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["counts"]["done"] == 1600
    for key in accounts.keys.values():
        assert key not in out + err + done.stdout + done.stderr


def test_ctrl_c_while_reading_the_input_prints_the_resume_command(tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    rows = 150_000
    with source.open("w") as out:
        out.write("phone,first_name\n")
        for n in range(rows):
            out.write(f"+39333{n:07d},Name{n}\n")
    keys = tmp_path / "keys.txt"
    keys.write_text("default=a-key-for-the-default-account\n")
    journal_path = tmp_path / "big.csv.journal.sqlite"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOKI_")}
    proc = subprocess.Popen([*CLI, "run", str(source), "--action", ACTION, "--keys", str(keys), "--quiet",
                             "--base-url", "http://127.0.0.1:9/api/1"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not journal_path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert f"interrupted; go on with: spoki-actions batch resume {journal_path}" in err
    journal = Journal.open(journal_path)
    meta, counts = journal.meta(), journal.counts()
    journal.close()
    assert not meta["ingest_done"] and 0 < counts["pending"] < rows, counts  # stopped part-way, consistent
    from spoki_actions.batch import Keys
    from spoki_actions.batch.runner import reopen

    journal, _ = reopen(journal_path, keys=Keys(keys, environ={}))
    assert journal.counts()["pending"] == rows and journal.meta()["ingest_done"]  # resuming reads the rest
    journal.close()


def test_resume_refuses_bad_flags_before_opening_the_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even the rest of an interrupted ingest waits: a resume with a bad flag changes nothing."""
    from spoki_actions.batch import Keys, start
    from spoki_actions.batch import ingest as ingest_module

    source = tmp_path / "in.csv"
    source.write_text("phone\n" + "".join(f"+39333123456{n}\n" for n in range(3)))
    monkeypatch.setattr(ingest_module, "BLOCK", 1)
    real_add = Journal.add_rows

    def crash_on_second(self: Journal, rows: object, **meta: object) -> None:
        if meta.get("next_seq") == 3:
            raise KeyboardInterrupt
        real_add(self, rows, **meta)  # type: ignore[arg-type]

    monkeypatch.setattr(Journal, "add_rows", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        start(source, ACTION, keys=Keys(environ={"SPOKI_API_KEY": "k" * 20}))
    journal = tmp_path / "in.csv.journal.sqlite"
    before = journal.read_bytes()
    done = _run("resume", str(journal), "--chunk-size", "0")
    assert done.returncode == 2 and "--chunk-size 0: must be between 1 and 10000" in done.stderr
    assert journal.read_bytes() == before


def test_resume_of_an_action_the_catalogue_lost(tmp_path: Path) -> None:
    import sqlite3

    from spoki_actions.batch import Keys, start

    source = tmp_path / "in.csv"
    source.write_text("phone\n+393331234567\n")
    start(source, ACTION, keys=Keys(environ={"SPOKI_API_KEY": "k" * 20})).close()
    journal = tmp_path / "in.csv.journal.sqlite"
    db = sqlite3.connect(journal)
    db.execute("UPDATE meta SET value = '\"SPOKI_GONE\"' WHERE key = 'action'")
    db.commit()
    db.close()
    before = journal.read_bytes()
    done = _run("resume", str(journal))
    assert done.returncode == 2
    assert f"{journal}: this batch runs SPOKI_GONE, which this catalogue does not have" in done.stderr
    assert journal.read_bytes() == before
