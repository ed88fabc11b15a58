"""Constraint checks of input validation: what a value of the right type must also satisfy.

Stage: built once per action by `_validate`, run after a value has been coerced to its type.
Input: a spec's keywords (enum with labels, format, minimum/maximum, minLength/maxLength,
pattern). Output: `Constraint`s, each taking a normalized value and returning `None` or what is
wrong with it, worded for a Python caller. Formats match the whole string; a spec `pattern` is
searched as JSON Schema does, `$` meaning the very end.
"""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from ._values import E164, E164_PATTERNS
from ._values import short_repr as _short

Constraint = Callable[[Any], "str | None"]  # a normalized value -> None, or what is wrong

# Formats: always used with fullmatch (with `^...$` and .match, "$" would also accept a trailing "\n").
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}(:?\d{2})?)?")
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def constraints(
    enum: Any, labels: Any, fmt: Any, minimum: Any, maximum: Any, min_length: Any, max_length: Any, pattern: Any,
) -> list[Constraint]:
    """The constraints a schema's keywords name, in the order their problems are reported."""
    out: list[Constraint] = []
    if isinstance(enum, (list, tuple)) and enum:
        values = tuple(v for v in enum if v is not None)
        out.append(_enum_check(values, tuple(labels) if isinstance(labels, (list, tuple)) else None))
    if isinstance(fmt, str) and fmt in FORMATS:
        out.append(FORMATS[fmt])
    out.extend(_bounds(minimum, maximum))
    out.extend(lengths(min_length, max_length))
    if isinstance(pattern, str) and not (fmt == "e164" and pattern in E164_PATTERNS):
        out.append(_pattern_check(pattern))
    return out


# --- formats ----------------------------------------------------------------------------------

def _format(ok: Callable[[str], bool], must: str) -> Constraint:
    """A format check: strings that are not `ok` "must be <must>"; other types are not its business."""
    def check(v: Any) -> str | None:
        if not isinstance(v, str) or ok(v):
            return None
        return f"must be {must}; got {_short(v)}"

    return check


def _parses(parse: Callable[[str], object], text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def _is_date(v: str) -> bool:
    return DATE.fullmatch(v) is not None and _parses(date.fromisoformat, v)


def _is_date_time(v: str) -> bool:
    return DATE_TIME.fullmatch(v) is not None and _parses(
        datetime.fromisoformat, v[:-1] + "+00:00" if v[-1] in "Zz" else v)


def _is_uri(v: str) -> bool:
    try:
        parts = urlsplit(v)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc) and not any(c.isspace() for c in v)


def _full(regex: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda v: regex.fullmatch(v) is not None


FORMATS: dict[str, Constraint] = {
    "email": _format(_full(EMAIL), "an email address such as name@example.com"),
    "date": _format(_is_date, "a date in YYYY-MM-DD form, e.g. 2024-05-31"),
    "date-time": _format(_is_date_time, "an ISO-8601 date-time, e.g. 2024-05-31T23:59:59Z"),
    "e164": _format(_full(E164), "a phone number in E.164 form: + then 7 to 15 digits, e.g. +393331234567"),
    "uri": _format(_is_uri, "an absolute URI such as https://example.com/page"),
    "uuid": _format(_full(UUID), "a UUID such as 123e4567-e89b-12d3-a456-426614174000"),
}


# --- enum, bounds, lengths, pattern -----------------------------------------------------------

def _enum_check(values: tuple[Any, ...], labels: tuple[str, ...] | None) -> Constraint:
    if labels and len(labels) == len(values):
        shown = ", ".join(f"{v!r} ({label})" for v, label in zip(values, labels, strict=True))
    else:
        shown = ", ".join(repr(v) for v in values)
    allowed = frozenset(_enum_key(v) for v in values if v is not None)
    # an exact str or int found among the members of exactly those types is allowed (its _enum_key is one of
    # theirs: a str equals only a str, an int only an int here); anything else asks `allowed`
    plain = frozenset(v for v in values if type(v) is str or type(v) is int)
    strings = {v.lower(): v for v in values if isinstance(v, str)}

    def check(v: Any) -> str | None:
        if (type(v) is str or type(v) is int) and v in plain:
            return None
        try:
            if _enum_key(v) in allowed:
                return None
        except TypeError:  # unhashable: a list or dict is never an enum member here
            pass
        hint = ""
        if isinstance(v, str):
            close = strings.get(v.lower()) or next(iter(difflib.get_close_matches(v, list(strings.values()), 1)), None)
            hint = f" (did you mean {close!r}?)" if close is not None else ""
        return f"must be one of {shown}; got {_short(v)}{hint}"

    return check


def _enum_key(v: Any) -> tuple[Any, Any]:
    # True == 1 in Python, but not in JSON Schema: compare kinds as well as values (2 == 2.0 stays equal)
    kind = "number" if type(v) in (int, float) else type(v)
    return kind, v


def _bounds(minimum: float | None, maximum: float | None) -> list[Constraint]:
    out: list[Constraint] = []
    if minimum is not None:
        out.append(_bound(minimum, operator.lt, ">="))
    if maximum is not None:
        out.append(_bound(maximum, operator.gt, "<="))
    return out


def _bound(limit: float, beyond: Callable[[Any, float], bool], sign: str) -> Constraint:
    def check(v: Any) -> str | None:
        kind = type(v)  # an exact int or float is a number; anything else is asked as JSON Schema would
        number = kind is int or kind is float or (isinstance(v, (int, float)) and not isinstance(v, bool))
        if number and beyond(v, limit):
            return f"must be {sign} {_num(limit)}; got {_short(v)}"
        return None

    return check


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def lengths(min_length: int | None, max_length: int | None) -> list[Constraint]:
    """minLength/maxLength of a string (in characters), an array or an object (in items)."""
    out: list[Constraint] = []
    if min_length is not None:
        out.append(_length(min_length, operator.lt, "at least"))
    if max_length is not None:
        out.append(_length(max_length, operator.gt, "at most"))
    return out


def _length(limit: int, beyond: Callable[[int, int], bool], bound: str) -> Constraint:
    def check(v: Any) -> str | None:
        if isinstance(v, (str, list, dict)) and beyond(len(v), limit):
            unit = "characters" if isinstance(v, str) else "items"
            return f"must have {bound} {limit} {unit}; got {len(v)}"
        return None

    return check


def ecma_end(pattern: str) -> str:
    """`pattern` with each `$` outside a character class as `\\Z`: in JSON Schema (ECMA-262) `$`
    is the very end of the string, while Python's `$` also matches before a final newline."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            j = i + 1 + (pattern[i + 1:i + 2] == "^")
            if pattern[j:j + 1] == "]":  # "[]...]" and "[^]...]": a leading "]" is literal in Python
                out.append(pattern[i:j + 1])
                i = j + 1
                continue
        elif ch == "$":
            ch = "\\Z"
        out.append(ch)
        i += 1
    return "".join(out)


def _pattern_check(pattern: str) -> Constraint:
    regex = re.compile(ecma_end(pattern))

    def check(v: Any) -> str | None:
        if not isinstance(v, str) or regex.search(v):
            return None
        return f"must match the pattern {pattern}; got {_short(v)}"

    return check
