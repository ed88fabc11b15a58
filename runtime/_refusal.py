"""Refusals as data, worded once: why the runtime will not go on with a reply, a page or a link.

Stage: shared by the response rules (`_response`), the key-origin policy (`_origin`) and the
execution plan. Input: a reason (a key of `WORDING`) and the facts it names. Output: a frozen
`Refusal` (kind + message) that a stage returns instead of a bare string or a `(bool, value)`
pair, so a failure cannot be mistaken for a value and every wording lives in this one table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._outcome import ErrorKind

INVALID = ErrorKind.INVALID_RESPONSE
REFUSED = ErrorKind.API_ERROR

# reason -> (kind, wording); `why_*` reasons complete "the body is not what it should be: ..."
WORDING: dict[str, tuple[ErrorKind, str]] = {
    "why_not_a_page": (INVALID, "expected a page object, got {got}"),
    "why_page_records": (INVALID, "expected the page's records to be an array, got {got}"),
    "why_page_link": (INVALID, "expected the next page link to be a URL string or null, got {got}"),
    "why_not_filterable": (INVALID, "expected an array of records to filter, got {got}"),
    "why_not_object": (INVALID, "expected a JSON object, got {got}"),
    "why_not_array": (INVALID, "expected a JSON array, got {got}"),
    "why_empty_page": (INVALID, "an empty page"),
    "why_page_loop": (INVALID, "the API returned the same next page twice: {target} (a page loop; stopped)"),
    "why_nests_too_deeply": (INVALID, "it nests too deeply to process"),
    "why_unprocessable": (INVALID, "it could not be processed ({error})"),
    "too_many_pages": (INVALID, "{action}: more than {most} pages; stopped rather than return a partial list"),
    "link_off_origin": (INVALID, "refused to follow the next-page link to {place!r}: it is not under the API's "
                                 "base URL, and the API key is sent only to {origin!r}"),
    "redirect_without_location": (REFUSED, "{head}: a redirect without a Location header"),
    "redirect_off_origin": (REFUSED, "{head}: redirect to {place!r} not followed (the API key is sent only to "
                                     "{origin!r}); check the base URL"),
    "too_many_redirects": (REFUSED, "{head}: more than {most} redirects"),
    "redirect_changes_method": (REFUSED, "{head}: redirect of a {method} not followed (it would turn into a "
                                         "GET); check the base URL"),
}


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a stage refused: `kind` classifies it, `message` says it (from `WORDING`)."""

    kind: ErrorKind
    message: str
    reason: str


def refuse(reason: str, **facts: Any) -> Refusal:
    kind, wording = WORDING[reason]
    return Refusal(kind, wording.format(**facts), reason)
