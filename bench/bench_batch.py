"""Batch runs against a fast local server: throughput, time in the journal, and flat memory.

Stage: benchmark (no assertions). Input: `--rows N [N ...]` (default 10000 100000), `--accounts K`,
`--rounds R` (default 1; the sizes alternate within each round, and medians are shown), `--compare`
(each size also with the journal committed on the event loop, alternating). Output: per
size, measured in a fresh subprocess each (so peak RSS is that run's alone): rows/s, the share of wall
time spent in journal reads and writes (target < 10%), and peak RSS, then the ratios side by side:
the largest run's peak RSS over the smallest's (flat memory: ~1.0, independent of rows) and its
rows/s over the smallest's. The server is bench_loopback's minimal HTTP/1.1 server answering a fixed
contact; pacing is off. Absolute numbers depend on the machine; the ratios are the result.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


def one(rows: int, accounts: int, base: str, inline: bool = False) -> dict[str, float]:
    from spoki_actions.batch import AsyncioRunner, Keys, Options, execute, reopen, start

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "rows.csv"
        with source.open("w") as out:
            out.write("account,phone,first_name\n")
            for n in range(rows):
                out.write(f"acct{n % accounts},+39333{n:07d},Name{n}\n")
        env = {f"SPOKI_API_KEY_ACCT{a}": f"bench-key-{a}-0123456789" for a in range(accounts)}
        keys = Keys(environ=env)
        begin = time.perf_counter()
        journal = start(source, "SPOKI_CREATE_OR_UPDATE_CONTACT", keys=keys,
                        options=Options(pace=False, base_url=base, accounts_at_once=accounts, chunk_size=100))
        ingested = time.perf_counter() - begin
        ingest_journal = journal.seconds
        summary = execute(journal, reopen(journal.path)[1], keys=keys, runner=AsyncioRunner(writer_thread=not inline))
        wall = time.perf_counter() - begin
        assert summary.counts["done"] == rows, summary.counts
        journal.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"rows": rows, "seconds": wall, "ingest_seconds": ingested, "rows_per_s": rows / wall,
            "journal_share": summary.journal_seconds / wall, "peak_rss_mb": peak,
            "ingest_journal_share": ingest_journal / wall, "writer_share": summary.journal_writer_seconds / wall,
            "shard_wait_share": summary.shard_wait_seconds / (wall * accounts)}


MODES = ("thread", "inline")  # the journal's commits in the writer thread (the default), or on the event loop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1, help="rounds of every size, alternating (medians)")
    parser.add_argument("--compare", action="store_true",
                        help="also run each size with the journal committed on the event loop (as before the "
                             "writer thread), alternating with the default, and print the ratios")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--inline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.accounts, args.base, args.inline)))
        return 0
    from bench_loopback import minimal_server

    modes = MODES if args.compare else MODES[:1]
    runs: dict[tuple[int, str], list[dict[str, float]]] = {(rows, m): [] for rows in args.rows for m in modes}
    with minimal_server() as base:
        for round_ in range(args.rounds):
            order = [(rows, m) for rows in args.rows for m in modes]
            if round_ % 2:
                order.reverse()  # alternate: ABAB... BA
            for rows, mode in order:
                done = subprocess.run([sys.executable, __file__, "--one", str(rows), "--accounts",
                                       str(args.accounts), "--base", base, *(["--inline"] if mode == "inline" else [])],
                                      capture_output=True, text=True, check=True,
                                      env={k: v for k, v in os.environ.items() if not k.startswith("SPOKI_")})
                runs[rows, mode].append(json.loads(done.stdout.splitlines()[-1]))
    medians = {key: {name: statistics.median(r[name] for r in found) for name in found[0]}
               for key, found in runs.items()}
    print(f"batch of SPOKI_CREATE_OR_UPDATE_CONTACT over {args.accounts} accounts, pacing off, minimal server, "
          f"{args.rounds} round(s), medians")
    print("journal: the driver's thread held up by journal work (ingest included) + the run stalled on the writer "
          "thread (a commit running, no shard sending); writer: the writer thread busy (overlapped); shard wait: "
          "each shard's share of time waiting for its own commits")
    print(f"{'rows':>8} {'mode':>6} {'seconds':>8} {'rows/s':>8} {'ingest s':>9} {'journal':>8} {'< 10%':>6} "
          f"{'ingest j':>8} {'writer':>7} {'shard wait':>10} {'peak RSS':>9}")
    for (rows, mode), r in medians.items():
        ok = "yes" if r["journal_share"] < 0.10 else "NO"
        print(f"{rows:>8} {mode:>6} {r['seconds']:>8.1f} {r['rows_per_s']:>8.0f} {r['ingest_seconds']:>9.2f} "
              f"{100 * r['journal_share']:>7.1f}% {ok:>6} {100 * r['ingest_journal_share']:>7.1f}% "
              f"{100 * r['writer_share']:>6.1f}% {100 * r['shard_wait_share']:>9.1f}% {r['peak_rss_mb']:>7.1f}MB")
    small, large = medians[args.rows[0], modes[0]], medians[args.rows[-1], modes[0]]
    if len(args.rows) > 1:
        print(f"peak RSS, {args.rows[-1]} rows / {args.rows[0]} rows: "
              f"{large['peak_rss_mb'] / small['peak_rss_mb']:.2f} for {args.rows[-1] / args.rows[0]:.0f}x the rows "
              "(flat: ~1.0)")
        print(f"rows/s, {args.rows[-1]} rows / {args.rows[0]} rows: "
              f"{large['rows_per_s'] / small['rows_per_s']:.2f} (steady: ~1.0)")
    if args.compare:
        for rows in args.rows:
            t, i = medians[rows, "thread"], medians[rows, "inline"]
            print(f"{rows} rows, writer thread / on the loop: rows/s {t['rows_per_s'] / i['rows_per_s']:.2f}, "
                  f"time in the journal {t['journal_share'] / i['journal_share']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
