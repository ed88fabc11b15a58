"""The batch runner's clients send over the aiohttp wire by default (the `[batch]` extra installs it),
and a batch over real loopback HTTP completes on it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from spoki_actions import catalogue_of
from spoki_actions.batch import Keys, Options, run_batch
from spoki_actions.batch.runner import Driver

from ..runtime.rt_support import LocalServer, send_json


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    server = LocalServer()
    yield server
    server.close()


KEYS = {"SPOKI_API_KEY_A": "batch-wire-key-a-0123456789", "SPOKI_API_KEY_B": "batch-wire-key-b-0123456789"}


def test_the_runners_clients_are_on_the_aiohttp_wire(local_server: LocalServer) -> None:
    spec = catalogue_of().actions["SPOKI_CREATE_OR_UPDATE_CONTACT"]
    driver = Driver(None, spec, Keys(environ=KEYS), Options(base_url=local_server.base_url), None)  # type: ignore[arg-type]

    async def wire() -> str:
        async with driver.client("a") as client:
            return client.wire
    assert asyncio.run(wire()) == "aiohttp"


def test_a_batch_completes_over_the_aiohttp_wire(local_server: LocalServer, tmp_path: Path) -> None:
    local_server.behaviour["/api/1/contacts/sync/"] = lambda h: send_json(h, 200, {"id": 1, "phone": "+39333"})
    source = tmp_path / "rows.csv"
    source.write_text("account,phone\n" + "".join(f"{'ab'[n % 2]},+39333{n:07d}\n" for n in range(40)))
    summary = run_batch(source, "SPOKI_CREATE_OR_UPDATE_CONTACT", keys=Keys(environ=KEYS),
                        options=Options(pace=False, base_url=local_server.base_url))
    assert summary.counts["done"] == 40
    sent = {headers["X-Spoki-Api-Key"] for _, _, headers, _ in local_server.seen}
    assert sent == set(KEYS.values()) and len(local_server.seen) == 40
