"""The aiohttp wire of `AsyncClient`: the same exchange as `AsyncTransport`, without httpx's objects.

Stage: one HTTP exchange (async), beside `_transport`. Input: a `Request` (plain data) and the client's
settings. Output: a `Reply` or a `Failure`, exactly as `AsyncTransport` gives them. The runtime's own
method, URL (sent as built: `URL(encoded=True)`, so `%2E%2E` stays a literal segment), headers (chosen by
`_Base`: the key only to the base URL's origin) and body go straight to one `aiohttp.ClientSession`,
created on first use inside the running loop: no cookies (`DummyCookieJar`), no redirects followed, gzip
and deflate decoded, the body read up to the size cap, the whole attempt under one deadline, proxy and CA
certificates from the settings. aiohttp exceptions are translated here, worded as `translate()` words httpx's.
`wired()` chooses the wire: aiohttp when it is installed and can do the settings' proxy, else httpx.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import contextlib
import contextvars
import functools
import re
import ssl
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from ._outcome import ErrorKind
from ._response import Failure, Reply
from ._transport import AsyncTransport, _AsyncBase, _proxy_label, _TooLarge, agather, redacted, transport_options
from .errors import ConfigurationError

if TYPE_CHECKING:
    import aiohttp
    import httpx
    from aiohttp.connector import Connection
    from aiohttp.tracing import Trace
    from yarl import URL

    from ._config import Settings
    from ._request import Request

WIRES = ("auto", "aiohttp", "httpx")
PROXY_SCHEMES = ("http", "https")  # what aiohttp can tunnel through; anything else (socks) goes over httpx
_URL_CHARS = "-._~:/?#[]@!$&'()*+,;=%"  # RFC 3986's, besides letters and digits (and % of the escapes)
_ENCODED = re.compile(f"[A-Za-z0-9{re.escape(_URL_CHARS)}]*")  # nothing to quote
CONNECTIONS = 100  # at most this many requests in flight (and sockets open), as httpx's default pool


def aiohttp_missing() -> str | None:
    """Why the aiohttp wire cannot be used here (aiohttp or a part of it is not importable), or None."""
    try:
        import aiohttp  # noqa: F401
        import yarl  # noqa: F401
    except ImportError as exc:
        return f"{exc.name or 'aiohttp'} is not installed"
    return None


def wired(settings: Settings, transport: httpx.AsyncBaseTransport | None, wire: str) -> AsyncTransport | AioTransport:
    """The async transport for these settings: `transport=` always means httpx, as given; `wire="auto"`
    is aiohttp when it is importable and can reach the settings' proxy, else httpx."""
    if wire not in WIRES:
        raise ConfigurationError(f"AsyncClient(wire=...) must be one of {', '.join(map(repr, WIRES))}, "
                                 f"got {wire!r}" if isinstance(wire, str) else
                                 f"AsyncClient(wire=...) must be one of {', '.join(map(repr, WIRES))}, "
                                 f"got {type(wire).__name__}")
    if transport is not None:
        if wire == "aiohttp":
            raise ConfigurationError("AsyncClient(wire='aiohttp') cannot use transport=...: an injected transport "
                                     "is an httpx.AsyncBaseTransport; leave wire at 'auto' or pass 'httpx'")
        return AsyncTransport(settings, transport)
    if wire == "httpx":
        return AsyncTransport(settings)
    scheme = urlsplit(settings.proxy).scheme.lower() if settings.proxy else None
    if wire == "aiohttp":
        missing = aiohttp_missing()
        if missing:
            raise ConfigurationError(f"AsyncClient(wire='aiohttp') needs aiohttp ({missing}); install "
                                     f"spoki-actions[aiohttp], or pass wire='httpx'")
        if scheme is not None and scheme not in PROXY_SCHEMES:
            raise ConfigurationError(f"the proxy from {settings.proxy_source} is a {scheme} proxy, which the aiohttp "
                                     f"wire cannot use (http and https proxies only); pass wire='httpx' (with "
                                     f"httpx[socks] for SOCKS), or leave wire at 'auto'")
        return AioTransport(settings)
    if (scheme is None or scheme in PROXY_SCHEMES) and aiohttp_missing() is None:
        return AioTransport(settings)
    return AsyncTransport(settings)


class _Gate:
    """At most `limit` requests holding a connection, the others served first come, first served.
    aiohttp's own connection queue lets a task that just released a connection take it back for its next
    request before the waiter it woke runs, so under more tasks than connections some requests starve
    (p99 many times p50). Here a finished exchange hands its place straight to the oldest waiter, and a
    newcomer waits while anyone does."""

    def __init__(self, limit: int) -> None:
        self._free = limit
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    async def acquire(self) -> None:
        if self._free and not self._waiters:
            self._free -= 1
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed over, then cancelled before it ran: the place goes on to the next
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
            raise

    def release(self) -> None:
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1


class _Place:
    """One send's place in the gate. It is taken where aiohttp asks the connector for a connection, not
    before the send: by then aiohttp has built its request objects, so a woken waiter allocates little.
    (Waiting before the send, a pass of the loop freeing finished exchanges was followed by a pass of
    woken waiters building theirs; CPython counts its youngest generation net of frees but forgets frees
    made while that count is at zero, so under more tasks than connections it collected ~10x as often,
    promoted the in-flight requests, and ran a full collection, every request stalled for tens of ms,
    every few thousand requests: the long tail at 200 tasks.) Held across aiohttp's own retry of a
    dropped kept-alive connection; given back by `_send` when the exchange is over."""

    __slots__ = ("gate", "held")

    def __init__(self, gate: _Gate) -> None:
        self.gate, self.held = gate, False


_PLACE: contextvars.ContextVar[_Place | None] = contextvars.ContextVar("spoki_aio_place", default=None)


@functools.cache
def _fair_connector() -> type[aiohttp.TCPConnector]:
    """aiohttp's TCPConnector behind the gate: a send takes its place before any connection, pooled or new."""
    import aiohttp

    class FairConnector(aiohttp.TCPConnector):
        async def connect(self, req: aiohttp.ClientRequest, traces: list[Trace],
                          timeout: aiohttp.ClientTimeout) -> Connection:
            place = _PLACE.get()
            if place is not None and not place.held:
                await place.gate.acquire()
                place.held = True
            return await super().connect(req, traces, timeout)

    return FairConnector


class AioTransport(_AsyncBase):
    """`AsyncTransport`'s twin on one `aiohttp.ClientSession` (HTTP/1.1, kept-alive, pooled)."""

    wire = "aiohttp"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        from yarl import URL

        self._url = URL
        verify = transport_options(settings)["verify"]  # the settings' CA files, refused here if unloadable
        self._ssl: ssl.SSLContext | None = verify if isinstance(verify, ssl.SSLContext) else None
        self._via = _proxy_label(settings)
        self._proxy: URL | None = None
        self._proxy_headers: dict[str, str] | None = None
        if settings.proxy:
            self._proxy, self._proxy_headers = _proxy(settings)
        # the base URL as yarl encodes it once (an IDN host, a path with spaces), so each request URL the
        # runtime built under it can go as it is: yarl's own re-quoting would turn %2E%2E into a real `..`
        self._raw_prefix = str(URL(self._prefix))
        self._session: aiohttp.ClientSession | None = None
        self._guard: AsyncGenerator[None, None] | None = None
        self._closed = False
        self._gate = _Gate(CONNECTIONS)

    async def _open(self) -> aiohttp.ClientSession:
        import aiohttp

        if self._closed:
            raise RuntimeError("the transport is closed")
        # connecting has its own limit (a timeout there means "not sent", which allows a retry); reading has
        # none: `send`'s deadline over the whole attempt, started earlier with the same length, always ends
        # first, and a per-read limit cost a timer handle per chunk read (rescheduled by aiohttp on each one,
        # left cancelled in the loop's heap): ~2x the young-generation collections at 200 tasks
        timeout = aiohttp.ClientTimeout(total=None, connect=self._timeout, sock_connect=self._timeout,
                                        sock_read=None)
        connector = _fair_connector()(ssl=self._ssl or _default_context(), limit=CONNECTIONS,
                                      keepalive_timeout=5.0)
        session = self._session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                                        timeout=timeout, auto_decompress=True, trust_env=False,
                                                        raise_for_status=False)
        self._gate = _Gate(CONNECTIONS)  # its futures belong to one loop, like the session
        # a parked async generator of this loop: a loop that ends without `aclose()` (the per-loop default
        # client of `arun_action` under asyncio.run) closes the session in its shutdown_asyncgens, instead of
        # aiohttp logging "Unclosed client session" when the objects are collected. Its first step does not
        # suspend, so two first sends cannot both get here.
        self._guard = self._close_at_loop_end(session)
        await self._guard.__anext__()
        return session

    async def _close_at_loop_end(self, session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            if self._session is session:  # a later loop opens a session of its own
                self._session = self._guard = None
            if not session.closed:
                await session.close()

    def _target(self, url: str) -> URL:
        if url.startswith(self._prefix):
            return self._url(self._raw_prefix + url[len(self._prefix):], encoded=True)
        # an absolute link from the server (`next`): what is not a URL character percent-encoded, the rest as
        # it is (never yarl's re-quoting, which would decode %2E%2E into a `..` that climbs)
        return self._url(url if _ENCODED.fullmatch(url) else quote(url, safe=_URL_CHARS), encoded=True)

    async def _send(self, request: Request) -> Reply | Failure:
        place = _Place(self._gate)
        token = _PLACE.set(place)  # this task's own context: what the connector's `connect` sees
        try:
            session = self._session or await self._open()
            async with session.request(request.method, self._target(request.url),
                                       headers=self._headers[(self._trusted(request.url), request.body is None)],
                                       data=request.body, allow_redirects=False, proxy=self._proxy,
                                       proxy_headers=self._proxy_headers) as response:
                return await self._read(response, request.url)
        except Exception as exc:  # not the deadline's cancellation (a BaseException): `send` words that
            return self._translate(exc, request.url)
        finally:
            _PLACE.reset(token)
            if place.held:  # the exchange is over: its connection is back in the pool, or closed
                place.gate.release()

    async def _read(self, response: aiohttp.ClientResponse, url: str) -> Reply | Failure:
        status = response.status
        length = response.headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) > self._cap:
            response.close()  # never read: the connection goes, not back to the pool
            return self._capped(status, url, int(length))
        try:
            body = await agather(response.content.iter_any(), self._cap)
        except _TooLarge:
            response.close()
            return self._capped(status, url, None)
        return Reply(status, response.reason or "", response.headers, body, url)

    def _capped(self, status: int, url: str, size: int | None) -> Failure:
        got = f"{size} bytes" if size is not None else "more"
        return Failure(ErrorKind.INVALID_RESPONSE,
                       f"HTTP {status} from {_host(url)}: the body is {got}, above the {self._cap}-byte limit "
                       f"(max_response_bytes); it was not read", status=status)

    def _translate(self, exc: Exception, url: str) -> Failure:
        return redacted(translate_aiohttp(exc, url, self._timeout, self._via), self._key)

    async def aclose(self) -> None:
        self._closed = True
        session, self._session, guard, self._guard = self._session, None, self._guard, None
        try:
            if session is not None:
                await session.close()  # closes its connector (it owns it) and every kept-alive socket
            if guard is not None:
                await guard.aclose()
        finally:
            from ._transport import _release_key

            _release_key(self._key)


def translate_aiohttp(exc: Exception, url: str, timeout: float, via: str | None = None) -> Failure:
    """An aiohttp exception as a `Failure`, in `translate()`'s words: refused or timed-out connections
    (the request was not sent), timeouts waiting for an answer, dropped connections, bodies that end
    early (transport) or cannot be decoded (invalid_response)."""
    import aiohttp
    from aiohttp import http_exceptions

    host = _host(url)
    if via:
        host = f"{host} through {via}"
    if isinstance(exc, aiohttp.ClientConnectorError):  # refused, DNS, TLS handshake, certificate, proxy unreachable
        reason = exc.os_error.strerror or str(exc.os_error) if isinstance(exc.os_error, OSError) else str(exc)
        if isinstance(exc, (aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError)):
            reason = str(getattr(exc, "certificate_error", None) or exc.os_error)
        detail = f" ({reason.strip()})" if reason and reason.strip() else ""
        return Failure(ErrorKind.TRANSPORT, f"could not connect to {host}{detail}; the request was not sent",
                       sent=False)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return Failure(ErrorKind.TIMEOUT, f"timed out after {timeout:g} s connecting to {host}; the request was "
                                          f"not sent", sent=False)
    if isinstance(exc, TimeoutError):  # the OS's (aiohttp's per-read timeout is off: send's deadline bounds reads)
        return Failure(ErrorKind.TIMEOUT, f"timed out after {timeout:g} s waiting for an answer from {host}")
    if isinstance(exc, aiohttp.ClientHttpProxyError):  # the proxy refused the CONNECT: nothing went further
        return Failure(ErrorKind.TRANSPORT, f"connection to {host} failed: ProxyError (the proxy answered "
                                            f"{exc.status} {exc.message}); the request was not sent", sent=False)
    if isinstance(exc, (aiohttp.NonHttpUrlClientError, aiohttp.InvalidURL)):
        return Failure(ErrorKind.TRANSPORT, f"unsupported URL scheme for {host}{_detail(exc)}", sent=False)
    if isinstance(exc, aiohttp.ClientPayloadError):
        cause = exc.__cause__
        if isinstance(cause, http_exceptions.ContentEncodingError) or "content-encoding" in str(exc).lower():
            return Failure(ErrorKind.INVALID_RESPONSE, f"the body from {host} could not be decoded{_detail(exc)}")
        return Failure(ErrorKind.TRANSPORT, f"connection to {host} failed: the body ended early{_detail(exc)}")
    if isinstance(exc, aiohttp.ClientResponseError):  # a status line or headers aiohttp cannot parse
        return Failure(ErrorKind.TRANSPORT, f"connection to {host} failed: invalid HTTP response{_detail(exc)}")
    if isinstance(exc, (aiohttp.ClientConnectionError, aiohttp.ClientError, OSError)):
        return Failure(ErrorKind.TRANSPORT, f"connection to {host} failed: {type(exc).__name__}{_detail(exc)}")
    return Failure(ErrorKind.TRANSPORT, f"the transport failed: {type(exc).__name__}{_detail(exc)}")


def _detail(exc: BaseException) -> str:
    """' (what went wrong)' on one line: aiohttp's parser errors span lines and point with a caret."""
    message = getattr(exc.__cause__, "message", None) or getattr(exc, "message", None)
    text = " ".join(str(message if isinstance(message, str) else exc).split()).removesuffix(" ^")
    return f" ({text})" if text else ""


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or "the server"
    except ValueError:
        return "the server"


@functools.cache
def _default_context() -> ssl.SSLContext:
    """The CA certificates httpx would use: certifi's bundle (httpx depends on certifi). Loaded once and
    shared: a batch opens one client per account, and loading the bundle costs more than a request."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _proxy(settings: Settings) -> tuple[URL, dict[str, str] | None]:
    """The proxy as aiohttp takes it: the URL without credentials, and those as a Proxy-Authorization
    header (never shown: a refused URL is named by where it came from only)."""
    from yarl import URL

    try:
        parts = urlsplit(settings.proxy or "")
        if not parts.hostname:
            raise ValueError("no host")
        netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        if parts.port:
            netloc += f":{parts.port}"
        url = URL.build(scheme=parts.scheme.lower(), authority=netloc)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"the proxy from {settings.proxy_source} is not a usable proxy URL "
                                 f"({type(exc).__name__}); give one such as http://proxy.example:3128") from None
    headers = None
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        headers = {"Proxy-Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
    return url, headers

