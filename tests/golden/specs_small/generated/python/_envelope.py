# generated from specs/ by `spoki-actions generate`; do not edit
"""Envelope → typed result: the one place a typed function turns `run_action`'s dict into its model.

Input: the envelope dict (`data`, `error`, `successful`) and the action's `<Action>Output` model.
Output: that model. A failed call's envelope is taken as it is (its `data` is the empty `{}` or
`[]`, never a model of empty fields). A successful one is validated leniently (unknown fields
kept; a `data` off the documented shape stays raw), and should validation still fail the model is
built without it, so a typed call never raises where `run_action` would not.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

_Model = TypeVar("_Model", bound=BaseModel)


def envelope(model: type[_Model], result: dict[str, Any]) -> _Model:
    if not result.get("successful"):
        return model.model_construct(**result)
    try:
        return model.model_validate(result)
    except ValidationError:
        return model.model_construct(**result)
