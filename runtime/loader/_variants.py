"""Variants: an action with `variant_of` merged onto its target, remembering who set each key.

Input: raw actions by name (and the files that could not be read). Output: every action as one
`Raw` whose data is complete; `origin` says which file supplied each top-level key and each
sub-key of `request`, `response` and `behaviour`, so later problems point at the right file.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._report import Doc, Report, YPath, close_matches

MERGED_SECTIONS = ("request", "response", "behaviour")


@dataclass
class Raw:
    """An action file after its own checks: data, provenance of each top-level key, bundled parts."""

    doc: Doc
    data: dict[str, Any]
    # which doc supplied each (section, sub-key) after variant merging
    origin: dict[YPath, Doc] = field(default_factory=dict)
    output: dict[str, Any] | None = None  # bundled output schema
    param_refs: dict[str, tuple[str, Any]] = field(default_factory=dict)  # param → (def name, schema)

    def origin_of(self, path: YPath) -> Doc:
        for n in (2, 1):
            if path[:n] in self.origin:
                return self.origin[path[:n]]
        return self.doc


def _merge(variant: Raw, target: Raw) -> Raw:
    data: dict[str, Any] = copy.deepcopy(target.data)
    origin: dict[YPath, Doc] = {}
    for key in target.data:
        origin[(key,)] = target.origin_of((key,))
        if key in MERGED_SECTIONS and isinstance(target.data[key], dict):
            for sub in target.data[key]:
                origin[(key, sub)] = target.origin_of((key, sub))
    for key, value in variant.data.items():
        if key in MERGED_SECTIONS and isinstance(value, dict) and isinstance(data.get(key), dict):
            for sub, sub_value in value.items():
                data[key][sub] = copy.deepcopy(sub_value)
                origin[(key, sub)] = variant.doc
        else:
            data[key] = copy.deepcopy(value)
            origin[(key,)] = variant.doc
            for sub_key in [k for k in origin if len(k) == 2 and k[0] == key]:
                origin[sub_key] = variant.doc
    data["variant_of"] = variant.data["variant_of"]
    merged = Raw(variant.doc, data, origin)
    replaced_output = "output" in variant.data.get("response", {})
    merged.output = variant.output if replaced_output else target.output
    merged.param_refs = variant.param_refs if "params" in variant.data else target.param_refs
    return merged


def resolve_variants(raws: dict[str, Raw], unreadable: list[str], report: Report) -> dict[str, Raw]:
    """Every action whose `variant_of` (if any) points at a loaded, non-variant action, merged."""
    resolved: dict[str, Raw] = {}
    for name, raw in raws.items():
        target_name = raw.data.get("variant_of")
        if target_name is None:
            resolved[name] = raw
            continue
        target = raws.get(target_name)
        if target is None:
            _missing_target(name, raw, target_name, raws, unreadable, report)
        elif target_name == name:
            report.add(raw.doc, ("variant_of",), "an action cannot be a variant of itself")
        elif target.data.get("variant_of"):
            report.add(raw.doc, ("variant_of",), f"{target_name!r} is itself a variant; point at the action it "
                       f"varies ({target.data['variant_of']!r})")
        else:
            resolved[name] = _merge(raw, target)
    return resolved


def _missing_target(name: str, raw: Raw, target_name: str, raws: dict[str, Raw], unreadable: list[str],
                    report: Report) -> None:
    broken = [rel for rel in unreadable if Path(rel).stem == target_name[len("SPOKI_"):].lower()]
    if broken:
        report.add(raw.doc, ("variant_of",),
                   f"{target_name!r} could not be loaded: fix {broken[0]} first (its problems are listed)")
        return
    close = ", ".join(close_matches(target_name, [k for k in raws if k != name]))
    hint = f"; did you mean {close}?" if close else ""
    report.add(raw.doc, ("variant_of",), f"{target_name!r} is not a known action{hint}")
