"""The wire: HTTP/1.1 on kept-alive sockets to the API's own origin, for the blocking transport.

Stage: inside the transport (only `_transport` uses it). Input: a request head already encoded as
bytes (request line and headers, built from the URL the runtime split once) and the body. Output: a
`WireResponse` (status, reason, raw header pairs, the body as chunks while they arrive) shaped like
httpcore's, so `_transport` reads both alike. Failures raise httpx's exception classes with
httpcore's wording, so `_transport.translate` words them as for any other transport.
Rules: one origin per pool (the key's: nothing else is ever sent here); per-operation socket timeouts,
and no read past the whole attempt's deadline;
a connection is reused only after a complete HTTP/1.1 answer without `Connection: close` and with
nothing read past it (bytes the server sent unasked would be the next request's answer), at most
`MAX_IDLE` idle ones for `KEEPALIVE_EXPIRY` seconds, and never once the server may have hung up
(checked before reuse); framing per RFC 9112 (chunked, Content-Length, or until close), 1xx skipped;
a malformed answer is a protocol error and its connection is closed.
"""

from __future__ import annotations

import io
import math
import re
import select
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx

MAX_IDLE = 20  # idle connections kept (httpx.HTTPTransport's max_keepalive_connections)
KEEPALIVE_EXPIRY = 5.0  # seconds an idle connection may wait for reuse (httpx's default)
MAX_HEAD = 100 * 1024  # bytes of status line and headers (httpcore's limit)
MAX_LINE = 64 * 1024
READ = 64 * 1024  # bytes per body read
NO_BODY_STATUSES = frozenset({204, 304})
# a header field line (RFC 9110 5.1, 5.5): a token, a colon, and a value without NUL, CR, LF, VT or FF (what
# h11, httpx's parser, refuses); a space in or before the colon, a control character in the name: refused
_FIELD = re.compile(rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([^\x00\n\r\x0b\x0c]*?)[ \t]*\r?\n").fullmatch


class DeadlineExceeded(httpx.ReadTimeout):
    """A read stopped at the whole attempt's deadline, not at the per-read timeout."""


class _Deadline(TimeoutError):
    pass


class _Reader(io.RawIOBase):
    """The socket as the connection's buffered file reads it. Each read waits at most the timeout, and
    never past `deadline` (the whole attempt's): a server dripping its answer a byte at a time, each
    within the timeout, is still stopped there, in the head as in the body."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self._sock = sock
        self._timeout = timeout
        self._short = False  # the socket's timeout is cut to what is left of the deadline
        self._got = 0  # bytes read since `arm`
        self.deadline = math.inf

    def readable(self) -> bool:
        return True

    def arm(self, deadline: float) -> None:
        self.deadline, self._got = deadline, 0
        if self._short:
            self._sock.settimeout(self._timeout)
            self._short = False

    def readinto(self, buffer: Any) -> int | None:
        sock = self._sock
        if sock.gettimeout() != 0:  # 0: a look that must not wait (`_Connection.quiet`)
            left = self.deadline - time.monotonic()
            if left < self._timeout:
                if left <= 0:
                    raise _Deadline if self._got else TimeoutError("timed out")
                sock.settimeout(left)
                self._short = True
        try:
            got = sock.recv_into(buffer)
        except (BlockingIOError, ssl.SSLWantReadError):
            return None
        except TimeoutError:
            # a server silent from the start timed out as any read does; one that began its answer and
            # did not finish it in time ran into the deadline of the whole attempt
            if self._short and self._got:
                raise _Deadline from None
            raise
        self._got += got
        return got


class _Connection:
    __slots__ = ("file", "idle_since", "poller", "reader", "sock", "timeout")

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self.sock = sock
        self.timeout = timeout
        self.reader = _Reader(sock, timeout)
        self.file = io.BufferedReader(self.reader, READ)
        self.idle_since = 0.0
        self.poller = select.poll() if hasattr(select, "poll") else None
        if self.poller is not None:
            self.poller.register(sock, select.POLLIN)

    def gone(self) -> bool:
        """Has this idle connection become readable (the server hung up, or sent what nobody asked for)?"""
        try:
            if self.poller is not None:
                return bool(self.poller.poll(0))
            return bool(select.select([self.sock], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def quiet(self) -> bool:
        """Has the server sent nothing past the answer just read? Bytes already read ahead (in the file's
        buffer or the TLS layer, where polling the socket cannot see them) would be the next request's
        answer: a connection holding any is never reused. Looked at without waiting."""
        try:
            self.sock.settimeout(0)
            try:
                extra = self.file.peek(1)  # what is buffered, else one read that does not wait
            finally:
                self.sock.settimeout(self.timeout)
        except (OSError, ValueError):
            return False
        return not extra

    def close(self) -> None:
        try:
            self.file.close()
        finally:
            self.sock.close()


class WirePool:
    """Kept-alive connections to one origin. Thread-safe: a connection serves one exchange at a time."""

    def __init__(self, scheme: str, host: str, port: int, ssl_context: ssl.SSLContext | None, timeout: float) -> None:
        self._address = (host, port)
        self._tls = ssl_context if scheme == "https" else None
        self._server_hostname = host
        self._timeout = timeout
        self._idle: list[_Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    def _connect(self) -> _Connection:
        try:
            sock = socket.create_connection(self._address, self._timeout)
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(str(exc)) from exc
        except OSError as exc:
            raise httpx.ConnectError(str(exc)) from exc
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._tls is not None:
                sock = self._tls.wrap_socket(sock, server_hostname=self._server_hostname)
        except TimeoutError as exc:
            sock.close()
            raise httpx.ConnectTimeout(str(exc)) from exc
        except (OSError, ssl.SSLError, ValueError) as exc:
            sock.close()
            raise httpx.ConnectError(str(exc)) from exc
        return _Connection(sock, self._timeout)

    def _checkout(self) -> _Connection:
        """An idle connection still fit for use, else a new one. (A server may still hang up between this
        check and the request, as with httpcore: the read then fails and the retry policy decides.)"""
        now = time.monotonic()
        while True:
            with self._lock:
                if self._closed:
                    raise httpx.ConnectError("the connection pool is closed")
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                return self._connect()
            if now - conn.idle_since <= KEEPALIVE_EXPIRY and not conn.gone():
                return conn
            conn.close()

    def _checkin(self, conn: _Connection) -> None:
        conn.idle_since = time.monotonic()
        with self._lock:
            if not self._closed and len(self._idle) < MAX_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    def request(self, method: bytes, head: bytes, body: bytes | None, deadline: float = math.inf) -> WireResponse:
        """Send `head` (request line and headers, ending in a blank line) and `body`; the answer's head.
        No read of the answer, head or body, waits past `deadline` (a `time.monotonic()` instant)."""
        conn = self._checkout()
        try:
            conn.reader.arm(deadline)
            try:
                conn.sock.sendall(head + body if body else head)
            except TimeoutError as exc:
                raise httpx.WriteTimeout(str(exc)) from exc
            except OSError as exc:
                raise httpx.WriteError(str(exc)) from exc
            return self._answer(conn, method)
        except BaseException:
            conn.close()
            raise

    def _answer(self, conn: _Connection, method: bytes) -> WireResponse:
        readline = conn.file.readline
        budget = MAX_HEAD
        try:
            while True:
                line = readline(MAX_LINE + 1)
                if not line.endswith(b"\n"):
                    raise _bad_line(line, first=True)
                budget -= len(line)
                version, _, rest = line.rstrip(b"\r\n").partition(b" ")
                code = rest[:3]
                if version not in (b"HTTP/1.1", b"HTTP/1.0") or not code.isdigit() or rest[3:4] not in (b"", b" "):
                    raise httpx.RemoteProtocolError("illegal status line")  # never its text: it may echo anything
                status = int(code)
                raw: list[tuple[bytes, bytes]] = []
                headers = Headers()
                while True:
                    line = readline(MAX_LINE + 1)
                    budget -= len(line)
                    if not line.endswith(b"\n") or budget < 0:
                        raise _bad_line(line, first=False)
                    if line == b"\r\n" or line == b"\n":
                        break
                    field = _FIELD(line)
                    if field is None:  # never its text: it may echo anything
                        raise httpx.RemoteProtocolError("illegal header line")
                    name, value = field.groups()
                    raw.append((name, value))
                    key = name.decode("latin-1").lower()
                    text = header_text(value)
                    old = dict.get(headers, key)
                    dict.__setitem__(headers, key, text if old is None else f"{old}, {text}")
                if 100 <= status < 200:
                    if status == 101:
                        raise httpx.RemoteProtocolError("the server switched protocols, which was not asked for")
                    continue  # 100 Continue and other interim answers: the real one follows
                return WireResponse(self, conn, status, rest[4:], raw, headers, method, version)
        except TimeoutError as exc:
            raise _read_timeout(exc) from exc
        except OSError as exc:
            raise httpx.ReadError(str(exc)) from exc

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def _read_timeout(exc: TimeoutError) -> httpx.ReadTimeout:
    return DeadlineExceeded("the deadline passed") if isinstance(exc, _Deadline) else httpx.ReadTimeout(str(exc))


def _bad_line(line: bytes, first: bool) -> httpx.RemoteProtocolError:
    if not line and first:
        return httpx.RemoteProtocolError("Server disconnected without sending a response.")
    if line.endswith(b"\n") or len(line) > MAX_LINE:
        return httpx.RemoteProtocolError("the answer's head is too long")
    return httpx.RemoteProtocolError("peer closed connection without sending complete message head")


class Headers(dict[str, str]):
    """A reply's headers: lower-case names (repeated ones joined with ", ", as httpx does), looked up
    case-insensitively."""

    def get(self, key: str, default: Any = None) -> Any:
        return dict.get(self, key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return dict.__getitem__(self, key.lower())

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key.lower() if isinstance(key, str) else key)


def header_text(value: bytes) -> str:
    """A header value as httpx decodes it: ASCII, else UTF-8, else Latin-1."""
    try:
        return value.decode("ascii")
    except UnicodeDecodeError:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("latin-1")


class WireResponse:
    """An answer whose body is read as it is iterated (`stream`); `close()` hands the connection back
    when the answer was complete and reusable, and closes it otherwise."""

    __slots__ = ("_conn", "_done", "_framing", "_keep", "_length", "_pool", "extensions", "headers", "mapping",
                 "status", "stream")

    def __init__(self, pool: WirePool, conn: _Connection, status: int, reason: bytes,
                 headers: list[tuple[bytes, bytes]], mapping: Headers, method: bytes, version: bytes) -> None:
        self._pool = pool
        self._conn: _Connection | None = conn
        self.status, self.headers, self.mapping = status, headers, mapping
        self.extensions = {"reason_phrase": reason}
        length = dict.get(mapping, "content-length")
        lengths = [v.strip() for v in length.split(",")] if length is not None else []
        coding = dict.get(mapping, "transfer-encoding")
        encoded = coding is not None
        connection = dict.get(mapping, "connection")
        keep = version == b"HTTP/1.1" and not (
            connection is not None and "close" in (v.strip().lower() for v in connection.split(",")))
        self._length = 0
        if method == b"HEAD" or status in NO_BODY_STATUSES:
            self._framing = "none"
        elif encoded:
            # only chunked, as h11 (httpx) takes it: with another transfer coding (gzip, or gzip then chunked)
            # the body would be bytes nobody decodes, read as the answer
            if coding.strip().lower() != "chunked":  # type: ignore[union-attr]
                raise httpx.RemoteProtocolError("Only Transfer-Encoding: chunked is supported")
            self._framing = "chunked"
        elif lengths:
            if not all(v.isascii() and v.isdigit() and len(v) <= 19 for v in lengths) or len(set(lengths)) != 1:
                raise httpx.RemoteProtocolError("invalid Content-Length in the answer")
            self._framing, self._length = "length", int(lengths[0])
        else:
            self._framing = "close"
        # both framings at once is how smuggling starts: use the answer (chunked wins), never the connection
        self._keep = keep and self._framing != "close" and not (encoded and length is not None)
        self._done = self._framing == "none" or (self._framing == "length" and self._length == 0)
        self.stream: Iterator[bytes] = self._body()

    def _body(self) -> Iterator[bytes]:
        if self._done:
            return
        assert self._conn is not None
        file = self._conn.file
        try:
            if self._framing == "length":
                left = self._length
                while left:
                    data = file.read1(min(left, READ))
                    if not data:
                        raise httpx.RemoteProtocolError(
                            f"peer closed connection without sending complete message body: received "
                            f"{self._length - left} bytes, expected {self._length}")
                    left -= len(data)
                    yield data
            elif self._framing == "chunked":
                yield from self._chunks(file)
            else:
                while data := file.read1(READ):
                    yield data
        except TimeoutError as exc:
            raise _read_timeout(exc) from exc
        except OSError as exc:
            raise httpx.ReadError(str(exc)) from exc
        self._done = True

    @staticmethod
    def _chunks(file: io.BufferedReader[_Reader]) -> Iterator[bytes]:
        readline, read = file.readline, file.read
        while True:
            line = readline(MAX_LINE + 1)
            size_text = line.split(b";", 1)[0].strip()
            if (not line.endswith(b"\n") or not 0 < len(size_text) <= 16
                    or any(c not in b"0123456789abcdefABCDEF" for c in size_text)):
                raise httpx.RemoteProtocolError("peer closed connection without sending complete message body: "
                                                "incomplete chunked read" if not line.endswith(b"\n")
                                                else "illegal chunk size line")
            size = int(size_text, 16)
            if size == 0:  # the trailer section: read and dropped, bounded as a head is
                budget = MAX_HEAD
                while (trailer := readline(MAX_LINE + 1)) not in (b"\r\n", b"\n"):
                    budget -= len(trailer)
                    if budget < 0:
                        raise httpx.RemoteProtocolError("the answer's trailer section is too long")
                    if not trailer.endswith(b"\n"):
                        raise httpx.RemoteProtocolError("peer closed connection without sending complete message "
                                                        "body: incomplete chunked read")
                return
            while size:
                data = read(min(size, READ))
                if not data:
                    raise httpx.RemoteProtocolError("peer closed connection without sending complete message body: "
                                                    "incomplete chunked read")
                size -= len(data)
                yield data
            if readline(3) not in (b"\r\n", b"\n"):
                raise httpx.RemoteProtocolError("a chunk does not end where its size says")

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if self._done and self._keep and conn.quiet():
            self._pool._checkin(conn)
        else:
            conn.close()
