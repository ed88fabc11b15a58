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
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from . import _retry
from ._cache import AnswerCache, cache_key
from ._config import Settings, origin_of
from ._outcome import TRANSIENT_KINDS, ErrorKind, InputProblem, Outcome
from ._pacing import Pacer
from ._registry import CompiledAction, Registry
from ._request import Request
from ._response import EMPTY, BodyError, Failure, Reply, invalid_body, parse_body
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
        return redact(text, self.settings.api_key.reveal())


SHORT_KEY = 8  # real Spoki keys are far longer; shorter ones are test keys such as "k"
MAYBE_PROCESSED = frozenset({ErrorKind.TIMEOUT, ErrorKind.TRANSPORT, ErrorKind.UPSTREAM})
TOO_DEEP = "nests too deeply to read"


def redact(text: str, key: str) -> str:
    """`text` with every occurrence of the API key as `***`, whatever the key's length. A key
    shorter than 8 characters is replaced where it stands alone (not inside a longer word or
    number), so that a test key such as "k" does not turn "api.spoki.com" into "api.spo***i.com"."""
    if not key or key not in text:
        return text
    if len(key) >= SHORT_KEY:
        return text.replace(key, "***")
    import re

    return re.sub(f"(?<![A-Za-z0-9]){re.escape(key)}(?![A-Za-z0-9])", "***", text)


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


def validate(action: CompiledAction, params: object) -> tuple[dict[str, Any], list[InputProblem]]:
    """The action's validator, which never raises (an input nested past Python's recursion limit
    is a problem like any other)."""
    try:
        return action.validate(params)
    except RecursionError:
        return {}, [InputProblem("params", f"{TOO_DEEP}; flatten the input")]


def unusable_client(registry: Registry, name: object, params: object, why: str) -> Outcome:
    """The outcome when no client could be configured (`why`): unknown names and input problems
    come first, since checking them needs no key, with the configuration problem beside them."""
    action = registry.get(name)
    if action is None:
        outcome = unknown_action(registry, name)
    else:
        problems = validate(action, params)[1]
        if not problems:
            return failed(action.spec.name, action.reader.empty(), ErrorKind.CONFIGURATION, why)
        outcome = invalid_input(action, problems, 0.0)
    envelope = {**outcome.envelope, "error": f"{outcome.error} (besides, the client cannot be configured: {why})"}
    return replace(outcome, envelope=envelope)


def prepare(ctx: Context, action: CompiledAction, params: object, strict: bool | None,
            use_cache: bool) -> Outcome | Plan:
    """Validate, consult the cache, and return the plan (or the outcome when no request is needed)."""
    start = ctx.clock()
    values, problems = validate(action, params)
    if problems:
        return invalid_input(action, problems, ctx.clock() - start)
    try:
        request = action.build(ctx.settings.base_url, values)
    except (RecursionError, ValueError) as exc:  # the validator lets nothing through that fails here
        why = TOO_DEEP if isinstance(exc, RecursionError) else "cannot be sent as JSON"
        return invalid_input(action, [InputProblem("params", why)], ctx.clock() - start)
    strict = ctx.strict if strict is None else strict
    key = None
    ttl = action.spec.behaviour.cache_ttl
    if ttl and ctx.cache is not None:
        key = cache_key(action.spec.name, values)
        if use_cache:
            try:
                hit, cached = ctx.cache.get(key, start)
            except RecursionError:  # stored from a shallower stack: ask the API again
                hit, cached = False, None
            if hit:
                status, data = cached
                if strict:
                    problems_found = action.reader.strict_problems(action.spec.response.output, data)
                    if problems_found:
                        return _strict_failure(ctx, action, problems_found, status, 0, 0, ctx.clock() - start)
                envelope = {"data": data, "error": None, "successful": True}
                return Outcome(action.spec.name, envelope, None, status, duration=ctx.clock() - start,
                               from_cache=True)
    return plan(ctx, action, values, request, strict, key, start)


def _strict_failure(ctx: Context, action: CompiledAction, problems: list[str], status: int | None,
                    attempts: int, requests: int, duration: float) -> Outcome:
    shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
    message = ctx.redact(f"strict mode: the data of {action.spec.name} does not match its output schema: {shown}")
    return failed(action.spec.name, action.reader.empty(), ErrorKind.INVALID_RESPONSE, message,
                  status=status, attempts=attempts, requests=requests, duration=duration)


def plan(ctx: Context, action: CompiledAction, values: Mapping[str, Any], request: Request, strict: bool,
         key: str | None, start: float) -> Plan:
    spec = action.spec
    reader = action.reader
    settings = ctx.settings
    policy = settings.retry
    safety = spec.behaviour.safety
    limit = spec.behaviour.rate_limit if ctx.pacer is not None else None
    clock = ctx.clock
    debug = log.isEnabledFor(logging.DEBUG)
    gathered: list[Any] | None = [] if reader.items_of is not None else None
    page_urls = {request.url} if gathered is not None else None  # to spot a page loop
    pages = redirects = 0
    tries = 0  # times the current request (this page, this redirect target) was sent
    most = 0  # the most tries any request of this call needed: Outcome.attempts
    sent_total = 0  # every request sent: Outcome.requests

    def fail(kind: ErrorKind, message: str, status: int | None, sent: bool = True) -> Outcome:
        retryable = kind in TRANSIENT_KINDS and (safety != "unsafe" or not sent or status == 429)
        if safety == "unsafe" and sent and kind in MAYBE_PROCESSED and status != 429:
            message = _maybe_processed(message, ctx.registry.check_hint(spec))
        if tries > 1:
            message += f" (after {tries} attempts in {clock() - start:.1f} s)"
        return failed(spec.name, reader.empty(), kind, ctx.redact(message), status=status, retryable=retryable,
                      attempts=most, requests=sent_total, duration=clock() - start)

    def success(reply: Reply) -> Outcome | Request:
        """The outcome of an answer with a success status, or the request of the next page."""
        nonlocal pages
        try:
            body = parse_body(reply.body)
        except BodyError as exc:
            ctype = reply.headers.get("content-type", "unknown type").split(";")[0]
            why = exc.why or f"it is not JSON ({ctype}, {len(reply.body)} bytes)"
            return fail(ErrorKind.INVALID_RESPONSE, invalid_body(reply, request.method, request.target, why),
                        reply.status)
        if gathered is not None and body is EMPTY and pages:
            return fail(ErrorKind.INVALID_RESPONSE, invalid_body(reply, request.method, request.target,
                                                                 "an empty page"), reply.status)
        if gathered is not None and body is not EMPTY:
            assert page_urls is not None
            page = reader.page(body)
            if isinstance(page, str):
                return fail(ErrorKind.INVALID_RESPONSE, invalid_body(reply, request.method, request.target, page),
                            reply.status)
            items, nxt = page
            gathered.extend(items)
            pages += 1
            if nxt is not None:
                followed = _next_request(settings, request, nxt)
                if isinstance(followed, str):
                    return fail(ErrorKind.INVALID_RESPONSE, followed, reply.status)
                if followed.url in page_urls:
                    return fail(ErrorKind.INVALID_RESPONSE, invalid_body(
                        reply, request.method, request.target,
                        f"the API returned the same next page twice: {followed.target} (a page loop; stopped)"),
                        reply.status)
                if pages >= reader.max_pages:
                    return fail(ErrorKind.INVALID_RESPONSE,
                                f"{spec.name}: more than {reader.max_pages} pages; stopped rather than "
                                f"return a partial list", reply.status)
                page_urls.add(followed.url)
                return followed
            body = gathered
        ok, data = reader.finish(body, values)
        if not ok:
            return fail(ErrorKind.INVALID_RESPONSE, invalid_body(reply, request.method, request.target, data),
                        reply.status)
        if strict:
            found = reader.strict_problems(spec.response.output, data)
            if found:
                return _strict_failure(ctx, action, found, reply.status, most, sent_total, clock() - start)
        if key is not None and ctx.cache is not None and spec.behaviour.cache_ttl:
            ctx.cache.put(key, (reply.status, data), clock(), spec.behaviour.cache_ttl)
        envelope = {"data": data, "error": None, "successful": True}
        return Outcome(spec.name, envelope, None, reply.status, attempts=most, requests=sent_total,
                       duration=clock() - start)

    while True:
        if limit is not None:
            assert ctx.pacer is not None
            now = clock()
            slot = ctx.pacer.reserve_slot(limit, now)
            wait = slot - now
            if wait > 0:
                if debug:
                    log.debug("%s: pacing %s (%d per %g s): waiting %.3f s", spec.name, limit.bucket,
                              limit.requests, limit.window, wait)
                yield wait
        tries += 1
        sent_total += 1
        if tries > most:
            most = tries
        sent_at = clock()
        reply = yield request
        if debug:
            shown = reply.status if isinstance(reply, Reply) else (reply.kind.value if reply else "?")
            log.debug("%s %s %s -> %s in %.1f ms (attempt %d)", spec.name, request.method,
                      urlsplit(request.url).path, shown, (clock() - sent_at) * 1000, tries)
        asked: float | None = None
        if not isinstance(reply, Reply):
            if reply is None:  # a driver bug; never raise from a plan
                return fail(ErrorKind.TRANSPORT, "the transport gave no answer", None)
            kind, message, status, sent = reply.kind, reply.message, reply.status, reply.sent
            if not sent and limit is not None and ctx.pacer is not None:
                ctx.pacer.release(limit, slot)  # never reached the server: it spent none of the budget
        else:
            status = reply.status
            if status in reader.success:
                try:
                    result = success(reply)
                except RecursionError:  # a body nested just short of the reader's limit, in select/strict/cache
                    return fail(ErrorKind.INVALID_RESPONSE, invalid_body(reply, request.method, request.target,
                                                                         "it nests too deeply to process"), status)
                except Exception as exc:  # whatever a body does to select, filters or strict mode: never raise
                    return fail(ErrorKind.INVALID_RESPONSE, invalid_body(
                        reply, request.method, request.target,
                        f"it could not be processed ({type(exc).__name__}: {str(exc)[:200]})"), status)
                if isinstance(result, Outcome):
                    return result
                request, tries, redirects = result, 0, 0
                continue
            if 300 <= status < 400:
                moved = _redirect(settings, request, reply, redirects)
                if isinstance(moved, str):
                    return fail(ErrorKind.API_ERROR, moved, status)
                request, tries, redirects = moved, 0, redirects + 1
                continue
            if status in policy.retry_statuses:
                asked = _retry.retry_after(reply.headers)
                if status == 429 and asked is not None and limit is not None and ctx.pacer is not None:
                    # the server says the bucket is spent: every call sharing it waits, not only this one
                    ctx.pacer.hold(limit, clock() + min(asked, policy.retry_after_cap))
            kind, message = reader.describe_error(reply, request.method, request.target,
                                                  _detail_keys(ctx), _auth_hint(settings), asked)
            sent = True
        if tries < policy.max_attempts and _retry.may_retry(safety, kind, status, sent, policy):
            wait = _retry.delay(policy, tries, asked, ctx.rand)
            if (clock() - start) + wait <= policy.max_elapsed:
                if debug:
                    log.debug("%s: %s; retry %d in %.3f s", spec.name, kind.value, tries, wait)
                if wait > 0:
                    yield wait
                continue
            if asked is not None and asked > policy.retry_after_cap:
                message += (f" (not retried: the API asked to wait {asked:g} s; even the capped "
                            f"{policy.retry_after_cap:g} s would pass the {policy.max_elapsed:g} s retry budget)")
            else:
                message += (f" (not retried: waiting {wait:.1f} s would pass the {policy.max_elapsed:g} s "
                            f"retry budget)")
        return fail(kind, message, status, sent)


def _maybe_processed(message: str, check: str) -> str:
    """An unsafe request failed after it may have reached the server: re-sending could do it twice."""
    note = f"the request may have been processed; check ({check}) before retrying"
    if message.endswith("."):
        return f"{message} {note[0].upper()}{note[1:]}."
    return f"{message}; {note}"


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
    target = urljoin(current.url, link)
    url = _same_api(settings, target)
    if url is None:
        return (f"refused to follow the next-page link to {_place(settings, target)!r}: it is not under the API's "
                f"base URL, and the API key is sent only to {str(settings.origin)!r}")
    return Request("GET", url, None, _target(settings, url))


def _redirect(settings: Settings, current: Request, reply: Reply, hops: int) -> Request | str:
    location = reply.headers.get("location")
    head = f"HTTP {reply.status} {reply.reason} from {current.method} {current.target.split('?')[0]}"
    if not location:
        return f"{head}: a redirect without a Location header"
    target = urljoin(current.url, location)
    url = _same_api(settings, target)
    if url is None:
        return (f"{head}: redirect to {_place(settings, target)!r} not followed (the API key is sent only to "
                f"{str(settings.origin)!r}); check the base URL")
    if hops >= MAX_REDIRECTS:
        return f"{head}: more than {MAX_REDIRECTS} redirects"
    if reply.status in (307, 308):
        return Request(current.method, url, current.body, _target(settings, url))
    if current.method == "GET":
        return Request("GET", url, None, _target(settings, url))
    return f"{head}: redirect of a {current.method} not followed (it would turn into a GET); check the base URL"


def _place(settings: Settings, url: str) -> str:
    """Where a refused URL points, as scheme://host:port, plus the path when the origin is the API's
    own (the path is then what is wrong)."""
    origin = origin_of(url)
    if origin is None:
        return url.split("?")[0][:100]
    if origin == settings.origin:
        return f"{origin}{urlsplit(url).path}"
    return str(origin)
