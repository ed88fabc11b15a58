"""The import walls between the rooms of the package, checked by reading the source (AST, nothing runs).

The checker is here, beside its tests: `check(root)` over the repository must find no breach but the
KNOWN ones, and over a temporary copy with a forbidden import added it must find exactly that one.

Input: a source tree (the repository, or a temporary copy in the tests) and its pyproject.toml, whose
`[tool.setuptools] package-dir` says which folder holds which package. Output: `check(root)`, a sorted
list of `Breach` (file, line, the imported module, the rule it breaks). A module belongs to the room
whose package is the longest prefix of its dotted name, so `spoki_actions.tools` is its own room
wherever its folder is (its own top-level folder, or runtime/tools/).

Adding a room is one `Room(...)` entry in ROOMS.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

RUNTIME = "spoki_actions"
PRIVATE_RUNTIME = "spoki_actions._"  # spoki_actions._loader, spoki_actions._execute, ...
ABOVE_THE_RUNTIME = ("spoki_actions.generator", "spoki_actions.simulator", "spoki_actions.batch",
                     "spoki_actions.mcp_server", "spoki_actions.mcp")
GENERATOR_DEPS = ("jinja2", "datamodel_code_generator")
SIMULATOR_DEPS = ("starlette", "uvicorn")


@dataclass(frozen=True)
class Room:
    package: str  # the dotted package the room owns
    forbidden: tuple[str, ...]  # modules (and everything under them) the room must not import
    why: str  # said in the failure
    exempt_files: tuple[str, ...] = ()  # module names (dotted) the rule does not apply to
    allowed: tuple[str, ...] = field(default=())  # exceptions to `forbidden` (a module or its prefix)


ROOMS: tuple[Room, ...] = (
    Room(RUNTIME, (*ABOVE_THE_RUNTIME, *GENERATOR_DEPS, *SIMULATOR_DEPS, "mcp", "dask"),
         "the runtime imports nothing above it (generator, simulator, rooms built on it) nor their dependencies"),
    Room("spoki_actions.generated", (*ABOVE_THE_RUNTIME, *GENERATOR_DEPS, *SIMULATOR_DEPS),
         "generated bindings need only the runtime"),
    Room("spoki_actions.generator", (PRIVATE_RUNTIME, "spoki_actions.simulator", "spoki_actions.batch",
                                     "spoki_actions.mcp_server", *SIMULATOR_DEPS),
         "the generator uses the runtime's public API (spoki_actions.spec, .errors, the loader's entry points)"),
    Room("spoki_actions.simulator", (RUNTIME, "spoki_actions.generator", *GENERATOR_DEPS),
         "the simulator is written from the API reference; only its pytest plugin drives the runtime",
         exempt_files=("spoki_actions.simulator.pytest_plugin",), allowed=("spoki_actions.simulator",)),
    Room("spoki_actions.tools", (PRIVATE_RUNTIME, "spoki_actions.generator", *GENERATOR_DEPS, *SIMULATOR_DEPS,
                                 "spoki_actions.simulator", "spoki_actions.mcp_server", "spoki_actions.batch"),
         "the tool projections are pure functions over the catalogue (read through the runtime's public "
         "API), usable without the generator extra"),
    Room("spoki_actions.mcp_server", (PRIVATE_RUNTIME, "spoki_actions.generator", "spoki_actions.simulator",
                                      "spoki_actions.batch", *GENERATOR_DEPS),
         "the MCP server drives the runtime through its public API only (its HTTP mode serves on uvicorn)"),
    Room("spoki_actions._published", (*ABOVE_THE_RUNTIME, *GENERATOR_DEPS, *SIMULATOR_DEPS),
         "the published documents (generated/, as package data) need only the runtime, like the bindings in it"),
    Room("spoki_actions.batch", (PRIVATE_RUNTIME, "spoki_actions.generator", "spoki_actions.simulator",
                                 "spoki_actions.mcp_server", *GENERATOR_DEPS, *SIMULATOR_DEPS),
         "the batch runner drives the runtime through its public API only"),
)

# Known breaches, each with the reason it is still there. A listed breach that no longer occurs fails
# the test too (remove its line), so this list can only shrink.
KNOWN: dict[tuple[str, str], str] = {}


@dataclass(frozen=True, order=True)
class Breach:
    file: str
    line: int
    module: str  # the module whose file imports
    imported: str
    why: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.module} imports {self.imported}: {self.why}"


def packages(root: Path) -> dict[str, Path]:
    """Package → folder, from pyproject.toml's package-dir (the folders mapped into spoki_actions)."""
    config = tomllib.loads((root / "pyproject.toml").read_text())
    mapping: dict[str, str] = config["tool"]["setuptools"]["package-dir"]
    return {pkg: root / folder for pkg, folder in mapping.items()}


def modules(root: Path) -> Iterator[tuple[str, Path, bool]]:
    """(dotted module name, file, is a package __init__) for every .py file of every mapped package."""
    mapped = packages(root)
    seen: set[Path] = set()
    for pkg, folder in sorted(mapped.items(), key=lambda item: -len(item[0])):  # deepest mapping first
        for path in sorted(folder.rglob("*.py")):
            resolved = path.resolve()
            if resolved in seen or "__pycache__" in path.parts:
                continue
            seen.add(resolved)
            parts = list(path.relative_to(folder).with_suffix("").parts)
            is_init = parts[-1] == "__init__"
            if is_init:
                parts.pop()
            yield ".".join([pkg, *parts]), path, is_init


def room_of(module: str) -> Room | None:
    best = None
    for room in ROOMS:
        if (module == room.package or module.startswith(room.package + ".")) and (
                best is None or len(room.package) > len(best.package)):
            best = room
    return best


def imports(tree: ast.AST, module: str, is_init: bool) -> Iterator[tuple[int, str]]:
    """(line, absolute module) for every import, relative ones resolved; `from X import y` gives X and X.y."""
    package = module if is_init else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            yield node.lineno, base
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{base}.{alias.name}"
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and (getattr(node.func, "attr", None) == "import_module"
                   or getattr(node.func, "id", None) in ("import_module", "__import__"))):
            yield node.lineno, node.args[0].value


def _under(name: str, prefix: str) -> bool:
    if prefix.endswith("_"):  # "spoki_actions._": any private module of the runtime (not __version__ & co)
        return name.startswith(prefix) and not name.startswith(prefix + "_")
    return name == prefix or name.startswith(prefix + ".")


def breaks(room: Room, imported: str) -> bool:
    if any(_under(imported, allowed) for allowed in room.allowed):
        return False
    if _under(imported, room.package) and room.package != RUNTIME:
        return False  # a room's own modules
    return any(_under(imported, forbidden) for forbidden in room.forbidden)


def check(root: Path) -> list[Breach]:
    found: set[Breach] = set()
    for module, path, is_init in modules(root):
        room = room_of(module)
        if room is None or module in room.exempt_files:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for line, imported in imports(tree, module, is_init):
            if breaks(room, imported):
                found.add(Breach(str(path.relative_to(root)), line, module, imported, room.why))
    return sorted(found)


def unknown(breaches: list[Breach]) -> list[Breach]:
    return [b for b in breaches if not any(b.module == m and _under(b.imported, i) for m, i in KNOWN)]


# --- the tests --------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def test_the_walls_hold() -> None:
    found = unknown(check(ROOT))
    assert not found, "imports that cross a wall (see ROOMS in tests/test_walls.py):\n" + "\n".join(map(str, found))


def test_every_known_breach_still_occurs() -> None:
    found = check(ROOT)
    for (module, imported), reason in KNOWN.items():
        assert any(b.module == module and _under(b.imported, imported) for b in found), (
            f"{module} no longer imports {imported} ({reason}): remove its line from KNOWN in tests/test_walls.py")


def test_every_room_with_a_folder_is_walled() -> None:
    """A package mapped in pyproject.toml without a room of its own would be checked as the runtime."""
    walled = {room.package for room in ROOMS}
    for package in packages(ROOT):
        assert package in walled, f"{package} has no Room(...) line in ROOMS in tests/test_walls.py"


def _copy(dest: Path) -> Path:
    (dest / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    for folder in {p.relative_to(ROOT) for p in packages(ROOT).values()}:
        for path in (ROOT / folder).rglob("*.py"):
            if "__pycache__" not in path.parts:
                target = dest / path.relative_to(ROOT)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(path.read_text())
    return dest


BREACHES = [  # (file in the copy, the line added, the module it names)
    ("runtime/_execute.py", "import jinja2", "jinja2"),
    ("runtime/_registry.py", "from .generator import render", "spoki_actions.generator"),
    ("runtime/cli.py", "importlib.import_module('spoki_actions.simulator.cli')", "spoki_actions.simulator.cli"),
    ("runtime/_client.py", "from starlette.applications import Starlette", "starlette.applications"),
    ("runtime/spec.py", "import uvicorn", "uvicorn"),
    ("runtime/_config.py", "import datamodel_code_generator", "datamodel_code_generator"),
    ("generator/view.py", "from spoki_actions._execute import plan", "spoki_actions._execute"),
    ("generator/render.py", "from spoki_actions import _registry", "spoki_actions._registry"),
    ("simulator/app.py", "from spoki_actions import Client", "spoki_actions"),
    ("simulator/store.py", "import spoki_actions.errors", "spoki_actions.errors"),
    ("mcp_server/server.py", "from spoki_actions._client import Client", "spoki_actions._client"),
    ("batch/runner.py", "from spoki_actions.generator import build", "spoki_actions.generator"),
    ("tools/openai.py", "from spoki_actions.generator.schemas import input_schema", "spoki_actions.generator"),
    ("tools/__init__.py", "from spoki_actions import _registry", "spoki_actions._registry"),
    ("runtime/tools/openai.py", "import jinja2", "jinja2"),
]


@pytest.mark.parametrize("file, line, imported", BREACHES)
def test_a_forbidden_import_fails(tmp_path: Path, file: str, line: str, imported: str) -> None:
    root = _copy(tmp_path)
    config = (root / "pyproject.toml").read_text()
    for room in ("mcp_server", "batch", "tools"):  # the later rooms, mapped as their own top-level folders
        if f'"spoki_actions.{room}"' not in config:
            config = config.replace('package-dir = { ', f'package-dir = {{ "spoki_actions.{room}" = "{room}", ', 1)
    (root / "pyproject.toml").write_text(config)
    target = root / file
    target.parent.mkdir(parents=True, exist_ok=True)
    before = target.read_text() if target.exists() else ""
    assert unknown(check(root)) == []  # the copy is clean before the line is added
    target.write_text(before + "\n" + line + "\n")
    found = unknown(check(root))
    assert [b.imported for b in found if b.file == file and b.imported.startswith(imported)], found
    assert {b.file for b in found} == {file}


def test_the_simulator_plugin_may_drive_the_runtime(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    plugin = root / "simulator" / "pytest_plugin.py"
    plugin.write_text(plugin.read_text() + "\nfrom spoki_actions import Client\n")
    assert unknown(check(root)) == []
