"""The wire: HTTP/1.1 on kept-alive sockets to the API's own origin, for the blocking transport.

Stage: inside the transport (only `_transport` uses it). Input: a request head already encoded as
bytes (request line and headers, built from the URL the runtime split once) and the body. Output: a
`WireResponse` (status, reason, raw header pairs, the body as chunks while they arrive) shaped like
httpcore's, so `_transport` reads both alike. Failures raise httpx's exception classes with
httpcore's wording, so `_transport.translate` words them as for any other transport.
Rules: one origin per pool (the key's: nothing else is ever sent here); each wait on a socket at most
the timeout, and, once the connection is up (connect and TLS handshake: the timeout each), none past the
whole attempt's deadline;
a connection is reused only after a complete HTTP/1.1 answer without `Connection: close` and with
nothing read past it (bytes the server sent unasked would be the next request's answer), at most
`MAX_IDLE` idle ones for `KEEPALIVE_EXPIRY` seconds, and never once the server may have hung up
(checked before reuse); framing per RFC 9112 (chunked, Content-Length, or until close), 1xx skipped;
a malformed answer is a protocol error and its connection is closed.
"""

from __future__ import annotations

import math
import re
import select
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpx

MAX_IDLE = 20  # idle connections kept (httpx.HTTPTransport's max_keepalive_connections)
KEEPALIVE_EXPIRY = 5.0  # seconds an idle connection may wait for reuse (httpx's default)
MAX_HEAD = 100 * 1024  # bytes of status line and headers (httpcore's limit)
MAX_LINE = 64 * 1024
READ = 64 * 1024  # bytes per body read
NO_BODY_STATUSES = frozenset({204, 304})
# a header field line (RFC 9110 5.1, 5.5) and its CRLF: a token, a colon, and a value without NUL, CR, LF, VT
# or FF (what h11, httpx's parser, refuses), its surrounding spaces and tabs not part of it; a space in or
# before the colon, a control character in the name: refused. Found in all of a head's field lines at once,
# one line per match: a line that is not a field is one match short. (The value is matched greedily up to
# its last character that is not a space or a tab: a lazy match tries the rest of the line at every byte.)
# The head is decoded first (as httpx decodes header values: all ASCII, else all UTF-8, else all Latin-1), so
# a non-ASCII character stands where its bytes did: the same fields as over the bytes.
_FIELDS = re.compile(r"^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*((?:[^\x00\n\r\x0b\x0c]*[^\x00\n\r\x0b\x0c \t])?)"
                     r"[ \t]*\r$", re.M).findall


class DeadlineExceeded(httpx.ReadTimeout):
    """A read stopped at the whole attempt's deadline, not at the per-read timeout."""


class _Deadline(TimeoutError):
    pass


_POLL = hasattr(select, "poll")
_IN = select.POLLIN if _POLL else 1
_OUT = select.POLLOUT if _POLL else 4
_LONGEST = 2_000_000.0  # seconds one wait may take: poll takes at most 2**31 - 1 ms (24.8 days)
_AGAIN = (BlockingIOError, InterruptedError, ssl.SSLWantReadError)  # not ready after all: wait again


class _Connection:
    """One kept-alive socket, in non-blocking mode: every wait is one `poll` (`select` where there is none:
    Windows) bounded by the timeout and by the whole attempt's `deadline`, then one `send`/`recv` (a socket
    timeout would cost a poll and two ioctls around each call). What is read and not yet taken stays in
    `buffer` (from `pos` on: bytes, so that what is taken from it is one slice), so whether anything arrived
    past an answer is known without asking the kernel."""

    __slots__ = ("_pollers", "buffer", "deadline", "eager", "got", "idle_since", "pos", "sock", "timeout", "tls")

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        sock.setblocking(False)
        self.sock = sock
        self.timeout = timeout
        self.tls = isinstance(sock, ssl.SSLSocket)
        self.buffer = b""
        self.pos = 0  # where the untaken bytes in `buffer` start
        self.deadline = math.inf
        self.got = 0  # bytes of the answer read since the exchange began (an interim 1xx not counted)
        self.eager = False  # try a read before waiting (more of an answer is likely there already)
        self.idle_since = 0.0
        self._pollers: dict[int, Any] = {}

    def _ready(self, events: int, wait: float) -> bool:
        while wait > _LONGEST:  # a timeout of a month or more (a "never" in practice) is several waits
            if self._ready(events, _LONGEST):
                return True
            wait -= _LONGEST
        if _POLL:
            poller = self._pollers.get(events)
            if poller is None:  # one per direction, made at first use (registering is no system call)
                poller = self._pollers[events] = select.poll()
                poller.register(self.sock, events)
            return bool(poller.poll(math.ceil(wait * 1000) if wait > 0 else 0))
        if events == _IN:
            return bool(select.select([self.sock], [], [], max(wait, 0))[0])
        return bool(select.select([], [self.sock], [], max(wait, 0))[1])

    def _wait(self, events: int) -> None:
        """Until the socket is ready for `events`: at most the timeout, and never past the deadline. A
        server silent from the start times out as any wait does; one that began its answer and did not
        finish it in time ran into the deadline of the whole attempt."""
        wait = self.timeout
        left = self.deadline - time.monotonic()
        short = left < wait
        if short:
            if left <= 0:
                raise _Deadline if self.got else TimeoutError("timed out")
            wait = left
        poller = self._pollers.get(events) if wait <= _LONGEST else None
        if not (poller.poll(math.ceil(wait * 1000)) if poller is not None else self._ready(events, wait)):
            raise _Deadline if short and self.got else TimeoutError("timed out")

    def gone(self) -> bool:
        """Has this idle connection become readable (the server hung up, or sent what nobody asked for)?"""
        try:
            poller = self._pollers.get(_IN)
            return bool(poller.poll(0)) if poller is not None else self._ready(_IN, 0)
        except (OSError, ValueError):
            return True

    def quiet(self) -> bool:
        """Has nothing been read past the answer just taken (in `buffer`, or held by the TLS layer)? Such
        bytes would be the next request's answer: a connection holding any is never reused. (What the
        kernel holds, `gone` finds before the connection is used again.)"""
        try:
            return self.pos == len(self.buffer) and not (self.tls and self.sock.pending())  # type: ignore[attr-defined]
        except (OSError, ValueError):
            return False

    def send_all(self, data: bytes) -> None:
        """All of `data`, waiting as `_wait` does whenever the socket (or the TLS layer) takes no more."""
        sock = self.sock
        try:
            sent = sock.send(data)  # the usual case: all of it at once
        except (BlockingIOError, InterruptedError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
            sent = 0
        if sent == len(data):
            return
        view = memoryview(data)[sent:]
        while view:
            try:
                view = view[sock.send(view):]
            except (BlockingIOError, InterruptedError, ssl.SSLWantWriteError):
                self._wait(_OUT)
            except ssl.SSLWantReadError:
                self._wait(_IN)

    def _fill(self) -> bool:
        """Read what the server sent next onto `buffer`, waiting as `_wait` does; False at its end."""
        data = self._recv()
        if not data:
            return False
        pos = self.pos
        self.buffer = data if pos == len(self.buffer) else self.buffer[pos:] + data  # the untaken bytes, then these
        self.pos = 0
        return True

    def _recv(self) -> bytes:
        """What the server sent next (one read's worth), waiting as `_wait` does; b"" at its end."""
        sock = self.sock
        eager = self.eager or (self.tls and sock.pending())  # type: ignore[attr-defined]
        while True:
            if not eager:
                self._wait(_IN)
            try:
                data = sock.recv(READ)
            except _AGAIN:
                eager = False
                continue
            except ssl.SSLWantWriteError:
                self._wait(_OUT)
                eager = True
                continue
            if data:
                self.got += len(data)
                self.eager = True
            return data

    def head(self) -> bytes:
        """The next head: its lines, the status line first, each ending in CRLF (the blank line that ends
        the head taken off). Nothing of it read yet (the usual case), one read first, which mostly brings
        all of it; then taken at once when the whole head is in `buffer` and simple (CRLF line ends only),
        else read a line at a time (`_head_lines`: the same rules, and the errors for the rest)."""
        pos = self.pos
        if pos == len(self.buffer):
            if not self._fill():
                raise _bad_line(b"", first=True)
            pos = 0
        buffer = self.buffer
        end = buffer.find(b"\r\n\r\n", pos, pos + MAX_HEAD)
        if end >= 0:
            head = buffer[pos:end + 2]
            if head.count(b"\n") == head.count(b"\r\n"):  # else a line ends in a bare LF: read line by line
                self.pos = end + 4
                return head
        return _head_lines(self)

    def readline(self, limit: int) -> bytes:
        """The next line, LF included; with no LF in its first `limit` bytes, those bytes; at the server's
        end, what is left (b"" when nothing is)."""
        scanned = self.pos
        while True:
            buffer, pos = self.buffer, self.pos
            end = buffer.find(b"\n", scanned, pos + limit)
            if end >= 0:
                self.pos = end + 1
                return buffer[pos:end + 1]
            if len(buffer) - pos >= limit:
                self.pos = pos + limit
                return buffer[pos:pos + limit]
            scanned = len(buffer)
            if not self._fill():
                self.pos = len(self.buffer)
                return self.buffer[pos:]
            scanned -= pos  # `_fill` moved what was left to the front
            pos = 0

    def read1(self, size: int) -> bytes:
        """At most `size` bytes: those already read, else one read's worth; b"" at the server's end."""
        buffer, pos = self.buffer, self.pos
        if pos == len(buffer):  # nothing read ahead: the read's own bytes, not copied through `buffer`
            self.buffer, self.pos = b"", 0
            data = self._recv()
            if len(data) <= size:
                return data
            self.buffer, self.pos = data, size
            return data[:size]
        data = buffer[pos:pos + size]
        self.pos = pos + len(data)
        return data

    def close(self) -> None:
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
        No wait, in the writing or in the reading of the answer's head and body, lasts past `deadline` (a
        `time.monotonic()` instant)."""
        conn = self._checkout()
        try:
            conn.deadline, conn.got, conn.eager = deadline, 0, False  # this exchange's: nothing of it read yet
            try:
                conn.send_all(head + body if body else head)
            except TimeoutError as exc:
                raise httpx.WriteTimeout(str(exc)) from exc
            except OSError:
                # a server may answer and stop reading before the request is all in (a 413, then a hang-up):
                # that answer is read, as httpcore does; without one, the read's own failure is the failure
                response = self._answer(conn, method)
                response._keep = False
                return response
            return self._answer(conn, method)
        except BaseException:
            conn.close()
            raise

    def _answer(self, conn: _Connection, method: bytes) -> WireResponse:
        try:
            while True:
                head = conn.head()
                first = head.find(b"\r\n")
                version, _, rest = head[:first].rstrip(b"\r").partition(b" ")
                code = rest[:3]
                if version not in (b"HTTP/1.1", b"HTTP/1.0") or not code.isdigit() or rest[3:4] not in (b"", b" "):
                    raise httpx.RemoteProtocolError("illegal status line")  # never its text: it may echo anything
                status = int(code)
                headers = _headers(head[first + 2:])
                if 100 <= status < 200:
                    if status == 101:
                        raise httpx.RemoteProtocolError("the server switched protocols, which was not asked for")
                    # an interim answer is not the answer begun (`_Connection._wait`): only what came after it
                    conn.got = len(conn.buffer) - conn.pos
                    continue  # 100 Continue and other interim answers: the real one follows
                return WireResponse(self, conn, status, rest[4:], headers, method, version)
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


def _head_lines(conn: _Connection) -> bytes:
    """An answer's head read a line at a time (CRLF or LF ends, up to the blank line), as `head` gives it
    (each line ending in CRLF); a head longer than `MAX_HEAD` in all (as httpcore bounds it: no limit on
    one line of it), or the end of the connection inside it, is a protocol error."""
    line = conn.readline(MAX_HEAD)
    if not line.endswith(b"\n"):
        raise _bad_line(line, first=True, limit=MAX_HEAD)
    budget = MAX_HEAD - len(line)
    lines = [line.rstrip(b"\r\n")]
    while True:
        line = conn.readline(budget + 1)
        if not line.endswith(b"\n") or len(line) > budget:
            raise _bad_line(line, first=False, limit=budget + 1)
        budget -= len(line)
        if line == b"\r\n" or line == b"\n":
            lines.append(b"")
            return b"\r\n".join(lines)
        lines.append(line[:-2] if line.endswith(b"\r\n") else line[:-1])


def _headers(fields: bytes) -> Headers:
    """The `Headers` of a head's field lines (each ending in CRLF), decoded once; a line that is not a field
    is a protocol error."""
    found: list[tuple[str, str]] = _FIELDS(header_text(fields))
    if len(found) != fields.count(b"\n"):
        raise httpx.RemoteProtocolError("illegal header line")  # never its text: it may echo anything
    headers = Headers()
    for name, value in found:
        headers[name.lower()] = value
    if len(headers) == len(found):
        return headers
    return Headers.of_text(found)  # a name repeated: its values joined


def _read_timeout(exc: TimeoutError) -> httpx.ReadTimeout:
    return DeadlineExceeded("the deadline passed") if isinstance(exc, _Deadline) else httpx.ReadTimeout(str(exc))


def _bad_line(line: bytes, first: bool, limit: int = MAX_LINE + 1) -> httpx.RemoteProtocolError:
    """The error of a line that did not end as it should: empty at the start (a hang-up), too long (it came
    whole, or filled `limit`), or cut short by the server's end."""
    if not line and first:
        return httpx.RemoteProtocolError("Server disconnected without sending a response.")
    if line.endswith(b"\n") or len(line) >= limit:
        return httpx.RemoteProtocolError("the answer's head is too long")
    return httpx.RemoteProtocolError("peer closed connection without sending complete message head")


class Headers(dict[str, str]):
    """A reply's headers: lower-case names (repeated ones joined with ", ", as httpx does), looked up
    case-insensitively."""

    @classmethod
    def of_text(cls, fields: list[tuple[str, str]]) -> Headers:
        """The headers of (name, value) pairs in the order they came, a repeated name's values joined."""
        headers = cls()
        for name, text in fields:
            key = name.lower()
            old = dict.get(headers, key)
            headers[key] = text if old is None else f"{old}, {text}"
        return headers

    def get(self, key: str, default: Any = None) -> Any:
        return dict.get(self, key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return dict.__getitem__(self, key.lower())

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key.lower() if isinstance(key, str) else key)


def header_text(value: bytes) -> str:
    """Header values as httpx decodes them, all of an answer's at once (`value`, or joined): ASCII, else
    UTF-8, else Latin-1."""
    try:
        return value.decode("ascii")
    except UnicodeDecodeError:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("latin-1")


def _content_length(value: str) -> int:
    """The body's length from a Content-Length value: digits, or the same digits repeated with commas."""
    if not (value.isascii() and value.isdigit() and len(value) <= 19):  # the usual value is plain digits
        lengths = {v.strip() for v in value.split(",")}
        value = lengths.pop()
        if lengths or not (value.isascii() and value.isdigit() and len(value) <= 19):
            raise httpx.RemoteProtocolError("invalid Content-Length in the answer")
    return int(value)


class WireResponse:
    """An answer whose body is read as it is iterated (`stream`); `close()` hands the connection back
    when the answer was complete and reusable, and closes it otherwise."""

    __slots__ = ("_conn", "_done", "_framing", "_keep", "_length", "_pool", "mapping", "reason", "status", "stream")

    def __init__(self, pool: WirePool, conn: _Connection, status: int, reason: bytes, mapping: Headers,
                 method: bytes, version: bytes) -> None:
        self._pool = pool
        self._conn: _Connection | None = conn
        self.status, self.reason, self.mapping = status, reason, mapping
        length = dict.get(mapping, "content-length")
        coding = dict.get(mapping, "transfer-encoding")
        connection = dict.get(mapping, "connection")
        self._keep = version == b"HTTP/1.1" and (
            connection is None or "close" not in (v.strip().lower() for v in connection.split(",")))
        self._length = 0
        self._done = True
        self.stream: Iterable[bytes] = ()
        if method == b"HEAD" or status in NO_BODY_STATUSES:
            self._framing = "none"
            return
        if coding is not None:
            # only chunked, as h11 (httpx) takes it: with another transfer coding (gzip, or gzip then chunked)
            # the body would be bytes nobody decodes, read as the answer
            if coding.strip().lower() != "chunked":
                raise httpx.RemoteProtocolError("Only Transfer-Encoding: chunked is supported")
            self._framing = "chunked"
            if length is not None:  # both framings at once is how smuggling starts: chunked, and never reused
                self._keep = False
        elif length is not None:
            self._framing = "length"
            size = self._length = _content_length(length)
            buffer, pos = conn.buffer, conn.pos
            end = pos + size
            if end <= len(buffer):  # the usual case: read with the head, and taken at once
                conn.pos = end
                self.stream = (buffer[pos:end],)
                return
        else:
            self._framing = "close"
            self._keep = False
        self._done = False
        self.stream = self._body()

    def _body(self) -> Iterator[bytes]:
        assert self._conn is not None
        conn = self._conn
        try:
            if self._framing == "length":
                left = self._length
                while left:
                    data = conn.read1(min(left, READ))
                    if not data:
                        raise httpx.RemoteProtocolError(
                            f"peer closed connection without sending complete message body: received "
                            f"{self._length - left} bytes, expected {self._length}")
                    left -= len(data)
                    yield data
            elif self._framing == "chunked":
                yield from self._chunks(conn)
            else:
                while data := conn.read1(READ):
                    yield data
        except TimeoutError as exc:
            raise _read_timeout(exc) from exc
        except OSError as exc:
            raise httpx.ReadError(str(exc)) from exc
        self._done = True

    @staticmethod
    def _chunks(conn: _Connection) -> Iterator[bytes]:
        readline, read = conn.readline, conn.read1
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
