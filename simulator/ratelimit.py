"""Per-endpoint rate limiting, the way DRF's throttles do it: a sliding log of request times.

Stage: request admission. Input: the route name, the caller's key and the current time (from the
injectable clock). Output: nothing when the request may go on (and the hit is recorded), or the whole
seconds to wait, which the guard turns into 429 with `Retry-After` and a DRF `detail`.
"""

from __future__ import annotations

import math
import threading
from collections import deque

from .config import RateLimitConfig, throttle_scope


class RateLimiter:
    def __init__(self, config: RateLimitConfig) -> None:
        self.config = config
        self._history: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def reset(self, config: RateLimitConfig | None = None) -> None:
        with self._lock:
            if config is not None:
                self.config = config
            self._history.clear()

    def hit(self, route_name: str, identity: str, now: float) -> int | None:
        """Records a request; returns None if allowed, else seconds until one is allowed again."""
        limit = self.config.limit_for(route_name)
        if limit is None:
            return None
        window = self.config.window_seconds
        key = (identity, throttle_scope(route_name) if route_name not in self.config.limits else route_name)
        with self._lock:
            history = self._history.setdefault(key, deque())
            while history and history[0] <= now - window:
                history.popleft()
            if len(history) >= limit:
                return max(1, math.ceil(history[0] + window - now))
            history.append(now)
            return None
