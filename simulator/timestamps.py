"""Time on the wire: how the simulator writes and reads timestamps and dates.

Stage: serialisation of time. Input: epoch seconds (from the injectable clock) or query strings.
Output: DRF-style ISO-8601 strings (UTC, `Z` suffix, microseconds only when non-zero), `YYYY-MM-DD`
dates, and aware `datetime`s parsed from either form (a bare date means midnight UTC, as Django's
DateTimeField form parsing does).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

# Used with fullmatch only: no surrounding whitespace, no trailing newline, ASCII digits.
_DATE_ONLY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?"
                        r"(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?")


def iso(ts: float) -> str:
    """Epoch seconds to the ISO-8601 form DRF renders (`2024-05-01T10:00:00Z`)."""
    return iso_dt(datetime.fromtimestamp(ts, tz=UTC))


def iso_dt(value: datetime) -> str:
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def day(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).date().isoformat()


def parse_datetime(text: str) -> datetime:
    """A date (`YYYY-MM-DD`, midnight UTC) or an ISO-8601 timestamp (naive means UTC), exactly: no
    padding, ASCII digits; ValueError else, also for moments that UTC cannot hold (year 0 or 10000)."""
    if _DATE_ONLY.fullmatch(text):
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    if not _TIMESTAMP.fullmatch(text):
        raise ValueError(text)
    parsed = datetime.fromisoformat(text.replace("z", "Z"))
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError(text) from None
