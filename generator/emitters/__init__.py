"""Emitters: one module per output, each `emit(catalogue) -> {path: bytes}` for the files it owns.

Input: the frozen catalogue. Output: files by path relative to the output root; an emitter never
touches the disk (`write` is the only code that does). Adding an output is one module here and one
line in `EMITTERS`; shared type decisions are `generator.pytypes`, shared wording `generator.escape`.

    schemas    schemas/*.json          JSON Schemas of every input and output envelope, index.json
    docs       docs/**/*.md            one page per action and the index
    python     python/*.py, py.typed   typed bindings (sync and async from one template) and models
    catalogue  python/catalogue.json   the compiled catalogue the runtime loads
    tools      tools/*.json            LLM tool definitions, one file per dialect
    openapi    openapi/spoki.openapi.* the OpenAPI 3.1 document (JSON and YAML)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import ModuleType

from spoki_actions.spec import Catalogue

from . import catalogue, docs, openapi, python, schemas, tools

# python last: its models come from dmcg, which runs in a worker process meanwhile (`_dmcg`)
EMITTERS: tuple[ModuleType, ...] = (schemas, docs, catalogue, tools, openapi, python)


def emit_all(source: Catalogue, emitters: tuple[ModuleType, ...] = EMITTERS, *,
             since: Mapping[str, str] | None = None,
             ahead: Callable[[dict[str, bytes]], None] | None = None) -> dict[str, bytes]:
    """Every emitter's files; two emitters claiming one path is a generator bug, refused. `since`
    (the ledger of when each action appeared, read by `build` from the last output) goes to `schemas`;
    `ahead` is given the files of every emitter but the last (python, which waits for dmcg) before
    that one runs."""
    files: dict[str, bytes] = {}
    for emitter in emitters:
        if ahead is not None and emitter is emitters[-1]:
            ahead(dict(files))
        emit: Callable[[Catalogue], dict[str, bytes]] = emitter.emit
        produced = schemas.emit(source, since) if emitter is schemas else emit(source)
        clash = sorted(set(produced) & set(files))
        if clash:
            raise AssertionError(f"{emitter.__name__} emits {', '.join(clash)}, already emitted")
        files.update(produced)
    return files
