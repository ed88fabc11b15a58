"""Packaging: the editable install (`make setup`'s `pip install -e`) is quiet, maps the names, and follows edits.

The build backend is setuptools' own behind .ci/build_backend.py, which drops the one notice setuptools'
import-hook editable install prints for this layout ("Please be careful with folders in your working
directory..."). Here pip itself installs a clean copy of the checkout in editable mode into a fresh
folder, as `make setup` does, and its whole output is read: no setuptools notice box at all. The
installed hook must still serve every mapped name from the copy's own folders, see a module added
after the install, and carry the entry points; with a folder named `spoki_actions` in the checkout
(the hazard the notice is about) the notice must show again, so the absence is not blanket silence.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from .test_wheel import _clean_copy

ROOT = Path(__file__).parents[2]
NOTICE = "Please be careful with folders in your working directory"
MAPPED = {  # import name -> folder of the checkout it is served from (pyproject's package-dir)
    "spoki_actions": "runtime", "spoki_actions.generator": "generator", "spoki_actions.simulator": "simulator",
    "spoki_actions.generated": "generated/python", "spoki_actions.batch": "batch", "spoki_actions.tools": "tools",
    "spoki_actions.mcp_server": "mcp_server", "spoki_actions._published": "generated",
}


def _editable_install(source: Path, target: Path) -> str:
    """`pip install -e` of `source` into `target`, as the Makefile's setup line runs it; pip's whole output."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--disable-pip-version-check",
         "--target", str(target), "-e", str(source)], capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(checkout copy, python of a fresh venv holding its editable install, pip's output)."""
    source = _clean_copy(tmp_path_factory.mktemp("checkout"))
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    output = _editable_install(source, site)
    # third-party packages from the test venv as a plain path (its own .pth files, its editable hook, stay off)
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return source, python, output


def _python(python: Path, code: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_editable_install_prints_no_setuptools_notice(installed: tuple[Path, Path, str]) -> None:
    _, _, output = installed
    assert "Successfully installed spoki-actions" in output, output
    assert NOTICE not in output, output
    assert "*" * 20 not in output, f"a setuptools notice box in pip's output:\n{output}"


def test_the_editable_install_serves_every_name_from_the_checkout(installed: tuple[Path, Path, str],
                                                                 tmp_path: Path) -> None:
    source, python, _ = installed
    probe = ("import importlib, json;"
             f"print(json.dumps({{n: importlib.import_module(n).__file__ for n in {list(MAPPED)!r}}}))")
    files = json.loads(_python(python, probe, tmp_path))
    for name, folder in MAPPED.items():
        assert files[name] == str(source / folder / "__init__.py"), (name, files[name])
    catalogue = _python(python, "from importlib.resources import files; "
                        "print((files('spoki_actions._published') / 'schemas' / 'index.json').is_file())", tmp_path)
    assert catalogue.strip() == "True"


def test_the_editable_install_sees_a_module_added_after_it(installed: tuple[Path, Path, str], tmp_path: Path) -> None:
    source, python, _ = installed
    for folder, name in (("runtime", "spoki_actions"), ("generator", "spoki_actions.generator")):
        (source / folder / "_added_after_install.py").write_text("ADDED = 'seen'\n")
        assert _python(python, f"from {name}._added_after_install import ADDED; print(ADDED)", tmp_path) == "seen\n"


def test_the_editable_install_carries_the_entry_points(installed: tuple[Path, Path, str]) -> None:
    _, python, _ = installed
    site = next(python.parent.parent.glob("lib/python*/site-packages"))
    (dist_info,) = site.glob("spoki_actions-*.dist-info")
    entry_points = (dist_info / "entry_points.txt").read_text()
    assert "spoki-actions = spoki_actions.cli:main" in entry_points
    for command in ("generate", "fake-server", "batch", "mcp", "schemas", "diff"):
        assert f"\n{command} = spoki_actions." in entry_points, command
    assert (python.parent / "spoki-actions").is_file() or (site / "bin" / "spoki-actions").is_file()


def test_the_notice_shows_again_when_a_folder_shadows_the_package(tmp_path: Path) -> None:
    source = _clean_copy(tmp_path / "checkout")
    (source / "spoki_actions").mkdir()
    assert NOTICE in _editable_install(source, tmp_path / "target")
