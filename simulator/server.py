"""A real loopback server for the simulator, started and stopped from Python (tests, demos, benches).

Stage: process/thread plumbing. Input: a `SimulatorConfig` (and optionally a host and port; port 0
picks a free one). Output: `SimulatorServer`, a context manager running uvicorn in a background
thread, ready (accepting connections) when `start()` returns, exposing `base_url` (ending `/api/1`),
the keys, the app and its state, and stopping cleanly (socket and database closed) on `stop()`.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .config import FaultConfig, SimulatorConfig

if TYPE_CHECKING:
    import uvicorn
    from starlette.applications import Starlette

    from .state import SimulatorState


def bind_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket (uvicorn listens on it); port 0 means any free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP;
    # without it every answer waits ~40 ms for Nagle and delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def uvicorn_config(app: Starlette, log_level: str) -> uvicorn.Config:
    import uvicorn

    # h11 is the implementation the fault layer knows how to drop connections on.
    return uvicorn.Config(app, http="h11", ws="none", lifespan="off", loop="asyncio", log_level=log_level,
                          access_log=log_level in ("debug", "trace"), timeout_graceful_shutdown=2)


class SimulatorServer:
    """`with SimulatorServer(config) as server: httpx.get(server.base_url + "/tags/", ...)`."""

    def __init__(
        self, config: SimulatorConfig | None = None, *, host: str = "127.0.0.1", port: int = 0,
        log_level: str = "warning",
    ) -> None:
        from .extra import missing, needs_extra

        absent = missing()
        if absent is not None:
            raise ModuleNotFoundError(needs_extra("SimulatorServer"), name=absent)
        from .app import create_app

        self.config = config or SimulatorConfig()
        self.host = host
        self.requested_port = port
        self.log_level = log_level
        self.app: Starlette = create_app(self.config)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port = 0
        self._closed = False

    # --- addresses and keys ---------------------------------------------------------------------------
    @property
    def root_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root_url + "/api/1"

    @property
    def control_url(self) -> str:
        return self.root_url + "/_control"

    @property
    def api_key(self) -> str:
        return self.config.api_key

    @property
    def partner_key(self) -> str:
        return self.config.partner_key

    @property
    def state(self) -> SimulatorState:
        from .app import sim_state

        return sim_state(self.app)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # --- life cycle -----------------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> SimulatorServer:
        import uvicorn

        if self.running:
            return self
        if self._closed:
            raise RuntimeError("a stopped SimulatorServer cannot start again; create a new one (same db_path)")
        self._socket = bind_socket(self.host, self.requested_port)
        self.port = self._socket.getsockname()[1]
        self._server = uvicorn.Server(uvicorn_config(self.app, self.log_level))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        name=f"spoki-simulator:{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the simulator did not start on {self.root_url}")
            time.sleep(0.005)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        if self._socket is not None:
            self._socket.close()
        self._server, self._thread, self._socket = None, None, None
        self.state.close()
        self._closed = True

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- conveniences for tests -----------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the seeded data, the configured limits and faults, no clock offset, an empty report cache."""
        self.state.reset()

    def set_faults(self, faults: FaultConfig | dict[str, Any], seed: int | None = None) -> None:
        config = faults if isinstance(faults, FaultConfig) else FaultConfig.from_dict(faults)
        self.state.faults.configure(config, self.config.seed if seed is None else seed)

    def clear_faults(self) -> None:
        self.state.faults.configure(FaultConfig(), self.config.seed)

    def __repr__(self) -> str:
        return f"SimulatorServer({self.root_url}, running={self.running})"
