"""Render: catalogue → every generated file, in memory.

Input: a loaded `Catalogue` and the `since` ledger `build` read from the last output. Output:
`{relative path: bytes}` for the whole `generated/` tree: what every emitter in `emitters.EMITTERS`
returns (schemas, docs, the Python package, the compiled catalogue), plus the folder's own
`.gitignore` and the marker listing them, sorted. Pure: nothing is read but the templates and nothing
is written, so a failure here leaves the output folder untouched.
Every Python file is compiled before it is returned, as a last guard against spec text leaking
into code (the Python emitter checks its own files where it makes them: `python.PARSED`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from spoki_actions.spec import Catalogue

from . import emitters, write
from .emitters import _datamodels, python


def render(catalogue: Catalogue, since: Mapping[str, str] | None = None,
           ahead: Callable[[dict[str, bytes]], None] | None = None) -> dict[str, bytes]:
    """Every file of the output tree, by path relative to it; `since` is the ledger of the last run.
    `ahead` gets the files rendered before the models are collected (`emitters.emit_all`)."""
    _datamodels.start(catalogue)  # dmcg's part of models.py begins (in the worker, if any) while the rest renders
    files = emitters.emit_all(catalogue, since=since, ahead=ahead)
    files["__init__.py"] = f'"""Published documents, read by spoki_actions.schemas. {write.banner()}"""\n'.encode()
    files[".gitignore"] = (f"# {write.banner()}\n# the no-op fast path's record of the last run (local only)\n"
                           f"/{write.CACHE_FILE}\n").encode()
    files[write.MARKER] = write.manifest(files)
    for path, content in files.items():
        if path.endswith(".py") and path not in python.PARSED:
            python.check_compiles(path, content)
    return dict(sorted(files.items()))
