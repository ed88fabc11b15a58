"""`spoki-actions batch run|resume|report`: bulk runs from the command line.

Input: argv after `batch`. Output: the batch's journal, progress on stderr, a summary on stdout, and
an exit code: 0 every row done, 1 the batch ended with failed or unknown rows, 2 it could not start
(bad flags, input, keys or journal; nothing was sent and no journal was written), 130 stopped by
Ctrl-C after the rows in flight, or while reading the input or reading back (the resume command is
printed whenever a journal exists).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

HELP = "run one action over a CSV/JSONL file across many accounts, journaled and resumable"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="batch_command", metavar="run|resume|report|reconcile", required=True)
    run = sub.add_parser("run", help="start a batch from an input file",
                         description="Start a batch: every row of INPUT becomes one call of --action.")
    run.add_argument("input", type=Path, metavar="INPUT", help="a .csv (with a header row) or .jsonl file")
    run.add_argument("--action", required=True, help="the action to run for every row, e.g. "
                     "SPOKI_CREATE_OR_UPDATE_CONTACT")
    run.add_argument("--map", action="append", default=[], metavar="COLUMN=INPUT",
                     help="feed a column to an input (repeatable; INPUT may be custom_fields.CODE); "
                     "columns named like an input need no mapping")
    run.add_argument("--format", choices=("csv", "jsonl"), help="the input's format (default: from its suffix)")
    run.add_argument("--account-column", default="account",
                     help="the column naming each row's account alias (default: account)")
    run.add_argument("--journal", type=Path, help="the journal to create (default: INPUT.journal.sqlite)")
    _common(run)
    resume = sub.add_parser("resume", help="go on with a batch after a stop or a crash",
                            description="Resume: done rows are skipped; rows in flight at a crash are re-sent for "
                            "read and idempotent actions and marked unknown for unsafe ones (read back where "
                            "the spec says how).")
    resume.add_argument("journal", type=Path, metavar="JOURNAL")
    resume.add_argument("--no-reconcile", action="store_true", help="do not read back unknown rows")
    _common(resume)
    report = sub.add_parser("report", help="counts and the rows of a journal",
                            description="Counts by state, kind and account, retry and 429 tallies; --rows "
                            "writes the rows of the chosen states.")
    report.add_argument("journal", type=Path, metavar="JOURNAL")
    report.add_argument("--output", choices=("text", "json"), default="text", help="the summary's form")
    report.add_argument("--rows", metavar="STATES", help="comma-separated states to write, e.g. failed,unknown")
    report.add_argument("--rows-format", choices=("jsonl", "csv"), default="jsonl")
    report.add_argument("--out", type=Path, help="write the rows there (default: stdout)")
    reconcile = sub.add_parser("reconcile", help="read back unknown rows where the action's spec says how")
    reconcile.add_argument("journal", type=Path, metavar="JOURNAL")
    reconcile.add_argument("--keys", type=Path, help="the keys file (default: the one the batch started with)")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--keys", type=Path, help="keys file: JSON {alias: key} or lines alias=key; otherwise "
                        "SPOKI_API_KEY_<ALIAS> (and SPOKI_API_KEY for rows without an account)")
    parser.add_argument("--base-url", help="the API's base URL (default: SPOKI_BASE_URL or the connector's)")
    parser.add_argument("--chunk-size", type=int, help="rows per key claimed at a time (default 50)")
    parser.add_argument("--accounts-at-once", type=int, help="accounts worked on concurrently (default 64)")
    parser.add_argument("--no-pace", action="store_true", help="turn client-side pacing off (tests, fast local "
                        "servers); Spoki's limits still answer 429")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--dask", action="store_true", help="run the shards on Dask (extra: spoki-actions[batch])")
    parser.add_argument("--workers", type=int, help="with --dask: workers of the embedded LocalCluster (default 2)")
    parser.add_argument("--scheduler", help="with --dask: an existing scheduler, tcp://HOST:PORT")


def run(args: argparse.Namespace) -> int:
    import logging

    # Every wait before a retry is an INFO line for one call; over a batch they would bury the progress
    # (the report tallies them instead). -v shows each attempt.
    client_log = logging.getLogger("spoki_actions.client")
    before = client_log.level
    if not getattr(args, "verbose", False):
        client_log.setLevel(logging.WARNING)
    try:
        return _dispatch(args)
    finally:
        client_log.setLevel(before)


def _dispatch(args: argparse.Namespace) -> int:
    from .keys import KeyError_
    from .runner import BatchError

    try:
        if args.batch_command == "report":
            return _report(args)
        return _run(args)
    except (BatchError, KeyError_) as exc:
        print(f"spoki-actions batch {args.batch_command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # while reading the input or reading back: every commit so far stands
        from .runner import default_journal

        journal = args.journal if args.batch_command != "run" else args.journal or default_journal(args.input)
        where = f"; go on with: spoki-actions batch resume {journal}" if journal.is_file() else ""
        print(f"spoki-actions batch {args.batch_command}: interrupted{where}", file=sys.stderr)
        return 130


def _keys(args: argparse.Namespace) -> Any:
    """The keys named by --keys; None when the flag is absent (a resumed batch then uses its own)."""
    from .keys import Keys

    return Keys(args.keys) if args.keys else None


def _runner(args: argparse.Namespace) -> Any:
    from .runner import BatchError

    if not getattr(args, "dask", False):
        if getattr(args, "workers", None) or getattr(args, "scheduler", None):
            raise BatchError("--workers and --scheduler go with --dask")
        return None
    if importlib.util.find_spec("distributed") is None:
        raise BatchError("--dask needs Dask: pip install 'spoki-actions[batch]'")
    from .dask_runner import DaskRunner

    return DaskRunner(workers=args.workers, scheduler=args.scheduler)


def _run(args: argparse.Namespace) -> int:
    from . import progress, reconcile, runner

    runner_ = _runner(args) if args.batch_command != "reconcile" else None
    if args.batch_command == "run":
        options = runner.Options(**{k: v for k, v in {
            "chunk_size": args.chunk_size, "accounts_at_once": args.accounts_at_once, "base_url": args.base_url,
            "pace": False if args.no_pace else None}.items() if v is not None})
        from .keys import Keys

        keys = _keys(args) or Keys()
        journal = runner.start(args.input, args.action, journal_path=args.journal, mapping=args.map,
                               fmt=args.format, account_column=args.account_column, keys=keys, options=options,
                               notice=lambda text: print(f"spoki-actions batch run: {text}", file=sys.stderr))
        spec = runner._action(args.action, None)
        read_back = None
    else:
        if args.batch_command == "resume":  # bad flags are refused before the journal is opened
            runner.with_options(runner.Options(), chunk_size=args.chunk_size,
                                accounts_at_once=args.accounts_at_once).check()
        journal, spec = runner.reopen(args.journal, keys=_keys(args))
        keys = _keys(args) or runner.stored_keys(journal)
        if args.batch_command == "reconcile":
            settled = reconcile.reconcile(runner.Driver(journal, spec, keys, runner.stored_options(journal),
                                                        runner.NoProgress()))
            print(json.dumps({"reconciled": settled, "counts": journal.counts()}))
            return 0
        options = runner.stored_options(journal, chunk_size=args.chunk_size, accounts_at_once=args.accounts_at_once,
                                        base_url=args.base_url, pace=False if args.no_pace else None)
        read_back = None if args.no_reconcile else reconcile.reconcile
    try:
        summary = runner.execute(journal, spec, keys=keys, options=options if args.batch_command != "run" else None,
                                 runner=runner_, progress=progress.for_terminal(args.quiet), reconcile=read_back)
    finally:
        journal.close()
    print(json.dumps({"journal": str(summary.journal), "counts": summary.counts, "seconds": round(summary.seconds, 3),
                      "recovered": {"requeued": summary.recovered[0], "unknown": summary.recovered[1]},
                      "reconciled": summary.settled}))
    if summary.interrupted:
        print(f"stopped after the rows in flight; go on with: spoki-actions batch resume {summary.journal}",
              file=sys.stderr)
        return 130
    return 0 if summary.clean else 1


def _report(args: argparse.Namespace) -> int:
    from . import report
    from .journal import STATES, Journal, JournalError
    from .runner import BatchError

    try:
        journal = Journal.open(args.journal)
    except JournalError as exc:
        raise BatchError(str(exc)) from None
    try:
        if args.rows:
            states = tuple(s.strip() for s in args.rows.split(","))
            wrong = [s for s in states if s not in STATES]
            if wrong:
                raise BatchError(f"--rows {args.rows!r}: {wrong[0]!r} is not a state ({', '.join(STATES)})")
            if args.out:
                with args.out.open("w", encoding="utf-8", newline="") as out:
                    report.write_rows(journal, states, out, args.rows_format)
            else:
                report.write_rows(journal, states, sys.stdout, args.rows_format)
            if args.out is None:
                return 0
        found = report.summary(journal)
        print(json.dumps(found, indent=1) if args.output == "json" else report.text(found))
        return 0
    finally:
        journal.close()
