"""File helpers the emitters share: Jinja templates and JSON files that name their own faults.

Input: a template name and its values, or a JSON document with its serialiser. Output: bytes.
Templates live in `generator/templates/` and do no more than lay out what an emitter decided.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import schemas
from ..errors import GeneratorError

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).parent.parent / "templates"


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Python and Markdown, not HTML: the emitters and `escape` make values safe
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def template(name: str, **values: Any) -> bytes:
    return _environment().get_template(name).render(**values).encode("utf-8")


def json_file(path: str, dump: Callable[[], bytes], document: Any) -> bytes:
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
