"""API errors as data: what the simulator answers when a request cannot be served.

Stage: error responses. Input: the condition found by an endpoint, guard or parser. Output: an
`APIError` (status, DRF-style JSON body, extra headers) that the app's exception handler turns into a
response: `{"detail": ...}` for request-level problems, `{"field": ["message", ...]}` for validation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NOT_FOUND = "Not found."
INVALID_PAGE = "Invalid page."
NO_CREDENTIALS = "Authentication credentials were not provided."
BAD_CREDENTIALS = "Invalid API key."
FORBIDDEN = "You do not have permission to perform this action."


class APIError(Exception):
    """An HTTP error answer: status, JSON body and headers."""

    def __init__(self, status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status, dict(body))
        self.status = status
        self.body = dict(body)
        self.headers = dict(headers or {})


def detail(status: int, message: str, headers: Mapping[str, str] | None = None) -> APIError:
    return APIError(status, {"detail": message}, headers)


def not_found(message: str = NOT_FOUND) -> APIError:
    return detail(404, message)


def field_errors(errors: Mapping[str, list[str]]) -> APIError:
    return APIError(400, errors)


def throttled(wait: int) -> APIError:
    unit = "second" if wait == 1 else "seconds"
    return detail(429, f"Request was throttled. Expected available in {wait} {unit}.", {"Retry-After": str(wait)})
