"""Emitter: the compiled catalogue the runtime loads (`python/catalogue.json`).

Input: the catalogue. Output: exactly `spec.to_dict`, plus a `$comment` banner, so the runtime
starts without parsing YAML.
"""

from __future__ import annotations

import json
from typing import Any

from spoki_actions.spec import Catalogue, to_dict

from ..write import banner
from ._files import json_file

PATH = "python/catalogue.json"


def catalogue_json(catalogue: Catalogue, document: dict[str, Any] | None = None) -> bytes:
    """The file's bytes; `document` is `to_dict(catalogue)` when the caller already has it."""
    document = {"$comment": banner(), **(to_dict(catalogue) if document is None else document)}
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n").encode()


def emit(catalogue: Catalogue) -> dict[str, bytes]:
    document = to_dict(catalogue)  # once: the file's content and, should it fail, where the bad value is
    return {PATH: json_file(PATH, lambda: catalogue_json(catalogue, document), document)}
