"""Build a symlink tree that mirrors the installed `spoki_actions` package, for mypy.

mypy cannot follow setuptools' editable-install import hook (our package is mapped from
runtime/, generator/, simulator/ and generated/python/), so `make check` points mypy at this
tree instead: DEST/spoki_actions/<runtime files>, .../generator, .../simulator, .../generated.
Usage: python .ci/typing_tree.py DEST
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPPING = {"generator": "generator", "simulator": "simulator", "generated": "generated/python", "batch": "batch",
           "tools": "tools", "mcp_server": "mcp_server"}


def build(dest: Path) -> Path:
    pkg = dest / "spoki_actions"
    if pkg.exists():
        shutil.rmtree(pkg)
    pkg.mkdir(parents=True)
    for item in sorted((ROOT / "runtime").iterdir()):
        if item.name == "__pycache__":
            continue
        (pkg / item.name).symlink_to(item)
    for name, source in MAPPING.items():
        if (ROOT / source).is_dir():
            (pkg / name).symlink_to(ROOT / source, target_is_directory=True)
    return pkg


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else ".typing"))
