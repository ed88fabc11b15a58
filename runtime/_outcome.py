"""What one call produced: the published envelope plus the facts a program needs beside it.

Stage: the result of every call, successful or not. Input: built by the execution stage
(`_execute`), never by callers. Output: `Outcome` (frozen), whose `envelope` is exactly the
published `{"data", "error", "successful"}` dict, and `ErrorKind`, the class of a failure, so
that callers branch on `outcome.kind`, `outcome.status` or `outcome.retryable` instead of
parsing `error` strings. `Attempt` is one try of one request (`outcome.history`): its status or
failure kind and the wait before the next try, for tallies such as every 429 a batch met.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ._record import quick_init


class ErrorKind(StrEnum):
    """Why a call failed. The string values are stable and safe to log or compare."""

    VALIDATION = "validation"  # the input was rejected before any request
    UNKNOWN_ACTION = "unknown_action"  # no action by that name
    CONFIGURATION = "configuration"  # no API key, or a base URL that is refused
    BAD_REQUEST = "bad_request"  # the API rejected the input (400, 422)
    AUTH = "auth"  # 401, 403: wrong key, or a key without access
    NOT_FOUND = "not_found"  # 404
    RATE_LIMITED = "rate_limited"  # 429, still after the allowed retries
    API_ERROR = "api_error"  # any other unexpected status, or a redirect that is not followed
    UPSTREAM = "upstream"  # 5xx: the API failed
    TIMEOUT = "timeout"  # connect, read, write or pool timeout
    TRANSPORT = "transport"  # connection refused or dropped, protocol error
    INVALID_RESPONSE = "invalid_response"  # a success status whose body breaks the action's rules


TRANSIENT_KINDS = frozenset({ErrorKind.RATE_LIMITED, ErrorKind.UPSTREAM, ErrorKind.TIMEOUT, ErrorKind.TRANSPORT})


@quick_init
@dataclass(frozen=True, slots=True)
class InputProblem:
    """One reason an input was rejected: `field` is the input's name (or a path inside it)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@quick_init
@dataclass(frozen=True, slots=True)
class Attempt:
    """One try of one request: what came back and how long the call waited before the next try.

    `status` is the HTTP status of the answer (None when none came: a dropped connection, a
    timeout). `kind` is why the try did not give a usable answer (None when it did: a success or
    a redirect to follow). `wait` is the seconds slept before the next try (0 for a last try), and
    `retry_after` is true when that wait was the server's `Retry-After` rather than the backoff.
    Facts only: never a key, a URL or a body.
    """

    status: int | None
    kind: ErrorKind | None = None
    wait: float = 0.0
    retry_after: bool = False


@quick_init
@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one call.

    `envelope` is the published `{"data": ..., "error": str | None, "successful": bool}`.
    `status` is the last HTTP status seen (None when no answer came). `retryable` is true when a
    later identical call may succeed and is safe to make (never for an `unsafe` action whose
    request may have reached the server). `duration` is in seconds (retries' waits included).

    `attempts` is the largest number of times any one request of the call was sent: 1 when
    nothing was retried, 3 when a request succeeded (or gave up) on its third try. Each page of
    a paginated list and each redirect target is a request of its own, with its own tries.
    `requests` is the total number of HTTP requests sent: every try of every page and redirect.
    Both are 0 when nothing was sent (invalid input, an answer from the cache).
    `history` is every try in the order sent (`len(history) == requests`), as `Attempt`s.
    """

    action: str
    envelope: dict[str, Any]
    kind: ErrorKind | None = None
    status: int | None = None
    retryable: bool = False
    attempts: int = 0
    duration: float = 0.0
    from_cache: bool = False
    problems: tuple[InputProblem, ...] = ()  # every input problem, for kind VALIDATION
    requests: int = 0
    history: tuple[Attempt, ...] = ()

    @property
    def successful(self) -> bool:
        return bool(self.envelope["successful"])

    @property
    def data(self) -> Any:
        return self.envelope["data"]

    @property
    def error(self) -> str | None:
        error: str | None = self.envelope["error"]
        return error
