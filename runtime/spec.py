"""The spec model: one frozen description of the connector and every action.

Input: built by `spoki_actions.loader` from `specs/*.yaml` (validated), or by
`from_dict` from the compiled catalogue that the generator writes.
Output: plain frozen dataclasses read by both the generator and the runtime.
Every value is JSON-compatible so that `to_dict`/`from_dict` round-trip exactly; both are
derived from the dataclass fields and their types, so a new field needs no code there.
JSON Schemas held here are bundled: an output schema's and an input schema's `$ref`s
point into that schema's own `$defs`; a `Param.schema` is one property of its action's
`input_schema`, so its `$ref`s point into the input schema's `$defs`.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache
from typing import Any, Literal, TypeVar, Union, cast, get_args, get_origin, get_type_hints

_T = TypeVar("_T")

Location = Literal["path", "query", "body", "filter"]
Safety = Literal["read", "idempotent", "unsafe"]
ParamType = Literal["string", "integer", "number", "boolean", "object", "array"]
FilterOp = Literal["contains", "equals"]

@dataclass(frozen=True, slots=True)
class EnumSpec:
    """A closed set of values. Integer enums always carry one label per value."""

    name: str | None  # shared enum name (e.g. "FieldType"), None for an inline enum
    values: tuple[Any, ...]
    labels: tuple[str, ...] | None  # aligned with `values`; required for integer enums


@dataclass(frozen=True, slots=True)
class Param:
    """One input of an action, as the caller names it."""

    name: str
    type: ParamType
    location: Location
    wire_name: str
    required: bool
    nullable: bool
    description: str
    has_default: bool = False  # a default can legitimately be null, hence the flag
    default: Any = None
    enum: EnumSpec | None = None
    format: str | None = None  # email | date | date-time | e164 | uri | uuid
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    items: dict[str, Any] | None = None  # JSON Schema of array items
    values: dict[str, Any] | None = None  # JSON Schema of object values (additionalProperties)
    has_example: bool = False
    example: Any = None
    schema: dict[str, Any] = field(default_factory=dict)  # full JSON Schema of this param (bundled)


@dataclass(frozen=True, slots=True)
class Pagination:
    """Follow `next` links and gather every page's items into one array."""

    next: str  # JMESPath selecting the next page URL (null/absent = last page)
    items: str  # JMESPath selecting the page's records
    max_pages: int
    bare_array: bool = False  # the API may also answer the whole list as a bare JSON array


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """Keep records whose `field` matches the value of input `param` (client side)."""

    param: str
    field: str
    op: FilterOp  # contains: case-insensitive substring; equals: exact


@dataclass(frozen=True, slots=True)
class Response:
    """How a raw API answer becomes the envelope's `data`.

    Order: status check → JSON body → pagination (items of every page, in order)
    → record filters → `select` (JMESPath over the body or the gathered records).
    """

    success: tuple[int, ...]
    select: str | None
    paginate: Pagination | None
    filters: tuple[RecordFilter, ...]
    output: dict[str, Any]  # JSON Schema (2020-12) of `data`, bundled

    @property
    def top_type(self) -> Any:
        """The output's top-level `type`, following `$ref`s into its own `$defs`."""
        node: Any = self.output
        for _ in range(8):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#/$defs/")):
                break
            node = self.output.get("$defs", {}).get(ref[len("#/$defs/"):], {})
        return node.get("type") if isinstance(node, dict) else None

    @property
    def data_is_array(self) -> bool:
        return bool(self.top_type == "array")

    @property
    def empty_data(self) -> Any:
        return [] if self.data_is_array else {}


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `requests` in any `window` seconds, shared by every action naming `bucket`."""

    bucket: str
    requests: int
    window: float


@dataclass(frozen=True, slots=True)
class Deprecation:
    message: str
    replacement: str | None


@dataclass(frozen=True, slots=True)
class Reconcile:
    """How an uncertain call is read back: run the read action `action` with `params` (its input ←
    this action's input), take the records at `records` (JMESPath; None = data) and look for one whose
    fields equal this action's inputs as `match` says (record field ← input)."""

    action: str
    params: dict[str, str]
    records: str | None
    match: dict[str, str]


@dataclass(frozen=True, slots=True)
class Behaviour:
    safety: Safety
    rate_limit: RateLimit | None
    cache_ttl: float | None  # seconds; None = not cached
    deprecated: Deprecation | None
    reconcile: Reconcile | None = None


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str  # catalogue slug, e.g. SPOKI_LIST_TICKETS
    title: str
    description: str
    group: str
    method: str  # GET | POST | PATCH | DELETE
    path: str  # relative to the base URL, with {placeholders}
    params: tuple[Param, ...]
    query_constants: dict[str, Any]  # fixed query params sent on every request
    response: Response
    behaviour: Behaviour
    variant_of: str | None
    source: str  # spec file, relative to the specs folder (posix)
    input_schema: dict[str, Any]  # JSON Schema of the params object (bundled, additionalProperties false)

    @property
    def function_name(self) -> str:
        """Python name: drop the `SPOKI_` prefix, lower-case the rest."""
        base = self.name[len("SPOKI_"):] if self.name.startswith("SPOKI_") else self.name
        return base.lower()

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int
    max_elapsed: float  # seconds, total budget for all attempts and waits
    backoff_initial: float
    backoff_max: float
    backoff_multiplier: float
    jitter: float  # fraction of the delay added at random (0..1)
    retry_after_cap: float
    retry_statuses: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Connector:
    name: str
    base_url: str
    auth_header: str
    auth_env: str
    base_url_env: str
    timeout: float
    max_response_bytes: int
    retry: RetryPolicy
    error_detail_keys: tuple[str, ...]  # body keys that carry the API's message, in order
    default_success: dict[str, tuple[int, ...]]  # success statuses by HTTP method
    rate_limits: dict[str, RateLimit]
    enums: dict[str, EnumSpec]


@dataclass(frozen=True, slots=True)
class Catalogue:
    connector: Connector
    actions: dict[str, ActionSpec]  # by name, sorted


# --- JSON round trip (the compiled catalogue) -------------------------------------------------

def _enc(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _enc(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_enc(v) for v in value]
    if isinstance(value, dict):
        return {k: _enc(v) for k, v in value.items()}
    return value


def to_dict(catalogue: Catalogue) -> dict[str, Any]:
    """The catalogue as JSON-compatible data (tuples become lists)."""
    return dict(_enc(catalogue))


def _dec(hint: Any, value: Any) -> Any:
    """`value` (JSON data) as the type `hint` names: dataclasses, optionals, tuples, dicts."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _dec(inner, value)
    if origin is tuple:
        return tuple(value) if args[0] is Any else tuple(_dec(args[0], v) for v in value)
    if origin is dict:
        return value if args[1] is Any else {k: _dec(args[1], v) for k, v in value.items()}
    if is_dataclass(hint):
        return _build(cast(type, hint), value)
    return value


@cache
def _hints(cls: Any) -> dict[str, Any]:
    return get_type_hints(cls)


def _build(cls: type[_T], data: dict[str, Any]) -> _T:
    """A model dataclass from its `to_dict` form, field by field from the declared types."""
    hints = _hints(cast(Any, cls))
    # a field missing from older data takes its default (a field without one is still required)
    given = [f.name for f in fields(cast(Any, cls)) if f.init and f.name in data]
    return cls(**{name: _dec(hints[name], data[name]) for name in given})


def from_dict(data: dict[str, Any]) -> Catalogue:
    """Inverse of `to_dict`, derived from the dataclass fields (a new field needs nothing here)."""
    return _build(Catalogue, data)
