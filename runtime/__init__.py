"""spoki-actions: run any of the Spoki API actions by name, from declarative specs.

    from spoki_actions import run_action, Client
    run_action("SPOKI_LIST_TICKETS", {"status": "Open", "per_page": 20})
    # -> {"data": {...}, "error": None, "successful": True}

    with Client() as client:                       # SPOKI_API_KEY / SPOKI_BASE_URL from the environment
        outcome = client.execute("SPOKI_RETRIEVE_CONTACT", {"contact_id": 1234})
        outcome.status, outcome.kind, outcome.retryable, outcome.attempts, outcome.requests, outcome.duration
        outcome.history   # every try: (status or failure kind, wait before the next, Retry-After?)

Importing this package is cheap: httpx, the catalogue, jsonschema and jmespath load on first use.
"""

from __future__ import annotations

from ._client import (
    AsyncClient,
    Client,
    arun_action,
    arun_action_or_raise,
    catalogue_of,
    check_input,
    run_action,
    run_action_or_raise,
)
from ._outcome import Attempt, ErrorKind, InputProblem, Outcome
from .errors import (
    ActionFailed,
    ApiError,
    AuthError,
    BadRequestError,
    ConfigurationError,
    InputError,
    InvalidResponseError,
    NotFoundError,
    RateLimitedError,
    SpecError,
    SpecProblem,
    SpokiError,
    TransportError,
    UnknownActionError,
    UpstreamError,
)

__version__ = "0.1.0"

__all__ = [
    "ActionFailed",
    "ApiError",
    "AsyncClient",
    "Attempt",
    "AuthError",
    "BadRequestError",
    "Client",
    "ConfigurationError",
    "ErrorKind",
    "InputError",
    "InputProblem",
    "InvalidResponseError",
    "NotFoundError",
    "Outcome",
    "RateLimitedError",
    "SpecError",
    "SpecProblem",
    "SpokiError",
    "TransportError",
    "UnknownActionError",
    "UpstreamError",
    "__version__",
    "arun_action",
    "arun_action_or_raise",
    "catalogue_of",
    "check_input",
    "run_action",
    "run_action_or_raise",
]
