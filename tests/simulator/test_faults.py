"""Fault injection over real sockets: each kind, per-endpoint scoping, counts, seeds, the control endpoint."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from spoki_actions.simulator import FaultConfig, RateLimitConfig, SimulatorConfig, SimulatorServer

ClientWith = Callable[..., httpx.Client]
Factory = Callable[..., SimulatorServer]


def outcome(api: httpx.Client, path: str = "tags/") -> str:
    """What a client sees: a status code, `nonjson`, or the transport error's class name."""
    try:
        response = api.get(path)
    except httpx.TransportError as exc:
        return type(exc).__name__
    try:
        response.json()
    except ValueError:
        return f"{response.status_code}-nonjson"
    return str(response.status_code)


def test_faults_are_off_by_default(sim: SimulatorServer, api: httpx.Client) -> None:
    assert not sim.state.faults.active
    assert {outcome(api) for _ in range(30)} == {"200"}


def test_latency_is_added(sim: SimulatorServer, api: httpx.Client) -> None:
    sim.set_faults({"global": {"latency": 0.15}})
    started = time.perf_counter()
    assert api.get("tags/").status_code == 200
    assert time.perf_counter() - started >= 0.15


@pytest.mark.parametrize("status", [500, 502, 503])
def test_error_answers(sim: SimulatorServer, api: httpx.Client, status: int) -> None:
    sim.set_faults({"global": {"error_rate": 1.0, "error_statuses": [status]}})
    response = api.get("tags/")
    assert response.status_code == status
    if status == 500:
        assert response.json() == {"detail": "A server error occurred."}
    else:  # what a load balancer in front of the API sends
        assert response.headers["content-type"].startswith("text/html")


def test_throttle_storm(sim: SimulatorServer, api: httpx.Client) -> None:
    sim.set_faults({"global": {"throttle_rate": 1.0, "retry_after": 7}})
    for _ in range(5):
        response = api.get("contacts/")
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "7"
        assert response.json() == {"detail": "Request was throttled. Expected available in 7 seconds."}


def test_dropped_connection_closes_the_socket_without_an_answer(sim: SimulatorServer, api: httpx.Client) -> None:
    sim.set_faults({"global": {"drop_rate": 1.0, "count": 1}})
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        api.get("tags/")
    assert api.get("tags/").status_code == 200  # the next request gets through on a new connection


def test_truncated_body_closes_mid_body_after_the_work_is_done(sim: SimulatorServer, api: httpx.Client) -> None:
    sim.set_faults({"endpoints": {"contacts-sync": {"truncate_rate": 1.0, "count": 1}}})
    with pytest.raises(httpx.RemoteProtocolError, match=r"complete message body"):
        api.post("contacts/sync/", json={"phone": "+393405550000", "first_name": "Half"})
    # the write happened even though the answer was lost: a retry must be safe (sync is idempotent)
    assert api.get("contacts/", params={"phone": "+393405550000"}).json()["count"] == 1


def test_nonjson_body(sim: SimulatorServer, api: httpx.Client) -> None:
    sim.set_faults({"global": {"nonjson_rate": 1.0}})
    response = api.get("tags/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    with pytest.raises(ValueError):
        response.json()


def test_per_endpoint_faults_leave_other_endpoints_alone(sim: SimulatorServer, api: httpx.Client) -> None:
    sim.set_faults({"endpoints": {"contacts-list": {"error_rate": 1.0, "error_statuses": [503]}}})
    assert outcome(api, "contacts/") == "503-nonjson"
    assert outcome(api, "contacts/1/") == "200"
    assert outcome(api, "tags/") == "200"


def test_endpoint_specs_replace_the_global_one(sim: SimulatorServer, api: httpx.Client) -> None:
    sim.set_faults({"global": {"error_rate": 1.0, "error_statuses": [500]},
                    "endpoints": {"tags-list": {"throttle_rate": 1.0}}})
    assert outcome(api, "tags/") == "429"
    assert outcome(api, "templates/") == "500"


def test_count_limits_the_number_of_faulty_answers(sim: SimulatorServer, api: httpx.Client) -> None:
    sim.set_faults({"global": {"error_rate": 1.0, "error_statuses": [503], "count": 2}})
    assert [outcome(api) for _ in range(4)] == ["503-nonjson", "503-nonjson", "200", "200"]


def test_shares_are_roughly_respected(sim: SimulatorServer, api: httpx.Client) -> None:
    sim.set_faults({"global": {"error_rate": 0.3, "error_statuses": [500]}}, seed=11)
    outcomes = [outcome(api) for _ in range(200)]
    assert 30 <= outcomes.count("500") <= 90
    assert outcomes.count("500") + outcomes.count("200") == 200


def test_same_seed_same_faults(spoki_simulator_factory: Factory, client_with: ClientWith) -> None:
    faults = FaultConfig.from_dict({"global": {"error_rate": 0.2, "drop_rate": 0.1, "throttle_rate": 0.1,
                                               "nonjson_rate": 0.1}})
    runs = []
    for seed in (5, 5, 6):
        server = spoki_simulator_factory(SimulatorConfig(seed=seed, faults=faults,
                                                         rate_limits=RateLimitConfig(enabled=False)))
        api = client_with(server.api_key, server)
        runs.append([outcome(api) for _ in range(40)])
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert {"200", "429", "RemoteProtocolError", "200-nonjson"} <= set(runs[0])


def test_control_endpoint_sets_reads_and_clears_faults(sim: SimulatorServer, api: httpx.Client,
                                                        anon: httpx.Client) -> None:
    url = sim.control_url + "/faults/"
    assert anon.post(url, json={}).status_code == 401
    body: dict[str, Any] = {"endpoints": {"tags-detail": {"error_rate": 1.0, "error_statuses": [502]}}, "seed": 3}
    response = api.post(url, json=body)
    assert response.status_code == 200
    assert response.json()["endpoints"]["tags-detail"]["error_statuses"] == [502]
    assert response.json()["seed"] == 3
    assert api.get("tags/1/").status_code == 502
    assert api.get(url).json()["injected"]["error"] == 1
    assert api.delete(url).status_code == 204
    assert api.get("tags/1/").status_code == 200


@pytest.mark.parametrize("body", [
    {"global": {"error_rate": 2}},
    {"global": {"error_rate": 0.6, "drop_rate": 0.6}},
    {"global": {"error_statuses": [404]}},
    {"global": {"explode": True}},
    {"endpoints": {"no-such-route": {"error_rate": 1}}},
    {"surprise": 1},
])
def test_control_endpoint_rejects_bad_fault_configs(sim: SimulatorServer, api: httpx.Client,
                                                    body: dict[str, Any]) -> None:
    response = api.post(sim.control_url + "/faults/", json=body)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not sim.state.faults.active


def test_reset_clears_runtime_faults(sim: SimulatorServer, api: httpx.Client) -> None:
    sim.set_faults({"global": {"error_rate": 1.0}})
    assert api.post(sim.control_url + "/reset/").status_code == 200
    assert api.get("tags/").status_code == 200


def test_control_endpoints_are_never_faulted(sim: SimulatorServer, api: httpx.Client) -> None:
    sim.set_faults({"global": {"drop_rate": 1.0}})
    assert api.get(sim.control_url + "/faults/").status_code == 200
    assert api.get(sim.control_url + "/health/").json() == {"status": "ok"}
