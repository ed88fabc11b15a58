"""Render: catalogue → every generated file, in memory.

Input: a loaded `Catalogue`. Output: `{relative path: bytes}` for the whole `generated/` tree
(schemas, docs, the Python package with its compiled catalogue, the marker listing them), sorted. Pure: nothing is read
but the templates and nothing is written, so a failure here leaves the output folder untouched.
Every Python file is compiled before it is returned, as a last guard against spec text leaking
into code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spoki_actions.spec import Catalogue, to_dict

from . import datamodels, schemas, view, write
from .emitters import openapi
from .errors import GeneratorError

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Python and Markdown, not HTML: `view` and `escape` make values safe
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _template(name: str, **values: Any) -> bytes:
    return _environment().get_template(name).render(**values).encode("utf-8")


def catalogue_json(catalogue: Catalogue) -> bytes:
    """The compiled catalogue: exactly `spec.to_dict`, plus a `$comment` banner."""
    document = {"$comment": view.banner(), **to_dict(catalogue)}
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n").encode()


def _json_file(path: str, dump: Callable[[], bytes], document: Any) -> bytes:
    """`dump()`, or a `GeneratorError` naming the file and key when a value is NaN or infinite
    (JSON has neither; the loader refuses them, so reaching this is a loader gap)."""
    try:
        return dump()
    except ValueError as exc:
        where = schemas.non_finite(document)
        if where is None:
            raise
        key, value = where
        raise GeneratorError([f"{path}: {key or '(top level)'} is {value!r}, which JSON cannot hold "
                              "(NaN and infinities are not JSON numbers); fix the spec"]) from exc


def render(catalogue: Catalogue) -> dict[str, bytes]:
    """Every file of the output tree, by path relative to it."""
    files: dict[str, bytes] = {}
    for action in catalogue.actions.values():
        s = view.stem(action)
        for kind, schema in (("input", schemas.input_schema(action)), ("output", schemas.output_schema(action))):
            path = f"schemas/{s}.{kind}.json"
            files[path] = _json_file(path, partial(schemas.dump, schema), schema)
    files["schemas/index.json"] = schemas.dump(schemas.index(catalogue))
    files["__init__.py"] = f'"""Published documents, read by spoki_actions.schemas. {view.banner()}"""\n'.encode()
    classes = view.def_classes(catalogue)
    for action in catalogue.actions.values():
        files[f"docs/{view.doc_path(action)}"] = _template(
            "action.md.jinja", doc=view.doc_action(action, catalogue, classes),
            sample=schemas.sample_markdown(action))
    files["docs/README.md"] = _template("index.md.jinja", index=view.doc_index(catalogue))
    module = view.py_module(catalogue)
    files["python/__init__.py"] = _template("__init__.py.jinja", banner=view.banner())
    files["python/_envelope.py"] = _template("_envelope.py.jinja", banner=view.banner())
    files["python/actions.py"] = _template("actions.py.jinja", module=module)
    files["python/aio.py"] = _template("aio.py.jinja", module=module)
    files["python/models.py"] = datamodels.render(catalogue).encode("utf-8")
    files["python/py.typed"] = f"# {view.banner()}\n".encode()
    files["python/catalogue.json"] = _json_file("python/catalogue.json", lambda: catalogue_json(catalogue),
                                                to_dict(catalogue))
    files[".gitignore"] = (f"# {view.banner()}\n# the no-op fast path's record of the last run (local only)\n"
                           f"/{write.CACHE_FILE}\n").encode()
    files.update(openapi.emit(catalogue))
    files[write.MARKER] = write.manifest(files)
    for path, content in files.items():
        if path.endswith(".py"):
            try:
                compile(content, path, "exec", dont_inherit=True)
            except SyntaxError as exc:  # a generator bug, never a spec's fault: stop before writing
                raise GeneratorError([f"{path}:{exc.lineno}: generated code does not compile: {exc.msg}"]) from exc
    return dict(sorted(files.items()))
