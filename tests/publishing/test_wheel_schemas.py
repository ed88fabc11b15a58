"""pip-installing the wheel gives a team the published documents: built from a clean copy of the tree,
installed into a temp folder, `spoki_actions.schemas` loads and validates against a pinned `$id` there,
and `spoki-actions diff installed NEXT.whl` says what the next release's wheel breaks for it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
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
    (tmp_path / "next").mkdir()
    target = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                           str(wheel)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    published = target / "spoki_actions/_published"
    for document in ("openapi/spoki.openapi.json", "openapi/spoki.openapi.yaml", "schemas/index.json"):
        assert (published / document).is_file(), document
    assert {p.name for p in (published / "tools").glob("*.json")} == {
        p.name for p in (ROOT / "generated/tools").glob("*.json")}  # the tool definitions of every dialect
    ran = subprocess.run([sys.executable, "-c", f"TARGET = {str(target)!r}\n" + SCRIPT], capture_output=True,
                         text=True, check=False, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    version, count = ran.stdout.split()
    assert int(count) >= 1 and version.count(".") == 2

    # what the next release breaks for this team, in one command, from the installed package alone
    after, old, new = _next_release(wheel, tmp_path / "next" / wheel.name)
    env = {**os.environ, "PYTHONPATH": str(target)}
    diff = subprocess.run([sys.executable, "-m", "spoki_actions.cli", "diff", "installed", str(after),
                           "--check-version"], capture_output=True, text=True, check=False, cwd=tmp_path, env=env)
    assert diff.returncode == 1, diff.stderr
    assert re.search(r"^breaking\s+action-removed\s+SPOKI_LIST_TICKETS: action removed", diff.stdout, re.M)
    needs, verdict = ("minor", "enough") if old.startswith("0.") else ("major", "NOT enough")  # semver on 0.x
    assert diff.stdout.rstrip().endswith(f"needs at least a {needs} release; {old} -> {new} is {verdict}"), diff.stdout


def _next_release(wheel: Path, dest: Path) -> tuple[Path, str, str]:
    """The same wheel as a next minor release that dropped SPOKI_LIST_TICKETS (its catalogue and version)."""
    with zipfile.ZipFile(wheel) as source:
        meta_name = next(n for n in source.namelist() if n.endswith(".dist-info/METADATA"))
        old = re.search(r"^Version: (\S+)", source.read(meta_name).decode(), re.M)
        assert old is not None
        major, minor, _ = old.group(1).split(".")
        new = f"{major}.{int(minor) + 1}.0"
        with zipfile.ZipFile(dest, "w") as target:
            for item in source.infolist():
                content = source.read(item)
                if item.filename == "spoki_actions/generated/catalogue.json":
                    data = json.loads(content)
                    del data["actions"]["SPOKI_LIST_TICKETS"]
                    content = json.dumps(data).encode()
                elif item.filename == meta_name:
                    content = content.replace(f"Version: {old.group(1)}".encode(), f"Version: {new}".encode())
                target.writestr(item, content)
    return dest, old.group(1), new
