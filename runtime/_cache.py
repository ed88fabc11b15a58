"""The per-client answer cache for actions that declare `behaviour.cache_ttl`.

Stage: around the request, after validation. Input: the action name and its normalized values
(the key), a successful `data` and the current time. Output: a copy of a fresh-enough `data`,
or None. Only successful answers are stored; entries expire after the action's TTL; the cache
holds at most `max_entries` (oldest dropped first). Copies go in and out, so a caller mutating
what it got cannot change what the next caller gets.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

# json.dumps with options builds an encoder per call; this one, built once, gives the same text
_KEY_TEXT = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=repr).encode


def cache_key(action: str, values: Mapping[str, Any]) -> str:
    return action + _KEY_TEXT(values)


class AnswerCache:
    def __init__(self, max_entries: int = 256) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self.max_entries = max_entries

    def get(self, key: str, now: float) -> tuple[bool, Any]:
        """(True, a copy of data) for a live entry, else (False, None)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            expires, data = entry
            if now >= expires:
                del self._entries[key]
                return False, None
        return True, copy.deepcopy(data)

    def put(self, key: str, data: Any, now: float, ttl: float) -> None:
        stored = copy.deepcopy(data)
        with self._lock:
            self._entries[key] = (now + ttl, stored)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
