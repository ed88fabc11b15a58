"""Strict JSON text: what a request body (or the `--faults` flag) may contain before anyone looks at it.

Stage: request parsing, before validation. Input: body bytes and the charset the Content-Type declares
(UTF-8 when none), or already decoded text. Output: the parsed value, or `ValueError` with a message for
`{"detail": "JSON parse error - <message>"}`: undecodable bytes, nesting too deep for the parser
(RecursionError), `NaN`/`Infinity` and numbers no float can hold (DRF's message), integers past the
4300-digit limit, and lone UTF-16 surrogates (`"\\ud800"`), which no UTF-8 answer could carry back.
"""

from __future__ import annotations

import json
import math
from typing import Any

NOT_COMPLIANT = "Out of range float values are not JSON compliant"


def decode(raw: bytes, charset: str | None = None) -> str:
    """`raw` as text in `charset` (default UTF-8), strictly: no replacement characters, no guessing."""
    encoding = (charset or "utf-8").strip().strip('"') or "utf-8"
    try:
        return raw.decode(encoding)
    except LookupError:
        raise ValueError(f"unknown charset {encoding!r}") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"not {encoding} text: {exc}") from None


def loads(text: str) -> Any:
    """Parses `text`; every problem, including RecursionError, becomes a ValueError."""
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:
        raise ValueError("nested too deeply to parse") from None
    _check_strings(value)
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{NOT_COMPLIANT}: {name!r}")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{NOT_COMPLIANT}: {text!r}")
    return value


def _check_strings(value: Any) -> None:
    """Walks the parsed value without recursion (it may be as deep as the parser allowed)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ValueError(f"lone surrogate \\u{ord(item[exc.start]):04x} is not a character") from None
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
