"""mypy --strict passes on the generated bindings and rejects wrong calls to them.

One mypy run checks `spoki_actions.generated` (through the symlink tree `.ci/typing_tree.py` builds),
`tests/typing/right_calls.py` (must pass) and `tests/typing/wrong_calls.py`, where each
`# E: <text>` comment names the error expected on the line below it; nothing else may fail.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

TYPING = ROOT / "tests" / "typing"
TREE = ROOT / ".typing" / "generator-tests"  # beside `make check`'s tree, never the same folder
_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<message>.*)$")


def _expected(path: Path) -> dict[int, str]:
    lines = path.read_text().splitlines()
    return {i + 2: line.strip()[len("# E: "):] for i, line in enumerate(lines) if line.strip().startswith("# E: ")}


def test_mypy_strict_accepts_the_bindings_and_rejects_wrong_calls() -> None:
    subprocess.run([sys.executable, str(ROOT / ".ci" / "typing_tree.py"), str(TREE)], check=True)
    wrong, right = TYPING / "wrong_calls.py", TYPING / "right_calls.py"
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--strict",
         "--cache-dir", str(TREE / ".mypy_cache"), "--no-error-summary", "--hide-error-context",
         "spoki_actions/generated", str(right), str(wrong)],
        cwd=TREE, capture_output=True, text=True, check=False,
    )
    errors: dict[tuple[str, int], list[str]] = {}
    for line in done.stdout.splitlines():
        match = _LINE.match(line)
        if match:
            errors.setdefault((Path(match["file"]).name, int(match["line"])), []).append(match["message"])
    unexpected = {where: msgs for where, msgs in errors.items() if where[0] != wrong.name}
    assert not unexpected, f"mypy rejected the bindings or right_calls.py:\n{done.stdout}"
    expected = _expected(wrong)
    assert len(expected) >= 9
    for line, text in expected.items():
        got = errors.get((wrong.name, line), [])
        assert any(text in message for message in got), f"wrong_calls.py:{line}: expected {text!r}, got {got}"
    stray = sorted(line for (name, line) in errors if name == wrong.name and line not in expected)
    assert not stray, f"unexpected errors in wrong_calls.py at lines {stray}:\n{done.stdout}"
