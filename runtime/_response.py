"""Response rules: a raw answer (plain data) → the envelope's `data`, or a failure a person can act on.

Stage: after the transport. Input: `Reply` (status, headers, body bytes) from `_transport`, and
the action's `Response` spec compiled once into a `Reader`. Output: pages' items and `next` URLs,
then `data` after record filters and `select` (JMESPath, imported only for actions that declare
a non-trivial expression), or an error message: the HTTP status, the API's `detail`/`code` and
its field messages named by input, or what is wrong with the body. Also the strict-mode check of
`data` against the output schema (jsonschema, imported only then, one validator per action).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._outcome import ErrorKind
from ._record import quick_init
from ._redact import redact_edge, shorten
from ._refusal import Refusal, refuse
from ._values import E164, for_body

if TYPE_CHECKING:
    from .spec import ActionSpec

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # used with fullmatch
MAX_DETAIL = 600  # characters of API detail kept in an error message
MAX_TEXT = 200  # characters of a non-JSON error body kept in an error message
TEXT_READ = 4096  # bytes of a non-JSON error body read to find those characters
NO_ENDPOINT = "no such endpoint (check the spec's path)"
EMPTY = object()  # an empty success body


@quick_init
@dataclass(frozen=True, slots=True)
class Reply:
    """One HTTP answer as data. `headers` is case-insensitive (lower-case keys are safe)."""

    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes
    url: str


@quick_init
@dataclass(frozen=True, slots=True)
class Failure:
    """No usable answer. `sent` is False only when the request provably never reached the server."""

    kind: ErrorKind
    message: str
    sent: bool = True
    status: int | None = None  # set when an answer came but could not be used (e.g. too large)


Expr = Callable[[Any], Any]


def compile_expression(text: str) -> Expr:
    """A JMESPath expression as a function; a bare field name needs no JMESPath at all."""
    if IDENTIFIER.fullmatch(text) and text not in ("null", "true", "false"):
        def field(data: Any) -> Any:
            return data.get(text) if isinstance(data, dict) else None
        return field
    import jmespath

    return jmespath.compile(text).search


class BodyError(ValueError):
    """A body that is not JSON we accept. `why` completes "the body is not what it should be: ...",
    or is None when the body is simply not JSON (the caller names its type and size)."""

    def __init__(self, why: str | None = None) -> None:
        super().__init__(why or "not JSON")
        self.why = why


def _refuse_constant(name: str) -> Any:
    raise BodyError(f"it holds {name}, which is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyError(f"it holds the number {text[:40]}, too large for a finite number")
    return value


# one decoder, built once (json.loads with options would build one per call); its scanner is what
# `JSONDecoder.decode` runs between two whitespace matches, called here without decode's two method layers
_DECODER = json.JSONDecoder(parse_float=_finite_float, parse_constant=_refuse_constant)
_SCAN: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]
_SPACE = re.compile(r"[ \t\n\r]*").match  # json.decoder.WHITESPACE: what may surround the value


_OPENERS = frozenset(b"{[")


def parse_body(body: bytes) -> Any:
    """The JSON value of a body, or EMPTY for an empty one. Raises `BodyError` (a ValueError)
    when it is not JSON, nests deeper than the JSON reader can follow, or holds a number that is
    not finite (NaN, Infinity, 1e999), so that `data` is always valid JSON."""
    if not body or body.isspace():
        return EMPTY
    # an object or array whose second byte is not NUL is UTF-8 (json.detect_encoding says so, asked)
    encoding = "utf-8" if body[0] in _OPENERS and len(body) > 1 and body[1] else json.detect_encoding(body)
    try:
        text = body.decode(encoding, "surrogatepass")
        value, end = _SCAN(text, _SPACE(text, 0).end())  # type: ignore[union-attr]
        if end != len(text) and _SPACE(text, end).end() != len(text):  # type: ignore[union-attr]
            raise BodyError()  # extra data after the value
        return value
    except StopIteration:  # no JSON value where one starts
        raise BodyError() from None
    except BodyError:
        raise
    except RecursionError:
        raise BodyError("it nests too deeply to read") from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, an integer of too many digits
        raise BodyError() from None


class Reader:
    """An action's response rules, compiled once."""

    __slots__ = ("_strict", "action", "bare_array", "by_id", "empty_is_array", "filters", "items_of", "max_pages",
                 "next_of", "output_type", "select", "success", "unsafe", "wire_names")

    def __init__(self, action: ActionSpec) -> None:
        r = action.response
        self.action = action.name
        self.by_id = any(p.location == "path" for p in action.params)
        self.unsafe = action.behaviour.safety == "unsafe"
        self.success = frozenset(r.success)
        out_type = r.top_type
        self.empty_is_array = out_type == "array"
        self.output_type = out_type if out_type in ("object", "array") else None
        self.next_of = compile_expression(r.paginate.next) if r.paginate else None
        self.items_of = compile_expression(r.paginate.items) if r.paginate else None
        self.max_pages = r.paginate.max_pages if r.paginate else 1
        self.bare_array = bool(r.paginate and r.paginate.bare_array)
        self.filters = tuple((f.param, f.field, f.op) for f in r.filters)
        self.select = compile_expression(r.select) if r.select else None
        self.wire_names = {p.wire_name: p.name for p in action.params
                           if p.wire_name != p.name and p.location in ("body", "query")}
        self._strict: Callable[[Any], list[str]] | None = None

    def empty(self) -> Any:
        return [] if self.empty_is_array else {}

    # --- success ------------------------------------------------------------------------------

    def page(self, body: Any) -> tuple[list[Any], Any] | Refusal:
        """(items, next URL or None) of one page, or why it is not one. With `bare_array` the
        API may also answer the whole list as a bare JSON array (a single page)."""
        assert self.items_of is not None and self.next_of is not None
        if isinstance(body, list) and self.bare_array:
            return body, None
        if not isinstance(body, dict):
            return refuse("why_not_a_page", got=_kind(body))
        items = self.items_of(body)
        if not isinstance(items, list):
            return refuse("why_page_records", got=_kind(items))
        nxt = self.next_of(body)
        if nxt is not None and not isinstance(nxt, str):
            return refuse("why_page_link", got=_kind(nxt))
        return items, nxt or None

    def finish(self, body: Any, values: Mapping[str, Any]) -> Any | Refusal:
        """`data` after filters and select, or why the body cannot give it."""
        if body is EMPTY:
            return self.empty()
        data = body
        if self.filters:
            wanted = [(field, op, values[param]) for param, field, op in self.filters if param in values]
            if wanted:
                if not isinstance(data, list):
                    return refuse("why_not_filterable", got=_kind(data))
                data = [rec for rec in data if isinstance(rec, dict) and _keep(rec, wanted)]
        if self.select is not None:
            data = self.select(data)
        if self.output_type == "object" and not isinstance(data, dict):
            return refuse("why_not_object", got=_kind(data))
        if self.output_type == "array" and not isinstance(data, list):
            return refuse("why_not_array", got=_kind(data))
        return data

    def strict_problems(self, output_schema: dict[str, Any], data: Any) -> list[str]:
        """Where `data` breaks the output schema (empty when it conforms)."""
        if self._strict is None:
            self._strict = compile_strict(output_schema)
        return self._strict(data)

    # --- errors -------------------------------------------------------------------------------

    def describe_error(self, reply: Reply, method: str, target: str, detail_keys: tuple[str, ...],
                       auth_hint: str, retry_after: float | None, key: str = "") -> tuple[ErrorKind, str]:
        """The kind and message of an error reply; the key (`key`) is redacted before any cut."""
        kind = status_kind(reply.status)
        head = f"HTTP {reply.status} {reply.reason} from {method} {target.split('?')[0]}".rstrip()
        try:
            body = parse_body(reply.body)
        except ValueError:
            body = None
            detail = _non_json(reply, key)
        else:
            detail = "" if body is EMPTY else self._detail(body, detail_keys, key)
        if reply.status == 404 and not _drf_error(body, detail_keys):
            return kind, f"{head}: {NO_ENDPOINT}" + (f"; {detail}" if detail else "")
        hint = _hint(kind, reply.status, auth_hint, retry_after, self.by_id, self.unsafe)
        message = head + (f": {detail}" if detail else "")
        if hint:
            message += ("" if message.endswith((".", "!", "?")) else ".") + f" {hint}"
        return kind, message

    def _detail(self, body: Any, detail_keys: tuple[str, ...], key: str) -> str:
        parts: list[str] = []
        if isinstance(body, dict):
            code = None
            for name in detail_keys:
                value = body.get(name)
                if name == "code" and isinstance(value, (str, int)):
                    code = str(value)
                elif isinstance(value, (str, int, float)) and str(value) not in parts:
                    parts.append(str(value))
            for name, value in body.items():
                if name in detail_keys and isinstance(value, (str, int, float)):
                    continue  # already shown above ("code" may also be a field with messages)
                parts.extend(self._field_messages(str(name), value))
            text = "; ".join(parts)
            if code:
                text = f"{text} (code {code})" if text else f"code {code}"
        elif isinstance(body, list):
            text = "; ".join(str(v) for v in body if isinstance(v, (str, int, float)))
        else:
            text = str(body)
        return shorten(text, MAX_DETAIL, key)

    def _field_messages(self, key: str, value: Any, depth: int = 0) -> list[str]:
        name = self.wire_names.get(key, key) if depth == 0 else key
        label = "" if key in ("non_field_errors", "__all__") else f"{name}: "
        if isinstance(value, str):
            return [f"{label}{value}"]
        if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
            return [f"{label}{' '.join(str(v) for v in value)}"] if value else []
        if isinstance(value, dict) and depth < 3:
            out: list[str] = []
            for sub, sub_value in value.items():
                out.extend(f"{label.rstrip(': ')}.{m}" if label else m
                           for m in self._field_messages(str(sub), sub_value, depth + 1))
            return out
        return []


def status_kind(status: int) -> ErrorKind:
    if status in (400, 422):
        return ErrorKind.BAD_REQUEST
    if status in (401, 403):
        return ErrorKind.AUTH
    if status == 404:
        return ErrorKind.NOT_FOUND
    if status == 429:
        return ErrorKind.RATE_LIMITED
    if status >= 500:
        return ErrorKind.UPSTREAM
    return ErrorKind.API_ERROR


def _hint(kind: ErrorKind, status: int, auth_hint: str, retry_after: float | None, by_id: bool,
          unsafe: bool) -> str:
    if status == 401:
        return f"Check the API key ({auth_hint})."
    if status == 403:
        return "The key has no access to this endpoint (partner endpoints need a partner-level key)."
    if kind is ErrorKind.NOT_FOUND:
        return "No such resource: check the id." if by_id else "Check the base URL."
    if kind is ErrorKind.RATE_LIMITED:
        after = f" (the API asked to wait {retry_after:g} s)" if retry_after is not None else ""
        return f"Rate limited{after}; slow down or try again later."
    if kind is ErrorKind.UPSTREAM:  # for an unsafe action the caller adds what to check before retrying
        return "The Spoki API failed." if unsafe else "The Spoki API failed; try again later."
    return ""


def _non_json(reply: Reply, key: str) -> str:
    ctype = reply.headers.get("content-type", "").split(";")[0].strip().lower()
    if "html" in ctype or reply.body.lstrip()[:1] == b"<":
        return f"the body is an HTML page ({len(reply.body)} bytes), not JSON"
    text = reply.body[:TEXT_READ].decode("utf-8", "replace")
    if len(reply.body) > TEXT_READ:  # this cut may land inside the key
        text = redact_edge(text, key)
    return shorten(" ".join(text.split()), MAX_TEXT + 3, key)


def _drf_error(body: Any, detail_keys: tuple[str, ...]) -> bool:
    """Is `body` an error of the API itself (DRF's `detail`, or field errors), not a web server's page?"""
    if not isinstance(body, dict) or not body:
        return False
    if any(isinstance(body.get(name), str) for name in detail_keys):
        return True
    return any(isinstance(v, str) or (isinstance(v, list) and v and all(isinstance(x, str) for x in v))
               for v in body.values())


def _kind(value: Any) -> str:
    return for_body(value, EMPTY)


def _keep(record: dict[str, Any], wanted: Sequence[tuple[str, str, Any]]) -> bool:
    for field, op, value in wanted:
        have = record.get(field)
        if op == "contains":
            if have is None or str(value).casefold() not in str(have).casefold():
                return False
        elif have != value:
            return False
    return True


def invalid_body(reply: Reply, method: str, target: str, why: str) -> str:
    return f"HTTP {reply.status} from {method} {target.split('?')[0]}, but the body is not what it should be: {why}"


def compile_strict(schema: dict[str, Any]) -> Callable[[Any], list[str]]:
    """A 2020-12 validator of `data` (formats checked, `e164` included)."""
    import jsonschema

    checker = jsonschema.FormatChecker()

    @checker.checks("e164")
    def _e164(value: object) -> bool:
        return not isinstance(value, str) or E164.fullmatch(value) is not None

    validator = jsonschema.Draft202012Validator(schema, format_checker=checker)

    def problems(data: Any) -> list[str]:
        out = []
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
            where = "data" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
            out.append(f"{where}: {error.message}")
        return out

    return problems
