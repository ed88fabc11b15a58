"""The simulator's mutable state: data, clock offset, throttle history, faults, report cache.

Stage: shared state behind the ASGI app. Input: a `SimulatorConfig`. Output: one `SimulatorState`
that endpoints read and write, that tests reach through `SimulatorServer.state` or `app.state.sim`,
and that `reset()` puts back to how it started (same seed, same data, limits and faults as configured).
"""

from __future__ import annotations

from typing import Any

from .config import SimulatorConfig
from .faults import FaultEngine
from .ratelimit import RateLimiter
from .seed import Document
from .store import Store


class SimulatorState:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.clock_offset = 0.0
        self.store = Store(config.data_seed, config.db_path)
        self.limiter = RateLimiter(config.rate_limits.updated({}))
        self.faults = FaultEngine(config.faults, config.seed)
        self.report_cache: dict[int, tuple[float, Document]] = {}
        self.bare_lists = config.bare_lists

    def now(self) -> float:
        """Seconds since the epoch: the configured clock plus any offset set through `/_control/clock`."""
        return self.config.clock() + self.clock_offset

    def reset(self) -> None:
        self.store.reseed()
        self.clock_offset = 0.0
        self.limiter.reset(self.config.rate_limits.updated({}))
        self.faults.configure(self.config.faults, self.config.seed)
        self.report_cache.clear()
        self.bare_lists = self.config.bare_lists

    def describe(self) -> dict[str, Any]:
        return {
            "seed": self.config.seed,
            "storage": str(self.config.db_path) if self.config.db_path else "memory",
            "rate_limits": self.limiter.config.to_dict(),
            "faults": self.faults.config.to_dict(),
            "bare_lists": self.bare_lists,
        }

    def close(self) -> None:
        self.store.close()
