"""Rate limits with Retry-After, the 30-minute report cache, and state kept in SQLite across restarts.

Time-based behaviour runs on an injected `ManualClock`, so nothing here sleeps.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from spoki_actions.simulator import ManualClock, RateLimitConfig, SimulatorConfig, SimulatorServer

Factory = Callable[..., SimulatorServer]
ClientWith = Callable[..., httpx.Client]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def limited(spoki_simulator_factory: Factory, clock: ManualClock) -> SimulatorServer:
    """A server with the default (reference) limits, on a manual clock."""
    return spoki_simulator_factory(SimulatorConfig(seed=0, clock=clock))


# --- rate limits ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "limit"), [("contacts/", 120), ("tickets/", 120), ("custom-fields/", 5)])
def test_reference_limits_answer_429_with_retry_after(limited: SimulatorServer, client_with: ClientWith,
                                                      clock: ManualClock, path: str, limit: int) -> None:
    api = client_with(limited.api_key, limited)
    for _ in range(limit):
        clock.advance(0.1)
        assert api.get(path, params={"page_size": 1}).status_code == 200
    refused = api.get(path)
    assert refused.status_code == 429
    retry_after = int(refused.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert refused.json() == {"detail": f"Request was throttled. Expected available in {retry_after} seconds."}
    clock.advance(retry_after - 1)
    assert api.get(path).status_code == 429
    clock.advance(1)
    assert api.get(path).status_code == 200


def test_sync_is_limited_to_120_a_minute(limited: SimulatorServer, client_with: ClientWith) -> None:
    api = client_with(limited.api_key, limited)
    codes = [api.post("contacts/sync/", json={"phone": f"+3934000{i:05d}"}).status_code for i in range(121)]
    assert codes == [200] * 120 + [429]


def test_custom_field_routes_share_one_bucket(limited: SimulatorServer, client_with: ClientWith) -> None:
    api = client_with(limited.api_key, limited)
    codes = [api.get("custom-fields/").status_code for _ in range(3)]
    codes += [api.get("custom-fields/1/").status_code for _ in range(2)]
    codes.append(api.post("custom-fields/", json={"code": "X", "label": "X", "example": "", "field_type": 1})
                 .status_code)
    assert codes == [200] * 5 + [429]
    # other endpoints have their own buckets
    assert api.get("tags/").status_code == 200


def test_auth_failures_do_not_use_the_quota(limited: SimulatorServer, client_with: ClientWith) -> None:
    anon = client_with(None, limited)
    for _ in range(10):
        assert anon.get("custom-fields/").status_code == 401
    api = client_with(limited.api_key, limited)
    assert [api.get("custom-fields/").status_code for _ in range(6)] == [200] * 5 + [429]


def test_limits_can_be_disabled_or_overridden(spoki_simulator_factory: Factory, client_with: ClientWith) -> None:
    off = spoki_simulator_factory(SimulatorConfig(seed=0, rate_limits=RateLimitConfig(enabled=False)))
    api = client_with(off.api_key, off)
    assert {api.get("custom-fields/").status_code for _ in range(20)} == {200}
    tight = spoki_simulator_factory(SimulatorConfig(
        seed=0, rate_limits=RateLimitConfig().updated({"limits": {"tags-list": 2, "custom-fields": None}})))
    api = client_with(tight.api_key, tight)
    assert [api.get("tags/").status_code for _ in range(3)] == [200, 200, 429]
    assert {api.get("custom-fields/").status_code for _ in range(8)} == {200}


def test_limits_can_be_changed_through_the_control_endpoint(limited: SimulatorServer,
                                                            client_with: ClientWith) -> None:
    api = client_with(limited.api_key, limited)
    control = limited.control_url + "/rate-limits/"
    response = api.post(control, json={"limits": {"agencies-list": 1}})
    assert response.status_code == 200
    assert response.json()["limits"]["agencies-list"] == 1
    assert [api.get("agencies/").status_code for _ in range(2)] == [200, 429]
    assert api.post(control, json={"enabled": False}).status_code == 200
    assert api.get("agencies/").status_code == 200
    assert api.post(control, json={"limits": {"nope": 1}}).status_code == 400


def test_tiny_windows_recover_in_real_time(spoki_simulator_factory: Factory, client_with: ClientWith) -> None:
    server = spoki_simulator_factory(SimulatorConfig(
        seed=0, rate_limits=RateLimitConfig(window_seconds=0.3, limits={"tags-list": 1})))
    api = client_with(server.api_key, server)
    assert api.get("tags/").status_code == 200
    refused = api.get("tags/")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    import time

    time.sleep(0.35)
    assert api.get("tags/").status_code == 200


# --- the account report cache ---------------------------------------------------------------------------

def test_report_is_recomputed_at_most_every_30_minutes(limited: SimulatorServer, client_with: ClientWith,
                                                       clock: ManualClock) -> None:
    api = client_with(limited.api_key, limited)
    first = api.get("accounts/1/current_report/").json()
    assert first["contacted_contacts"] == 300
    assert api.post("contacts/sync/", json={"phone": "+393409999999"}).status_code == 200
    clock.advance(29 * 60 + 59)
    assert api.get("accounts/1/current_report/").json() == first  # still the cached report
    clock.advance(1)
    fresh = api.get("accounts/1/current_report/").json()
    assert fresh["contacted_contacts"] == 301
    api.delete("contacts/1/")
    clock.advance(60)
    assert api.get("accounts/1/current_report/").json() == fresh


def test_report_clock_can_be_moved_through_the_control_endpoint(sim: SimulatorServer, api: httpx.Client) -> None:
    first = api.get("accounts/1/current_report/").json()
    api.delete("contacts/2/")
    assert api.get("accounts/1/current_report/").json() == first
    moved = api.post(sim.control_url + "/clock/", json={"advance": 1800})
    assert moved.status_code == 200
    assert moved.json()["offset"] == 1800
    assert api.get("accounts/1/current_report/").json()["contacted_contacts"] == first["contacted_contacts"] - 1


def test_period_start_is_the_first_day_of_the_current_month(limited: SimulatorServer, client_with: ClientWith,
                                                            clock: ManualClock) -> None:
    clock.set(1_718_000_000)  # 2024-06-10
    api = client_with(limited.api_key, limited)
    assert api.get("accounts/1/current_report/").json()["period_start"] == "2024-06-01"


# --- persistence ----------------------------------------------------------------------------------------

def test_db_keeps_state_across_restarts(tmp_path: Path, client_with: ClientWith) -> None:
    db = tmp_path / "sim.sqlite3"
    config = SimulatorConfig(seed=4, db_path=db, rate_limits=RateLimitConfig(enabled=False))
    with SimulatorServer(config) as first:
        api = client_with(first.api_key, first)
        created = api.post("contacts/sync/", json={"phone": "+393401112233", "first_name": "Kept"}).json()
        assert api.delete("contacts/7/").status_code == 204
        field = api.post("custom-fields/", json={"code": "KEPT", "label": "Kept", "example": "x", "field_type": 1})
        assert field.status_code == 201
        api.patch("custom-fields/1/", json={"label": "Homepage"})
    assert db.exists()
    with SimulatorServer(config) as second:
        api = client_with(second.api_key, second)
        assert api.get(f"contacts/{created['id']}/").json() == created
        assert api.get("contacts/7/").status_code == 404
        assert api.get("contacts/").json()["count"] == 300
        assert api.get("custom-fields/1/").json()["label"] == "Homepage"
        assert api.get(f"custom-fields/{field.json()['id']}/").json()["code"] == "KEPT"
        # reset goes back to the seed, in the file too
        assert api.post(second.control_url + "/reset/").status_code == 200
        assert api.get("contacts/7/").status_code == 200
    with SimulatorServer(config) as third:
        assert client_with(third.api_key, third).get("contacts/7/").status_code == 200


def test_without_db_a_restart_starts_from_the_seed(client_with: ClientWith) -> None:
    config = SimulatorConfig(seed=4, rate_limits=RateLimitConfig(enabled=False))
    with SimulatorServer(config) as first:
        assert client_with(first.api_key, first).delete("contacts/7/").status_code == 204
    with SimulatorServer(config) as second:
        assert client_with(second.api_key, second).get("contacts/7/").status_code == 200
