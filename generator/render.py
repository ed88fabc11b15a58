"""Render: catalogue → every generated file, in memory.

Input: a loaded `Catalogue` and the `since` ledger `build` read from the last output. Output:
`{relative path: bytes}` for the whole `generated/` tree: what every emitter in `emitters.EMITTERS`
returns (schemas, docs, the Python package, the compiled catalogue), plus the folder's own
`.gitignore` and the marker listing them, sorted. Pure: nothing is read but the templates and nothing
is written, so a failure here leaves the output folder untouched.
Every Python file is compiled before it is returned, as a last guard against spec text leaking
into code (`models.py` is parsed once, where it is made).
"""

from __future__ import annotations

from collections.abc import Mapping

from spoki_actions.spec import Catalogue

from . import emitters, write
from .emitters import python
from .errors import GeneratorError


def render(catalogue: Catalogue, since: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """Every file of the output tree, by path relative to it; `since` is the ledger of the last run."""
    files = emitters.emit_all(catalogue, since=since)
    files["__init__.py"] = f'"""Published documents, read by spoki_actions.schemas. {write.banner()}"""\n'.encode()
    files[".gitignore"] = (f"# {write.banner()}\n# the no-op fast path's record of the last run (local only)\n"
                           f"/{write.CACHE_FILE}\n").encode()
    files[write.MARKER] = write.manifest(files)
    for path, content in files.items():
        if path.endswith(".py") and path not in python.PARSED:
            try:
                compile(content, path, "exec", dont_inherit=True)
            except SyntaxError as exc:  # a generator bug, never a spec's fault: stop before writing
                raise GeneratorError([f"{path}:{exc.lineno}: generated code does not compile: {exc.msg}"]) from exc
    return dict(sorted(files.items()))
