"""The execution plan of one call, written once for both clients (sans-I/O).

Stage: everything between the action name and the `Outcome`. Input: the client's `Context`
(settings, pacer, cache, clock), a compiled action and the caller's params. Output: either an
immediate `Outcome` (unknown action, invalid input, cache hit) or a generator that yields the
I/O it needs (a `Request` to send, or a float of seconds to sleep), receives a `Reply`/`Failure`
per request and returns the `Outcome`. `Client` drives it with blocking calls, `AsyncClient` with
awaits, so retries, pacing, redirects, pagination and response rules exist once. Logging: one
debug line per attempt (action, method, path, status, duration).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from . import _retry
from ._cache import AnswerCache, cache_key
from ._config import Settings, origin_of
from ._outcome import TRANSIENT_KINDS, ErrorKind, InputProblem, Outcome
from ._pacing import Pacer
from ._registry import CompiledAction, Registry
from ._request import Request
from ._response import EMPTY, Failure, Reply, invalid_body, parse_body
from .errors import unknown_action_message

log = logging.getLogger("spoki_actions")

Step = Request | float  # what a plan asks its driver for: send a request, or sleep this many seconds
Plan = Generator[Step, "Reply | Failure | None", Outcome]
MAX_REDIRECTS = 5


@dataclass(slots=True)
class Context:
    """What one client shares between its calls."""

    settings: Settings
    registry: Registry
    pacer: Pacer | None
    cache: AnswerCache | None
    clock: Callable[[], float]
    rand: Callable[[], float] = _retry.jitter_source
    strict: bool = False

    def redact(self, text: str) -> str:
        key = self.settings.api_key.reveal()
        return text.replace(key, "***") if len(key) >= 6 and key in text else text


def failed(action: str, empty: Any, kind: ErrorKind, message: str, **facts: Any) -> Outcome:
    return Outcome(action, {"data": empty, "error": message, "successful": False}, kind, **facts)


def unknown_action(registry: Registry, name: object) -> Outcome:
    shown = name if isinstance(name, str) else repr(name)
    return failed(shown, {}, ErrorKind.UNKNOWN_ACTION, unknown_action_message(shown, registry.suggest(name)))


def invalid_input(action: CompiledAction, problems: list[InputProblem], duration: float) -> Outcome:
    count = len(problems)
    head = (f"invalid input for {action.spec.name}" if count == 1
            else f"{count} problems with the input of {action.spec.name}")
    message = f"{head}: " + "; ".join(str(p) for p in problems)
    return failed(action.spec.name, action.reader.empty(), ErrorKind.VALIDATION, message,
                  problems=tuple(problems), duration=duration)


def prepare(ctx: Context, action: CompiledAction, params: object, strict: bool | None,
            use_cache: bool) -> Outcome | Plan:
    """Validate, consult the cache, and return the plan (or the outcome when no request is needed)."""
    start = ctx.clock()
    values, problems = action.validate(params)
    if problems:
        return invalid_input(action, problems, ctx.clock() - start)
    strict = ctx.strict if strict is None else strict
    key = None
    ttl = action.spec.behaviour.cache_ttl
    if ttl and ctx.cache is not None:
        key = cache_key(action.spec.name, values)
        if use_cache:
            hit, cached = ctx.cache.get(key, start)
            if hit:
                status, data = cached
                if strict:
                    problems_found = action.reader.strict_problems(action.spec.response.output, data)
                    if problems_found:
                        return _strict_failure(ctx, action, problems_found, status, 0, ctx.clock() - start)
                envelope = {"data": data, "error": None, "successful": True}
                return Outcome(action.spec.name, envelope, None, status, False, 0, ctx.clock() - start, True)
    return plan(ctx, action, values, strict, key, start)


def _strict_failure(ctx: Context, action: CompiledAction, problems: list[str], status: int | None,
                    attempts: int, duration: float) -> Outcome:
    shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
    message = ctx.redact(f"strict mode: the data of {action.spec.name} does not match its output schema: {shown}")
    return failed(action.spec.name, action.reader.empty(), ErrorKind.INVALID_RESPONSE, message,
                  status=status, attempts=attempts, duration=duration)


def plan(ctx: Context, action: CompiledAction, values: Mapping[str, Any], strict: bool, key: str | None,
         start: float) -> Plan:
    spec = action.spec
    reader = action.reader
    settings = ctx.settings
    policy = settings.retry
    safety = spec.behaviour.safety
    limit = spec.behaviour.rate_limit if ctx.pacer is not None else None
    clock = ctx.clock
    debug = log.isEnabledFor(logging.DEBUG)
    request = action.build(settings.base_url, values)
    gathered: list[Any] | None = [] if reader.items_of is not None else None
    pages = attempts = retries = redirects = 0

    def fail(kind: ErrorKind, message: str, status: int | None, sent: bool = True) -> Outcome:
        retryable = kind in TRANSIENT_KINDS and (safety != "unsafe" or not sent or status == 429)
        if attempts > 1:
            message += f" (after {attempts} attempts in {clock() - start:.1f} s)"
        return failed(spec.name, reader.empty(), kind, ctx.redact(message), status=status, retryable=retryable,
                      attempts=attempts, duration=clock() - start)

    while True:
        if limit is not None:
            assert ctx.pacer is not None
            wait = ctx.pacer.reserve(limit, clock())
            if wait > 0:
                if debug:
                    log.debug("%s: pacing %s (%d per %g s): waiting %.3f s", spec.name, limit.bucket,
                              limit.requests, limit.window, wait)
                yield wait
        attempts += 1
        sent_at = clock()
        reply = yield request
        if debug:
            shown = reply.status if isinstance(reply, Reply) else (reply.kind.value if reply else "?")
            log.debug("%s %s %s -> %s in %.1f ms (attempt %d)", spec.name, request.method,
                      urlsplit(request.url).path, shown, (clock() - sent_at) * 1000, attempts)
        asked: float | None = None
        if not isinstance(reply, Reply):
            if reply is None:  # a driver bug; never raise from a plan
                return fail(ErrorKind.TRANSPORT, "the transport gave no answer", None)
            kind, message, status, sent = reply.kind, reply.message, reply.status, reply.sent
        else:
            status = reply.status
            if status in reader.success:
                try:
                    body = parse_body(reply.body)
                except ValueError:
                    ctype = reply.headers.get("content-type", "unknown type").split(";")[0]
                    return fail(ErrorKind.INVALID_RESPONSE, invalid_body(
                        reply, request.method, request.target,
                        f"it is not JSON ({ctype}, {len(reply.body)} bytes)"), status)
                if gathered is not None and body is EMPTY and pages:
                    return fail(ErrorKind.INVALID_RESPONSE, invalid_body(reply, request.method, request.target,
                                                                         "an empty page"), status)
                if gathered is not None and body is not EMPTY:
                    page = reader.page(body)
                    if isinstance(page, str):
                        return fail(ErrorKind.INVALID_RESPONSE, invalid_body(reply, request.method, request.target,
                                                                             page), status)
                    items, nxt = page
                    gathered.extend(items)
                    pages += 1
                    if nxt is not None:
                        followed = _next_request(settings, request, nxt)
                        if isinstance(followed, str):
                            return fail(ErrorKind.INVALID_RESPONSE, followed, status)
                        if pages >= reader.max_pages:
                            return fail(ErrorKind.INVALID_RESPONSE,
                                        f"{spec.name}: more than {reader.max_pages} pages; stopped rather than "
                                        f"return a partial list", status)
                        request, retries, redirects = followed, 0, 0
                        continue
                    body = gathered
                ok, data = reader.finish(body, values)
                if not ok:
                    return fail(ErrorKind.INVALID_RESPONSE, invalid_body(reply, request.method, request.target, data),
                                status)
                if strict:
                    found = reader.strict_problems(spec.response.output, data)
                    if found:
                        return _strict_failure(ctx, action, found, status, attempts, clock() - start)
                if key is not None and ctx.cache is not None and spec.behaviour.cache_ttl:
                    ctx.cache.put(key, (status, data), clock(), spec.behaviour.cache_ttl)
                envelope = {"data": data, "error": None, "successful": True}
                return Outcome(spec.name, envelope, None, status, False, attempts, clock() - start)
            if 300 <= status < 400:
                moved = _redirect(settings, request, reply, redirects)
                if isinstance(moved, str):
                    return fail(ErrorKind.API_ERROR, moved, status)
                request, redirects = moved, redirects + 1
                continue
            if status in policy.retry_statuses:
                asked = _retry.retry_after(reply.headers)
                if status == 429 and asked is not None and limit is not None and ctx.pacer is not None:
                    # the server says the bucket is spent: every call sharing it waits, not only this one
                    ctx.pacer.hold(limit, clock() + min(asked, policy.retry_after_cap))
            kind, message = reader.describe_error(reply, request.method, request.target,
                                                  _detail_keys(ctx), _auth_hint(settings), asked)
            sent = True
        if retries + 1 < policy.max_attempts and _retry.may_retry(safety, kind, status, sent, policy):
            wait = _retry.delay(policy, retries + 1, asked, ctx.rand)
            if (clock() - start) + wait <= policy.max_elapsed:
                retries += 1
                if debug:
                    log.debug("%s: %s; retry %d in %.3f s", spec.name, kind.value, retries, wait)
                if wait > 0:
                    yield wait
                continue
            message += f" (not retried: waiting {wait:.1f} s would pass the {policy.max_elapsed:g} s retry budget)"
        return fail(kind, message, status, sent)


def _detail_keys(ctx: Context) -> tuple[str, ...]:
    return ctx.registry.catalogue.connector.error_detail_keys


def _auth_hint(settings: Settings) -> str:
    return f"it came from {settings.key_source}"


def _target(settings: Settings, url: str) -> str:
    prefix = settings.base_url + "/"
    return url[len(prefix):] if url.startswith(prefix) else (urlsplit(url).path or "/")


def _same_api(settings: Settings, url: str) -> str | None:
    """The URL if it is on the API's origin and under its base path (http upgraded to https), else None."""
    origin = origin_of(url)
    if origin is None:
        return None
    base = settings.origin
    if origin != base and origin.scheme == "http" and base.scheme == "https" and origin.host == base.host \
            and origin.port == 80 and base.port == 443:
        parts = urlsplit(url)
        netloc = parts.netloc.rsplit(":80", 1)[0] if parts.netloc.endswith(":80") else parts.netloc
        url, origin = urlunsplit(("https", netloc, parts.path, parts.query, "")), base
    if origin != base or not (urlsplit(url).path + "/").startswith(settings.base_path):
        return None
    return url


def _next_request(settings: Settings, current: Request, link: str) -> Request | str:
    url = _same_api(settings, urljoin(current.url, link))
    if url is None:
        host = (origin_of(urljoin(current.url, link)) or settings.origin).host
        return (f"refused to follow the next-page link to {host!r}: it is not under the API's base URL, "
                f"and the API key is sent only to {settings.origin.host!r}")
    return Request("GET", url, None, _target(settings, url))


def _redirect(settings: Settings, current: Request, reply: Reply, hops: int) -> Request | str:
    location = reply.headers.get("location")
    head = f"HTTP {reply.status} {reply.reason} from {current.method} {current.target.split('?')[0]}"
    if not location:
        return f"{head}: a redirect without a Location header"
    target = urljoin(current.url, location)
    url = _same_api(settings, target)
    if url is None:
        host = (origin_of(target) or settings.origin).host
        return (f"{head}: redirect to {host!r} not followed (the API key is sent only to "
                f"{settings.origin.host!r}); check the base URL")
    if hops >= MAX_REDIRECTS:
        return f"{head}: more than {MAX_REDIRECTS} redirects"
    if reply.status in (307, 308):
        return Request(current.method, url, current.body, _target(settings, url))
    if current.method == "GET":
        return Request("GET", url, None, _target(settings, url))
    return f"{head}: redirect of a {current.method} not followed (it would turn into a GET); check the base URL"
