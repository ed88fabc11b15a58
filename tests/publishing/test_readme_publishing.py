"""The README's publishing section runs as written: its Python block executes, and its commands exist."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECTION = (ROOT / "README.md").read_text().split("## Publishing schemas to other teams", 1)[1].split("\n## ", 1)[0]


def test_the_python_block_runs() -> None:
    block = SECTION.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(block, "README.md", "exec"), {})


def test_the_commands_named_exist() -> None:
    for command in ("schemas", "diff"):
        assert f"spoki-actions {command}" in SECTION
        done = subprocess.run([sys.executable, "-m", "spoki_actions.cli", command, "--help"], capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0, done.stderr
