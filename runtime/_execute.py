"""Preparing one call, written once for both clients: everything before the first request.

Stage: between the action name and the plan. Input: the client's `Context` (settings, pacer,
cache, clock), a compiled action and the caller's params. Output: either an immediate `Outcome`
(unknown action, invalid input, an input too long for a URL, cache hit) or the sans-I/O plan of
`_plan` (attempts, redirects, pages), which `Client` drives with blocking calls and
`AsyncClient` with awaits. The outcome builders shared by every stage live here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from . import _retry
from ._cache import AnswerCache, cache_key
from ._config import Settings
from ._outcome import ErrorKind, InputProblem, Outcome
from ._pacing import Pacer
from ._plan import Call, collect, strict_failure
from ._plan import Plan as Plan
from ._plan import Step as Step
from ._plan import failed as failed
from ._redact import redact as redact
from ._registry import CompiledAction, Registry
from ._request import MAX_URL, url_problem
from ._values import quoted
from .errors import unknown_action_message


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


TOO_DEEP = "nests too deeply to read"


def unknown_action(registry: Registry, name: object) -> Outcome:
    shown = name if isinstance(name, str) else quoted(name)
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
    if len(request.target) > MAX_URL:
        too_long = url_problem(action.spec, values, request)
        if too_long is not None:
            return invalid_input(action, [too_long], ctx.clock() - start)
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
                        return strict_failure(ctx, action, problems_found, status, 0, 0, ctx.clock() - start)
                envelope = {"data": data, "error": None, "successful": True}
                return Outcome(action.spec.name, envelope, None, status, duration=ctx.clock() - start,
                               from_cache=True)
    return collect(Call(ctx, action, values, strict, key, start), request)
