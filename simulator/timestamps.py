"""Time on the wire: how the simulator writes and reads timestamps and dates.

Stage: serialisation of time. Input: epoch seconds (from the injectable clock) or query strings.
Output: DRF-style ISO-8601 strings (UTC, `Z` suffix, microseconds only when non-zero), `YYYY-MM-DD`
dates, and aware `datetime`s parsed from either form (a bare date means midnight UTC, as Django's
DateTimeField form parsing does).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso(ts: float) -> str:
    """Epoch seconds to the ISO-8601 form DRF renders (`2024-05-01T10:00:00Z`)."""
    return iso_dt(datetime.fromtimestamp(ts, tz=UTC))


def iso_dt(value: datetime) -> str:
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def day(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).date().isoformat()


def parse_datetime(text: str) -> datetime:
    """A date (`YYYY-MM-DD`, midnight UTC) or an ISO-8601 timestamp (naive means UTC); ValueError else."""
    text = text.strip()
    if _DATE_ONLY.match(text):
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    if not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", text):
        raise ValueError(text)
    parsed = datetime.fromisoformat(text.replace("z", "Z"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
