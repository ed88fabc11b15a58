"""End to end over loopback: a batch of upserts across four simulated accounts with faults on."""

from __future__ import annotations

import collections
from pathlib import Path

from spoki_actions.batch import Keys, Options, execute, reopen, start
from spoki_actions.batch.report import summary
from spoki_actions.simulator.config import FaultConfig, FaultSpec

from .conftest import Accounts, write_contacts

ACTION = "SPOKI_CREATE_OR_UPDATE_CONTACT"


def _phones(accounts: Accounts, alias: str) -> collections.Counter[str]:
    return collections.Counter(doc.get("phone") for doc in accounts.servers[alias].state.store.all("contacts"))


def test_upserts_across_accounts_with_faults(accounts: Accounts, tmp_path: Path) -> None:
    aliases = sorted(accounts.servers)
    per_account = 400
    bad = ["shop0,12345,NoPlus,Gold", "nobody,+393339999999,Who,Gold", 'shop1,"+39333,broken']
    source = tmp_path / "contacts.csv"
    write_contacts(source, aliases, per_account, extra=bad)
    accounts.set_faults(error_rate=0.015, drop_rate=0.01, truncate_rate=0.01, throttle_rate=0.015, retry_after=0)
    storm = FaultSpec(throttle_rate=0.6, retry_after=0, count=16)  # a 429 storm on one account's upserts
    accounts.servers["shop2"].set_faults(FaultConfig(global_spec=FaultSpec(error_rate=0.015, retry_after=0),
                                                     endpoints={"contacts-sync": storm}), seed=7)
    keys = Keys(accounts.keys_file)
    journal = start(source, ACTION, keys=keys, options=Options(pace=False, chunk_size=40))
    spec = reopen(journal.path)[1]
    result = execute(journal, spec, keys=keys)
    assert result.complete
    counts = result.counts
    assert counts["done"] + counts["failed"] == per_account * len(aliases) + len(bad)
    assert counts["unknown"] == 0  # an idempotent action is never left uncertain
    failed = list(journal.rows(("failed",)))
    assert all(row["error"] for row in failed)  # every failure says why
    reasons = {row["line"]: row["error"] for row in failed}
    first_bad = per_account * len(aliases) + 2
    assert "E.164" in reasons[first_bad]
    assert "unknown account alias 'nobody'" in reasons[first_bad + 1]
    assert f"line {first_bad + 2}" in reasons[first_bad + 2]
    report = summary(journal)
    assert report["tallies"]["retries"] > 0  # the faults were met and retried by the runtime
    assert set(report["accounts"]) >= set(aliases)
    done = list(journal.rows(("done",)))
    params = journal.params_of([r["row"] for r in done])
    for alias in aliases:
        held = _phones(accounts, alias)
        mine = [params[r["row"]]["phone"] for r in done if r["account"] == alias]
        assert mine and all(held[phone] == 1 for phone in mine)  # each phone exactly once, faults or not
    for a, alias in enumerate(aliases):
        held = _phones(accounts, alias)
        assert all(held[f"+39333{a:02d}{n:05d}"] <= 1 for n in range(per_account))
    # The rows never sent are exactly the refused ones: nothing else was skipped.
    sent = sum(len(r) for r in accounts.recorders.values())
    assert sent >= counts["done"]
    journal.close()


def test_clean_run_every_phone_exactly_once(accounts: Accounts, tmp_path: Path) -> None:
    aliases = sorted(accounts.servers)
    source = tmp_path / "contacts.csv"
    write_contacts(source, aliases, 250)
    keys = Keys(accounts.keys_file)
    journal = start(source, ACTION, keys=keys, options=Options(pace=False))
    result = execute(journal, reopen(journal.path)[1], keys=keys)
    assert result.clean and result.counts["done"] == 1000
    for a, alias in enumerate(aliases):
        held = _phones(accounts, alias)
        assert all(held[f"+39333{a:02d}{n:05d}"] == 1 for n in range(250))
        posted = [body["phone"] for body in accounts.posts(alias, "/contacts/sync/")]
        assert posted == [f"+39333{a:02d}{n:05d}" for n in range(250)]  # one ordered stream per key
    journal.close()
