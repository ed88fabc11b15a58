"""Emitter: the LLM tool definitions, one file per dialect, under tools/.

Input: the frozen `Catalogue`. Output: `{"tools/<dialect>.json": bytes}`, each
`{"$comment", "dialect", "tools": [...]}` with every action (deprecated ones included, flagged
in their descriptions), as `spoki_actions.tools` projects them at run time.
Deterministic: sorted keys, catalogue order, no timestamps.
"""

from __future__ import annotations

import json
import warnings

from spoki_actions.spec import Catalogue
from spoki_actions.tools import DIALECTS, tools

from ..write import banner


def emit(catalogue: Catalogue) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for dialect in DIALECTS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # anthropic-strict's per-request subset is documented in the file
            listing = tools(dialect, catalogue, deprecated=True)
        document = {"$comment": banner(), "dialect": dialect, "tools": listing}
        text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False)
        files[f"tools/{dialect}.json"] = (text + "\n").encode()
    return files
