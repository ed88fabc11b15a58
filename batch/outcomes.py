"""Outcomes → journal results: what one row's call means for the batch.

Input: the runtime's `Outcome` of one row and the action's safety. Output: a journal `Result`:
`done` (with the result's id where the data has one), `failed` (the API or the runtime said no,
or a read/idempotent call gave up), or `unknown` (an unsafe call whose request may have reached
Spoki without an answer we can trust: it is never re-sent by itself).
"""

from __future__ import annotations

from typing import Any

from spoki_actions import ErrorKind, Outcome

from .journal import Result

# Kinds after which an unsafe request may have been applied although no good answer came back.
_UNCERTAIN = frozenset({ErrorKind.TIMEOUT, ErrorKind.TRANSPORT, ErrorKind.UPSTREAM, ErrorKind.INVALID_RESPONSE})


def result_of(seq: int, outcome: Outcome, unsafe: bool) -> Result:
    facts: dict[str, Any] = {"status": outcome.status, "attempts": outcome.attempts, "requests": outcome.requests}
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
