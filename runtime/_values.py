"""Values: one classifier of JSON-like values, and the three wordings built on it.

Input: any value a caller, a spec author or an API body can hand us. Output: words for messages.
Python callers read `for_python` (`an integer (5)`, `None`), YAML authors `for_yaml` (`integer 5`,
`null`, `a mapping`), API bodies `for_body` (`a number`, `an object`). The one kind decision is
`kind`; the one text of a value is `short`, which never calls `str()` on a huge integer (Python
refuses more than 4,300 digits). The shared regular expressions live here too: E.164 numbers and
`{placeholders}` in paths.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping
from typing import Any

# Formats: always used with fullmatch (with `^...$` and .match, "$" would also accept a trailing "\n").
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"  # the form written into JSON Schemas
E164_PATTERNS = frozenset({E164_PATTERN, r"^\+[1-9]\d{6,14}$"})  # spellings that mean the format itself
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

SHORT = 60  # longest value text in a message
_SAFE_BITS = 13_000  # about 3,900 decimal digits: below the interpreter's 4,300-digit limit
_ALWAYS_TEXT_BITS = 2_000  # about 602 digits: below the lowest limit Python allows setting (640)


def kind(value: Any) -> str:
    """null, boolean, integer, number, string, object, array, or the type's own name."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def int_text(value: int, limit: int = SHORT) -> str:
    """`str(value)`, or its first digits and `...` when it is too long to show (never raises)."""
    if value.bit_length() < _SAFE_BITS:
        text = str(value)
        return text if len(text) <= limit else text[:limit - 3] + "..."
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    digits = int(magnitude.bit_length() * math.log10(2)) + 1
    while 10 ** (digits - 1) > magnitude:
        digits -= 1
    keep = limit - 3 - len(sign)
    return f"{sign}{magnitude // 10 ** (digits - keep)}..."


def short(text_of: Any, value: Any, limit: int = SHORT) -> str:
    """`text_of(value)` cut to `limit` characters; integers go through `int_text`."""
    if isinstance(value, int) and not isinstance(value, bool):
        return int_text(value, limit)
    text = str(text_of(value))
    return text if len(text) <= limit else text[:limit - 3] + "..."


def short_repr(value: Any) -> str:
    """`repr(value)` cut to fit a message, a huge integer by its first digits (never raises)."""
    return short(repr, value)


_ARTICLE = {"integer": "an integer", "array": "an array", "object": "an object"}


def for_python(value: Any) -> str:
    """For Python callers, type first: `a boolean (True)`, `an integer (5)`, `None`, `an object`."""
    k = kind(value)
    if k == "null":
        return "None"
    if k in ("object", "array"):
        return _ARTICLE[k]
    if k not in ("boolean", "integer", "number", "string"):
        return f"a {k}"
    text = repr(value) if k == "boolean" else short_repr(value)
    return f"{_ARTICLE.get(k, 'a ' + k)} ({text})"


def yaml_kind(value: Any) -> str:
    """For YAML authors, the bare kind: `string`, `integer`, `null` (YAML has no objects or arrays)."""
    k = kind(value)
    return k if k in ("null", "boolean", "integer", "number", "string") else type(value).__name__


def for_yaml(value: Any) -> str:
    """For YAML authors: `string 'x'`, `integer 5`, `boolean true`, `null`, `a mapping`, `a list`."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    text = str(value).lower() if isinstance(value, bool) else short(repr if isinstance(value, str) else str, value)
    return f"{yaml_kind(value)} {text}"


def for_body(value: Any, empty: object = None) -> str:
    """For API bodies, JSON words only: `a number`, `a string`, `an object`; `empty` is the
    caller's marker of an empty body (`an empty body`)."""
    if empty is not None and value is empty:
        return "an empty body"
    k = kind(value)
    if k == "integer":
        return "a number"
    if k == "null":
        return "null"
    if k in ("boolean", "number", "string"):
        return f"a {k}"
    if k in ("object", "array") and isinstance(value, (dict, list)):
        return _ARTICLE[k]
    return type(value).__name__


def is_type(value: Any, type_name: str) -> bool:
    """Whether `value` is of the JSON Schema type `type_name` (booleans are not numbers)."""
    match type_name:
        case "string":
            return isinstance(value, str)
        case "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        case "number":
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        case "boolean":
            return isinstance(value, bool)
        case "object":
            return isinstance(value, dict)
        case "array":
            return isinstance(value, list)
        case "null":
            return value is None
    return False


def quoted(value: Any, limit: int = 60) -> str:
    """`repr(value)`, cut to `limit` characters, for a message. Never raises: an integer past
    Python's digit limit is shown by its size, an object whose repr fails by its type."""
    if isinstance(value, int) and not isinstance(value, bool) and too_many_digits(value):
        return f"an integer of about {digits(value):,} digits"
    try:
        text = repr(value)
    except Exception:  # a caller's object whose __repr__ raises
        return f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def digits(value: int) -> int:
    """About how many decimal digits `value` has (without converting it to text)."""
    return max(1, int(abs(value).bit_length() * 0.30103) + 1)


def too_many_digits(value: int) -> bool:
    """Can `value` not become text (JSON, a URL, a repr) under Python's integer-string limit?"""
    if value.bit_length() <= _ALWAYS_TEXT_BITS:
        return False
    most = sys.get_int_max_str_digits()
    if most <= 0 or abs(value).bit_length() < 3.32 * most:  # below 2**(3.32 n) < 10**n: surely fine
        return False
    return bool(abs(value) >= 10 ** most)
