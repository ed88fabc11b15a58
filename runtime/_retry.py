"""The retry policy: which failures are retried, and how long to wait before the next attempt.

Stage: between attempts, inside the execution loop. Input: the failure (kind, status, whether
the request may have reached the server), the action's safety, the connector's `RetryPolicy`
and the `Retry-After` header. Output: whether to retry and the delay in seconds.
Rules: `read`/`idempotent` actions are retried on 429, the policy's 5xx statuses, timeouts and
connection errors; `unsafe` ones only on 429 or when the request provably never left (refused,
connect or pool timeout). Exponential backoff with jitter; `Retry-After` (seconds or HTTP date)
replaces it, capped by the policy.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ._outcome import ErrorKind

if TYPE_CHECKING:
    from .spec import RetryPolicy


def may_retry(safety: str, kind: ErrorKind, status: int | None, sent: bool, policy: RetryPolicy) -> bool:
    """Is this failure worth another attempt, and safe to re-send for an action of this safety?"""
    if status is not None:
        if status not in policy.retry_statuses:
            return False
        return status == 429 or safety != "unsafe"
    if kind not in (ErrorKind.TIMEOUT, ErrorKind.TRANSPORT):
        return False
    return not sent or safety != "unsafe"


def jitter_source() -> float:
    """A uniform draw in [0, 1) for backoff jitter (random is imported on the first retry only)."""
    import random

    return random.random()


def backoff(policy: RetryPolicy, retry: int, rand: Callable[[], float] = jitter_source) -> float:
    """Delay before retry number `retry` (1 = the first retry): exponential, capped, plus jitter."""
    base = min(policy.backoff_max, policy.backoff_initial * policy.backoff_multiplier ** (retry - 1))
    return base * (1.0 + policy.jitter * rand())


def retry_after(headers: Mapping[str, str], now: Callable[[], float] = time.time) -> float | None:
    """Seconds the server asked to wait (`Retry-After` as seconds or an HTTP date), or None."""
    value = headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime  # rare: only for HTTP-date values

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - now()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def delay(policy: RetryPolicy, retry: int, asked: float | None, rand: Callable[[], float] = jitter_source) -> float:
    """The wait before the next attempt: the server's `Retry-After` (capped) if any, else the backoff."""
    if asked is not None:
        return min(asked, policy.retry_after_cap)
    return backoff(policy, retry, rand)
