"""The asyncio twin: same plan, driven with awaits; `arun_action` with a default client per event
loop; the simulator in-process through `httpx.ASGITransport`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from spoki_actions import AsyncClient, ErrorKind, NotFoundError, arun_action, arun_action_or_raise
from spoki_actions._client import aclose_default_async_clients

from .rt_support import FakeApi, FakeClock, LocalServer, send_json


def test_success_errors_and_retries(api: FakeApi, make_async_client: Callable[..., AsyncClient],
                                    clock: FakeClock) -> None:
    api.on("GET", "tags/", httpx.Response(503), httpx.ReadTimeout("slow"), httpx.Response(200, json={"count": 0}))
    api.json("POST", "contacts/sync/", {"phone": ["Enter a valid phone number."]}, status=400)

    async def main() -> None:
        async with make_async_client() as client:
            outcome = await client.execute("SPOKI_LIST_TAGS")
            assert outcome.successful and outcome.attempts == 3 and len(clock.sleeps) == 2
            envelope = await client.run("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234567"})
            assert envelope == {"data": {}, "successful": False,
                                "error": "HTTP 400 Bad Request from POST contacts/sync/: phone: Enter a valid phone "
                                         "number."}
            invalid = await client.execute("SPOKI_RETRIEVE_TAG", {"id": True})
            assert invalid.kind is ErrorKind.VALIDATION
            with pytest.raises(NotFoundError):
                await client.call("SPOKI_RETRIEVE_TAG", {"id": 1})
            assert await arun_action("SPOKI_LIST_TAGS", client=client) == {"data": {"count": 0}, "error": None,
                                                                          "successful": True}
            with pytest.raises(NotFoundError):
                await arun_action_or_raise("SPOKI_RETRIEVE_TAG", {"id": 1}, client=client)
    asyncio.run(main())


def test_pagination_and_deprecation(api: FakeApi, make_async_client: Callable[..., AsyncClient]) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params.get("page", "1"))
        nxt = f"https://api.spoki.com/api/1/agencies/?page={n + 1}" if n < 2 else None
        return httpx.Response(200, json={"next": nxt, "results": [{"id": n, "account": n}]})
    api.on("GET", "agencies/", page)
    api.json("GET", "partners/", {"count": 0, "results": []})

    async def main() -> tuple[Any, Any]:
        async with make_async_client() as client:
            agencies = await client.call("SPOKI_LIST_AGENCIES")
            with pytest.warns(DeprecationWarning, match="placeholder") as warned:
                partners = await client.call("SPOKI_SPOKI_LIST_PARTNERS")
            assert warned[0].filename == __file__
            return agencies, partners
    assert asyncio.run(main()) == ([{"id": 1, "account": 1}, {"id": 2, "account": 2}], {"count": 0, "results": []})


def test_arun_action_default_client_per_loop(monkeypatch: pytest.MonkeyPatch, local_server: LocalServer) -> None:
    local_server.behaviour["/api/1/tags/7/"] = lambda h: send_json(h, 200, {"id": 7})
    monkeypatch.setenv("SPOKI_BASE_URL", local_server.base_url)

    async def main() -> dict[str, Any]:
        try:
            return await arun_action("SPOKI_RETRIEVE_TAG", {"id": 7})
        finally:
            await aclose_default_async_clients()
    assert asyncio.run(main())["data"] == {"id": 7}
    assert asyncio.run(main())["data"] == {"id": 7}  # a new loop gets its own client


def test_arun_action_without_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPOKI_API_KEY")
    envelope = asyncio.run(arun_action("SPOKI_LIST_TAGS"))
    assert envelope["successful"] is False and envelope["error"].startswith("no API key")


def test_against_the_in_process_simulator(spoki_asgi_transport: httpx.ASGITransport,
                                         spoki_simulator_config: Any) -> None:
    async def main() -> None:
        async with AsyncClient(api_key=spoki_simulator_config.api_key, base_url="https://spoki.test/api/1",
                               transport=spoki_asgi_transport, strict=True, pace=False) as client:
            agencies = await client.call("SPOKI_LIST_AGENCIES")
            assert len(agencies) == 45
            tickets = await client.call("SPOKI_LIST_TICKETS", {"status": "closed", "per_page": 3})
            assert all(t["status"] == "Closed" for t in tickets["results"])
            found = await asyncio.gather(*(client.run("SPOKI_RETRIEVE_TAG", {"id": i}) for i in range(1, 6)))
            assert all(e["successful"] for e in found)
    asyncio.run(main())
