"""Emitter: the Markdown docs (`docs/<group>/<stem>.md` per action, `docs/README.md` the index).

Input: the catalogue. Output: the pages, laid out by the templates from `_docs_view`.
"""

from __future__ import annotations

from spoki_actions.spec import Catalogue

from ..pytypes import def_classes
from ..schemas import sample_markdown
from . import _docs_view as view
from . import _files


def emit(catalogue: Catalogue) -> dict[str, bytes]:
    classes = def_classes(catalogue)
    files = {f"docs/{view.doc_path(action)}":
             _files.template("action.md.jinja", doc=view.doc_action(action, catalogue, classes),
                             sample=sample_markdown(action))
             for action in catalogue.actions.values()}
    files["docs/README.md"] = _files.template("index.md.jinja", index=view.doc_index(catalogue))
    return files
