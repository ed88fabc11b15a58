"""DRF pagination as the reference describes it: count/next/previous/results, absolute links, sizes."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from spoki_actions.simulator import SimulatorServer


def test_agencies_span_three_pages_and_following_next_collects_all_45(sim: SimulatorServer, api: httpx.Client) -> None:
    first = api.get("agencies/").json()
    assert first["count"] == 45
    assert first["previous"] is None
    assert len(first["results"]) == 20
    assert first["next"] == f"{sim.base_url}/agencies/?page=2"
    seen, url, pages = [], "agencies/", 0
    while url:
        page = api.get(url).json()
        seen += [item["id"] for item in page["results"]]
        url, pages = page["next"], pages + 1
    assert pages == 3
    assert sorted(seen) == list(range(1, 46))


def test_links_are_absolute_on_the_same_host_and_keep_other_params(sim: SimulatorServer, api: httpx.Client) -> None:
    page = api.get("contacts/", params={"language": "it", "page_size": 5, "page": 2}).json()
    for link in (page["next"], page["previous"]):
        parts = urlsplit(link)
        assert f"{parts.scheme}://{parts.netloc}" == sim.root_url
        assert parts.path == "/api/1/contacts/"
    assert parse_qs(urlsplit(page["next"]).query) == {"language": ["it"], "page": ["3"], "page_size": ["5"]}
    # DRF drops `page` from the link back to page 1
    assert parse_qs(urlsplit(page["previous"]).query) == {"language": ["it"], "page_size": ["5"]}
    page3 = api.get(page["next"]).json()
    assert parse_qs(urlsplit(page3["previous"]).query)["page"] == ["2"]


def test_last_page_has_no_next(api: httpx.Client) -> None:
    page = api.get("agencies/", params={"page": 3}).json()
    assert page["next"] is None
    assert [a["id"] for a in page["results"]] == list(range(41, 46))


@pytest.mark.parametrize(("size", "expected"), [("7", 7), ("100", 45), ("1000", 45), ("0", 20), ("-3", 20),
                                                ("abc", 20)])
def test_page_size_is_honoured_and_bad_values_fall_back(api: httpx.Client, size: str, expected: int) -> None:
    assert len(api.get("agencies/", params={"page_size": size}).json()["results"]) == expected


def test_page_size_is_not_capped_by_default(api: httpx.Client) -> None:
    # no source gives Spoki's maximum, and a live integration asks contacts for page_size=200
    page = api.get("contacts/", params={"page_size": 200}).json()
    assert len(page["results"]) == 200 and page["count"] == 300
    assert len(api.get("contacts/", params={"page_size": 1000}).json()["results"]) == 300


def test_a_configured_maximum_cuts_the_page(spoki_simulator_factory: Any) -> None:
    from spoki_actions.simulator import RateLimitConfig, SimulatorConfig

    server = spoki_simulator_factory(SimulatorConfig(seed=0, max_page_size=100,
                                                     rate_limits=RateLimitConfig(enabled=False)))
    page = httpx.get(server.base_url + "/contacts/", params={"page_size": 1000},
                     headers={"X-Spoki-Api-Key": server.api_key}).json()
    assert len(page["results"]) == 100 and page["count"] == 300


@pytest.mark.parametrize("page", ["0", "4", "-1", "abc", "1.5"])
def test_out_of_range_or_non_integer_page_is_404_invalid_page(api: httpx.Client, page: str) -> None:
    response = api.get("agencies/", params={"page": page})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_page_last_and_empty_first_page(api: httpx.Client) -> None:
    assert api.get("agencies/", params={"page": "last"}).json()["results"][-1]["id"] == 45
    empty = api.get("contacts/", params={"phone": "+10000000000"})
    assert empty.status_code == 200
    assert empty.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_tickets_take_per_page_as_the_size(api: httpx.Client) -> None:
    page = api.get("tickets/", params={"per_page": 7, "page": 2}).json()
    assert page["count"] == 60
    assert len(page["results"]) == 7
    assert parse_qs(urlsplit(page["next"]).query) == {"page": ["3"], "per_page": ["7"]}
    all_ids = []
    for number in range(1, 10):
        all_ids += [t["id"] for t in api.get("tickets/", params={"per_page": 7, "page": number}).json()["results"]]
    assert sorted(all_ids) == list(range(1, 61))


def test_per_page_does_not_resize_other_collections(api: httpx.Client) -> None:
    assert len(api.get("agencies/", params={"per_page": 7}).json()["results"]) == 20
