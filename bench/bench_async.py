"""Concurrent async calls over real loopback HTTP: the runtime's `AsyncClient` on both wires, beside raw
httpx.AsyncClient and raw aiohttp, in one run.

Stage: benchmark (no assertions). Input: `--tasks N [N ...]` (default 10 50 200), `--delays MS [MS ...]`
(server delay per answer, default 0 5), `--calls` per round, `--rounds`; `--candidates` adds the async
transports weighed against our own aiohttp wire (the `httpx-aiohttp` package's transport, and an
in-flight gate of 10 in front of httpx's pool); `--profile NAME` prints the top of a cProfile of one
client at the largest task count instead. Output: per cell (tasks x delay), per client: req/s (median
of the rounds), p50 and p99 latency (all rounds' requests), then ours/raw-aiohttp and p99/p50; then p99/p50
within each round, the median of the rounds and the worst one (rounds run seconds apart: on a shared
machine the pooled ratio also counts load that changed between them, a round's own ratio does not).
Each round runs every client once, in an order rotated from round to round, each timed run right after
an untimed call per task (connections open, as the warm-up left them). The server is
bench_loopback's minimal asyncio HTTP/1.1 server in a subprocess, answering after the delay.
Targets: ours (aiohttp wire) >= 0.5x raw aiohttp at 50 and 200 tasks; p99 <= 3x p50 in every cell.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from bench_loopback import KEY, _Http, server_process  # noqa: E402  (the same minimal server and answers)

ACTION, PARAMS, PATH = "SPOKI_RETRIEVE_CONTACT", {"contact_id": 1234}, "/contacts/1234/"


# --- the server: bench_loopback's protocol, each answer written after --delay-ms ------------------------

class _Delayed:
    """The transport as `_Http` sees it: a write goes out `delay` seconds later, in order."""

    def __init__(self, transport: asyncio.Transport, delay: float) -> None:
        self._transport, self._delay = transport, delay
        self._loop = asyncio.get_running_loop()

    def write(self, data: bytes) -> None:
        self._loop.call_later(self._delay, self._write, data)

    def _write(self, data: bytes) -> None:
        if not self._transport.is_closing():
            self._transport.write(data)


def serve(port: int, delay_ms: float) -> None:
    class Http(_Http):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            if delay_ms > 0:
                self.transport = _Delayed(self.transport, delay_ms / 1000)  # type: ignore[assignment]

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Http, "127.0.0.1", port, backlog=1024)
        print("ready", flush=True)
        async with server:
            await server.serve_forever()
    asyncio.run(main())


def server(delay_ms: float) -> contextlib.AbstractContextManager[str]:
    return server_process(__file__, "--delay-ms", str(delay_ms))


# --- the clients: each an (open, call, close) on one event loop -----------------------------------------

Call = Callable[[], Awaitable[Any]]


class Bench:
    name = ""

    async def open(self, base: str) -> Call:
        raise NotImplementedError

    async def close(self) -> None:
        pass


class Ours(Bench):
    def __init__(self, name: str, wire: str = "auto", transport: Any = None) -> None:
        self.name, self.wire, self.transport = name, wire, transport

    async def open(self, base: str) -> Call:
        from spoki_actions import AsyncClient

        self.client = AsyncClient(api_key=KEY, base_url=base, pace=False, cache=False, wire=self.wire,
                                  transport=self.transport() if self.transport else None)
        run = self.client.run

        async def call() -> Any:
            envelope = await run(ACTION, PARAMS)
            if not envelope["successful"]:
                raise RuntimeError(envelope["error"])
            return envelope["data"]
        return call

    async def close(self) -> None:
        await self.client.aclose()


class RawHttpx(Bench):
    name = "raw httpx.AsyncClient"

    async def open(self, base: str) -> Call:
        import httpx

        self.client = httpx.AsyncClient(headers={"X-Spoki-Api-Key": KEY})
        get, url = self.client.get, base + PATH

        async def call() -> Any:
            return (await get(url)).json()
        return call

    async def close(self) -> None:
        await self.client.aclose()


class RawAiohttp(Bench):
    name = "raw aiohttp"

    async def open(self, base: str) -> Call:
        import aiohttp

        self.session = aiohttp.ClientSession(headers={"X-Spoki-Api-Key": KEY})
        get, url = self.session.get, base + PATH

        async def call() -> Any:
            async with get(url) as response:
                return json.loads(await response.read())
        return call

    async def close(self) -> None:
        await self.session.close()


def gated(limit: int) -> Any:
    """Candidate (c): httpx's pool behind a semaphore of `limit` requests in flight."""
    import httpx

    class Gate(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.inner = httpx.AsyncHTTPTransport()
            self.gate = asyncio.Semaphore(limit)

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            async with self.gate:
                response = await self.inner.handle_async_request(request)
                await response.aread()
                return response

        async def aclose(self) -> None:
            await self.inner.aclose()
    return Gate


def clients(candidates: bool) -> list[Bench]:
    out: list[Bench] = [Ours("ours, aiohttp wire", "aiohttp"), Ours("ours, httpx wire", "httpx"), RawHttpx(),
                        RawAiohttp()]
    if candidates:
        from httpx_aiohttp import AiohttpTransport

        out += [Ours("ours on httpx-aiohttp", transport=AiohttpTransport),
                Ours("ours, gate of 10", transport=gated(10))]
    return out


# --- the measurement -----------------------------------------------------------------------------------

async def one_round(call: Call, tasks: int, calls: int, latencies: list[float]) -> float:
    per_task = max(1, calls // tasks)
    clock = time.perf_counter

    async def worker() -> None:
        for _ in range(per_task):
            start = clock()
            await call()
            latencies.append(clock() - start)

    begin = clock()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    return per_task * tasks / (clock() - begin)


async def cell(base: str, benches: list[Bench], tasks: int, calls: int, rounds: int) -> list[dict[str, float]]:
    calls_of = [await bench.open(base) for bench in benches]
    for call in calls_of:  # warm up: connections open, catalogue loaded
        await one_round(call, tasks, tasks * 4, [])
    rates: list[list[float]] = [[] for _ in benches]
    latencies: list[list[list[float]]] = [[] for _ in benches]  # per client, per round
    for r in range(rounds):
        order = list(range(len(benches)))
        order = order[r % len(order):] + order[:r % len(order)]
        for i in order:
            # untimed, one call per task: the pool as the warm-up left it. The other clients' rounds take
            # seconds (raw httpx at 200 tasks: 7-15 s), longer than a kept-alive connection lives (5 s in
            # ours and httpx, 15 s in aiohttp), so without this a timed round opened its connections anew
            # or not depending on the client's keep-alive and on how slow the others were
            await one_round(calls_of[i], tasks, tasks, [])
            latencies[i].append([])
            rates[i].append(await one_round(calls_of[i], tasks, calls, latencies[i][-1]))
    for bench in benches:
        await bench.close()
    out = []
    for rate, per_round in zip(rates, latencies, strict=True):
        lat = sorted(x for one in per_round for x in one)
        tails = [_pct(sorted(one), 0.99) / _pct(sorted(one), 0.5) for one in per_round]
        out.append({"rate": statistics.median(rate), "p50": _pct(lat, 0.5) * 1000, "p99": _pct(lat, 0.99) * 1000,
                    "round": statistics.median(tails), "worst": max(tails)})
    return out


def _pct(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def report(tasks: int, delay: float, benches: list[Bench], results: list[dict[str, float]]) -> None:
    raw = next(r for b, r in zip(benches, results, strict=True) if b.name == "raw aiohttp")["rate"]
    print(f"\n{tasks} tasks, server delay {delay:g} ms")
    print(f"{'client':<26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'/raw aiohttp':>13} {'p99/p50':>8} "
          f"{'per round':>10} {'worst':>6}")
    for bench, r in zip(benches, results, strict=True):
        print(f"{bench.name:<26} {r['rate']:8.0f} {r['p50']:8.1f} {r['p99']:8.1f} {r['rate'] / raw:13.2f} "
              f"{r['p99'] / r['p50']:8.1f} {r['round']:10.1f} {r['worst']:6.1f}")


def profile(name: str, tasks: int, calls: int, delay: float) -> None:
    import cProfile
    import importlib.util
    import pstats

    candidates = importlib.util.find_spec("httpx_aiohttp") is not None  # an extra of its own, often absent
    bench = next(b for b in clients(candidates) if b.name.startswith(name))

    async def main(base: str) -> None:
        call = await bench.open(base)
        await one_round(call, tasks, tasks * 4, [])
        profiler = cProfile.Profile()
        profiler.enable()
        await one_round(call, tasks, calls, [])
        profiler.disable()
        await bench.close()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(int(os.environ.get("BENCH_PROFILE_LINES", "10")))

    with server(delay) as base:
        asyncio.run(main(base))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tasks", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--delays", type=float, nargs="+", default=[0, 5], help="server delays in ms")
    parser.add_argument("--calls", type=int, default=2000, help="requests per client per round (default 2000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds, each running every client (default 5)")
    parser.add_argument("--candidates", action="store_true", help="also the transports weighed for the wire")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only the clients whose names contain one of "
                        "these (raw aiohttp always runs: it is the yardstick)")
    parser.add_argument("--profile", metavar="NAME", help="cProfile one client (a name prefix, e.g. 'ours, aio')")
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--delay-ms", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve(args.serve, args.delay_ms)
        return 0
    os.environ.pop("SPOKI_BASE_URL", None)
    if args.profile:
        profile(args.profile, max(args.tasks), args.calls, args.delays[0])
        return 0
    benches = [b for b in clients(args.candidates)
               if not args.only or b.name == "raw aiohttp" or any(o in b.name for o in args.only)]
    print(f"{ACTION} with {args.calls} requests per client per round, {args.rounds} rounds, medians; "
          f"pacing and cache off")
    for delay in args.delays:
        with server(delay) as base:
            for tasks in args.tasks:
                report(tasks, delay, benches, asyncio.run(cell(base, benches, tasks, args.calls, args.rounds)))
    print("\ntargets: ours (aiohttp wire) >= 0.5x raw aiohttp at 50 and 200 tasks; p99/p50 <= 3 in every cell")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
