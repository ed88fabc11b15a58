"""Progress: rich bars on a terminal (a total and a line per busy account), plain lines elsewhere."""

from __future__ import annotations

import io

from rich.console import Console

from spoki_actions.batch.journal import Result
from spoki_actions.batch.progress import PlainProgress, RichProgress, for_terminal


def _results(done: int, failed: int) -> list[Result]:
    return [Result(i, "done") for i in range(done)] + [Result(100 + i, "failed") for i in range(failed)]


def test_plain_lines_say_counts_rate_and_eta() -> None:
    out = io.StringIO()
    progress = PlainProgress(out, every=0.0)
    progress.start(total=100, done=0)
    progress.account("shop0", 0)
    progress.advance("shop0", _results(8, 2))
    progress.close()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("batch: 10/100 rows (10%), ")
    assert "done 8, failed 2, unknown 0; busy accounts 1" in lines[0]
    assert "ETA" in lines[0]


def test_rich_shows_a_total_and_each_busy_account() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    progress = RichProgress(console=console)
    progress.start(total=50, done=0)
    progress.account("shop0", 0)
    progress.account("shop1", 0)
    progress.advance("shop0", _results(5, 1))
    progress.close()
    text = out.getvalue()
    assert "all accounts" in text and "shop0" in text and "shop1" in text
    assert "6/50" in text


def test_not_a_terminal_gets_plain_lines() -> None:
    assert isinstance(for_terminal(), PlainProgress)  # pytest captures stderr: not a terminal


def test_rich_account_lines_have_an_eta_and_hidden_accounts_are_counted() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=160)
    progress = RichProgress(lines=1, console=console)
    progress.start(total=30, done=0)
    progress.account("shop0", 10)
    progress.account("shop1", 20)
    progress.advance("shop1", _results(4, 0))  # no line of its own yet, but counted
    tasks = {t.description: t for t in progress._progress.tasks}
    assert tasks["  shop0"].total == 10  # a per-account total: rich can show its ETA
    assert "all accounts (+1 more busy)" in tasks
    progress.finish("shop0")
    tasks = {t.description: t for t in progress._progress.tasks}
    assert tasks["  shop1"].total == 20 and tasks["  shop1"].completed == 4  # took the free line
    assert "all accounts" in tasks
    progress.close()
