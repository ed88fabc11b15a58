"""`spoki-actions diff OLD NEW`: what a new catalogue breaks, compared as schemas and behaviour.

Input: two spec trees (folders) or git refs (`git:v0.1.0`, read from the repository in the working
directory), each loaded and linted by our own loader, or compiled catalogues: `installed` (the
package's own), a released wheel, a catalogue.json, so a team that only installed the package can
compare it with the next release's wheel. The schemas they produce are compared at every
depth (properties, required, additionalProperties, items, `$ref`s, anyOf/oneOf, nullable, enums,
bounds, pattern, format): inside inputs from the caller's side, inside outputs from the reader's.
Output: findings, each with a rule id, a severity (breaking, warning, addition, info), the role it
concerns (caller, reader, retries, openapi, docs, catalogue) and its path (`SPOKI_X.output.results[].status`);
a likely rename (an action out and one in on the same endpoint, a field out and one in with the same
schema, each the other's only match) is one finding naming both. As text, JSON or Markdown (a
CHANGELOG "Schemas" section), with a semver suggestion. Exit 0 when nothing reaches `--fail-on`, 1
when something does (or `--check-version` finds the bump too small), 2 when a side does not load.
Needs only the loader: it never imports the generator.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import _values
from .errors import SpecError
from .loader import load_catalogue
from .spec import ActionSpec, Catalogue

HELP = "compare two spec trees or git refs: what the new catalogue breaks for callers and readers"
SEVERITIES = ("info", "addition", "warning", "breaking")
_SAFETY_RANK = {"read": 0, "idempotent": 1, "unsafe": 2}


# Every rule: its id -> (severity, role, what it means). `output-enum-value-added` takes its severity
# from `--output-enum-added`; `input-removed` is a warning inside an object that takes undeclared
# fields; `safety-weakened` is a warning for read -> idempotent (still safe to retry).
RULES: dict[str, tuple[str, str, str]] = {
    "action-removed": ("breaking", "caller", "an action is gone"),
    "action-renamed": ("breaking", "caller", "an action out and one in on the same endpoint"),
    "action-added": ("addition", "catalogue", "a new action"),
    "input-removed": ("breaking", "caller", "an input (or nested input field) is gone"),
    "input-renamed": ("breaking", "caller", "an input out and one in with the same schema"),
    "input-required-added": ("breaking", "caller", "a new required input"),
    "input-optional-added": ("addition", "caller", "a new optional input"),
    "input-optional-to-required": ("breaking", "caller", "an input became required"),
    "input-required-to-optional": ("addition", "caller", "an input became optional"),
    "input-type-narrowed": ("breaking", "caller", "a type (or null) no longer accepted"),
    "input-type-widened": ("addition", "caller", "a type (or null) accepted now"),
    "input-enum-narrowed": ("breaking", "caller", "enum values no longer accepted"),
    "input-enum-widened": ("addition", "caller", "enum values accepted now"),
    "input-bound-tightened": ("breaking", "caller", "a new or tighter minimum/maximum/length/items bound"),
    "input-bound-loosened": ("addition", "caller", "a looser or removed bound"),
    "input-pattern-added": ("breaking", "caller", "a pattern checked now"),
    "input-pattern-changed": ("breaking", "caller", "another pattern"),
    "input-pattern-removed": ("addition", "caller", "a pattern no longer checked"),
    "input-format-added": ("breaking", "caller", "a format checked now"),
    "input-format-changed": ("breaking", "caller", "another format"),
    "input-format-removed": ("addition", "caller", "a format no longer checked"),
    "input-multiple-of-added": ("breaking", "caller", "a multipleOf checked now"),
    "input-multiple-of-changed": ("breaking", "caller", "another multipleOf"),
    "input-multiple-of-removed": ("addition", "caller", "a multipleOf no longer checked"),
    "input-additional-closed": ("breaking", "caller", "an object refuses undeclared fields now"),
    "input-additional-opened": ("addition", "caller", "an object takes undeclared fields now"),
    "input-union-changed": ("breaking", "caller", "a union's alternatives of one type changed (compare by hand)"),
    "output-field-removed": ("breaking", "reader", "an output field is gone"),
    "output-field-renamed": ("breaking", "reader", "an output field out and one in with the same schema"),
    "output-field-added": ("addition", "reader", "a new output field"),
    "output-required-to-optional": ("breaking", "reader", "an output field may be absent now"),
    "output-became-nullable": ("breaking", "reader", "an output value may be null now"),
    "output-type-widened": ("breaking", "reader", "an output value may have another type now"),
    "output-enum-value-added": ("warning", "reader", "a new output enum value (strict readers)"),
    "output-constraint-removed": ("breaking", "reader", "an output enum, bound, pattern or format is gone"),
    "output-constraint-loosened": ("breaking", "reader", "an output bound looser, or values the old one refused"),
    "output-constraint-changed": ("breaking", "reader", "another output pattern, format or multipleOf"),
    "output-additional-opened": ("warning", "reader", "undeclared output fields may appear now"),
    "output-union-changed": ("breaking", "reader", "a union's alternatives of one type changed (compare by hand)"),
    "safety-weakened": ("breaking", "retries", "read/idempotent -> unsafe: no longer safe to retry"),
    "wire-method-changed": ("breaking", "openapi", "another HTTP method"),
    "wire-path-changed": ("breaking", "openapi", "another path"),
    "wire-param-changed": ("breaking", "openapi", "an input's wire name or location changed"),
    "wire-base-url-changed": ("breaking", "openapi", "another base URL"),
    "wire-auth-header-changed": ("breaking", "openapi", "another auth header"),
    "description-changed": ("info", "docs", "a description changed"),
    "example-changed": ("info", "docs", "an input's example changed"),
}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    role: str  # caller | reader | retries | openapi | docs | catalogue
    action: str
    where: str
    message: str

    @property
    def path(self) -> str:
        """Where, in full: `SPOKI_X.output.results[].status` (an action-wide finding names the action)."""
        if self.action == "*":
            return self.where
        return self.action if self.where == "action" else f"{self.action}.{self.where}"


class _Rules:
    def __init__(self, enum_added_severity: str) -> None:
        self.found: list[Finding] = []
        self.enum_added = enum_added_severity

    def add(self, rule: str, severity: str, role: str, action: str, where: str, message: str) -> None:
        if rule not in RULES or RULES[rule][1] != role:  # a rule id nobody documented: a bug here, refused
            raise AssertionError(f"diff rule {rule!r} ({role}) is not in RULES")
        self.found.append(Finding(rule, severity, role, action, where, message))


_ANNOTATIONS = frozenset({"description", "title", "examples", "example", "$comment", "deprecated",
                          "x-enum-varnames", "readOnly", "writeOnly"})
_ALL_TYPES = ("array", "boolean", "null", "number", "object", "string")
_KEYS_OF = {  # the keywords that constrain each type (the rest do not apply to it)
    "integer": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    "number": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    "string": ("minLength", "maxLength", "pattern", "format"),
    "array": ("minItems", "maxItems", "items"),
    "object": ("minProperties", "maxProperties", "properties", "required", "additionalProperties"),
}
_MAX_DEPTH = 32


def _resolve(node: Any, root: Any, depth: int = 0) -> Any:
    """`node` with its `$ref` into the root's `$defs` followed (its own keywords kept beside)."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/") \
            and depth < 16:
        extra = {k: v for k, v in node.items() if k != "$ref"}
        target = root.get("$defs", {}).get(node["$ref"][len("#/$defs/"):], {}) if isinstance(root, dict) else {}
        node = {**target, **extra}
        depth += 1
    return node


def _canon(node: Any, root: Any, depth: int = 0, expanding: frozenset[str] = frozenset()) -> Any:
    """A schema with every `$ref` inlined and annotations dropped: equal when two schemas say the same.
    A `$ref` met again inside its own expansion (a recursive shape) stays a `$ref`."""
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in expanding or depth > _MAX_DEPTH:
            return {"$ref": ref}
        expanding = expanding | {ref}
        node = {**_resolve({"$ref": ref}, root), **{k: v for k, v in node.items() if k != "$ref"}}
        if isinstance(node.get("$ref"), str):  # a chain of refs: follow it on the next call
            return _canon(node, root, depth + 1, expanding)
    if isinstance(node, dict):
        return {k: _canon(v, root, depth + 1, expanding) for k, v in sorted(node.items())
                if k not in _ANNOTATIONS and k != "$defs"}
    if isinstance(node, list):
        return [_canon(v, root, depth + 1, expanding) for v in node]
    return node


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)  # 1 and true, 1 and 1.0 stay apart as JSON keeps them


def _enum(node: dict[str, Any]) -> list[Any] | None:
    if "const" in node:
        return [node["const"]]
    values = node.get("enum")
    return list(values) if isinstance(values, list) else None


def _matches(kind: str, value: Any) -> bool:
    seen = _values.kind(value)
    return seen == kind or (kind == "number" and seen == "integer") or (
        kind == "integer" and seen == "number" and float(value).is_integer())


def _branches(node: Any, root: Any, depth: int = 0) -> list[tuple[str, dict[str, Any]]]:
    """The alternatives a schema allows, one per JSON type: `type` lists, nullable forms and
    `anyOf`/`oneOf` unions become (type, the keywords that apply to it, its enum values among them);
    no type is every type, and a type none of the enum's values has is no alternative."""
    node = _resolve(node, root)
    if node is False:
        return []
    if not isinstance(node, dict):  # true (or anything that is not a schema object) allows every value
        return [(t, {}) for t in _ALL_TYPES]
    union = node.get("anyOf", node.get("oneOf"))
    if isinstance(union, list) and depth < _MAX_DEPTH:
        outer = {k: v for k, v in node.items() if k not in ("anyOf", "oneOf")}
        found: list[tuple[str, dict[str, Any]]] = []
        for sub in union:
            sub = _resolve(sub, root)
            found += _branches({**outer, **sub} if isinstance(sub, dict) else sub, root, depth + 1)
        return found
    kind, values = node.get("type"), _enum(node)
    if isinstance(kind, str):
        types = [kind]
    elif isinstance(kind, list):
        types = [str(k) for k in kind]
    elif values is not None:
        types = sorted({_values.kind(v) for v in values})
    elif any(k in node for k in ("properties", "required", "additionalProperties")):
        types = ["object"]
    elif "items" in node:
        types = ["array"]
    else:
        types = list(_ALL_TYPES)
    found = []
    for t in types:
        branch = {k: node[k] for k in _KEYS_OF.get(t, ()) if k in node}
        if values is not None:
            branch["enum"] = [v for v in values if _matches(t, v)]
            if not branch["enum"]:
                continue
        found.append((t, branch))
    return found


def _covers(types: set[str], kind: str) -> str | None:
    """The type of `types` that takes the values of `kind` (a number takes integers), or None."""
    if kind in types:
        return kind
    return "number" if kind == "integer" and "number" in types else None


def _shown(types: set[str]) -> str:
    return "any" if set(_ALL_TYPES) <= types else str(sorted(types))


class _Walk:
    """One schema pair of one action, compared at every depth in one role: `caller` (an input: the
    new schema must accept what the old one did) or `reader` (an output: the new schema must allow
    nothing the old one did not)."""

    def __init__(self, r: _Rules, action: str, role: str, o_root: Any, n_root: Any) -> None:
        self.r, self.action, self.role, self.o_root, self.n_root = r, action, role, o_root, n_root
        self.side = "input" if role == "caller" else "output"
        self.comparing: set[tuple[Any, Any]] = set()  # $ref pairs being compared on the current path

    def add(self, rule: str, severity: str, where: str, message: str) -> None:
        self.r.add(rule, severity, self.role, self.action, where, message)

    def node(self, where: str, old: Any, new: Any, depth: int = 0) -> None:
        if depth > _MAX_DEPTH:
            return
        refs = (old.get("$ref") if isinstance(old, dict) else None, new.get("$ref") if isinstance(new, dict) else None)
        if refs != (None, None):
            if refs in self.comparing:  # a recursive shape, already being compared further up
                return
            self.comparing.add(refs)
        try:
            self._node(where, _resolve(old, self.o_root), _resolve(new, self.n_root), depth)
        finally:
            if refs != (None, None):
                self.comparing.discard(refs)

    def _node(self, where: str, old: Any, new: Any, depth: int) -> None:
        if _canon(old, self.o_root) == _canon(new, self.n_root):
            return
        ob, nb = _branches(old, self.o_root), _branches(new, self.n_root)
        ot, nt = {t for t, _ in ob}, {t for t, _ in nb}
        self._types(where, ot, nt)
        for kind in sorted(ot):
            partner = _covers(nt, kind)
            if partner is not None:
                self._alternatives(where, kind, [b for t, b in ob if t == kind], [b for t, b in nb if t == partner],
                                   depth)

    def _alternatives(self, where: str, kind: str, olds: list[dict[str, Any]], news: list[dict[str, Any]],
                      depth: int) -> None:
        """One type's alternatives on both sides: each one the role must keep (every old one for a
        caller, every new one for a reader) against its counterpart: an equal one, or the only one."""
        olds = list({_key(_canon(b, self.o_root)): b for b in olds}.values())
        news = list({_key(_canon(b, self.n_root)): b for b in news}.values())
        kept, other = (olds, news) if self.role == "caller" else (news, olds)
        kept_root, other_root = (self.o_root, self.n_root) if self.role == "caller" else (self.n_root, self.o_root)
        for branch in kept:
            if any(_canon(branch, kept_root) == _canon(b, other_root) for b in other):
                continue
            if len(other) != 1:
                self.add(f"{self.side}-union-changed", "breaking", where,
                         f"the {kind} alternatives changed ({len(olds)} -> {len(news)}); compare them by hand")
                return
            o, n = (branch, other[0]) if self.role == "caller" else (other[0], branch)
            self._constraints(where, kind, o, n, depth)

    # --- one keyword family at a time --------------------------------------------------------

    def _types(self, where: str, ot: set[str], nt: set[str]) -> None:
        lost = {t for t in ot if _covers(nt, t) is None}
        gained = {t for t in nt if _covers(ot, t) is None}
        if self.role == "caller":
            if lost:
                self.add("input-type-narrowed", "breaking", where, f"type {_shown(ot)} -> {_shown(nt)}")
            elif gained:
                self.add("input-type-widened", "addition", where, f"type {_shown(ot)} -> {_shown(nt)}")
            return
        if "null" in gained:
            self.add("output-became-nullable", "breaking", where, "may now be null")
        if gained - {"null"}:
            self.add("output-type-widened", "breaking", where, f"type {_shown(ot)} -> {_shown(nt)}")

    def _valid(self, value: Any, kind: str, branch: dict[str, Any], root: Any) -> bool:
        from jsonschema import Draft202012Validator  # only when an enum is compared

        numbers = ["integer", "number"] if kind in ("integer", "number") else kind
        schema = {**branch, "type": numbers, "$defs": root.get("$defs", {}) if isinstance(root, dict) else {}}
        return bool(Draft202012Validator(schema).is_valid(value))

    def _enum(self, where: str, kind: str, old: dict[str, Any], new: dict[str, Any]) -> bool:
        """An enum on either side, judged by its values (each old one the new schema must still
        accept, each new one the old schema allowed); True when that says all there is to say."""
        oe, ne = _enum(old), _enum(new)
        if self.role == "caller" and oe is not None:
            gone = [v for v in oe if not self._valid(v, kind, new, self.n_root)]
            okeys = {_key(v) for v in oe}
            if gone:
                self.add("input-enum-narrowed", "breaking", where, f"values no longer accepted: {gone}")
            elif ne is None:
                self.add("input-enum-widened", "addition", where, "no longer limited to a list of values")
            elif any(_key(v) not in okeys for v in ne):
                self.add("input-enum-widened", "addition", where,
                         f"new values accepted: {[v for v in ne if _key(v) not in okeys]}")
            return True
        if self.role == "caller" and ne is not None:
            self.add("input-enum-narrowed", "breaking", where, f"now limited to {ne}")
            return True
        if self.role == "reader" and ne is not None:
            fresh = [v for v in ne if not self._valid(v, kind, old, self.o_root)]
            if fresh and oe is not None:
                self.add("output-enum-value-added", self.r.enum_added, where,
                         f"new values a strict reader may not know: {fresh}")
            elif fresh:
                self.add("output-constraint-loosened", "breaking", where, f"values the old schema refused: {fresh}")
            return True
        if self.role == "reader" and oe is not None:
            self.add("output-constraint-removed", "breaking", where, "enum removed")
            return True
        return False

    def _constraints(self, where: str, kind: str, old: dict[str, Any], new: dict[str, Any], depth: int) -> None:
        if self._enum(where, kind, old, new):
            return
        for key in _KEYS_OF.get(kind, ()):
            if key in ("items", "properties", "required", "additionalProperties"):
                continue
            a, b = old.get(key), new.get(key)
            if a == b:
                continue
            if key in ("pattern", "format", "multipleOf"):
                self._changed(where, key, a, b)
            else:
                self._bound(where, key, a, b)
        if kind == "array" and (old.get("items") is not None or new.get("items") is not None):
            self.node(f"{where}[]", old.get("items", {}), new.get("items", {}), depth + 1)
        if kind == "object":
            self._object(where, old, new, depth)

    def _bound(self, where: str, key: str, a: Any, b: Any) -> None:
        lower = key.startswith(("min", "exclusiveMin"))
        tighter = b is not None and (a is None or (b > a if lower else b < a))
        if self.role == "caller":
            if tighter:
                self.add("input-bound-tightened", "breaking", where, f"{key} {a} -> {b}")
            else:
                self.add("input-bound-loosened", "addition", where, f"{key} {a} -> {b}")
        elif b is None:
            self.add("output-constraint-removed", "breaking", where, f"{key} {a!r} removed")
        elif not tighter and a is not None:
            self.add("output-constraint-loosened", "breaking", where, f"{key} {a} -> {b}")

    def _changed(self, where: str, key: str, a: Any, b: Any) -> None:
        rule = "multiple-of" if key == "multipleOf" else key
        if self.role == "caller":
            if b is not None:
                self.add(f"input-{rule}-added" if a is None else f"input-{rule}-changed", "breaking", where,
                         f"{key} {a!r} -> {b!r}")
            else:
                self.add(f"input-{rule}-removed", "addition", where, f"{key} {a!r} no longer checked")
        elif b is None:
            self.add("output-constraint-removed", "breaking", where, f"{key} {a!r} removed")
        elif a is not None:
            self.add("output-constraint-changed", "breaking", where, f"{key} {a!r} -> {b!r}")

    # --- objects -----------------------------------------------------------------------------

    def _object(self, where: str, old: dict[str, Any], new: dict[str, Any], depth: int) -> None:
        op, np_ = dict(old.get("properties", {})), dict(new.get("properties", {}))
        oreq, nreq = set(old.get("required", [])), set(new.get("required", []))
        o_extra, n_extra = old.get("additionalProperties", True), new.get("additionalProperties", True)
        removed, added = sorted(set(op) - set(np_)), sorted(set(np_) - set(op))
        for was, now in _renames(removed, added, lambda p: _canon(op[p], self.o_root),
                                 lambda p: _canon(np_[p], self.n_root)):
            removed.remove(was)
            added.remove(now)
            sub = f"{where}.{now}"
            if self.role == "caller":
                self.add("input-renamed", "breaking", sub,
                         f"renamed from `{was}` (same schema): callers sending `{was}` fail")
            else:
                self.add("output-field-renamed", "breaking", sub,
                         f"renamed from `{was}` (same schema): readers of `{was}` miss it")
            self._required(sub, was in oreq, now in nreq)
        for prop in removed:
            self._removed(f"{where}.{prop}", op[prop], prop in oreq, n_extra, depth)
        for prop in added:
            self._added(f"{where}.{prop}", np_[prop], prop in nreq, o_extra, depth)
        for prop in sorted(set(op) & set(np_)):
            sub = f"{where}.{prop}"
            self._required(sub, prop in oreq, prop in nreq)
            self.node(sub, op[prop], np_[prop], depth + 1)
        self._extra(where, o_extra, n_extra, depth)

    def _required(self, where: str, was: bool, now: bool) -> None:
        if self.role == "caller":
            if now and not was:
                self.add("input-optional-to-required", "breaking", where, "now required")
            elif was and not now:
                self.add("input-required-to-optional", "addition", where, "no longer required")
        elif was and not now:
            self.add("output-required-to-optional", "breaking", where, "may now be absent")

    def _removed(self, where: str, schema: Any, was_required: bool, n_extra: Any, depth: int) -> None:
        if self.role == "reader":
            self.add("output-field-removed", "breaking", where, "field removed")
        elif n_extra is False:
            self.add("input-removed", "breaking", where, "input removed; callers sending it fail")
        else:  # the object still takes undeclared fields: what callers send validates, checked or not
            self.add("input-removed", "warning", where,
                     "no longer declared (the object takes other fields, so it still validates; the API may "
                     "ignore it)")
            if n_extra is not True:
                self.node(where, schema, n_extra, depth + 1)

    def _added(self, where: str, schema: Any, required: bool, o_extra: Any, depth: int) -> None:
        if self.role == "reader":  # narrower than what the old object allowed under that name, or new
            self.add("output-field-added", "addition", where, "new field")
            return
        if required:
            self.add("input-required-added", "breaking", where, "new required input")
        else:
            self.add("input-optional-added", "addition", where, "new optional input")
        if o_extra is not False:  # callers may already send this name: what they sent must still pass
            self.node(where, True if o_extra is True else o_extra, schema, depth + 1)

    def _extra(self, where: str, o_extra: Any, n_extra: Any, depth: int) -> None:
        closed_o, closed_n = o_extra is False, n_extra is False
        if closed_o == closed_n:
            if not closed_o and (o_extra is not True or n_extra is not True):
                self.node(f"{where}.*", o_extra, n_extra, depth + 1)
            return
        if self.role == "caller":
            if closed_n:
                self.add("input-additional-closed", "breaking", where, "undeclared fields are refused now")
            else:
                self.add("input-additional-opened", "addition", where, "undeclared fields are accepted now")
        elif not closed_n:
            self.add("output-additional-opened", "warning", where,
                     "undeclared fields may appear now (readers refusing unknown fields fail)")


def _renames(removed: list[str], added: list[str], old_canon: Any, new_canon: Any) -> list[tuple[str, str]]:
    """Likely renames: a removed and an added name whose schemas are identical, each the other's
    only match. Anything ambiguous (two candidates either way) is left as a removal and an addition."""
    olds = {p: _key(old_canon(p)) for p in removed}
    news = {p: _key(new_canon(p)) for p in added}
    pairs = []
    for was, shape in olds.items():
        matches = [now for now, other in news.items() if other == shape]
        if len(matches) == 1 and [w for w, s in olds.items() if s == shape] == [was]:
            pairs.append((was, matches[0]))
    return pairs


def _compare_input(r: _Rules, name: str, where: str, old: Any, new: Any, o_root: Any, n_root: Any) -> None:
    """One input's schema at every depth, from the caller's side."""
    _Walk(r, name, "caller", o_root, n_root).node(where, old, new)


def _compare_output(r: _Rules, name: str, where: str, old: Any, new: Any, o_root: Any, n_root: Any) -> None:
    """An output schema at every depth, from the reader's side."""
    _Walk(r, name, "reader", o_root, n_root).node(where, old, new)


def _compare_action(r: _Rules, old: ActionSpec, new: ActionSpec) -> None:
    name = new.name
    for label, a, b in (("method", old.method, new.method), ("path", old.path, new.path)):
        if a != b:
            r.add(f"wire-{label}-changed", "breaking", "openapi", name, label, f"{a} -> {b}")
    so, sn = _SAFETY_RANK[old.behaviour.safety], _SAFETY_RANK[new.behaviour.safety]
    if sn > so and new.behaviour.safety == "unsafe":
        r.add("safety-weakened", "breaking", "retries", name, "behaviour.safety",
              f"{old.behaviour.safety} -> {new.behaviour.safety}: no longer safe to retry")
    elif sn > so:  # read -> idempotent: still safe to retry, but no longer read-only
        r.add("safety-weakened", "warning", "retries", name, "behaviour.safety",
              f"{old.behaviour.safety} -> {new.behaviour.safety}: still safe to retry, but no longer read-only "
              "(it changes data)")
    oldp, newp = {p.name: p for p in old.params}, {p.name: p for p in new.params}
    removed, added = sorted(set(oldp) - set(newp)), sorted(set(newp) - set(oldp))
    pairs = [(oldp[a], newp[b]) for a, b in _renames(
        removed, added, lambda p: (_canon(oldp[p].schema, old.input_schema), oldp[p].location),
        lambda p: (_canon(newp[p].schema, new.input_schema), newp[p].location))]
    for po, pn in pairs:
        removed.remove(po.name)
        added.remove(pn.name)
        r.add("input-renamed", "breaking", "caller", name, f"input.{pn.name}",
              f"renamed from `{po.name}` (same schema): callers sending `{po.name}` fail")
    for pname in removed:
        r.add("input-removed", "breaking", "caller", name, f"input.{pname}",
              "input removed; callers sending it fail")
    for pname in added:
        if newp[pname].required:
            r.add("input-required-added", "breaking", "caller", name, f"input.{pname}", "new required input")
        else:
            r.add("input-optional-added", "addition", "caller", name, f"input.{pname}", "new optional input")
    pairs += [(oldp[p], newp[p]) for p in sorted(set(oldp) & set(newp))]
    walk = _Walk(r, name, "caller", old.input_schema, new.input_schema)
    for po, pn in pairs:
        where = f"input.{pn.name}"
        walk._required(where, po.required, pn.required)
        if (po.wire_name, po.location) != (pn.wire_name, pn.location):
            r.add("wire-param-changed", "breaking", "openapi", name, where,
                  f"{po.location} {po.wire_name} -> {pn.location} {pn.wire_name}")
        walk.node(where, po.schema, pn.schema)
        if po.description != pn.description:
            r.add("description-changed", "info", "docs", name, where, "description changed")
        if (po.schema.get("examples"), po.example) != (pn.schema.get("examples"), pn.example):
            r.add("example-changed", "info", "docs", name, where, "example changed")
    _compare_output(r, name, "output", old.response.output, new.response.output, old.response.output,
                    new.response.output)
    if old.description != new.description:
        r.add("description-changed", "info", "docs", name, "description", "description changed")


def _wire(action: ActionSpec) -> tuple[str, str]:
    return action.method, re.sub(r"\{[^}]*\}", "{}", action.path)


def _action_renames(old: Catalogue, new: Catalogue) -> list[tuple[str, str]]:
    """An action removed and one added on the same wire endpoint (method and path, placeholders
    aside), when that endpoint has exactly one of each."""
    removed = [n for n in old.actions if n not in new.actions]
    added = [n for n in new.actions if n not in old.actions]
    return _renames(sorted(removed), sorted(added), lambda n: _wire(old.actions[n]), lambda n: _wire(new.actions[n]))


def compare(old: Catalogue, new: Catalogue, *, enum_added_severity: str = "warning") -> list[Finding]:
    """Every finding, sorted by severity (breaking first), action and place."""
    r = _Rules(enum_added_severity)
    oc, nc = old.connector, new.connector
    for label, a, b in (("base URL", oc.base_url, nc.base_url), ("auth header", oc.auth_header, nc.auth_header)):
        if a != b:
            r.add(f"wire-{label.replace(' ', '-').lower()}-changed", "breaking", "openapi", "*", "connector",
                  f"{label} {a} -> {b}")
    renamed = _action_renames(old, new)
    for was, now in renamed:
        method, path = new.actions[now].method, new.actions[now].path
        r.add("action-renamed", "breaking", "caller", now, "action",
              f"renamed from {was} (same endpoint {method} {path}): callers naming {was} fail")
        _compare_action(r, old.actions[was], new.actions[now])
    gone, fresh = {w for w, _ in renamed}, {n for _, n in renamed}
    for name in sorted(set(old.actions) | set(new.actions)):
        if name in gone or name in fresh:
            continue
        if name not in new.actions:
            r.add("action-removed", "breaking", "caller", name, "action", "action removed")
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
    """A side that cannot even be read (a bad git ref, path, wheel or compiled catalogue)."""


class _Side:
    def __init__(self, label: str, version: str | None, specs: Path | None = None,
                 compiled: Path | None = None) -> None:
        self.label, self.version, self.specs, self.compiled = label, version, specs, compiled

    def load(self) -> Catalogue:
        """The catalogue: specs loaded and linted by our loader, or a compiled one (`SpecError`,
        `_SideError`)."""
        if self.specs is not None:
            return load_catalogue(self.specs)
        from . import catalogue_of
        from .errors import ConfigurationError

        try:
            return catalogue_of(self.compiled)
        except ConfigurationError as exc:
            raise _SideError(f"{self.label}: {exc}") from exc


def _version_near(folder: Path) -> str | None:
    for candidate in (folder.parent / "pyproject.toml", folder / "pyproject.toml"):
        if candidate.is_file():
            return str(tomllib.loads(candidate.read_text())["project"]["version"])
    return None


def _from_wheel(label: str, wheel: Path, dest: Path) -> _Side:
    """A released wheel (e.g. from `pip download spoki-actions==X --no-deps`): its compiled catalogue."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
            catalogue = next((n for n in names if n == "spoki_actions/generated/catalogue.json"), None)
            metadata = next((n for n in names if n.endswith(".dist-info/METADATA")), None)
            if catalogue is None:
                raise _SideError(f"{label}: not a spoki-actions wheel (no spoki_actions/generated/catalogue.json)")
            path = dest / "catalogue.json"
            path.write_bytes(archive.read(catalogue))
            version = None
            if metadata is not None:
                found = re.search(r"^Version: *(\S+)", archive.read(metadata).decode("utf-8", "replace"), re.M)
                version = found.group(1) if found else None
    except (OSError, zipfile.BadZipFile) as exc:
        raise _SideError(f"{label}: cannot read the wheel: {exc}") from exc
    return _Side(label, version, compiled=path)


def _side(label: str, tmp: Path) -> _Side:
    dest = tmp / f"side{len(list(tmp.iterdir()))}"
    dest.mkdir()
    if label == "installed":
        from importlib import metadata

        return _Side(label, metadata.version("spoki-actions"), compiled=None)
    if not label.startswith("git:"):
        path = Path(label)
        if path.is_file() and path.suffix == ".whl":
            return _from_wheel(label, path, dest)
        if path.is_file():
            return _Side(label, None, compiled=path)
        if not path.is_dir():
            raise _SideError(f"{label}: no such specs folder, catalogue.json or wheel")
        return _Side(label, _version_near(path), specs=path)
    ref = label[len("git:"):]
    archive = dest / "tree.tar"
    done = subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), ref, "specs", "pyproject.toml"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise _SideError(f"{label}: git cannot read specs/ at {ref!r}: {done.stderr.strip()}")
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    return _Side(label, _version_near(dest / "specs"), specs=dest / "specs")


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


def into_changelog(text: str, section: str) -> str:
    """`text` (a Keep a Changelog file) with `section` as the `### Schemas` part of `## [Unreleased]`:
    the old one replaced (up to the next `###` or `##` heading), or added at the end of Unreleased.
    Everything else stays byte for byte."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith("## [Unreleased]")), None)
    if start is None:
        raise ValueError("no '## [Unreleased]' section to put the Schemas section in")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    old = next((i for i in range(start + 1, end) if lines[i].startswith("### Schemas")), None)
    block = section.rstrip("\n") + "\n\n"
    if old is None:
        at = end
        while at > start + 1 and not lines[at - 1].strip():
            at -= 1
        return "".join(lines[:at]) + "\n" + block + "".join(lines[end:])
    stop = next((i for i in range(old + 1, end) if lines[i].startswith(("### ", "## "))), end)
    return "".join(lines[:old]) + block + "".join(lines[stop:])


def _write_changelog(path: Path, findings: list[Finding], suggestion: str, args: argparse.Namespace) -> None:
    body = render_markdown(findings, suggestion, None).split("\n", 1)[1]
    section = (f"### Schemas\nProduced by `spoki-actions diff {args.old} {args.new} --changelog {path.name}`"
               f" (the schemas and behaviour the specs produce, compared).\n{body}")
    new_text = into_changelog(path.read_text(encoding="utf-8"), section)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(new_text, encoding="utf-8")
    os.replace(tmp, path)  # whole or not at all


def configure(parser: argparse.ArgumentParser) -> None:
    sides = ("a specs folder, git:REF (e.g. git:v0.1.0), a released wheel (.whl), a catalogue.json, or "
             "'installed' (the catalogue of the installed package)")
    parser.add_argument("old", metavar="OLD", help=f"the old catalogue: {sides}")
    parser.add_argument("new", metavar="NEW", help="the new catalogue, given the same ways")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    parser.add_argument("--fail-on", choices=SEVERITIES, default="breaking",
                        help="exit 1 when a finding is at least this severe (default: breaking)")
    parser.add_argument("--output-enum-added", choices=SEVERITIES, default="warning",
                        help="severity of a new output enum value (strict readers; default: warning)")
    parser.add_argument("--changelog", metavar="FILE", type=Path,
                        help="write the findings as the '### Schemas' part of FILE's [Unreleased] section "
                             "(replacing the one there; nothing else changes) and exit 0")
    parser.add_argument("--check-version", action="store_true",
                        help="exit 1 when NEW's version bump is smaller than the changes require")


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="spoki-diff-") as tmp:
        catalogues = []
        sides = []
        for label in (args.old, args.new):
            try:
                side = _side(label, Path(tmp))
                catalogues.append(side.load())
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
    if args.changelog is not None:
        try:
            _write_changelog(args.changelog, findings, suggestion, args)
        except (OSError, ValueError) as exc:
            print(f"spoki-actions diff: cannot write the Schemas section into {args.changelog}: {exc}",
                  file=sys.stderr)
            return 2
        print(f"{args.changelog}: Schemas section of [Unreleased] written ({len(findings)} finding(s); "
              f"needs at least a {suggestion} release)")
        return 0
    if args.format == "json":
        print(json.dumps({"old": {"source": args.old, "version": old_v}, "new": {"source": args.new, "version": new_v},
                          "summary": _summary(findings), "semver": suggestion, "version_ok": version_ok,
                          "findings": [{**asdict(f), "path": f.path} for f in findings]}, indent=2))
    elif args.format == "markdown":
        print(render_markdown(findings, suggestion, new_v), end="")
    else:
        for f in findings:
            print(f"{f.severity:<9} {f.rule:<28} {f.path}: {f.message} [{f.role}]")
        counts = ", ".join(f"{n} {s}" for s, n in _summary(findings).items())
        print(f"{len(findings)} finding(s): {counts}; semver: needs at least a {suggestion} release"
              + ("" if version_ok is None else
                 f"; {old_v} -> {new_v} is {'enough' if version_ok else 'NOT enough'}"))
    return 1 if failing or version_ok is False else 0
