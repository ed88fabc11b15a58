"""Adding an action is one YAML file plus `generate`: the 23rd action, end to end, in a temp copy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from spoki_actions import Client, run_action

from .conftest import SPECS, copy_specs, import_generated

NEW_ACTION = """\
# yaml-language-server: $schema=../../runtime/meta/action.schema.json
name: SPOKI_RETRIEVE_TICKET
title: Retrieve ticket
group: tickets
description: >-
  Retrieves one support ticket by its id, with its contact and owner.
request:
  method: GET
  path: tickets/{id}/
params:
  ticket_id:
    type: integer
    minimum: 1
    required: true
    in: path
    wire_name: id
    description: Id of the ticket.
    example: 42
response:
  output:
    $ref: ../_shared/ticket.yaml
behaviour:
  safety: read
  rate_limit: tickets
"""


def test_a_23rd_action_is_one_yaml_file_and_generate(tmp_path: Path) -> None:
    specs = copy_specs(SPECS, tmp_path / "specs")
    before = len([p for p in specs.rglob("*.yaml") if not p.relative_to(specs).parts[0].startswith("_")])
    assert before == len([p for p in SPECS.glob("*/*.yaml") if not p.parent.name.startswith("_")])
    (specs / "tickets" / "retrieve_ticket.yaml").write_text(NEW_ACTION)
    out = tmp_path / "generated"
    done = subprocess.run([sys.executable, "-m", "spoki_actions.cli", "generate", "--specs", str(specs),
                           "--out", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    index = json.loads((out / "schemas" / "index.json").read_bytes())
    assert len(index["actions"]) == before + 1
    assert (out / "docs" / "tickets" / "retrieve_ticket.md").is_file()
    assert (out / "schemas" / "retrieve_ticket.output.json").is_file()

    owner = {"id": 5, "uid": "u5", "email": "ops@example.com", "firstname": "Ada", "surname": "L", "is_service": False}
    contact = {"id": 9, "phone": "+393331234567", "first_name": "Maria", "last_name": "Rossi", "language": "it",
               "has_invalid_phone": False, "chat_link": "https://app.spoki.test/chat/9", "role_set": []}
    ticket = {"id": 42, "title": "Help", "status": "Open", "priority": "Low", "contact": contact, "owner": owner,
              "created_datetime": "2024-05-01T10:00:00Z", "updated_datetime": "2024-05-01T10:00:00Z",
              "sla": "kept"}
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=ticket)

    generated = import_generated(out)
    with Client(api_key="k", base_url="https://api.spoki.test/api/1", transport=httpx.MockTransport(handler),
                catalogue=generated.catalogue, pace=False, cache=False) as client:
        by_name = run_action("SPOKI_RETRIEVE_TICKET", {"ticket_id": 42}, client=client)
        typed = generated.actions.retrieve_ticket(ticket_id=42, client=client)
    assert [r.url.path for r in seen] == ["/api/1/tickets/42/", "/api/1/tickets/42/"]
    assert by_name["data"] == ticket
    assert isinstance(typed.data, generated.models.Ticket) and typed.data.owner.firstname == "Ada"
    assert typed.model_dump(mode="json", by_alias=True, exclude_unset=True)["data"] == by_name["data"]
    assert typed.successful == by_name["successful"]
    assert "Retrieves one support ticket by its id" in (generated.actions.retrieve_ticket.__doc__ or "")
    assert "retrieve_ticket" in generated.actions.__all__ and "retrieve_ticket" in generated.aio.__all__
