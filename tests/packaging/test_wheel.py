"""Packaging: the wheel holds one import root, `spoki_actions`, and works outside this checkout.

The wheel is built from a clean copy of the tracked (and new, not ignored) files, so no stale
`build/` folder can leak deleted modules into it. It is installed (without deps) into a fresh
virtual environment whose third-party packages come from the test venv through a plain path entry
(the editable install's import hook stays inactive there), with the optional extras' packages
blocked, so the base install is shown to work with only its declared dependencies.
"""

from __future__ import annotations

import email
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
EXTRAS_ONLY = ("jinja2", "datamodel_code_generator", "starlette", "uvicorn")
BASE_DEPENDENCIES = {"httpx", "jmespath", "pyyaml", "jsonschema", "pydantic"}


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result  # type: ignore[no-any-return]


def _clean_copy(dest: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                            text=True)
    if listed.returncode == 0:
        for rel in listed.stdout.splitlines():
            source = ROOT / rel
            if source.is_file():
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, dest / rel)
    else:  # not a git checkout: copy everything but local state
        shutil.copytree(ROOT, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
            ".venv", "build", "dist", "*.egg-info", ".git", "__pycache__", ".typing", ".*_cache"))
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = _clean_copy(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "--wheel-dir", str(out), str(source)])
    (found,) = out.glob("spoki_actions-*.whl")
    return found


def test_wheel_has_one_import_root(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    roots = {n.split("/", 1)[0] for n in names}
    dist_info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"
    assert roots == {"spoki_actions", dist_info}
    for expected in (
        "spoki_actions/__init__.py", "spoki_actions/py.typed", "spoki_actions/meta/action.schema.json",
        "spoki_actions/loader/__init__.py", "spoki_actions/loader/names.py",
        "spoki_actions/generator/__init__.py", "spoki_actions/generator/templates/actions.py.jinja",
        "spoki_actions/simulator/__init__.py", "spoki_actions/simulator/pytest_plugin.py",
        "spoki_actions/generated/__init__.py", "spoki_actions/generated/catalogue.json",
        "spoki_actions/generated/actions.py", "spoki_actions/generated/py.typed",
    ):
        assert expected in names, expected
    assert not any(n.startswith(("runtime/", "generator/", "tests/", "specs/")) for n in names)


def test_wheel_declares_minimal_runtime_dependencies(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        dist_info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"
        metadata = email.message_from_bytes(zf.read(f"{dist_info}/METADATA"))
        entry_points = zf.read(f"{dist_info}/entry_points.txt").decode()
    requires = metadata.get_all("Requires-Dist") or []
    base = {r.split(">")[0].split("=")[0].split("<")[0].strip().lower() for r in requires if "extra ==" not in r}
    assert base == BASE_DEPENDENCIES
    extras = set(metadata.get_all("Provides-Extra") or [])
    assert {"generator", "simulator", "dev"} <= extras
    assert "spoki-actions = spoki_actions.cli:main" in entry_points
    assert "spoki_actions = spoki_actions.simulator.pytest_plugin" in entry_points


def test_a_wheel_built_from_the_sdist_ships_the_same_files(wheel: Path, tmp_path: Path) -> None:
    # the sdist carries the in-tree build backend (pyproject's backend-path, MANIFEST.in), so it builds
    source = _clean_copy(tmp_path / "src")
    _run([sys.executable, "-c", "import sys; sys.path.insert(0, '.ci'); import build_backend;"
          f"print(build_backend.build_sdist({str(tmp_path / 'sdist')!r}))"], cwd=source)
    (sdist,) = (tmp_path / "sdist").glob("spoki_actions-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "--wheel-dir", str(tmp_path / "dist"), str(unpacked)])
    (from_sdist,) = (tmp_path / "dist").glob("spoki_actions-*.whl")
    assert sorted(zipfile.ZipFile(from_sdist).namelist()) == sorted(zipfile.ZipFile(wheel).namelist())


@pytest.fixture(scope="module")
def fresh_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    fresh_site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
                      .stdout.strip())
    # third-party packages from the test venv, as a plain path (its .pth files, incl. the editable hook, stay off)
    (fresh_site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # the extras' packages are not there in a base install: block them
    (fresh_site / "sitecustomize.py").write_text(
        "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in EXTRAS_ONLY))
    _run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(fresh_site), str(wheel)])
    return python


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SPOKI_BASE_URL")}


def test_wheel_imports_from_the_fresh_venv(fresh_python: Path, tmp_path: Path) -> None:
    probe = (
        "import json, importlib.util, spoki_actions, spoki_actions.generated.actions;"
        "print(json.dumps({'file': spoki_actions.__file__,"
        " 'runtime': importlib.util.find_spec('runtime') is not None,"
        " 'generator': importlib.util.find_spec('generator') is not None}))"
    )
    info = json.loads(_run([str(fresh_python), "-c", probe], cwd=tmp_path, env=_env()).stdout)
    assert "site-packages" in info["file"] and not info["file"].startswith(str(ROOT))
    assert info["runtime"] is False and info["generator"] is False


def test_base_install_runs_the_runtime_commands(fresh_python: Path, tmp_path: Path) -> None:
    cli = [str(fresh_python), "-m", "spoki_actions.cli"]
    assert "SPOKI_LIST_TICKETS" in _run([*cli, "list"], cwd=tmp_path, env=_env()).stdout
    assert "tickets/" in _run([*cli, "describe", "SPOKI_LIST_TICKETS"], cwd=tmp_path, env=_env()).stdout
    count = len([p for p in (ROOT / "specs").glob("*/*.yaml") if not p.parent.name.startswith("_")])
    assert f"{count} actions, no problems" in _run([*cli, "lint", str(ROOT / "specs")], cwd=tmp_path, env=_env()).stdout
    bad = subprocess.run([*cli, "run", "SPOKI_LIST_TAGS", "--params", '{"nope": 1}'], capture_output=True,
                         text=True, cwd=tmp_path, env=_env())
    assert bad.returncode == 3 and json.loads(bad.stdout)["successful"] is False


@pytest.mark.parametrize("extra", ["generator", "simulator"])
def test_base_install_names_the_missing_extra(fresh_python: Path, tmp_path: Path, extra: str) -> None:
    command = (["generate", "--specs", str(ROOT / "specs"), "--out", str(tmp_path / "out")] if extra == "generator"
               else ["fake-server", "--port", "0"])
    result = subprocess.run([str(fresh_python), "-m", "spoki_actions.cli", *command], capture_output=True,
                            text=True, cwd=tmp_path, env=_env(), timeout=60)
    assert result.returncode == 1
    assert f"pip install 'spoki-actions[{extra}]'" in result.stderr
    assert "Traceback" not in result.stderr
