"""Published schemas: the JSON Schemas, `index.json` and the other published documents shipped as
package data, for teams that install the package instead of cloning the repository.

Input: an action name and a kind (`input` or `output`), or an `$id`. Output: the schema as a dict,
read from the wheel (`spoki_actions._published`, mapped from `generated/`). Reads only package
data: it never imports the generator.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["by_id", "index", "load", "version"]

_PACKAGE = "spoki_actions._published"


def _read(relative: str) -> Any:
    node = resources.files(_PACKAGE)
    for part in relative.split("/"):
        node = node / part
    return json.loads(node.read_bytes())


@cache
def _index() -> dict[str, Any]:
    document: dict[str, Any] = _read("schemas/index.json")
    return document


def index() -> dict[str, Any]:
    """The schema index: `version`, `schema_id_base` and one entry per action (with sha256s)."""
    copy: dict[str, Any] = json.loads(json.dumps(_index()))  # a copy: callers may change it
    return copy


def version() -> str:
    """The catalogue version these schemas were generated for."""
    return str(_index()["version"])


def load(action: str, kind: str) -> dict[str, Any]:
    """The input or output (envelope) JSON Schema of `action`, e.g. `load("SPOKI_LIST_TICKETS", "input")`."""
    if kind not in ("input", "output"):
        raise ValueError(f"kind must be 'input' or 'output', not {kind!r}")
    for entry in _index()["actions"]:
        if entry["name"] == action:
            document: dict[str, Any] = _read(f"schemas/{entry[f'{kind}_schema']}")
            return document
    names = ", ".join(e["name"] for e in _index()["actions"])
    raise KeyError(f"no published schema for action {action!r}; published: {names}")


def by_id(schema_id: str) -> dict[str, Any]:
    """The schema whose `$id` is `schema_id` (a pinned id names the major version it belongs to)."""
    base = str(_index()["schema_id_base"])
    if not schema_id.startswith(base):
        raise KeyError(f"{schema_id!r} is not a schema of this release (its ids start with {base})")
    name = schema_id[len(base):]
    for entry in _index()["actions"]:
        for kind in ("input", "output"):
            if entry[f"{kind}_schema"] == name:
                return load(entry["name"], kind)
    raise KeyError(f"no published schema has the $id {schema_id!r}")


# --- `spoki-actions schemas export DIR` -------------------------------------------------------

HELP = "export the published JSON Schemas, index.json and OpenAPI document into a folder"


def _published_files() -> list[str]:
    root = resources.files(_PACKAGE)
    found: list[str] = []
    for folder in ("schemas", "openapi", "tools"):
        node = root / folder
        if node.is_dir():
            found += [f"{folder}/{item.name}" for item in node.iterdir()
                      if item.is_file() and item.name.endswith((".json", ".yaml"))]
    return sorted(found)


def configure(parser: Any) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = sub.add_parser("export", help="copy every published document into DIR (schemas/, openapi/, tools/)")
    export.add_argument("dir", metavar="DIR", help="destination folder (created; existing files are never replaced)")


def run(args: Any) -> int:
    import sys
    from pathlib import Path

    out = Path(args.dir)
    files = _published_files()
    clashes = [rel for rel in files if (out / rel).exists()]
    if clashes:
        print(f"spoki-actions schemas export: {out / clashes[0]} already exists "
              f"({len(clashes)} file(s) would be replaced); choose an empty folder", file=sys.stderr)
        return 2
    root = resources.files(_PACKAGE)
    for rel in files:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        node = root
        for part in rel.split("/"):
            node = node / part
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(node.read_bytes())
        partial.replace(target)  # never a half-written file under its final name
    print(f"exported {len(files)} files (catalogue {version()}) into {out}/")
    return 0
