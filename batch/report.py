"""Report: a journal → counts (by state, kind and account), tallies, and the rows as JSONL or CSV.

Input: an open journal. Output: `summary(journal)`, a JSON-ready dict, its text rendering, and
`write_rows`, which streams the rows of the chosen states to a file (never all in memory). The
tallies, in total and per account, count every try the runtime made (`Outcome.history`): attempts,
retries, 429s and 5xx seen, transport failures, and the waits, those the server's Retry-After asked
for apart; a lost Dask worker's tries never came back and are not in them.
"""

from __future__ import annotations

import csv
import json
from typing import IO, Any

from .journal import ROW_FIELDS, Journal

__all__ = ["ROW_FIELDS", "summary", "text", "write_rows"]


def summary(journal: Journal) -> dict[str, Any]:
    meta = journal.meta()
    by_kind: dict[str, int] = {}
    for kind, _state, n in journal.counts_by("kind"):
        if kind:
            by_kind[kind] = by_kind.get(kind, 0) + n
    accounts: dict[str, dict[str, int]] = {}
    for account, state, n in journal.counts_by("account"):
        accounts.setdefault(account or "default", {})[state] = n
    tallies = {account or "default": t for account, t in journal.tallies_by_account().items()}
    found = {"journal": str(journal.path), "action": meta["action"], "safety": meta["safety"],
             "input": meta["input"], "ingest_done": bool(meta.get("ingest_done")), "counts": journal.counts(),
             "kinds": by_kind, "accounts": accounts, "tallies": journal.tallies(), "account_tallies": tallies}
    if "upgraded_from" in meta:
        found["upgraded_from"] = meta["upgraded_from"]
    return found


def text(report: dict[str, Any]) -> str:
    c = report["counts"]
    lines = [f"batch {report['action']} ({report['safety']}) from {report['input']}",
             f"journal {report['journal']}",
             "rows: " + ", ".join(f"{state} {n}" for state, n in c.items())]
    if report["kinds"]:
        lines.append("failures by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(report["kinds"].items())))
    t = report["tallies"]
    lines.append(f"attempts {t['attempts']}, retries {t['retries']}, 429s seen {t['seen_429']}, 5xx seen "
                 f"{t['seen_5xx']}, transport failures {t['transport_failures']}")
    lines.append(f"waits {t['wait_seconds']:.1f} s, of which Retry-After {t['retry_after_seconds']:.1f} s "
                 f"({t['retry_after_waits']} waits); rows that ended rate-limited {t['rate_limited_rows']}, "
                 f"rows sent more than once {t['resent_rows']}")
    upgraded = report.get("upgraded_from")
    if upgraded and upgraded.get("untallied_rows"):
        lines.append(f"{upgraded['untallied_rows']} rows were sent before this journal was upgraded from schema "
                     f"{upgraded['schema']}: their tries count in attempts, not in the other tallies")
    lines.append(f"{'account':<24} {'done':>7} {'failed':>7} {'unknown':>7} {'pending':>7} {'attempts':>8} "
                 f"{'retries':>7} {'429s':>6} {'5xx':>6} {'transport':>9} {'RA wait s':>9}")
    tallies = report["account_tallies"]
    for account, states in sorted(report["accounts"].items()):
        a = tallies.get(account, {})
        lines.append(f"{account:<24} {states.get('done', 0):>7} {states.get('failed', 0):>7} "
                     f"{states.get('unknown', 0):>7} {states.get('pending', 0) + states.get('sent', 0):>7} "
                     f"{a.get('attempts', 0):>8} {a.get('retries', 0):>7} {a.get('seen_429', 0):>6} "
                     f"{a.get('seen_5xx', 0):>6} {a.get('transport_failures', 0):>9} "
                     f"{a.get('retry_after_seconds', 0.0):>9.1f}")
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
