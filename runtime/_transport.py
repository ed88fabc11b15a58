"""The transport: the only module that does I/O and the only one that sees httpx exceptions.

Stage: one HTTP exchange. Input: a `Request` (plain data) and the client's settings. Output: a
`Reply` (status, headers, body bytes read up to the size cap) or a `Failure` (kind, message, and
whether the request may have reached the server). Requests go straight to an httpx transport
(`httpx.HTTPTransport` by default, pooled and reused, through the settings' proxy and CA
certificates; any `httpx.BaseTransport` such as `httpx.MockTransport` can be injected): no
cookies, no redirects followed here, and the API key header goes only to the base URL's origin.
`AsyncClient` uses `AsyncTransport` for an injected transport or `wire="httpx"`; its default wire,
on aiohttp, is `_aio.AioTransport`, which shares `_Base` (headers, origin rule, size cap).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from typing import TYPE_CHECKING, Any

import httpx

from ._config import USER_AGENT, Settings, origin_of
from ._outcome import ErrorKind
from ._response import Failure, Reply
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

    def _trusted(self, url: str) -> bool:
        """May this URL carry the key? Only under the base URL's origin (both wires ask here)."""
        return url.startswith(self._prefix) or origin_of(url) == self._origin

    def _request(self, request: Request) -> httpx.Request:
        headers = self._headers[(self._trusted(request.url), request.body is None)]
        return httpx.Request(request.method, request.url, headers=headers, content=request.body,
                             extensions=self._extensions)

    def _too_large(self, response: httpx.Response, url: str) -> Failure | None:
        length = response.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self._cap:
            return self._cap_failure(response, url, int(length))
        return None

    def _cap_failure(self, response: httpx.Response, url: str, size: int | None) -> Failure:
        got = f"{size} bytes" if size is not None else "more"
        return Failure(ErrorKind.INVALID_RESPONSE,
                       f"HTTP {response.status_code} from {httpx.URL(url).host}: the body is {got}, above the "
                       f"{self._cap}-byte limit (max_response_bytes); it was not read", status=response.status_code)

    @staticmethod
    def _reply(response: httpx.Response, body: bytes, url: str) -> Reply:
        return Reply(response.status_code, response.reason_phrase, response.headers, body, url)


class SyncTransport(_Base):
    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(settings)
        if transport is not None and not isinstance(transport, httpx.BaseTransport):
            raise ConfigurationError(f"Client(transport=...) needs an httpx.BaseTransport (e.g. httpx.MockTransport or "
                                     f"httpx.HTTPTransport), got {type(transport).__name__}")
        self._transport: httpx.BaseTransport = (transport if transport is not None
                                                else _build(httpx.HTTPTransport, settings))
        self._via = _proxy_label(settings) if transport is None else None

    def send(self, request: Request) -> Reply | Failure:
        deadline = time.monotonic() + self._timeout  # a whole attempt, not only each socket read
        try:
            response = self._transport.handle_request(self._request(request))
        except Exception as exc:
            return translate(exc, request.url, self._timeout, self._via)
        try:
            failure = self._too_large(response, request.url)
            if failure is not None:
                return failure
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                if time.monotonic() > deadline:
                    return _deadline_failure(request.url, self._timeout)
                size += len(chunk)
                if size > self._cap:
                    return self._cap_failure(response, request.url, None)
                chunks.append(chunk)
        except Exception as exc:
            return translate(exc, request.url, self._timeout, self._via)
        finally:
            with contextlib.suppress(Exception):  # a broken stream must not hide the answer or the failure
                response.close()
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        return self._reply(response, body, request.url)

    def close(self) -> None:
        try:
            self._transport.close()
        finally:
            _release_key(self._key)


class AsyncTransport(_Base):
    wire = "httpx"

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(settings)
        if transport is not None and not isinstance(transport, httpx.AsyncBaseTransport):
            raise ConfigurationError(f"AsyncClient(transport=...) needs an httpx.AsyncBaseTransport (e.g. "
                                     f"httpx.MockTransport or httpx.ASGITransport), got {type(transport).__name__}")
        self._transport: httpx.AsyncBaseTransport = (transport if transport is not None
                                                     else _build(httpx.AsyncHTTPTransport, settings))
        self._via = _proxy_label(settings) if transport is None else None

    async def send(self, request: Request) -> Reply | Failure:
        try:  # the deadline bounds a whole attempt, not only each socket read (no extra task: same ordering)
            async with asyncio.timeout(self._timeout):
                return await self._send(request)
        except TimeoutError:
            return _deadline_failure(request.url, self._timeout)

    async def _send(self, request: Request) -> Reply | Failure:
        try:
            response = await self._transport.handle_async_request(self._request(request))
        except Exception as exc:
            return redacted(translate(exc, request.url, self._timeout, self._via), self._key)
        try:
            failure = self._too_large(response, request.url)
            if failure is not None:
                return failure
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self._cap:
                    return self._cap_failure(response, request.url, None)
                chunks.append(chunk)
        except Exception as exc:
            return redacted(translate(exc, request.url, self._timeout, self._via), self._key)
        finally:
            with contextlib.suppress(Exception):  # a broken stream must not hide the answer or the failure
                await response.aclose()
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        return self._reply(response, body, request.url)

    async def aclose(self) -> None:
        try:
            await self._transport.aclose()
        finally:
            _release_key(self._key)
