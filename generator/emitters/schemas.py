"""Emitter: the JSON Schemas (`schemas/<stem>.input.json`, `.output.json`, `index.json`).

Input: the catalogue and the `since` ledger of the last run. Output: the files, serialised
canonically. What each schema holds is decided in `generator/schemas.py`; this module only names
and writes the files.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from spoki_actions.spec import Catalogue

from .. import naming, schemas
from ._files import json_file


def emit(catalogue: Catalogue, since: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """The schema files; `since` is the ledger an earlier run left (`schemas.ledger`)."""
    files: dict[str, bytes] = {}
    for action in catalogue.actions.values():
        s = naming.stem(action)
        for kind, schema in (("input", schemas.input_schema(action)), ("output", schemas.output_schema(action))):
            path = f"schemas/{s}.{kind}.json"
            files[path] = json_file(path, partial(schemas.dump, schema), schema)
    files["schemas/index.json"] = schemas.dump(schemas.index(catalogue, since, files))  # hashes the bytes above
    return files
