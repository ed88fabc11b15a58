"""The retry policy: which failures are retried, and how long to wait before the next attempt.

Stage: between attempts, inside the execution loop. Input: the failure (kind, status, whether
the request may have reached the server), the action's safety, the connector's `RetryPolicy`
and the `Retry-After` header. Output: whether to retry and the delay in seconds.
Rules: `read`/`idempotent` actions are retried on 429, the policy's 5xx statuses, timeouts and
connection errors; `unsafe` ones only on 429 or when the request provably never left (refused,
connect or pool timeout). Exponential backoff with jitter (bounded, whatever the retry number);
a `Retry-After` (seconds or HTTP date) waits longer when it asks to, up to `retry_after_cap`,
and never shorter: 0, negative or past values fall back to the backoff.
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


MAX_EXPONENT = 1024  # past this the backoff is long capped (or would overflow a float)


def backoff(policy: RetryPolicy, retry: int, rand: Callable[[], float] = jitter_source) -> float:
    """Delay before retry number `retry` (1 = the first retry): exponential, capped, plus jitter."""
    exponent = min(max(retry - 1, 0), MAX_EXPONENT)
    try:
        grown = policy.backoff_initial * float(policy.backoff_multiplier) ** exponent
    except OverflowError:  # a huge multiplier: the cap applies anyway
        grown = policy.backoff_max
    base = min(policy.backoff_max, grown)
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
    """The wait before the next attempt: the backoff, or the server's `Retry-After` (capped at
    `retry_after_cap`) when that is longer. A `Retry-After` of 0, a negative one or a date in the
    past never makes the retry come sooner than the backoff would."""
    wait = backoff(policy, retry, rand)
    if asked is not None:
        wait = max(wait, min(asked, policy.retry_after_cap))
    return wait
