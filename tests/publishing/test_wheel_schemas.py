"""pip-installing the wheel gives a team the published documents: built from a clean copy of the tree,
installed into a temp folder, `spoki_actions.schemas` loads and validates against a pinned `$id` there."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import sys, jsonschema
sys.path.insert(0, TARGET)
import spoki_actions
from spoki_actions import schemas
assert spoki_actions.__file__.startswith(TARGET), spoki_actions.__file__
base = schemas.index()["schema_id_base"]
jsonschema.Draft202012Validator(schemas.by_id(base + "list_tickets.input.json")).validate({"status": "OPEN"})
print(schemas.version(), len(schemas.index()["actions"]))
"""


def test_installed_wheel_serves_the_schemas(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(".venv", ".typing", "build", "dist", ".git",
                                                              "__pycache__", "*.egg-info", ".*_cache"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path / "dist"), str(tree)], capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("*.whl"))
    target = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                           str(wheel)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (target / "spoki_actions/_published/openapi/spoki.openapi.json").is_file()
    ran = subprocess.run([sys.executable, "-c", f"TARGET = {str(target)!r}\n" + SCRIPT], capture_output=True,
                         text=True, check=False, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    version, count = ran.stdout.split()
    assert int(count) >= 1 and version.count(".") == 2
