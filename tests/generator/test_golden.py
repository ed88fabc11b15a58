"""Golden files: the small fixture specs generate exactly the tree under tests/golden/.

Regenerate after an intended change with `SPOKI_REGEN_GOLDEN=1 pytest tests/generator/test_golden.py`
and review the diff like any other change.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from spoki_actions.generator import write

from .conftest import GOLDEN

REGENERATE = os.environ.get("SPOKI_REGEN_GOLDEN") == "1"


def _tree(folder: Path) -> dict[str, bytes]:
    return {rel: path.read_bytes() for rel, path in write.existing(folder, frozenset({write.CACHE_FILE})).items()}


def test_small_specs_match_the_golden_tree(small_out: Path) -> None:
    actual = _tree(small_out)
    if REGENERATE:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, content in actual.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(content)
    expected = _tree(GOLDEN)
    assert sorted(actual) == sorted(expected), "the set of generated files changed"
    for rel in expected:
        if actual[rel] != expected[rel]:
            diff = "\n".join(difflib.unified_diff(
                expected[rel].decode().splitlines(), actual[rel].decode().splitlines(),
                f"golden/{rel}", f"generated/{rel}", lineterm="", n=2))
            raise AssertionError(f"{rel} differs from its golden file:\n{diff[:4000]}")


def test_golden_tree_covers_every_kind_of_file() -> None:
    names = set(_tree(GOLDEN))
    for expected in ("schemas/index.json", "schemas/create_thing.input.json", "schemas/create_thing.output.json",
                     "docs/README.md", "docs/things/create_thing.md", "python/__init__.py", "python/actions.py",
                     "python/aio.py", "python/models.py", "python/py.typed", "python/catalogue.json",
                     "python/_envelope.py", ".gitignore"):
        assert expected in names
