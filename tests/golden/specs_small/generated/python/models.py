# generated from specs/ by `spoki-actions generate`; do not edit
"""Pydantic v2 models of every Spoki action, from datamodel-code-generator.

`<Action>Input` holds an action's params (unknown keys refused); `<Action>Output` its envelope
(`data`, `error`, `successful`), read leniently: unknown fields are kept, and a `data` that does not
match the documented shape stays the raw JSON value (`data` is tried left to right). Shared shapes
and enums are defined once; integer enums are IntEnums (`FieldType.TEXT == 1`).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Annotated, Any, cast
from pydantic import BaseModel, ConfigDict, Field

from ._envelope import Envelope


class Kind(IntEnum):
    SMALL = 1
    MEDIUM = 2
    LARGE = 3


class Order(StrEnum):
    asc = 'asc'
    desc = 'desc'


class Thing(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    name: Annotated[str, Field(description='Display name.')]
    kind: Kind
    tags: list[str] | None = None
    note: str | None = None


class ThingPage(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    count: int
    next: str | None
    results: list[Thing]


class CreateThingOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[Thing | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> Thing:
        """`data` as `Thing` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('Thing', self._unwrap(lambda d: isinstance(d, Thing)))


class CreateThingGrade(IntEnum):
    BASIC = 10
    PREMIUM = 20


class DeleteThingInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    thing_id: Annotated[int, Field(description='Id of the thing.', examples=[7], ge=1)]


class DeleteThingOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Any
    error: str | None
    successful: bool

    def unwrap(self) -> Any:
        """`data` as `Any` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return self._unwrap(None)


class ListPeopleInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    name: Annotated[str | None, Field(description='Keep people whose name contains this text.')] = None


class ListPeopleItem(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    name: Annotated[str, Field(description='Full name.')]
    age: int | None = None


class Size(StrEnum):
    S = 'S'
    M = 'M'
    L = 'L'


class ListThingsInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    status: Annotated[str | None, Field(description='Status to match, as given.', examples=['OPEN'])] = None
    order: Annotated[Order | None, Field(description='Sort direction.', examples=['desc'])] = None
    size: Annotated[Size | None, Field(description='Size class.')] = None
    page: Annotated[int | None, Field(description='Page number, from 1.', examples=[2], ge=1)] = None
    active: Annotated[bool | None, Field(description='Only active things.')] = None


class ListThingsOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[ThingPage | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> ThingPage:
        """`data` as `ThingPage` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('ThingPage', self._unwrap(lambda d: isinstance(d, ThingPage)))


class OldListThingsInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )


class OldListThingsOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[list[Thing] | list[Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> list[Thing]:
        """`data` as `list[Thing]` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('list[Thing]', self._unwrap(lambda d: isinstance(d, list) and all(isinstance(x, Thing) for x in d)))


class SpokiListThingsInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    status: Annotated[str | None, Field(description='Status to match, as given.', examples=['OPEN'])] = None
    order: Annotated[Order | None, Field(description='Sort direction.', examples=['desc'])] = None
    size: Annotated[Size | None, Field(description='Size class.')] = None
    page: Annotated[int | None, Field(description='Page number, from 1.', examples=[2], ge=1)] = None
    active: Annotated[bool | None, Field(description='Only active things.')] = None


class SpokiListThingsOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[ThingPage | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> ThingPage:
        """`data` as `ThingPage` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('ThingPage', self._unwrap(lambda d: isinstance(d, ThingPage)))


class CreateThingInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    name: Annotated[str, Field(description='Display name.', examples=['Lamp'], min_length=1)]
    kind: Annotated[Kind, Field(description='Kind of thing (1 SMALL, 2 MEDIUM, 3 LARGE).', examples=[2])]
    grade: Annotated[CreateThingGrade | None, Field(description='Grade, an inline integer enum.')] = None
    tags: Annotated[list[str] | None, Field(description='Tags to put on the thing.', examples=[['red', 'round']])] = None
    attributes: Annotated[dict[str, str] | None, Field(description='Free attributes by name.', examples=[{'colour': 'red'}])] = None
    from_: Annotated[str | None, Field(alias='from', description='A param whose name is a Python keyword.', examples=['2024-01-31'])] = None


class ListPeopleOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[list[ListPeopleItem] | list[Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> list[ListPeopleItem]:
        """`data` as `list[ListPeopleItem]` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('list[ListPeopleItem]', self._unwrap(lambda d: isinstance(d, list) and all(isinstance(x, ListPeopleItem) for x in d)))
