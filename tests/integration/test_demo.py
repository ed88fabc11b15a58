"""`make demo` keeps working: the demo script runs against a fresh simulator and every check passes."""

from __future__ import annotations

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
