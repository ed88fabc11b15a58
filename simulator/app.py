"""The simulator's ASGI application: routes, authentication, throttling, error shapes, faults.

Stage: HTTP surface. Input: a `SimulatorConfig`. Output: `create_app(config)`, a Starlette app serving
the raw Spoki API under `/api/1/` (every path with its trailing slash; without it, Django's HTML 404) plus the
`/_control/` endpoints, with its `SimulatorState` at `app.state.sim`. Each API request passes the
fault layer, then routing, then `guard` (key check, per-endpoint throttle), then its handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import cast

from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Receive, Scope, Send

from . import control
from . import endpoints as ep
from .config import SimulatorConfig
from .errors import BAD_CREDENTIALS, FORBIDDEN, NO_CREDENTIALS, APIError, detail, throttled
from .faults import apply as apply_fault
from .state import SimulatorState

API_PREFIX = "/api/1"
KEY_HEADER = "x-spoki-api-key"

Endpoint = Callable[[Request], Awaitable[Response]]
Handler = Callable[[Request, SimulatorState], Awaitable[Response]]


class IdConvertor(Convertor[int]):
    """Django's `<int:pk>`: ASCII digits, leading zeros allowed. Starlette's `int` converter calls `int()`
    while routing, which raises for more than 4300 digits (a 500 from the router, even in the fault
    layer); here a number too long to be a stored id becomes 0, which no document has: a 404 after the
    key check, as Django answers for a pk out of the column's range."""

    regex = "[0-9]+"
    max_digits = 19  # bigint

    def convert(self, value: str) -> int:
        digits = value.lstrip("0")
        return int(digits) if 0 < len(digits) <= self.max_digits else 0

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("spoki_id", IdConvertor())


def sim_state(app: Starlette) -> SimulatorState:
    return cast(SimulatorState, app.state.sim)


def guard(handler: Handler, route_name: str, *, partner: bool = False) -> Endpoint:
    """Wraps a handler with the API key check and the route's rate limit (DRF order: auth, then throttle)."""

    async def endpoint(request: Request) -> Response:
        state = sim_state(request.app)
        key = request.headers.get(KEY_HEADER)
        if not key:
            raise detail(401, NO_CREDENTIALS, {"WWW-Authenticate": "X-Spoki-Api-Key"})
        if key not in (state.config.api_key, state.config.partner_key):
            raise detail(401, BAD_CREDENTIALS, {"WWW-Authenticate": "X-Spoki-Api-Key"})
        if (key == state.config.partner_key) != partner:
            raise detail(403, FORBIDDEN)
        wait = state.limiter.hit(route_name, key, state.now())
        if wait is not None:
            raise throttled(wait)
        return await handler(request, state)

    endpoint.__name__ = handler.__name__
    return endpoint


def _api(path: str, name: str, methods: dict[str, Handler], *, partner: bool = False) -> Route:
    guarded = {method: guard(handler, name, partner=partner) for method, handler in methods.items()}

    async def dispatch(request: Request) -> Response:
        return await guarded[request.method if request.method != "HEAD" else "GET"](request)

    return Route(API_PREFIX + path, dispatch, methods=list(methods), name=name)


def api_routes() -> list[BaseRoute]:
    return [
        _api("/accounts/{id:spoki_id}/", "accounts-detail", {"GET": ep.retrieve_account}),
        _api("/accounts/{id:spoki_id}/current_report/", "accounts-report", {"GET": ep.account_report}),
        _api("/agencies/", "agencies-list", {"GET": ep.list_agencies}),
        _api("/automations/", "automations-list", {"GET": ep.list_automations}),
        _api("/automations/{id:spoki_id}/", "automations-detail", {"GET": ep.retrieve_automation}),
        _api("/campaigns/", "campaigns-list", {"GET": ep.list_campaigns}),
        _api("/contacts/", "contacts-list", {"GET": ep.list_contacts}),
        _api("/contacts/sync/", "contacts-sync", {"POST": ep.sync_contact}),
        _api("/contacts/{id:spoki_id}/", "contacts-detail", {"GET": ep.retrieve_contact, "DELETE": ep.delete_contact}),
        _api("/custom-fields/", "custom-fields-list", {"GET": ep.list_custom_fields, "POST": ep.create_custom_field}),
        _api("/custom-fields/{id:spoki_id}/", "custom-fields-detail",
             {"GET": ep.retrieve_custom_field, "PATCH": ep.update_custom_field}),
        _api("/partners/", "partners-list", {"GET": ep.list_partners}, partner=True),
        _api("/tags/", "tags-list", {"GET": ep.list_tags}),
        _api("/tags/{id:spoki_id}/", "tags-detail", {"GET": ep.retrieve_tag}),
        _api("/templates/", "templates-list", {"GET": ep.list_templates}),
        _api("/templates/{id:spoki_id}/", "templates-detail", {"GET": ep.retrieve_template}),
        _api("/tickets/", "tickets-list", {"GET": ep.list_tickets}),
    ]


async def _api_error(request: Request, exc: Exception) -> Response:
    error = cast(APIError, exc)
    return JSONResponse(error.body, status_code=error.status, headers=error.headers)


DJANGO_NOT_FOUND_PAGE = (
    '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n'
    "  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n"
)
"""What Django (DEBUG off) answers for a URL no route matches: not DRF, so not JSON."""


async def _http_error(request: Request, exc: Exception) -> Response:
    error = cast(HTTPException, exc)
    if error.status_code == 404:  # only the router raises this; an unknown id is an APIError (DRF JSON)
        return HTMLResponse(DJANGO_NOT_FOUND_PAGE, status_code=404)
    if error.status_code == 405:
        body = {"detail": f'Method "{request.method}" not allowed.'}
    else:
        body = {"detail": error.detail}
    return JSONResponse(body, status_code=error.status_code, headers=error.headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    return JSONResponse({"detail": "A server error occurred."}, status_code=500)


class SimulatorApp(Starlette):
    """Starlette with the fault layer in front: faults see uvicorn's own `send`, so they can drop sockets."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith(API_PREFIX + "/"):
            state = sim_state(self)
            if state.faults.active:
                decision = state.faults.decide(self.route_name(scope))
                if decision is not None:
                    await apply_fault(decision, super().__call__, scope, receive, send)
                    return
        await super().__call__(scope, receive, send)

    def route_name(self, scope: Scope) -> str | None:
        for route in self.router.routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                return cast(str | None, getattr(route, "name", None))
        return None


def create_app(config: SimulatorConfig | None = None) -> Starlette:
    """A fresh simulator app with its own state (seeded, or loaded from `config.db_path`)."""
    config = config or SimulatorConfig()
    app = SimulatorApp(
        routes=[*api_routes(), *control.routes()],
        exception_handlers={APIError: _api_error, HTTPException: _http_error, Exception: _server_error},
    )
    app.router.redirect_slashes = False  # Django without APPEND_SLASH: an unknown URL, 404 HTML (see README)
    app.state.sim = SimulatorState(config)
    return app

