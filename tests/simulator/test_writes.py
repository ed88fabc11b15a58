"""Writes: contacts/sync/ upsert semantics and the custom-field rules from the reference."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

RESERVED = ["FIRST_NAME", "LAST_NAME", "EMAIL", "PHONE", "ACCOUNT_NAME", "LANGUAGE"]


def sync(api: httpx.Client, **body: Any) -> httpx.Response:
    return api.post("contacts/sync/", json=body)


# --- contacts/sync/ -------------------------------------------------------------------------------------

def test_sync_creates_a_new_contact_with_200(api: httpx.Client) -> None:
    before = api.get("contacts/").json()["count"]
    response = sync(api, phone="+393401234567", first_name="Ada", last_name="Lovelace", email="ada@example.com",
                    language="en")
    assert response.status_code == 200
    contact = response.json()
    assert {k: contact[k] for k in ("phone", "first_name", "last_name", "email", "language")} == {
        "phone": "+393401234567", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
        "language": "en"}
    assert api.get("contacts/").json()["count"] == before + 1
    assert api.get(f"contacts/{contact['id']}/").json() == contact
    assert [c["id"] for c in api.get("contacts/", params={"phone": "+393401234567"}).json()["results"]] == [
        contact["id"]]


def test_sync_is_idempotent_by_phone(api: httpx.Client) -> None:
    first = sync(api, phone="+393401234567", first_name="Ada").json()
    second = sync(api, phone="+393401234567", first_name="Ada").json()
    assert first["id"] == second["id"]
    assert api.get("contacts/", params={"phone": "+393401234567"}).json()["count"] == 1


def test_sync_updates_only_the_fields_sent(api: httpx.Client) -> None:
    existing = api.get("contacts/", params={"page_size": 1}).json()["results"][0]
    response = sync(api, phone=existing["phone"], first_name="Renamed")
    assert response.status_code == 200
    updated = response.json()
    assert updated["id"] == existing["id"]
    assert updated["first_name"] == "Renamed"
    untouched = ("last_name", "email", "language", "tag_set", "list_set", "contactfield_set", "created_datetime")
    assert {k: updated[k] for k in untouched} == {k: existing[k] for k in untouched}
    assert api.get(f"contacts/{existing['id']}/").json() == updated


def test_sync_null_leaves_a_field_untouched(api: httpx.Client) -> None:
    existing = api.get("contacts/1/").json()
    updated = sync(api, phone=existing["phone"], first_name=None, last_name="Neu").json()
    assert updated["first_name"] == existing["first_name"]
    assert updated["last_name"] == "Neu"


def test_sync_custom_fields_by_code(api: httpx.Client) -> None:
    existing = api.get("contacts/1/").json()
    before = {v["visual_code"]: v for v in existing["contactfield_set"]}
    updated = sync(api, phone=existing["phone"], custom_fields={"CITY": "Bologna", "BIRTHDAY": "1991-07-14"}).json()
    values = {v["visual_code"]: v for v in updated["contactfield_set"]}
    assert values["%%CITY%%"]["value"] == "Bologna"
    assert values["%%CITY%%"]["value_datetime"] is None
    assert values["%%BIRTHDAY%%"]["value"] == "1991-07-14"
    assert values["%%BIRTHDAY%%"]["value_datetime"].startswith("1991-07-14T00:00:00")
    fields = {f["code"]: f["id"] for f in api.get("custom-fields/").json()["results"]}
    assert values["%%CITY%%"]["field"] == fields["CITY"]
    for code, value in before.items():  # the other values stay
        if code not in ("%%CITY%%", "%%BIRTHDAY%%"):
            assert values[code] == value


@pytest.mark.parametrize("phone", ["393401234567", "+39 340 123 4567", "0039340123456", "+0123456789", "+39abc",
                                   "", "+12", "+1234567890123456"])
def test_sync_refuses_non_e164_phones(api: httpx.Client, phone: str) -> None:
    response = sync(api, phone=phone, first_name="X")
    assert response.status_code == 400
    assert list(response.json()) == ["phone"]
    assert api.get("contacts/").json()["count"] == 300


def test_sync_requires_a_phone_and_checks_types(api: httpx.Client) -> None:
    missing = sync(api, first_name="X")
    assert missing.status_code == 400
    assert missing.json() == {"phone": ["This field is required."]}
    wrong = sync(api, phone=393401234567, email="not-an-email", first_name=5,
                 custom_fields={"NOPE": "x", "CITY": 3})
    assert wrong.status_code == 400
    body = wrong.json()
    assert set(body) == {"phone", "email", "first_name", "custom_fields"}
    assert len(body["custom_fields"]) == 2


# --- custom fields --------------------------------------------------------------------------------------

def new_field(**changes: Any) -> dict[str, Any]:
    return {"code": "ORDER_ID", "label": "Order id", "example": "A-1001", "field_type": 1, **changes}


def test_create_custom_field_returns_201_with_the_field(api: httpx.Client) -> None:
    response = api.post("custom-fields/", json=new_field())
    assert response.status_code == 201
    created = response.json()
    assert {k: v for k, v in created.items() if k != "id"} == {"code": "ORDER_ID", "label": "Order id",
                                                               "example": "A-1001", "field_type": 1}
    assert api.get(f"custom-fields/{created['id']}/").json() == created
    assert api.get("custom-fields/").json()["count"] == 7


@pytest.mark.parametrize("code", ["_TARGA_", "_MARCA_E_MODELLO_", "_ORDER", "ORDER_", "ORDER__ID", "A1"])
def test_custom_field_codes_seen_in_real_accounts_are_accepted(api: httpx.Client, code: str) -> None:
    # underscores lead and trail in real accounts; the code pattern is the spec's (^_*[A-Z][A-Z0-9_]*$)
    response = api.post("custom-fields/", json=new_field(code=code, label=f"Label of {code}"))
    assert response.status_code == 201, response.text
    assert response.json()["code"] == code


@pytest.mark.parametrize("code", ["order_id", "Order_Id", "ORDER-ID", "1ORDER", "ORDER ID", "_", "_1A", "ORDER\n"])
def test_custom_field_code_must_be_upper_snake(api: httpx.Client, code: str) -> None:
    response = api.post("custom-fields/", json=new_field(code=code))
    assert response.status_code == 400
    assert list(response.json()) == ["code"]


@pytest.mark.parametrize("code", RESERVED)
def test_reserved_codes_are_refused(api: httpx.Client, code: str) -> None:
    response = api.post("custom-fields/", json=new_field(code=code, label=f"My {code.lower()}"))
    assert response.status_code == 400
    assert list(response.json()) == ["code"]


def test_reserved_labels_are_refused(api: httpx.Client) -> None:
    response = api.post("custom-fields/", json=new_field(label="First name"))
    assert response.status_code == 400
    assert list(response.json()) == ["label"]


def test_codes_and_labels_are_unique(api: httpx.Client) -> None:
    assert api.post("custom-fields/", json=new_field()).status_code == 201
    same_code = api.post("custom-fields/", json=new_field(label="Another label"))
    assert same_code.status_code == 400
    assert same_code.json() == {"code": ["custom field with this code already exists."]}
    same_label = api.post("custom-fields/", json=new_field(code="ANOTHER_CODE"))
    assert same_label.status_code == 400
    assert same_label.json() == {"label": ["custom field with this label already exists."]}
    seeded = api.post("custom-fields/", json=new_field(code="WEBSITE", label="Website"))
    assert set(seeded.json()) == {"code", "label"}


@pytest.mark.parametrize("field_type", [0, 4, "TEXT", None, True, 1.5])
def test_field_type_must_be_1_2_or_3(api: httpx.Client, field_type: Any) -> None:
    response = api.post("custom-fields/", json=new_field(field_type=field_type))
    assert response.status_code == 400
    assert list(response.json()) == ["field_type"]


@pytest.mark.parametrize("field_type", [1, 2, 3])
def test_each_field_type_is_accepted(api: httpx.Client, field_type: int) -> None:
    response = api.post("custom-fields/", json=new_field(field_type=field_type))
    assert response.status_code == 201
    assert response.json()["field_type"] == field_type


def test_patch_changes_only_the_label(api: httpx.Client) -> None:
    response = api.patch("custom-fields/3/", json={"label": "Town"})
    assert response.status_code == 200
    assert response.json() == {"id": 3, "code": "CITY", "label": "Town", "example": "Milano", "field_type": 1}
    assert api.get("custom-fields/3/").json()["label"] == "Town"


@pytest.mark.parametrize("body", [{"code": "TOWN"}, {"field_type": 2}, {"example": "x"},
                                  {"label": "Town", "code": "CITY"}])
def test_patch_refuses_every_key_but_label(api: httpx.Client, body: dict[str, Any]) -> None:
    response = api.patch("custom-fields/3/", json=body)
    assert response.status_code == 400
    assert set(response.json()) == set(body) - {"label"}
    assert api.get("custom-fields/3/").json()["label"] == "City"


def test_patch_label_must_stay_unique_and_unreserved(api: httpx.Client) -> None:
    assert api.patch("custom-fields/3/", json={"label": "Company"}).status_code == 400
    assert api.patch("custom-fields/3/", json={"label": "Email"}).status_code == 400
    assert api.patch("custom-fields/3/", json={"label": "City"}).status_code == 200  # its own label is fine
    assert api.patch("custom-fields/99/", json={"label": "Nope"}).status_code == 404


def test_custom_fields_list_is_a_drf_page(api: httpx.Client) -> None:
    page = api.get("custom-fields/").json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert [f["code"] for f in page["results"]] == ["WEBSITE", "COMPANY", "CITY", "LOYALTY_TIER", "BIRTHDAY",
                                                    "LAST_ORDER_AT"]
