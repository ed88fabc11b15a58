"""Report: a journal → counts (by state, kind and account), tallies, and the rows as JSONL or CSV.

Input: an open journal. Output: `summary(journal)`, a JSON-ready dict, its text rendering, and
`write_rows`, which streams the rows of the chosen states to a file (never all in memory).
"""

from __future__ import annotations

import csv
import json
from typing import IO, Any

from .journal import Journal

ROW_FIELDS = ("row", "line", "account", "state", "kind", "status", "attempts", "requests", "result_id", "error",
              "sent_at", "finished_at")


def summary(journal: Journal) -> dict[str, Any]:
    meta = journal.meta()
    by_kind: dict[str, int] = {}
    for kind, _state, n in journal.counts_by("kind"):
        if kind:
            by_kind[kind] = by_kind.get(kind, 0) + n
    accounts: dict[str, dict[str, int]] = {}
    for account, state, n in journal.counts_by("account"):
        accounts.setdefault(account or "default", {})[state] = n
    return {"journal": str(journal.path), "action": meta["action"], "safety": meta["safety"],
            "input": meta["input"], "ingest_done": bool(meta.get("ingest_done")), "counts": journal.counts(),
            "kinds": by_kind, "accounts": accounts, "tallies": journal.tallies()}


def text(report: dict[str, Any]) -> str:
    c = report["counts"]
    lines = [f"batch {report['action']} ({report['safety']}) from {report['input']}",
             f"journal {report['journal']}",
             "rows: " + ", ".join(f"{state} {n}" for state, n in c.items())]
    if report["kinds"]:
        lines.append("failures by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(report["kinds"].items())))
    t = report["tallies"]
    lines.append(f"requests {t['requests']}, retries {t['retries']}, rows that ended rate-limited "
                 f"{t['rate_limited_rows']}, rows sent more than once {t['resent_rows']}")
    lines.append(f"{'account':<24} {'done':>8} {'failed':>8} {'unknown':>8} {'pending':>8}")
    for account, states in sorted(report["accounts"].items()):
        lines.append(f"{account:<24} {states.get('done', 0):>8} {states.get('failed', 0):>8} "
                     f"{states.get('unknown', 0):>8} {states.get('pending', 0) + states.get('sent', 0):>8}")
    if not report["ingest_done"]:
        lines.append("the input is not fully read yet: resume the batch to go on")
    return "\n".join(lines)


def write_rows(journal: Journal, states: tuple[str, ...], out: IO[str], fmt: str) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=ROW_FIELDS)
        writer.writeheader()
        for row in journal.rows(states):
            writer.writerow(row)
            count += 1
        return count
    for row in journal.rows(states):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
