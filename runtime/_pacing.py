"""Client-side pacing: the rate limits declared in the specs, enforced before each request.

Stage: just before each HTTP request (every attempt and every page). Input: the action's
`RateLimit` (bucket, requests, window) and the current time. Output: how long to wait before
sending. One `Pacer` per client, shared by all its concurrent calls (threads or tasks): a
reservation is taken under a lock and never waits inside it, so the same object serves sync and
async clients. A bucket allows at most `requests` sends in any `window` seconds (plus a small
margin for network jitter); a 429 with `Retry-After` holds the whole bucket back.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .spec import RateLimit

MARGIN = 0.01  # a window is stretched by 1%: requests arrive at the server later than they leave


class Pacer:
    """Sliding-window reservations per bucket: each send gets a time slot, possibly in the future."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent: dict[str, deque[float]] = {}
        self._hold: dict[str, float] = {}

    def reserve(self, limit: RateLimit, now: float) -> float:
        """Take the next slot of `limit`'s bucket; returns the seconds to wait before sending (>= 0)."""
        return self.reserve_slot(limit, now) - now

    def release(self, limit: RateLimit, slot: float) -> None:
        """Give back a slot whose request provably never reached the server (e.g. connection refused)."""
        with self._lock:
            slots = self._sent.get(limit.bucket)
            if slots is not None and slot in slots:
                slots.remove(slot)

    def reserve_slot(self, limit: RateLimit, now: float) -> float:
        """Take the next slot of `limit`'s bucket; returns the time of that slot (>= now)."""
        with self._lock:
            slots = self._sent.get(limit.bucket)
            if slots is None or slots.maxlen != limit.requests:
                slots = self._sent[limit.bucket] = deque(slots or (), maxlen=max(1, limit.requests))
            at = now  # the latest of: now, the last slot, the oldest slot's window end, a hold (max(), inlined)
            if slots:
                if slots[-1] > at:
                    at = slots[-1]
                if len(slots) == slots.maxlen:
                    free = slots[0] + limit.window * (1.0 + MARGIN)
                    if free > at:
                        at = free
            hold = self._hold.get(limit.bucket)
            if hold is not None and hold > at:
                at = hold
            slots.append(at)
            return at

    def hold(self, limit: RateLimit, until: float) -> None:
        """Send nothing more in this bucket before `until` (the server said `Retry-After`)."""
        with self._lock:
            if until > self._hold.get(limit.bucket, 0.0):
                self._hold[limit.bucket] = until
