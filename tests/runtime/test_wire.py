"""The blocking transport's own HTTP/1.1 (`_wire`, the default path to the API's origin) against real
loopback sockets: framing, decoding, the size cap, keep-alive and clean close, the key only to the API's
origin, and failures worded exactly as through httpx (the same server answered through an injected
`httpx.HTTPTransport`, the path this one replaced, must give the same envelope)."""

from __future__ import annotations

import contextlib
import gzip
import http.server
import json
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Self

import httpx
import pytest

from spoki_actions import Client, ErrorKind, Outcome
from spoki_actions._request import Request
from spoki_actions._response import Failure, Reply

from .rt_support import LocalServer, send_json

BODY = json.dumps({"count": 1, "next": None, "previous": None, "results": [{"id": 1, "name": "vip"}]}).encode()


class LoopbackServer:
    """A listening socket on loopback (port 0) and a daemon thread accepting on it, each connection handed to
    the subclass's `handle(conn)`: in a thread of its own, or in turn in the accepting thread when
    `one_at_a_time`; only the first `accepts` connections (any after wait unanswered); with `tls`, after a
    server-side handshake. An OSError in `handle` goes unhandled, as a bug would (with `quiet`, it ends that
    connection without a word). A subclass sets what `handle` reads before calling `__init__`: serving starts
    there. `close()` (or leaving a `with`) stops accepting, shuts down every connection still open (waking a
    handler blocked on it), joins every thread and closes every socket."""

    one_at_a_time = False
    accepts: int | None = None
    quiet = False

    def __init__(self, host: str = "127.0.0.1", family: socket.AddressFamily = socket.AF_INET,
                 tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self.connections = 0
        self.stop = threading.Event()
        self._lock = threading.Lock()  # over `_open` and `_threads`, against close()
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self.sock = socket.create_server((host, 0), family=family)
        self.sock.settimeout(0.05)  # how often the accepting thread looks at `stop`; accepted sockets block
        self._start(self._accept)

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    @property
    def base_url(self) -> str:
        host = self.sock.getsockname()[0]
        return f"{'https' if self.tls else 'http'}://{f'[{host}]' if ':' in host else host}:{self.port}/api/1"

    def handle(self, conn: socket.socket) -> None:
        raise NotImplementedError

    @staticmethod
    def read_head(conn: socket.socket, buffer: bytes = b"") -> bytes | None:
        """`buffer` and what `conn` brings until it holds a head's end, or None if the client hangs up first."""
        while b"\r\n\r\n" not in buffer:
            data = conn.recv(65536)
            if not data:
                return None
            buffer += data
        return buffer

    def _start(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set() and (self.accepts is None or self.connections < self.accepts):
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with self._lock:
                if self.stop.is_set():
                    conn.close()
                    return
                self.connections += 1
                self._open.add(conn)
                if not self.one_at_a_time:
                    self._start(self._run, conn)
            if self.one_at_a_time:
                self._run(conn)

    def _run(self, conn: socket.socket) -> None:
        try:
            if self.tls is not None:
                conn = self._wrapped(conn, self.tls)
            with conn:
                if isinstance(conn, ssl.SSLSocket):
                    conn.do_handshake()
                self.handle(conn)
        except OSError:
            if not (self.quiet or self.stop.is_set()):  # not close() waking this handler
                raise
        finally:
            with self._lock:
                self._open.discard(conn)

    def _wrapped(self, raw: socket.socket, tls: ssl.SSLContext) -> ssl.SSLSocket:
        conn = tls.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)  # takes raw's descriptor
        with self._lock:
            self._open.discard(raw)
            self._open.add(conn)
            if self.stop.is_set():
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        return conn

    def close(self) -> None:
        with self._lock:
            self.stop.set()
            for conn in self._open:
                with contextlib.suppress(OSError):  # one the client has already reset
                    conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:  # the accepting thread first: once it has ended, no thread starts
            thread.join(10)
        with self._lock:
            for conn in self._open:
                conn.close()
        self.sock.close()
        stuck = [thread for thread in self._threads if thread.is_alive()]
        assert not stuck, f"{type(self).__name__}: {len(stuck)} thread(s) still serving 10 s after close()"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RawServer(LoopbackServer):
    """Answers each request on 127.0.0.1 with `answer(request_bytes)` (raw bytes; None hangs up at once),
    hanging up after an answer that says `Connection: close` (or after every one, with `hang_up`), and
    records every connection and whether the client closed it."""

    def __init__(self, answer: Callable[[bytes], bytes | None], hang_up: bool = False) -> None:
        self.answer = answer
        self.hang_up = hang_up
        self.requests: list[bytes] = []
        self.client_closed = threading.Event()
        super().__init__()

    def handle(self, conn: socket.socket) -> None:
        buffer = b""
        while True:
            try:
                got = self.read_head(conn, buffer)
            except ConnectionResetError:  # the client closed with part of an answer unread
                got = None
            if got is None:
                self.client_closed.set()
                return
            head, _, rest = got.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            while len(rest) < length:
                data = conn.recv(65536)
                if not data:  # the client hung up inside a body
                    self.client_closed.set()
                    return
                rest += data
            self.requests.append(head + b"\r\n\r\n" + rest[:length])
            buffer = rest[length:]
            reply = self.answer(self.requests[-1])
            if reply is None:
                return
            conn.sendall(reply)
            if self.hang_up or b"\r\nConnection: close\r\n" in reply.split(b"\r\n\r\n")[0] + b"\r\n":
                return


def answer(body: bytes = BODY, status: bytes = b"200 OK", *headers: bytes, length: bool = True) -> bytes:
    lines = [b"HTTP/1.1 " + status, b"Content-Type: application/json", *headers]
    if length:
        lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


@pytest.fixture
def raw_server() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def make(behaviour: Callable[[bytes], bytes | None], hang_up: bool = False) -> RawServer:
        servers.append(RawServer(behaviour, hang_up))
        return servers[-1]
    yield make
    for server in servers:
        server.close()


def both(base_url: str, action: str = "SPOKI_LIST_TAGS", **options: object) -> tuple[Outcome, Outcome]:
    """The outcome of one call on the default path and through an injected httpx.HTTPTransport."""
    outcomes = []
    for transport in (None, httpx.HTTPTransport()):
        with Client(base_url=base_url, transport=transport, max_retries=0, pace=False, **options) as client:
            assert (client._transport._wire is not None) is (transport is None)
            outcomes.append(client.execute(action))
    return outcomes[0], outcomes[1]


def same(ours: Outcome, theirs: Outcome) -> None:
    assert ours.envelope == theirs.envelope
    assert (ours.kind, ours.status, ours.retryable) == (theirs.kind, theirs.status, theirs.retryable)


def deflate_raw(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(("encoding", "encode"), [
    (b"gzip", gzip.compress), (b"deflate", zlib.compress), (b"deflate", deflate_raw),
    (b"deflate, gzip", lambda d: gzip.compress(zlib.compress(d))), (b"identity", lambda d: d),
])
def test_encoded_bodies_are_decoded_as_httpx_does(raw_server: Callable[..., RawServer], encoding: bytes,
                                                  encode: Callable[[bytes], bytes]) -> None:
    server = raw_server(lambda r: answer(encode(BODY), b"200 OK", b"Content-Encoding: " + encoding))
    ours, theirs = both(server.base_url)
    assert ours.successful and ours.data == json.loads(BODY)
    same(ours, theirs)
    assert b"Accept-Encoding: gzip, deflate\r\n" in server.requests[0]


@pytest.mark.parametrize("encoding", [b"gzip", b"deflate"])
def test_a_body_that_does_not_decode_is_an_invalid_response_worded_as_before(
        raw_server: Callable[..., RawServer], encoding: bytes) -> None:
    server = raw_server(lambda r: answer(b"this is not compressed at all", b"200 OK",
                                         b"Content-Encoding: " + encoding))
    ours, theirs = both(server.base_url)
    assert ours.kind is ErrorKind.INVALID_RESPONSE
    assert (ours.error or "").startswith("the body from 127.0.0.1 could not be decoded (Error -3 while decompressing")
    same(ours, theirs)


def test_the_size_cap_counts_decoded_bytes_and_content_length(raw_server: Callable[..., RawServer]) -> None:
    bomb = gzip.compress(json.dumps({"results": ["x" * 1000] * 500}).encode())  # ~500 kB from ~2 kB
    server = raw_server(lambda r: answer(bomb, b"200 OK", b"Content-Encoding: gzip") if b"/tags/" in r
                        else answer(b"{}" + b" " * 60_000))
    for action in ("SPOKI_LIST_TAGS", "SPOKI_LIST_TEMPLATES"):
        ours, theirs = both(server.base_url, action, max_response_bytes=50_000)
        assert ours.kind is ErrorKind.INVALID_RESPONSE and "above the 50000-byte limit" in (ours.error or "")
        same(ours, theirs)
    assert "the body is 60002 bytes" in (ours.error or "")


@pytest.mark.parametrize("reply", [
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5;ext=1\r\n" + BODY[:5] + b"\r\n" + b"%x\r\n" % (len(BODY) - 5) + BODY[5:] + b"\r\n0\r\nX-Trailer: 1\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\n" + answer(),
    answer(BODY, b"200 OK", b"Content-Length: %d" % len(BODY)),  # a repeated, equal Content-Length
    answer(BODY, b"200 OK", b"Content-Length: %d, %d" % (len(BODY), len(BODY)), length=False),  # in one field
    answer(BODY, b"200 OK", b"Connection: close", length=False),  # delimited by the server closing
])
def test_framings(raw_server: Callable[..., RawServer], reply: bytes) -> None:
    closing = b"Connection: close" in reply  # the server's close ends the body: a new connection each call
    server = raw_server(lambda r: reply)
    with Client(base_url=server.base_url, pace=False) as client:
        for _ in range(3):
            outcome = client.execute("SPOKI_LIST_TAGS")
            assert outcome.successful, outcome.error
            assert outcome.data == json.loads(BODY)
    assert server.connections == (3 if closing else 1)


@pytest.mark.parametrize("head", [
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Echo: a\r\nx-echo:b \t\r\nX-ECHO:\r\n",
    b"HTTP/1.1 200 OK\r\nX-Word: caf\xc3\xa9 \t au  lait\t \r\nX-Old: caf\xe9\r\nX-Mixed: \xc3\xa9\xe9\r\n",
    b"HTTP/1.1 200 OK\nX-Bare: lf\nX-Echo: a\r\nX-Echo: b\n",  # bare LF line ends: read a line at a time
    b"HTTP/1.1 200 OK\r\nX-Big: " + b"v" * 70_000 + b"\r\nX-Echo: a\r\n",  # past one line's limit at once
])
def test_reply_headers_are_those_httpx_gives(raw_server: Callable[..., RawServer], head: bytes) -> None:
    """Names lower-case, repeated ones joined in order, values trimmed and decoded as ASCII, else UTF-8,
    else Latin-1: the wire's headers (found at once, or a line at a time) are httpx's, key for key."""
    body = b"{}"
    length = b"" if b"Content-Length" in head else b"Content-Length: 2\r\n"
    server = raw_server(lambda r: head + length + b"\r\n" + body)
    got = []
    for transport in (None, httpx.HTTPTransport()):
        with Client(base_url=server.base_url, transport=transport, pace=False, max_retries=0) as client:
            url = f"{server.base_url}/tags/"
            reply = client._transport.send(Request("GET", url, None, "tags/", b"/api/1/tags/"))
            assert isinstance(reply, Reply), reply
            got.append((reply.status, dict(reply.headers.items()), reply.body))
    assert got[0] == got[1]
    assert got[0][2] == body


def hang_up(request: bytes) -> bytes | None:
    return None


@pytest.mark.parametrize("reply", [
    hang_up,
    lambda r: b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"count\": 0",  # then hangs up
    lambda r: b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\nContent-Length: 51\r\n\r\n{}",
    lambda r: b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n{}",
    lambda r: b"HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\n{}",
    lambda r: b"HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\n{}",
    lambda r: b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    lambda r: b"SPDY/9 200 OK\r\n\r\n",
    lambda r: b"HTTP/1.1 200 OK\r\n bad folded header\r\n\r\n",
])
def test_broken_answers_are_transport_failures(raw_server: Callable[..., RawServer],
                                               reply: Callable[[bytes], bytes | None]) -> None:
    server = raw_server(reply, hang_up=True)
    ours, theirs = both(server.base_url)
    assert ours.kind is ErrorKind.TRANSPORT and not ours.successful
    assert (ours.error or "").startswith("connection to 127.0.0.1 failed: ")
    if reply is hang_up:  # the one both stacks word alike, to the letter
        assert ours.error == ("connection to 127.0.0.1 failed: RemoteProtocolError (Server disconnected without "
                              "sending a response.)")
        same(ours, theirs)
    else:
        assert theirs.kind is ErrorKind.TRANSPORT


def test_keep_alive_a_server_hanging_up_between_calls_and_clean_close(raw_server: Callable[..., RawServer]) -> None:
    served: list[int] = []

    def behave(request: bytes) -> bytes | None:
        served.append(1)
        return answer()
    server = raw_server(behave)
    client = Client(base_url=server.base_url, pace=False)
    for _ in range(3):
        assert client.run("SPOKI_LIST_TAGS")["successful"]
    assert server.connections == 1  # one kept-alive connection
    assert not server.client_closed.is_set()
    client.close()
    assert server.client_closed.wait(2)  # close() hangs up the idle connection: the server sees EOF
    assert client.run("SPOKI_LIST_TAGS")["error"] == "the client is closed; create a new one"


def test_connection_close_and_an_idle_connection_the_server_closed_are_not_reused(
        local_server: LocalServer, raw_server: Callable[..., RawServer]) -> None:
    local_server.behaviour["/api/1/tags/"] = lambda h: send_json(h, 200, {"count": 0, "results": []},
                                                                 {"Connection": "close"})
    local_server.behaviour["/api/1/templates/"] = lambda h: send_json(h, 200, {"count": 0, "results": []})
    with Client(base_url=local_server.base_url, pace=False, max_retries=0) as client:
        for action in ("SPOKI_LIST_TEMPLATES", "SPOKI_LIST_TAGS", "SPOKI_LIST_TEMPLATES", "SPOKI_LIST_TAGS"):
            assert client.run(action)["successful"]
    peers = local_server.peers
    assert peers[0] == peers[1] != peers[2] == peers[3]  # reused after templates, never after a Connection: close
    server = raw_server(lambda r: answer(), hang_up=True)  # hangs up after each answer, without a word
    with Client(base_url=server.base_url, pace=False, max_retries=0) as client:
        for _ in range(3):
            time.sleep(0.05)  # let the server's FIN arrive: the idle connection is then seen gone, not reused
            assert client.run("SPOKI_LIST_TAGS")["successful"]  # no retry needed (max_retries=0)
    assert server.connections == 3


def test_the_key_goes_only_to_the_api_origin_and_redirects_are_not_followed(local_server: LocalServer,
                                                                            canary: str) -> None:
    port = local_server.httpd.server_address[1]
    elsewhere = f"http://localhost:{port}/api/1/tags/"  # the same server under another origin
    local_server.behaviour["/api/1/tags/"] = lambda h: send_json(h, 302, {}, {"Location": elsewhere})
    with Client(base_url=local_server.base_url, pace=False) as client:
        outcome = client.execute("SPOKI_LIST_TAGS")
        assert not outcome.successful and outcome.requests == 1  # refused, not followed
        local_server.behaviour["/api/1/tags/"] = lambda h: send_json(h, 200, {})
        for url in (local_server.base_url + "/tags/", elsewhere, f"http://127.0.0.1:{port}/api/1/tags/?a=%20b"):
            reply = client._transport.send(Request("GET", url, None, "tags/"))
            assert isinstance(reply, Reply) and reply.status == 200
    keys = [headers.get("X-Spoki-Api-Key") for _, _, headers, _ in local_server.seen]
    hosts = [headers.get("Host") for _, _, headers, _ in local_server.seen]
    assert keys == [canary, canary, None, canary]
    assert hosts == [f"127.0.0.1:{port}", f"127.0.0.1:{port}", f"localhost:{port}", f"127.0.0.1:{port}"]


def test_a_target_with_a_line_break_is_never_written(raw_server: Callable[..., RawServer]) -> None:
    server = raw_server(lambda r: answer())
    with Client(base_url=server.base_url, pace=False) as client:
        url = server.base_url + "/tags/"
        failure = client._transport.send(Request("GET", url, None, "tags/", b"/api/1/tags/ HTTP/1.1\r\nX-Evil: 1"))
    assert isinstance(failure, Failure) and failure.kind is ErrorKind.TRANSPORT
    assert "LocalProtocolError" in failure.message and server.requests == []


def test_threads_share_the_pool(local_server: LocalServer) -> None:
    local_server.behaviour["/api/1/tags/"] = lambda h: send_json(h, 200, {"count": 0, "results": []})
    results: list[bool] = []
    with Client(base_url=local_server.base_url, pace=False) as client:
        def work() -> None:
            results.extend(client.run("SPOKI_LIST_TAGS")["successful"] for _ in range(10))
        threads = [threading.Thread(target=work) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(client._transport._wire._idle) <= 6  # type: ignore[union-attr]
    assert results == [True] * 60


# --- TLS: the wire verifies the server with the CA certificates the settings resolved --------------

def _throwaway_ca(tmp: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) for localhost and 127.0.0.1, as PEM files."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "spoki-actions test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(hours=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = tmp / "ca.pem", tmp / "server.pem", tmp / "server-key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path, list[tuple[str, int]]]]:
    """An HTTPS server on 127.0.0.1 with a certificate of a throwaway CA: (base URL, CA file, peers)."""
    ca, cert, key = _throwaway_ca(tmp_path)
    peers: list[tuple[str, int]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            peers.append(self.client_address)
            send_json(self, 200, {"count": 0, "results": []})

        def do_POST(self) -> None:  # a large body each way: TLS records split across many reads and writes
            peers.append(self.client_address)
            got = self.rfile.read(int(self.headers["Content-Length"]))
            body = json.dumps({"got": len(got), "results": ["x" * 1000] * 3000}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for start in range(0, len(body), 100_000):  # in pieces, a moment apart
                self.wfile.write(body[start:start + 100_000])
                self.wfile.flush()
                time.sleep(0.001)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"https://localhost:{httpd.server_address[1]}/api/1", ca, peers
    httpd.shutdown()
    httpd.server_close()


def test_tls_with_the_ca_from_ssl_cert_file(tls_server: tuple[str, Path, list[tuple[str, int]]],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    base, ca, peers = tls_server
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    with Client(base_url=base, pace=False) as client:
        assert client._transport._wire is not None
        for _ in range(3):
            assert client.run("SPOKI_LIST_TAGS")["successful"]
    assert len(peers) == 3 and len(set(peers)) == 1  # one TLS connection, kept alive


def test_tls_carries_large_bodies_both_ways_on_one_kept_alive_connection(
        tls_server: tuple[str, Path, list[tuple[str, int]]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The wire's sockets never block: a TLS record split across reads (and a write the TLS layer takes in
    part) waits and goes on, for megabytes each way, as through httpx."""
    base, ca, peers = tls_server
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    url = base + "/contacts/sync/"
    expected = {"got": 5_000_000, "results": ["x" * 1000] * 3000}
    with Client(base_url=base, pace=False, max_response_bytes=10_000_000) as client:
        assert client._transport._wire is not None
        for _ in range(2):
            reply = client._transport.send(Request("POST", url, b"y" * 5_000_000, "contacts/sync/",
                                                   b"/api/1/contacts/sync/"))
            assert isinstance(reply, Reply) and reply.status == 200 and json.loads(reply.body) == expected
    assert len(peers) == 2 and len(set(peers)) == 1


def test_tls_refuses_a_server_the_cas_do_not_vouch_for(tls_server: tuple[str, Path, list[tuple[str, int]]],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    base, _, peers = tls_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    ours, theirs = both(base)  # certifi's bundle does not hold the throwaway CA
    assert ours.kind is ErrorKind.TRANSPORT and "CERTIFICATE_VERIFY_FAILED" in (ours.error or "")
    assert (ours.error or "").startswith("could not connect to localhost (")
    assert (ours.error or "").endswith("; the request was not sent")
    same(ours, theirs)
    assert peers == []


def test_an_answer_with_both_framings_is_read_chunked_and_its_connection_dropped(
        raw_server: Callable[..., RawServer]) -> None:
    reply = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 3\r\n"
             b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % len(BODY) + BODY + b"\r\n0\r\n\r\n")
    server = raw_server(lambda r: reply)
    with Client(base_url=server.base_url, pace=False) as client:
        for _ in range(2):
            assert client.run("SPOKI_LIST_TAGS")["data"] == json.loads(BODY)
    assert server.connections == 2
