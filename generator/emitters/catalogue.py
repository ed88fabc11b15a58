"""Emitter: the compiled catalogue the runtime loads (`python/catalogue.json`).

Input: the catalogue. Output: exactly `spec.to_dict`, plus a `$comment` banner, so the runtime
starts without parsing YAML.
"""

from __future__ import annotations

import json

from spoki_actions.spec import Catalogue, to_dict

from ..write import banner
from ._files import json_file

PATH = "python/catalogue.json"


def catalogue_json(catalogue: Catalogue) -> bytes:
    document = {"$comment": banner(), **to_dict(catalogue)}
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n").encode()


def emit(catalogue: Catalogue) -> dict[str, bytes]:
    return {PATH: json_file(PATH, lambda: catalogue_json(catalogue), to_dict(catalogue))}
