"""Progress: what a running batch shows on stderr.

Input: the driver's calls (start, a shard busy with its pending rows, results, a shard done).
Output: on a terminal, one bar for the whole batch and a line per busy account (rows/s, ETA,
failures) drawn by `rich` (the first `lines` of them, and a count of the others); elsewhere (a
pipe, a log file, CI), a plain line every few seconds and one at the end. Neither shows a key:
accounts appear by alias (aliases sharing one key as `a+b`).
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

from .journal import Result

_PLAIN_EVERY = 5.0  # seconds between plain lines


class _Counts:
    def __init__(self) -> None:
        self.done = self.failed = self.unknown = 0

    def add(self, results: list[Result]) -> None:
        for r in results:
            if r.state == "done":
                self.done += 1
            elif r.state == "failed":
                self.failed += 1
            else:
                self.unknown += 1

    @property
    def total(self) -> int:
        return self.done + self.failed + self.unknown


class PlainProgress:
    def __init__(self, stream: IO[str] | None = None, every: float = _PLAIN_EVERY) -> None:
        self._stream = stream or sys.stderr
        self._every = every
        self._counts = _Counts()
        self._busy: set[str] = set()
        self._total = 0
        self._begin = self._last = time.monotonic()

    def start(self, total: int, done: int) -> None:
        self._total = total - done
        self._begin = self._last = time.monotonic()

    def account(self, account: str, pending: int) -> None:
        self._busy.add(account)

    def advance(self, account: str, results: list[Result]) -> None:
        self._counts.add(results)
        now = time.monotonic()
        if now - self._last >= self._every:
            self._last = now
            self._line(now)

    def finish(self, account: str) -> None:
        self._busy.discard(account)

    def close(self) -> None:
        self._line(time.monotonic())

    def _line(self, now: float) -> None:
        c = self._counts
        elapsed = max(now - self._begin, 1e-9)
        rate = c.total / elapsed
        left = max(self._total - c.total, 0)
        eta = f"{left / rate:.0f} s" if rate > 0 and left else "-"
        share = f" ({100 * c.total / self._total:.0f}%)" if self._total else ""
        print(f"batch: {c.total}/{self._total} rows{share}, {rate:.0f} rows/s, ETA {eta}; done {c.done}, "
              f"failed {c.failed}, unknown {c.unknown}; busy accounts {len(self._busy)}",
              file=self._stream, flush=True)


class RichProgress:
    """A total bar and one line per busy account (at most `lines` of them shown)."""

    def __init__(self, lines: int = 8, console: Any = None) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/"
                                  "{task.total}"), TextColumn("{task.fields[rate]} rows/s"),
                                  TextColumn("failed {task.fields[failed]}"), TimeRemainingColumn(),
                                  console=console or _console(), transient=False)
        self._lines = lines
        self._tasks: dict[str, Any] = {}
        self._counts: dict[str, _Counts] = {}
        self._started: dict[str, float] = {}
        self._total_counts = _Counts()
        self._total_task: Any = None
        self._busy: set[str] = set()
        self._pending: dict[str, int] = {}
        self._begin = time.monotonic()

    def start(self, total: int, done: int) -> None:
        self._progress.start()
        self._begin = time.monotonic()
        self._total_task = self._progress.add_task("all accounts", total=max(total - done, 0), rate="0",
                                                   failed=0)

    def account(self, account: str, pending: int) -> None:
        self._counts[account] = _Counts()
        self._started[account] = time.monotonic()
        self._busy.add(account)
        self._pending[account] = pending
        if len(self._tasks) < self._lines:
            self._show(account)
        self._describe()

    def _show(self, account: str) -> None:
        counts = self._counts[account]
        self._tasks[account] = self._progress.add_task(f"  {account}", total=self._pending[account] or None,
                                                       completed=counts.total, rate="0",
                                                       failed=counts.failed + counts.unknown)

    def advance(self, account: str, results: list[Result]) -> None:
        counts = self._counts.setdefault(account, _Counts())
        counts.add(results)
        self._total_counts.add(results)
        now = time.monotonic()
        total = self._total_counts
        self._progress.update(self._total_task, advance=len(results), failed=total.failed + total.unknown,
                              rate=f"{total.total / max(now - self._begin, 1e-9):.0f}")
        task = self._tasks.get(account)
        if task is not None:
            self._progress.update(task, advance=len(results), failed=counts.failed + counts.unknown,
                                  rate=f"{counts.total / max(now - self._started[account], 1e-9):.0f}")

    def finish(self, account: str) -> None:
        self._busy.discard(account)
        task = self._tasks.pop(account, None)
        if task is not None:
            self._progress.remove_task(task)
            hidden = sorted(self._busy - set(self._tasks))
            if hidden:
                self._show(hidden[0])  # a busy account without a line takes the free one
        self._describe()

    def _describe(self) -> None:
        hidden = len(self._busy) - len(self._tasks)
        if self._total_task is not None:
            more = f" (+{hidden} more busy)" if hidden > 0 else ""
            self._progress.update(self._total_task, description=f"all accounts{more}")

    def close(self) -> None:
        self._progress.stop()


def _console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def for_terminal(quiet: bool = False) -> Any:
    """Rich bars on a terminal (when rich is installed), plain lines otherwise, nothing when quiet."""
    from .runner import NoProgress

    if quiet:
        return NoProgress()
    if sys.stderr.isatty():
        try:
            return RichProgress()
        except ImportError:
            pass
    return PlainProgress()
