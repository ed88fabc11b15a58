"""Every resource the simulator serves has exactly the fields and types of the reference's shapes.yaml.

The expected shapes below are transcribed from tests/fixtures/spoki-api/shapes.yaml (resources section),
not from specs/, so the simulator and the specs are checked against the reference independently.
"""

from __future__ import annotations

import argparse
import re
from datetime import datetime
from typing import Any

import httpx
import pytest

from spoki_actions.simulator import SimulatorServer

USER = {"email": "email", "firstname": "string", "id": "integer", "image": "uri|null", "is_service": "boolean",
        "surname": "string", "uid": "string"}
TAG = {"color": "string", "id": "integer", "name": "string", "order": "integer"}
CONTACT_LIST = {"color": "string|null", "contacts_count": "integer", "created_datetime": "date-time",
                "id": "integer", "name": "string"}
FIELD_VALUE = {"field": "integer", "id": "integer", "value": "string", "value_datetime": "date-time|null",
               "visual_code": "string"}
CONTACT_CORE = {"chat_link": "uri", "email": "email|null", "first_name": "string", "has_invalid_phone": "boolean",
                "id": "integer", "language": "string", "last_name": "string", "phone": "e164"}
CONTACT = {**CONTACT_CORE, "contactfield_set": [FIELD_VALUE], "created_datetime": "date-time",
           "list_set": [CONTACT_LIST], "tag_set": [TAG]}
TICKET = {
    "closed_datetime": "date-time|null",
    "contact": {**CONTACT_CORE, "role_set": [{"id": "integer", "role": "string", "user": USER}]},
    "created_datetime": "date-time", "description": "string|null", "id": "integer", "owner": USER,
    "priority": "string", "reference": "string|null", "status": "string", "title": "string",
    "updated_datetime": "date-time",
}
COMPONENT = {"component_type": "string", "format": "string|null", "text": "string"}
BUTTON = {"button_type": "string", "order": "integer", "phone_number": "string|null", "text": "string",
          "url": "uri|null"}
LOCALIZATION = {"body": COMPONENT, "button_set": [BUTTON], "footer": (COMPONENT, None),
                "header": (COMPONENT, None), "language": "string", "rejection_reason": "string|null",
                "status": "string"}
TEMPLATE_BASE = {"category": "string", "customfield_set": ["string"], "id": "integer", "is_approved": "boolean",
                 "is_favorite": "boolean", "name": "string"}
TEMPLATE_DETAIL = {**TEMPLATE_BASE, "templatelocalization_set": [
    {**LOCALIZATION, "default_header_media": ({"filename": "string", "url": "uri"}, None)}]}
TEMPLATE_LIST_ITEM = {**TEMPLATE_BASE, "templatelocalization_set": [
    {**LOCALIZATION, "default_header_media": "uri|null"}]}
WEBHOOK = {"is_active": "boolean", "link": "uri", "secret": "string", "uuid": "uuid"}
AUTOMATION = {"created_datetime": "date-time", "first_message_text": "string|null", "id": "integer",
              "is_active": "boolean", "name": "string", "updated_datetime": "date-time", "webhook_set": [WEBHOOK]}
CAMPAIGN = {
    "automation": {"id": "integer", "name": "string"}, "automation_completed": "integer",
    "automation_failed": "integer", "automation_interacted_with": "integer", "automation_started": "integer",
    "automation_valid_failed": "integer", "contacts_count": "integer", "created_datetime": "date-time",
    "id": "integer", "lists": [CONTACT_LIST], "messages_failed": "integer", "messages_read": "integer",
    "messages_received": "integer", "messages_sent": "integer", "name": "string", "other_contacts": ["integer"],
    "scheduled_datetime": "date-time", "status": "string",
}
CUSTOM_FIELD = {"code": "string", "example": "string", "field_type": "field_type", "id": "integer",
                "label": "string"}
ACCOUNT = {
    "account_type": "integer", "contacted_in_24h": "integer", "contacted_in_7d": "integer",
    "country_code": "string", "current_credit": "integer", "daily_limit": "integer",
    "default_country_code": "string", "default_language": "string", "default_prefix": "string",
    "default_pricing_delta": "number", "estimated_available_conversations": "integer",
    "has_low_credit_alert": "boolean", "has_official_verification": "boolean", "id": "integer",
    "is_active": "boolean", "low_credit_threshold": "number", "name": "string", "phone": "string",
    "phone_status": "string", "quality_reasons": "string|null", "quality_score": "number", "status": "string",
    "timezone": "string",
}
REPORT = {"account": "integer|null", "period_start": "date|null", **{name: "integer|null" for name in (
    "contacted_contacts", "conversation_count", "delivered_message_count", "exchanged_messages",
    "free_message_count", "incoming_message_count", "read_message_count", "sent_message_count",
    "template_message_count")}}
AGENCY = {"account": "integer", "id": "integer"}

UUID4 = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
_SCALARS: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "date-time": lambda v: isinstance(v, str) and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", v)
    and datetime.fromisoformat(v) is not None,
    "date": lambda v: isinstance(v, str) and re.match(r"^\d{4}-\d\d-\d\d$", v),
    "e164": lambda v: isinstance(v, str) and re.match(r"^\+[1-9]\d{6,14}$", v),
    "uri": lambda v: isinstance(v, str) and re.match(r"^https?://", v),
    "email": lambda v: isinstance(v, str) and re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", v),
    "uuid": lambda v: isinstance(v, str) and re.match(UUID4, v),
    "field_type": lambda v: v in (1, 2, 3),
}


def conform(value: Any, shape: Any, path: str = "$") -> list[str]:
    """Problems of `value` against `shape` (dict: exact keys; [x]: list of x; tuple: any of; str: scalar)."""
    if isinstance(shape, tuple):
        attempts = [conform(value, option, path) if option is not None else ([] if value is None else ["x"])
                    for option in shape]
        return [] if any(not a for a in attempts) else [f"{path}: {value!r} matches none of the variants"]
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{path}: expected object, got {value!r}"]
        problems = []
        if set(value) != set(shape):
            problems.append(f"{path}: keys differ: extra {sorted(set(value) - set(shape))}, "
                            f"missing {sorted(set(shape) - set(value))}")
        for key in set(value) & set(shape):
            problems += conform(value[key], shape[key], f"{path}.{key}")
        return problems
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{path}: expected array, got {value!r}"]
        return [p for i, item in enumerate(value) for p in conform(item, shape[0], f"{path}[{i}]")]
    base, _, nullable = shape.partition("|")
    if value is None:
        return [] if nullable == "null" else [f"{path}: null but not nullable"]
    return [] if _SCALARS[base](value) else [f"{path}: {value!r} is not {base}"]


def every_page(api: httpx.Client, path: str) -> list[Any]:
    url: str | None = path + ("&" if "?" in path else "?") + "page_size=100"
    results: list[Any] = []
    while url:
        page = api.get(url).raise_for_status().json()
        assert set(page) == {"count", "next", "previous", "results"}
        results += page["results"]
        url = page["next"]
    return results


@pytest.mark.parametrize(
    ("path", "shape"),
    [
        ("contacts/", CONTACT),
        ("tags/", TAG),
        ("tickets/", TICKET),
        ("templates/", TEMPLATE_LIST_ITEM),
        ("automations/", AUTOMATION),
        ("campaigns/", CAMPAIGN),
        ("custom-fields/", CUSTOM_FIELD),
        ("agencies/", AGENCY),
    ],
)
def test_every_listed_item_has_the_reference_shape(api: httpx.Client, path: str, shape: Any) -> None:
    items = every_page(api, path)
    assert items, path
    problems = [p for item in items for p in conform(item, shape)]
    assert problems == []


@pytest.mark.parametrize(
    ("collection", "detail_path", "shape"),
    [
        ("contacts/", "contacts/{id}/", CONTACT),
        ("tags/", "tags/{id}/", TAG),
        ("templates/", "templates/{id}/", TEMPLATE_DETAIL),
        ("automations/", "automations/{id}/", AUTOMATION),
        ("custom-fields/", "custom-fields/{id}/", CUSTOM_FIELD),
    ],
)
def test_single_resources_are_bare_objects_with_the_reference_shape(
    api: httpx.Client, collection: str, detail_path: str, shape: Any
) -> None:
    for item in every_page(api, collection):
        response = api.get(detail_path.format(id=item["id"]))
        assert response.status_code == 200
        assert conform(response.json(), shape) == []


def test_accounts_and_reports_have_the_reference_shape(api: httpx.Client) -> None:
    for account_id in range(1, 6):
        assert conform(api.get(f"accounts/{account_id}/").json(), ACCOUNT) == []
        report = api.get(f"accounts/{account_id}/current_report/").json()
        assert conform(report, REPORT) == []
        assert report["account"] == account_id
        assert report["period_start"].endswith("-01")


def test_nullable_fields_really_occur_as_null_and_as_values(api: httpx.Client) -> None:
    contacts = every_page(api, "contacts/")
    tickets = every_page(api, "tickets/")
    templates = every_page(api, "templates/")
    assert {c["email"] is None for c in contacts} == {True, False}
    assert {t["closed_datetime"] is None for t in tickets} == {True, False}
    assert {t["reference"] is None for t in tickets} == {True, False}
    localizations = [loc for t in templates for loc in t["templatelocalization_set"]]
    assert {loc["header"] is None for loc in localizations} == {True, False}
    assert {loc["default_header_media"] is None for loc in localizations} == {True, False}


def test_the_conformance_check_itself_rejects_wrong_shapes() -> None:
    assert conform({"color": "#fff", "id": 1, "name": "x"}, TAG) != []
    assert conform({"color": None, "id": 1, "name": "x", "order": 0}, TAG) != []
    assert conform({"account": "1", "id": 1}, AGENCY) != []
    assert conform({"account": 1, "id": 1}, AGENCY) == []


def test_money_is_thousandths_of_a_euro_as_an_integer(sim: SimulatorServer, api: httpx.Client) -> None:
    assert isinstance(api.get("accounts/1/").json()["current_credit"], int)


# --- bare-array lists (agencies/ and custom-fields/ are seen both ways from the live API) ---------------

def test_bare_lists_switch_answers_agencies_and_custom_fields_as_arrays(sim: SimulatorServer,
                                                                        api: httpx.Client) -> None:
    paged_agencies = api.get("agencies/", params={"page_size": 100}).json()["results"]
    paged_fields = api.get("custom-fields/", params={"search": "a"}).json()["results"]
    control = sim.control_url + "/bare-lists/"
    headers = {"X-Spoki-Api-Key": sim.api_key}
    assert httpx.get(control, headers=headers).json() == {"bare_lists": False}
    assert httpx.post(control, json={"bare_lists": True}, headers=headers).json() == {"bare_lists": True}
    assert api.get("agencies/").json() == paged_agencies  # every agency, no page
    assert api.get("custom-fields/", params={"search": "a"}).json() == paged_fields  # filters still apply
    assert set(api.get("tags/").json()) == {"count", "next", "previous", "results"}  # other lists stay pages
    assert httpx.post(control, json={"bare_lists": "yes"}, headers=headers).status_code == 400
    sim.reset()  # back to the configured shape
    assert "results" in api.get("agencies/").json()


def test_bare_lists_from_config_and_flag(spoki_simulator_factory: Any) -> None:
    from spoki_actions.simulator.cli import config_from_args, configure

    parser = argparse.ArgumentParser()
    configure(parser)
    assert config_from_args(parser.parse_args(["--bare-lists"])).bare_lists is True
    assert config_from_args(parser.parse_args([])).bare_lists is False
    server = spoki_simulator_factory(bare_lists=True)
    answer = httpx.get(server.base_url + "/custom-fields/", headers={"X-Spoki-Api-Key": server.api_key})
    assert isinstance(answer.json(), list) and len(answer.json()) == 6
