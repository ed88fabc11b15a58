"""Every list filter the reference names, checked against the unfiltered data fetched from the server."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest


def everything(api: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    size = "per_page" if path.startswith("tickets") else "page_size"
    results: list[dict[str, Any]] = []
    url: str | None = path
    query: dict[str, Any] | None = {**params, size: 100}
    while url:
        response = api.get(url, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        results += page["results"]
        url, query = page["next"], None
    return results


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for item in items]


# --- contacts -------------------------------------------------------------------------------------------

def test_contacts_exact_filters(api: httpx.Client) -> None:
    contacts = everything(api, "contacts/")
    sample = next(c for c in contacts if c["email"])
    for name in ("email", "phone", "first_name", "last_name", "language"):
        expected = [c["id"] for c in contacts if c[name] == sample[name]]
        got = ids(everything(api, "contacts/", **{name: sample[name]}))
        assert got == expected, name
        assert sample["id"] in got
    assert ids(everything(api, "contacts/", first_name=sample["first_name"], language=sample["language"])) == [
        c["id"] for c in contacts if c["first_name"] == sample["first_name"] and c["language"] == sample["language"]
    ]


def test_contacts_phone_without_plus_matches_nothing(api: httpx.Client) -> None:
    phone = everything(api, "contacts/")[0]["phone"]
    assert len(everything(api, "contacts/", phone=phone)) == 1
    assert everything(api, "contacts/", phone=phone.lstrip("+")) == []


def test_contacts_email_is_exact_not_contains(api: httpx.Client) -> None:
    email = next(c["email"] for c in everything(api, "contacts/") if c["email"])
    assert everything(api, "contacts/", email=email[1:]) == []


def test_contacts_tag_filter_by_id(api: httpx.Client) -> None:
    contacts = everything(api, "contacts/")
    for tag_id in (1, 5, 12):
        expected = [c["id"] for c in contacts if tag_id in [t["id"] for t in c["tag_set"]]]
        assert expected
        assert ids(everything(api, "contacts/", tag=tag_id)) == expected
    assert everything(api, "contacts/", tag=999) == []
    bad = api.get("contacts/", params={"tag": "vip"})
    assert bad.status_code == 400
    assert list(bad.json()) == ["tag"]


def test_contacts_is_blocked_boolean(api: httpx.Client) -> None:
    blocked = ids(everything(api, "contacts/", is_blocked="true"))
    unblocked = ids(everything(api, "contacts/", is_blocked="false"))
    assert blocked and unblocked
    assert sorted(blocked + unblocked) == list(range(1, 301))
    assert ids(everything(api, "contacts/", is_blocked="True")) == blocked
    bad = api.get("contacts/", params={"is_blocked": "maybe"})
    assert bad.status_code == 400
    assert list(bad.json()) == ["is_blocked"]


def test_contacts_search_covers_phone_email_names_and_language(api: httpx.Client) -> None:
    contacts = everything(api, "contacts/")
    target = next(c for c in contacts if c["email"])
    assert target["id"] in ids(everything(api, "contacts/", search=target["phone"][3:9]))
    assert target["id"] in ids(everything(api, "contacts/", search=target["email"].split("@")[0].upper()))
    by_last = ids(everything(api, "contacts/", search=target["last_name"].lower()))
    visible = ("phone", "email", "first_name", "last_name", "language")  # notes hold no surnames in the seed
    assert by_last == [c["id"] for c in contacts
                       if any(target["last_name"].lower() in str(c[k]).lower() for k in visible)]
    assert target["id"] in by_last
    # several terms must all match (DRF SearchFilter)
    both = ids(everything(api, "contacts/", search=f"{target['first_name']} {target['last_name']}"))
    assert target["id"] in both
    assert all(c in by_last for c in both)
    assert everything(api, "contacts/", search="zzzz-no-such-contact") == []


# --- automations ----------------------------------------------------------------------------------------

def test_automations_is_active(api: httpx.Client) -> None:
    all_items = everything(api, "automations/")
    active = everything(api, "automations/", is_active="true")
    assert ids(active) == [a["id"] for a in all_items if a["is_active"]]
    assert ids(everything(api, "automations/", is_active="false")) == [a["id"] for a in all_items if not a["is_active"]]


def test_automations_search_name_or_webhook_link(api: httpx.Client) -> None:
    all_items = everything(api, "automations/")
    assert ids(everything(api, "automations/", search="cart recovery")) == [
        a["id"] for a in all_items if "cart recovery" in a["name"].lower()]
    hooked = next(a for a in all_items if a["webhook_set"])
    fragment = hooked["webhook_set"][0]["link"].rstrip("/").rsplit("/", 1)[-1]
    assert ids(everything(api, "automations/", search=fragment)) == [hooked["id"]]


def test_automations_webhook_platform(api: httpx.Client) -> None:
    platforms_seen = 0
    for platform in ("Shopify", "Zapier", "Qapla'", "HubSpot", "Active Campaign", "Api"):
        got = everything(api, "automations/", webhook_platform=platform)
        platforms_seen += bool(got)
        slug = platform.lower().replace(" ", "-").replace("'", "")
        assert all(any(f"/{slug}/" in h["link"] for h in a["webhook_set"]) for a in got)
    assert platforms_seen >= 4
    bad = api.get("automations/", params={"webhook_platform": "shopify"})  # choices are exact
    assert bad.status_code == 400
    assert list(bad.json()) == ["webhook_platform"]


# --- templates and custom fields -----------------------------------------------------------------------

def test_templates_search_id_name_and_text(api: httpx.Client) -> None:
    all_items = everything(api, "templates/")
    assert 12 in ids(everything(api, "templates/", search="12"))
    by_name = ids(everything(api, "templates/", search="shipping_update"))
    assert by_name == [t["id"] for t in all_items if "shipping_update" in t["name"]]
    by_text = ids(everything(api, "templates/", search="verification code"))
    assert by_text == [t["id"] for t in all_items
                       if any("verification" in loc["body"]["text"] and "code" in loc["body"]["text"]
                              for loc in t["templatelocalization_set"])]
    assert by_text


def test_custom_fields_search_label_or_code(api: httpx.Client) -> None:
    assert [f["code"] for f in everything(api, "custom-fields/", search="loyalty")] == ["LOYALTY_TIER"]
    assert [f["code"] for f in everything(api, "custom-fields/", search="order_at")] == ["LAST_ORDER_AT"]
    assert [f["code"] for f in everything(api, "custom-fields/", search="Birth")] == ["BIRTHDAY"]


# --- campaigns ------------------------------------------------------------------------------------------

def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(("gte", "lte"), [
    ("2024-06-01", "2025-03-01"),
    ("2024-06-01T12:00:00Z", "2025-03-01T00:00:00+01:00"),
    ("2024-06-01T12:00:00", None),
    (None, "2024-09-30"),
])
def test_campaigns_scheduled_range_accepts_dates_and_timestamps(api: httpx.Client, gte: str | None,
                                                                 lte: str | None) -> None:
    all_items = everything(api, "campaigns/")
    params = {k: v for k, v in (("scheduled_datetime_gte", gte), ("scheduled_datetime_lte", lte)) if v}

    def bound(text: str) -> datetime:
        value = datetime.fromisoformat(text if "T" in text else text + "T00:00:00")
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    expected = [c["id"] for c in all_items
                if (gte is None or _when(c["scheduled_datetime"]) >= bound(gte))
                and (lte is None or _when(c["scheduled_datetime"]) <= bound(lte))]
    got = ids(everything(api, "campaigns/", **params))
    assert got == expected
    assert 0 < len(got) < len(all_items)


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "2024-02-30", "01/02/2024"])
def test_campaigns_bad_dates_are_400_field_errors(api: httpx.Client, value: str) -> None:
    response = api.get("campaigns/", params={"scheduled_datetime_gte": value, "scheduled_datetime_lte": "nope"})
    assert response.status_code == 400
    assert response.json() == {"scheduled_datetime_gte": ["Enter a valid date/time."],
                               "scheduled_datetime_lte": ["Enter a valid date/time."]}


# --- tickets --------------------------------------------------------------------------------------------

def test_tickets_exist_in_every_status(api: httpx.Client) -> None:
    statuses = {t["status"] for t in everything(api, "tickets/")}
    assert statuses == {"Open", "In Progress", "Pending", "Closed"}


def test_tickets_use_the_priorities_seen_in_real_data(api: httpx.Client) -> None:
    priorities = {t["priority"] for t in everything(api, "tickets/")}
    assert priorities == {"Lowest", "Low", "Medium", "High", "Highest"}


@pytest.mark.parametrize(("query", "stored"), [("open", "Open"), ("OPEN", "Open"), ("In Progress", "In Progress"),
                                               ("IN_PROGRESS", "In Progress"), ("pending", "Pending"),
                                               ("Closed", "Closed")])
def test_tickets_status_is_case_insensitive(api: httpx.Client, query: str, stored: str) -> None:
    got = everything(api, "tickets/", status=query)
    assert got
    assert {t["status"] for t in got} == {stored}
    assert len(got) == sum(t["status"] == stored for t in everything(api, "tickets/"))


def test_tickets_unknown_status_matches_nothing(api: httpx.Client) -> None:
    assert everything(api, "tickets/", status="RESOLVED") == []


def test_closed_tickets_have_closed_datetime(api: httpx.Client) -> None:
    for ticket in everything(api, "tickets/"):
        assert (ticket["closed_datetime"] is not None) == (ticket["status"] == "Closed")


@pytest.mark.parametrize("field", ["created_datetime", "updated_datetime", "id", "title", "priority"])
def test_tickets_sort_by_and_order(api: httpx.Client, field: str) -> None:
    ascending = [t[field] for t in everything(api, "tickets/", sort_by=field, order="asc")]
    descending = [t[field] for t in everything(api, "tickets/", sort_by=field, order="desc")]
    assert ascending == sorted(ascending)
    assert descending == sorted(descending, reverse=True)
    assert len(ascending) == 60


def test_tickets_default_order_is_newest_first(api: httpx.Client) -> None:
    created = [t["created_datetime"] for t in everything(api, "tickets/")]
    assert created == sorted(created, reverse=True)


def test_tickets_nulls_sort_last_ascending(api: httpx.Client) -> None:
    closed = [t["closed_datetime"] for t in everything(api, "tickets/", sort_by="closed_datetime", order="asc")]
    first_null = closed.index(None)
    assert all(v is None for v in closed[first_null:])
    assert closed[:first_null] == sorted(closed[:first_null])


def test_tickets_bad_order_is_400(api: httpx.Client) -> None:
    response = api.get("tickets/", params={"order": "up", "sort_by": "password"})
    assert response.status_code == 400
    assert set(response.json()) == {"order"}


def test_tickets_unknown_sort_by_is_ignored(api: httpx.Client) -> None:
    # DRF's OrderingFilter drops fields it does not know; no source says Spoki answers 400
    default = [t["id"] for t in everything(api, "tickets/")]
    assert [t["id"] for t in everything(api, "tickets/", sort_by="password")] == default
    ascending = [t["created_datetime"] for t in everything(api, "tickets/", sort_by="nope", order="asc")]
    assert ascending == sorted(ascending)
