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

Second guard: nothing is left unclosed. ResourceWarning is shown ("always", not Python's default "ignore"),
the collector runs at the end of each test module and of the session, and the run fails if a socket, a
transport, an event loop or an aiohttp session/connector was collected unclosed, naming the module it was
collected after (left to the collector, such a socket otherwise surfaces in whichever later test collects
it: once a leak check in tests/runtime on CI). A socket never bound nor connected (a library's failed
bind) is listed, not failed on; so are other ResourceWarnings (unclosed files). To see where a leaked
object was made: `PYTHONTRACEMALLOC=25 .venv/bin/python -m pytest <that module>`.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import secrets
import traceback
import warnings
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

# what a ResourceWarning names when a connection-holding object went unclosed
_UNCLOSED = re.compile(r"unclosed (<socket\.socket|<ssl\.SSLSocket|transport|event loop|client session|connector)",
                       re.IGNORECASE)
_NEVER_USED = re.compile(r"laddr=\('[^']*', 0[,)]")  # bound to no port, and (no raddr=) connected to nothing
UNCLOSED: list[str] = []  # fail the run
OTHER_RESOURCES: list[str] = []  # listed only


def _resource_warning(message: warnings.WarningMessage, where: str) -> None:
    if not issubclass(message.category, ResourceWarning):
        return
    text = str(message.message)
    line = f"{where}: {text}"
    if _UNCLOSED.search(text) and not (_NEVER_USED.search(text) and "raddr=" not in text):
        UNCLOSED.append(line)
    else:
        OTHER_RESOURCES.append(line)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("filterwarnings", "always::ResourceWarning")
    logging.getLogger().addHandler(HANDLER)
    for name in SCANNED_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    texts = [report.longreprtext] + [content for _, content in report.sections]
    if any(CANARY in text for text in texts):
        REPORT_LEAKS.append(f"{report.nodeid} ({report.when})")


def pytest_warning_recorded(warning_message: warnings.WarningMessage, when: str, nodeid: str) -> None:
    _resource_warning(warning_message, nodeid or when)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """The last test of a module: what the module left unclosed is collected now, in its own name."""
    if nextitem is None or nextitem.path != item.path:
        gc.collect()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    with warnings.catch_warnings(record=True) as left:
        warnings.simplefilter("always", ResourceWarning)
        gc.collect()
    for message in left:
        _resource_warning(message, "the end of the session")
    if HANDLER.leaks or REPORT_LEAKS or UNCLOSED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    leaks = HANDLER.leaks + REPORT_LEAKS
    if leaks:
        terminalreporter.section("API KEY LEAK", sep="!", red=True, bold=True)
        for leak in leaks[:50]:
            terminalreporter.line(f"the canary API key appeared in: {leak}", red=True)
    else:
        terminalreporter.line(f"canary API key: not found in {HANDLER.seen} log records or any test report")
    if UNCLOSED:
        terminalreporter.section("LEFT UNCLOSED", sep="!", red=True, bold=True)
        for line in UNCLOSED[:50]:
            terminalreporter.line(f"collected unclosed, at or after {line}", red=True)
    else:
        terminalreporter.line("unclosed sockets, transports, event loops, sessions: none collected")
    if OTHER_RESOURCES:
        terminalreporter.line(f"other ResourceWarnings ({len(OTHER_RESOURCES)}, not failed on):")
        for line in OTHER_RESOURCES[:20]:
            terminalreporter.line(f"  {line}")


@pytest.fixture
def canary() -> Iterator[str]:
    """The session's canary API key (what SPOKI_API_KEY holds)."""
    yield CANARY
