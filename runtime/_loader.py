"""Stage 1: specs/ (YAML) → validated, frozen `Catalogue`.

Input: a specs folder (`_connector.yaml`, `_shared/*.yaml`, `<group>/<stem>.yaml`).
Output: `spec.Catalogue`, or `SpecError` listing every problem found, each located as
`file:line:col key.path: message`. Steps: read each file with `_yaml` (bounded, with marks),
check it against its meta-schema (`meta/*.json`), resolve `$ref`s and bundle them into `$defs`,
merge variants onto their targets, run the cross-file checks, then build the frozen model.
Used by `spoki-actions lint`, by the generator, and by `Client(specs_dir=...)`; the runtime's
default catalogue is the compiled one in `spoki_actions.generated`, so importing the runtime
never parses YAML.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast

from . import _yaml
from .errors import SpecError, SpecProblem
from .spec import (
    ActionSpec,
    Behaviour,
    Catalogue,
    Connector,
    Deprecation,
    Reconcile,
    EnumSpec,
    Location,
    Pagination,
    Param,
    ParamType,
    RateLimit,
    RecordFilter,
    Response,
    RetryPolicy,
)

META_DIR = Path(__file__).parent / "meta"
CONNECTOR_FILE = "_connector.yaml"
SHARED_DIR = "_shared"
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"
DEFAULT_MAX_PAGES = 100
MERGED_SECTIONS = ("request", "response", "behaviour")

YPath = tuple[str | int, ...]


# --- problems --------------------------------------------------------------------------------

@dataclass
class _Doc:
    """One parsed file: its data, marks and display name."""

    rel: str  # path shown in messages: under the specs folder as the user named it
    data: Any
    marks: _yaml.Marks
    path: Path
    source: str = ""  # path relative to the specs folder (posix), recorded in the model


@dataclass
class _Report:
    problems: list[SpecProblem] = field(default_factory=list)

    def add(self, doc: _Doc | str, path: YPath, message: str, *, key: bool = False) -> None:
        if isinstance(doc, str):
            self.problems.append(SpecProblem(doc, 1, 1, _dotted(path), message))
            return
        line, col = doc.marks.at(path, key=key)
        self.problems.append(SpecProblem(doc.rel, line, col, _dotted(path), message))


def _dotted(path: YPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# --- meta-schema validation ------------------------------------------------------------------

@cache
def _validators() -> dict[str, Any]:
    import jsonschema
    from referencing import Registry, Resource

    schemas = {name: json.loads((META_DIR / f"{name}.schema.json").read_text("utf-8"))
               for name in ("action", "shared", "connector")}
    # No $id in the files: editors resolve their relative $refs against the file's own location,
    # and here each is registered under its file name, which is what those $refs name.
    registry: Registry[Any] = Registry().with_resources(
        (f"{name}.schema.json", Resource.from_contents(s)) for name, s in schemas.items()
    )
    return {name: jsonschema.Draft202012Validator({**s, "$id": f"{name}.schema.json"}, registry=registry)
            for name, s in schemas.items()}


def _leaf_errors(error: Any) -> Iterator[Any]:
    """For oneOf/anyOf failures, descend to the most relevant branch's errors."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        import jsonschema.exceptions

        best = jsonschema.exceptions.best_match(error.context)
        if best is not None and best.validator not in ("oneOf", "anyOf"):
            # the branch that went deepest is the one the author meant
            yield best
            return
        if best is not None:
            yield from _leaf_errors(best)
            return
    yield error


def _check_meta(doc: _Doc, kind: str, report: _Report) -> bool:
    validator = _validators()[kind]
    ok = True
    for error in sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
        for leaf in _leaf_errors(error):
            ok = False
            _report_schema_error(doc, leaf, report)
    return ok


def _report_schema_error(doc: _Doc, error: Any, report: _Report) -> None:
    path: YPath = tuple(error.absolute_path)
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(schema.get("properties", {}))
        for key in instance:
            if key not in schema.get("properties", {}) and not _pattern_allows(schema, key):
                expected = f"one of: {', '.join(allowed)}" if allowed else "no other keys"
                report.add(doc, (*path, key), f"unknown key {key!r} (expected {expected})", key=True)
        return
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        report.add(doc, path, f"missing required key {missing!r}")
        return
    if kind == "type":
        expected = error.validator_value
        expected_text = " or ".join(expected) if isinstance(expected, list) else expected
        report.add(doc, path, f"expected {expected_text}, found {_yaml.describe(instance)}")
        return
    if kind in ("enum", "const"):
        values = error.validator_value if kind == "enum" else [error.validator_value]
        report.add(doc, path, f"expected one of {_list(values)}, found {_yaml.describe(instance)}")
        return
    if kind == "pattern":
        report.add(doc, path, f"expected a string matching {error.validator_value}, found {_yaml.describe(instance)}")
        return
    if kind == "propertyNames":
        report.add(doc, path, f"invalid name: {error.message}", key=True)
        return
    report.add(doc, path, f"{error.message}")


def _pattern_allows(schema: dict[str, Any], key: str) -> bool:
    return any(re.search(p, key) for p in schema.get("patternProperties", {}))


def _list(values: list[Any]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


# --- reading ---------------------------------------------------------------------------------

def _read(path: Path, root: Path, report: _Report) -> _Doc | None:
    rel = _display(path, root)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        report.add(rel, (), f"cannot read file: {exc.strerror}")
        return None
    try:
        data, marks = _yaml.load(raw)
    except _yaml.YamlProblem as exc:
        report.problems.append(SpecProblem(rel, exc.line, exc.column, _dotted(exc.path), exc.message))
        return None
    doc = _Doc(rel, data, marks, path, path.relative_to(root).as_posix() if path.is_relative_to(root) else rel)
    if not isinstance(data, dict):
        report.add(doc, (), f"expected a mapping at the top of the file, found {_yaml.describe(data)}")
        return None
    return doc


def _display(path: Path, root: Path) -> str:
    """The path as the user can open it: under the specs folder exactly as they named it."""
    try:
        return (root / path.relative_to(root)).as_posix()
    except ValueError:
        return path.as_posix()


# --- $ref resolution and bundling ------------------------------------------------------------

class _Shared:
    """Shared definition files by absolute path, and the names they bundle under."""

    def __init__(self, docs: dict[Path, _Doc]) -> None:
        self.docs = docs
        self.names: dict[str, str] = {}  # bundle name → "file#fragment" that claimed it

    def target(self, ref: str, base: Path) -> tuple[str, Any, _Doc] | str:
        """(bundle name, schema, doc) for a `$ref`, or an error message."""
        file_part, _, fragment = ref.partition("#")
        if not file_part:
            return f"$ref {ref!r}: local references are not supported; point at a file in {SHARED_DIR}/"
        target_path = (base.parent / file_part).resolve()
        doc = self.docs.get(target_path)
        if doc is None:
            return f"$ref {ref!r} does not resolve: no shared definition file {file_part!r}"
        node: Any = doc.data
        name = target_path.stem
        if fragment:
            if not fragment.startswith("/"):
                return f"$ref {ref!r}: the fragment must be a JSON pointer like #/Name"
            for part in fragment.lstrip("/").split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(node, dict) or part not in node:
                    return f"$ref {ref!r} does not resolve: {file_part!r} has no {fragment!r}"
                node = node[part]
                name = part
        claim = f"{target_path}#{fragment}"
        previous = self.names.setdefault(name, claim)
        if previous != claim:
            return f"$ref {ref!r}: the name {name!r} is already used by another shared definition"
        return name, node, doc


def _bundle(schema: Any, doc: _Doc, path: YPath, shared: _Shared, report: _Report,
            defs: dict[str, Any], visiting: frozenset[str] = frozenset()) -> Any:
    """Copy `schema`, rewriting file `$ref`s to `#/$defs/<name>` and filling `defs`."""
    if isinstance(schema, list):
        return [_bundle(v, doc, (*path, i), shared, report, defs, visiting) for i, v in enumerate(schema)]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$ref" and isinstance(value, str):
            found = shared.target(value, doc.path)
            if isinstance(found, str):
                report.add(doc, (*path, key), found)
                out[key] = value
                continue
            name, target, target_doc = found
            out[key] = f"#/$defs/{name}"
            if name not in defs and name not in visiting:
                defs[name] = {}  # placeholder first: cycles terminate
                pointer = _pointer_path(value)
                defs[name] = _bundle(target, target_doc, pointer, shared, report, defs, visiting | {name})
        elif key == "labels" and isinstance(value, list):
            out["x-enum-varnames"] = list(value)
        elif key in ("properties",) and isinstance(value, dict):
            out[key] = {k: _bundle(v, doc, (*path, key, k), shared, report, defs, visiting)
                        for k, v in value.items()}
        else:
            out[key] = _bundle(value, doc, (*path, key), shared, report, defs, visiting)
    return out


def _pointer_path(ref: str) -> YPath:
    _, _, fragment = ref.partition("#")
    return tuple(p for p in fragment.lstrip("/").split("/") if p) if fragment else ()


def _check_schema_enums(schema: Any, doc: _Doc, path: YPath, report: _Report) -> None:
    """Integer enums carry one label per value; enum values match the declared type."""
    if isinstance(schema, list):
        for i, v in enumerate(schema):
            _check_schema_enums(v, doc, (*path, i), report)
        return
    if not isinstance(schema, dict):
        return
    if "enum" in schema and isinstance(schema["enum"], list):
        _check_enum(schema.get("type"), schema["enum"], schema.get("labels"), doc, path, report)
    for key, value in schema.items():
        if key in ("properties",) and isinstance(value, dict):
            for k, v in value.items():
                _check_schema_enums(v, doc, (*path, key, k), report)
        elif key in ("items", "additionalProperties", "anyOf"):
            _check_schema_enums(value, doc, (*path, key), report)


def _check_enum(type_: Any, values: list[Any], labels: Any, doc: _Doc, path: YPath, report: _Report,
                *, check_labels: bool = True) -> None:
    types = type_ if isinstance(type_, list) else [type_]
    for i, value in enumerate(values):
        if value is None and "null" in types:
            continue
        if type_ is not None and not any(_is_type(value, t) for t in types):
            report.add(doc, (*path, "enum", i), f"enum value {_yaml.describe(value)} is not of type {type_}")
    if not check_labels:
        return
    is_integer = "integer" in types or (values and all(_is_type(v, "integer") for v in values))
    if is_integer and labels is None:
        report.add(doc, (*path, "enum"), "an integer enum needs labels: one UPPER_SNAKE name per value, "
                   "e.g. labels: [TEXT, DATE, DATETIME]")
    if labels is not None:
        if len(labels) != len(values):
            report.add(doc, (*path, "labels"),
                       f"expected {len(values)} labels (one per enum value), found {len(labels)}")
        elif len(set(labels)) != len(labels):
            report.add(doc, (*path, "labels"), "labels must be unique")


def _is_type(value: Any, type_name: str) -> bool:
    match type_name:
        case "string":
            return isinstance(value, str)
        case "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        case "number":
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        case "boolean":
            return isinstance(value, bool)
        case "object":
            return isinstance(value, dict)
        case "array":
            return isinstance(value, list)
        case "null":
            return value is None
    return False


# --- actions ---------------------------------------------------------------------------------

@dataclass
class _Raw:
    """An action file after its own checks: data, provenance of each top-level key, bundled parts."""

    doc: _Doc
    data: dict[str, Any]
    # which doc supplied each (section, sub-key) after variant merging
    origin: dict[YPath, _Doc] = field(default_factory=dict)
    output: dict[str, Any] | None = None  # bundled output schema
    param_refs: dict[str, tuple[str, Any]] = field(default_factory=dict)  # param → (def name, schema)


def _origin_of(raw: _Raw, path: YPath) -> _Doc:
    for n in (2, 1):
        if path[:n] in raw.origin:
            return raw.origin[path[:n]]
    return raw.doc


def _merge_variant(variant: _Raw, target: _Raw) -> _Raw:
    data: dict[str, Any] = copy.deepcopy(target.data)
    origin: dict[YPath, _Doc] = {}
    for key in target.data:
        origin[(key,)] = _origin_of(target, (key,))
        if key in MERGED_SECTIONS and isinstance(target.data[key], dict):
            for sub in target.data[key]:
                origin[(key, sub)] = _origin_of(target, (key, sub))
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
    merged = _Raw(variant.doc, data, origin)
    replaced_output = "output" in variant.data.get("response", {})
    merged.output = variant.output if replaced_output else target.output
    merged.param_refs = variant.param_refs if "params" in variant.data else target.param_refs
    return merged


def _bundle_action_parts(raw: _Raw, shared: _Shared, report: _Report) -> None:
    data = raw.data
    output = data.get("response", {}).get("output")
    if output is not None:
        defs: dict[str, Any] = {}
        body = _bundle(output, raw.doc, ("response", "output"), shared, report, defs)
        if defs:
            body = {**body, "$defs": dict(sorted(defs.items()))}
        raw.output = body
        _check_schema_enums(output, raw.doc, ("response", "output"), report)
    for pname, p in (data.get("params") or {}).items():
        ref = p.get("$ref")
        if isinstance(ref, str):
            found = shared.target(ref, raw.doc.path)
            if isinstance(found, str):
                report.add(raw.doc, ("params", pname, "$ref"), found)
            else:
                name, target, target_doc = found
                tdefs: dict[str, Any] = {}
                bundled = _bundle(target, target_doc, _pointer_path(ref), shared, report, tdefs)
                raw.param_refs[pname] = (name, bundled)


def _build_param(raw: _Raw, method: str, pname: str, p: dict[str, Any], report: _Report,
                 defs: dict[str, Any]) -> Param | None:
    doc = _origin_of(raw, ("params",))
    where: YPath = ("params", pname)
    ref = raw.param_refs.get(pname)
    if "$ref" in p and ref is None:
        return None  # the unresolved $ref is already reported
    ref_schema: dict[str, Any] = ref[1] if ref else {}
    type_ = p.get("type", ref_schema.get("type"))
    if type_ is None:
        report.add(doc, where, "missing required key 'type' (or a $ref giving one)")
        return None
    if ref and "type" in p and ref_schema.get("type") not in (None, p["type"]):
        report.add(doc, (*where, "type"), f"type {p['type']!r} contradicts the $ref's type {ref_schema['type']!r}")
    if not isinstance(type_, str):
        report.add(doc, (*where, "$ref"), f"a param's $ref must give one type, found {_yaml.describe(type_)}")
        return None
    enum_values = p.get("enum", ref_schema.get("enum"))
    labels = p.get("labels", ref_schema.get("x-enum-varnames"))
    enum: EnumSpec | None = None
    if enum_values is not None:
        before = len(report.problems)
        # a shared enum's labels are checked (and reported) where it is defined
        _check_enum(type_, enum_values, labels, doc, where, report, check_labels="enum" in p)
        if len(report.problems) > before:
            return None
        enum = EnumSpec(ref[0] if ref and "enum" in ref_schema else None, tuple(enum_values),
                        tuple(labels) if labels is not None else None)
    elif "labels" in p:
        report.add(doc, (*where, "labels"), "labels need an enum beside them")
    required = bool(p.get("required", False))
    nullable = bool(p.get("nullable", not required))
    if required and nullable:
        report.add(doc, (*where, "nullable"), "a required param cannot be nullable: null means 'not given'")
    location = p.get("in") or ("query" if method in ("GET", "DELETE") else "body")
    if location == "body" and method in ("GET", "DELETE"):
        report.add(doc, (*where, "in"), f"{method} requests carry no body; use in: query")
    has_default = "default" in p
    default = p.get("default")
    if has_default:
        if required:
            report.add(doc, (*where, "default"), "a required param cannot have a default")
        elif enum is not None and default not in enum.values:
            report.add(doc, (*where, "default"),
                       f"default {_yaml.describe(default)} is not one of the enum values {_list(list(enum.values))}")
        elif default is not None and not _is_type(default, type_):
            report.add(doc, (*where, "default"), f"default {_yaml.describe(default)} is not of type {type_}")
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
    description = str(p.get("description", ref_schema.get("description", "")))
    # the param's JSON Schema (bundled; enum references point at the input schema's $defs)
    schema: dict[str, Any]
    if enum is not None and enum.name is not None:
        defs[enum.name] = {k: v for k, v in ref_schema.items()}
        schema = {"$ref": f"#/$defs/{enum.name}"}
    else:
        schema = {"type": type_}
        if enum is not None:
            schema["enum"] = list(enum.values)
            if enum.labels is not None:
                schema["x-enum-varnames"] = list(enum.labels)
    fmt = p.get("format")
    if fmt is not None:
        schema["format"] = fmt
        if fmt == "e164":
            schema["pattern"] = E164_PATTERN
    for ours, theirs in (("minimum", "minimum"), ("maximum", "maximum"), ("min_length", "minLength"),
                         ("max_length", "maxLength"), ("pattern", "pattern")):
        if ours in p:
            schema[theirs] = p[ours]
    if "items" in p:
        schema["items"] = p["items"]
    if "values" in p:
        schema["additionalProperties"] = p["values"]
    if nullable:
        schema = {"anyOf": [schema, {"type": "null"}]} if "$ref" in schema else \
            {**schema, "type": [type_, "null"]} if "enum" not in schema else \
            {**schema, "type": [type_, "null"], "enum": [*schema["enum"], None]}
    if description:
        schema["description"] = description
    if has_default:
        schema["default"] = default
    if "example" in p:
        schema["examples"] = [p["example"]]
    return Param(
        name=pname, type=cast(ParamType, type_), location=cast(Location, location), wire_name=p.get("wire_name", pname),
        required=required, nullable=nullable, description=description,
        has_default=has_default, default=default, enum=enum, format=fmt,
        minimum=p.get("minimum"), maximum=p.get("maximum"), min_length=p.get("min_length"),
        max_length=p.get("max_length"), pattern=p.get("pattern", E164_PATTERN if fmt == "e164" else None),
        items=p.get("items"), values=p.get("values"),
        has_example="example" in p, example=p.get("example"), schema=schema,
    )


def _build_action(raw: _Raw, connector: Connector, names: set[str], report: _Report) -> ActionSpec | None:
    data = raw.data
    before = len(report.problems)
    request = data["request"]
    method = request.get("method")
    path = request.get("path")
    if method is None or path is None:
        missing = "method" if method is None else "path"
        report.add(_origin_of(raw, ("request",)), ("request",), f"missing required key {missing!r}")
        return None
    defs: dict[str, Any] = {}
    params: list[Param] = []
    for pname, p in (data.get("params") or {}).items():
        built = _build_param(raw, method, pname, p, report, defs)
        if built is not None:
            params.append(built)
    # placeholders ↔ path params
    pdoc = _origin_of(raw, ("params",))
    rdoc = _origin_of(raw, ("request", "path"))
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
    # response
    resp = data["response"]
    rsp_doc = _origin_of(raw, ("response",))
    success = tuple(resp.get("success") or _default_success(connector, method))
    paginate = None
    if "paginate" in resp:
        pg = resp["paginate"]
        paginate = Pagination(pg["next"], pg["items"], pg.get("max_pages", DEFAULT_MAX_PAGES))
        for key in ("next", "items"):
            _check_jmespath(pg[key], _origin_of(raw, ("response", "paginate")), ("response", "paginate", key), report)
    select = resp.get("select")
    if select is not None:
        _check_jmespath(select, _origin_of(raw, ("response", "select")), ("response", "select"), report)
    filters = tuple(RecordFilter(f["param"], f["field"], f["op"]) for f in resp.get("filters", []))
    fdoc = _origin_of(raw, ("response", "filters"))
    by_name = {p.name: p for p in params}
    for i, f in enumerate(filters):
        fp = by_name.get(f.param)
        if fp is None:
            report.add(fdoc, ("response", "filters", i, "param"), f"filter param {f.param!r} is not a declared param")
        elif fp.location != "filter":
            report.add(fdoc, ("response", "filters", i, "param"),
                       f"filter param {f.param!r} must be declared with in: filter (it is never sent)")
    for p in params:
        if p.location == "filter" and not any(f.param == p.name for f in filters):
            report.add(pdoc, ("params", p.name, "in"), f"param {p.name!r} is in: filter but no response filter uses it")
    if raw.output is None:
        report.add(rsp_doc, ("response",), "missing required key 'output' (the JSON Schema of data)")
        return None
    # behaviour
    beh = data["behaviour"]
    bdoc = _origin_of(raw, ("behaviour",))
    if "safety" not in beh:
        report.add(bdoc, ("behaviour",), "missing required key 'safety' (read, idempotent or unsafe)")
        return None
    rate = None
    if "rate_limit" in beh:
        rate = connector.rate_limits.get(beh["rate_limit"])
        if rate is None:
            known = ", ".join(sorted(connector.rate_limits)) or "none declared"
            report.add(_origin_of(raw, ("behaviour", "rate_limit")), ("behaviour", "rate_limit"),
                       f"unknown rate-limit bucket {beh['rate_limit']!r} (declared in {CONNECTOR_FILE}: {known})")
    deprecated = None
    if "deprecated" in beh:
        d = beh["deprecated"]
        deprecated = Deprecation(d["message"], d.get("replacement"))
        if deprecated.replacement is not None and deprecated.replacement not in names:
            report.add(_origin_of(raw, ("behaviour", "deprecated")), ("behaviour", "deprecated", "replacement"),
                       f"replacement {deprecated.replacement!r} is not a known action")
    reconcile = _build_reconcile(raw, beh, params, names, report)
    _check_values(params, defs, pdoc, report)
    if len(report.problems) > before:
        return None
    required = [p.name for p in params if p.required]
    input_schema: dict[str, Any] = {
        "type": "object",
        "properties": {p.name: p.schema for p in params},
        "additionalProperties": False,
    }
    if required:
        input_schema["required"] = required
    if defs:
        input_schema["$defs"] = dict(sorted(defs.items()))
    return ActionSpec(
        name=data["name"], title=data["title"], description=data["description"], group=data["group"],
        method=method, path=path, params=tuple(params), query_constants=dict(request.get("query", {})),
        response=Response(success, select, paginate, filters, raw.output),
        behaviour=Behaviour(beh["safety"], rate, beh.get("cache_ttl"), deprecated, reconcile),
        variant_of=data.get("variant_of"), source=_source(raw.doc), input_schema=input_schema,
    )


def _build_reconcile(raw: _Raw, beh: dict[str, Any], params: list[Param], names: set[str],
                     report: _Report) -> Reconcile | None:
    """`behaviour.reconcile`, checked against this action's inputs (the read action's own inputs and
    safety are checked once every action is built)."""
    if "reconcile" not in beh:
        return None
    r = beh["reconcile"]
    where = ("behaviour", "reconcile")
    doc = _origin_of(raw, where)
    if beh["safety"] != "unsafe":
        report.add(doc, where, "reconcile is for unsafe actions (a read or idempotent call is simply re-sent)")
    if r["action"] not in names:
        report.add(doc, (*where, "action"), f"reconcile action {r['action']!r} is not a known action")
    mine = {p.name for p in params}
    for section in ("params", "match"):
        for target, source in r.get(section, {}).items():
            if source not in mine:
                report.add(doc, (*where, section, target), f"{source!r} is not an input of this action "
                           f"(inputs: {', '.join(sorted(mine)) or 'none'})")
    if "records" in r:
        _check_jmespath(r["records"], doc, (*where, "records"), report)
    return Reconcile(r["action"], dict(r.get("params", {})), r.get("records"), dict(r["match"]))


def _check_values(params: list[Param], defs: dict[str, Any], doc: _Doc, report: _Report) -> None:
    """Examples and defaults obey their param (type, enum, format, bounds, lengths, pattern, items),
    checked by the runtime's own input validation, so a documented example always runs."""
    from ._validate import compile_param

    for p in params:
        check = None
        for key, present, value in (("example", p.has_example, p.example), ("default", p.has_default, p.default)):
            if not present or value is None:
                continue
            if key == "default" and ((p.enum is not None and value not in p.enum.values)
                                     or not _is_type(value, p.type)):
                continue  # already reported by _build_param, in enum/type words
            check = check or compile_param(p, defs)
            found: list[Any] = []
            check(value, p.name, found)
            for problem in found:
                report.add(doc, ("params", p.name, key),
                           f"{key} {_yaml.describe(value)} is not a valid value of {p.name!r}: {problem.message}")


def _source(doc: _Doc) -> str:
    return doc.source or doc.rel


def _default_success(connector: Connector, method: str) -> tuple[int, ...]:
    return connector.default_success.get(method, (200,))


def _check_jmespath(expr: str, doc: _Doc, path: YPath, report: _Report) -> None:
    import jmespath
    import jmespath.exceptions

    try:
        jmespath.compile(expr)
    except jmespath.exceptions.ParseError as exc:
        report.add(doc, path, f"invalid JMESPath expression {expr!r}: {exc.msg} at column {exc.lex_position}")
    except jmespath.exceptions.JMESPathError as exc:
        report.add(doc, path, f"invalid JMESPath expression {expr!r}: {str(exc).strip().splitlines()[0]}")


# --- connector -------------------------------------------------------------------------------

def _build_connector(doc: _Doc, enums: dict[str, EnumSpec]) -> Connector:
    d = doc.data
    r = d["retry"]
    return Connector(
        name=d["connector"], base_url=d["base_url"], auth_header=d["auth"]["header"],
        auth_env=d["auth"]["env"], base_url_env=d.get("base_url_env", "SPOKI_BASE_URL"),
        timeout=float(d["timeout"]), max_response_bytes=d["max_response_bytes"],
        retry=RetryPolicy(
            max_attempts=r["max_attempts"], max_elapsed=float(r["max_elapsed"]),
            backoff_initial=float(r["backoff_initial"]), backoff_max=float(r["backoff_max"]),
            backoff_multiplier=float(r["backoff_multiplier"]), jitter=float(r["jitter"]),
            retry_after_cap=float(r["retry_after_cap"]), retry_statuses=tuple(r["statuses"]),
        ),
        error_detail_keys=tuple(d["errors"]["detail_keys"]),
        default_success={m: tuple(v) for m, v in sorted(d["success"].items())},
        rate_limits={k: RateLimit(k, v["requests"], float(v["window"])) for k, v in sorted(d["rate_limits"].items())},
        enums=dict(sorted(enums.items())),
    )


# --- entry points ----------------------------------------------------------------------------

def lint(specs_dir: str | Path) -> list[SpecProblem]:
    """Every problem in the specs folder, sorted (empty when all is well)."""
    try:
        load_catalogue(specs_dir)
    except SpecError as exc:
        return exc.problems
    return []


def load_catalogue(specs_dir: str | Path) -> Catalogue:
    """Load, check and build the catalogue. Raises `SpecError` with every problem found."""
    root = Path(specs_dir)
    report = _Report()
    if root.is_file():
        raise SpecError([SpecProblem(str(root), 1, 1, "", "is a file; lint and load take the specs folder "
                                     f"(e.g. {root.parent.parent if root.parent.name != '_shared' else root.parent})")])
    if not root.is_dir():
        raise SpecError([SpecProblem(str(root), 1, 1, "", "specs folder not found")])
    connector_doc = None
    connector_path = root / CONNECTOR_FILE
    if not connector_path.is_file():
        report.add(_display(connector_path, root), (), f"missing {CONNECTOR_FILE}: every specs folder needs one")
    else:
        connector_doc = _read(connector_path, root, report)
        if connector_doc is not None and not _check_meta(connector_doc, "connector", report):
            connector_doc = None
    # shared definitions
    shared_docs: dict[Path, _Doc] = {}
    shared_root = root / SHARED_DIR
    for path in sorted(shared_root.rglob("*")) if shared_root.is_dir() else []:
        if path.is_dir():
            continue
        if path.suffix != ".yaml":
            if path.suffix == ".yml":
                report.add(_display(path, root), (), "spec files use the .yaml extension")
            continue
        doc = _read(path, root, report)
        if doc is not None and _check_meta(doc, "shared", report):
            if "type" in doc.data:
                _check_schema_enums(doc.data, doc, (), report)
            else:
                for k, v in doc.data.items():
                    _check_schema_enums(v, doc, (k,), report)
            shared_docs[path.resolve()] = doc
    shared = _Shared(shared_docs)
    enums = _shared_enums(shared_docs)
    # action files
    raws: dict[str, _Raw] = {}
    first_seen: dict[str, _Doc] = {}
    unreadable: list[str] = []  # action files that failed to parse or to meet the meta-schema
    for path in sorted(root.rglob("*")):
        rel_parts = path.relative_to(root).parts
        if path.is_dir() or any(part.startswith((".", "_")) for part in rel_parts):
            continue
        if path.suffix not in (".yaml", ".yml"):
            continue
        display = _display(path, root)
        if path.suffix == ".yml":
            report.add(display, (), "spec files use the .yaml extension")
            continue
        if len(rel_parts) != 2:
            report.add(display, (), "an action file lives directly in a group folder: specs/<group>/<stem>.yaml")
            continue
        doc = _read(path, root, report)
        if doc is None or not _check_meta(doc, "action", report):
            unreadable.append(display)
            continue
        name = doc.data["name"]
        stem = name[len("SPOKI_"):].lower()
        if path.stem != stem:
            report.add(doc, ("name",), f"file stem {path.stem!r} does not match the name {name!r} "
                       f"(expected {stem}.yaml)")
        if "group" in doc.data and doc.data["group"] != rel_parts[0]:
            report.add(doc, ("group",), f"group {doc.data['group']!r} does not match the folder {rel_parts[0]!r}")
        if name in first_seen:
            other = first_seen[name]
            line, col = other.marks.at(("name",))
            report.add(doc, ("name",), f"duplicate action name {name!r} (also in {other.rel}:{line}:{col})")
            continue
        first_seen[name] = doc
        raw = _Raw(doc, doc.data)
        _bundle_action_parts(raw, shared, report)
        raws[name] = raw
    if connector_doc is None:
        raise SpecError(report.problems)
    connector = _build_connector(connector_doc, enums)
    # variants
    resolved: dict[str, _Raw] = {}
    for name, raw in raws.items():
        target_name = raw.data.get("variant_of")
        if target_name is None:
            resolved[name] = raw
            continue
        target = raws.get(target_name)
        if target is None:
            broken = [rel for rel in unreadable if Path(rel).stem == target_name[len("SPOKI_"):].lower()]
            if broken:
                report.add(raw.doc, ("variant_of",),
                           f"{target_name!r} could not be loaded: fix {broken[0]} first (its problems are listed)")
                continue
            close = _close(target_name, {k: v for k, v in raws.items() if k != name})
            hint = f"; did you mean {close}?" if close else ""
            report.add(raw.doc, ("variant_of",), f"{target_name!r} is not a known action{hint}")
        elif target_name == name:
            report.add(raw.doc, ("variant_of",), "an action cannot be a variant of itself")
        elif target.data.get("variant_of"):
            report.add(raw.doc, ("variant_of",), f"{target_name!r} is itself a variant; point at the action it "
                       f"varies ({target.data['variant_of']!r})")
        else:
            resolved[name] = _merge_variant(raw, target)
    actions: dict[str, ActionSpec] = {}
    for name in sorted(resolved):
        built = _build_action(resolved[name], connector, set(raws), report)
        if built is not None:
            actions[name] = built
    _check_reconcile_targets(actions, resolved, report)
    if report.problems:
        raise SpecError(report.problems)
    return Catalogue(connector, actions)


def _check_reconcile_targets(actions: dict[str, ActionSpec], raws: dict[str, _Raw], report: _Report) -> None:
    for name, action in actions.items():
        rule = action.behaviour.reconcile
        target = None if rule is None else actions.get(rule.action)
        if rule is None or target is None:
            continue
        where = ("behaviour", "reconcile")
        doc = _origin_of(raws[name], where)
        if target.behaviour.safety != "read":
            report.add(doc, (*where, "action"), f"reconcile action {rule.action!r} must be a read action "
                       f"(it is {target.behaviour.safety})")
        theirs = {p.name for p in target.params}
        for param in rule.params:
            if param not in theirs:
                report.add(doc, (*where, "params", param), f"{rule.action} has no input {param!r} "
                           f"(inputs: {', '.join(sorted(theirs)) or 'none'})")


def _shared_enums(docs: dict[Path, _Doc]) -> dict[str, EnumSpec]:
    enums: dict[str, EnumSpec] = {}
    for doc in docs.values():
        if "type" in doc.data:
            continue
        for name, schema in doc.data.items():
            if isinstance(schema, dict) and "enum" in schema:
                labels = schema.get("labels")
                enums[name] = EnumSpec(name, tuple(schema["enum"]), tuple(labels) if labels else None)
    return enums


def _close(name: str, known: dict[str, Any]) -> str:
    import difflib

    return ", ".join(difflib.get_close_matches(name, list(known), n=3, cutoff=0.6))
