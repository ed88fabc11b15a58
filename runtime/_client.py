"""The clients and the module-level entry points: the public face of the runtime.

Stage: the outermost one. Input: an action name and params, with a `Client`/`AsyncClient` or the
default one built from the environment. Output: the envelope dict (`run`, `run_action`), the
`Outcome` (`execute`), or `data` with `ActionFailed` raised on failure (`call`,
`run_action_or_raise`). A client resolves its settings once, owns a pooled transport, a pacer
and an answer cache shared by its concurrent calls, and drives the sans-I/O plan of `_execute`
with blocking calls (`Client`) or awaits (`AsyncClient`). Deprecated actions warn here.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import sys
import threading
import time
import warnings
import weakref
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from . import _config, _registry
from ._cache import AnswerCache
from ._execute import Context, Plan, failed, invalid_input, prepare, unknown_action, unusable_client, validate
from ._outcome import ErrorKind, Outcome
from ._pacing import Pacer
from ._plan import adrive, drive
from ._values import quoted
from .errors import ConfigurationError, failure

if TYPE_CHECKING:
    import asyncio

    import httpx

    from ._aio import AioTransport
    from ._transport import AsyncTransport, SyncTransport
    from .spec import Catalogue

Params = Mapping[str, Any] | None


def warn_deprecated(message: str) -> None:
    """A DeprecationWarning pointing at the first caller outside this package (the user's line, even
    through the generated bindings)."""
    inside = _package_dirs()
    frame = sys._getframe(0)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(inside):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, DeprecationWarning, stacklevel=level)


@functools.cache
def _package_dirs() -> tuple[str, ...]:
    dirs = [str(Path(__file__).parent) + os.sep]
    with contextlib.suppress(ConfigurationError):
        dirs.append(str(_registry.compiled_catalogue_path().parent) + os.sep)
    return tuple(dirs)


class _Base:
    """Settings, registry, pacer and cache: everything but the I/O."""

    _ctx: Context

    def _setup(self, api_key: str | None, base_url: str | None, timeout: float | None, max_retries: int | None,
               catalogue: Catalogue | str | Path | None, strict: bool, pace: bool, cache: bool,
               max_response_bytes: int | None, proxy: str | None, trust_env: bool,
               clock: Callable[[], float] | None) -> _config.Settings:
        registry = _registry.load(catalogue)
        settings = _config.resolve(registry.catalogue.connector, api_key, base_url, timeout=timeout,
                                   max_retries=max_retries, max_response_bytes=max_response_bytes,
                                   proxy=proxy, trust_env=trust_env)
        self._ctx = Context(settings, registry, Pacer() if pace else None, AnswerCache() if cache else None,
                            clock or time.monotonic, strict=bool(strict))
        self._closed = False
        return settings

    @property
    def base_url(self) -> str:
        return self._ctx.settings.base_url

    @property
    def catalogue(self) -> Catalogue:
        return self._ctx.registry.catalogue

    @property
    def actions(self) -> list[str]:
        """Every action name this client can run."""
        return self._ctx.registry.names

    def clear_cache(self) -> None:
        if self._ctx.cache is not None:
            self._ctx.cache.clear()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_key='***')"

    def _prepare(self, name: str, params: object, strict: bool | None, use_cache: bool) -> Outcome | Plan:
        action = self._ctx.registry.get(name)
        if action is None:
            return unknown_action(self._ctx.registry, name)
        if action.warning is not None:
            warn_deprecated(action.warning)
        if self._closed:
            return failed(action.spec.name, action.reader.empty(), ErrorKind.CONFIGURATION,
                          "the client is closed; create a new one")
        return prepare(self._ctx, action, params, strict, use_cache)

    def _raise_for(self, outcome: Outcome) -> Any:
        if outcome.successful:
            return outcome.data
        raise failure(outcome, self._ctx.registry.suggest(outcome.action))


class Client(_Base):
    """A blocking Spoki client. Thread-safe; use it as a context manager or call `close()`.

    Settings resolve once: arguments, then `SPOKI_API_KEY` / `SPOKI_BASE_URL`, then the connector's
    defaults. `transport` takes any `httpx.BaseTransport` (e.g. `httpx.MockTransport`). `pace=False`
    turns client-side rate limiting off, `cache=False` the answer cache; `strict=True` validates
    `data` against each action's output schema. `clock` (monotonic seconds) and `sleep` are
    injectable so tests never wait for real. Raises `ConfigurationError` for refused settings.

    Proxies and certificates, as httpx's `trust_env=True`: unless `trust_env=False`, the proxy for
    the base URL comes from HTTPS_PROXY (HTTP_PROXY for an http base URL), else ALL_PROXY (lower-case
    names too), unless NO_PROXY names the host; loopback hosts are always reached directly. CA
    certificates come from SSL_CERT_FILE / SSL_CERT_DIR when set, else from certifi. `proxy=...`
    beats the environment. None of this applies to an injected `transport`, which is used as is.
    Without one, requests to the API's origin go over the runtime's own HTTP/1.1 on kept-alive
    connections (httpcore's pool when a proxy is used), with the same timeouts, size cap and errors.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        transport: httpx.BaseTransport | None = None,
        catalogue: Catalogue | str | Path | None = None,
        strict: bool = False,
        pace: bool = True,
        cache: bool = True,
        max_response_bytes: int | None = None,
        proxy: str | None = None,
        trust_env: bool = True,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        settings = self._setup(api_key, base_url, timeout, max_retries, catalogue, strict, pace, cache,
                               max_response_bytes, proxy, trust_env, clock)
        from ._transport import SyncTransport

        self._transport: SyncTransport = SyncTransport(settings, transport)
        self._sleep = sleep or time.sleep

    def run(self, name: str, params: Params = None, *, strict: bool | None = None,
            cache: bool = True) -> dict[str, Any]:
        """The envelope `{"data", "error", "successful"}`; never raises for input, API or network problems."""
        return self._execute(name, params, strict, cache).envelope

    def execute(self, name: str, params: Params = None, *, strict: bool | None = None,
                cache: bool = True) -> Outcome:
        """The `Outcome`: envelope plus status, kind, retryable, attempts and duration."""
        return self._execute(name, params, strict, cache)

    def call(self, name: str, params: Params = None, *, strict: bool | None = None, cache: bool = True) -> Any:
        """`data` of a successful call; raises `ActionFailed` (a subclass per kind) otherwise."""
        return self._raise_for(self._execute(name, params, strict, cache))

    def _execute(self, name: str, params: object, strict: bool | None, use_cache: bool) -> Outcome:
        prepared = self._prepare(name, params, strict, use_cache)
        if isinstance(prepared, Outcome):
            return prepared
        return drive(prepared, self._transport.send, self._sleep)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class AsyncClient(_Base):
    """The asyncio twin of `Client` (same arguments; `transport` is an `httpx.AsyncBaseTransport`,
    `sleep` a coroutine function). Use `async with` or `await client.aclose()`.

    `wire` picks the HTTP stack: "auto" (the default) is aiohttp when it is installed
    (`spoki-actions[aiohttp]`) and the proxy, if any, is http or https, else httpx; "aiohttp" or
    "httpx" force one (`ConfigurationError` when aiohttp is asked for and missing). An injected
    `transport` is always used as is, over httpx. `client.wire` tells which one is in use.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        catalogue: Catalogue | str | Path | None = None,
        strict: bool = False,
        pace: bool = True,
        cache: bool = True,
        max_response_bytes: int | None = None,
        proxy: str | None = None,
        trust_env: bool = True,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        wire: str = "auto",
    ) -> None:
        settings = self._setup(api_key, base_url, timeout, max_retries, catalogue, strict, pace, cache,
                               max_response_bytes, proxy, trust_env, clock)
        from ._aio import wired

        self._transport: AsyncTransport | AioTransport = wired(settings, transport, wire)
        self._sleep = sleep

    @property
    def wire(self) -> str:
        """The HTTP stack this client sends through: "aiohttp" or "httpx"."""
        return self._transport.wire

    async def run(self, name: str, params: Params = None, *, strict: bool | None = None,
                  cache: bool = True) -> dict[str, Any]:
        """The envelope `{"data", "error", "successful"}`; never raises for input, API or network problems."""
        return (await self._execute(name, params, strict, cache)).envelope

    async def execute(self, name: str, params: Params = None, *, strict: bool | None = None,
                      cache: bool = True) -> Outcome:
        """The `Outcome`: envelope plus status, kind, retryable, attempts and duration."""
        return await self._execute(name, params, strict, cache)

    async def call(self, name: str, params: Params = None, *, strict: bool | None = None,
                   cache: bool = True) -> Any:
        """`data` of a successful call; raises `ActionFailed` (a subclass per kind) otherwise."""
        return self._raise_for(await self._execute(name, params, strict, cache))

    async def _execute(self, name: str, params: object, strict: bool | None, use_cache: bool) -> Outcome:
        prepared = self._prepare(name, params, strict, use_cache)
        if isinstance(prepared, Outcome):
            return prepared
        return await adrive(prepared, self._transport.send, self._sleep or _asyncio_sleep)

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            await self._transport.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()


async def _asyncio_sleep(seconds: float) -> None:
    """asyncio.sleep, looked up when a call waits (not imported on every call, nor when this module is)."""
    import asyncio

    await asyncio.sleep(seconds)


# --- module-level entry points and their default clients ---------------------------------------

_defaults: dict[tuple[str | None, str | None], Client] = {}
_async_defaults: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str | None, str | None],
                                                                           AsyncClient]]
_async_defaults = weakref.WeakKeyDictionary()
_defaults_lock = threading.Lock()


def _env_key() -> tuple[str | None, str | None]:
    connector = _registry.load().catalogue.connector
    return _config.env(connector.auth_env), _config.env(connector.base_url_env)


def default_client() -> Client:
    """The shared client built from the environment (rebuilt if SPOKI_API_KEY/SPOKI_BASE_URL change)."""
    key = _env_key()
    client = _defaults.get(key)
    if client is None:
        with _defaults_lock:
            client = _defaults.get(key)
            if client is None:
                if not _defaults:
                    atexit.register(close_default_clients)
                client = _defaults[key] = Client()
    return client


def close_default_clients() -> None:
    """Close the shared clients of `run_action` (at exit, or to drop their connections)."""
    with _defaults_lock:
        clients = list(_defaults.values())
        _defaults.clear()
    for client in clients:
        client.close()


def default_async_client() -> AsyncClient:
    """The shared async client of the running event loop, built from the environment."""
    import asyncio

    loop = asyncio.get_running_loop()
    key = _env_key()
    per_loop = _async_defaults.setdefault(loop, {})
    client = per_loop.get(key)
    if client is None:
        client = per_loop[key] = AsyncClient()
    return client


async def aclose_default_async_clients() -> None:
    """Close the running loop's shared clients of `arun_action` (call before the loop ends to drop
    their connections cleanly; otherwise they go when the loop is collected)."""
    import asyncio

    for client in list(_async_defaults.pop(asyncio.get_running_loop(), {}).values()):
        await client.aclose()


def _config_failure(name: object, params: object, exc: ConfigurationError) -> Outcome:
    """No default client could be built: the input is still checked (that needs no key), so that
    one answer names every problem, input first."""
    try:
        registry = _registry.load()
    except ConfigurationError:
        return failed(name if isinstance(name, str) else quoted(name), {}, ErrorKind.CONFIGURATION, str(exc))
    return unusable_client(registry, name, params, str(exc))


def _wrong_client(function: str, expected: type, client: object) -> TypeError:
    """A wrong `client=` is a programming error, not an input or API problem: it raises."""
    twin, article, function_twin = ((AsyncClient, "an", f"await a{function}") if expected is Client
                                    else (Client, "a", function[1:]))
    hint = f"; for {article} {twin.__name__} use {function_twin}(...)" if isinstance(client, twin) else ""
    return TypeError(f"{function}(client=...) needs a spoki_actions.{expected.__name__} or None, "
                     f"got {type(client).__name__}{hint}")


def run_action(name: str, params: Params = None, *, client: Client | None = None) -> dict[str, Any]:
    """Run one action; return the envelope `{"data", "error", "successful"}`. Never raises for input,
    API or network problems, nor for missing settings (an envelope says what is missing, after any
    input problems). Without `client`, a shared default built from the environment is used.
    Raises TypeError when `client` is not a `Client` (e.g. an `AsyncClient`: use `arun_action`)."""
    if client is None:
        try:
            client = default_client()
        except ConfigurationError as exc:
            return _config_failure(name, params, exc).envelope
    elif not isinstance(client, Client):
        raise _wrong_client("run_action", Client, client)
    return client._execute(name, params, None, True).envelope


async def arun_action(name: str, params: Params = None, *,
                      client: AsyncClient | None = None) -> dict[str, Any]:
    """The asyncio twin of `run_action` (TypeError when `client` is not an `AsyncClient`)."""
    if client is None:
        try:
            client = default_async_client()
        except ConfigurationError as exc:
            return _config_failure(name, params, exc).envelope
    elif not isinstance(client, AsyncClient):
        raise _wrong_client("arun_action", AsyncClient, client)
    return (await client._execute(name, params, None, True)).envelope


def run_action_or_raise(name: str, params: Params = None, *, client: Client | None = None) -> Any:
    """`data` of a successful call; raises `ActionFailed` (or `ConfigurationError`) otherwise, and
    TypeError when `client` is not a `Client`."""
    if client is None:
        client = default_client()
    elif not isinstance(client, Client):
        raise _wrong_client("run_action_or_raise", Client, client)
    return client._raise_for(client._execute(name, params, None, True))


async def arun_action_or_raise(name: str, params: Params = None, *, client: AsyncClient | None = None) -> Any:
    """The asyncio twin of `run_action_or_raise` (TypeError when `client` is not an `AsyncClient`)."""
    if client is None:
        client = default_async_client()
    elif not isinstance(client, AsyncClient):
        raise _wrong_client("arun_action_or_raise", AsyncClient, client)
    return client._raise_for(await client._execute(name, params, None, True))


def catalogue_of(source: Catalogue | str | Path | None = None) -> Catalogue:
    """The catalogue a client built with `catalogue=source` runs (the compiled one by default)."""
    return _registry.load(source).catalogue


def check_input(name: str, params: Params = None, *, catalogue: Catalogue | str | Path | None = None) -> Outcome | None:
    """The failed `Outcome` that `run_action` would return without sending anything (an unknown
    action, or input problems, every one of them), or None when the call would be sent. Needs no key."""
    registry = _registry.load(catalogue)
    action = registry.get(name)
    if action is None:
        return unknown_action(registry, name)
    problems = validate(action, params)[1]
    return invalid_input(action, problems, 0.0) if problems else None
