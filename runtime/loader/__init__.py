"""The spec loader (public API): specs/ (YAML) → validated, frozen `Catalogue`.

Input: a specs folder (`_connector.yaml`, `_shared/*.yaml`, `<group>/<stem>.yaml`); `lint` also
takes one spec file or one group folder inside it. Output: `spec.Catalogue`, or `SpecError`
listing every problem found, each located as `file:line:col key.path: message`.
Stages, one module each: `_read` (bounded YAML, meta-schemas in `_meta`), `_refs` ($ref
bundling), `_variants` (variant merging), `_checks` (cross-checks), `_build` (the frozen model);
`names` holds the naming rules the generator shares. Used by `spoki-actions lint`, the generator
and `Client(specs_dir=...)`; the runtime's default catalogue is the compiled one in
`spoki_actions.generated`, so importing the runtime never parses YAML.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import SpecError, SpecProblem
from ..spec import ActionSpec, Catalogue
from . import _build, _checks
from ._read import Files, action_paths, read_actions, read_connector, read_shared
from ._refs import Shared, bundle_action_parts
from ._report import CONNECTOR_FILE, SHARED_DIR, Report, close_matches
from ._variants import Raw, resolve_variants

__all__ = ["CONNECTOR_FILE", "SHARED_DIR", "lint", "lint_counted", "load_catalogue", "specs_root"]


def load_catalogue(specs_dir: str | Path) -> Catalogue:
    """Load, check and build the catalogue. Raises `SpecError` with every problem found."""
    root = Path(specs_dir)
    _check_root(root)
    report, files = Report(), Files()
    read_connector(root, files, report)                       # 1. the connector
    read_shared(root, files, report)                          # 2. shared definitions
    for doc in files.shared.values():
        _checks.check_shared(doc, report)
    read_actions(root, files, report)                         # 3. action files, one by one
    shared = Shared(files.shared)
    raws = {name: Raw(doc, doc.data) for name, doc in files.actions.items()}
    for raw in raws.values():
        bundle_action_parts(raw, shared, report)              # 4. $refs bundled
    if files.connector is None:
        raise SpecError(report.problems)
    connector = _build.build_connector(files.connector, _build.shared_enums(files.shared))
    resolved = resolve_variants(raws, files.unreadable, report)  # 5. variants merged
    actions: dict[str, ActionSpec] = {}
    for name in sorted(resolved):                             # 6. checked and built
        built = _build.build_action(resolved[name], connector, set(raws), report)
        if built is not None:
            actions[name] = built
    _checks.check_names(actions, files.actions, report)       # 7. what the generator would refuse
    _checks.check_reconcile(actions, resolved, report)        # 8. read-back rules name read actions
    if report.problems:
        raise SpecError(report.problems)
    return Catalogue(connector, actions)


def _check_root(root: Path) -> None:
    if root.is_file():
        raise SpecError([SpecProblem(str(root), 1, 1, "", "is a file; lint and load take the specs folder "
                                     f"(e.g. {root.parent.parent if root.parent.name != '_shared' else root.parent})")])
    if not root.is_dir():
        near = close_matches(root.name, sorted(p.name for p in root.parent.iterdir() if p.is_dir())) \
            if root.parent.is_dir() else []
        hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        raise SpecError([SpecProblem(str(root), 1, 1, "", f"specs folder not found{hint}")])


def specs_root(path: str | Path) -> Path | None:
    """The specs folder a spec file or group folder belongs to: the nearest folder at or above it
    holding `_connector.yaml` (None when there is none)."""
    start = Path(path)
    for folder in [start, *start.parents] if start.is_dir() else list(start.parents):
        if (folder / CONNECTOR_FILE).is_file():
            return folder
    return None


def lint(path: str | Path) -> list[SpecProblem]:
    """Every problem in a specs folder, sorted (empty when all is well). `path` may also be one
    spec file or one group folder: the whole specs folder above it is loaded (its connector,
    shared definitions and other actions are needed), and the problems shown are those of that
    file or folder, of the connector and of the shared definitions."""
    return lint_counted(path)[0]


def lint_counted(path: str | Path) -> tuple[list[SpecProblem], int]:
    """`lint(path)`, and how many actions the file or folder holds once it has no problems."""
    target = Path(path)
    if not target.exists() and target.parent.is_dir() and specs_root(target.parent) is not None:
        return [SpecProblem(str(target), 1, 1, "", _not_found(target))], 0
    root = specs_root(target) if target.exists() else None
    if root is None or root == target:
        root = target
    try:
        catalogue = load_catalogue(root)
    except SpecError as exc:
        problems = [p for p in exc.problems if _concerns(p.file, root, target)]
        return problems, 0 if problems else _count(root, target)
    return [], len(catalogue.actions) if root == target else _count(root, target)


def _not_found(target: Path) -> str:
    """A missing file or folder inside a specs folder, with the close names beside it."""
    near = close_matches(target.name, sorted(p.name for p in target.parent.iterdir() if not p.name.startswith(".")))
    return "no such spec file or folder" + (f"; did you mean {', '.join(repr(n) for n in near)}?" if near else "")


def _count(root: Path, target: Path) -> int:
    """How many action files of the specs folder are the target or lie under it."""
    return sum(1 for p in action_paths(root) if p.suffix == ".yaml" and (p == target or p.is_relative_to(target)))


def _concerns(file: str, root: Path, target: Path) -> bool:
    if root == target:
        return True
    shown = Path(file)
    return shown == target or shown.is_relative_to(target) or shown == root / CONNECTOR_FILE \
        or shown.is_relative_to(root / SHARED_DIR)
