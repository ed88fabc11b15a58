"""Building: checked raw data → the frozen spec model (`Param`, `ActionSpec`, `Connector`).

Input: a merged `Raw` action, the connector doc, shared enums. Output: model objects, or None
when a problem was reported (every problem goes to the report; the checks live in `_checks`).
Each spec key is read in exactly one place here; `runtime/spec.py` derives the compiled
catalogue's round trip from the dataclass fields.
"""

from __future__ import annotations

from typing import Any, cast

from .. import _yaml
from .._values import E164_PATTERN
from ..spec import (
    ActionSpec,
    Behaviour,
    Connector,
    Deprecation,
    EnumSpec,
    Location,
    Pagination,
    Param,
    ParamType,
    RateLimit,
    Reconcile,
    RecordFilter,
    Response,
    RetryPolicy,
)
from . import _checks
from ._report import CONNECTOR_FILE, Doc, Report
from ._variants import Raw

DEFAULT_MAX_PAGES = 100


# --- params ----------------------------------------------------------------------------------

def _param_enum(raw: Raw, pname: str, p: dict[str, Any], type_: str, report: Report) -> EnumSpec | bool | None:
    """The param's enum (None when it has none), or False when it is broken (reported)."""
    doc, where = raw.origin_of(("params",)), ("params", pname)
    ref = raw.param_refs.get(pname)
    ref_schema: dict[str, Any] = ref[1] if ref else {}
    enum_values = p.get("enum", ref_schema.get("enum"))
    labels = p.get("labels", ref_schema.get("x-enum-varnames"))
    if enum_values is None:
        if "labels" in p:
            report.add(doc, (*where, "labels"), "labels need an enum beside them")
        return None
    mark = report.mark()
    # a shared enum's labels are checked (and reported) where it is defined
    _checks.check_enum(type_, enum_values, labels, doc, where, report, check_labels="enum" in p)
    if report.since(mark):
        return False
    return EnumSpec(ref[0] if ref and "enum" in ref_schema else None, tuple(enum_values),
                    tuple(labels) if labels is not None else None)


def _param_type(raw: Raw, pname: str, p: dict[str, Any], report: Report) -> str | None:
    doc, where = raw.origin_of(("params",)), ("params", pname)
    ref = raw.param_refs.get(pname)
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
    return type_


def _param_schema(p: dict[str, Any], type_: str, enum: EnumSpec | None, nullable: bool, description: str,
                  ref_schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """The param's JSON Schema (bundled; enum references point at the input schema's $defs)."""
    schema: dict[str, Any]
    if enum is not None and enum.name is not None:
        defs[enum.name] = dict(ref_schema.items())
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
                         ("max_length", "maxLength"), ("pattern", "pattern"), ("items", "items"),
                         ("values", "additionalProperties")):
        if ours in p:
            schema[theirs] = p[ours]
    if nullable:
        schema = {"anyOf": [schema, {"type": "null"}]} if "$ref" in schema else \
            {**schema, "type": [type_, "null"]} if "enum" not in schema else \
            {**schema, "type": [type_, "null"], "enum": [*schema["enum"], None]}
    if description:
        schema["description"] = description
    if "default" in p:
        schema["default"] = p["default"]
    if "example" in p:
        schema["examples"] = [p["example"]]
    return schema


def build_param(raw: Raw, method: str, pname: str, p: dict[str, Any], report: Report,
                defs: dict[str, Any]) -> Param | None:
    doc, where = raw.origin_of(("params",)), ("params", pname)
    ref = raw.param_refs.get(pname)
    if "$ref" in p and ref is None:
        return None  # the unresolved $ref is already reported
    ref_schema: dict[str, Any] = ref[1] if ref else {}
    type_ = _param_type(raw, pname, p, report)
    if type_ is None:
        return None
    enum = _param_enum(raw, pname, p, type_, report)
    if enum is False:
        return None
    enum = cast(EnumSpec | None, enum)
    required = bool(p.get("required", False))
    nullable = bool(p.get("nullable", not required))
    location = p.get("in") or ("query" if method in ("GET", "DELETE") else "body")
    _checks.check_param_keys(p, type_, method, location, doc, where, report)
    _checks.check_default(p, type_, enum, doc, where, report)
    description = str(p.get("description", ref_schema.get("description", "")))
    fmt = p.get("format")
    return Param(
        name=pname, type=cast(ParamType, type_), location=cast(Location, location), wire_name=p.get("wire_name", pname),
        required=required, nullable=nullable, description=description,
        has_default="default" in p, default=p.get("default"), enum=enum, format=fmt,
        minimum=p.get("minimum"), maximum=p.get("maximum"), min_length=p.get("min_length"),
        max_length=p.get("max_length"), pattern=p.get("pattern", E164_PATTERN if fmt == "e164" else None),
        items=p.get("items"), values=p.get("values"),
        has_example="example" in p, example=p.get("example"),
        schema=_param_schema(p, type_, enum, nullable, description, ref_schema, defs),
    )


# --- actions ---------------------------------------------------------------------------------

def _response(raw: Raw, method: str, connector: Connector, params: list[Param], report: Report) -> Response | None:
    resp = raw.data["response"]
    success = tuple(resp.get("success") or connector.default_success.get(method, (200,)))
    paginate = None
    if "paginate" in resp:
        pg = resp["paginate"]
        paginate = Pagination(pg["next"], pg["items"], pg.get("max_pages", DEFAULT_MAX_PAGES),
                              pg.get("bare_array", False))
        for key in ("next", "items"):
            _checks.check_jmespath(pg[key], raw.origin_of(("response", "paginate")), ("response", "paginate", key),
                                   report)
    select = resp.get("select")
    if select is not None:
        _checks.check_jmespath(select, raw.origin_of(("response", "select")), ("response", "select"), report)
    filters = resp.get("filters", [])
    _checks.check_filters(filters, params, raw.origin_of(("response", "filters")), raw.origin_of(("params",)), report)
    if raw.output is None:
        report.add(raw.origin_of(("response",)), ("response",),
                   "missing required key 'output' (the JSON Schema of data)")
        return None
    records = tuple(RecordFilter(f["param"], f["field"], f["op"]) for f in filters)
    return Response(success, select, paginate, records, raw.output)


def _behaviour(raw: Raw, connector: Connector, names: set[str], report: Report) -> Behaviour | None:
    beh = raw.data["behaviour"]
    if "safety" not in beh:
        report.add(raw.origin_of(("behaviour",)), ("behaviour",),
                   "missing required key 'safety' (read, idempotent or unsafe)")
        return None
    rate = None
    if "rate_limit" in beh:
        rate = connector.rate_limits.get(beh["rate_limit"])
        if rate is None:
            _unknown_bucket(raw.origin_of(("behaviour", "rate_limit")), beh["rate_limit"], connector, report)
    deprecated = None
    if "deprecated" in beh:
        d = beh["deprecated"]
        deprecated = Deprecation(d["message"], d.get("replacement"))
        if deprecated.replacement is not None and deprecated.replacement not in names:
            report.add(raw.origin_of(("behaviour", "deprecated")), ("behaviour", "deprecated", "replacement"),
                       f"replacement {deprecated.replacement!r} is not a known action")
    return Behaviour(beh["safety"], rate, beh.get("cache_ttl"), deprecated, _reconcile(raw, names, report))


def _reconcile(raw: Raw, names: set[str], report: Report) -> Reconcile | None:
    """`behaviour.reconcile`, checked against this action (the read action it names is checked once
    every action is built: `_checks.check_reconcile`)."""
    beh = raw.data["behaviour"]
    if "reconcile" not in beh:
        return None
    r, where = beh["reconcile"], ("behaviour", "reconcile")
    doc = raw.origin_of(where)
    if beh["safety"] != "unsafe":
        report.add(doc, where, "reconcile is for unsafe actions (a read or idempotent call is simply re-sent)")
    if r["action"] not in names:
        report.add(doc, (*where, "action"), f"reconcile action {r['action']!r} is not a known action")
    mine = set(raw.data.get("params") or {})
    for section in ("params", "match"):
        for target, source in r.get(section, {}).items():
            if source not in mine:
                report.add(doc, (*where, section, target), f"{source!r} is not an input of this action "
                           f"(inputs: {', '.join(sorted(mine)) or 'none'})")
    if "records" in r:
        _checks.check_jmespath(r["records"], doc, (*where, "records"), report)
    return Reconcile(r["action"], dict(r.get("params", {})), r.get("records"), dict(r["match"]))


def _unknown_bucket(doc: Doc, bucket: str, connector: Connector, report: Report) -> None:
    from ._report import close_matches

    known = ", ".join(sorted(connector.rate_limits)) or "none declared"
    close = close_matches(bucket, sorted(connector.rate_limits))
    hint = f"; did you mean {close[0]!r}?" if close else ""
    report.add(doc, ("behaviour", "rate_limit"),
               f"unknown rate-limit bucket {bucket!r}{hint} (declared in {CONNECTOR_FILE}: {known})")


def _input_schema(params: list[Param], defs: dict[str, Any]) -> dict[str, Any]:
    required = [p.name for p in params if p.required]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {p.name: p.schema for p in params},
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


def build_action(raw: Raw, connector: Connector, names: set[str], report: Report) -> ActionSpec | None:
    data = raw.data
    mark = report.mark()
    request = data["request"]
    method, path = request.get("method"), request.get("path")
    if method is None or path is None:
        missing = "method" if method is None else "path"
        report.add(raw.origin_of(("request",)), ("request",), f"missing required key {missing!r}")
        return None
    defs: dict[str, Any] = {}
    built = (build_param(raw, method, pname, p, report, defs) for pname, p in (data.get("params") or {}).items())
    params = [p for p in built if p is not None]
    pdoc = raw.origin_of(("params",))
    _checks.check_placeholders(path, params, pdoc, raw.origin_of(("request", "path")), report)
    response = _response(raw, method, connector, params, report)
    if response is None:
        return None
    behaviour = _behaviour(raw, connector, names, report)
    if behaviour is None:
        return None
    _checks.check_values(params, defs, pdoc, report)
    if report.since(mark):
        return None
    return ActionSpec(
        name=data["name"], title=data["title"], description=data["description"], group=data["group"],
        method=method, path=path, params=tuple(params), query_constants=dict(request.get("query", {})),
        response=response, behaviour=behaviour, variant_of=data.get("variant_of"),
        source=raw.doc.source or raw.doc.rel, input_schema=_input_schema(params, defs),
    )


# --- connector and shared enums --------------------------------------------------------------

def build_connector(doc: Doc, enums: dict[str, EnumSpec]) -> Connector:
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


def shared_enums(docs: dict[Any, Doc]) -> dict[str, EnumSpec]:
    enums: dict[str, EnumSpec] = {}
    for doc in docs.values():
        if "type" in doc.data:
            continue
        for name, schema in doc.data.items():
            if isinstance(schema, dict) and "enum" in schema:
                labels = schema.get("labels")
                enums[name] = EnumSpec(name, tuple(schema["enum"]), tuple(labels) if labels else None)
    return enums
