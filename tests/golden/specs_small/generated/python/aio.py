# generated from specs/ by `spoki-actions generate`; do not edit
"""Async typed functions, one per Spoki action; each is one await of `spoki_actions.arun_action`.

Each typed function returns the action's pydantic envelope model (`<Action>Output`: `data`,
`error`, `successful`), validated leniently: unknown fields are kept, and when `data` does not
match the documented shape (an unknown enum value, a missing field, or the empty `{}`/`[]` of a
failed call) it stays the raw JSON value instead of raising. Like `run_action`, a typed
function never raises for input or API errors: check `successful`. For the typed data without
checks, `unwrap()` returns `data` as its documented type or raises the call's error (`ActionFailed`,
a subclass per kind), and each function's raising variant `<function>_or_raise` does both in one call.
"""

from __future__ import annotations

from typing import Any, Literal

from spoki_actions import AsyncClient

from ._envelope import acall as _acall
from ._envelope import envelope as _envelope
from .models import (
    CreateThingGrade,
    CreateThingOutput,
    DeleteThingOutput,
    Kind,
    ListPeopleItem,
    ListPeopleOutput,
    ListThingsOutput,
    OldListThingsOutput,
    SpokiListThingsOutput,
    Thing,
    ThingPage,
)

__all__ = [
    "create_thing",
    "create_thing_or_raise",
    "delete_thing",
    "delete_thing_or_raise",
    "list_people",
    "list_people_or_raise",
    "list_things",
    "list_things_or_raise",
    "old_list_things",
    "old_list_things_or_raise",
    "spoki_list_things",
    "spoki_list_things_or_raise",
]


async def create_thing(
    *,
    name: str,
    kind: Kind,
    grade: CreateThingGrade | None = None,
    tags: list[str] | None = None,
    attributes: dict[str, str] | None = None,
    from_: str | None = None,
    client: AsyncClient | None = None,
) -> CreateThingOutput:
    """Create thing

    Creates a thing and returns it. Not idempotent.

    Args:
        name: Display name.
            Required.
        kind: Kind of thing (1 SMALL, 2 MEDIUM, 3 LARGE).
            Required.
        grade: Grade, an inline integer enum.
        tags: Tags to put on the thing.
        attributes: Free attributes by name.
        from_: A param whose name is a Python keyword.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        CreateThingOutput: the envelope (data, error, successful). `data` is
        Thing when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_CREATE_THING (POST things/).
    """
    _params: dict[str, Any] = {}
    _params["name"] = name
    _params["kind"] = kind
    if grade is not None:
        _params["grade"] = grade
    if tags is not None:
        _params["tags"] = tags
    if attributes is not None:
        _params["attributes"] = attributes
    if from_ is not None:
        _params["from"] = from_
    return _envelope(CreateThingOutput, await _acall("SPOKI_CREATE_THING", _params, client), "SPOKI_CREATE_THING")


async def create_thing_or_raise(
    *,
    name: str,
    kind: Kind,
    grade: CreateThingGrade | None = None,
    tags: list[str] | None = None,
    attributes: dict[str, str] | None = None,
    from_: str | None = None,
    client: AsyncClient | None = None,
) -> Thing:
    """Create thing

    Like `create_thing` (same arguments), but returns `data` as
    Thing and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_CREATE_THING (POST things/).
    """
    result = await create_thing(
        name=name,
        kind=kind,
        grade=grade,
        tags=tags,
        attributes=attributes,
        from_=from_,
        client=client,
    )
    return result.unwrap()


async def delete_thing(
    *,
    thing_id: int,
    client: AsyncClient | None = None,
) -> DeleteThingOutput:
    """Delete thing

    Deletes a thing by id; the API answers 204 with no body.

    Args:
        thing_id: Id of the thing.
            Required.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        DeleteThingOutput: the envelope (data, error, successful). `data` is
        Any when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_DELETE_THING (DELETE things/{id}/).
    """
    _params: dict[str, Any] = {}
    _params["thing_id"] = thing_id
    return _envelope(DeleteThingOutput, await _acall("SPOKI_DELETE_THING", _params, client), "SPOKI_DELETE_THING")


async def delete_thing_or_raise(
    *,
    thing_id: int,
    client: AsyncClient | None = None,
) -> Any:
    """Delete thing

    Like `delete_thing` (same arguments), but returns `data` as
    Any and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_DELETE_THING (DELETE things/{id}/).
    """
    result = await delete_thing(
        thing_id=thing_id,
        client=client,
    )
    return result.unwrap()


async def list_people(
    *,
    name: str | None = None,
    client: AsyncClient | None = None,
) -> ListPeopleOutput:
    """List people

    Lists people, all at once, as an array.

    Args:
        name: Keep people whose name contains this text.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        ListPeopleOutput: the envelope (data, error, successful). `data` is
        list[ListPeopleItem] when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_LIST_PEOPLE (GET people/).
    """
    _params: dict[str, Any] = {}
    if name is not None:
        _params["name"] = name
    return _envelope(ListPeopleOutput, await _acall("SPOKI_LIST_PEOPLE", _params, client), "SPOKI_LIST_PEOPLE")


async def list_people_or_raise(
    *,
    name: str | None = None,
    client: AsyncClient | None = None,
) -> list[ListPeopleItem]:
    """List people

    Like `list_people` (same arguments), but returns `data` as
    list[ListPeopleItem] and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_LIST_PEOPLE (GET people/).
    """
    result = await list_people(
        name=name,
        client=client,
    )
    return result.unwrap()


async def list_things(
    *,
    status: str | None = None,
    order: Literal["asc", "desc"] | None = None,
    size: Literal["S", "M", "L"] | None = None,
    page: int | None = None,
    active: bool | None = None,
    client: AsyncClient | None = None,
) -> ListThingsOutput:
    """List things

    Lists things, a page at a time, optionally narrowed by `status` and sorted.

    Args:
        status: Status to match, as given.
        order: Sort direction.
            Default (applied by the API when not given): "asc".
        size: Size class.
        page: Page number, from 1.
        active: Only active things.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        ListThingsOutput: the envelope (data, error, successful). `data` is
        ThingPage when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_LIST_THINGS (GET things/).
    """
    _params: dict[str, Any] = {}
    if status is not None:
        _params["status"] = status
    if order is not None:
        _params["order"] = order
    if size is not None:
        _params["size"] = size
    if page is not None:
        _params["page"] = page
    if active is not None:
        _params["active"] = active
    return _envelope(ListThingsOutput, await _acall("SPOKI_LIST_THINGS", _params, client), "SPOKI_LIST_THINGS")


async def list_things_or_raise(
    *,
    status: str | None = None,
    order: Literal["asc", "desc"] | None = None,
    size: Literal["S", "M", "L"] | None = None,
    page: int | None = None,
    active: bool | None = None,
    client: AsyncClient | None = None,
) -> ThingPage:
    """List things

    Like `list_things` (same arguments), but returns `data` as
    ThingPage and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_LIST_THINGS (GET things/).
    """
    result = await list_things(
        status=status,
        order=order,
        size=size,
        page=page,
        active=active,
        client=client,
    )
    return result.unwrap()


async def old_list_things(
    *,
    client: AsyncClient | None = None,
) -> OldListThingsOutput:
    """List things (old)

    The old listing of things.

    Deprecated: Use SPOKI_LIST_THINGS, which pages.
    Use SPOKI_LIST_THINGS instead.

    Args:
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        OldListThingsOutput: the envelope (data, error, successful). `data` is
        list[Thing] when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_OLD_LIST_THINGS (GET old/things/).
    """
    _params: dict[str, Any] = {}
    return _envelope(OldListThingsOutput, await _acall("SPOKI_OLD_LIST_THINGS", _params, client), "SPOKI_OLD_LIST_THINGS")


async def old_list_things_or_raise(
    *,
    client: AsyncClient | None = None,
) -> list[Thing]:
    """List things (old)

    Like `old_list_things` (same arguments), but returns `data` as
    list[Thing] and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_OLD_LIST_THINGS (GET old/things/).
    """
    result = await old_list_things(
        client=client,
    )
    return result.unwrap()


async def spoki_list_things(
    *,
    status: str | None = None,
    order: Literal["asc", "desc"] | None = None,
    size: Literal["S", "M", "L"] | None = None,
    page: int | None = None,
    active: bool | None = None,
    client: AsyncClient | None = None,
) -> SpokiListThingsOutput:
    """List things (variant)

    The same request as SPOKI_LIST_THINGS, under its own catalogue name.

    Variant of SPOKI_LIST_THINGS.

    Args:
        status: Status to match, as given.
        order: Sort direction.
            Default (applied by the API when not given): "asc".
        size: Size class.
        page: Page number, from 1.
        active: Only active things.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        SpokiListThingsOutput: the envelope (data, error, successful). `data` is
        ThingPage when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_SPOKI_LIST_THINGS (GET things/).
    """
    _params: dict[str, Any] = {}
    if status is not None:
        _params["status"] = status
    if order is not None:
        _params["order"] = order
    if size is not None:
        _params["size"] = size
    if page is not None:
        _params["page"] = page
    if active is not None:
        _params["active"] = active
    return _envelope(SpokiListThingsOutput, await _acall("SPOKI_SPOKI_LIST_THINGS", _params, client), "SPOKI_SPOKI_LIST_THINGS")


async def spoki_list_things_or_raise(
    *,
    status: str | None = None,
    order: Literal["asc", "desc"] | None = None,
    size: Literal["S", "M", "L"] | None = None,
    page: int | None = None,
    active: bool | None = None,
    client: AsyncClient | None = None,
) -> ThingPage:
    """List things (variant)

    Like `spoki_list_things` (same arguments), but returns `data` as
    ThingPage and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_SPOKI_LIST_THINGS (GET things/).
    """
    result = await spoki_list_things(
        status=status,
        order=order,
        size=size,
        page=page,
        active=active,
        client=client,
    )
    return result.unwrap()
