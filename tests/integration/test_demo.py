"""`make demo` keeps working: the demo script runs against a fresh simulator and every check passes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).parents[2] / "examples" / "demo.py"


def test_demo_runs_clean() -> None:
    result = subprocess.run([sys.executable, str(DEMO)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "FAIL" not in out
    for heading in ("1. Upsert", "2. List and filter", "3. Create and rename", "4. Open tickets",
                    "5. An account's current report", "6. A bad input"):
        assert heading in out
    assert "Simulator stopped. 0 failed checks" in out


def test_the_readme_shows_what_the_demo_prints() -> None:
    """README.md's "What `make demo` prints" block is the demo's output, but for the port and the time taken."""
    readme = (DEMO.parents[1] / "README.md").read_text("utf-8")
    shown = readme.split("## What `make demo` prints\n\n```\n", 1)[1].split("```", 1)[0]
    result = subprocess.run([sys.executable, str(DEMO)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr

    def steady(text: str) -> str:
        text = re.sub(r"http://127\.0\.0\.1:\d+/", "http://127.0.0.1:PORT/", text)
        return re.sub(r"failed checks; [0-9.]+ s in all", "failed checks; T s in all", text)

    assert steady(result.stdout) == steady(shown), "README.md's demo output drifted from examples/demo.py"
