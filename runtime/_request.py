"""Request building as plain data: validated values → method, absolute URL (path + query) and JSON body.

Stage: after validation, before any I/O. Input: an action's spec (compiled once into a builder)
and, per call, the base URL and the normalized values. Output: `Request`, a frozen record with no
HTTP-library object in it, so request tests compare plain strings and bytes.
Rules: path values are URL-encoded with nothing left safe (a `/` or `..` cannot change the path);
query booleans go as `true`/`false`; the body holds exactly the keys the caller gave; `filter`
inputs are never sent; constant query params come first, then params in spec order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from ._outcome import InputProblem
from ._record import quick_init
from ._values import PLACEHOLDER

if TYPE_CHECKING:
    from .spec import ActionSpec, Param

BODY_METHODS = frozenset({"POST", "PATCH", "PUT"})
MAX_URL = 64_000  # characters of path + query; HTTP stacks refuse longer URLs (httpx at 65,536)
_DOT_SEGMENTS = {".": "%2E", "..": "%2E%2E"}  # quote() keeps dots; a lone dot segment would move the path


@quick_init
@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request as data. `target` is the URL relative to the base URL, for messages and logs;
    `wire` the request-target as it goes on the wire (absolute path and query, percent-encoded ASCII),
    split off once here so the transport never re-parses the URL (empty: derive it from `url`)."""

    method: str
    url: str
    body: bytes | None
    target: str
    wire: bytes = b""


# what may stay as is in a request-target (RFC 3986 pchar, "/", "?" and "%" of an existing escape); every
# other character (space, control, non-ASCII, quotes, brackets...) is percent-encoded as UTF-8, as httpx does
_TARGET_SAFE = "!$&'()*+,;=:@/?%-._~"


def request_to(method: str, url: str, body: bytes | None, target: str) -> Request:
    """A `Request` for an absolute URL that did not come from a builder (a redirect, a next-page link)."""
    return Request(method, url, body, target, split_url(url)[3])


def split_url(url: str) -> tuple[str, str, int, bytes]:
    """(scheme, host, port, request-target bytes) of an absolute http(s) URL; ValueError when it has no host
    or a bad port. The host is lower-case, IPv6 without brackets; the fragment is dropped."""
    parts = urlsplit(url)
    port = parts.port
    host = (parts.hostname or "").lower()
    if not host:
        raise ValueError("the URL has no host")
    scheme = parts.scheme.lower()
    path = quote(parts.path or "/", safe=_TARGET_SAFE)
    if parts.query:
        path = f"{path}?{quote(parts.query, safe=_TARGET_SAFE)}"
    return scheme, host, port or (443 if scheme == "https" else 80), path.encode("ascii")


Builder = Callable[[str, Mapping[str, Any]], Request]  # (base URL without trailing slash, values) -> Request


# quote(text, safe="") leaves these as they are; most values (ids, enums, page sizes) are only these
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")
# json.dumps with options builds an encoder per call; one, built once, gives the same text
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def quoted_text(text: str) -> str:
    """`quote(text, safe="")`, without its work when there is nothing to encode."""
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe="")


def wire_text(value: Any) -> str:
    """A scalar as it travels in a path or query string."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return _JSON(value)
    return repr(value) if isinstance(value, float) else str(value)


def encode_segment(value: Any) -> str:
    text = wire_text(value)
    return _DOT_SEGMENTS.get(text) or quoted_text(text)


def encode_query(pairs: list[tuple[str, Any]]) -> str:
    """`key=value&...`, lists repeating their key (`tag=1&tag=2`), everything percent-encoded."""
    out: list[str] = []
    for key, value in pairs:
        k = quote(key, safe="")
        if isinstance(value, list):
            out.extend(f"{k}={quote(wire_text(item), safe='')}" for item in value if item is not None)
        else:
            out.append(f"{k}={quote(wire_text(value), safe='')}")
    return "&".join(out)


def encode_body(body: Mapping[str, Any]) -> bytes:
    return _JSON(body).encode("utf-8")


def compile_builder(action: ActionSpec) -> Builder:
    """The request builder of one action; everything that does not depend on the values is done here."""
    head, segments = _path_template(action)
    # (param name, "wire=" as sent, the encoded text of each string the spec names): an enum member's text is
    # looked up, not encoded, per call; an int's text needs no encoding; anything else is encoded as it comes
    query_params = tuple((p.name, quote(p.wire_name, safe="") + "=", _enum_texts(p))
                         for p in action.params if p.location == "query")
    body_params = tuple((p.name, p.wire_name) for p in action.params if p.location == "body")
    constants = encode_query(list(action.query_constants.items()))
    method = action.method
    sends_body = method in BODY_METHODS
    base_paths: dict[str, bytes] = {}  # base URL -> its path with a trailing slash, as bytes
    # values are percent-encoded with nothing safe; the spec's literal text is sent as is when it is plain
    literal_ok = all(quote(p, safe=_TARGET_SAFE) == p for p in (head, *(after for _, after in segments)))

    def build(base_url: str, values: Mapping[str, Any]) -> Request:
        target = head
        for name, after in segments:
            value = values[name]
            target += (str(value) if type(value) is int else encode_segment(value)) + after
        if query_params:
            parts = [constants] if constants else []
            for name, prefix, known in query_params:
                value = values.get(name, _ABSENT)
                if value is _ABSENT:
                    continue
                kind = type(value)
                if kind is str:
                    parts.append(prefix + (known.get(value) or quoted_text(value)))
                elif kind is int:
                    parts.append(prefix + str(value))
                elif isinstance(value, list):
                    encoded = "&".join(f"{prefix}{quoted_text(wire_text(v))}" for v in value if v is not None)
                    if encoded:
                        parts.append(encoded)
                else:
                    parts.append(prefix + quoted_text(wire_text(value)))
            if parts:
                target = f"{target}?{'&'.join(parts)}"
        elif constants:
            target = f"{target}?{constants}"
        body = None
        if sends_body:
            body = encode_body({wire: values[name] for name, wire in body_params if name in values})
        url = f"{base_url}/{target}"
        if not literal_ok:
            return Request(method, url, body, target, split_url(url)[3])
        base_path = base_paths.get(base_url)
        if base_path is None:
            base_path = base_paths[base_url] = split_url(base_url + "/")[3]
        return Request(method, url, body, target, base_path + target.encode("ascii"))

    return build


_ABSENT = object()


def _path_template(action: ActionSpec) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The path as its literal head and (param name, literal text after its value) per placeholder."""
    by_wire = {p.wire_name: p.name for p in action.params if p.location == "path"}
    matches = list(PLACEHOLDER.finditer(action.path))
    if not matches:
        return action.path, ()
    head = action.path[:matches[0].start()]
    ends = [m.start() for m in matches[1:]] + [len(action.path)]
    return head, tuple((by_wire.get(m.group(1), m.group(1)), action.path[m.end():end])
                       for m, end in zip(matches, ends, strict=True))


def _enum_texts(param: Param) -> dict[str, str]:
    """A query param's enum strings, each with its text as `quoted_text(wire_text(value))` gives it."""
    enum = param.enum
    return {v: quoted_text(v) for v in enum.values if type(v) is str} if enum is not None else {}


def url_problem(action: ActionSpec, values: Mapping[str, Any], request: Request) -> InputProblem | None:
    """An input problem when the request's URL is too long to send, naming the longest input in it."""
    if len(request.target) <= MAX_URL:
        return None
    sizes = []
    for p in action.params:
        if p.location in ("query", "path") and p.name in values:
            sizes.append((len(encode_query([(p.wire_name, values[p.name])])), p.name))
    size, name = max(sizes, default=(len(request.target), "params"))
    return InputProblem(name, f"is too long to send in the URL: {size:,} characters once encoded, and the "
                              f"whole URL may have at most {MAX_URL:,} (it would have {len(request.target):,})")
