"""simulator/README.md's Python block runs as written (a real loopback server, then the in-process transport)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).parents[2] / "simulator" / "README.md"


def test_the_readme_python_block_runs() -> None:
    (block,) = re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), flags=re.DOTALL)
    namespace: dict[str, object] = {}
    exec(compile(block, str(README), "exec"), namespace)
    assert {"server", "transport", "client"} <= namespace.keys()  # every statement ran, the last `with` too
