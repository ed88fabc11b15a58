"""`make demo`: a realistic session against the local Spoki simulator, end to end over loopback HTTP.

Starts the simulator on a free port, then runs a CRM-style scenario through `run_action` and the
generated typed bindings: upsert contacts, list and filter them, create and rename a custom field,
walk open tickets page by page, read an account's report (the second read comes from the cache),
and show the envelope of a bad input. Stops the simulator and exits 0 only if every step behaved.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from spoki_actions import ActionFailed, Client, run_action
from spoki_actions.generated.actions import (
    create_custom_field_or_raise,
    create_or_update_contact,
    create_or_update_contact_or_raise,
    list_contacts_or_raise,
    list_tickets_or_raise,
    update_custom_field_or_raise,
)
from spoki_actions.generated.models import FieldType
from spoki_actions.simulator.config import SimulatorConfig
from spoki_actions.simulator.server import SimulatorServer

FAILURES: list[str] = []


def step(title: str) -> None:
    print(f"\n== {title}")


def check(ok: bool, what: str) -> None:
    print(f"   {'ok ' if ok else 'FAIL'} {what}")
    if not ok:
        FAILURES.append(what)


def show(value: Any, limit: int = 300) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def main() -> int:
    started = time.perf_counter()
    with SimulatorServer(SimulatorConfig(seed=42)) as server:
        print(f"Spoki simulator running at {server.base_url} (seed 42)")
        with Client(api_key=server.api_key, base_url=server.base_url) as client:
            scenario(client)
    print(f"\nSimulator stopped. {len(FAILURES)} failed checks; {time.perf_counter() - started:.1f} s in all.")
    for failure in FAILURES:
        print(f"  FAILED: {failure}")
    return 1 if FAILURES else 0


def scenario(client: Client) -> None:
    step("1. Upsert three contacts (typed binding, raising variant: create_or_update_contact_or_raise)")
    people = [("+393331000001", "Giulia", "Bianchi"), ("+393331000002", "Marco", "Verdi"),
              ("+393331000003", "Sofia", "Ricci")]
    ids: list[int] = []
    for phone, first, last in people:
        contact = create_or_update_contact_or_raise(phone=phone, first_name=first, last_name=last, language="it",
                                                    client=client)
        check(contact.first_name == first, f"upsert {first} {last} -> contact #{contact.id}")
        ids.append(contact.id)
    # the envelope form, unwrapped: the same typed data, or the classified error raised
    again = create_or_update_contact(phone="+393331000001", email="giulia@example.com", client=client).unwrap()
    check(again.id == ids[0] and again.last_name == "Bianchi",
          f"upsert by the same phone updates contact #{ids[0]}, leaving last_name untouched")

    step("2. List and filter contacts (run_action by name)")
    found = run_action("SPOKI_LIST_CONTACTS", {"search": "Bianchi"}, client=client)
    names = [f"{c['first_name']} {c['last_name']}" for c in found["data"].get("results", [])]
    check(found["successful"], f"search 'Bianchi': {found['data'].get('count')} match(es): {names[:5]}")
    exact = list_contacts_or_raise(phone="+393331000002", client=client)
    check(exact.count == 1, "exact phone filter finds Marco Verdi")

    step("3. Create and rename a custom field")
    created = create_custom_field_or_raise(code="LOYALTY_TIER_DEMO", label="Loyalty tier (demo)", example="Gold",
                                           field_type=FieldType.TEXT, client=client)
    check(created.code == "LOYALTY_TIER_DEMO",
          f"created custom field #{created.id}: {show(created.model_dump(mode='json'))}")
    renamed = update_custom_field_or_raise(custom_field_id=created.id, label="Loyalty level (demo)", client=client)
    check(renamed.label == "Loyalty level (demo)", f"renamed to {renamed.label!r}")
    listed = run_action("SPOKI_SPOKI_LIST_CUSTOM_FIELDS", {"code": "loyalty"}, client=client)
    check(listed["successful"], f"custom fields whose code contains 'loyalty': "
          f"{[f['code'] for f in listed['data'].get('custom_fields', [])]}")

    step("4. Open tickets, page by page (typed binding: list_tickets)")
    page, seen = 1, 0
    while True:
        try:
            tickets = list_tickets_or_raise(status="OPEN", per_page=5, page=page, order="desc", client=client)
        except ActionFailed as exc:  # a subclass per kind: AuthError, RateLimitedError, TransportError...
            check(False, f"page {page}: {exc.kind}: {exc}")
            return
        seen += len(tickets.results)
        print(f"   page {page}: " + ", ".join(f"#{t.id} {t.title[:28]!r}" for t in tickets.results))
        if tickets.next is None:
            break
        page += 1
    check(seen == tickets.count, f"{seen} open tickets over {page} pages")

    step("5. An account's current report (cached by the client for 30 minutes)")
    report = client.execute("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1})
    second = client.execute("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1})
    check(report.successful, f"report: {show(report.data, 200)}")
    check(second.from_cache and second.attempts == 0, "second read answered from the cache, no request sent")

    step("6. A bad input gets an honest error envelope (no request is sent)")
    bad = run_action("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "3331234567", "email": "not-an-email"},
                     client=client)
    print("   " + show(bad, 400))
    check(bad["successful"] is False and "phone" in (bad["error"] or ""), "rejected, naming the fields")
    unknown = run_action("SPOKI_LIST_TICKET", client=client)
    print("   " + show(unknown, 400))
    check(unknown["successful"] is False, "unknown action name, with the closest names suggested")


if __name__ == "__main__":
    sys.exit(main())
