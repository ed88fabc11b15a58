"""Session-wide guard: the API key must never leak.

For the whole test run `SPOKI_API_KEY` is set to a random canary (and `SPOKI_BASE_URL` removed,
so every default client talks to the default base URL unless a test says otherwise). Any client
built without an explicit key therefore carries the canary through validation, requests,
retries, errors and logging. At the end of the session the run fails if the canary appeared in:

- any log record emitted during the session (message with its arguments, exception text and
  stack info), from any logger; `spoki_actions`, `httpx` and `httpcore` are set to DEBUG so
  their per-attempt lines are produced and scanned;
- any test report: failure tracebacks and every captured section (stdout, stderr, log) of every
  test phase, passed or not.

Not covered here (tested directly in tests/runtime): reprs, envelopes, exceptions and CLI output a
test reads through capsys, which tests assert on themselves with `CANARY`.
"""

from __future__ import annotations

import logging
import os
import secrets
import traceback
from collections.abc import Iterator

import pytest

CANARY = f"canary-key-{secrets.token_hex(12)}"
os.environ["SPOKI_API_KEY"] = CANARY
os.environ.pop("SPOKI_BASE_URL", None)

SCANNED_LOGGERS = ("spoki_actions", "httpx", "httpcore")


class CanaryHandler(logging.Handler):
    """Scans every record it sees for the canary; remembers where it was found."""

    def __init__(self, canary: str) -> None:
        super().__init__(logging.DEBUG)
        self.canary = canary
        self.seen = 0
        self.leaks: list[str] = []

    def leaked(self, record: logging.LogRecord) -> bool:
        parts = [str(record.msg)]
        try:
            parts.append(record.getMessage())
        except Exception:  # a bad format string must not break the scan
            parts.append(repr(record.args))
        if record.exc_info:
            parts.append("".join(traceback.format_exception(*record.exc_info)))
        parts += [record.exc_text or "", record.stack_info or ""]
        return any(self.canary in part for part in parts)

    def emit(self, record: logging.LogRecord) -> None:
        self.seen += 1
        if self.leaked(record):
            self.leaks.append(f"log record from {record.name!r} at {record.pathname}:{record.lineno}")


HANDLER = CanaryHandler(CANARY)
REPORT_LEAKS: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    logging.getLogger().addHandler(HANDLER)
    for name in SCANNED_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    texts = [report.longreprtext] + [content for _, content in report.sections]
    if any(CANARY in text for text in texts):
        REPORT_LEAKS.append(f"{report.nodeid} ({report.when})")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if HANDLER.leaks or REPORT_LEAKS:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    leaks = HANDLER.leaks + REPORT_LEAKS
    if leaks:
        terminalreporter.section("API KEY LEAK", sep="!", red=True, bold=True)
        for leak in leaks[:50]:
            terminalreporter.line(f"the canary API key appeared in: {leak}", red=True)
    else:
        terminalreporter.line(f"canary API key: not found in {HANDLER.seen} log records or any test report")


@pytest.fixture
def canary() -> Iterator[str]:
    """The session's canary API key (what SPOKI_API_KEY holds)."""
    yield CANARY
