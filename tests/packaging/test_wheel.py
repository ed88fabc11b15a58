"""Packaging: the wheel holds one import root, `spoki_actions`, and works outside this checkout.

Builds the wheel from the source tree, inspects its file list, installs it (without deps) into a
fresh virtual environment whose dependencies come from the test venv through a plain path entry
(so the editable install's import hook is NOT active there), then imports it and runs the CLI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    (found,) = out.glob("spoki_actions-*.whl")
    return found


def test_wheel_has_one_import_root(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    roots = {n.split("/", 1)[0] for n in names}
    assert roots == {"spoki_actions", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info"}
    for expected in (
        "spoki_actions/__init__.py", "spoki_actions/py.typed", "spoki_actions/meta/action.schema.json",
        "spoki_actions/generator/__init__.py", "spoki_actions/simulator/__init__.py",
        "spoki_actions/generated/__init__.py", "spoki_actions/generated/catalogue.json",
    ):
        assert expected in names, expected
    assert not any(n.startswith(("runtime/", "generator/", "tests/", "specs/")) for n in names)


def test_wheel_installs_and_runs_in_a_fresh_venv(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    fresh_site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    # dependencies from the test venv, as a plain path (its .pth files, incl. the editable hook, stay inactive)
    (fresh_site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(fresh_site),
                    str(wheel)], check=True, capture_output=True, text=True)
    probe = (
        "import json, importlib.util, spoki_actions, spoki_actions.generated;"
        "print(json.dumps({'file': spoki_actions.__file__,"
        " 'runtime': importlib.util.find_spec('runtime') is not None,"
        " 'generator': importlib.util.find_spec('generator') is not None}))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([str(python), "-c", probe], check=True, capture_output=True, text=True,
                            cwd=tmp_path, env=env)
    info = json.loads(result.stdout)
    assert info["file"].startswith(str(fresh_site))
    assert info["runtime"] is False and info["generator"] is False
    listing = subprocess.run([str(python), "-m", "spoki_actions.cli", "list"], capture_output=True, text=True,
                             cwd=tmp_path, env=env)
    assert listing.returncode == 0, listing.stderr
    assert "SPOKI_LIST_TICKETS" in listing.stdout
