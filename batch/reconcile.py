"""Reconcile: settle `unknown` rows by reading back, where the action's spec says how.

Input: the driver (journal, spec, keys, options). Output: counts of rows settled. An unsafe
action may declare `behaviour.reconcile`: a read action to call, which of its inputs take which of
the row's inputs (`params`), where the records are in its data (`records`, JMESPath) and which
record fields must equal which row inputs (`match`). A matching record proves the row was applied:
`done` (with the record's id when it has one). No match proves it was not: `pending` again, so the
resume sends it once. A read-back that fails leaves the row `unknown`. The read-back's tries
count in the row's tallies (its trail says `read back: ...`). Without a rule, nothing
changes: unknown rows stay for a person to check.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .runner import Driver


def reconcile(driver: Driver) -> dict[str, int]:
    rule = driver.spec.behaviour.reconcile
    if rule is None:
        return {}
    unknown = list(driver.journal.rows(("unknown",)))
    if not unknown:
        return {}
    return asyncio.run(_settle(driver, rule, unknown))


async def _settle(driver: Driver, rule: Any, rows: list[dict[str, Any]]) -> dict[str, int]:
    import jmespath

    from .journal import Result
    from .outcomes import tally

    params = driver.journal.params_of([r["row"] for r in rows])
    by_account: dict[str, list[int]] = {}
    for r in rows:
        by_account.setdefault(r["account"], []).append(r["row"])
    done: list[Result] = []
    requeue: list[int] = []
    tries: list[Result] = []
    records_of = jmespath.compile(rule.records) if rule.records else None
    for account, seqs in by_account.items():
        async with driver.client(account) as client:
            for seq in seqs:
                row = params[seq]
                lookup = {target: row[source] for target, source in rule.params.items() if source in row}
                outcome = await client.execute(rule.action, lookup, cache=False)
                tries.append(Result(seq, "unknown", requests=outcome.requests,
                                    **tally(outcome.history, "read back: ")))
                if not outcome.successful:
                    continue  # still unknown: a person, or a later reconcile, decides
                records = records_of.search(outcome.data) if records_of else outcome.data
                found = [rec for rec in records or [] if isinstance(rec, dict)
                         and all(rec.get(field) == row.get(source) for field, source in rule.match.items())]
                if found:
                    rid = found[0].get("id")
                    done.append(Result(seq, "done", result_id=None if rid is None else str(rid)))
                else:
                    requeue.append(seq)
    driver.journal.add_tries(tries)
    driver.journal.settle_unknown(done)
    driver.journal.requeue(requeue)
    return {"done": len(done), "requeued": len(requeue)}
