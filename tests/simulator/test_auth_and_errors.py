"""Authentication, the partner key, and the DRF error shapes: 401/403/404/405/400/415, 201 and 204."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from spoki_actions.simulator import SimulatorServer

EVERY_GET = ["accounts/1/", "accounts/1/current_report/", "agencies/", "automations/", "automations/1/",
             "campaigns/", "contacts/", "contacts/1/", "custom-fields/", "custom-fields/1/", "tags/", "tags/1/",
             "templates/", "templates/1/", "tickets/"]


@pytest.mark.parametrize("path", [*EVERY_GET, "partners/"])
def test_missing_key_is_401_with_detail(anon: httpx.Client, path: str) -> None:
    response = anon.get(path)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("path", EVERY_GET)
def test_wrong_key_is_401_and_right_key_is_200(
    client_with: Callable[..., httpx.Client], api: httpx.Client, path: str
) -> None:
    response = client_with("not-the-key").get(path)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid API key."}
    assert api.get(path).status_code == 200


def test_other_auth_headers_do_not_count(anon: httpx.Client, sim: SimulatorServer) -> None:
    response = anon.get("tags/", headers={"Authorization": f"Bearer {sim.api_key}"})
    assert response.status_code == 401


def test_writes_need_the_key_too(anon: httpx.Client) -> None:
    assert anon.post("contacts/sync/", json={"phone": "+393331112222"}).status_code == 401
    assert anon.delete("contacts/1/").status_code == 401
    assert anon.post("custom-fields/", json={}).status_code == 401


def test_partners_need_the_partner_key(
    sim: SimulatorServer, api: httpx.Client, client_with: Callable[..., httpx.Client]
) -> None:
    refused = api.get("partners/")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You do not have permission to perform this action."}
    partner = client_with(sim.partner_key)
    page = partner.get("partners/").json()
    assert page["count"] == 3
    assert {"count", "next", "previous", "results"} == set(page)
    # the partner key is not an account key
    assert partner.get("contacts/").status_code == 403


DJANGO_404 = ('<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n'
              '  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n')


@pytest.mark.parametrize("path", ["contacts", "tags/1", "accounts/1/current_report", "custom-fields", "nothing/",
                                  "contacts/abc/", "tickets/1/", "contact/"])
def test_unknown_urls_are_django_html_404(api: httpx.Client, anon: httpx.Client, path: str) -> None:
    for client in (api, anon):  # Django resolves the URL before DRF checks the key
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.text == DJANGO_404


@pytest.mark.parametrize("path", ["contacts/999999/", "tags/999/", "templates/0/", "automations/31/",
                                  "custom-fields/77/", "accounts/6/", "accounts/9/current_report/"])
def test_unknown_resources_are_404_not_found(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_unsupported_method_is_405_with_detail(api: httpx.Client) -> None:
    response = api.put("contacts/1/", json={})
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.'}
    assert api.post("tags/", json={}).status_code == 405


def test_delete_is_204_with_empty_body_then_404(api: httpx.Client) -> None:
    response = api.delete("contacts/5/")
    assert response.status_code == 204
    assert response.content == b""
    assert api.get("contacts/5/").status_code == 404
    assert api.delete("contacts/5/").status_code == 404
    assert api.get("contacts/").json()["count"] == 299


def test_deleting_a_contact_removes_its_tickets(api: httpx.Client) -> None:
    tickets = api.get("tickets/", params={"per_page": 100}).json()["results"]
    contact_id = tickets[0]["contact"]["id"]
    api.delete(f"contacts/{contact_id}/")
    left = api.get("tickets/", params={"per_page": 100}).json()["results"]
    assert all(t["contact"]["id"] != contact_id for t in left)
    assert len(left) < len(tickets)


def test_bad_json_bodies(api: httpx.Client) -> None:
    broken = api.post("contacts/sync/", content=b"{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400
    assert broken.json()["detail"].startswith("JSON parse error")
    listed = api.post("contacts/sync/", json=[1, 2])
    assert listed.status_code == 400
    assert listed.json() == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}
    form = api.post("contacts/sync/", content=b"phone=1", headers={"Content-Type": "text/plain"})
    assert form.status_code == 415
    assert "detail" in form.json()


def test_field_errors_are_lists_of_messages_per_field(api: httpx.Client) -> None:
    response = api.post("custom-fields/", json={})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "label", "example", "field_type"}
    assert all(isinstance(v, list) and v and all(isinstance(m, str) for m in v) for v in body.values())
