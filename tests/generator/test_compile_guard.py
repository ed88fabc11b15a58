"""The last guard: generated Python that does not compile stops the run before anything is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from spoki_actions.generator import render
from spoki_actions.generator.emitters import _files, python
from spoki_actions.generator.errors import GeneratorError
from spoki_actions.loader import load_catalogue

from .conftest import SMALL, run_generate


@pytest.mark.parametrize(("path", "aio"), [("python/actions.py", False), ("python/aio.py", True)])
def test_bindings_that_do_not_compile_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  path: str, aio: bool) -> None:
    real = _files.template

    def broken(name: str, **values: Any) -> bytes:
        made = real(name, **values)
        return made + b"\ndef (:\n" if name == "actions.py.jinja" and values.get("aio") is aio else made

    monkeypatch.setattr(_files, "template", broken)
    with pytest.raises(GeneratorError) as caught:
        render.render(load_catalogue(SMALL))
    (problem,) = caught.value.problems
    assert problem.startswith(f"{path}:") and problem.endswith(": generated code does not compile: invalid syntax")
    out = tmp_path / "out"
    with pytest.raises(GeneratorError):
        run_generate(SMALL, out)
    assert not out.exists()


def test_the_python_emitter_checks_what_render_skips() -> None:
    assert {"python/models.py", "python/actions.py", "python/aio.py"} == python.PARSED
    python.check_compiles("x.py", b"x = 1\n")
    with pytest.raises(GeneratorError, match=r"^x.py:1: generated code does not compile: '\(' was never closed$"):
        python.check_compiles("x.py", b"x = (\n")
