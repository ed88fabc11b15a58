"""Fidelity to what the live API is seen to send (issue 8), end to end: runtime, specs and simulator.

Agencies and custom fields come back from the live API as a DRF page or as a bare JSON array (two
independent clients accept both); the simulator answers either way (`bare_lists`), and the actions
must return their declared output for both. Campaign filters take a plain date or a date-time. An
unknown URL is Django's HTML 404, which the runtime names as a wrong path; an unknown id stays DRF's.
These tests need the runtime's side of contracts 4 and 5 (the hardening-runtime branch).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from spoki_actions import Client, ErrorKind
from spoki_actions._registry import load
from spoki_actions.simulator import RateLimitConfig, SimulatorConfig, SimulatorServer


@pytest.fixture(scope="module", params=[False, True], ids=["drf-page", "bare-array"])
def server(request: pytest.FixtureRequest) -> Iterator[SimulatorServer]:
    config = SimulatorConfig(seed=0, rate_limits=RateLimitConfig(enabled=False), bare_lists=request.param)
    with SimulatorServer(config) as started:
        yield started


@pytest.fixture
def client(server: SimulatorServer) -> Iterator[Client]:
    server.reset()
    with Client(api_key=server.api_key, base_url=server.base_url, strict=True, pace=False) as c:
        yield c


def test_agencies_are_one_array_of_every_agency(client: Client) -> None:
    envelope = client.run("SPOKI_LIST_AGENCIES")
    assert envelope["successful"], envelope["error"]
    assert [a["id"] for a in envelope["data"]] == list(range(1, 46))
    assert set(envelope["data"][0]) == {"id", "account"}


@pytest.mark.parametrize(("params", "codes"), [
    ({}, ["WEBSITE", "COMPANY", "CITY", "LOYALTY_TIER", "BIRTHDAY", "LAST_ORDER_AT"]),
    ({"code": "tier"}, ["LOYALTY_TIER"]),
    ({"label": "ORDER"}, ["LAST_ORDER_AT"]),
])
def test_custom_fields_are_filtered_the_same_from_either_shape(client: Client, params: dict[str, Any],
                                                               codes: list[str]) -> None:
    envelope = client.run("SPOKI_SPOKI_LIST_CUSTOM_FIELDS", params)
    assert envelope["successful"], envelope["error"]
    assert [f["code"] for f in envelope["data"]["custom_fields"]] == codes
    assert set(envelope["data"]["custom_fields"][0]) == {"code", "label", "example", "field_type"}


def test_a_code_with_edge_underscores_is_created_and_listed(client: Client) -> None:
    created = client.run("SPOKI_CREATE_CUSTOM_FIELD", {"code": "_TARGA_", "label": "_TARGA_", "example": "AB123CD",
                                                       "field_type": 1})
    assert created["successful"], created["error"]
    listed = client.run("SPOKI_SPOKI_LIST_CUSTOM_FIELDS", {"code": "targa"})
    assert [f["code"] for f in listed["data"]["custom_fields"]] == ["_TARGA_"]


@pytest.mark.parametrize("bounds", [
    {"scheduled_datetime_gte": "2024-06-01", "scheduled_datetime_lte": "2024-12-31"},
    {"scheduled_datetime_gte": "2024-06-01T00:00:00Z", "scheduled_datetime_lte": "2024-12-31T00:00:00Z"},
])
def test_campaign_filters_take_a_date_or_a_date_time(client: Client, bounds: dict[str, str]) -> None:
    everything = client.run("SPOKI_LIST_CAMPAIGNS", {})["data"]["count"]
    envelope = client.run("SPOKI_LIST_CAMPAIGNS", bounds)
    assert envelope["successful"], envelope["error"]
    assert 0 < envelope["data"]["count"] < everything
    # a plain date means midnight UTC, so both forms select the same campaigns
    assert envelope["data"]["count"] == client.run("SPOKI_LIST_CAMPAIGNS", {
        k: v[:10] for k, v in bounds.items()})["data"]["count"]


def test_a_bad_campaign_date_is_refused_before_sending(client: Client) -> None:
    envelope = client.run("SPOKI_LIST_CAMPAIGNS", {"scheduled_datetime_gte": "2024-13-01"})
    assert not envelope["successful"] and "scheduled_datetime_gte" in (envelope["error"] or "")


def test_a_wrong_path_in_a_spec_is_named_as_such(server: SimulatorServer) -> None:
    catalogue = load().catalogue
    wrong = dataclasses.replace(catalogue.actions["SPOKI_RETRIEVE_TAG"], path="tag/{id}/")
    broken = dataclasses.replace(catalogue, actions={**catalogue.actions, "SPOKI_RETRIEVE_TAG": wrong})
    with Client(api_key=server.api_key, base_url=server.base_url, pace=False, catalogue=broken) as c:
        outcome = c.execute("SPOKI_RETRIEVE_TAG", {"id": 1})
        assert outcome.kind is ErrorKind.NOT_FOUND and outcome.status == 404
        assert "no such endpoint (check the spec's path)" in (outcome.error or "")
    with Client(api_key=server.api_key, base_url=server.base_url, pace=False) as c:
        missing = c.execute("SPOKI_RETRIEVE_TAG", {"id": 999})
    assert missing.kind is ErrorKind.NOT_FOUND and missing.status == 404
    assert "no such endpoint" not in (missing.error or "") and "Not found." in (missing.error or "")
