"""Emitter: the Python package `spoki_actions.generated` (bindings, models, envelope helper).

Input: the catalogue. Output: `python/__init__.py`, `_envelope.py`, `actions.py` and `aio.py`
(one template, sync and async), `models.py` (one datamodel-code-generator call) and `py.typed`.
The compiled `python/catalogue.json` is the `catalogue` emitter's.
"""

from __future__ import annotations

from spoki_actions.spec import Catalogue

from ..write import banner
from . import _bindings, _datamodels, _files

# models.py is parsed (and so compiled-checked) once, by `_datamodels`; `render` need not again
PARSED = frozenset({"python/models.py"})


def emit(catalogue: Catalogue) -> dict[str, bytes]:
    module = _bindings.py_module(catalogue)
    return {
        "python/__init__.py": _files.template("__init__.py.jinja", banner=banner()),
        "python/_envelope.py": _files.template("_envelope.py.jinja", banner=banner()),
        "python/actions.py": _files.template("actions.py.jinja", module=module, aio=False),
        "python/aio.py": _files.template("actions.py.jinja", module=module, aio=True),
        "python/models.py": _datamodels.render(catalogue).encode("utf-8"),
        "python/py.typed": f"# {banner()}\n".encode(),
    }
