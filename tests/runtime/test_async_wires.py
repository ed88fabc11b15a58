"""Both wires of `AsyncClient` (aiohttp and httpx) over real loopback sockets keep the same guarantees:
connection reuse, refused connections (not sent), timeouts, chunked, gzip and deflate bodies, the size
cap (Content-Length and while streaming, after decompression), undecodable and truncated bodies, dropped
connections, no cookies, redirects not followed, the key only to the base URL's origin and in no error
text, proxies and CA certificates from the settings, and a clean close. Then how the wire is chosen.
"""

from __future__ import annotations

import asyncio
import datetime
import gc
import http.server
import ipaddress
import ssl
import sys
import threading
import warnings
import zlib
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from spoki_actions import AsyncClient, ConfigurationError, ErrorKind, Outcome
from spoki_actions._aio import AioTransport
from spoki_actions._config import resolve
from spoki_actions._registry import load
from spoki_actions._request import Request
from spoki_actions._transport import AsyncTransport

from .rt_support import LocalServer, send_json, sleepy
from .test_proxy import PROXY_VARS, RecordingProxy
from .test_transport import chunked, free_port

T = TypeVar("T")
WIRES = ["aiohttp", "httpx"]
UPSERT = {"phone": "+393331234567"}
FIELD = {"code": "A", "label": "a", "example": "x", "field_type": 1}


@pytest.fixture(params=WIRES)
def wire(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)


def run(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run with unclosed sessions, sockets and transports as errors (ResourceWarning): this run's
    own, so what earlier tests left for the collector is collected first, outside the error filter."""
    gc.collect()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        result = asyncio.run(coro)
        gc.collect()
    return result


def execute(wire: str, base: str, action: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Outcome:
    async def main() -> Outcome:
        async with AsyncClient(base_url=base, pace=False, wire=wire, **kwargs) as client:
            assert client.wire == wire
            return await client.execute(action, params or {})
    return run(main())


def tags(handler: http.server.BaseHTTPRequestHandler) -> None:
    send_json(handler, 200, {"count": 0, "results": []})


def test_many_concurrent_calls_on_kept_alive_connections(wire: str, local_server: LocalServer) -> None:
    local_server.behaviour["/api/1/tags/"] = tags

    async def main() -> list[bool]:
        async with AsyncClient(base_url=local_server.base_url, pace=False, wire=wire) as client:
            first = [(await client.run("SPOKI_LIST_TAGS"))["successful"] for _ in range(5)]
            rest = await asyncio.gather(*(client.run("SPOKI_LIST_TAGS") for _ in range(60)))
        return first + [e["successful"] for e in rest]
    assert all(run(main()))
    assert len(set(local_server.peers[:5])) == 1  # sequential calls reuse one connection
    method, path, headers, _ = local_server.seen[0]
    assert (method, path) == ("GET", "/api/1/tags/")
    assert {k.lower(): v for k, v in headers.items()}["accept-encoding"] == "gzip, deflate"
    assert headers["User-Agent"].startswith("spoki-actions/") and "Cookie" not in headers


def test_connection_refused_is_not_sent_and_retried_even_for_unsafe_actions(wire: str) -> None:
    base = f"http://127.0.0.1:{free_port()}/api/1"
    outcome = execute(wire, base, "SPOKI_CREATE_CUSTOM_FIELD", FIELD, sleep=_no_sleep)
    assert outcome.kind is ErrorKind.TRANSPORT and outcome.attempts == 4 and outcome.retryable
    assert outcome.error is not None and outcome.error.startswith("could not connect to 127.0.0.1")
    assert "the request was not sent" in outcome.error


async def _no_sleep(seconds: float) -> None:
    pass


def test_timeouts(wire: str, local_server: LocalServer) -> None:
    local_server.behaviour["/api/1/tags/"] = sleepy(1.0)
    local_server.behaviour["/api/1/custom-fields/"] = sleepy(1.0, 201, {"id": 1})
    read = execute(wire, local_server.base_url, "SPOKI_LIST_TAGS", timeout=0.2, max_retries=1, sleep=_no_sleep)
    unsafe = execute(wire, local_server.base_url, "SPOKI_CREATE_CUSTOM_FIELD", FIELD, timeout=0.2, max_retries=1,
                     sleep=_no_sleep)
    assert read.kind is ErrorKind.TIMEOUT and read.attempts == 2 and read.retryable
    assert read.error is not None and read.error.startswith("timed out after 0.2 s")
    assert unsafe.kind is ErrorKind.TIMEOUT and unsafe.attempts == 1 and not unsafe.retryable


def test_the_deadline_bounds_a_whole_attempt(wire: str, local_server: LocalServer) -> None:
    from .test_deadline import drip

    local_server.behaviour["/api/1/tags/"] = drip
    outcome = execute(wire, local_server.base_url, "SPOKI_LIST_TAGS", timeout=1, max_retries=0)
    assert outcome.kind is ErrorKind.TIMEOUT
    assert outcome.error is not None and "the deadline for a whole attempt" in outcome.error
    assert outcome.duration < 3  # far below the 6.7 s the server takes; not a speed assertion


def deflated(body: bytes) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    def behave(handler: http.server.BaseHTTPRequestHandler) -> None:
        payload = zlib.compress(body)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Encoding", "deflate")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
    return behave


def test_chunked_gzip_and_deflate_bodies(wire: str, local_server: LocalServer) -> None:
    body = b'{"count": 1, "results": [' + b",".join(b'{"id": %d, "name": "%s"}' % (i, b"x" * 50)
                                                  for i in range(300)) + b"]}"
    local_server.behaviour["/api/1/tags/"] = chunked(body)
    local_server.behaviour["/api/1/templates/"] = chunked(body, "gzip")
    local_server.behaviour["/api/1/campaigns/"] = deflated(body)
    for action in ("SPOKI_LIST_TAGS", "SPOKI_LIST_TEMPLATES", "SPOKI_LIST_CAMPAIGNS"):
        outcome = execute(wire, local_server.base_url, action)
        assert outcome.successful, outcome.error
        assert len(outcome.data["results"]) == 300


def test_the_size_cap_by_length_while_streaming_and_after_decompression(wire: str,
                                                                        local_server: LocalServer) -> None:
    big = b'{"results": [' + b",".join([b'"' + b"x" * 1000 + b'"'] * 200) + b"]}"  # ~200 kB, gzips to ~1 kB
    local_server.behaviour["/api/1/tags/"] = chunked(big)
    local_server.behaviour["/api/1/templates/"] = chunked(big, "gzip")
    local_server.behaviour["/api/1/campaigns/"] = lambda h: send_json(h, 200, {"x": "y" * 60_000})

    async def main() -> list[Outcome]:
        async with AsyncClient(base_url=local_server.base_url, pace=False, wire=wire,
                               max_response_bytes=50_000) as client:
            out = [await client.execute(a) for a in ("SPOKI_LIST_TAGS", "SPOKI_LIST_TEMPLATES",
                                                     "SPOKI_LIST_CAMPAIGNS")]
            local_server.behaviour["/api/1/tags/"] = tags
            out.append(await client.execute("SPOKI_LIST_TAGS"))  # the pool survived the refusals
            return out
    *capped, after = run(main())
    for outcome in capped:
        assert outcome.kind is ErrorKind.INVALID_RESPONSE and outcome.attempts == 1
        assert "above the 50000-byte limit" in (outcome.error or "")
    assert capped[2].error is not None and "the body is 60009 bytes" in capped[2].error  # by Content-Length
    assert after.successful


def raw(data: bytes, then_close: bool = True) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    def behave(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.wfile.write(data)
        handler.wfile.flush()
        if then_close:
            handler.close_connection = True
    return behave


def test_broken_bodies_and_dropped_connections(wire: str, local_server: LocalServer) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    local_server.behaviour["/api/1/tags/"] = raw(head + b"Content-Encoding: gzip\r\nContent-Length: 12\r\n\r\n"
                                                 + b"not gzip at!")
    local_server.behaviour["/api/1/templates/"] = raw(head + b"Content-Length: 100\r\n\r\n" + b'{"count": 0')
    local_server.behaviour["/api/1/custom-fields/"] = raw(b"")  # hangs up without an answer
    undecodable = execute(wire, local_server.base_url, "SPOKI_LIST_TAGS", max_retries=0)
    truncated = execute(wire, local_server.base_url, "SPOKI_LIST_TEMPLATES", max_retries=0)
    dropped = execute(wire, local_server.base_url, "SPOKI_CREATE_CUSTOM_FIELD", FIELD, sleep=_no_sleep)
    assert undecodable.kind is ErrorKind.INVALID_RESPONSE, undecodable.error
    assert undecodable.error is not None and "could not be decoded" in undecodable.error
    assert truncated.kind is ErrorKind.TRANSPORT, truncated.error
    assert truncated.error is not None and truncated.error.startswith("connection to 127.0.0.1 failed")
    # the request went out: an unsafe action is not sent again
    assert dropped.kind is ErrorKind.TRANSPORT and dropped.attempts == 1 and not dropped.retryable


def test_no_cookies_are_kept(wire: str, local_server: LocalServer) -> None:
    local_server.behaviour["/api/1/tags/"] = lambda h: send_json(h, 200, {"count": 0, "results": []},
                                                                 {"Set-Cookie": "session=abc; Path=/"})

    async def main() -> None:
        async with AsyncClient(base_url=local_server.base_url, pace=False, wire=wire) as client:
            for _ in range(2):
                assert (await client.run("SPOKI_LIST_TAGS"))["successful"]
    run(main())
    assert all("Cookie" not in headers for _, _, headers, _ in local_server.seen)


@pytest.fixture
def other_server() -> Iterator[LocalServer]:
    server = LocalServer()
    yield server
    server.close()


def test_the_key_goes_only_to_the_base_urls_origin_and_redirects_are_not_followed(
        wire: str, local_server: LocalServer, other_server: LocalServer, canary: str) -> None:
    for server in (local_server, other_server):
        server.behaviour["/api/1/tags/"] = tags
    other = other_server.base_url
    local_server.behaviour["/api/1/templates/"] = lambda h: send_json(h, 307, {}, {"Location": f"{other}/tags/"})
    settings = resolve(load().catalogue.connector, base_url=local_server.base_url)
    here = local_server.base_url

    async def main() -> list[int]:
        transport = AioTransport(settings) if wire == "aiohttp" else AsyncTransport(settings)
        try:
            statuses = []
            for url in (f"{here}/tags/", f"{other}/tags/", f"{here.replace('127.0.0.1', 'localhost')}/tags/",
                        f"{here}/templates/"):
                reply = await transport.send(Request("GET", url, None, "tags/"))
                assert not isinstance(reply, type(None))
                statuses.append(getattr(reply, "status", 0))
            return statuses
        finally:
            await transport.aclose()
    assert run(main()) == [200, 200, 200, 307]
    keys = [headers.get("X-Spoki-Api-Key") for _, _, headers, _ in local_server.seen]
    assert keys == [canary, None, canary]  # localhost is another origin than 127.0.0.1
    assert [h.get("X-Spoki-Api-Key") for _, _, h, _ in other_server.seen] == [None]  # the redirect was not followed


def test_the_path_goes_as_built(wire: str, local_server: LocalServer) -> None:
    settings = resolve(load().catalogue.connector, base_url=local_server.base_url)

    async def main() -> None:
        transport = AioTransport(settings) if wire == "aiohttp" else AsyncTransport(settings)
        try:
            await transport.send(Request("GET", f"{local_server.base_url}/tags/%2E%2E/x%2Fy/?q=%2E&r=a%20b", None, ""))
        finally:
            await transport.aclose()
    run(main())
    assert local_server.seen[0][1] == "/api/1/tags/%2E%2E/x%2Fy/?q=%2E&r=a%20b"  # no `..` to climb with


def test_a_link_outside_the_base_path_goes_as_given_with_only_the_unsafe_characters_encoded(
        local_server: LocalServer) -> None:
    settings = resolve(load().catalogue.connector, base_url=local_server.base_url)
    root = local_server.base_url.removesuffix("/api/1")

    async def main() -> None:
        transport = AioTransport(settings)
        try:
            for url in (f"{root}/v2/%2E%2E/tags/?page=2", f"{root}/v2/%2E%2E/a b/?q=é"):
                await transport.send(Request("GET", url, None, ""))
        finally:
            await transport.aclose()
    run(main())
    assert [seen[1] for seen in local_server.seen] == ["/v2/%2E%2E/tags/?page=2", "/v2/%2E%2E/a%20b/?q=%C3%A9"]


def garbage_status_line(handler: http.server.BaseHTTPRequestHandler) -> None:
    key = handler.headers.get("X-Spoki-Api-Key", "")
    handler.wfile.write(f"HTTP/1.1 20{key} nope\r\nX-Echo: {key}\r\n\r\n".encode())
    handler.close_connection = True


def test_the_key_shows_in_no_failure_even_when_the_server_echoes_it_into_one(
        wire: str, local_server: LocalServer, canary: str) -> None:
    local_server.behaviour["/api/1/tags/"] = garbage_status_line
    outcome = execute(wire, local_server.base_url, "SPOKI_LIST_TAGS", max_retries=0)
    assert outcome.kind is ErrorKind.TRANSPORT
    assert canary not in (outcome.error or "") and canary not in str(outcome.envelope)
    settings = resolve(load().catalogue.connector, base_url=local_server.base_url)

    async def direct() -> str:  # the transport's own Failure, before the runtime's redaction
        transport = AioTransport(settings) if wire == "aiohttp" else AsyncTransport(settings)
        try:
            return str(await transport.send(Request("GET", f"{local_server.base_url}/tags/", None, "tags/")))
        finally:
            await transport.aclose()
    assert canary not in run(direct())


# --- proxies and certificates from the settings -------------------------------------------------------

@pytest.fixture
def proxy() -> Iterator[RecordingProxy]:
    server = RecordingProxy()
    yield server
    server.close()


FAR = "https://api.spoki.invalid/api/1"


def test_an_environment_proxy_is_used(wire: str, proxy: RecordingProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    outcome = execute(wire, FAR, "SPOKI_LIST_TAGS", max_retries=0)
    assert outcome.kind is ErrorKind.TRANSPORT and "ProxyError" in (outcome.error or "")
    assert proxy.connects == ["api.spoki.invalid:443"]


def test_proxy_credentials_reach_the_proxy_and_never_show(wire: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str | None] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_CONNECT(self) -> None:
            seen.append(self.headers.get("Proxy-Authorization"))
            self.send_response(407)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    try:
        outcome = execute(wire, FAR, "SPOKI_LIST_TAGS", max_retries=0,
                          proxy=f"http://us%40er:hunter2@127.0.0.1:{httpd.server_address[1]}")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert seen == ["Basic dXNAZXI6aHVudGVyMg=="]  # us@er:hunter2
    assert outcome.kind is ErrorKind.TRANSPORT and "hunter2" not in (outcome.error or "")


def test_a_dead_proxy_is_named_not_the_api_host(wire: str) -> None:
    port = free_port()
    outcome = execute(wire, "https://api.spoki.com/api/1", "SPOKI_LIST_TAGS", max_retries=0, api_key="k" * 12,
                      proxy=f"http://user:secret@127.0.0.1:{port}")
    assert outcome.kind is ErrorKind.TRANSPORT
    assert f"could not connect to api.spoki.com through the proxy 127.0.0.1:{port} (from the proxy argument)" in (
        outcome.error or "")
    assert "secret" not in (outcome.error or "")


def test_a_socks_proxy_goes_over_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(ConfigurationError, match="a socks5 proxy, which the aiohttp wire cannot use"):
        AsyncClient(base_url=FAR, wire="aiohttp")
    try:
        client = AsyncClient(base_url=FAR)
    except ConfigurationError as exc:  # httpx's own refusal without socksio: the httpx wire was chosen
        assert "install httpx[socks] for SOCKS proxies" in str(exc)
    else:
        assert client.wire == "httpx"
        run(client.aclose())


def _tls_server(tmp_path: Path) -> tuple[http.server.ThreadingHTTPServer, Path]:
    """An HTTPS server on 127.0.0.1 with a freshly made self-signed certificate (its own CA)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    pem = tmp_path / "cert.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile = tmp_path / "key.pem"
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            send_json(self, 200, {"count": 0, "results": []})

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem, keyfile)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd, pem


def test_ca_certificates_come_from_the_settings(wire: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    httpd, pem = _tls_server(tmp_path)
    base = f"https://127.0.0.1:{httpd.server_address[1]}/api/1"
    try:
        untrusted = execute(wire, base, "SPOKI_LIST_TAGS", max_retries=0)  # certifi's bundle does not know it
        monkeypatch.setenv("SSL_CERT_FILE", str(pem))
        trusted = execute(wire, base, "SPOKI_LIST_TAGS", max_retries=0)
        ignored = execute(wire, base, "SPOKI_LIST_TAGS", max_retries=0, trust_env=False)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert untrusted.kind is ErrorKind.TRANSPORT and "the request was not sent" in (untrusted.error or "")
    assert "certificate" in (untrusted.error or "").lower()
    assert trusted.successful, trusted.error
    assert ignored.kind is ErrorKind.TRANSPORT
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(ConfigurationError, match="the CA certificates named by SSL_CERT_FILE cannot be loaded"):
        AsyncClient(wire=wire)


# --- choosing the wire ------------------------------------------------------------------------------------

def test_the_wire_is_aiohttp_by_default_and_httpx_for_an_injected_transport() -> None:
    async def main() -> list[str]:
        clients = [AsyncClient(), AsyncClient(wire="httpx"), AsyncClient(wire="aiohttp"),
                   AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})))]
        try:
            return [c.wire for c in clients]
        finally:
            for c in clients:
                await c.aclose()
    assert run(main()) == ["aiohttp", "httpx", "aiohttp", "httpx"]


def test_refused_wires() -> None:
    with pytest.raises(ConfigurationError, match=r"AsyncClient\(wire=...\) must be one of 'auto', 'aiohttp', "
                                                 r"'httpx', got 'h2'"):
        AsyncClient(wire="h2")
    with pytest.raises(ConfigurationError, match="got int"):
        AsyncClient(wire=2)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"wire='aiohttp'\) cannot use transport="):
        AsyncClient(wire="aiohttp", transport=httpx.MockTransport(lambda r: httpx.Response(200)))


def test_without_aiohttp_auto_is_httpx_and_aiohttp_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "aiohttp", None)  # import aiohttp now raises ImportError
    client = AsyncClient()
    assert client.wire == "httpx"
    run(client.aclose())
    with pytest.raises(ConfigurationError) as raised:
        AsyncClient(wire="aiohttp")
    assert str(raised.value) == ("AsyncClient(wire='aiohttp') needs aiohttp (aiohttp is not installed); install "
                                 "spoki-actions[aiohttp], or pass wire='httpx'")


def test_close_releases_everything_and_a_closed_client_refuses(local_server: LocalServer) -> None:
    local_server.behaviour["/api/1/tags/"] = tags

    async def main() -> tuple[bool, str]:
        client = AsyncClient(base_url=local_server.base_url, pace=False)
        assert (await client.run("SPOKI_LIST_TAGS"))["successful"]
        transport = client._transport
        assert isinstance(transport, AioTransport) and transport._session is not None
        session = transport._session
        await client.aclose()
        await client.aclose()  # twice is fine
        assert session.closed and transport._session is None
        return (await client.run("SPOKI_LIST_TAGS"))["successful"], (await client.run("SPOKI_LIST_TAGS"))["error"]
    assert run(main()) == (False, "the client is closed; create a new one")


def test_a_client_built_outside_the_loop_opens_its_session_inside_it(local_server: LocalServer) -> None:
    local_server.behaviour["/api/1/tags/"] = tags
    client = AsyncClient(base_url=local_server.base_url, pace=False)  # no running loop here

    async def main() -> bool:
        try:
            return bool((await client.run("SPOKI_LIST_TAGS"))["successful"])
        finally:
            await client.aclose()
    assert run(main())


def test_a_default_client_never_closed_leaves_no_unclosed_session_behind(local_server: LocalServer,
                                                                           tmp_path: Path) -> None:
    """`asyncio.run(arun_action(...))` without `aclose_default_async_clients()`: the loop's end closes the
    session (no "Unclosed client session" / "Unclosed connector" when the objects go at exit)."""
    import os
    import subprocess

    local_server.behaviour["/api/1/tags/"] = tags
    script = ("import asyncio, gc; from spoki_actions import arun_action\n"
              "from spoki_actions._client import default_async_client\n"
              "async def main():\n"
              "    assert default_async_client().wire == 'aiohttp'\n"
              "    return (await arun_action('SPOKI_LIST_TAGS'))['successful']\n"
              "print(asyncio.run(main())); gc.collect()\n")
    env = {**os.environ, "SPOKI_BASE_URL": local_server.base_url, "PYTHONWARNINGS": "always::ResourceWarning"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
    assert "Unclosed" not in done.stderr, done.stderr


def test_one_client_serves_one_loop_after_another(local_server: LocalServer) -> None:
    local_server.behaviour["/api/1/tags/"] = tags
    client = AsyncClient(base_url=local_server.base_url, pace=False)

    async def once() -> bool:
        return bool((await client.run("SPOKI_LIST_TAGS"))["successful"])

    assert run(once()) and run(once())  # the first loop's end closed its session; the second opened its own

    async def close() -> None:
        await client.aclose()
    run(close())
    assert len(local_server.seen) == 2


def test_more_calls_than_connections_share_them_and_a_timed_out_wait_gives_no_place_away(
        local_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The aiohttp wire's gate: 12 calls over 2 connections all succeed on those 2 sockets; a call whose
    deadline runs out while it waits for a place fails as a timeout and leaves the places as they were."""
    from spoki_actions import _aio

    monkeypatch.setattr(_aio, "CONNECTIONS", 2)
    local_server.behaviour["/api/1/tags/"] = tags
    local_server.behaviour["/api/1/custom-fields/"] = sleepy(0.6, 201, {"id": 1})

    async def main() -> tuple[list[bool], Outcome, list[bool]]:
        async with AsyncClient(base_url=local_server.base_url, pace=False, wire="aiohttp") as client:
            shared = await asyncio.gather(*(client.run("SPOKI_LIST_TAGS") for _ in range(12)))
            async with AsyncClient(base_url=local_server.base_url, pace=False, wire="aiohttp", timeout=0.3,
                                   max_retries=0) as short:
                slow = [asyncio.create_task(client.run("SPOKI_CREATE_CUSTOM_FIELD", FIELD)) for _ in range(2)]
                await asyncio.sleep(0.1)  # both places are taken by the slow calls
                gate = client._transport._gate  # type: ignore[union-attr]
                short._transport._gate = gate  # type: ignore[union-attr]  # the same two places
                queued = await short.execute("SPOKI_LIST_TAGS")
                done = await asyncio.gather(*slow)
            after = await asyncio.gather(*(client.run("SPOKI_LIST_TAGS") for _ in range(4)))
        return ([e["successful"] for e in shared], queued,
                [e["successful"] for e in done] + [e["successful"] for e in after])
    shared, queued, rest = run(main())
    assert all(shared) and len(shared) == 12
    assert len(set(local_server.peers[:12])) <= 2
    assert queued.kind is ErrorKind.TIMEOUT and queued.error is not None
    assert "the deadline for a whole attempt" in queued.error
    assert all(rest) and len(rest) == 6


def test_the_gate_serves_waiters_first_come_first_served_and_passes_on_a_cancelled_place() -> None:
    from spoki_actions._aio import _Gate

    async def main() -> tuple[list[int], list[int]]:
        gate = _Gate(1)
        order: list[int] = []

        async def one(i: int) -> None:
            await gate.acquire()
            order.append(i)
            await asyncio.sleep(0)
            gate.release()

        await gate.acquire()  # held: everyone below queues
        tasks = [asyncio.create_task(one(i)) for i in range(6)]
        await asyncio.sleep(0)
        gate.release()
        await asyncio.gather(*tasks)
        first = list(order)
        # a waiter cancelled while it waits takes no place; one cancelled after the place was handed to it,
        # before it ran, passes the place on to the next
        order.clear()
        await gate.acquire()
        waiting = [asyncio.create_task(one(i)) for i in range(4)]
        await asyncio.sleep(0)
        waiting[0].cancel()
        await asyncio.sleep(0)
        gate.release()  # handed to waiter 1 ...
        waiting[1].cancel()  # ... which is cancelled before it runs: waiter 2 gets it
        results = await asyncio.gather(*waiting, return_exceptions=True)
        assert [isinstance(r, asyncio.CancelledError) for r in results] == [True, True, False, False]
        await gate.acquire()  # the one place is free again: nothing was lost or given twice
        assert gate._free == 0 and not gate._waiters
        return first, list(order)
    assert run(asyncio.wait_for(main(), 10)) == ([0, 1, 2, 3, 4, 5], [2, 3])  # a lost place fails, not hangs
