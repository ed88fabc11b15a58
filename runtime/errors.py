"""Every exception spoki-actions raises, in one tree.

    SpokiError
    ├── SpecError                 specs/ is invalid: every problem at once, each `file:line:col key.path: message`
    ├── ConfigurationError        Client(...) refused its settings: no API key, a plain-http non-loopback
    │                             base URL, a catalogue that cannot be found
    └── ActionFailed              a call did not succeed; raised only by the raising API
        │                         (`run_action_or_raise`, `Client.call`); carries the `Outcome`
        ├── UnknownActionError    no action by that name; `suggestions` holds close matches
        ├── InputError            params rejected before any request; `problems`: every problem, by field
        ├── ApiError              the API answered with an error status (`status`)
        │   ├── BadRequestError   400, 422: the API rejected the input
        │   ├── AuthError         401, 403
        │   ├── NotFoundError     404
        │   ├── RateLimitedError  429, still after the allowed retries
        │   └── UpstreamError     5xx
        ├── TransportError        no usable answer: connection refused or dropped, timeout
        └── InvalidResponseError  a success status whose body breaks the action's rules

`run_action` itself never raises for bad input, API errors, transport failures, missing settings
or bodies that are not what they should be: it returns the envelope with `successful: false`.
Programming errors do raise: a `client=` that is not a `Client` (an `AsyncClient` for `arun_action`)
is a TypeError. httpx exceptions are translated in `_transport` only; jsonschema and yaml errors in
the modules that use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ._outcome import ErrorKind, InputProblem, Outcome
from ._values import quoted


class SpokiError(Exception):
    """Base of every spoki-actions error."""


@dataclass(frozen=True, slots=True, order=True)
class SpecProblem:
    """One problem in one spec file, located as precisely as the YAML allows."""

    file: str
    line: int
    column: int
    key_path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where} {self.key_path}: {self.message}" if self.key_path else f"{where} {self.message}"


class SpecError(SpokiError):
    """The specs could not be loaded. `problems` lists every problem found, sorted."""

    def __init__(self, problems: list[SpecProblem]) -> None:
        self.problems = sorted(problems)
        super().__init__(f"{self.counted} in the specs:\n" + "\n".join(str(p) for p in self.problems))

    @property
    def counted(self) -> str:
        """'1 problem' / 'N problems', for the closing line of a report."""
        count = len(self.problems)
        return f"{count} problem{'s' if count != 1 else ''}"


class ConfigurationError(SpokiError):
    """The client's settings are refused (the message says which and how to fix it; never the key)."""


class ActionFailed(SpokiError):
    """A call did not succeed. `outcome` has the envelope, kind, status, attempts and duration."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        super().__init__(outcome.error or f"{outcome.action} failed")

    @property
    def kind(self) -> ErrorKind | None:
        return self.outcome.kind

    @property
    def status(self) -> int | None:
        return self.outcome.status

    @property
    def retryable(self) -> bool:
        return self.outcome.retryable


class UnknownActionError(ActionFailed):
    """No action by that name. `suggestions` lists the closest names, best first."""

    def __init__(self, name: str, suggestions: Sequence[str], outcome: Outcome | None = None) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        if outcome is None:
            envelope = {"data": {}, "error": unknown_action_message(name, self.suggestions), "successful": False}
            outcome = Outcome(name, envelope, ErrorKind.UNKNOWN_ACTION)
        super().__init__(outcome)


class InputError(ActionFailed):
    """The params were rejected before any request. `problems` has every problem, by field."""

    @property
    def problems(self) -> tuple[InputProblem, ...]:
        return self.outcome.problems


class ApiError(ActionFailed):
    """The API answered with an error status."""


class BadRequestError(ApiError):
    """400 or 422: the API rejected the input; the message carries its field messages."""


class AuthError(ApiError):
    """401 or 403: the key is wrong, or lacks access to this endpoint."""


class NotFoundError(ApiError):
    """404: no such resource."""


class RateLimitedError(ApiError):
    """429, still after the allowed retries."""


class UpstreamError(ApiError):
    """5xx: the API failed."""


class TransportError(ActionFailed):
    """No usable answer: the connection failed or dropped, or the request timed out."""


class InvalidResponseError(ActionFailed):
    """A success status, but the body is not the JSON the action expects (or too large)."""


_BY_KIND: dict[ErrorKind, type[ActionFailed]] = {
    ErrorKind.UNKNOWN_ACTION: ActionFailed,  # built with its suggestions by the registry instead
    ErrorKind.VALIDATION: InputError,
    ErrorKind.BAD_REQUEST: BadRequestError,
    ErrorKind.AUTH: AuthError,
    ErrorKind.NOT_FOUND: NotFoundError,
    ErrorKind.RATE_LIMITED: RateLimitedError,
    ErrorKind.API_ERROR: ApiError,
    ErrorKind.UPSTREAM: UpstreamError,
    ErrorKind.TIMEOUT: TransportError,
    ErrorKind.TRANSPORT: TransportError,
    ErrorKind.INVALID_RESPONSE: InvalidResponseError,
}


def failure(outcome: Outcome, suggestions: Sequence[str] = ()) -> ActionFailed:
    """The exception the raising API raises for an unsuccessful outcome."""
    if outcome.kind is ErrorKind.UNKNOWN_ACTION:
        return UnknownActionError(outcome.action, suggestions, outcome)
    if outcome.kind is ErrorKind.CONFIGURATION:
        return ActionFailed(outcome)
    return _BY_KIND.get(outcome.kind or ErrorKind.API_ERROR, ActionFailed)(outcome)


def unknown_action_message(name: str, suggestions: Sequence[str]) -> str:
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    return f"unknown action {quoted(name, 100)}{hint} (`spoki-actions list` shows every action)"
