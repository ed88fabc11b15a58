"""The transport: the only module that does I/O (with `_wire`, its HTTP/1.1) and the only one that sees httpx
and httpcore exceptions.

Stage: one HTTP exchange. Input: a `Request` (plain data, its request-target already split off) and
the client's settings. Output: a `Reply` (status, headers, body bytes read up to the size cap) or a
`Failure` (kind, message, and whether the request may have reached the server). Blocking, by default:
straight to the API's origin over `_wire` (pre-encoded headers, kept-alive sockets, the body decoded
here); through a proxy, an httpcore pool built as `httpx.HTTPTransport` builds it. Async:
`_aio.AioTransport` on aiohttp by default (it shares `_Base`: headers, origin rule, size cap), and
`AsyncTransport` over httpx for `wire="httpx"` or an injected transport. Any injected httpx transport (such
as `httpx.MockTransport`) is used as is. Always: no cookies, no redirects followed here, the API key
header only to the base URL's origin, the proxy and CA certificates the settings resolved.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib.util
import logging
import re
import ssl
import threading
import time
import zlib
from collections.abc import AsyncIterable, Iterable
from typing import TYPE_CHECKING, Any

import httpcore
import httpx

from ._config import USER_AGENT, Settings, origin_of
from ._outcome import ErrorKind
from ._request import split_url
from ._response import Failure, Reply
from ._wire import DeadlineExceeded, Headers, WirePool, WireResponse, header_text
from .errors import ConfigurationError

if TYPE_CHECKING:
    from ._request import Request


# The HTTP stack's own loggers (httpcore logs response headers and reason phrases at DEBUG). Filters on a
# logger do not apply to its children, so each named logger gets one.
_STACK_LOGGERS = ("httpx", "httpcore", "httpcore.connection", "httpcore.http11", "httpcore.http2",
                  "httpcore.proxy", "httpcore.socks", "aiohttp", "aiohttp.client", "aiohttp.internal")


class _KeyFilter(logging.Filter):
    """Rewrites any record of the HTTP stack that carries a live client's key, with the key redacted."""

    def __init__(self) -> None:
        super().__init__("spoki_actions.redact")
        self.keys: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.keys:
            return True
        try:
            text = record.getMessage()
        except Exception:  # a malformed record is the logging module's problem, not a leak
            return True
        hit = False
        for key in self.keys:
            if key in text:
                text, hit = text.replace(key, "[REDACTED]"), True
        if hit:
            record.msg, record.args = text, None
        return True


_KEY_FILTER = _KeyFilter()
for _name in _STACK_LOGGERS:
    logging.getLogger(_name).addFilter(_KEY_FILTER)


def _hold_key(key: str) -> None:
    if key:
        _KEY_FILTER.keys[key] = _KEY_FILTER.keys.get(key, 0) + 1


def _release_key(key: str) -> None:
    count = _KEY_FILTER.keys.get(key, 0) - 1
    if count > 0:
        _KEY_FILTER.keys[key] = count
    else:
        _KEY_FILTER.keys.pop(key, None)


def _deadline_failure(url: str, timeout: float) -> Failure:
    host = httpx.URL(url).host if _parsable(url) else "the server"
    return Failure(ErrorKind.TIMEOUT, f"timed out after {timeout:g} s (the deadline for a whole attempt) waiting "
                                      f"for {host} to finish its answer")


def translate(exc: Exception, url: str, timeout: float, via: str | None = None) -> Failure:
    """An httpx (or any transport) exception as a `Failure`: the one place they are translated.
    `via` names the proxy in use, so a proxy failure is not blamed on the API's host."""
    host = httpx.URL(url).host if _parsable(url) else "the server"
    if via:
        host = f"{host} through {via}"
    text = str(exc).strip()
    detail = f" ({text})" if text else ""
    if isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout)):
        what = "connecting to" if isinstance(exc, httpx.ConnectTimeout) else "waiting for a free connection to"
        return Failure(ErrorKind.TIMEOUT, f"timed out after {timeout:g} s {what} {host}; the request was not sent",
                       sent=False)
    if isinstance(exc, httpx.TimeoutException):
        phase = "sending the request to" if isinstance(exc, httpx.WriteTimeout) else "waiting for an answer from"
        return Failure(ErrorKind.TIMEOUT, f"timed out after {timeout:g} s {phase} {host}")
    if isinstance(exc, httpx.ConnectError):
        return Failure(ErrorKind.TRANSPORT, f"could not connect to {host}{detail}; the request was not sent",
                       sent=False)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return Failure(ErrorKind.TRANSPORT, f"unsupported URL scheme for {host}{detail}", sent=False)
    if isinstance(exc, httpx.DecodingError):
        return Failure(ErrorKind.INVALID_RESPONSE, f"the body from {host} could not be decoded{detail}")
    if isinstance(exc, httpx.TransportError):
        return Failure(ErrorKind.TRANSPORT, f"connection to {host} failed: {type(exc).__name__}{detail}")
    return Failure(ErrorKind.TRANSPORT, f"the transport failed: {type(exc).__name__}{detail}")


def redacted(failure: Failure, key: str) -> Failure:
    """The failure with the key out of its message (an exception's text may quote what the server sent)."""
    if key and key in failure.message:
        return Failure(failure.kind, failure.message.replace(key, "[REDACTED]"), failure.sent, failure.status)
    return failure


def _proxy_label(settings: Settings) -> str | None:
    """'the proxy HOST:PORT (from SOURCE)', without credentials; None when no proxy is used."""
    if not settings.proxy:
        return None
    try:
        url = httpx.URL(settings.proxy)
        where = f"{url.host}:{url.port}" if url.port else url.host
    except Exception:
        where = "configured"
    return f"the proxy {where} (from {settings.proxy_source})"


def _parsable(url: str) -> bool:
    try:
        httpx.URL(url)
    except Exception:
        return False
    return True


def transport_options(settings: Settings) -> dict[str, Any]:
    """The keyword arguments of the default httpx transport: the proxy and the CA certificates the
    settings resolved (the environment was read there, so httpx must not read it again)."""
    verify: ssl.SSLContext | bool = True
    if settings.ca_file or settings.ca_dir:
        try:
            verify = ssl.create_default_context(cafile=settings.ca_file, capath=settings.ca_dir)
        except (OSError, ssl.SSLError, ValueError) as exc:
            names = " and ".join(n for n, v in (("SSL_CERT_FILE", settings.ca_file), ("SSL_CERT_DIR", settings.ca_dir))
                                 if v)
            raise ConfigurationError(f"the CA certificates named by {names} cannot be loaded "
                                     f"({type(exc).__name__}: {exc}); fix the variable, or pass "
                                     f"trust_env=False to use the bundled certificates") from None
    options: dict[str, Any] = {"verify": verify, "trust_env": False}
    if settings.proxy is not None:
        try:
            options["proxy"] = httpx.Proxy(settings.proxy)
        except (ValueError, TypeError, httpx.InvalidURL) as exc:  # never the URL: it may carry credentials
            raise ConfigurationError(f"the proxy from {settings.proxy_source} is not a usable proxy URL "
                                     f"({type(exc).__name__}); give one such as http://proxy.example:3128") from None
    return options


def _build(factory: Any, settings: Settings) -> Any:
    options = transport_options(settings)
    try:
        return factory(**options)
    except ImportError as exc:  # e.g. a socks5:// proxy without httpx[socks]
        raise ConfigurationError(f"the proxy from {settings.proxy_source} needs a package that is not installed "
                                 f"({exc.name or exc}); install httpx[socks] for SOCKS proxies") from None



_EMPTY_STREAM = httpx.ByteStream(b"")  # immutable: one for every request without a body

# --- the httpx.URL of a URL under the base URL, without httpx parsing it again -----------------------
# `httpx.URL(text)` re-validates and re-quotes the whole URL (~28% of a call through a MockTransport);
# the public component forms (`httpx.URL(scheme=..., raw_path=...)`, `url.copy_with(raw_path=...)`) validate
# each component and cost more still. A URL under the base URL whose path and query hold only characters
# httpx keeps as they are, with no dot segment, has exactly the parse of the base URL with that path and
# query; it is built from those parts (httpx's own parse result), and any other URL is parsed by httpx as before.
_KEPT = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*").fullmatch  # in a path and a query: unchanged by httpx
_MAX_URL = 65_536  # httpx refuses longer URLs (InvalidURL): those go to httpx, which says so


class _UrlMaker:
    """`httpx.URL(text)` for the URLs under one base URL (`prefix`, ending in "/"), from httpx's parse of the
    prefix done once. `under` gives None when the prefix is not in httpx's own form or this httpx parses
    differently (then every URL is parsed by httpx, as before)."""

    def __init__(self, parsed: Any, head: int) -> None:
        self._result = type(parsed)  # httpx's ParseResult: scheme, userinfo, host, port, path, query, fragment
        self._origin = (parsed.scheme, parsed.userinfo, parsed.host, parsed.port)
        self._head = head  # len("scheme://authority")

    @classmethod
    def under(cls, prefix: str) -> _UrlMaker | None:
        try:
            parsed = httpx.URL(prefix)
            path = parsed._uri_reference.path
            head = len(prefix) - len(path)
            if str(parsed) != prefix or prefix[head:] != path or not path.startswith("/"):
                return None
            maker = cls(parsed._uri_reference, head)
            probe = f"{prefix}a/b%2Fc/?c=d%20e&f=%C3%A8+1&g"
            built, parsed_probe = maker.url(probe), httpx.URL(probe)
            if built is None or not _same_url(built, parsed_probe):
                return None
        except Exception:  # an httpx whose URL is not built on a ParseResult as 0.28 is
            return None
        return maker

    def url(self, text: str) -> httpx.URL | None:
        """The httpx.URL of `text` (which starts with the prefix), or None when httpx must parse it."""
        rest = text[self._head:]
        if len(text) > _MAX_URL or not _KEPT(rest):
            return None
        path, sep, query = rest.partition("?")
        if "/." in path:  # perhaps a dot segment, which httpx removes
            return None
        url = object.__new__(httpx.URL)
        url._uri_reference = self._result(*self._origin, path, query if sep else None, None)
        return url


def _same_url(a: httpx.URL, b: httpx.URL) -> bool:
    return (a._uri_reference == b._uri_reference and a == b and str(a) == str(b) and a.raw_path == b.raw_path
            and a.netloc == b.netloc and a.params == b.params)


# --- the httpcore path: pool, exceptions, headers and body decoding --------------------------------

# httpx.HTTPTransport's defaults (httpx.Limits(max_connections=100, max_keepalive_connections=20))
MAX_CONNECTIONS, MAX_KEEPALIVE, KEEPALIVE_EXPIRY = 100, 20, 5.0


def core_pool(settings: Settings) -> httpcore.ConnectionPool | httpcore.HTTPProxy | httpcore.SOCKSProxy:
    """The connection pool `httpx.HTTPTransport` would build from these settings (same SSL context from
    the settings' CA files, same proxy handling, same limits), built from httpcore's public API."""
    options = transport_options(settings)
    ssl_context = httpx.create_ssl_context(verify=options["verify"], trust_env=False)
    common: dict[str, Any] = {"ssl_context": ssl_context, "max_connections": MAX_CONNECTIONS,
                              "max_keepalive_connections": MAX_KEEPALIVE, "keepalive_expiry": KEEPALIVE_EXPIRY,
                              "http1": True, "http2": False}
    proxy: httpx.Proxy | None = options.get("proxy")
    if proxy is None:
        return httpcore.ConnectionPool(retries=0, **common)
    proxy_url = httpcore.URL(scheme=proxy.url.raw_scheme, host=proxy.url.raw_host, port=proxy.url.port,
                             target=proxy.url.raw_path)
    if proxy.url.scheme in ("http", "https"):
        return httpcore.HTTPProxy(proxy_url=proxy_url, proxy_auth=proxy.raw_auth, proxy_headers=proxy.headers.raw,
                                  proxy_ssl_context=proxy.ssl_context, **common)
    if importlib.util.find_spec("socksio") is None:  # httpcore would say so only at the first request
        raise ConfigurationError(f"the proxy from {settings.proxy_source} needs a package that is not installed "
                                 f"(socksio); install httpx[socks] for SOCKS proxies")
    return httpcore.SOCKSProxy(proxy_url=proxy_url, proxy_auth=proxy.raw_auth, **common)


def _ssl_context(settings: Settings) -> ssl.SSLContext:
    """The SSL context httpx.HTTPTransport would use: the settings' CA files, else certifi's bundle."""
    return httpx.create_ssl_context(verify=transport_options(settings)["verify"], trust_env=False)


# httpcore's exceptions as httpx's (most specific first), so that `translate` words them as it always has
_CORE_ERRORS: tuple[tuple[type[Exception], type[Exception]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout), (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout), (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException), (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError), (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError), (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError), (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


def _from_core(exc: Exception) -> Exception:
    for core, mapped in _CORE_ERRORS:
        if isinstance(exc, core):
            return mapped(str(exc))
    return exc


def _host_bytes(host: str) -> bytes:
    try:
        return host.encode("ascii")
    except UnicodeEncodeError:
        return host.encode("idna")


def _reply_headers(raw: list[tuple[bytes, bytes]]) -> Headers:
    # one encoding for every value, as httpx picks it: a NUL never occurs in a value (h11 refuses it)
    texts = header_text(b"\x00".join(value for _, value in raw)).split("\x00")
    return Headers.of_text([(name.decode("latin-1"), text) for (name, _), text in zip(raw, texts, strict=True)])


class _DecodeError(Exception):
    """A body that does not decode as its Content-Encoding says (zlib's message)."""


class _Inflate:
    """One gzip or deflate layer. Deflate bodies come zlib-wrapped or raw; like httpx, try the first, then
    the second. `decompress(data, limit)` gives at most `limit` bytes (more would pass the size cap anyway)."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._first = True
        self._z = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)

    def decompress(self, data: bytes, limit: int) -> bytes:
        first, self._first = self._first, False
        try:
            return self._z.decompress(data, limit)
        except zlib.error as exc:
            if first and not self._gzip:
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.decompress(data, limit)
            raise _DecodeError(str(exc)) from None

    def flush(self) -> bytes:
        try:
            return self._z.flush()
        except zlib.error as exc:
            raise _DecodeError(str(exc)) from None


class _TooLarge(Exception):
    """An inner layer of a several-times-encoded body already passed the size cap."""


class _Layers:
    """Several encodings (`Content-Encoding: deflate, gzip`), undone last first; each layer is bounded by the
    same limit, so a bomb in any layer stops as early as in a single one."""

    def __init__(self, layers: list[_Inflate]) -> None:
        self._layers = layers

    def decompress(self, data: bytes, limit: int) -> bytes:
        for layer in self._layers[:-1]:
            data = layer.decompress(data, limit)
            if len(data) >= limit:
                raise _TooLarge
        return self._layers[-1].decompress(data, limit)

    def flush(self) -> bytes:  # what the layers still hold once every chunk went in (nothing, but a tail)
        data = b""
        for layer in self._layers:
            data = (layer.decompress(data, 0) if data else b"") + layer.flush()
        return data


def _decoder(encoding: str | None) -> _Inflate | _Layers | None:
    """The decoder of a Content-Encoding; None for identity and for codings we never ask for (httpx too
    passes those through as they are)."""
    if not encoding:
        return None
    layers = [_Inflate(gzip=name == "gzip") for name in
              (part.strip().lower() for part in reversed(encoding.split(",")))
              if name in ("gzip", "deflate")]
    if not layers:
        return None
    return layers[0] if len(layers) == 1 else _Layers(layers)


def gather(chunks: Iterable[bytes], decoder: _Inflate | _Layers | None, cap: int, deadline: float) -> bytes:
    """A body from its chunks as they are read, decoded: `_TooLarge` once it (or what was read of it) passes
    `cap` bytes, `DeadlineExceeded` when a chunk comes after `deadline` (a `time.monotonic()` instant). A body
    the wire read with its head (a tuple of chunks) has come already: it is only measured."""
    if decoder is None and type(chunks) is tuple:
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if len(body) > cap:
            raise _TooLarge
        return body
    parts: list[bytes] = []
    size = raw = 0
    for chunk in chunks:
        if time.monotonic() > deadline:
            raise DeadlineExceeded("the deadline passed")
        raw += len(chunk)
        if decoder is not None:
            chunk = decoder.decompress(chunk, cap - size + 1)
        size += len(chunk)
        if size > cap or raw > cap:
            raise _TooLarge
        parts.append(chunk)
    if decoder is not None:
        tail = decoder.flush()
        size += len(tail)
        if size > cap:
            raise _TooLarge
        parts.append(tail)
    return parts[0] if len(parts) == 1 else b"".join(parts)


async def agather(chunks: AsyncIterable[bytes], cap: int) -> bytes:
    """`gather` for an async wire's body, decoded by the wire (the deadline is the caller's): `_TooLarge`
    once it passes `cap` bytes."""
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > cap:
            raise _TooLarge
        parts.append(chunk)
    return parts[0] if len(parts) == 1 else b"".join(parts)


class _Base:
    """Headers, timeouts and the size cap shared by both transports."""

    def __init__(self, settings: Settings) -> None:
        self._via: str | None = None  # the proxy in use, named in transport failures
        self._origin = settings.origin
        self._prefix = settings.base_url + "/"
        self._timeout = settings.timeout
        self._cap = settings.max_response_bytes
        self._key = settings.api_key.reveal()
        _hold_key(self._key)  # kept for the transport's life: the stack may log after the call returns
        self._extensions: dict[str, Any] = {"timeout": {k: settings.timeout for k in ("connect", "read", "write",
                                                                                     "pool")}}
        plain = [("Accept", "application/json"), ("Accept-Encoding", "gzip, deflate"), ("User-Agent", USER_AGENT)]
        keyed = [*plain, (settings.auth_header, settings.api_key.reveal())]
        self._headers = {(False, True): plain, (True, True): keyed,
                         (False, False): [*plain, ("Content-Type", "application/json")],
                         (True, False): [*keyed, ("Content-Type", "application/json")]}
        # the same headers on the wire, for a transport that writes bytes: Host first, as httpx sends them
        origin = settings.origin
        self._scheme, self._host, self._port = origin.scheme.encode("ascii"), _host_bytes(origin.host), origin.port
        name = b"[" + self._host + b"]" if b":" in self._host else self._host
        host_line = (b"Host", name if origin.port == (443 if origin.scheme == "https" else 80)
                     else name + b":" + str(origin.port).encode("ascii"))
        self._core_headers = {trusted_plain: [host_line, *((k.encode("ascii"), v.encode("ascii")) for k, v in lines)]
                              for trusted_plain, lines in self._headers.items()}
        self._httpx_headers = httpx.Headers(self._core_headers[(True, True)])
        self._httpx_body_headers = httpx.Headers(self._core_headers[(True, False)])
        self._urls = _UrlMaker.under(self._prefix)

    def _trusted(self, url: str) -> bool:
        """May this URL carry the key? Only under the base URL's origin (both wires ask here)."""
        return url.startswith(self._prefix) or origin_of(url) == self._origin

    def _request(self, request: Request) -> httpx.Request:
        body = request.body
        if request.url.startswith(self._prefix):
            # the API's own base URL: every header already built (Host, and Content-Length here), so httpx
            # need not work them out again; the same request as `content=` would give, read like it
            url = (self._urls.url(request.url) if self._urls is not None else None) or request.url
            if body is None:
                built = httpx.Request(request.method, url, headers=self._httpx_headers,
                                      stream=_EMPTY_STREAM, extensions=self._extensions)
            else:
                built = httpx.Request(request.method, url, headers=self._httpx_body_headers,
                                      stream=httpx.ByteStream(body), extensions=self._extensions)
                built.headers["Content-Length"] = str(len(body))  # the request's own copy; added last
            built.read()
            return built
        headers = self._headers[(self._trusted(request.url), body is None)]
        return httpx.Request(request.method, request.url, headers=headers, content=body, extensions=self._extensions)

    def _too_large(self, response: httpx.Response, url: str) -> Failure | None:
        length = response.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self._cap:
            return self._cap_failure(response, url, int(length))
        return None

    def _cap_failure(self, response: httpx.Response, url: str, size: int | None) -> Failure:
        return self._cap_failure_of(response.status_code, url, size)

    def _cap_failure_of(self, status: int, url: str, size: int | None) -> Failure:
        got = f"{size} bytes" if size is not None else "more"
        return Failure(ErrorKind.INVALID_RESPONSE,
                       f"HTTP {status} from {httpx.URL(url).host}: the body is {got}, above the "
                       f"{self._cap}-byte limit (max_response_bytes); it was not read", status=status)

    @staticmethod
    def _reply(response: httpx.Response, body: bytes, url: str) -> Reply:
        status = response.status_code
        reason = response.reason_phrase if "reason_phrase" in response.extensions else _reason(status)
        return Reply(status, reason, response.headers, body, url)


@functools.lru_cache(maxsize=256)
def _reason(status: int) -> str:
    """`httpx.Response.reason_phrase` of an answer without one of its own (a mock's): an enum lookup, once."""
    return httpx.codes.get_reason_phrase(status)


# what the wire writes on the request line: a method that is an HTTP token, a target of visible ASCII (h11
# refuses the same for the httpx path); anything else could end the line early and inject headers
_NOT_IN_TARGET = re.compile(rb"[^\x21-\x7e]").search
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+").fullmatch
_METHODS = {m: m.encode("ascii") for m in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")}


def _method(method: str) -> bytes:
    if not _TOKEN(method):
        raise httpx.LocalProtocolError("the request method is not an HTTP token")
    return method.encode("ascii")


class SyncTransport(_Base):
    """Blocking exchanges. Without `transport`, straight on an httpcore connection pool (no httpx
    request or response objects: the URL is already split, the headers are pre-encoded bytes, and
    the body is decoded here); with one, through that httpx transport."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(settings)
        if transport is not None and not isinstance(transport, httpx.BaseTransport):
            raise ConfigurationError(f"Client(transport=...) needs an httpx.BaseTransport (e.g. httpx.MockTransport or "
                                     f"httpx.HTTPTransport), got {type(transport).__name__}")
        self._transport: httpx.BaseTransport | None = transport
        self._pool: httpcore.ConnectionPool | httpcore.HTTPProxy | httpcore.SOCKSProxy | None = None
        self._wire: WirePool | None = None
        self._settings = settings
        self._lock = threading.Lock()
        if transport is None:
            if settings.proxy is None:  # straight to the API: our own HTTP/1.1 on kept-alive sockets
                context = _ssl_context(settings)  # built for http too: bad CA settings fail at once, as before
                self._wire = WirePool(settings.origin.scheme, settings.origin.host, settings.origin.port, context,
                                      settings.timeout)
            else:  # through the proxy: httpcore's proxy pools
                self._pool = core_pool(settings)
            self._via = _proxy_label(settings)
        # what follows the request-target: the version, then every header line (Content-Length, for a body, last)
        self._blocks = {plain: b" HTTP/1.1\r\n" + b"".join(k + b": " + v + b"\r\n"
                                                          for k, v in self._core_headers[(True, plain)])
                        for plain in (True, False)}

    def send(self, request: Request) -> Reply | Failure:
        if self._transport is not None:
            return self._send_httpx(request)
        deadline = time.monotonic() + self._timeout  # a whole attempt, not only each socket read
        body = request.body
        try:
            if self._wire is not None and request.wire and request.url.startswith(self._prefix):
                target = request.wire
                if _NOT_IN_TARGET(target):  # never from a builder (it percent-encodes); never sent
                    raise httpx.LocalProtocolError("the request target holds a space, a line break or another "
                                                   "byte a request line cannot carry")
                method = _METHODS.get(request.method) or _method(request.method)
                if body is None:
                    head = b"%s %s%s\r\n" % (method, target, self._blocks[True])
                else:
                    head = b"%s %s%sContent-Length: %d\r\n\r\n" % (method, target, self._blocks[False], len(body))
                response: httpcore.Response | WireResponse = self._wire.request(method, head, body, deadline)
            else:
                response = self._core().handle_request(self._core_request(request))
        except DeadlineExceeded:
            return _deadline_failure(request.url, self._timeout)
        except Exception as exc:
            return translate(_from_core(exc), request.url, self._timeout, self._via)
        reason: Any
        if isinstance(response, WireResponse):
            headers, reason = response.mapping, response.reason
        else:
            headers, reason = _reply_headers(response.headers), response.extensions.get("reason_phrase")
        status = response.status
        try:
            # both kinds of `Headers` hold lower-case names: plain dict lookups, without the case folding
            length = dict.get(headers, "content-length")
            if length is not None and length.isdigit() and int(length) > self._cap:
                return self._cap_failure_of(status, request.url, int(length))
            encoding = dict.get(headers, "content-encoding")
            stream: Iterable[bytes] = response.stream  # type: ignore[assignment]
            body = gather(stream, _decoder(encoding) if encoding else None, self._cap, deadline)
        except _TooLarge:
            return self._cap_failure_of(status, request.url, None)
        except _DecodeError as exc:
            return translate(httpx.DecodingError(str(exc)), request.url, self._timeout, self._via)
        except DeadlineExceeded:
            return _deadline_failure(request.url, self._timeout)
        except Exception as exc:
            return translate(_from_core(exc), request.url, self._timeout, self._via)
        finally:
            # a broken stream must not hide the answer or the failure (not contextlib.suppress: an object and
            # two calls more on every call)
            try:  # noqa: SIM105
                response.close()
            except Exception:
                pass
        # the reason phrase as httpx words it
        text = reason.decode("ascii", "ignore") if isinstance(reason, bytes) else httpx.codes.get_reason_phrase(status)
        return Reply(status, text, headers, body, request.url)

    def _core(self) -> httpcore.ConnectionPool | httpcore.HTTPProxy | httpcore.SOCKSProxy:
        """The httpcore pool: the proxy's, or (direct) for a request the wire does not take (the plan sends
        only to the API's base URL; the transport still takes any absolute URL, without the key elsewhere)."""
        if self._pool is None:
            with self._lock:
                if self._pool is None:
                    self._pool = core_pool(self._settings)
        return self._pool

    def _core_request(self, request: Request) -> httpcore.Request:
        body = request.body
        if request.wire and request.url.startswith(self._prefix):  # the API's own base URL: all pre-built
            url = httpcore.URL(scheme=self._scheme, host=self._host, port=self._port, target=request.wire)
            headers = self._core_headers[(True, body is None)]
        else:
            scheme, host, port, target = split_url(request.url)
            if (scheme, host, port) == (self._origin.scheme, self._origin.host, self._origin.port):
                headers = self._core_headers[(True, body is None)]
            else:  # not the API's origin: no key, and the Host header of where it goes
                default = port == (443 if scheme == "https" else 80)
                name = f"[{host}]" if ":" in host else host
                host_line = (b"Host", (name if default else f"{name}:{port}").encode("idna"))
                headers = [host_line, *self._core_headers[(False, body is None)][1:]]
            url = httpcore.URL(scheme=scheme.encode("ascii"), host=host.encode("idna"), port=port,
                               target=request.wire or target)
        if body is not None:
            headers = [*headers, (b"Content-Length", str(len(body)).encode("ascii"))]
        return httpcore.Request(request.method, url, headers=headers, content=body, extensions=self._extensions)

    def _send_httpx(self, request: Request) -> Reply | Failure:
        assert self._transport is not None
        deadline = time.monotonic() + self._timeout  # a whole attempt, not only each socket read
        try:
            response = self._transport.handle_request(self._request(request))
        except Exception as exc:
            return translate(exc, request.url, self._timeout, self._via)
        try:
            failure = self._too_large(response, request.url)
            if failure is not None:
                return failure
            # already read (a MockTransport's answer): its decoded content, else decoded as it is read
            chunks = (response.content,) if response.is_stream_consumed else response.iter_bytes()
            body = gather(chunks, None, self._cap, deadline)
        except _TooLarge:
            return self._cap_failure(response, request.url, None)
        except DeadlineExceeded:
            return _deadline_failure(request.url, self._timeout)
        except Exception as exc:
            return translate(exc, request.url, self._timeout, self._via)
        finally:
            with contextlib.suppress(Exception):  # a broken stream must not hide the answer or the failure
                response.close()
        return self._reply(response, body, request.url)

    def close(self) -> None:
        try:
            if self._transport is not None:
                self._transport.close()
            if self._wire is not None:
                self._wire.close()
            if self._pool is not None:
                self._pool.close()
        finally:
            _release_key(self._key)


class _AsyncBase(_Base):
    """What both async wires (httpx here, aiohttp in `_aio`) share: one deadline over a whole attempt."""

    async def send(self, request: Request) -> Reply | Failure:
        try:  # the whole attempt, queueing for a connection included, not only each socket read (no extra task)
            async with asyncio.timeout(self._timeout):
                return await self._send(request)
        except TimeoutError:
            return _deadline_failure(request.url, self._timeout)

    async def _send(self, request: Request) -> Reply | Failure:
        raise NotImplementedError


class AsyncTransport(_AsyncBase):
    wire = "httpx"

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(settings)
        if transport is not None and not isinstance(transport, httpx.AsyncBaseTransport):
            raise ConfigurationError(f"AsyncClient(transport=...) needs an httpx.AsyncBaseTransport (e.g. "
                                     f"httpx.MockTransport or httpx.ASGITransport), got {type(transport).__name__}")
        self._transport: httpx.AsyncBaseTransport = (transport if transport is not None
                                                     else _build(httpx.AsyncHTTPTransport, settings))
        self._via = _proxy_label(settings) if transport is None else None

    async def _send(self, request: Request) -> Reply | Failure:
        try:
            response = await self._transport.handle_async_request(self._request(request))
        except Exception as exc:
            return redacted(translate(exc, request.url, self._timeout, self._via), self._key)
        try:
            failure = self._too_large(response, request.url)
            if failure is not None:
                return failure
            body = await agather(response.aiter_bytes(), self._cap)
        except _TooLarge:
            return self._cap_failure(response, request.url, None)
        except Exception as exc:
            return redacted(translate(exc, request.url, self._timeout, self._via), self._key)
        finally:
            with contextlib.suppress(Exception):  # a broken stream must not hide the answer or the failure
                await response.aclose()
        return self._reply(response, body, request.url)

    async def aclose(self) -> None:
        try:
            await self._transport.aclose()
        finally:
            _release_key(self._key)
