"""The blocking transport's own HTTP/1.1 (`_wire`) against hostile or broken servers and careless callers,
on real loopback sockets: answers nobody asked for (response desync on a kept-alive connection), answers
that drip or never end, header fields and framings HTTP forbids, request lines that could carry
something else, TLS names, IPv6 hosts, a server dropping kept-alive requests, descriptors under
thousands of calls from threads. Where httpx's outcome is the bar, the same server is also answered
through an injected `httpx.HTTPTransport` (the path `_wire` replaced) and the two compared."""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from spoki_actions import Client, ErrorKind
from spoki_actions._request import Request
from spoki_actions._response import Failure, Reply

from .test_wire import LoopbackServer, RawServer, answer, both, raw_server, same

serve = raw_server  # the same fixture under the name these tests use


def numbered(body: bytes, n: int) -> bytes:
    return body.replace(b"}", b', "n": %d}' % n, 1)


def test_an_answer_sent_before_it_was_asked_for_is_never_handed_to_the_next_request(
        serve: Callable[..., RawServer]) -> None:
    """A server that sends a second answer right behind the first (in the same write, so it sits in the
    client's read buffer, where polling the socket cannot see it): the next request must not take it."""
    stale = answer(b'{"count": 0, "results": [], "stale": true}')
    served: list[int] = []

    def behave(request: bytes) -> bytes:
        served.append(1)
        return answer(numbered(b'{"count": 0, "results": []}', len(served))) + (stale if len(served) == 1 else b"")
    server = serve(behave)
    with Client(base_url=server.base_url, pace=False, max_retries=0) as client:
        data = [client.execute("SPOKI_LIST_TAGS").data for _ in range(3)]
    assert data == [{"count": 0, "results": [], "n": n} for n in (1, 2, 3)]
    assert server.connections == 2  # the connection that held the unasked-for answer was dropped


def test_a_body_on_a_204_is_never_read_as_the_next_answer(serve: Callable[..., RawServer]) -> None:
    served: list[int] = []

    def behave(request: bytes) -> bytes:
        served.append(1)
        if len(served) == 1:  # a 204 has no body (RFC 9110 15.3.5); this server sends one anyway
            return b"HTTP/1.1 204 No Content\r\n\r\n" + answer(b'{"stale": true}')
        return answer(numbered(b'{"count": 0, "results": []}', len(served)))
    server = serve(behave)
    with Client(base_url=server.base_url, pace=False, max_retries=0) as client:
        first, second = client.execute("SPOKI_LIST_TAGS"), client.execute("SPOKI_LIST_TAGS")
    assert first.status == 204
    assert second.data == {"count": 0, "results": [], "n": 2}
    assert json.dumps(second.envelope).find("stale") == -1


class DrippingServer(LoopbackServer):
    """Reads one request on its one connection, then sends `reply` a byte every `pause` seconds (each byte
    well within the client's timeout, the whole far past it), or nothing at all when `reply` is empty."""

    one_at_a_time, accepts, quiet = True, 1, True

    def __init__(self, reply: bytes, pause: float) -> None:
        self.reply, self.pause = reply, pause
        super().__init__()

    def handle(self, conn: socket.socket) -> None:
        while b"\r\n\r\n" not in (data := conn.recv(65536)):
            if not data:  # the client hung up without asking
                return
        for byte in self.reply:
            if self.stop.wait(self.pause):
                return
            conn.sendall(bytes([byte]))
        self.stop.wait(10)


@pytest.mark.parametrize("reply", [
    # a head dripped, each byte within the timeout, the whole far past it; no body, so no read of one
    # (where the transport also looks at the deadline) would notice
    b"HTTP/1.1 204 No Content\r\nX-Padding: " + b"." * 20 + b"\r\n\r\n",
    answer(b"{}"),  # head and body dripped
    b"",  # nothing at all: the per-read timeout, worded as it always was
], ids=["dripped-head", "dripped", "silent"])
def test_the_whole_attempt_deadline_bounds_the_head_as_well_as_the_body(reply: bytes) -> None:
    with (DrippingServer(reply, pause=0.1) as server,
          Client(base_url=server.base_url, pace=False, max_retries=0, timeout=0.4) as client):
        outcome = client.execute("SPOKI_LIST_TAGS")
    assert outcome.kind is ErrorKind.TIMEOUT, outcome.envelope
    assert outcome.error == ("timed out after 0.4 s waiting for an answer from 127.0.0.1" if not reply else
                             "timed out after 0.4 s (the deadline for a whole attempt) waiting for 127.0.0.1 to "
                             "finish its answer")


CHUNKED = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"


@pytest.mark.parametrize(("body", "error"), [
    # trailer fields without end: read (and dropped) without limit, and without the size cap or the
    # deadline looking, since no body byte comes with them; now bounded as a head is
    (b"2\r\n{}\r\n0\r\n" + b"X-Trailer: 0123456789\r\n" * 6000 + b"\r\n", "the answer's trailer section is too long"),
    (b"1" + b"0" * 16 + b"\r\n{}\r\n0\r\n\r\n", "illegal chunk size line"),  # 2**64: more than any body
])
def test_chunked_framing_limits(serve: Callable[..., RawServer], body: bytes, error: str) -> None:
    server = serve(lambda r: CHUNKED + body, hang_up=True)
    with Client(base_url=server.base_url, pace=False, max_retries=0) as client:
        outcome = client.execute("SPOKI_LIST_TAGS")
    assert outcome.kind is ErrorKind.TRANSPORT
    assert outcome.error == f"connection to 127.0.0.1 failed: RemoteProtocolError ({error})"


@pytest.mark.parametrize("field", [
    b"X-Echo: a\x00b",  # NUL in a value
    b"X-Echo: a\rb",  # a bare CR in a value
    b"X-Echo: a\x0cb",  # a form feed
    b"X\x00Echo: b",  # NUL in a name
    b"X Echo: b",  # a space in a name
    b"X-Echo : b",  # a space before the colon (RFC 9112 5.1: must be refused)
])
def test_header_fields_http_forbids_are_protocol_errors_as_through_httpx(serve: Callable[..., RawServer],
                                                                          field: bytes) -> None:
    server = serve(lambda r: b"HTTP/1.1 200 OK\r\n" + field + b"\r\nContent-Length: 2\r\n\r\n{}", hang_up=True)
    ours, theirs = both(server.base_url)
    assert ours.kind is theirs.kind is ErrorKind.TRANSPORT
    assert ours.error == "connection to 127.0.0.1 failed: RemoteProtocolError (illegal header line)"


def test_header_values_keep_obs_text_tabs_and_inner_spaces_as_through_httpx(serve: Callable[..., RawServer]) -> None:
    server = serve(lambda r: answer(b'{"count": 0, "results": []}', b"200 OK",
                                    b"X-Echo: \t caf\xc3\xa9 \x1b au\tlait\t "))
    values = []
    for transport in (None, httpx.HTTPTransport()):
        with Client(base_url=server.base_url, transport=transport, pace=False) as client:
            reply = client._transport.send(Request("GET", server.base_url + "/tags/", None, "tags/"))
            assert isinstance(reply, Reply)
            values.append(reply.headers["x-echo"])
    assert values == ["caf\u00e9 \x1b au\tlait"] * 2


@pytest.mark.parametrize("length", [b"9" * 5000, b"-2", b"0x2", b"+2", b"2, 3", b"\xd9\xa2"])  # the last: Arabic 2
def test_a_content_length_that_is_not_one_decimal_number_is_a_protocol_error(serve: Callable[..., RawServer],
                                                                              length: bytes) -> None:
    server = serve(lambda r: b"HTTP/1.1 200 OK\r\nContent-Length: " + length + b"\r\n\r\n{}", hang_up=True)
    ours, theirs = both(server.base_url)
    assert ours.kind is theirs.kind is ErrorKind.TRANSPORT
    assert ours.error == "connection to 127.0.0.1 failed: RemoteProtocolError (invalid Content-Length in the answer)"


@pytest.mark.parametrize("coding", [b"gzip", b"gzip, chunked", b"identity"])
def test_a_transfer_coding_other_than_chunked_is_a_protocol_error_as_through_httpx(
        serve: Callable[..., RawServer], coding: bytes) -> None:
    body = gzip.compress(b"{}")
    if coding.endswith(b"chunked"):
        body = b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    server = serve(lambda r: b"HTTP/1.1 200 OK\r\nTransfer-Encoding: " + coding + b"\r\n\r\n" + body, hang_up=True)
    ours, theirs = both(server.base_url)
    assert ours.kind is theirs.kind is ErrorKind.TRANSPORT
    assert ours.error == theirs.error == ("connection to 127.0.0.1 failed: RemoteProtocolError (Only "
                                          "Transfer-Encoding: chunked is supported)")


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts this process's descriptors in /proc")
def test_thousands_of_calls_from_threads_against_a_server_hanging_up_at_random_leak_no_descriptor(
        serve: Callable[..., RawServer]) -> None:
    chance = random.Random(7)
    lock = threading.Lock()

    def behave(request: bytes) -> bytes | None:
        with lock:
            roll = chance.random()
        if roll < 0.1:
            return None  # hangs up without an answer
        if roll < 0.2:
            return answer(b'{"count": 0, "results": []}', b"200 OK", b"Connection: close")
        if roll < 0.25:  # a short body, then the hang-up (Connection: close)
            return answer(b'{"count": 0, "results": []}', b"200 OK", b"Connection: close")[:-5]
        return answer(b'{"count": 0, "results": []}')
    server = serve(behave)
    before = open_fds()
    outcomes: list[bool] = []
    most = [0]
    with Client(base_url=server.base_url, pace=False, max_retries=0, timeout=5) as client:
        def work() -> None:
            for _ in range(500):
                outcomes.append(client.execute("SPOKI_LIST_TAGS").successful)
                most[0] = max(most[0], open_fds())
        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        idle = len(client._transport._wire._idle)  # type: ignore[union-attr]
    assert len(outcomes) == 2000 and 1000 < outcomes.count(True) < 2000
    assert idle <= 4
    assert most[0] - before <= 2 * (4 + 20)  # in use and idle, client and server ends
    deadline = time.monotonic() + 5
    while open_fds() > before and time.monotonic() < deadline:  # the server's threads close their ends
        time.sleep(0.05)
    assert open_fds() <= before


def test_an_ipv6_literal_with_a_port_goes_in_the_host_header_as_httpx_writes_it() -> None:
    heads: list[bytes] = []

    class HeadRecorder(LoopbackServer):
        one_at_a_time, quiet = True, True

        def handle(self, conn: socket.socket) -> None:
            if (head := self.read_head(conn)) is None:
                return
            heads.append(head)
            conn.sendall(answer(b'{"count": 0, "results": []}', b"200 OK", b"Connection: close"))
    try:
        server = HeadRecorder("::1", socket.AF_INET6)
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with server:
        port = server.port
        ours, theirs = both(f"http://[::1]:{port}/api/1")
    assert ours.successful and theirs.successful
    hosts = [next(line for line in head.split(b"\r\n") if line.lower().startswith(b"host:")) for head in heads]
    assert hosts == [b"Host: [::1]:%d" % port] * 2


def _self_signed(tmp: Path, names: list[str]) -> tuple[Path, Path]:
    """(certificate, key) PEM files of a self-signed certificate for `names` (DNS names or IP addresses)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def alt(name: str) -> x509.GeneralName:
        try:
            return x509.IPAddress(ipaddress.ip_address(name))
        except ValueError:
            return x509.DNSName(name)
    now = datetime.datetime.now(datetime.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([alt(n) for n in names]), critical=False)
            .sign(key, hashes.SHA256()))
    paths = tmp / "cert.pem", tmp / "key.pem"
    paths[0].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


class TLSServer(LoopbackServer):
    """HTTPS on 127.0.0.1 with a certificate for `names`; records the SNI name each handshake carried."""

    quiet = True

    def __init__(self, tmp: Path, names: list[str]) -> None:
        self.cert, key = _self_signed(tmp, names)
        self.sni: list[str | None] = []
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, key)

        def sni(sock: ssl.SSLObject, name: str | None, ctx: ssl.SSLContext) -> None:
            self.sni.append(name)
        context.sni_callback = sni  # type: ignore[assignment]
        super().__init__(tls=context)

    def handle(self, conn: socket.socket) -> None:
        if self.read_head(conn) is not None:
            conn.sendall(answer(b'{"count": 0, "results": []}', b"200 OK", b"Connection: close"))


@pytest.mark.parametrize(("names", "host", "good"), [
    (["localhost"], "localhost", True),
    (["127.0.0.1"], "127.0.0.1", True),  # an IP-address host: checked against the certificate's IP names
    (["other.example"], "localhost", False),  # a certificate for another name
    (["localhost"], "127.0.0.1", False),  # a DNS name does not vouch for an address
])
def test_tls_checks_the_host_name_against_the_certificate_as_httpx_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: list[str], host: str, good: bool) -> None:
    with TLSServer(tmp_path, names) as server:
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
        ours, theirs = both(f"https://{host}:{server.port}/api/1")
    assert ours.successful is theirs.successful is good, (ours.error, theirs.error)
    if not good:
        assert ours.kind is ErrorKind.TRANSPORT and "CERTIFICATE_VERIFY_FAILED" in (ours.error or "")
        assert (ours.error or "").endswith("; the request was not sent")
        same(ours, theirs)
    # SNI carries a DNS name, never an address (RFC 6066 3), on both paths
    assert server.sni == ([host, host] if host == "localhost" else [None, None])


@pytest.mark.parametrize(("method", "target"), [
    ("GET", b"/api/1/tags/\tHTTP/1.1\r\nX-Evil: 1"),  # a tab before the version, then a header
    ("GET", b"/api/1/tags/\x00"),  # NUL
    ("GET", b"/api/1/tags/\x0bx"),  # VT
    ("GET", b"/api/1/tags/caf\xc3\xa9"),  # raw UTF-8, not percent-encoded
    ("GET /x HTTP/1.1\r\nX-Evil: 1\r\n\r\nGET", b"/api/1/tags/"),  # a method that writes a request of its own
])
def test_a_request_line_that_could_carry_something_else_is_never_written(serve: Callable[..., RawServer],
                                                                          method: str, target: bytes) -> None:
    server = serve(lambda r: answer())
    with Client(base_url=server.base_url, pace=False) as client:
        failure = client._transport.send(Request(method, server.base_url + "/tags/", None, "tags/", target))
    assert isinstance(failure, Failure) and failure.kind is ErrorKind.TRANSPORT
    assert "LocalProtocolError" in failure.message
    time.sleep(0.1)  # what was written, had anything been, has reached the server
    assert server.requests == [] and server.connections == 0


@pytest.mark.parametrize(("action", "values", "retried"), [
    ("SPOKI_LIST_TAGS", {}, True),  # safe: tried again, on a new connection
    ("SPOKI_CREATE_CUSTOM_FIELD", {"code": "A", "label": "a", "example": "x", "field_type": 1}, False),
])
def test_a_request_on_a_kept_alive_connection_the_server_drops_unanswered_counts_as_sent_as_through_httpx(
        serve: Callable[..., RawServer], action: str, values: dict[str, object], retried: bool) -> None:
    """The server reads the second request on the kept-alive connection and hangs up without a word: it
    may have acted on it, so the request counts as sent (an unsafe action is not sent again), as httpcore
    counts it; a safe action is retried."""
    outcomes = []
    for transport in (None, httpx.HTTPTransport()):
        served: list[int] = []

        def behave(request: bytes, served: list[int] = served) -> bytes | None:
            served.append(1)
            return None if len(served) == 2 else answer(b'{"count": 0, "results": [], "id": 1}')
        server = serve(behave)
        with Client(base_url=server.base_url, transport=transport, pace=False, max_retries=1,
                    sleep=lambda s: None) as client:
            assert client.execute("SPOKI_LIST_TAGS").successful
            outcomes.append(client.execute(action, values))
        assert len(served) == (3 if retried else 2)
    ours, theirs = outcomes
    same(ours, theirs)
    assert ours.successful is retried and ours.requests == (2 if retried else 1)
    if not retried:
        assert ours.kind is ErrorKind.TRANSPORT and not ours.retryable


class _EarlyAnswer(LoopbackServer):
    """Reads a request's head only, then (with `reply`) answers at once and stops reading, closing a moment
    later: the client, still writing a large body, sees its write fail after the answer arrived."""

    one_at_a_time = True

    def __init__(self, reply: bytes | None) -> None:
        self.reply = reply
        super().__init__()

    def handle(self, conn: socket.socket) -> None:
        self.read_head(conn)  # and answers even a client that hung up before its head ended
        if self.reply is not None:
            conn.sendall(self.reply)
            conn.shutdown(socket.SHUT_WR)
        self.stop.wait(0.2)  # not reading: the client's write fills the buffers, then fails at the close


@pytest.mark.parametrize("reply", [
    answer(b'{"detail": "Request body too large."}', b"413 Payload Too Large", b"Connection: close"),
    None,  # no answer at all: the read's own failure, as through httpx
])
def test_an_answer_sent_before_the_body_was_all_written_is_read_as_through_httpx(reply: bytes | None) -> None:
    """A server may answer (a 413, say) and hang up before it has read the whole request; httpcore then
    reads that answer rather than report the failed write, and so does the wire."""
    with _EarlyAnswer(reply) as server:
        url = server.base_url + "/contacts/sync/"
        results = []
        for transport in (None, httpx.HTTPTransport()):
            with Client(base_url=server.base_url, transport=transport, max_retries=0, pace=False) as client:
                assert (client._transport._wire is not None) is (transport is None)  # type: ignore[union-attr]
                results.append(client._transport.send(
                    Request("POST", url, b"x" * 16_000_000, "contacts/sync/", b"/api/1/contacts/sync/")))
        ours, theirs = results
        if reply is None:
            assert isinstance(ours, Failure) and isinstance(theirs, Failure)
            assert ours.kind is theirs.kind is ErrorKind.TRANSPORT and ours.sent and theirs.sent
        else:
            assert isinstance(ours, Reply) and isinstance(theirs, Reply)
            assert (ours.status, ours.body) == (theirs.status, theirs.body) == (413, b'{"detail": "Request body '
                                                                                    b'too large."}')


def test_a_heads_field_lines_found_at_once_are_those_the_per_line_rule_takes() -> None:
    """The wire finds all of a head's fields with one pattern over its lines; a set of lines must give the
    same fields as the per-line rule (RFC 9110 5.1/5.5, what h11 accepts), and be refused when any one line
    is refused."""
    from spoki_actions._wire import _FIELDS

    one_line = re.compile(rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([^\x00\n\r\x0b\x0c]*?)[ \t]*\r?\n").fullmatch
    alphabet = b"ab: \t\r\x00\x0b\x0c\x7f\xe9-_;,=\"X"
    rng = random.Random(10)
    for _ in range(20_000):
        lines = [bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(rng.randint(1, 5))]
        matches = [one_line(line + b"\r\n") for line in lines]
        expected = None if None in matches else [m.groups() for m in matches if m is not None]
        found = [(n.encode("latin-1"), v.encode("latin-1"))  # over the head decoded byte for byte
                 for n, v in _FIELDS(b"".join(line + b"\r\n" for line in lines).decode("latin-1"))]
        assert (found if len(found) == len(lines) else None) == expected, lines


def test_a_head_that_arrives_in_one_read_is_split_at_once_not_read_a_line_at_a_time(
        serve: Callable[..., RawServer], monkeypatch: pytest.MonkeyPatch) -> None:
    """The usual answer (head and body in one segment) must take the all-at-once path on a new connection
    and on a kept-alive one, not only when an earlier read happened to bring the head (after a 1xx)."""
    from spoki_actions import _wire

    line_at_a_time: list[int] = []
    per_line = _wire._head_lines

    def counted(conn: _wire._Connection) -> list[bytes]:
        line_at_a_time.append(1)
        return per_line(conn)
    monkeypatch.setattr(_wire, "_head_lines", counted)
    server = serve(lambda request: answer(b'{"count": 0, "results": []}'))
    with Client(base_url=server.base_url, pace=False, max_retries=0) as client:
        outcomes = [client.execute("SPOKI_LIST_TAGS") for _ in range(3)]
    assert [o.data for o in outcomes] == [{"count": 0, "results": []}] * 3
    assert server.connections == 1 and line_at_a_time == []


@pytest.mark.parametrize("timeout", [3e6, 1e9])  # past what one poll takes (2**31 - 1 ms, 24.8 days)
def test_a_timeout_longer_than_one_poll_can_wait_works_as_through_httpx(serve: Callable[..., RawServer],
                                                                        timeout: float) -> None:
    server = serve(lambda request: answer(b'{"count": 0, "results": []}'))
    ours, theirs = both(server.base_url, timeout=timeout)
    assert ours.successful and theirs.successful, (ours.error, theirs.error)
    same(ours, theirs)


def test_without_poll_every_wait_is_a_select_as_on_windows(serve: Callable[..., RawServer],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no `select.poll`: the wire waits with `select.select` there. Run here with `poll` gone
    from the wire's view (any use of it would raise): keep-alive, a hang-up found at checkout, a write that
    must wait for room, a silent server's timeout, and `_ready` itself both ways."""
    import select as real_select
    import types

    from spoki_actions import _wire

    monkeypatch.setattr(_wire, "_POLL", False)
    monkeypatch.setattr(_wire, "select", types.SimpleNamespace(select=real_select.select))
    fine = answer(b'{"count": 0, "results": [], "id": 1}')
    kept = serve(lambda request: fine)
    hanging_up = serve(lambda request: fine, hang_up=True)
    for server, connections in ((kept, 1), (hanging_up, 3)):
        with Client(base_url=server.base_url, pace=False, max_retries=0) as client:
            for _ in range(3):
                outcome = client.execute("SPOKI_LIST_TAGS")
                assert outcome.successful, outcome.error
                time.sleep(0.05)  # a hang-up has arrived before the next checkout looks
        assert server.connections == connections
    with Client(base_url=kept.base_url, pace=False, max_retries=0) as client:  # more than the socket takes at once
        reply = client._transport.send(Request("POST", kept.base_url + "/contacts/sync/", b"x" * 16_000_000,
                                               "contacts/sync/", b"/api/1/contacts/sync/"))
    assert isinstance(reply, Reply) and reply.status == 200
    assert len(kept.requests[-1]) > 16_000_000
    with (DrippingServer(b"", pause=0.1) as silent,
          Client(base_url=silent.base_url, pace=False, max_retries=0, timeout=0.3) as client):
        outcome = client.execute("SPOKI_LIST_TAGS")
    assert outcome.error == "timed out after 0.3 s waiting for an answer from 127.0.0.1"
    left, right = socket.socketpair()
    conn = _wire._Connection(left, 1.0)
    try:
        assert conn._ready(_wire._OUT, 0) and not conn._ready(_wire._IN, 0.01)
        right.sendall(b"x")
        assert conn._ready(_wire._IN, 1.0)
    finally:
        conn.close()
        right.close()


class PiecesServer(LoopbackServer):
    """One kept-alive connection on which the n-th request is answered with the n-th list of `pieces`,
    sent one piece at a time with a pause between (each piece then mostly arrives in a read of its own)."""

    one_at_a_time, quiet = True, True

    def __init__(self, pieces: list[list[bytes]]) -> None:
        self.pieces = pieces
        super().__init__()

    def handle(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buffer = b""
        while self.pieces:
            if (got := self.read_head(conn, buffer)) is None:
                break
            buffer = got.partition(b"\r\n\r\n")[2]
            for piece in self.pieces.pop(0):
                conn.sendall(piece)
                time.sleep(0.002)


def test_an_answer_split_at_any_byte_is_read_alike_and_its_connection_kept() -> None:
    """A 1xx, then a chunked answer (an extension, a trailer, CRLFs in the body), split in two at every
    byte offset (a line, a CRLF, the head's end, a chunk size or its CRLF cut between reads), then dripped
    a byte at a time: every answer is the same, all on one kept-alive connection."""
    body = json.dumps({"count": 1, "results": [{"id": 7, "name": "a\r\nb\r\n\r\n"}]}).encode()
    reply = (b"HTTP/1.1 100 Continue\r\n\r\n" + CHUNKED[:-2] + b"X-Spaced:  a b \r\n\r\n" + b"3;ext=1\r\n" + body[:3]
             + b"\r\n" + b"%X\r\n" % (len(body) - 3) + body[3:] + b"\r\n0\r\nX-Trailer: 1\r\n\r\n")
    pieces = [[reply[:at], reply[at:]] for at in range(1, len(reply))] + [[bytes([byte]) for byte in reply]]
    with (PiecesServer(list(pieces)) as server,
          Client(base_url=server.base_url, pace=False, max_retries=0, timeout=2) as client):
        for at in range(1, len(pieces) + 1):  # the last: a byte at a time
            outcome = client.execute("SPOKI_LIST_TAGS")
            assert outcome.data == json.loads(body), (at, outcome.error)
    assert server.connections == 1


@pytest.mark.parametrize("after", [b"", b"HTTP/1.1 200 OK\r\nX-A: 1\r\n"], ids=["nothing", "a head begun"])
def test_a_server_silent_after_a_1xx_times_out_waiting_for_an_answer_as_through_httpx(after: bytes) -> None:
    """A 100 Continue is not the answer begun: silence after it is the per-read timeout, worded as httpx
    words it, not the whole attempt's deadline for an answer left unfinished (which a head begun is)."""
    outcomes = []
    for transport in (None, httpx.HTTPTransport()):
        with (DrippingServer(b"HTTP/1.1 100 Continue\r\n\r\n" + after, pause=0.001) as server,
              Client(base_url=server.base_url, transport=transport, pace=False, max_retries=0, timeout=0.5) as client):
            outcomes.append(client.execute("SPOKI_LIST_TAGS"))
    ours, theirs = outcomes
    if not after:
        same(ours, theirs)
        assert ours.error == "timed out after 0.5 s waiting for an answer from 127.0.0.1"
    else:  # httpx has no deadline over a head; the wire has
        assert ours.error == ("timed out after 0.5 s (the deadline for a whole attempt) waiting for 127.0.0.1 "
                              "to finish its answer")


@pytest.mark.parametrize("records", [1, 2], ids=["in-the-answers-record", "a-record-of-its-own"])
def test_tls_bytes_past_the_answer_are_never_the_next_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            records: int) -> None:
    """Over TLS, bytes sent past an answer come in the answer's own record (read with it: the buffer
    holds them) or in a record of their own (the kernel holds it: the checkout's poll sees it); either
    way the connection is not reused and the next request gets its own answer."""
    cert, key = _self_signed(tmp_path, ["localhost"])
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    class StaleBytes(LoopbackServer):
        quiet = True

        def handle(self, conn: socket.socket) -> None:
            buffer, n = b"", 0
            while (got := self.read_head(conn, buffer)) is not None:
                buffer, n = got.partition(b"\r\n\r\n")[2], n + 1
                fresh = answer(numbered(b'{"count": 0, "results": []}', self.connections * 10 + n))
                if n == 1 and records == 1:
                    conn.sendall(fresh + answer(b'{"stale": true}'))
                elif n == 1:
                    conn.sendall(fresh)
                    conn.sendall(answer(b'{"stale": true}'))
                else:
                    conn.sendall(fresh)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    with (StaleBytes(tls=context) as server,
          Client(base_url=f"https://localhost:{server.port}/api/1", pace=False, max_retries=0) as client):
        first = client.execute("SPOKI_LIST_TAGS")
        time.sleep(0.05)  # the second record has arrived
        second = client.execute("SPOKI_LIST_TAGS")
    assert (first.data, second.data) == ({"count": 0, "results": [], "n": 11}, {"count": 0, "results": [], "n": 21})
    assert server.connections == 2
