"""Outcomes → journal results: what one row's call means for the batch.

Input: the runtime's `Outcome` of one row and the action's safety. Output: a journal `Result`:
`done` (with the result's id where the data has one), `failed` (the API or the runtime said no,
or a read/idempotent call gave up), or `unknown` (an unsafe call whose request may have reached
Spoki without an answer we can trust: it is never re-sent by itself). `tally` sums the call's
tries (`Outcome.history`) into the row's retry, 429, 5xx, transport and wait tallies and trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spoki_actions import Attempt, ErrorKind, Outcome

from .journal import Result

# Kinds after which an unsafe request may have been applied although no good answer came back.
_UNCERTAIN = frozenset({ErrorKind.TIMEOUT, ErrorKind.TRANSPORT, ErrorKind.UPSTREAM, ErrorKind.INVALID_RESPONSE})
_NO_ANSWER = frozenset({ErrorKind.TIMEOUT, ErrorKind.TRANSPORT})


def result_of(seq: int, outcome: Outcome, unsafe: bool) -> Result:
    facts: dict[str, Any] = {"status": outcome.status, "attempts": outcome.attempts, "requests": outcome.requests,
                             **tally(outcome.history)}
    if outcome.successful:
        return Result(seq, "done", result_id=_id_of(outcome.data), **facts)
    kind = outcome.kind
    state = "failed"
    if unsafe and kind in _UNCERTAIN and outcome.requests > 0 and not outcome.retryable:
        state = "unknown"
    return Result(seq, state, kind=None if kind is None else kind.value, error=outcome.error, **facts)


def _id_of(data: Any) -> str | None:
    if isinstance(data, dict):
        found = data.get("id")
        if isinstance(found, (int, str)) and not isinstance(found, bool):
            return str(found)
    return None


def tally(history: Sequence[Attempt], prefix: str = "") -> dict[str, Any]:
    """The tallies of one call's tries, as `Result` fields. Every try but the last that did not
    give a usable answer was retried (a plan ends at the first failure it does not retry)."""
    if not history:
        return {}
    retries = sum(1 for a in history[:-1] if a.kind is not None)
    seen_429 = sum(1 for a in history if a.status == 429)
    seen_5xx = sum(1 for a in history if a.status is not None and 500 <= a.status <= 599)
    transport = sum(1 for a in history if a.status is None and a.kind in _NO_ANSWER)
    asked = [a.wait for a in history if a.retry_after]
    return {"retries": retries, "seen_429": seen_429, "seen_5xx": seen_5xx, "transport_failures": transport,
            "retry_after_waits": len(asked), "retry_after_seconds": sum(asked),
            "wait_seconds": sum(a.wait for a in history), "trail": prefix + ", ".join(map(_try, history))}


def _try(attempt: Attempt) -> str:
    """`429 (Retry-After 1.00s)`, `503 (backoff 0.61s)`, `transport`, `200`."""
    text = str(attempt.status) if attempt.status is not None else (attempt.kind or ErrorKind.TRANSPORT).value
    if attempt.wait > 0:
        text += f" ({'Retry-After' if attempt.retry_after else 'backoff'} {attempt.wait:.2f}s)"
    return text
