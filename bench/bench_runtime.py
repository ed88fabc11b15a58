"""In-process overhead of `run_action` over raw httpx, through the same `httpx.MockTransport`.

Stage: benchmark (no assertions). Input: none (`--calls N`, `--rounds R` to change the sample).
Output: a table on stdout, one row per case: raw `httpx.Client` µs/call, `run_action` µs/call and
their ratio (target <= 0.55, issue 10), measured side by side: each round times a batch of raw calls and
a batch of runtime calls back to back, and the medians over rounds are compared. Cases: a list
with 3 query params (SPOKI_LIST_TICKETS), a retrieve (SPOKI_RETRIEVE_CONTACT), a body POST
(SPOKI_CREATE_OR_UPDATE_CONTACT). Pacing stays on (its bookkeeping is measured) with a no-op sleep.
`--profile N` then prints the top N functions (cProfile, tottime) of `run_action` over the three cases
and the function calls per call, the mock handler's own work included (raw httpx pays it too).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx

from spoki_actions import Client, run_action

BASE = "https://api.spoki.com/api/1"
KEY = "bench-key-0123456789"

TICKET = {"id": 1, "title": "Order issue", "status": "Open", "priority": "high",
          "created_datetime": "2024-05-01T10:00:00Z", "updated_datetime": "2024-05-01T10:00:00Z",
          "contact": {"id": 7, "phone": "+393331234567", "first_name": "Maria", "last_name": "Rossi"}}
CONTACT = {"id": 1234, "phone": "+393331234567", "first_name": "Maria", "last_name": "Rossi",
           "email": "maria.rossi@example.com", "language": "it", "has_invalid_phone": False,
           "chat_link": "https://app.spoki.it/chat/1234/", "created_datetime": "2024-05-01T10:00:00Z",
           "contactfield_set": [], "list_set": [], "tag_set": [{"id": 7, "name": "vip", "color": "#ff0000",
                                                               "order": 1}]}
BODIES = {
    "/api/1/tickets/": json.dumps({"count": 2, "next": None, "previous": None, "results": [TICKET, TICKET]}).encode(),
    "/api/1/contacts/1234/": json.dumps(CONTACT).encode(),
    "/api/1/contacts/sync/": json.dumps({k: CONTACT[k] for k in ("id", "phone", "first_name", "last_name", "email",
                                                                 "language", "has_invalid_phone",
                                                                 "chat_link")}).encode(),
}
HEADERS = {"content-type": "application/json"}


def handler(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=BODIES[request.url.path], headers=HEADERS)


def cases(raw: httpx.Client, client: Client) -> list[tuple[str, Callable[[], Any], Callable[[], Any]]]:
    ticket_params = {"status": "OPEN", "per_page": 20, "order": "desc"}
    contact = {"phone": "+393331234567", "first_name": "Maria", "email": "maria.rossi@example.com"}
    return [
        ("list (SPOKI_LIST_TICKETS, 3 query params)",
         lambda: raw.get(f"{BASE}/tickets/", params=ticket_params).json(),
         lambda: run_action("SPOKI_LIST_TICKETS", ticket_params, client=client)),
        ("retrieve (SPOKI_RETRIEVE_CONTACT)",
         lambda: raw.get(f"{BASE}/contacts/1234/").json(),
         lambda: run_action("SPOKI_RETRIEVE_CONTACT", {"contact_id": 1234}, client=client)),
        ("body POST (SPOKI_CREATE_OR_UPDATE_CONTACT)",
         lambda: raw.post(f"{BASE}/contacts/sync/", json=contact).json(),
         lambda: run_action("SPOKI_CREATE_OR_UPDATE_CONTACT", contact, client=client)),
    ]


def timed(fn: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=2000, help="calls per batch (default 2000)")
    parser.add_argument("--rounds", type=int, default=15, help="rounds, each raw then runtime (default 15)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also print the top N functions of run_action under cProfile (tottime)")
    args = parser.parse_args(argv)
    transport = httpx.MockTransport(handler)
    raw = httpx.Client(transport=transport, headers={"X-Spoki-Api-Key": KEY})
    client = Client(api_key=KEY, transport=transport, sleep=lambda seconds: None)
    rows = []
    for label, raw_call, our_call in cases(raw, client):
        envelope = our_call()
        assert envelope["successful"], envelope
        assert raw_call() == envelope["data"]
        for _ in range(200):  # warm both paths
            raw_call()
            our_call()
        raw_times, our_times = [], []
        for _ in range(args.rounds):
            raw_times.append(timed(raw_call, args.calls))
            our_times.append(timed(our_call, args.calls))
        raw_us, our_us = statistics.median(raw_times), statistics.median(our_times)
        ratios = sorted(o / r for o, r in zip(our_times, raw_times, strict=True))
        rows.append((label, raw_us, our_us, our_us / raw_us, ratios[0], ratios[-1]))
    profile = profiled([our for _, _, our in cases(raw, client)], args.calls, args.profile) if args.profile else ""
    client.close()
    raw.close()
    print(f"run_action vs raw httpx.Client through the same MockTransport "
          f"({args.rounds} rounds x {args.calls} calls, medians)")
    print(f"{'case':<45} {'raw µs':>8} {'run_action µs':>14} {'ratio':>7} {'min..max ratio':>15}")
    for label, raw_us, our_us, ratio, low, high in rows:
        print(f"{label:<45} {raw_us:8.1f} {our_us:14.1f} {ratio:7.2f} {low:7.2f}..{high:<6.2f}")
    print("target: ratio <= 0.55 (issue 10: kept whatever the transport change; the first goal was <= 1.15)")
    if profile:
        print(profile, end="")
    return 0


def profiled(calls: list[Callable[[], Any]], rounds: int, top: int) -> str:
    """The top of a cProfile (tottime) of `rounds` x every call, with the function calls per call."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(rounds):
        for call in calls:
            call()
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    per_call = stats.total_calls / (rounds * len(calls))  # type: ignore[attr-defined]
    out.write(f"\ncProfile of run_action, {rounds} x the {len(calls)} cases: {per_call:.0f} function calls per call\n")
    stats.sort_stats("tottime").print_stats(top)
    return "\n".join(line for line in out.getvalue().splitlines() if line.strip()) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
