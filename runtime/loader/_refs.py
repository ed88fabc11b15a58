"""References: file `$ref`s into `_shared/` resolved and bundled into each schema's own `$defs`.

Input: shared docs by absolute path, and an action's raw data. Output: bundled copies (every
`$ref` rewritten to `#/$defs/<name>`, `labels` as `x-enum-varnames`), one bundle name per shared
definition; unresolvable references and name clashes go to the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._report import SHARED_DIR, Doc, Report, YPath, close_matches

if TYPE_CHECKING:
    from ._variants import Raw


class Shared:
    """Shared definition files by absolute path, and the names they bundle under."""

    def __init__(self, docs: dict[Path, Doc]) -> None:
        self.docs = docs
        self.names: dict[str, str] = {}  # bundle name → "file#fragment" that claimed it

    def target(self, ref: str, base: Path) -> tuple[str, Any, Doc] | str:
        """(bundle name, schema, doc) for a `$ref`, or an error message."""
        file_part, _, fragment = ref.partition("#")
        if not file_part:
            return f"$ref {ref!r}: local references are not supported; point at a file in {SHARED_DIR}/"
        target_path = (base.parent / file_part).resolve()
        doc = self.docs.get(target_path)
        if doc is None:
            hint = self._file_hint(target_path, file_part)
            return f"$ref {ref!r} does not resolve: no shared definition file {file_part!r}{hint}"
        node: Any = doc.data
        name = target_path.stem
        if fragment:
            if not fragment.startswith("/"):
                return f"$ref {ref!r}: the fragment must be a JSON pointer like #/Name"
            for part in fragment.lstrip("/").split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(node, dict) or part not in node:
                    close = close_matches(part, list(node)) if isinstance(node, dict) else []
                    hint = f"; did you mean '#/{close[0]}'?" if close and fragment.count("/") == 1 else ""
                    return f"$ref {ref!r} does not resolve: {file_part!r} has no {fragment!r}{hint}"
                node = node[part]
                name = part
        claim = f"{target_path}#{fragment}"
        previous = self.names.setdefault(name, claim)
        if previous != claim:
            return f"$ref {ref!r}: the name {name!r} is already used by another shared definition"
        return name, node, doc


    def _file_hint(self, target: Path, written: str) -> str:
        """A did-you-mean among the shared files in the folder the reference points into."""
        siblings = {p.name: p for p in self.docs if p.parent == target.parent}
        close = close_matches(target.name, list(siblings))
        if not close:
            return ""
        prefix = written[: len(written) - len(target.name)] if written.endswith(target.name) else ""
        return f"; did you mean {prefix + close[0]!r}?"


def bundle(schema: Any, doc: Doc, path: YPath, shared: Shared, report: Report,
           defs: dict[str, Any], visiting: frozenset[str] = frozenset()) -> Any:
    """Copy `schema`, rewriting file `$ref`s to `#/$defs/<name>` and filling `defs`."""
    if isinstance(schema, list):
        return [bundle(v, doc, (*path, i), shared, report, defs, visiting) for i, v in enumerate(schema)]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$ref" and isinstance(value, str):
            out[key] = _bundle_ref(value, doc, (*path, key), shared, report, defs, visiting)
        elif key == "labels" and isinstance(value, list):
            out["x-enum-varnames"] = list(value)
        elif key in ("properties",) and isinstance(value, dict):
            out[key] = {k: bundle(v, doc, (*path, key, k), shared, report, defs, visiting)
                        for k, v in value.items()}
        else:
            out[key] = bundle(value, doc, (*path, key), shared, report, defs, visiting)
    return out


def _bundle_ref(ref: str, doc: Doc, path: YPath, shared: Shared, report: Report,
                defs: dict[str, Any], visiting: frozenset[str]) -> str:
    found = shared.target(ref, doc.path)
    if isinstance(found, str):
        report.add(doc, path, found)
        return ref
    name, target, target_doc = found
    if name not in defs and name not in visiting:
        defs[name] = {}  # placeholder first: cycles terminate
        defs[name] = bundle(target, target_doc, pointer_path(ref), shared, report, defs, visiting | {name})
    return f"#/$defs/{name}"


def pointer_path(ref: str) -> YPath:
    _, _, fragment = ref.partition("#")
    return tuple(p for p in fragment.lstrip("/").split("/") if p) if fragment else ()


def bundle_action_parts(raw: Raw, shared: Shared, report: Report) -> None:
    """The action's output schema and each param's `$ref` target, bundled."""
    from ._checks import check_schema_enums

    data = raw.data
    output = data.get("response", {}).get("output")
    if output is not None:
        defs: dict[str, Any] = {}
        body = bundle(output, raw.doc, ("response", "output"), shared, report, defs)
        if defs:
            body = {**body, "$defs": dict(sorted(defs.items()))}
        raw.output = body
        check_schema_enums(output, raw.doc, ("response", "output"), report)
    for pname, p in (data.get("params") or {}).items():
        ref = p.get("$ref")
        if not isinstance(ref, str):
            continue
        found = shared.target(ref, raw.doc.path)
        if isinstance(found, str):
            report.add(raw.doc, ("params", pname, "$ref"), found)
            continue
        name, target, target_doc = found
        raw.param_refs[pname] = (name, bundle(target, target_doc, pointer_path(ref), shared, report, {}))
