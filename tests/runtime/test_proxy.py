"""Proxies and CA certificates from the environment, as httpx's `trust_env=True` finds them:
HTTPS_PROXY / HTTP_PROXY / ALL_PROXY reach the transport unless NO_PROXY names the host (loopback
is always direct); SSL_CERT_FILE / SSL_CERT_DIR are loaded; `trust_env=False` and `proxy=` beat
the environment. A real CONNECT-recording proxy on loopback shows what goes where.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from spoki_actions import Client, ConfigurationError, ErrorKind
from spoki_actions._config import Origin, _bypassed

from .rt_support import LocalServer, send_json

PROXY_VARS = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "all_proxy",
              "no_proxy", "REQUEST_METHOD")
FAR = "https://api.spoki.invalid/api/1"  # never resolved: only the proxy is ever contacted


class RecordingProxy:
    """Answers every CONNECT with 403 and remembers its target."""

    def __init__(self) -> None:
        self.connects: list[str] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_CONNECT(self) -> None:
                proxy.connects.append(self.path)
                self.send_response(403)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def proxy() -> Iterator[RecordingProxy]:
    server = RecordingProxy()
    yield server
    server.close()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_proxy_from_the_environment_reaches_the_transport(clean_env: pytest.MonkeyPatch,
                                                            proxy: RecordingProxy) -> None:
    clean_env.setenv("HTTPS_PROXY", proxy.url)
    with Client(base_url=FAR, max_retries=0) as client:
        assert client._ctx.settings.proxy == proxy.url
        outcome = client.execute("SPOKI_LIST_TAGS")
    assert proxy.connects == ["api.spoki.invalid:443"]
    assert outcome.kind is ErrorKind.TRANSPORT and "ProxyError" in (outcome.error or "")


@pytest.mark.parametrize("variable", ["https_proxy", "ALL_PROXY"])
def test_lower_case_and_all_proxy_variables(clean_env: pytest.MonkeyPatch, variable: str) -> None:
    clean_env.setenv(variable, "proxy.example:3128")
    with Client(base_url=FAR) as client:
        assert client._ctx.settings.proxy == "http://proxy.example:3128"


@pytest.mark.parametrize("no_proxy", ["api.spoki.invalid", "spoki.invalid", ".spoki.invalid", "*",
                                      "localhost, api.spoki.invalid:443", "*.spoki.invalid"])
def test_no_proxy_naming_the_host_disables_it(clean_env: pytest.MonkeyPatch, no_proxy: str) -> None:
    clean_env.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    clean_env.setenv("NO_PROXY", no_proxy)
    with Client(base_url=FAR) as client:
        assert client._ctx.settings.proxy is None


@pytest.mark.parametrize("no_proxy", ["other.example", "pi.spoki.invalid", "api.spoki.invalid:8443", ""])
def test_no_proxy_for_other_hosts_keeps_it(clean_env: pytest.MonkeyPatch, no_proxy: str) -> None:
    clean_env.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    clean_env.setenv("NO_PROXY", no_proxy)
    with Client(base_url=FAR) as client:
        assert client._ctx.settings.proxy == "http://proxy.example:3128"


def test_no_proxy_matching_rules() -> None:
    origin = Origin("https", "api.spoki.com", 443)
    assert _bypassed(origin, "spoki.com") and _bypassed(origin, ".spoki.com") and _bypassed(origin, "API.SPOKI.COM")
    assert _bypassed(origin, "https://api.spoki.com") and _bypassed(origin, "x.example,api.spoki.com:443")
    assert not _bypassed(origin, "oki.com") and not _bypassed(origin, "api.spoki.com:80")
    assert _bypassed(Origin("https", "::1", 443), "[::1]:443")


def test_loopback_is_always_direct(clean_env: pytest.MonkeyPatch, proxy: RecordingProxy,
                                   local_server: LocalServer) -> None:
    clean_env.setenv("HTTP_PROXY", proxy.url)
    clean_env.setenv("ALL_PROXY", proxy.url)
    local_server.behaviour["/api/1/tags/"] = lambda h: send_json(h, 200, {"count": 0, "results": []})
    with Client(base_url=local_server.base_url) as client:
        assert client.run("SPOKI_LIST_TAGS")["successful"]
    assert proxy.connects == [] and len(local_server.seen) == 1


def test_trust_env_false_ignores_the_environment_and_proxy_beats_it(clean_env: pytest.MonkeyPatch,
                                                                    proxy: RecordingProxy) -> None:
    clean_env.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    clean_env.setenv("SSL_CERT_FILE", "/no/such/bundle.pem")
    with Client(base_url=FAR, trust_env=False) as client:
        settings = client._ctx.settings
        assert settings.proxy is None and settings.ca_file is None
    with Client(base_url=FAR, trust_env=False, proxy=proxy.url, max_retries=0) as client:
        client.run("SPOKI_LIST_TAGS")
    assert proxy.connects == ["api.spoki.invalid:443"]


def test_proxy_credentials_never_show(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("HTTPS_PROXY", "http://user:hunter2@proxy.example:3128")
    with Client(base_url=FAR) as client:
        assert "hunter2" not in repr(client._ctx.settings) and "hunter2" not in repr(client)
    clean_env.setenv("HTTPS_PROXY", "ftp://user:hunter2@proxy.example:21")
    with pytest.raises(ConfigurationError) as raised:
        Client(base_url=FAR)
    assert "hunter2" not in str(raised.value)
    assert str(raised.value).startswith("the proxy from the HTTPS_PROXY environment variable is not a usable proxy URL")


def test_ca_certificates_from_the_environment_are_loaded(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty.pem"
    empty.write_text("")
    clean_env.setenv("SSL_CERT_FILE", str(empty))
    clean_env.delenv("SSL_CERT_DIR", raising=False)
    with pytest.raises(ConfigurationError, match="the CA certificates named by SSL_CERT_FILE cannot be loaded"):
        Client()  # the file was read: it holds no certificate
    clean_env.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(ConfigurationError, match="trust_env=False"):
        Client()
    import certifi

    clean_env.setenv("SSL_CERT_FILE", certifi.where())
    clean_env.setenv("SSL_CERT_DIR", str(tmp_path))
    with Client() as client:
        assert (client._ctx.settings.ca_file, client._ctx.settings.ca_dir) == (certifi.where(), str(tmp_path))


@pytest.mark.parametrize("wire", ["aiohttp", "httpx"])
def test_the_async_client_uses_the_environment_proxy_too(clean_env: pytest.MonkeyPatch,
                                                        proxy: RecordingProxy, wire: str) -> None:
    import asyncio

    from spoki_actions import AsyncClient

    clean_env.setenv("HTTPS_PROXY", proxy.url)

    async def main() -> ErrorKind | None:
        async with AsyncClient(base_url=FAR, max_retries=0, wire=wire) as client:
            return (await client.execute("SPOKI_LIST_TAGS")).kind
    assert asyncio.run(main()) is ErrorKind.TRANSPORT
    assert proxy.connects == ["api.spoki.invalid:443"]


def test_a_dead_proxy_is_named_not_the_api_host() -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with Client(api_key="k" * 12, proxy=f"http://user:secret@127.0.0.1:{port}", max_retries=0) as client:
        outcome = client.execute("SPOKI_LIST_TAGS")
    assert outcome.kind is ErrorKind.TRANSPORT
    assert f"could not connect to api.spoki.com through the proxy 127.0.0.1:{port} (from the proxy argument)" in (
        outcome.error or "")
    assert "secret" not in (outcome.error or "")
