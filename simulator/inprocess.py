"""In-process transport: the simulator app without a socket, for the sync AND the async clients.

Stage: test plumbing. Input: an ASGI app (`create_app(config)`). Output: `SimulatorTransport`, an
`httpx.ASGITransport` that is also an `httpx.BaseTransport`: async clients use it as httpx does, and a
sync client's requests run on a private event loop in a daemon thread (started on first use, stopped by
`close()`, started again if used after). Clients point at `ASGI_BASE_URL`. As with `httpx.ASGITransport`
there is no socket: timeouts do not apply, a dropped connection raises `SimulatedDisconnect`.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx

from .config import ASGI_BASE_URL

__all__ = ["ASGI_BASE_URL", "SimulatorTransport"]


class SimulatorTransport(httpx.ASGITransport, httpx.BaseTransport):
    """`Client(transport=t, base_url=ASGI_BASE_URL)` and `AsyncClient(transport=t, ...)` both work."""

    def __init__(self, app: Any) -> None:
        super().__init__(app=app)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="spoki-simulator-inprocess", daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()  # the sync request's stream may not be async-iterable; bytes are
        forwarded = httpx.Request(request.method, request.url, headers=request.headers, content=body,
                                  extensions=request.extensions)

        async def exchange() -> tuple[int, list[tuple[bytes, bytes]], bytes, dict[str, Any]]:
            response = await self.handle_async_request(forwarded)
            content = await response.aread()
            return response.status_code, response.headers.raw, content, dict(response.extensions)

        future = asyncio.run_coroutine_threadsafe(exchange(), self._running_loop())
        status, headers, content, extensions = future.result()
        return httpx.Response(status, headers=headers, content=content, request=request, extensions=extensions)

    def close(self) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop, self._thread = None, None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()

    async def aclose(self) -> None:
        self.close()
