"""Reading: a specs folder's files → parsed `Doc`s that meet their meta-schema.

Input: the specs root (and, for lint, optionally the file or group folder to check).
Output: the connector doc, shared docs by absolute path, and action docs with their own
file-level checks done (extension, place, stem, group, duplicate names); every problem
goes to the report. YAML is read by `_yaml` (bounded, with marks).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import _yaml
from ..errors import SpecProblem
from ._meta import check_meta
from ._report import CONNECTOR_FILE, SHARED_DIR, Doc, Report, close_matches, dotted


@dataclass
class Files:
    """What reading found: the docs each later stage needs."""

    connector: Doc | None = None
    shared: dict[Path, Doc] = field(default_factory=dict)
    actions: dict[str, Doc] = field(default_factory=dict)  # by action name, first file wins
    unreadable: list[str] = field(default_factory=list)  # action files that failed to parse or to meet the schema


def display(path: Path, root: Path) -> str:
    """The path as the user can open it: under the specs folder exactly as they named it."""
    try:
        return (root / path.relative_to(root)).as_posix()
    except ValueError:
        return path.as_posix()


def read(path: Path, root: Path, report: Report) -> Doc | None:
    rel = display(path, root)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        report.add(rel, (), f"cannot read file: {exc.strerror}")
        return None
    try:
        data, marks = _yaml.load(raw)
    except _yaml.YamlProblem as exc:
        report.problems.append(SpecProblem(rel, exc.line, exc.column, dotted(exc.path), exc.message))
        return None
    doc = Doc(rel, data, marks, path, path.relative_to(root).as_posix() if path.is_relative_to(root) else rel)
    if not isinstance(data, dict):
        report.add(doc, (), f"expected a mapping at the top of the file, found {_yaml.describe(data)}")
        return None
    return doc


def read_connector(root: Path, files: Files, report: Report) -> None:
    path = root / CONNECTOR_FILE
    if not path.is_file():
        near = close_matches(CONNECTOR_FILE, [p.name for p in root.iterdir() if p.is_file()])
        hint = f" (found {near[0]}: did you mean {CONNECTOR_FILE}?)" if near else ""
        report.add(display(path, root), (), f"missing {CONNECTOR_FILE}: every specs folder needs one{hint}")
        return
    doc = read(path, root, report)
    if doc is not None and check_meta(doc, "connector", report):
        files.connector = doc


def read_shared(root: Path, files: Files, report: Report) -> None:
    shared_root = root / SHARED_DIR
    for path in sorted(shared_root.rglob("*")) if shared_root.is_dir() else []:
        if path.is_dir() or not _is_yaml(path, root, report):
            continue
        doc = read(path, root, report)
        if doc is not None and check_meta(doc, "shared", report):
            files.shared[path.resolve()] = doc


def _is_yaml(path: Path, root: Path, report: Report) -> bool:
    if path.suffix == ".yml":
        report.add(display(path, root), (), "spec files use the .yaml extension")
    return path.suffix == ".yaml"


def action_paths(root: Path) -> Iterator[Path]:
    """Candidate action files under `root` (not in `_`/`.` folders), in order."""
    for path in sorted(root.rglob("*")):
        rel_parts = path.relative_to(root).parts
        if path.is_dir() or any(part.startswith((".", "_")) for part in rel_parts):
            continue
        if path.suffix not in (".yaml", ".yml"):
            continue
        yield path


def read_actions(root: Path, files: Files, report: Report) -> None:
    first_line: dict[str, str] = {}
    for path in action_paths(root):
        if not _is_yaml(path, root, report):
            continue
        if len(path.relative_to(root).parts) != 2:
            report.add(display(path, root), (), "an action file lives directly in a group folder: "
                       "specs/<group>/<stem>.yaml")
            continue
        doc = read(path, root, report)
        if doc is None or not check_meta(doc, "action", report):
            files.unreadable.append(display(path, root))
            continue
        _check_place(doc, path, root, report)
        name = doc.data["name"]
        if name in files.actions:
            report.add(doc, ("name",), f"duplicate action name {name!r} (also in {first_line[name]})")
            continue
        line, col = doc.marks.at(("name",))
        first_line[name] = f"{doc.rel}:{line}:{col}"
        files.actions[name] = doc


def _check_place(doc: Doc, path: Path, root: Path, report: Report) -> None:
    """The file stem follows the name and the group follows the folder."""
    name = doc.data["name"]
    stem = name[len("SPOKI_"):].lower()
    if path.stem != stem:
        report.add(doc, ("name",), f"file stem {path.stem!r} does not match the name {name!r} "
                   f"(expected {stem}.yaml)")
    folder = path.relative_to(root).parts[0]
    if "group" in doc.data and doc.data["group"] != folder:
        report.add(doc, ("group",), f"group {doc.data['group']!r} does not match the folder {folder!r}")
