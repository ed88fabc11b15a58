"""Shard work: one account's chunk of rows, sent in order through one `AsyncClient`.

Input: the action, the rows `(seq, params)` of one chunk, a client for the account's key and a
stop flag. Output: a journal `Result` per row that was sent, in order; rows left when the flag is
raised are not sent (the caller releases them). Pacing and retries are the runtime's own: the
client of a key paces that key at its declared limits. Shared by the asyncio and Dask runners.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spoki_actions import AsyncClient

from .journal import Result
from .outcomes import result_of


async def send_chunk(client: AsyncClient, action: str, rows: list[tuple[int, dict[str, Any]]], unsafe: bool,
                     stopping: Callable[[], bool]) -> list[Result]:
    results: list[Result] = []
    for seq, params in rows:
        if stopping():
            break
        outcome = await client.execute(action, params, cache=False)
        results.append(result_of(seq, outcome, unsafe))
    return results
