"""`spoki-actions diff OLD NEW`: what a new catalogue breaks, compared as schemas and behaviour.

Input: two spec trees (folders) or git refs (`git:v0.1.0`, read from the repository in the working
directory), each loaded and linted by our own loader. Output: findings, each with a rule id, a
severity (breaking, warning, addition, info) and the role it concerns (caller: what is sent;
reader: what is received; retries; openapi: the wire), as text, JSON or Markdown (a CHANGELOG
"Schemas" section), with a semver suggestion. Exit 0 when nothing reaches `--fail-on`, 1 when
something does (or `--check-version` finds the bump too small), 2 when a side does not load.
Needs only the loader: it never imports the generator.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import SpecError
from .loader import load_catalogue
from .spec import ActionSpec, Catalogue

HELP = "compare two spec trees or git refs: what the new catalogue breaks for callers and readers"
SEVERITIES = ("info", "addition", "warning", "breaking")
_SAFETY_RANK = {"read": 0, "idempotent": 1, "unsafe": 2}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    role: str  # caller | reader | retries | openapi | docs | catalogue
    action: str
    where: str
    message: str


class _Rules:
    def __init__(self, enum_added_severity: str) -> None:
        self.found: list[Finding] = []
        self.enum_added = enum_added_severity

    def add(self, rule: str, severity: str, role: str, action: str, where: str, message: str) -> None:
        self.found.append(Finding(rule, severity, role, action, where, message))


def _resolve(node: Any, root: dict[str, Any], depth: int = 0) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/") \
            and depth < 16:
        extra = {k: v for k, v in node.items() if k != "$ref"}
        node = {**root.get("$defs", {}).get(node["$ref"][len("#/$defs/"):], {}), **extra}
        depth += 1
    return node


def _types(node: Any) -> set[str]:
    kind = node.get("type") if isinstance(node, dict) else None
    if kind is None:
        return set()
    return set(kind) if isinstance(kind, list) else {kind}


def _compare_input(r: _Rules, name: str, where: str, old: Any, new: Any, o_root: Any, n_root: Any) -> None:
    old, new = _resolve(old, o_root), _resolve(new, n_root)
    if not isinstance(old, dict) or not isinstance(new, dict):
        return
    ot, nt = _types(old), _types(new)
    if ot and nt and not ot <= nt:
        r.add("input-type-narrowed", "breaking", "caller", name, where, f"type {sorted(ot)} -> {sorted(nt)}")
    elif ot and nt and nt > ot:
        r.add("input-type-widened", "addition", "caller", name, where, f"type {sorted(ot)} -> {sorted(nt)}")
    oe, ne = old.get("enum"), new.get("enum")
    if ne is not None and (oe is None or any(v not in ne for v in oe)):
        gone = [v for v in (oe or []) if v not in ne]
        r.add("input-enum-narrowed", "breaking", "caller", name, where,
              f"values no longer accepted: {gone}" if oe is not None else f"now limited to {ne}")
    elif oe is not None and ne is not None and any(v not in oe for v in ne):
        r.add("input-enum-widened", "addition", "caller", name, where,
              f"new values accepted: {[v for v in ne if v not in oe]}")
    elif oe is not None and ne is None:
        r.add("input-enum-widened", "addition", "caller", name, where, "any value accepted now")
    for key in ("minimum", "exclusiveMinimum", "minLength", "minItems",
                "maximum", "exclusiveMaximum", "maxLength", "maxItems"):
        a, b = old.get(key), new.get(key)
        lower = key.startswith(("min", "exclusiveMin"))
        if b is not None and (a is None or (b > a if lower else b < a)):
            r.add("input-bound-tightened", "breaking", "caller", name, where, f"{key} {a} -> {b}")
        elif a is not None and (b is None or (b < a if lower else b > a)):
            r.add("input-bound-loosened", "addition", "caller", name, where, f"{key} {a} -> {b}")
    for key in ("pattern", "format"):
        a, b = old.get(key), new.get(key)
        if b is not None and a != b:
            r.add(f"input-{key}-added" if a is None else f"input-{key}-changed", "breaking", "caller", name, where,
                  f"{key} {a!r} -> {b!r}")
        elif a is not None and b is None:
            r.add(f"input-{key}-removed", "addition", "caller", name, where, f"{key} {a!r} no longer checked")


def _compare_output(r: _Rules, name: str, where: str, old: Any, new: Any, o_root: Any, n_root: Any,
                    depth: int = 0) -> None:
    old, new = _resolve(old, o_root), _resolve(new, n_root)
    if not isinstance(old, dict) or not isinstance(new, dict) or depth > 10:
        return
    ot, nt = _types(old), _types(new)
    if "null" in nt and ot and "null" not in ot:
        r.add("output-became-nullable", "breaking", "reader", name, where, "may now be null")
    if ot and nt and not nt <= ot and not ("null" in nt and nt - {"null"} <= ot):
        r.add("output-type-widened", "breaking", "reader", name, where, f"type {sorted(ot)} -> {sorted(nt)}")
    oe, ne = old.get("enum"), new.get("enum")
    if oe is not None and ne is not None and any(v not in oe for v in ne):
        r.add("output-enum-value-added", r.enum_added, "reader", name, where,
              f"new values a strict reader may not know: {[v for v in ne if v not in oe]}")
    if oe is not None and ne is None:
        r.add("output-constraint-removed", "breaking", "reader", name, where, "enum removed")
    for key in ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "pattern", "format"):
        if key in old and key not in new:
            r.add("output-constraint-removed", "breaking", "reader", name, where, f"{key} {old[key]!r} removed")
        elif key in old and key not in ("pattern", "format") and (
                new[key] < old[key] if key.startswith("min") else new[key] > old[key]):
            r.add("output-constraint-loosened", "breaking", "reader", name, where, f"{key} {old[key]} -> {new[key]}")
        elif key in ("pattern", "format") and key in old and new[key] != old[key]:
            r.add("output-constraint-changed", "breaking", "reader", name, where, f"{key} {old[key]!r} -> {new[key]!r}")
    op, np_ = old.get("properties", {}), new.get("properties", {})
    oreq, nreq = set(old.get("required", [])), set(new.get("required", []))
    for prop in sorted(set(op) | set(np_)):
        sub = f"{where}.{prop}"
        if prop not in np_:
            r.add("output-field-removed", "breaking", "reader", name, sub, "field removed")
        elif prop not in op:
            r.add("output-field-added", "addition", "reader", name, sub, "new field")
        else:
            if prop in oreq and prop not in nreq:
                r.add("output-required-to-optional", "breaking", "reader", name, sub, "may now be absent")
            _compare_output(r, name, sub, op[prop], np_[prop], o_root, n_root, depth + 1)
    if "items" in old and "items" in new:
        _compare_output(r, name, f"{where}[]", old["items"], new["items"], o_root, n_root, depth + 1)


def _compare_action(r: _Rules, old: ActionSpec, new: ActionSpec) -> None:
    name = new.name
    for label, a, b in (("method", old.method, new.method), ("path", old.path, new.path)):
        if a != b:
            r.add(f"wire-{label}-changed", "breaking", "openapi", name, label, f"{a} -> {b}")
    so, sn = _SAFETY_RANK[old.behaviour.safety], _SAFETY_RANK[new.behaviour.safety]
    if sn > so:
        r.add("safety-weakened", "breaking", "retries", name, "behaviour.safety",
              f"{old.behaviour.safety} -> {new.behaviour.safety}: no longer safe to retry")
    oldp, newp = {p.name: p for p in old.params}, {p.name: p for p in new.params}
    for pname in sorted(set(oldp) | set(newp)):
        where = f"input.{pname}"
        if pname not in newp:
            r.add("input-removed", "breaking", "caller", name, where, "input removed; callers sending it fail")
        elif pname not in oldp:
            if newp[pname].required:
                r.add("input-required-added", "breaking", "caller", name, where, "new required input")
            else:
                r.add("input-optional-added", "addition", "caller", name, where, "new optional input")
        else:
            po, pn = oldp[pname], newp[pname]
            if pn.required and not po.required:
                r.add("input-optional-to-required", "breaking", "caller", name, where, "now required")
            if (po.wire_name, po.location) != (pn.wire_name, pn.location):
                r.add("wire-param-changed", "breaking", "openapi", name, where,
                      f"{po.location} {po.wire_name} -> {pn.location} {pn.wire_name}")
            _compare_input(r, name, where, po.schema, pn.schema, old.input_schema, new.input_schema)
            if po.description != pn.description:
                r.add("description-changed", "info", "docs", name, where, "description changed")
    _compare_output(r, name, "output", old.response.output, new.response.output, old.response.output,
                    new.response.output)
    if old.description != new.description:
        r.add("description-changed", "info", "docs", name, "description", "description changed")


def compare(old: Catalogue, new: Catalogue, *, enum_added_severity: str = "warning") -> list[Finding]:
    """Every finding, sorted by severity (breaking first), action and place."""
    r = _Rules(enum_added_severity)
    oc, nc = old.connector, new.connector
    for label, a, b in (("base URL", oc.base_url, nc.base_url), ("auth header", oc.auth_header, nc.auth_header)):
        if a != b:
            r.add(f"wire-{label.replace(' ', '-').lower()}-changed", "breaking", "openapi", "*", "connector",
                  f"{label} {a} -> {b}")
    for name in sorted(set(old.actions) | set(new.actions)):
        if name not in new.actions:
            r.add("action-removed", "breaking", "caller", name, "action", "action removed (or renamed)")
        elif name not in old.actions:
            r.add("action-added", "addition", "catalogue", name, "action", "new action")
        else:
            _compare_action(r, old.actions[name], new.actions[name])
    return sorted(r.found, key=lambda f: (-SEVERITIES.index(f.severity), f.action, f.where, f.rule))


def required_bump(findings: list[Finding], old_version: str | None) -> str:
    """The smallest semver bump the findings need (on 0.x a breaking change needs a minor bump)."""
    worst = max((SEVERITIES.index(f.severity) for f in findings), default=0)
    if worst == SEVERITIES.index("breaking"):
        return "minor" if old_version is not None and old_version.startswith("0.") else "major"
    if worst >= SEVERITIES.index("addition"):
        return "minor"
    return "patch"


def _bump_of(old: str, new: str) -> str:
    o, n = [int(x) for x in old.split(".")[:3]], [int(x) for x in new.split(".")[:3]]
    if n[0] > o[0]:
        return "major"
    if n[0] == o[0] and n[1] > o[1]:
        return "minor"
    if n[:2] == o[:2] and n[2] > o[2]:
        return "patch"
    return "none"


_ORDER = ("none", "patch", "minor", "major")


# --- sides ------------------------------------------------------------------------------------

class _SideError(Exception):
    """A side that cannot even be read (a bad git ref)."""


class _Side:
    def __init__(self, label: str, specs: Path, version: str | None) -> None:
        self.label, self.specs, self.version = label, specs, version


def _version_near(folder: Path) -> str | None:
    for candidate in (folder.parent / "pyproject.toml", folder / "pyproject.toml"):
        if candidate.is_file():
            return str(tomllib.loads(candidate.read_text())["project"]["version"])
    return None


def _side(label: str, tmp: Path) -> _Side:
    if not label.startswith("git:"):
        return _Side(label, Path(label), _version_near(Path(label)))
    ref = label[len("git:"):]
    dest = tmp / f"side{len(list(tmp.iterdir()))}"
    dest.mkdir()
    archive = dest / "tree.tar"
    done = subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), ref, "specs", "pyproject.toml"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise _SideError(f"{label}: git cannot read specs/ at {ref!r}: {done.stderr.strip()}")
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    return _Side(label, dest / "specs", _version_near(dest / "specs"))


# --- output -----------------------------------------------------------------------------------

def _summary(findings: list[Finding]) -> dict[str, int]:
    return {s: sum(1 for f in findings if f.severity == s) for s in reversed(SEVERITIES)}


def render_markdown(findings: list[Finding], suggestion: str, new_version: str | None) -> str:
    """A CHANGELOG "Schemas" section."""
    lines = [f"### Schemas{f' ({new_version})' if new_version else ''}", "",
             f"Semver: this needs at least a {suggestion} release."]
    titles = {"breaking": "Breaking", "warning": "Needs attention", "addition": "Added", "info": "Informational"}
    for severity in reversed(SEVERITIES):
        group = [f for f in findings if f.severity == severity]
        if group:
            lines += ["", f"#### {titles[severity]}", ""]
            lines += [f"- `{f.action}` {f.where}: {f.message} ({f.rule}, {f.role})" for f in group]
    if not findings:
        lines += ["", "No schema or behaviour changes."]
    return "\n".join(lines) + "\n"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="old specs folder, or git:REF (e.g. git:v0.1.0)")
    parser.add_argument("new", metavar="NEW", help="new specs folder, or git:REF")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    parser.add_argument("--fail-on", choices=SEVERITIES, default="breaking",
                        help="exit 1 when a finding is at least this severe (default: breaking)")
    parser.add_argument("--output-enum-added", choices=SEVERITIES, default="warning",
                        help="severity of a new output enum value (strict readers; default: warning)")
    parser.add_argument("--check-version", action="store_true",
                        help="exit 1 when NEW's version bump is smaller than the changes require")


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="spoki-diff-") as tmp:
        catalogues = []
        sides = []
        for label in (args.old, args.new):
            try:
                side = _side(label, Path(tmp))
                catalogues.append(load_catalogue(side.specs))
                sides.append(side)
            except _SideError as exc:
                print(f"spoki-actions diff: {exc}", file=sys.stderr)
                return 2
            except SpecError as exc:
                for problem in exc.problems:
                    print(problem, file=sys.stderr)
                print(f"spoki-actions diff: {label} does not load ({len(exc.problems)} problem(s))", file=sys.stderr)
                return 2
    findings = compare(catalogues[0], catalogues[1], enum_added_severity=args.output_enum_added)
    old_v, new_v = sides[0].version, sides[1].version
    suggestion = required_bump(findings, old_v)
    version_ok: bool | None = None
    if args.check_version:
        if old_v is None or new_v is None:
            print("spoki-actions diff: --check-version needs a pyproject.toml version on both sides", file=sys.stderr)
            return 2
        version_ok = _ORDER.index(_bump_of(old_v, new_v)) >= _ORDER.index(suggestion)
    failing = [f for f in findings if SEVERITIES.index(f.severity) >= SEVERITIES.index(args.fail_on)]
    if args.format == "json":
        print(json.dumps({"old": {"source": args.old, "version": old_v}, "new": {"source": args.new, "version": new_v},
                          "summary": _summary(findings), "semver": suggestion, "version_ok": version_ok,
                          "findings": [asdict(f) for f in findings]}, indent=2))
    elif args.format == "markdown":
        print(render_markdown(findings, suggestion, new_v), end="")
    else:
        for f in findings:
            print(f"{f.severity:<9} {f.rule:<28} {f.action} {f.where}: {f.message} [{f.role}]")
        counts = ", ".join(f"{n} {s}" for s, n in _summary(findings).items())
        print(f"{len(findings)} finding(s): {counts}; semver: needs at least a {suggestion} release"
              + ("" if version_ok is None else
                 f"; {old_v} -> {new_v} is {'enough' if version_ok else 'NOT enough'}"))
    return 1 if failing or version_ok is False else 0
