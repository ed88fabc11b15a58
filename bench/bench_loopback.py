"""Sequential calls over real loopback HTTP: `run_action` next to raw httpx on the same server.

Stage: benchmark (no assertions). Input: `--calls N`, `--rounds R`; `--simulator` adds the Spoki
simulator. Output: per server, calls/s of raw `httpx.Client` and of `run_action` and their ratio
(target >= 0.9), side by side: each round runs a raw batch then a runtime batch on kept-alive
connections; medians are compared. The default server is a minimal asyncio HTTP/1.1 server in a
subprocess answering fixed JSON, so the client side dominates. Pacing is off (nothing throttles
here; bench_runtime.py measures the pacer's bookkeeping).
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
def minimal_server() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield f"http://127.0.0.1:{port}/api/1"
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def simulator_server() -> Iterator[tuple[str, str]]:
    from spoki_actions.simulator import RateLimitConfig, SimulatorConfig, SimulatorServer

    with SimulatorServer(SimulatorConfig(seed=0, rate_limits=RateLimitConfig(enabled=False))) as server:
        yield server.base_url, server.api_key


# --- the measurement ---------------------------------------------------------------------------------

Case = tuple[str, Callable[[], Any], Callable[[], Any]]


def cases(base: str, raw: httpx.Client, client: Client, contact_id: int) -> list[Case]:
    ticket_params = {"status": "OPEN", "per_page": 20, "order": "desc"}
    upsert = {"phone": "+393331234567", "first_name": "Maria", "email": "maria.rossi@example.com"}
    return [
        ("list (SPOKI_LIST_TICKETS, 3 query params)",
         lambda: raw.get(f"{base}/tickets/", params=ticket_params).json(),
         lambda: run_action("SPOKI_LIST_TICKETS", ticket_params, client=client)),
        ("retrieve (SPOKI_RETRIEVE_CONTACT)",
         lambda: raw.get(f"{base}/contacts/{contact_id}/").json(),
         lambda: run_action("SPOKI_RETRIEVE_CONTACT", {"contact_id": contact_id}, client=client)),
        ("body POST (SPOKI_CREATE_OR_UPDATE_CONTACT)",
         lambda: raw.post(f"{base}/contacts/sync/", json=upsert).json(),
         lambda: run_action("SPOKI_CREATE_OR_UPDATE_CONTACT", upsert, client=client)),
    ]


def timed(fn: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return calls / (time.perf_counter() - start)


def measure(title: str, base: str, key: str, calls: int, rounds: int, contact_id: int) -> None:
    raw = httpx.Client(headers={"X-Spoki-Api-Key": key})
    client = Client(api_key=key, base_url=base, pace=False)
    rows = []
    for label, raw_call, our_call in cases(base, raw, client, contact_id):
        envelope = our_call()
        assert envelope["successful"], envelope
        for _ in range(50):
            raw_call()
            our_call()
        raw_rates, our_rates = [], []
        for _ in range(rounds):
            raw_rates.append(timed(raw_call, calls))
            our_rates.append(timed(our_call, calls))
        raw_rate, our_rate = statistics.median(raw_rates), statistics.median(our_rates)
        rows.append((label, raw_rate, our_rate, our_rate / raw_rate))
    client.close()
    raw.close()
    print(f"{title}: sequential calls over loopback ({rounds} rounds x {calls} calls, medians)")
    print(f"{'case':<45} {'raw calls/s':>12} {'run_action calls/s':>19} {'ratio':>7}")
    for label, raw_rate, our_rate, ratio in rows:
        print(f"{label:<45} {raw_rate:12.0f} {our_rate:19.0f} {ratio:7.2f}")
    print("target: ratio >= 0.90 (run_action throughput / raw httpx throughput)\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=500, help="calls per batch (default 500)")
    parser.add_argument("--rounds", type=int, default=9, help="rounds, each raw then runtime (default 9)")
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
