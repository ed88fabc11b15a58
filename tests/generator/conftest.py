"""Helpers for the generator tests: fixture specs, generating into a temp folder, importing the result."""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import shutil
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

from spoki_actions.generator.build import Result, generate

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"
SMALL = ROOT / "tests" / "fixtures" / "specs_small"
GOLDEN = ROOT / "tests" / "golden" / "specs_small" / "generated"

_packages = itertools.count()


@dataclass
class Generated:
    """A generated tree imported under a unique package name."""

    out: Path
    package: types.ModuleType
    actions: types.ModuleType
    aio: types.ModuleType
    models: types.ModuleType

    @property
    def catalogue(self) -> Path:
        return self.out / "python" / "catalogue.json"


def run_generate(specs: Path, out: Path, *, check: bool = False) -> Result:
    return generate(specs, out, check=check)


def import_generated(out: Path) -> Generated:
    """Import `out/python` as a fresh package (so several generated trees can coexist)."""
    name = f"_generated_{next(_packages)}"
    package_dir = out / "python"
    spec = importlib.util.spec_from_file_location(name, package_dir / "__init__.py",
                                                  submodule_search_locations=[str(package_dir)])
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    return Generated(out, package, importlib.import_module(f"{name}.actions"),
                     importlib.import_module(f"{name}.aio"), importlib.import_module(f"{name}.models"))


def copy_specs(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest)
    return dest


def small_specs_with(tmp_path: Path, files: dict[str, str]) -> Path:
    """The small fixture connector and shared definitions, plus the given action files (path → YAML)."""
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(SMALL / "_connector.yaml", specs / "_connector.yaml")
    shutil.copytree(SMALL / "_shared", specs / "_shared")
    for rel, text in files.items():
        path = specs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return specs


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` (minus __pycache__): content and modification time."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="session")
def small_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture specs, generated once for the session (treat as read-only)."""
    out = tmp_path_factory.mktemp("small") / "generated"
    run_generate(SMALL, out)
    return out
