"""Query filters: reading DRF / django-filter style query parameters and matching documents.

Stage: request parsing for collections. Input: the request's query params. Output: typed values
(booleans as `true`/`false`/`1`/`0` in any case, ASCII integers, dates or ISO timestamps, choices), with
every bad value collected as a DRF field error `{param: [message]}` instead of failing on the first,
and `search_matches` implementing DRF's SearchFilter (terms split on spaces and commas, every term
must be found, case-insensitively, in at least one of the searched fields).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from .timestamps import parse_datetime

Errors = dict[str, list[str]]

_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
_INTEGER = re.compile(r"[+-]?[0-9]+")  # fullmatch: int() alone takes " 1\n", "1_0" and other scripts' digits


class Query:
    """Typed access to query params; problems pile up in `errors`."""

    def __init__(self, params: Mapping[str, str]) -> None:
        self.params = params
        self.errors: Errors = {}

    def text(self, name: str) -> str | None:
        return self.params.get(name)

    def boolean(self, name: str) -> bool | None:
        raw = self.params.get(name)
        if raw is None or raw == "":
            return None
        value = _BOOLEANS.get(raw.lower())
        if value is None:
            self.errors[name] = [f'"{raw}" is not a valid boolean; use true or false.']
        return value

    def integer(self, name: str) -> int | None:
        raw = self.params.get(name)
        if raw is None or raw == "":
            return None
        try:
            if _INTEGER.fullmatch(raw):
                return int(raw)
        except ValueError:  # past the 4300-digit limit
            pass
        self.errors[name] = ["Enter a whole number."]
        return None

    def moment(self, name: str) -> datetime | None:
        raw = self.params.get(name)
        if raw is None or raw == "":
            return None
        try:
            return parse_datetime(raw)
        except ValueError:
            self.errors[name] = ["Enter a valid date/time."]
            return None

    def choice(self, name: str, choices: Sequence[str]) -> str | None:
        raw = self.params.get(name)
        if raw is None or raw == "":
            return None
        if raw not in choices:
            self.errors[name] = [f"Select a valid choice. {raw} is not one of the available choices."]
            return None
        return raw


def search_terms(raw: str | None) -> list[str]:
    if not raw:
        return []
    return raw.replace("\x00", "").replace(",", " ").split()


def search_matches(terms: Sequence[str], values: Iterable[object]) -> bool:
    haystack = [str(v).lower() for v in values if v is not None]
    return all(any(term.lower() in value for value in haystack) for term in terms)


def normalise_status(value: str) -> str:
    """`IN_PROGRESS`, `in-progress` and `In Progress` all compare as `in progress`."""
    return " ".join(value.replace("_", " ").replace("-", " ").lower().split())
