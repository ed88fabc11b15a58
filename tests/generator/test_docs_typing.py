"""The README's Python snippets and `examples/demo.py` pass `mypy --strict`, so the docs cannot drift
from the typed bindings (no casts, no getattr/hasattr workarounds needed to reach typed data)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

TREE = ROOT / ".typing" / "docs-tests"  # its own symlink tree, beside the others
_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def readme_snippets() -> list[str]:
    return _BLOCK.findall((ROOT / "README.md").read_text())


def test_the_readme_has_python_snippets_to_check() -> None:
    blocks = readme_snippets()
    assert len(blocks) >= 2 and any("_or_raise" in b and ".unwrap()" in b for b in blocks)


def test_readme_snippets_and_the_demo_pass_mypy_strict(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / ".ci" / "typing_tree.py"), str(TREE)], check=True)
    files = []
    for i, block in enumerate(readme_snippets(), 1):
        path = tmp_path / f"readme_snippet_{i}.py"
        path.write_text(block)
        files.append(str(path))
    demo = (ROOT / "examples" / "demo.py").read_text()
    assert "getattr(" not in demo and "hasattr(" not in demo
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--strict",
         "--cache-dir", str(TREE / ".mypy_cache"), "--no-error-summary", "--hide-error-context",
         str(ROOT / "examples" / "demo.py"), *files],
        cwd=TREE, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
