"""Frozen records that are cheap to build: the runtime's per-call values (Request, Reply, Attempt, Outcome).

Input: a frozen, slotted dataclass. Output: the same class (repr, equality, hash, `dataclasses.replace`,
`fields`, and `FrozenInstanceError` on assignment all unchanged) with an `__init__` that stores each
field straight through its slot, instead of the `object.__setattr__(self, name, value)` call per field
that a frozen dataclass's generated `__init__` makes. Every call builds several of these records, and
that generic store is most of their cost (measured: about half of building a 5-field record).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """`cls`, a `@dataclass(frozen=True, slots=True)` with positional fields and plain defaults (no
    factories, no `__post_init__`), given an `__init__` of the same signature that writes the slots."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__ or hasattr(cls, "__post_init__"):
        raise TypeError(f"quick_init needs a frozen, slotted dataclass without __post_init__, got {cls.__name__}")
    closure: dict[str, Any] = {}
    signature: list[str] = []
    body: list[str] = []
    for i, field in enumerate(dataclasses.fields(cls)):  # type: ignore[arg-type]
        if field.default_factory is not dataclasses.MISSING or not field.init or field.kw_only:
            raise TypeError(f"quick_init: field {field.name} of {cls.__name__} has a factory, is keyword-only "
                            f"or is not in __init__")
        closure[f"_set{i}"] = cls.__dict__[field.name].__set__  # the slot's own descriptor: no frozen check
        if field.default is dataclasses.MISSING:
            signature.append(field.name)
        else:
            closure[f"_default{i}"] = field.default
            signature.append(f"{field.name}=_default{i}")
        body.append(f"        _set{i}(self, {field.name})")
    # the setters are closure cells of the generated function (fast to reach), the defaults its defaults
    source = (f"def _make({', '.join(closure)}):\n"
              f"    def __init__(self, {', '.join(signature)}) -> None:\n" + "\n".join(body or ["        pass"])
              + "\n    return __init__\n")
    namespace: dict[str, Any] = {}
    exec(source, {}, namespace)  # the source is built above from the dataclass's own field names
    init = namespace["_make"](**closure)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = cls.__init__.__doc__
    init.__annotations__ = dict(cls.__init__.__annotations__)
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
