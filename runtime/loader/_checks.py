"""Cross-checks: what the meta-schema cannot say, checked on one action or across the catalogue.

Input: raw and built pieces (enums, params, paths, filters, JMESPath, names). Output: problems in
the report. `check_names` refuses what the generator would refuse later (two actions becoming one
Python function or one model class), so `lint` reports it first, at the spec's line and column.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .. import _yaml
from .._values import PLACEHOLDER, is_type
from ..spec import ActionSpec, EnumSpec, Param
from ._meta import json_list
from ._report import Doc, Report, YPath

if TYPE_CHECKING:
    from ._variants import Raw


def check_schema_enums(schema: Any, doc: Doc, path: YPath, report: Report) -> None:
    """Integer enums carry one label per value; enum values match the declared type."""
    if isinstance(schema, list):
        for i, v in enumerate(schema):
            check_schema_enums(v, doc, (*path, i), report)
        return
    if not isinstance(schema, dict):
        return
    if "enum" in schema and isinstance(schema["enum"], list):
        check_enum(schema.get("type"), schema["enum"], schema.get("labels"), doc, path, report)
    for key, value in schema.items():
        if key in ("properties",) and isinstance(value, dict):
            for k, v in value.items():
                check_schema_enums(v, doc, (*path, key, k), report)
        elif key in ("items", "additionalProperties", "anyOf"):
            check_schema_enums(value, doc, (*path, key), report)


def check_shared(doc: Doc, report: Report) -> None:
    """A shared file is one shape (with a `type`) or a set of named schemas."""
    if "type" in doc.data:
        check_schema_enums(doc.data, doc, (), report)
        return
    for k, v in doc.data.items():
        check_schema_enums(v, doc, (k,), report)


def check_enum(type_: Any, values: list[Any], labels: Any, doc: Doc, path: YPath, report: Report,
               *, check_labels: bool = True) -> None:
    types = type_ if isinstance(type_, list) else [type_]
    for i, value in enumerate(values):
        if value is None and "null" in types:
            continue
        if type_ is not None and not any(is_type(value, t) for t in types):
            report.add(doc, (*path, "enum", i), f"enum value {_yaml.describe(value)} is not of type {type_}")
    if not check_labels:
        return
    is_integer = "integer" in types or (values and all(is_type(v, "integer") for v in values))
    if is_integer and labels is None:
        report.add(doc, (*path, "enum"), "an integer enum needs labels: one UPPER_SNAKE name per value, "
                   "e.g. labels: [TEXT, DATE, DATETIME]")
    if labels is not None:
        if len(labels) != len(values):
            report.add(doc, (*path, "labels"),
                       f"expected {len(values)} labels (one per enum value), found {len(labels)}")
        elif len(set(labels)) != len(labels):
            report.add(doc, (*path, "labels"), "labels must be unique")


def check_param_keys(p: dict[str, Any], type_: str, method: str, location: str, doc: Doc, where: YPath,
                     report: Report) -> None:
    """Keys that only apply to some types or places."""
    if p.get("required", False) and p.get("nullable", not p.get("required", False)):
        report.add(doc, (*where, "nullable"), "a required param cannot be nullable: null means 'not given'")
    if location == "body" and method in ("GET", "DELETE"):
        report.add(doc, (*where, "in"), f"{method} requests carry no body; use in: query")
    for bound in ("minimum", "maximum"):
        if bound in p and type_ not in ("integer", "number"):
            report.add(doc, (*where, bound), f"{bound} applies to integer and number params, not {type_}")
    for key in ("min_length", "max_length", "pattern", "format"):
        if key in p and type_ != "string":
            report.add(doc, (*where, key), f"{key} applies to string params, not {type_}")
    if "pattern" in p:
        try:
            re.compile(p["pattern"])
        except re.error as exc:
            report.add(doc, (*where, "pattern"), f"invalid regular expression: {exc}")
    if "items" in p and type_ != "array":
        report.add(doc, (*where, "items"), "items applies to array params")
    if "values" in p and type_ != "object":
        report.add(doc, (*where, "values"), "values applies to object params")


def check_default(p: dict[str, Any], type_: str, enum: EnumSpec | None, doc: Doc, where: YPath,
                  report: Report) -> None:
    if "default" not in p:
        return
    default = p["default"]
    if p.get("required", False):
        report.add(doc, (*where, "default"), "a required param cannot have a default")
    elif enum is not None and default not in enum.values:
        report.add(doc, (*where, "default"),
                   f"default {_yaml.describe(default)} is not one of the enum values {json_list(list(enum.values))}")
    elif default is not None and not is_type(default, type_):
        report.add(doc, (*where, "default"), f"default {_yaml.describe(default)} is not of type {type_}")


def check_placeholders(path: str, params: list[Param], pdoc: Doc, rdoc: Doc, report: Report) -> None:
    """Every `{placeholder}` has exactly one path param and every path param one placeholder."""
    placeholders = PLACEHOLDER.findall(path)
    for ph in placeholders:
        fills = [p for p in params if p.location == "path" and p.wire_name == ph]
        if not fills:
            report.add(rdoc, ("request", "path"),
                       f"placeholder {{{ph}}} has no param with in: path filling it (wire_name {ph!r})")
        elif len(fills) > 1:
            report.add(pdoc, ("params", fills[1].name),
                       f"placeholder {{{ph}}} is filled by more than one param: {', '.join(p.name for p in fills)}")
    if len(set(placeholders)) != len(placeholders):
        report.add(rdoc, ("request", "path"), "a placeholder appears twice in the path")
    for p in params:
        if p.location == "path" and p.wire_name not in placeholders:
            report.add(pdoc, ("params", p.name, "in"),
                       f"path param {p.name!r} fills {{{p.wire_name}}}, which is not in the path {path!r}")
        if p.location == "path" and not p.required:
            report.add(pdoc, ("params", p.name, "required"), "a path param must be required: true")
    wire = [(p.location, p.wire_name) for p in params if p.location != "filter"]
    for loc, w in {x for x in wire if wire.count(x) > 1}:
        report.add(pdoc, ("params",), f"two params send the same {loc} name {w!r}")


def check_filters(filters: list[dict[str, Any]], params: list[Param], fdoc: Doc, pdoc: Doc, report: Report) -> None:
    """Filter params exist, are `in: filter`, and every `in: filter` param is used."""
    by_name = {p.name: p for p in params}
    for i, f in enumerate(filters):
        fp = by_name.get(f["param"])
        if fp is None:
            report.add(fdoc, ("response", "filters", i, "param"),
                       f"filter param {f['param']!r} is not a declared param")
        elif fp.location != "filter":
            report.add(fdoc, ("response", "filters", i, "param"),
                       f"filter param {f['param']!r} must be declared with in: filter (it is never sent)")
    for p in params:
        if p.location == "filter" and not any(f["param"] == p.name for f in filters):
            report.add(pdoc, ("params", p.name, "in"), f"param {p.name!r} is in: filter but no response filter uses it")


def check_jmespath(expr: str, doc: Doc, path: YPath, report: Report) -> None:
    import jmespath
    import jmespath.exceptions

    try:
        jmespath.compile(expr)
    except jmespath.exceptions.ParseError as exc:
        report.add(doc, path, f"invalid JMESPath expression {expr!r}: {exc.msg} at column {exc.lex_position}")
    except jmespath.exceptions.JMESPathError as exc:
        report.add(doc, path, f"invalid JMESPath expression {expr!r}: {str(exc).strip().splitlines()[0]}")


def check_values(params: list[Param], defs: dict[str, Any], doc: Doc, report: Report) -> None:
    """Examples and defaults obey their param (type, enum, format, bounds, lengths, pattern, items),
    checked by the runtime's own input validation, so a documented example always runs."""
    from .._validate import compile_param

    for p in params:
        check = None
        for key, present, value in (("example", p.has_example, p.example), ("default", p.has_default, p.default)):
            if not present or value is None:
                continue
            if key == "default" and ((p.enum is not None and value not in p.enum.values)
                                     or not is_type(value, p.type)):
                continue  # already reported by check_default, in enum/type words
            check = check or compile_param(p, defs)
            found: list[Any] = []
            check(value, p.name, found)
            for problem in found:
                report.add(doc, ("params", p.name, key),
                           f"{key} {_yaml.describe(value)} is not a valid value of {p.name!r}: {problem.message}")


def check_names(actions: dict[str, ActionSpec], docs: dict[str, Doc], report: Report) -> None:
    """Names the generator derives stay apart (see `names.clashes`): refused here, before generating."""
    from .names import clashes

    seen: set[tuple[str, str]] = set()
    for name, message in clashes(actions):
        if (name, message) not in seen:
            seen.add((name, message))
            report.add(docs[name], ("name",), message)


def check_reconcile(actions: dict[str, ActionSpec], docs: dict[str, Raw], report: Report) -> None:
    """A `behaviour.reconcile` names a read action, with inputs it has."""
    for name, action in actions.items():
        rule = action.behaviour.reconcile
        target = None if rule is None else actions.get(rule.action)
        if rule is None or target is None:
            continue
        where = ("behaviour", "reconcile")
        doc = docs[name].origin_of(where)
        if target.behaviour.safety != "read":
            report.add(doc, (*where, "action"), f"reconcile action {rule.action!r} must be a read action "
                       f"(it is {target.behaviour.safety})")
        theirs = {p.name for p in target.params}
        for param in rule.params:
            if param not in theirs:
                report.add(doc, (*where, "params", param), f"{rule.action} has no input {param!r} "
                           f"(inputs: {', '.join(sorted(theirs)) or 'none'})")
