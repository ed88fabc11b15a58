# generated from specs/ by `spoki-actions generate`; do not edit
"""Envelope → typed result: the one place a typed function turns a call into its model.

Input: the action's name, params and client, and its `<Action>Output` model. Output: that model.
A failed call's envelope is taken as it is (its `data` is the empty `{}` or `[]`, never a model of
empty fields) and keeps the classified error (`ActionFailed` and its subclasses, or
`ConfigurationError`) for `unwrap()`. A successful one is validated leniently (unknown fields
kept; a `data` off the documented shape stays raw), and should validation still fail the model is
built without it, so a typed call never raises where `run_action` would not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, PrivateAttr, ValidationError

from spoki_actions import (
    ActionFailed,
    AsyncClient,
    Client,
    ConfigurationError,
    ErrorKind,
    InvalidResponseError,
    Outcome,
    arun_action,
    arun_action_or_raise,
    run_action,
    run_action_or_raise,
)

_Model = TypeVar("_Model", bound=BaseModel)
Result = tuple[dict[str, Any], "ActionFailed | ConfigurationError | None"]


class Envelope(BaseModel):
    """Base of every `<Action>Output`: `data`, `error`, `successful`, and `unwrap()`."""

    _action: str = PrivateAttr(default="")
    _failure: ActionFailed | ConfigurationError | None = PrivateAttr(default=None)

    def _unwrap(self, documented: Callable[[Any], bool] | None) -> Any:
        """`data` if the call succeeded and `data` has the documented shape, else the call's error."""
        if self._failure is not None:
            raise self._failure
        data = getattr(self, "data", None)
        if not getattr(self, "successful", False):
            raise ActionFailed(Outcome(self._action, self.model_dump(mode="json")))
        if documented is not None and not documented(data):
            raise InvalidResponseError(Outcome(self._action, {
                "data": data, "successful": False,
                "error": f"{self._action}: the answer does not match the documented shape of its output"},
                ErrorKind.INVALID_RESPONSE))
        return data


def call(name: str, params: dict[str, Any], client: Client | None) -> Result:
    """The envelope `run_action` returns, with the exception `run_action_or_raise` would raise."""
    given: object = client  # typed callers cannot pass a wrong client; untyped ones get run_action's TypeError
    if given is not None and not isinstance(given, Client):
        run_action(name, params, client=client)
    try:
        data = run_action_or_raise(name, params, client=client)
    except ActionFailed as exc:
        return exc.outcome.envelope, exc
    except ConfigurationError as exc:  # run_action's envelope says it (after any input problems)
        return run_action(name, params, client=client), exc
    return {"data": data, "error": None, "successful": True}, None


async def acall(name: str, params: dict[str, Any], client: AsyncClient | None) -> Result:
    """The asyncio twin of `call`."""
    given: object = client
    if given is not None and not isinstance(given, AsyncClient):
        await arun_action(name, params, client=client)
    try:
        data = await arun_action_or_raise(name, params, client=client)
    except ActionFailed as exc:
        return exc.outcome.envelope, exc
    except ConfigurationError as exc:
        return await arun_action(name, params, client=client), exc
    return {"data": data, "error": None, "successful": True}, None


def envelope(model: type[_Model], result: dict[str, Any] | Result, action: str = "") -> _Model:
    envelope_dict, failure = result if isinstance(result, tuple) else (result, None)
    if not envelope_dict.get("successful"):
        out = model.model_construct(**envelope_dict)
    else:
        try:
            out = model.model_validate(envelope_dict)
        except ValidationError:
            out = model.model_construct(**envelope_dict)
    if isinstance(out, Envelope):
        out._action = action
        out._failure = failure
    return out
