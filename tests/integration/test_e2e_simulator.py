"""End to end: the runtime, driven by the specs, against the simulator over real loopback HTTP.

The simulator is written from the API reference and the specs from the catalogue, so these tests
are where the two check each other: every action must succeed in strict mode (data validated against
the published output schema), and the behaviours the issue names must hold on the wire.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from spoki_actions import AsyncClient, Client, ErrorKind, arun_action, run_action
from spoki_actions.simulator.config import FaultConfig, FaultSpec, RateLimitConfig, SimulatorConfig
from spoki_actions.simulator.server import SimulatorServer

# One call per action, with inputs that exercise its params. Ids exist in the default seed.
CALLS: dict[str, dict[str, Any]] = {
    "SPOKI_CREATE_CUSTOM_FIELD": {"code": "LOYALTY_LEVEL", "label": "Loyalty level", "example": "Gold",
                                  "field_type": 1},
    "SPOKI_CREATE_OR_UPDATE_CONTACT": {"phone": "+393331112223", "first_name": "Ada", "email": "ada@example.com",
                                       "custom_fields": {"WEBSITE": "https://ada.example"}},
    "SPOKI_DELETE_CONTACT": {"id": 2},
    "SPOKI_GET_ACCOUNT_CURRENT_REPORT": {"account_id": 1},
    "SPOKI_LIST_AGENCIES": {},
    "SPOKI_LIST_AUTOMATIONS": {"is_active": True},
    "SPOKI_LIST_CAMPAIGNS": {"scheduled_datetime_gte": "2024-01-01T00:00:00Z"},
    "SPOKI_LIST_CONTACTS": {"search": "a", "is_blocked": False},
    "SPOKI_LIST_TAGS": {},
    "SPOKI_LIST_TEMPLATES": {"search": "order"},
    "SPOKI_LIST_TICKETS": {"status": "open", "order": "desc", "per_page": 5, "sort_by": "created_datetime"},
    "SPOKI_RETRIEVE_ACCOUNT": {"account_id": 1},
    "SPOKI_RETRIEVE_AUTOMATION": {"id": 1},
    "SPOKI_RETRIEVE_CONTACT": {"contact_id": 1},
    "SPOKI_RETRIEVE_TAG": {"id": 1},
    "SPOKI_RETRIEVE_TEMPLATE": {"template_id": 1},
    "SPOKI_SPOKI_LIST_CUSTOM_FIELDS": {"code": "web"},
    "SPOKI_SPOKI_LIST_PARTNERS": {},
    "SPOKI_SPOKI_LIST_TAGS": {},
    "SPOKI_SPOKI_LIST_TEMPLATES": {},
    "SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD": {"custom_field_id": 1},
    "SPOKI_UPDATE_CUSTOM_FIELD": {"custom_field_id": 1, "label": "Web site"},
}


@pytest.fixture
def client(spoki_simulator: SimulatorServer) -> Iterator[Client]:
    with Client(api_key=spoki_simulator.api_key, base_url=spoki_simulator.base_url, strict=True,
                pace=False) as c:
        yield c


@pytest.fixture
def partner_client(spoki_simulator: SimulatorServer) -> Iterator[Client]:
    with Client(api_key=spoki_simulator.partner_key, base_url=spoki_simulator.base_url, strict=True) as c:
        yield c


def test_every_action_is_exercised() -> None:
    names = sorted(Client(api_key="k", base_url="http://127.0.0.1:1/api/1").actions)
    missing = [n for n in names if n not in CALLS]
    assert not missing, (
        f"{missing} not exercised end to end: add one line per action to CALLS in "
        "tests/integration/test_e2e_simulator.py, e.g. \"SPOKI_X\": {\"id\": 1} (ids that exist in the "
        "simulator's default seed, simulator/seed.py); if the simulator does not serve the action's route yet, "
        "add the route in simulator/app.py and simulator/endpoints.py, from the API reference")
    assert sorted(CALLS) == names, f"CALLS names actions not in the catalogue: {sorted(set(CALLS) - set(names))}"


@pytest.mark.parametrize("name", sorted(CALLS))
def test_action_succeeds_in_strict_mode(name: str, client: Client, partner_client: Client) -> None:
    chosen = partner_client if name == "SPOKI_SPOKI_LIST_PARTNERS" else client
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        envelope = run_action(name, CALLS[name], client=chosen)
    assert envelope["error"] is None, envelope["error"]
    assert envelope["successful"] is True
    assert set(envelope) == {"data", "error", "successful"}
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert bool(deprecations) == (name == "SPOKI_SPOKI_LIST_PARTNERS")


def test_agencies_follow_every_page_into_one_array(client: Client) -> None:
    outcome = client.execute("SPOKI_LIST_AGENCIES")
    assert outcome.successful
    assert isinstance(outcome.data, list) and len(outcome.data) == 45  # three DRF pages in the seed
    assert [a["id"] for a in outcome.data] == sorted(a["id"] for a in outcome.data)
    assert outcome.attempts == 1 and outcome.requests == 3  # one request per page, none retried


def test_custom_fields_code_contains_filter(client: Client) -> None:
    created = client.execute("SPOKI_CREATE_CUSTOM_FIELD", {"code": "VIP_LEVEL", "label": "Vip level",
                                                            "example": "1", "field_type": 1})
    assert created.successful, created.error
    data = client.run("SPOKI_SPOKI_LIST_CUSTOM_FIELDS", {"code": "vip"})["data"]
    assert [f["code"] for f in data["custom_fields"]] == ["VIP_LEVEL"]
    assert "id" not in data["custom_fields"][0]
    everything = client.run("SPOKI_SPOKI_LIST_CUSTOM_FIELDS")["data"]["custom_fields"]
    assert len(everything) == 7  # 6 seeded + 1


def test_upsert_leaves_omitted_fields_untouched(client: Client) -> None:
    first = client.run("SPOKI_CREATE_OR_UPDATE_CONTACT",
                       {"phone": "+393339990001", "first_name": "Bruno", "last_name": "Neri", "email": "b@n.it"})
    assert first["successful"], first["error"]
    second = client.run("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393339990001", "first_name": "Brunone"})
    assert second["successful"]
    assert second["data"]["id"] == first["data"]["id"]
    assert (second["data"]["first_name"], second["data"]["last_name"], second["data"]["email"]) == (
        "Brunone", "Neri", "b@n.it")


def test_bad_input_never_reaches_the_server(client: Client, spoki_simulator: SimulatorServer) -> None:
    outcome = client.execute("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "3331234567", "email": "nope", "x": 1})
    assert not outcome.successful and outcome.kind is ErrorKind.VALIDATION and outcome.attempts == 0
    assert outcome.data == {}
    for field in ("phone", "email", "x"):
        assert field in (outcome.error or "")


def test_api_errors_become_honest_envelopes(client: Client, spoki_simulator: SimulatorServer) -> None:
    missing = client.execute("SPOKI_RETRIEVE_CONTACT", {"contact_id": 999_999})
    assert (missing.successful, missing.status, missing.kind) == (False, 404, ErrorKind.NOT_FOUND)
    assert "Not found." in (missing.error or "") and missing.data == {}
    reserved = client.execute("SPOKI_CREATE_CUSTOM_FIELD", {"code": "EMAIL", "label": "Mail", "example": "x",
                                                             "field_type": 1})
    assert (reserved.status, reserved.kind) == (400, ErrorKind.BAD_REQUEST)
    assert "code" in (reserved.error or "")
    with Client(api_key="wrong-key", base_url=spoki_simulator.base_url) as wrong:
        denied = wrong.execute("SPOKI_LIST_TAGS")
    assert (denied.status, denied.kind, denied.retryable) == (401, ErrorKind.AUTH, False)
    assert "wrong-key" not in repr(denied) and "wrong-key" not in (denied.error or "")


def test_only_label_changes_on_update(client: Client) -> None:
    before = client.run("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1})["data"]
    after = client.run("SPOKI_UPDATE_CUSTOM_FIELD", {"custom_field_id": 1, "label": "Homepage"})["data"]
    assert after == {**before, "label": "Homepage"}


def test_delete_gives_empty_data_then_not_found(client: Client) -> None:
    assert client.run("SPOKI_DELETE_CONTACT", {"id": 3}) == {"data": {}, "error": None, "successful": True}
    again = client.execute("SPOKI_DELETE_CONTACT", {"id": 3})
    assert again.status == 404 and not again.successful


def test_report_is_served_from_the_client_cache(client: Client) -> None:
    first = client.execute("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1})
    second = client.execute("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1})
    assert first.successful and second.successful and first.data == second.data
    assert second.attempts == 0  # answered from the cache, no request
    fresh = client.execute("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1}, cache=False)
    assert fresh.attempts == 1


def test_ticket_pages_are_walked_with_page_and_per_page(client: Client) -> None:
    seen: list[int] = []
    page = 1
    while True:
        data = client.run("SPOKI_LIST_TICKETS", {"status": "OPEN", "per_page": 4, "page": page})["data"]
        seen += [t["id"] for t in data["results"]]
        assert all(t["status"] == "Open" for t in data["results"])
        if data["next"] is None:
            break
        page += 1
    assert len(seen) == len(set(seen)) == data["count"] and page > 1


@pytest.fixture
def throttled() -> Iterator[SimulatorServer]:
    limits = RateLimitConfig(enabled=True, window_seconds=1.0, limits={"contacts-sync": 3})
    with SimulatorServer(SimulatorConfig(seed=0, rate_limits=limits)) as server:
        yield server


def test_429_with_retry_after_is_waited_out(throttled: SimulatorServer) -> None:
    with Client(api_key=throttled.api_key, base_url=throttled.base_url, pace=False) as c:
        outcomes = [c.execute("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": f"+3933300000{i:02d}"}) for i in range(5)]
    assert all(o.successful for o in outcomes), [o.error for o in outcomes]
    assert max(o.attempts for o in outcomes) >= 2  # at least one call drew a 429 and was retried


def _faulty(spec: FaultSpec, route: str) -> SimulatorServer:
    faults = FaultConfig(endpoints={route: spec})
    return SimulatorServer(SimulatorConfig(seed=7, faults=faults, rate_limits=RateLimitConfig(enabled=False)))


def test_upstream_errors_are_retried_for_reads() -> None:
    with _faulty(FaultSpec(error_rate=1.0, count=2), "tags-list") as server, \
            Client(api_key=server.api_key, base_url=server.base_url, sleep=lambda s: None) as c:
        outcome = c.execute("SPOKI_LIST_TAGS")
    assert outcome.successful and outcome.attempts == 3


def test_unsafe_create_is_not_resent_after_a_5xx() -> None:
    with _faulty(FaultSpec(error_rate=1.0, count=1), "custom-fields-list") as server, \
            Client(api_key=server.api_key, base_url=server.base_url, sleep=lambda s: None) as c:
        outcome = c.execute("SPOKI_CREATE_CUSTOM_FIELD", {"code": "ONCE", "label": "Once", "example": "x",
                                                           "field_type": 1})
    assert not outcome.successful and outcome.attempts == 1 and outcome.kind is ErrorKind.UPSTREAM
    assert outcome.status is not None and outcome.status >= 500


def test_dropped_connection_is_retried_for_reads() -> None:
    with _faulty(FaultSpec(drop_rate=1.0, count=1), "tags-detail") as server, \
            Client(api_key=server.api_key, base_url=server.base_url, sleep=lambda s: None) as c:
        outcome = c.execute("SPOKI_RETRIEVE_TAG", {"id": 1})
    assert outcome.successful and outcome.attempts == 2


def test_non_json_body_is_an_error_envelope() -> None:
    with _faulty(FaultSpec(nonjson_rate=1.0), "tags-detail") as server, \
            Client(api_key=server.api_key, base_url=server.base_url, max_retries=0) as c:
        envelope = c.run("SPOKI_RETRIEVE_TAG", {"id": 1})
    assert envelope["successful"] is False and envelope["data"] == {}
    assert envelope["error"]


def test_connection_refused_is_a_transport_error() -> None:
    with httpx.Client() as probe:  # find a closed port: bind, note, release
        del probe
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with Client(api_key="k", base_url=f"http://127.0.0.1:{port}/api/1", sleep=lambda s: None) as c:
        outcome = c.execute("SPOKI_LIST_TAGS")
    assert not outcome.successful and outcome.kind is ErrorKind.TRANSPORT and outcome.attempts > 1


@pytest.mark.anyio
async def test_async_client_over_loopback(spoki_simulator: SimulatorServer) -> None:
    async with AsyncClient(api_key=spoki_simulator.api_key, base_url=spoki_simulator.base_url,
                           strict=True) as c:
        envelope = await arun_action("SPOKI_LIST_TAGS", client=c)
    assert envelope["successful"] and envelope["data"]["count"] == 12


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_the_shipped_spoki_client_fixture(spoki_client: Client) -> None:
    envelope = spoki_client.run("SPOKI_RETRIEVE_TAG", {"id": 1})
    assert envelope["successful"] and envelope["data"]["id"] == 1


@pytest.mark.anyio
async def test_in_process_mode_over_asgi(spoki_asgi_transport: httpx.ASGITransport) -> None:
    from spoki_actions.simulator.pytest_plugin import ASGI_BASE_URL

    async with AsyncClient(api_key="sim-account-key", base_url=ASGI_BASE_URL, transport=spoki_asgi_transport,
                           strict=True) as c:
        agencies = await c.execute("SPOKI_LIST_AGENCIES")
    assert agencies.successful and len(agencies.data) == 45
