"""Emitter: the Python package `spoki_actions.generated` (bindings, models, envelope helper).

Input: the catalogue. Output: `python/__init__.py`, `_envelope.py`, `actions.py` and `aio.py`
(one template, sync and async), `models.py` (one datamodel-code-generator call) and `py.typed`.
The compiled `python/catalogue.json` is the `catalogue` emitter's.
"""

from __future__ import annotations

from spoki_actions.spec import Catalogue

from ..errors import GeneratorError
from ..write import banner
from . import _bindings, _datamodels, _files

# compile-checked here, so `render` need not again: models.py is parsed once, by `_datamodels`; the
# bindings (the largest files) are compiled before the models are collected, while dmcg may still run
PARSED = frozenset({"python/models.py", "python/actions.py", "python/aio.py"})


def check_compiles(path: str, content: bytes) -> None:
    """The last guard against spec text leaking into code: `GeneratorError` unless `content` compiles."""
    try:
        compile(content, path, "exec", dont_inherit=True)
    except SyntaxError as exc:  # a generator bug, never a spec's fault: stop before writing
        raise GeneratorError([f"{path}:{exc.lineno}: generated code does not compile: {exc.msg}"]) from exc


def emit(catalogue: Catalogue) -> dict[str, bytes]:
    module = _bindings.py_module(catalogue)
    bindings = {
        "python/actions.py": _files.template("actions.py.jinja", module=module, aio=False),
        "python/aio.py": _files.template("actions.py.jinja", module=module, aio=True),
    }
    for path, content in bindings.items():
        check_compiles(path, content)
    return {
        "python/__init__.py": _files.template("__init__.py.jinja", banner=banner()),
        "python/_envelope.py": _files.template("_envelope.py.jinja", banner=banner()),
        **bindings,
        "python/models.py": _datamodels.render(catalogue).encode("utf-8"),
        "python/py.typed": f"# {banner()}\n".encode(),
    }
