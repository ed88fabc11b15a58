"""Simulator configuration: every knob of the fake Spoki API, as plain dataclasses.

Stage: configuration. Input: CLI flags, fixture arguments or a control-endpoint JSON body.
Output: `SimulatorConfig` (keys, seed, storage, page sizes, clock) holding a `RateLimitConfig` and a
`FaultConfig` (global `FaultSpec` plus per-endpoint ones); `state.SimulatorState` reads them when the
app is built. Nothing here does I/O; `from_dict` validators raise `ValueError` listing every problem.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

Clock = Callable[[], float]
"""Returns the current time as seconds since the Unix epoch (like `time.time`)."""

DEFAULT_API_KEY = "sim-account-key"
DEFAULT_PARTNER_KEY = "sim-partner-key"
DEFAULT_SEED = 0
ASGI_BASE_URL = "https://spoki.test/api/1"
"""Base URL for clients over the in-process transport (any host works; https because the runtime
refuses plain http to hosts other than loopback)."""

# Known limits from the reference (requests per window, per key). Keys are route names or throttle
# scopes; every `custom-fields-*` route shares the `custom-fields` scope.
DEFAULT_RATE_LIMITS: dict[str, int | None] = {
    "contacts-list": 120,
    "contacts-sync": 120,
    "tickets-list": 120,
    "custom-fields": 5,
}
DEFAULT_RATE_LIMIT = 600
"""Limit for every endpoint the reference says nothing about (10 requests a second on average)."""

ROUTE_NAMES = (
    "accounts-detail",
    "accounts-report",
    "agencies-list",
    "automations-list",
    "automations-detail",
    "campaigns-list",
    "contacts-list",
    "contacts-detail",
    "contacts-sync",
    "custom-fields-list",
    "custom-fields-detail",
    "partners-list",
    "tags-list",
    "tags-detail",
    "templates-list",
    "templates-detail",
    "tickets-list",
)
THROTTLE_SCOPES = (*ROUTE_NAMES, "custom-fields")


def throttle_scope(route_name: str) -> str:
    """The bucket a route counts against: its own name, or a shared scope."""
    return "custom-fields" if route_name.startswith("custom-fields") else route_name


class ManualClock:
    """A clock that only moves when told to; inject it to test time-based behaviour."""

    def __init__(self, start: float = 1_735_689_600.0) -> None:  # 2025-01-01T00:00:00Z
        self._now = float(start)

    def __call__(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += float(seconds)

    def set(self, now: float) -> None:
        self._now = float(now)


@dataclass
class RateLimitConfig:
    """Per-endpoint sliding-window limits; a limit of None or 0 means unlimited."""

    enabled: bool = True
    window_seconds: float = 60.0
    default_limit: int | None = DEFAULT_RATE_LIMIT
    limits: dict[str, int | None] = field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))

    def limit_for(self, route_name: str) -> int | None:
        if not self.enabled:
            return None
        scope = throttle_scope(route_name)
        if route_name in self.limits:
            limit = self.limits[route_name]
        elif scope in self.limits:
            limit = self.limits[scope]
        else:
            limit = self.default_limit
        return limit or None

    def to_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "window_seconds": self.window_seconds,
            "default_limit": self.default_limit,
            "limits": dict(self.limits),
        }

    def updated(self, data: Mapping[str, Any]) -> RateLimitConfig:
        """A copy with the keys of `data` applied; `limits` entries are merged, not replaced."""
        errors: list[str] = []
        unknown = sorted(set(data) - {"enabled", "window_seconds", "default_limit", "limits"})
        if unknown:
            errors.append(f"unknown keys: {', '.join(unknown)}")
        new = RateLimitConfig(self.enabled, self.window_seconds, self.default_limit, dict(self.limits))
        if "enabled" in data:
            if not isinstance(data["enabled"], bool):
                errors.append("enabled: must be a boolean")
            else:
                new.enabled = data["enabled"]
        if "window_seconds" in data:
            window = data["window_seconds"]
            if not is_number(window) or window <= 0:
                errors.append("window_seconds: must be a positive number")
            else:
                new.window_seconds = float(window)
        if "default_limit" in data:
            if not _is_limit(data["default_limit"]):
                errors.append("default_limit: must be a non-negative integer or null")
            else:
                new.default_limit = data["default_limit"]
        if "limits" in data:
            limits = data["limits"]
            if not isinstance(limits, Mapping):
                errors.append("limits: must be an object of endpoint name to limit")
            else:
                for name, limit in limits.items():
                    if name not in THROTTLE_SCOPES:
                        errors.append(f"limits.{name}: unknown endpoint (known: {', '.join(THROTTLE_SCOPES)})")
                    elif not _is_limit(limit):
                        errors.append(f"limits.{name}: must be a non-negative integer or null")
                    else:
                        new.limits[name] = limit
        if errors:
            raise ValueError("; ".join(errors))
        return new


@dataclass(frozen=True)
class FaultSpec:
    """What goes wrong, and how often, on the endpoints it applies to.

    Rates are shares of requests in [0, 1] and together may not exceed 1; one random draw per request
    picks at most one of: dropped connection, 429, 5xx, truncated body, non-JSON body. Latency is added
    to every request. `count` caps how many faulty answers this spec produces (None: unlimited).
    """

    latency: float = 0.0
    latency_jitter: float = 0.0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502, 503)
    throttle_rate: float = 0.0
    retry_after: int = 1
    drop_rate: float = 0.0
    truncate_rate: float = 0.0
    nonjson_rate: float = 0.0
    count: int | None = None

    @property
    def active(self) -> bool:
        return self.latency > 0 or self.latency_jitter > 0 or self.total_rate > 0

    @property
    def total_rate(self) -> float:
        return self.drop_rate + self.throttle_rate + self.error_rate + self.truncate_rate + self.nonjson_rate

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["error_statuses"] = list(self.error_statuses)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "") -> FaultSpec:
        prefix = f"{where}." if where else ""
        if not isinstance(data, Mapping):
            raise ValueError(f"{where or 'fault spec'}: must be an object")
        errors: list[str] = []
        known = {f.name for f in fields(cls)}
        for key in sorted(set(data) - known):
            errors.append(f"{prefix}{key}: unknown key (known: {', '.join(sorted(known))})")
        kwargs: dict[str, Any] = {}
        for key in ("latency", "latency_jitter"):
            if key in data:
                if not is_number(data[key]) or data[key] < 0:
                    errors.append(f"{prefix}{key}: must be a number of seconds >= 0")
                else:
                    kwargs[key] = float(data[key])
        for key in ("error_rate", "throttle_rate", "drop_rate", "truncate_rate", "nonjson_rate"):
            if key in data:
                if not is_number(data[key]) or not 0 <= data[key] <= 1:
                    errors.append(f"{prefix}{key}: must be a share between 0 and 1")
                else:
                    kwargs[key] = float(data[key])
        if "error_statuses" in data:
            statuses = data["error_statuses"]
            if (
                not isinstance(statuses, list | tuple)
                or not statuses
                or not all(isinstance(s, int) and not isinstance(s, bool) and 500 <= s <= 599 for s in statuses)
            ):
                errors.append(f"{prefix}error_statuses: must be a non-empty list of 5xx status codes")
            else:
                kwargs["error_statuses"] = tuple(statuses)
        if "retry_after" in data:
            if not _is_int(data["retry_after"]) or data["retry_after"] < 0:
                errors.append(f"{prefix}retry_after: must be an integer number of seconds >= 0")
            else:
                kwargs["retry_after"] = data["retry_after"]
        if "count" in data and data["count"] is not None:
            if not _is_int(data["count"]) or data["count"] < 0:
                errors.append(f"{prefix}count: must be a non-negative integer or null")
            else:
                kwargs["count"] = data["count"]
        if not errors:
            spec = cls(**kwargs)
            if spec.total_rate > 1 + 1e-9:
                errors.append(f"{prefix}rates add up to {spec.total_rate:g}, more than 1")
            else:
                return spec
        raise ValueError("; ".join(errors))


@dataclass(frozen=True)
class FaultConfig:
    """A global fault spec plus per-endpoint specs that replace it for the named routes."""

    global_spec: FaultSpec = field(default_factory=FaultSpec)
    endpoints: Mapping[str, FaultSpec] = field(default_factory=dict)

    def spec_for(self, route_name: str | None) -> FaultSpec:
        if route_name is not None and route_name in self.endpoints:
            return self.endpoints[route_name]
        return self.global_spec

    @property
    def active(self) -> bool:
        return self.global_spec.active or any(s.active for s in self.endpoints.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "global": self.global_spec.to_dict(),
            "endpoints": {name: spec.to_dict() for name, spec in sorted(self.endpoints.items())},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FaultConfig:
        """Reads `{"global": {...}, "endpoints": {"contacts-list": {...}}}`; both keys optional."""
        if not isinstance(data, Mapping):
            raise ValueError("faults: must be an object")
        errors: list[str] = []
        for key in sorted(set(data) - {"global", "endpoints", "seed"}):
            errors.append(f"{key}: unknown key (known: global, endpoints, seed)")
        global_spec = FaultSpec()
        endpoints: dict[str, FaultSpec] = {}
        try:
            global_spec = FaultSpec.from_dict(data.get("global") or {}, "global")
        except ValueError as exc:
            errors.append(str(exc))
        raw_endpoints = data.get("endpoints") or {}
        if not isinstance(raw_endpoints, Mapping):
            errors.append("endpoints: must be an object of route name to fault spec")
        else:
            for name, raw in raw_endpoints.items():
                if name not in ROUTE_NAMES:
                    errors.append(f"endpoints.{name}: unknown endpoint (known: {', '.join(ROUTE_NAMES)})")
                    continue
                try:
                    endpoints[name] = FaultSpec.from_dict(raw, f"endpoints.{name}")
                except ValueError as exc:
                    errors.append(str(exc))
        if errors:
            raise ValueError("; ".join(errors))
        return cls(global_spec, endpoints)


@dataclass
class SimulatorConfig:
    """Everything `create_app` needs. Same seed, same data; `seed=None` seeds data with 0 but leaves
    fault draws unseeded (non-deterministic)."""

    api_key: str = DEFAULT_API_KEY
    partner_key: str = DEFAULT_PARTNER_KEY
    seed: int | None = None
    db_path: str | Path | None = None
    page_size: int = 20
    max_page_size: int | None = None  # no source gives one; a live integration asks for page_size=200
    bare_lists: bool = False  # agencies/ and custom-fields/ answer a bare JSON array instead of a DRF page
    report_cache_seconds: float = 1800.0
    rate_limits: RateLimitConfig = field(default_factory=RateLimitConfig)
    faults: FaultConfig = field(default_factory=FaultConfig)
    clock: Clock = time.time

    @property
    def data_seed(self) -> int:
        return DEFAULT_SEED if self.seed is None else self.seed

    def __repr__(self) -> str:  # keys stay out of reprs, even fake ones
        return (
            f"SimulatorConfig(seed={self.seed!r}, db_path={self.db_path!r}, page_size={self.page_size}, "
            f"rate_limits={'on' if self.rate_limits.enabled else 'off'}, faults={self.faults.active}, "
            f"bare_lists={self.bare_lists})"
        )


def is_number(value: object) -> bool:
    """A finite int or float that a float can hold (`10**400` cannot; NaN and infinities are refused)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_limit(value: object) -> bool:
    return value is None or (_is_int(value) and value >= 0)  # type: ignore[operator]
