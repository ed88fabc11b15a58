"""The execution plan of one call in layers, each a generator composed with `yield from` (sans-I/O).

Stage: between a built `Request` and the `Outcome`. A layer yields the I/O it needs (a `Request`
to send, or a float of seconds to sleep), receives a `Reply`/`Failure` per request, and returns
to the layer above it: `attempts` (pacing, one send, retry by safety class, Retry-After,
backoff, the retry budget, an `Attempt` per try) gives a usable reply or a failed `Outcome`; `collect`
follows the redirects the key-origin policy allows and reads pages, then finishes (reader, filters,
select, strict mode, cache). `drive` and `adrive` run a plan with blocking calls or awaits.
Logging (`spoki_actions.client`): INFO before every wait, DEBUG after every attempt; no key.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import _retry
from ._origin import next_request, redirect
from ._outcome import TRANSIENT_KINDS, Attempt, ErrorKind, Outcome
from ._redact import shorten
from ._refusal import Refusal, refuse
from ._request import Request
from ._response import EMPTY, BodyError, Failure, Reply, invalid_body, parse_body

if TYPE_CHECKING:
    from ._execute import Context
    from ._registry import CompiledAction
    from .spec import RateLimit

log = logging.getLogger("spoki_actions.client")

Step = Request | float  # what a plan asks its driver for: send a request, or sleep this many seconds
Answer = Reply | Failure | None
Layer = Generator[Step, Answer, Any]
Plan = Generator[Step, Answer, Outcome]
MAYBE_PROCESSED = frozenset({ErrorKind.TIMEOUT, ErrorKind.TRANSPORT, ErrorKind.UPSTREAM})


@dataclass(slots=True)
class Call:
    """One call's facts and tallies, shared by its layers."""

    ctx: Context
    action: CompiledAction
    values: Mapping[str, Any]
    strict: bool
    cache_key: str | None
    start: float
    tries: int = 0  # times the current request (this page, this redirect target) was sent
    most: int = 0  # the most tries any request of this call needed: Outcome.attempts
    sent: int = 0  # every request sent: Outcome.requests
    pages: int = 0
    history: list[Attempt] = field(default_factory=list)  # every try so far: Outcome.history

    @property
    def name(self) -> str:
        return self.action.spec.name

    def elapsed(self) -> float:
        return self.ctx.clock() - self.start

    def fail(self, kind: ErrorKind, message: str, status: int | None, sent: bool = True) -> Outcome:
        safety = self.action.spec.behaviour.safety
        retryable = kind in TRANSIENT_KINDS and (safety != "unsafe" or not sent or status == 429)
        if safety == "unsafe" and sent and kind in MAYBE_PROCESSED and status != 429:
            message = maybe_processed(message, self.ctx.registry.check_hint(self.action.spec))
        if self.tries > 1:
            message += f" (after {self.tries} attempts in {self.elapsed():.1f} s)"
        return failed(self.name, self.action.reader.empty(), kind, self.ctx.redact(message), status=status,
                      retryable=retryable, attempts=self.most, requests=self.sent, duration=self.elapsed(),
                      history=tuple(self.history))

    def refused(self, refusal: Refusal, status: int | None) -> Outcome:
        return self.fail(refusal.kind, refusal.message, status)

    def bad_body(self, request: Request, reply: Reply, why: Refusal | str) -> Outcome:
        text = why.message if isinstance(why, Refusal) else why
        return self.fail(ErrorKind.INVALID_RESPONSE, invalid_body(reply, request.method, request.target, text),
                         reply.status)


def failed(action: str, empty: Any, kind: ErrorKind, message: str, **facts: Any) -> Outcome:
    return Outcome(action, {"data": empty, "error": message, "successful": False}, kind, **facts)


def strict_failure(ctx: Context, action: CompiledAction, problems: list[str], status: int | None,
                   attempts: int, requests: int, duration: float, history: tuple[Attempt, ...] = ()) -> Outcome:
    shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
    message = ctx.redact(f"strict mode: the data of {action.spec.name} does not match its output schema: {shown}")
    return failed(action.spec.name, action.reader.empty(), ErrorKind.INVALID_RESPONSE, message,
                  status=status, attempts=attempts, requests=requests, duration=duration, history=history)


def maybe_processed(message: str, check: str) -> str:
    """An unsafe request failed after it may have reached the server: re-sending could do it twice."""
    note = f"the request may have been processed; check ({check}) before retrying"
    if message.endswith("."):
        return f"{message} {note[0].upper()}{note[1:]}."
    return f"{message}; {note}"


# --- attempts: pacing, one send, retry, backoff, budget ----------------------------------------

def attempts(call: Call, request: Request) -> Generator[Step, Answer, Reply | Outcome]:
    """Send `request` until it gives a success or redirect reply, or a failure worth no retry."""
    reader = call.action.reader
    policy = call.ctx.settings.retry
    limit = call.action.spec.behaviour.rate_limit if call.ctx.pacer is not None else None
    while True:
        slot = None
        if limit is not None:  # the client paces this action: its rate-limit slot, waiting for it if need be
            slot, wait = pace(call, limit)
            if wait > 0:
                yield wait
        sent_at = call.ctx.clock()
        call.tries += 1
        call.sent += 1
        call.most = max(call.most, call.tries)
        reply = yield request
        asked: float | None = None
        status: int | None
        if isinstance(reply, Reply):
            status = reply.status
            if status in reader.success or 300 <= status < 400:
                if log.isEnabledFor(logging.DEBUG):
                    _log_attempt(call, sent_at, status, None)
                call.history.append(_ANSWERED.get(status) or _answered(status))
                return reply
            asked, kind, message = _error_reply(call, request, reply)
            sent = True
            _log_attempt(call, sent_at, status, kind)
        elif reply is None:  # a driver bug; never raise from a plan
            call.history.append(Attempt(None, ErrorKind.TRANSPORT))
            return call.fail(ErrorKind.TRANSPORT, "the transport gave no answer", None)
        else:
            kind, message, status, sent = reply.kind, reply.message, reply.status, reply.sent
            _log_attempt(call, sent_at, None, kind)
            if not sent and slot is not None:
                _release(call, slot)  # never reached the server: it spent none of the budget
        safety = call.action.spec.behaviour.safety
        if call.tries < policy.max_attempts and _retry.may_retry(safety, kind, status, sent, policy):
            wait = _retry.delay(policy, call.tries, asked, call.ctx.rand)
            if call.elapsed() + wait <= policy.max_elapsed:
                honoured = asked is not None and min(asked, policy.retry_after_cap) >= wait
                call.history.append(Attempt(status, kind, wait, honoured))
                yield from backoff(call, wait, honoured, status)
                continue
            message += _over_budget(call, wait, asked)
        call.history.append(Attempt(status, kind))
        return call.fail(kind, message, status, sent)


def pace(call: Call, limit: RateLimit) -> tuple[float, float]:
    """Take the next slot of the action's rate limit: (the slot's time, the seconds to wait for it), saying
    why when there is a wait (the caller yields it: a plain call, no generator, when the slot is free)."""
    assert call.ctx.pacer is not None
    now = call.ctx.clock()
    slot = call.ctx.pacer.reserve_slot(limit, now)
    if slot > now and log.isEnabledFor(logging.INFO):  # the words only for a log that shows them
        why = f"the rate limit of bucket {limit.bucket} ({limit.requests} per {limit.window:g} s)"
        log.info("%s: waiting %.1f s for %s", call.name, slot - now, why)
    return slot, slot - now


def backoff(call: Call, wait: float, honoured: bool, status: int | None) -> Generator[Step, Answer, None]:
    """Sleep before the next attempt, saying why: the server's Retry-After (`honoured`), or the backoff."""
    if wait <= 0:
        return
    why = f"Retry-After from the server (status {status})" if honoured else f"backoff before attempt {call.tries + 1}"
    log.info("%s: waiting %.1f s for %s", call.name, wait, why)
    yield wait


def _error_reply(call: Call, request: Request, reply: Reply) -> tuple[float | None, ErrorKind, str]:
    """(Retry-After asked, kind, message) of an error status; a 429 with Retry-After holds the bucket."""
    ctx = call.ctx
    settings = ctx.settings
    asked: float | None = None
    if reply.status in settings.retry.retry_statuses:
        asked = _retry.retry_after(reply.headers)
        limit = _limit(call)
        if reply.status == 429 and asked is not None and limit is not None and ctx.pacer is not None:
            # the server says the bucket is spent: every call sharing it waits, not only this one
            ctx.pacer.hold(limit, ctx.clock() + min(asked, settings.retry.retry_after_cap))
    kind, message = call.action.reader.describe_error(
        reply, request.method, request.target, ctx.registry.catalogue.connector.error_detail_keys,
        f"it came from {settings.key_source}", asked, settings.api_key.reveal())
    return asked, kind, message


def _over_budget(call: Call, wait: float, asked: float | None) -> str:
    policy = call.ctx.settings.retry
    if asked is not None and asked > policy.retry_after_cap:
        return (f" (not retried: the API asked to wait {asked:g} s; even the capped "
                f"{policy.retry_after_cap:g} s would pass the {policy.max_elapsed:g} s retry budget)")
    return f" (not retried: waiting {wait:.1f} s would pass the {policy.max_elapsed:g} s retry budget)"


_ANSWERED: dict[int, Attempt] = {}  # the one record of a usable answer per status (records are immutable)


def _answered(status: int) -> Attempt:
    """`Attempt(status)` of a success or redirect reply, built once per status (at most 1,000 of them)."""
    attempt = _ANSWERED.get(status)
    if attempt is None:
        attempt = _ANSWERED[status] = Attempt(status)
    return attempt


def _limit(call: Call) -> RateLimit | None:
    return call.action.spec.behaviour.rate_limit if call.ctx.pacer is not None else None


def _release(call: Call, slot: float) -> None:
    limit = _limit(call)
    if limit is not None and call.ctx.pacer is not None:
        call.ctx.pacer.release(limit, slot)


def _log_attempt(call: Call, sent_at: float, status: int | None, kind: ErrorKind | None) -> None:
    """`<ACTION>: attempt 2 -> status 503 (upstream), 0.12 s` (or the failure's kind) at DEBUG."""
    if log.isEnabledFor(logging.DEBUG):  # asked again: a caller on an error path need not ask first
        result = kind.value if status is None and kind is not None else f"status {status}"
        if status is not None and kind is not None:
            result += f" ({kind.value})"
        log.debug("%s: attempt %d -> %s, %.2f s", call.name, call.tries, result, call.ctx.clock() - sent_at)


# --- redirects, pages and finish ---------------------------------------------------------------

def collect(call: Call, request: Request) -> Plan:
    """Every page's records (or the one body), each page's request following the redirects the policy
    allows (`hops` of them so far), then the outcome."""
    success = call.action.reader.success
    gathered: list[Any] | None = [] if call.action.reader.items_of is not None else None
    seen = {request.url}  # to spot a page loop
    hops = 0
    while True:
        got = yield from attempts(call, request)
        if isinstance(got, Outcome):
            return got
        if got.status not in success:  # a redirect: its target, if the policy allows it, with tries of its own
            moved = redirect(call.ctx.settings, request, got, hops)
            if isinstance(moved, Refusal):
                return call.refused(moved, got.status)
            request, hops, call.tries = moved, hops + 1, 0
            continue
        step = _guarded(call, request, got, gathered, seen)
        if isinstance(step, Outcome):
            return step
        request, hops, call.tries = step, 0, 0  # the next page


def _guarded(call: Call, request: Request, reply: Reply, gathered: list[Any] | None,
             seen: set[str]) -> Outcome | Request:
    """The outcome of a success reply, or the request of the next page; never raising, whatever a body does
    to the reader, select, strict mode or cache."""
    try:
        try:
            body = parse_body(reply.body)
        except BodyError as exc:
            ctype = reply.headers.get("content-type", "unknown type").split(";")[0]
            return call.bad_body(request, reply, exc.why or f"it is not JSON ({ctype}, {len(reply.body)} bytes)")
        if gathered is not None:
            if body is EMPTY and call.pages:
                return call.bad_body(request, reply, refuse("why_empty_page"))
            if body is not EMPTY:
                step = _add_page(call, request, reply, body, gathered, seen)
                if step is not None:
                    return step
                body = gathered
        return finish(call, reply, request, body)
    except RecursionError:  # a body nested just short of the reader's limit
        return call.bad_body(request, reply, refuse("why_nests_too_deeply"))
    except Exception as exc:
        error = f"{type(exc).__name__}: {shorten(str(exc), 200, call.ctx.settings.api_key.reveal())}"
        return call.bad_body(request, reply, refuse("why_unprocessable", error=error))


def _add_page(call: Call, request: Request, reply: Reply, body: Any, gathered: list[Any],
              seen: set[str]) -> Outcome | Request | None:
    """Gather one page; the request of the next one (None after the last page)."""
    reader = call.action.reader
    page = reader.page(body)
    if isinstance(page, Refusal):
        return call.bad_body(request, reply, page)
    items, link = page
    gathered.extend(items)
    call.pages += 1
    if link is None:
        return None
    followed = next_request(call.ctx.settings, request, link)
    if isinstance(followed, Refusal):
        return call.refused(followed, reply.status)
    if followed.url in seen:
        return call.bad_body(request, reply, refuse("why_page_loop", target=followed.target))
    if call.pages >= reader.max_pages:
        return call.refused(refuse("too_many_pages", action=call.name, most=reader.max_pages), reply.status)
    seen.add(followed.url)
    return followed


def finish(call: Call, reply: Reply, request: Request, body: Any) -> Outcome:
    """Filters and select, strict mode, the cache write: the successful outcome (or why not)."""
    spec = call.action.spec
    data = call.action.reader.finish(body, call.values)
    if isinstance(data, Refusal):
        return call.bad_body(request, reply, data)
    if call.strict:
        found = call.action.reader.strict_problems(spec.response.output, data)
        if found:
            return strict_failure(call.ctx, call.action, found, reply.status, call.most, call.sent, call.elapsed(),
                                  tuple(call.history))
    if call.cache_key is not None:  # set only for an action with a TTL on a client with a cache
        ttl = spec.behaviour.cache_ttl
        if call.ctx.cache is not None and ttl:
            call.ctx.cache.put(call.cache_key, (reply.status, data), call.ctx.clock(), ttl)
    envelope = {"data": data, "error": None, "successful": True}
    return Outcome(spec.name, envelope, None, reply.status, attempts=call.most, requests=call.sent,
                   duration=call.elapsed(), history=tuple(call.history))


# --- drivers -----------------------------------------------------------------------------------

def drive(steps: Plan, send: Callable[[Request], Reply | Failure], sleep: Callable[[float], None]) -> Outcome:
    """Run a plan with blocking I/O."""
    try:
        step = next(steps)
        while True:
            if isinstance(step, Request):
                step = steps.send(send(step))
            else:
                sleep(step)
                step = steps.send(None)
    except StopIteration as stop:
        outcome: Outcome = stop.value
        return outcome


async def adrive(steps: Plan, send: Callable[[Request], Awaitable[Reply | Failure]],
                 sleep: Callable[[float], Awaitable[None]]) -> Outcome:
    """Run a plan with awaits."""
    try:
        step = next(steps)
        while True:
            if isinstance(step, Request):
                step = steps.send(await send(step))
            else:
                await sleep(step)
                step = steps.send(None)
    except StopIteration as stop:
        outcome: Outcome = stop.value
        return outcome
