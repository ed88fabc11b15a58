"""Helpers for runtime tests: a programmable fake API (an `httpx.MockTransport` handler), a fake
clock whose sleeps advance time instead of waiting, clients wired to both, and a tiny stdlib HTTP
server on loopback for behaviour only a real socket shows (refused connections, timeouts, chunked
bodies). Clients are built without an explicit key, so they carry the session's canary key.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

BASE = "https://api.spoki.com/api/1"

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class FakeApi:
    """Answers by (method, path): queued answers are used in order, the last one repeats."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], list[Answer]] = {}
        self.clock: FakeClock | None = None
        self.times: list[float] = []  # fake-clock time of each request

    def on(self, method: str, path: str, *answers: Answer) -> FakeApi:
        self.routes[(method, "/api/1/" + path.lstrip("/"))] = list(answers)
        return self

    def json(self, method: str, path: str, body: Any, status: int = 200, **headers: str) -> FakeApi:
        return self.on(method, path, httpx.Response(status, json=body, headers=headers))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self.clock is not None:
            self.times.append(self.clock.now)
        answers = self.routes.get((request.method, request.url.raw_path.decode('ascii').split('?')[0]))
        if not answers:
            return httpx.Response(404, json={"detail": "Not found."})
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        # a fresh copy each time: an httpx.Response can be consumed once
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


@dataclass
class FakeClock:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


# --- a real loopback server --------------------------------------------------------------------

Behaviour = Callable[[http.server.BaseHTTPRequestHandler], None]


class LocalServer:
    """A threaded stdlib HTTP server on 127.0.0.1; `behaviour[path]` writes the answer."""

    def __init__(self) -> None:
        self.behaviour: dict[str, Behaviour] = {}
        self.seen: list[tuple[str, str, dict[str, str], bytes]] = []
        self.peers: list[tuple[str, int]] = []  # client address of each request (connection reuse)
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                server.seen.append((self.command, self.path, dict(self.headers), body))
                server.peers.append(self.client_address)
                path = self.path.split("?")[0]
                behaviour = server.behaviour.get(path)
                if behaviour is None:
                    send_json(self, 404, {"detail": "Not found."})
                else:
                    behaviour(self)

            do_GET = do_POST = do_PATCH = do_DELETE = _any

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)  # quick shutdown
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/api/1"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send_json(handler: http.server.BaseHTTPRequestHandler, status: int, body: Any,
              headers: dict[str, str] | None = None) -> None:
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(data)


def sleepy(seconds: float, status: int = 200, body: Any = None) -> Behaviour:
    def behave(handler: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send_json(handler, status, body if body is not None else {})
    return behave
