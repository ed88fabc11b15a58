"""Sequential calls over real loopback HTTP: `run_action` next to raw httpx and the raw-socket floor.

Stage: benchmark (no assertions). Input: `--calls N`, `--rounds R`; `--simulator` adds the Spoki
simulator. Output: per server and case, calls/s of the raw-socket floor (a client that writes a
pre-built request on a kept-alive socket and reads the reply by its Content-Length, then parses the
JSON), of raw `httpx.Client`, of `run_action` on the default transport, and of `run_action` through an
injected `httpx.HTTPTransport` (the path the default took before it drove httpcore directly); then
the ratios ours/floor (target >= 0.5) and ours/raw httpx (target >= 0.9). Each round runs one batch
of each, in turn, on kept-alive connections; medians over rounds are compared. The default server
is a minimal asyncio HTTP/1.1 server in a subprocess answering fixed JSON, so the client side
dominates. Pacing is off (nothing throttles here; bench_runtime.py measures the pacer's bookkeeping).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from spoki_actions import Client, run_action

KEY = "bench-key-0123456789"
CONTACT = {"id": 1234, "phone": "+393331234567", "first_name": "Maria", "last_name": "Rossi",
           "email": "maria.rossi@example.com", "language": "it", "has_invalid_phone": False,
           "chat_link": "https://app.spoki.it/chat/1234/", "created_datetime": "2024-05-01T10:00:00Z",
           "contactfield_set": [], "list_set": [], "tag_set": []}
TICKET = {"id": 1, "title": "Order issue", "status": "Open", "created_datetime": "2024-05-01T10:00:00Z",
          "contact": {"id": 7, "phone": "+393331234567"}}
ANSWERS = {
    b"/api/1/tickets/": json.dumps({"count": 2, "next": None, "previous": None, "results": [TICKET, TICKET]}).encode(),
    b"/api/1/contacts/1234/": json.dumps(CONTACT).encode(),
    b"/api/1/contacts/sync/": json.dumps({k: CONTACT[k] for k in ("id", "phone", "first_name", "email")}).encode(),
}


# --- the minimal server (runs in a subprocess: `bench_loopback.py --serve PORT`) ------------------

class _Http(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].split(b"\r\n")
            length = 0
            for line in head[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(self.buffer) < head_end + 4 + length:
                return
            self.buffer = self.buffer[head_end + 4 + length:]
            path = head[0].split(b" ")[1].split(b"?")[0]
            body = ANSWERS.get(path, b'{"detail": "Not found."}')
            status = b"200 OK" if path in ANSWERS else b"404 Not Found"
            self.transport.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\nContent-Length: "
                                 + str(len(body)).encode() + b"\r\n\r\n" + body)


def serve(port: int) -> None:
    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(_Http, "127.0.0.1", port)
        print("ready", flush=True)
        async with server:
            await server.serve_forever()
    asyncio.run(main())


@contextlib.contextmanager
def server_process(script: str, *args: str) -> Iterator[str]:
    """`script --serve PORT *args` in a subprocess on a free loopback port, until it says "ready"."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, script, "--serve", str(port), *args], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield f"http://127.0.0.1:{port}/api/1"
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


def minimal_server() -> contextlib.AbstractContextManager[str]:
    return server_process(__file__)


@contextlib.contextmanager
def simulator_server() -> Iterator[tuple[str, str]]:
    from spoki_actions.simulator import RateLimitConfig, SimulatorConfig, SimulatorServer

    with SimulatorServer(SimulatorConfig(seed=0, rate_limits=RateLimitConfig(enabled=False))) as server:
        yield server.base_url, server.api_key


# --- the measurement ---------------------------------------------------------------------------------

class Floor:
    """The raw-socket floor: one kept-alive socket, a request written as pre-built bytes, the reply read
    up to its Content-Length, the body parsed as JSON. Nothing a real client could do with less."""

    def __init__(self, base: str, key: str) -> None:
        url = httpx.URL(base)
        self.host, self.port, self.path = url.host, url.port or 80, url.path.rstrip("/")
        self.key = key
        self.sock = socket.create_connection((self.host, self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rb")

    def request(self, method: str, target: str, body: bytes | None = None) -> bytes:
        head = (f"{method} {self.path}/{target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Accept: application/json\r\nX-Spoki-Api-Key: {self.key}\r\n")
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        return head.encode() + b"\r\n" + (body or b"")

    def call(self, wire: bytes) -> Any:
        self.sock.sendall(wire)
        readline = self.file.readline
        status = readline()
        assert status.startswith(b"HTTP/1.1 200"), status
        length = 0
        while (line := readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.file.read(length))

    def close(self) -> None:
        self.file.close()
        self.sock.close()


Case = tuple[str, Callable[[], Any], Callable[[], Any], Callable[[], Any], Callable[[], Any]]


def cases(base: str, floor: Floor, raw: httpx.Client, client: Client, old: Client, contact_id: int) -> list[Case]:
    ticket_params = {"status": "OPEN", "per_page": 20, "order": "desc"}
    upsert = {"phone": "+393331234567", "first_name": "Maria", "email": "maria.rossi@example.com"}
    tickets = floor.request("GET", "tickets/?status=OPEN&per_page=20&order=desc")
    contact = floor.request("GET", f"contacts/{contact_id}/")
    sync = floor.request("POST", "contacts/sync/", json.dumps(upsert).encode())
    return [
        ("list (SPOKI_LIST_TICKETS, 3 query params)",
         lambda: floor.call(tickets),
         lambda: raw.get(f"{base}/tickets/", params=ticket_params).json(),
         lambda: run_action("SPOKI_LIST_TICKETS", ticket_params, client=client),
         lambda: run_action("SPOKI_LIST_TICKETS", ticket_params, client=old)),
        ("retrieve (SPOKI_RETRIEVE_CONTACT)",
         lambda: floor.call(contact),
         lambda: raw.get(f"{base}/contacts/{contact_id}/").json(),
         lambda: run_action("SPOKI_RETRIEVE_CONTACT", {"contact_id": contact_id}, client=client),
         lambda: run_action("SPOKI_RETRIEVE_CONTACT", {"contact_id": contact_id}, client=old)),
        ("body POST (SPOKI_CREATE_OR_UPDATE_CONTACT)",
         lambda: floor.call(sync),
         lambda: raw.post(f"{base}/contacts/sync/", json=upsert).json(),
         lambda: run_action("SPOKI_CREATE_OR_UPDATE_CONTACT", upsert, client=client),
         lambda: run_action("SPOKI_CREATE_OR_UPDATE_CONTACT", upsert, client=old)),
    ]


CPU: dict[int, list[float]] = {}  # id(fn) -> this process's CPU µs per call, per batch


def timed(fn: Callable[[], Any], calls: int) -> float:
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        fn()
    CPU.setdefault(id(fn), []).append((time.process_time() - cpu) / calls * 1e6)
    return calls / (time.perf_counter() - start)


def measure(title: str, base: str, key: str, calls: int, rounds: int, contact_id: int) -> None:
    floor = Floor(base, key)
    raw = httpx.Client(headers={"X-Spoki-Api-Key": key})
    client = Client(api_key=key, base_url=base, pace=False)
    old = Client(api_key=key, base_url=base, pace=False, transport=httpx.HTTPTransport())
    rows = []
    for label, *calls_of in cases(base, floor, raw, client, old, contact_id):
        for ours in calls_of[2:]:
            envelope = ours()
            assert envelope["successful"], envelope
        assert calls_of[0]() == calls_of[1]() == envelope["data"]
        for _ in range(50):
            for fn in calls_of:
                fn()
        rates: list[list[float]] = [[] for _ in calls_of]
        for _ in range(rounds):
            for i, fn in enumerate(calls_of):
                rates[i].append(timed(fn, calls))
        floor_r, raw_r, our_r, old_r = rates
        # ratios per round (neighbours in time share the machine's load), then their median
        ratios = [statistics.median(a / b for a, b in zip(top, bottom, strict=True))
                  for top, bottom in ((our_r, floor_r), (our_r, raw_r), (our_r, old_r))]
        cpu = [statistics.median(CPU[id(fn)][-rounds:]) for fn in calls_of]
        rows.append((label, *(statistics.median(r) for r in rates), *ratios, cpu))
    for closing in (client, old, raw, floor):
        closing.close()
    print(f"{title}: sequential calls over loopback ({rounds} rounds x {calls} calls; medians of rates, and "
          f"medians of the per-round ratios)")
    print(f"{'case':<43} {'floor/s':>8} {'httpx/s':>8} {'ours/s':>8} {'old/s':>8} {'ours/floor':>10} "
          f"{'ours/httpx':>10} {'ours/old':>8}")
    for label, floor_rate, raw_rate, our_rate, old_rate, to_floor, to_raw, to_old, _ in rows:
        print(f"{label:<43} {floor_rate:8.0f} {raw_rate:8.0f} {our_rate:8.0f} {old_rate:8.0f} "
              f"{to_floor:10.2f} {to_raw:10.2f} {to_old:8.2f}")
    print("client CPU µs per call (this process only, so less swayed by other load; medians):")
    print(f"{'case':<43} {'floor':>8} {'httpx':>8} {'ours':>8} {'old':>8}")
    for label, *_, cpu in rows:
        print(f"{label:<43} " + " ".join(f"{c:8.1f}" for c in cpu))
    print("floor: raw socket, pre-built request; httpx: raw httpx.Client; ours: run_action (default transport);\n"
          "old: run_action through an injected httpx.HTTPTransport (the default path before httpcore directly).\n"
          "targets: ours/floor >= 0.50, ours/httpx >= 0.90\n")



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=200, help="calls per batch (default 200)")
    parser.add_argument("--rounds", type=int, default=25, help="rounds, one batch of each client (default 25)")
    parser.add_argument("--simulator", action="store_true", help="also measure against the Spoki simulator")
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve(args.serve)
        return 0
    os.environ.pop("SPOKI_BASE_URL", None)
    with minimal_server() as base:
        measure("minimal asyncio server (subprocess)", base, KEY, args.calls, args.rounds, 1234)
    if args.simulator:
        with simulator_server() as (base, key):
            first = httpx.get(f"{base}/contacts/", headers={"X-Spoki-Api-Key": key}).json()["results"][0]["id"]
            measure("Spoki simulator (uvicorn thread, same process)", base, key, max(50, args.calls // 5),
                    args.rounds, first)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
