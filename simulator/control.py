"""Control endpoints: steer a running simulator over HTTP (reset, faults, rate limits, clock).

Stage: test and demo control, outside the API (no faults, no throttling): reset, faults, rate limits,
clock and the bare-array answer of agencies/ and custom-fields/. Input: JSON bodies on
`/_control/...`, authenticated with the account key in `X-Spoki-Api-Key` (health needs none).
Output: the resulting settings as JSON; bad bodies answer 400 `{"detail": "<every problem>"}`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .config import FaultConfig, is_number
from .errors import BAD_CREDENTIALS, NO_CREDENTIALS, detail
from .timestamps import iso

if TYPE_CHECKING:
    from .state import SimulatorState

PREFIX = "/_control"


def _state(request: Request) -> SimulatorState:
    state = cast("SimulatorState", request.app.state.sim)
    key = request.headers.get("x-spoki-api-key")
    if not key:
        raise detail(401, NO_CREDENTIALS)
    if key != state.config.api_key:
        raise detail(401, BAD_CREDENTIALS)
    return state


async def _body(request: Request) -> dict[str, Any]:
    from .endpoints import json_object

    return await json_object(request)


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def reset(request: Request) -> Response:
    state = _state(request)
    state.reset()
    return JSONResponse({"status": "reset", **state.describe()})


async def faults(request: Request) -> Response:
    state = _state(request)
    if request.method == "DELETE":
        state.faults.configure(FaultConfig(), state.faults.seed)
        return Response(status_code=204)
    if request.method == "POST":
        body = await _body(request)
        seed = body.get("seed", state.faults.seed)
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise detail(400, "seed: must be an integer or null")
        try:
            config = FaultConfig.from_dict(body)
        except ValueError as exc:
            raise detail(400, str(exc)) from None
        state.faults.configure(config, seed)
    return JSONResponse({**state.faults.config.to_dict(), "seed": state.faults.seed,
                         "injected": dict(state.faults.injected)})


async def rate_limits(request: Request) -> Response:
    state = _state(request)
    if request.method == "POST":
        body = await _body(request)
        try:
            state.limiter.config = state.limiter.config.updated(body)
        except ValueError as exc:
            raise detail(400, str(exc)) from None
        if body.get("reset_history"):
            state.limiter.reset()
    elif request.method == "DELETE":  # forget who asked when, keep the limits
        state.limiter.reset()
    return JSONResponse(state.limiter.config.to_dict())


async def clock(request: Request) -> Response:
    state = _state(request)
    if request.method == "POST":
        body = await _body(request)
        advance, offset = body.get("advance"), body.get("offset")
        for name, value in (("advance", advance), ("offset", offset)):
            if value is not None and not is_number(value):
                raise detail(400, f"{name}: must be a number of seconds")
        new_offset = float(offset) if offset is not None else state.clock_offset
        if advance is not None:
            new_offset += float(advance)
        try:  # every answer that carries a time must still be able to render it
            iso(state.config.clock() + new_offset)
        except (OverflowError, ValueError, OSError):
            raise detail(400, "advance/offset: the clock would leave the years 1 to 9999") from None
        state.clock_offset = new_offset
    return JSONResponse({"now": iso(state.now()), "offset": state.clock_offset})


async def bare_lists(request: Request) -> Response:
    state = _state(request)
    if request.method == "POST":
        body = await _body(request)
        unknown = sorted(set(body) - {"bare_lists"})
        if unknown or not isinstance(body.get("bare_lists"), bool):
            raise detail(400, 'expected {"bare_lists": true} or {"bare_lists": false}')
        state.bare_lists = body["bare_lists"]
    return JSONResponse({"bare_lists": state.bare_lists})


def routes() -> list[BaseRoute]:
    endpoint = Callable[[Request], Awaitable[Response]]
    table: list[tuple[str, endpoint, list[str]]] = [
        ("/health/", health, ["GET"]),
        ("/reset/", reset, ["POST"]),
        ("/faults/", faults, ["GET", "POST", "DELETE"]),
        ("/rate-limits/", rate_limits, ["GET", "POST", "DELETE"]),
        ("/clock/", clock, ["GET", "POST"]),
        ("/bare-lists/", bare_lists, ["GET", "POST"]),
    ]
    out: list[BaseRoute] = []
    for path, handler, methods in table:
        # Both spellings work here: the control surface is ours, not Spoki's.
        out.append(Route(PREFIX + path, handler, methods=methods))
        out.append(Route(PREFIX + path.rstrip("/"), handler, methods=methods))
    return out
