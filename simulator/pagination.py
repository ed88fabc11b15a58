"""DRF page-number pagination, reproduced: which slice a request gets and the links around it.

Stage: response shaping for collections. Input: the request (its absolute URL and query) and the
filtered items. Output: the page's items plus `count`, `next`, `previous`, with absolute links on the
request's own host, other query params kept (sorted, as DRF rewrites them). `page` out of range or not
an integer raises 404 `{"detail": "Invalid page."}`; a bad size falls back to the default, a big one
is cut to the maximum when one is configured (DRF's `_positive_int(strict=True, cutoff=max)`); by default
there is none, since no source gives Spoki's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from starlette.requests import Request

from .errors import INVALID_PAGE, not_found

T = TypeVar("T")


def page_size(request: Request, default: int, maximum: int | None, size_params: Sequence[str]) -> int:
    for name in size_params:
        raw = request.query_params.get(name)
        if raw is None:
            continue
        try:
            size = int(raw)
        except ValueError:
            return default
        if size <= 0:
            return default
        return size if maximum is None else min(size, maximum)
    return default


def paginate(
    request: Request,
    items: Sequence[T],
    *,
    default_size: int,
    max_size: int | None,
    size_params: Sequence[str] = ("page_size",),
) -> tuple[list[T], dict[str, Any]]:
    size = page_size(request, default_size, max_size, size_params)
    count = len(items)
    pages = max(1, math.ceil(count / size))
    raw_page = request.query_params.get("page", "1")
    if raw_page == "last":
        number = pages
    else:
        try:
            number = int(raw_page)
        except ValueError:
            raise not_found(INVALID_PAGE) from None
    if number < 1 or number > pages:
        raise not_found(INVALID_PAGE)
    url = str(request.url)
    next_url = _replace_query_param(url, "page", str(number + 1)) if number < pages else None
    if number <= 1:
        previous_url = None
    elif number == 2:
        previous_url = _remove_query_param(url, "page")
    else:
        previous_url = _replace_query_param(url, "page", str(number - 1))
    start = (number - 1) * size
    return list(items[start : start + size]), {"count": count, "next": next_url, "previous": previous_url}


def _replace_query_param(url: str, key: str, value: str) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    query_dict = parse_qs(query, keep_blank_values=True)
    query_dict[key] = [value]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query_dict.items()), doseq=True), fragment))


def _remove_query_param(url: str, key: str) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    query_dict = parse_qs(query, keep_blank_values=True)
    query_dict.pop(key, None)
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query_dict.items()), doseq=True), fragment))
