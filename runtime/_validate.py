"""Input validation, compiled once per action from its `Param` models (no jsonschema on the hot path).

Stage: the first step of every call. Input: the caller's params (any object). Output: the
normalized values of the inputs given (`None` means "not given" and is dropped; str, int and
float subclasses such as enum members become plain values) and every problem found, each
naming its field: missing required inputs, unknown keys (with the closest name), wrong types
(`True` is not an integer), array items and object values. What a typed value must also satisfy
(enum, format, bounds, lengths, pattern) is `_constraints`; nested schemas use the same checks.
"""

from __future__ import annotations

import difflib
import math
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ._constraints import Constraint, constraints, lengths
from ._outcome import InputProblem
from ._values import digits, too_many_digits
from ._values import for_python as describe
from ._values import short_repr as _short

if TYPE_CHECKING:
    from .spec import ActionSpec, Param

Problems = list[InputProblem]
Check = Callable[[Any, str, Problems], Any]  # (value, where, problems) -> normalized value
Validator = Callable[[object], tuple[dict[str, Any], Problems]]

_BAD = object()  # a value that does not have the expected type

EXPECTED = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (True or False)",
    "object": "an object (a dict)",
    "array": "an array (a list)",
    "null": "None",
}


# --- type coercion: the value as a plain JSON type, or _BAD ------------------------------------

def _as_string(v: Any) -> Any:
    if type(v) is str:
        return v
    return str.__str__(v) if isinstance(v, str) else _BAD


def _as_integer(v: Any) -> Any:
    if type(v) is int:
        return v
    if isinstance(v, bool) or not isinstance(v, int):
        return _BAD
    return int(v)


def _as_number(v: Any) -> Any:
    if type(v) is int:
        return v
    if isinstance(v, bool):
        return _BAD
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v) if math.isfinite(v) else _BAD
    return _BAD


def _as_boolean(v: Any) -> Any:
    return v if v is True or v is False else _BAD


def _as_object(v: Any) -> Any:
    return dict(v) if isinstance(v, Mapping) else _BAD


def _as_array(v: Any) -> Any:
    return list(v) if isinstance(v, (list, tuple)) else _BAD


def _as_null(v: Any) -> Any:
    return None if v is None else _BAD


# the types whose coercer returns a value of exactly that type as it is (objects and arrays are copied, and
# a float must also be finite)
_EXACT: dict[str, type] = {"string": str, "integer": int, "boolean": bool}

COERCE: dict[str, Callable[[Any], Any]] = {
    "string": _as_string, "integer": _as_integer, "number": _as_number, "boolean": _as_boolean,
    "object": _as_object, "array": _as_array, "null": _as_null,
}


def _too_long(v: Any, where: str, problems: Problems) -> bool:
    """An integer too long to become text (JSON, a URL) cannot be sent; record that, never raise."""
    if type(v) is int and too_many_digits(v):
        problems.append(InputProblem(where, f"is an integer of about {digits(v):,} digits; at most "
                                            f"{sys.get_int_max_str_digits():,} digits can be sent"))
        return True
    return False


def _key_problem(where: str, key: object) -> InputProblem:
    return InputProblem(where, f"keys must be strings, got {describe(key)}")


# --- composing a check ------------------------------------------------------------------------

def _make_check(
    types: tuple[str, ...],
    rules: list[Constraint],
    items: Check | None = None,
    values: Check | None = None,
    properties: dict[str, Check] | None = None,
    required: tuple[str, ...] = (),
    closed: bool = False,
) -> Check:
    """One check: type (first matching type wins), then constraints, then children."""
    coercers = tuple(COERCE[t] for t in types if t in COERCE)
    expected = " or ".join(EXPECTED.get(t, t) for t in types)
    single = coercers[0] if len(coercers) == 1 else None
    # a value already of this exact type is its own coerced value (what the coercer would return)
    exact = _EXACT.get(types[0]) if single is not None else None
    # only an int can be too long to become text: no need to look for one in a string, a list...
    may_be_int = not coercers or "integer" in types or "number" in types
    checks = tuple(rules)
    if items is None and "array" in types:
        items = _any_json
    has_children = "object" in types or "array" in types

    def check(value: Any, where: str, problems: Problems) -> Any:
        if type(value) is exact:
            v = value
        elif single is not None:
            v = single(value)
        elif coercers:
            v = _BAD
            for coerce in coercers:
                v = coerce(value)
                if v is not _BAD:
                    break
        else:
            v = _json_value(value, where, problems)
        if v is _BAD:
            problems.append(InputProblem(where, f"expected {expected}, got {describe(value)}"))
            return value
        if may_be_int and _too_long(v, where, problems):
            return v
        for rule in checks:
            message = rule(v)
            if message is not None:
                problems.append(InputProblem(where, message))
        if has_children and v is not None:
            _children(v, where, problems, items, values, properties, required, closed)
        return v

    return check


def _children(
    v: Any, where: str, problems: Problems, items: Check | None, values: Check | None,
    properties: dict[str, Check] | None, required: tuple[str, ...], closed: bool,
) -> None:
    if isinstance(v, list) and items is not None:
        for i, item in enumerate(v):
            v[i] = items(item, f"{where}[{i}]", problems)
    if isinstance(v, dict):
        for key in list(v):
            if not isinstance(key, str):
                problems.append(_key_problem(where, key))
                continue
            at = f"{where}.{key}"
            prop = properties.get(key) if properties else None
            if prop is not None:
                v[key] = prop(v[key], at, problems)
            elif values is not None:
                v[key] = values(v[key], at, problems)
            elif closed:
                problems.append(InputProblem(at, "is not an allowed key"))
            else:
                v[key] = _json_value(v[key], at, problems)
        for key in required:
            if key not in v:
                problems.append(InputProblem(f"{where}.{key}", "is required"))


def _any_json(value: Any, where: str, problems: Problems) -> Any:
    return _json_value(value, where, problems)


def _json_value(value: Any, where: str, problems: Problems) -> Any:
    """Any JSON value, normalized; a problem for anything JSON cannot carry."""
    if value is None or value is True or value is False:
        return value
    for coerce in (_as_string, _as_integer, _as_number):
        v = coerce(value)
        if v is not _BAD:
            _too_long(v, where, problems)
            return v
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(_key_problem(where, key))
                continue
            out[key] = _json_value(item, f"{where}.{key}", problems)
        return out
    if isinstance(value, (list, tuple)):
        return [_json_value(item, f"{where}[{i}]", problems) for i, item in enumerate(value)]
    if isinstance(value, float):
        problems.append(InputProblem(where, f"must be a finite number; got {_short(value)}"))
    else:
        problems.append(InputProblem(where, f"expected a JSON value, got {describe(value)}"))
    return value


def compile_schema(schema: Any, defs: Mapping[str, Any], depth: int = 0) -> Check:
    """A check for a JSON Schema of the spec subset (`$ref`s into `defs`, `anyOf`, type lists)."""
    if not isinstance(schema, Mapping) or depth > 32:
        return _make_check((), [])
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target = defs.get(ref[len("#/$defs/"):], {})
        merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        return compile_schema(merged, defs, depth + 1)
    if "anyOf" in schema and isinstance(schema["anyOf"], list):
        branches = [compile_schema({**{k: v for k, v in schema.items() if k != "anyOf"}, **b}, defs, depth + 1)
                    for b in schema["anyOf"] if isinstance(b, Mapping)]
        return _any_of(branches)
    raw_type = schema.get("type")
    types: tuple[str, ...] = (raw_type,) if isinstance(raw_type, str) else tuple(raw_type or ())
    rules = constraints(
        schema.get("enum"), schema.get("x-enum-varnames"), schema.get("format"),
        schema.get("minimum"), schema.get("maximum"), schema.get("minLength"), schema.get("maxLength"),
        schema.get("pattern"),
    )
    items = compile_schema(schema["items"], defs, depth + 1) if isinstance(schema.get("items"), Mapping) else None
    extra = schema.get("additionalProperties")
    values = compile_schema(extra, defs, depth + 1) if isinstance(extra, Mapping) else None
    props = schema.get("properties")
    properties = ({k: compile_schema(v, defs, depth + 1) for k, v in props.items()}
                  if isinstance(props, Mapping) else None)
    required = tuple(schema.get("required") or ())
    return _make_check(types, rules, items, values, properties, required, closed=extra is False)


def _any_of(branches: list[Check]) -> Check:
    def check(value: Any, where: str, problems: Problems) -> Any:
        first: Problems | None = None
        for branch in branches:
            attempt: Problems = []
            v = branch(value, where, attempt)
            if not attempt:
                return v
            first = first if first is not None else attempt
        problems.extend(first or [InputProblem(where, "matches none of the allowed shapes")])
        return value

    return check


def compile_param(param: Param, defs: Mapping[str, Any]) -> Check:
    """The check of one input, from its `Param` model (None is handled by the caller)."""
    enum = param.enum
    rules = constraints(
        list(enum.values) if enum is not None else None, enum.labels if enum is not None else None,
        param.format, param.minimum, param.maximum, param.min_length, param.max_length, param.pattern,
    )
    if param.location == "path" and param.type == "string" and param.min_length is None:
        rules.extend(lengths(1, None))  # an empty path segment would change the path
    items = compile_schema(param.items, defs) if param.items is not None else None
    values = compile_schema(param.values, defs) if param.values is not None else None
    return _make_check((param.type,), rules, items, values)


# --- the validator of one action ---------------------------------------------------------------

def compile_validator(action: ActionSpec) -> Validator:
    """`validate(params) -> (values, problems)`; `values` holds only the inputs given, normalized."""
    defs = action.input_schema.get("$defs", {})
    checks: dict[str, Check] = {p.name: compile_param(p, defs) for p in action.params}
    required = tuple(p.name for p in action.params if p.required)
    order = {p.name: i for i, p in enumerate(action.params)}
    names = list(checks)
    listing = (f"; {action.name} takes: {', '.join(names)}" if names else f"; {action.name} takes no inputs")

    def unknown(key: object) -> InputProblem:
        if not isinstance(key, str):
            return InputProblem(_short(key), f"input names must be strings, got {describe(key)}{listing}")
        close = difflib.get_close_matches(key, names, 1, 0.6) or [n for n in names if n.lower() == key.lower()]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return InputProblem(key or repr(key), f"unknown input{hint}{listing}")

    def validate(params: object) -> tuple[dict[str, Any], Problems]:
        problems: Problems = []
        out: dict[str, Any] = {}
        if params is None:
            params = {}
        elif type(params) is not dict and not isinstance(params, Mapping):  # a dict needs no ABC check
            problems.append(InputProblem("params", f"expected an object mapping input names to values, "
                                                   f"got {describe(params)}"))
            return out, problems
        for key, value in params.items():
            check = checks.get(key)
            if check is None:
                problems.append(unknown(key))
            elif value is not None:
                out[key] = check(value, key, problems)
        for name in required:
            if name not in out:
                given_none = name in params
                problems.append(InputProblem(name, "is required; None means not given" if given_none
                                             else "is required but missing"))
        if len(problems) > 1:
            problems.sort(key=lambda p: order.get(p.field.split(".")[0].split("[")[0], len(order)))
        return out, problems

    return validate
