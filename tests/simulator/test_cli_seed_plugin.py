"""The fake-server command, deterministic seeding, the pytest fixtures and the in-process ASGI mode."""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from spoki_actions.simulator import ASGI_BASE_URL, SimulatorServer
from spoki_actions.simulator.cli import config_from_args, configure, run
from spoki_actions.simulator.config import FaultConfig
from spoki_actions.simulator.store import Store


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    configure(parser)
    return parser.parse_args(list(argv))


# --- CLI ------------------------------------------------------------------------------------------------

def test_defaults() -> None:
    args = parse()
    assert (args.host, args.port) == ("127.0.0.1", 8765)
    config = config_from_args(args)
    assert config.rate_limits.enabled
    assert config.rate_limits.limit_for("contacts-list") == 120
    assert config.rate_limits.limit_for("custom-fields-detail") == 5
    assert not config.faults.active
    assert config.db_path is None


def test_flags_become_config(tmp_path: Path) -> None:
    config = config_from_args(parse(
        "--seed", "9", "--db", str(tmp_path / "x.sqlite3"), "--api-key", "k1", "--partner-key", "k2",
        "--no-rate-limits", "--rate-limit", "tags-list=3", "--rate-limit", "default=50",
        "--error-rate", "0.25", "--error-statuses", "502,503", "--latency", "0.01", "--fault-endpoint", "tags-list",
    ))
    assert (config.seed, config.api_key, config.partner_key) == (9, "k1", "k2")
    assert config.db_path == tmp_path / "x.sqlite3"
    assert not config.rate_limits.enabled
    assert config.rate_limits.limits["tags-list"] == 3
    assert config.rate_limits.default_limit == 50
    assert not config.faults.global_spec.active
    spec = config.faults.endpoints["tags-list"]
    assert (spec.error_rate, spec.error_statuses, spec.latency) == (0.25, (502, 503), 0.01)


def test_global_fault_flags_and_faults_json() -> None:
    config = config_from_args(parse("--drop-rate", "0.1", "--truncate-rate", "0.1", "--nonjson-rate", "0.1",
                                    "--throttle-rate", "0.1", "--retry-after", "3", "--fault-count", "4",
                                    "--faults", json.dumps({"endpoints": {"tickets-list": {"latency": 1}}})))
    spec = config.faults.global_spec
    assert (spec.drop_rate, spec.truncate_rate, spec.nonjson_rate, spec.throttle_rate) == (0.1, 0.1, 0.1, 0.1)
    assert (spec.retry_after, spec.count) == (3, 4)
    assert config.faults.endpoints["tickets-list"].latency == 1


@pytest.mark.parametrize("argv", [
    ("--error-rate", "1.5"),
    ("--rate-limit", "tags-list"),
    ("--rate-limit", "nope=3"),
    ("--api-key", "same", "--partner-key", "same"),
    ("--fault-endpoint", "tags-list"),
    ("--error-statuses", "418", "--error-rate", "1"),
    ("--faults", "{broken"),
])
def test_bad_flags_exit_2_with_a_message(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(parse(*argv)) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("fake-server: ")
    assert captured.out == ""


def test_module_entry_serves_prints_the_url_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "spoki_actions.simulator", "--port", "0", "--seed", "2", "--no-rate-limits",
               "--error-rate", "1", "--error-statuses", "503", "--fault-endpoint", "tags-list",
               "--db", str(tmp_path / "cli.sqlite3")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        second = process.stdout.readline()
        assert first.startswith("Spoki simulator: http://127.0.0.1:")
        base_url = first.split(": ", 1)[1].strip()
        assert base_url.endswith("/api/1")
        assert "X-Spoki-Api-Key: sim-account-key" in second
        headers = {"X-Spoki-Api-Key": "sim-account-key"}
        for _ in range(100):  # the URL is printed just before uvicorn starts accepting
            try:
                response = httpx.get(base_url + "/contacts/1/", headers=headers)
                break
            except httpx.ConnectError:
                import time

                time.sleep(0.05)
        assert response.status_code == 200
        assert httpx.get(base_url + "/tags/", headers=headers).status_code == 503
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert (tmp_path / "cli.sqlite3").exists()


# --- seed data ------------------------------------------------------------------------------------------

def test_same_seed_same_data_other_seed_other_data() -> None:
    one, same, other = Store(7), Store(7), Store(8)
    assert one.snapshot() == same.snapshot()
    assert one.snapshot() != other.snapshot()


def test_seed_sizes_and_variety() -> None:
    data = Store(0).snapshot()
    sizes = {kind: len(docs) for kind, docs in data.items()}
    assert sizes["contacts"] >= 200
    assert sizes["agencies"] > 20  # more than one default page
    assert {"tickets", "templates", "automations", "campaigns", "accounts", "custom_fields", "partners",
            "tags"} <= {kind for kind, size in sizes.items() if size > 0}
    assert any(c["tag_ids"] for c in data["contacts"])
    assert any(c["list_ids"] for c in data["contacts"])
    assert any(c["field_values"] for c in data["contacts"])
    assert any(len(t["localizations"]) > 1 for t in data["templates"])
    platforms = {hook["platform"] for a in data["automations"] for hook in a["webhooks"]}
    assert len(platforms) >= 5
    assert {c["status"] for c in data["campaigns"]} == {"Draft", "Scheduled", "Processing", "Completed"}
    phones = [c["phone"] for c in data["contacts"]]
    assert len(set(phones)) == len(phones)


def test_a_server_with_a_seed_serves_the_seeded_data(spoki_simulator_factory: object) -> None:
    assert callable(spoki_simulator_factory)
    server = spoki_simulator_factory(seed=7)
    expected = Store(7).snapshot()["contacts"][0]
    response = httpx.get(server.base_url + "/contacts/1/", headers={"X-Spoki-Api-Key": server.api_key})
    assert response.json()["phone"] == expected["phone"]


# --- pytest fixtures ------------------------------------------------------------------------------------

def test_plugin_server_is_running_and_reset_part_1(spoki_simulator: SimulatorServer) -> None:
    headers = {"X-Spoki-Api-Key": spoki_simulator.api_key}
    assert spoki_simulator.base_url.endswith("/api/1")
    assert httpx.delete(spoki_simulator.base_url + "/contacts/3/", headers=headers).status_code == 204


def test_plugin_server_is_running_and_reset_part_2(spoki_simulator: SimulatorServer) -> None:
    headers = {"X-Spoki-Api-Key": spoki_simulator.api_key}
    assert httpx.get(spoki_simulator.base_url + "/contacts/3/", headers=headers).status_code == 200


@pytest.mark.anyio
async def test_in_process_app_over_asgi_transport(spoki_asgi_app: Starlette,
                                                  spoki_asgi_transport: httpx.ASGITransport) -> None:
    async with httpx.AsyncClient(transport=spoki_asgi_transport, base_url=ASGI_BASE_URL,
                                 headers={"X-Spoki-Api-Key": "sim-account-key"}) as client:
        page = (await client.get("/agencies/")).json()
        assert page["count"] == 45
        assert page["next"] == "https://spoki.test/api/1/agencies/?page=2"
        synced = await client.post("/contacts/sync/", json={"phone": "+393407770000"})
        assert synced.status_code == 200
        assert (await client.get("/contacts/", params={"phone": "+393407770000"})).json()["count"] == 1


@pytest.mark.anyio
async def test_in_process_faults(spoki_asgi_app: Starlette, spoki_asgi_transport: httpx.ASGITransport) -> None:
    from spoki_actions.simulator.app import sim_state
    from spoki_actions.simulator.config import FaultConfig

    state = sim_state(spoki_asgi_app)
    async with httpx.AsyncClient(transport=spoki_asgi_transport, base_url=ASGI_BASE_URL,
                                 headers={"X-Spoki-Api-Key": "sim-account-key"}) as client:
        state.faults.configure(FaultConfig.from_dict({"global": {"drop_rate": 1.0, "count": 1}}), 0)
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get("/tags/")
        state.faults.configure(FaultConfig.from_dict({"global": {"truncate_rate": 1.0, "count": 1}}), 0)
        truncated = await client.get("/tags/")
        with pytest.raises(ValueError):
            truncated.json()
        assert (await client.get("/tags/")).status_code == 200


def test_plugin_import_is_cheap() -> None:
    code = ("import sys, spoki_actions.simulator.pytest_plugin, spoki_actions.simulator; "
            "print(sorted(m for m in ('starlette', 'uvicorn', 'sqlite3') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_spoki_client_fixture_builds_the_runtime_client_and_closes_it(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    import spoki_actions

    made: list[FakeClient] = []

    class FakeClient:
        def __init__(self, *, api_key: str, base_url: str, **options: object) -> None:
            self.api_key, self.base_url, self.options, self.closed = api_key, base_url, options, False
            made.append(self)

        def close(self) -> None:
            self.closed = True

    monkeypatch.setattr(spoki_actions, "Client", FakeClient, raising=False)
    client = request.getfixturevalue("spoki_client")
    server = request.getfixturevalue("spoki_simulator")
    assert client is made[0]
    assert (client.api_key, client.base_url) == (server.api_key, server.base_url)
    assert client.options == {"pace": False}  # fast by default: pacing is an explicit choice
    assert not client.closed


# --- fast by default, pacing on request; the in-process transport for the sync and async clients -------

def test_the_fixtures_are_fast_by_default(spoki_simulator_config: object, spoki_client: Any) -> None:
    from spoki_actions.simulator import SimulatorConfig

    assert isinstance(spoki_simulator_config, SimulatorConfig)
    assert not spoki_simulator_config.rate_limits.enabled
    # six custom-field calls: past the declared 5 per minute, yet no wait on either side
    outcomes = [spoki_client.execute("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1}) for _ in range(6)]
    assert all(o.successful and o.attempts == 1 for o in outcomes)
    assert sum(o.duration for o in outcomes) < 30  # not the ~60 s a paced client would wait


@pytest.mark.parametrize("spoki_client_options", [{"pace": True, "max_retries": 0}])
def test_pacing_is_one_override_away(spoki_client: Any, spoki_client_options: dict[str, Any]) -> None:
    import spoki_actions

    assert isinstance(spoki_client, spoki_actions.Client)
    assert spoki_client.execute("SPOKI_LIST_TAGS").successful


def test_the_sync_client_runs_in_process(spoki_asgi_transport: Any, spoki_asgi_app: Starlette) -> None:
    import spoki_actions
    from spoki_actions.simulator import SimulatorTransport
    from spoki_actions.simulator.app import sim_state

    assert isinstance(spoki_asgi_transport, SimulatorTransport)
    assert isinstance(spoki_asgi_transport, httpx.BaseTransport | httpx.AsyncBaseTransport)
    with spoki_actions.Client(transport=spoki_asgi_transport, base_url=ASGI_BASE_URL, api_key="sim-account-key",
                              strict=True) as client:
        created = client.run("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393407770001", "first_name": "Ada"})
        assert created["successful"], created["error"]
        found = client.run("SPOKI_LIST_CONTACTS", {"phone": "+393407770001"})
        assert found["data"]["count"] == 1 and found["data"]["results"][0]["first_name"] == "Ada"
        sim_state(spoki_asgi_app).faults.configure(FaultConfig.from_dict({"global": {"drop_rate": 1.0,
                                                                                    "count": 1}}), 0)
        retried = client.execute("SPOKI_LIST_TAGS")  # a drop is a transport failure, retried for reads
        assert retried.successful and retried.attempts == 2
    # the same transport serves a second client after the first closed it
    with spoki_actions.Client(transport=spoki_asgi_transport, base_url=ASGI_BASE_URL,
                              api_key="sim-account-key") as again:
        assert again.run("SPOKI_RETRIEVE_TAG", {"id": 1})["data"]["id"] == 1


@pytest.mark.anyio
async def test_the_async_clients_run_in_process(spoki_asgi_transport: Any) -> None:
    import spoki_actions

    async with spoki_actions.AsyncClient(transport=spoki_asgi_transport, base_url=ASGI_BASE_URL,
                                         api_key="sim-account-key", pace=False) as client:
        assert (await client.run("SPOKI_RETRIEVE_TAG", {"id": 2}))["data"]["id"] == 2


@pytest.mark.anyio
async def test_the_async_client_fixture(spoki_async_client: Any) -> None:
    import spoki_actions

    assert isinstance(spoki_async_client, spoki_actions.AsyncClient)
    envelope = await spoki_async_client.run("SPOKI_LIST_TAGS")
    assert envelope["successful"] and envelope["data"]["count"] == 12


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_the_in_process_transport_serves_threads_at_once(spoki_asgi_transport: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with httpx.Client(transport=spoki_asgi_transport, base_url=ASGI_BASE_URL,
                      headers={"X-Spoki-Api-Key": "sim-account-key"}) as client, ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda i: client.get(f"/contacts/{i}/"), range(1, 41)))
        assert [a.json()["id"] for a in answers] == list(range(1, 41))
        posted = client.post("/custom-fields/", json={"code": "_TARGA_", "label": "Targa", "example": "AB123CD",
                                                      "field_type": 1})
        assert posted.status_code == 201 and posted.json()["code"] == "_TARGA_"  # request bodies cross over
        unknown = client.get("/nothing/")
        assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("text/html")
    spoki_asgi_transport.close()
    spoki_asgi_transport.close()  # closing twice is fine
