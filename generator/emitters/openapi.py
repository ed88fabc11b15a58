"""OpenAPI emitter: the frozen catalogue as one OpenAPI 3.1 document, `openapi/spoki.openapi.json`.

Input: a `Catalogue`. Output: `openapi/spoki.openapi.json` (canonical JSON, no timestamps) and the same as YAML.
One operation per (method, path) on the wire: actions sharing an endpoint (variants) are named
together in `x-spoki-actions`; the operationId is the primary action's function name. Shared
`$defs` become `components/schemas` (refs rewritten). What only the catalogue knows is carried in
`x-spoki-*` extensions: safety, rate-limit, cache-ttl, pagination, client-filters, select, actions.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from spoki_actions.spec import ActionSpec, Catalogue, Param

from .. import naming, schemas
from ..write import banner

PATH = "openapi/spoki.openapi.json"
YAML_PATH = "openapi/spoki.openapi.yaml"
LEGACY_SERVER = "https://app.spoki.it/api/1"
SIMULATOR_SERVER = "http://127.0.0.1:{port}/api/1"

_ERRORS: dict[str, Any] = {
    "DrfDetail": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}},
                  "description": "Django REST Framework error: {\"detail\": message}."},
    "DrfFieldErrors": {"type": "object", "minProperties": 1,
                       "additionalProperties": {"type": "array", "items": {"type": "string"}},
                       "description": "Django REST Framework validation errors: {field: [messages]}."},
}


def _sorted(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _sorted(node[k]) for k in sorted(node)}
    if isinstance(node, list):
        return [_sorted(v) for v in node]
    return node


def emit(catalogue: Catalogue) -> dict[str, bytes]:
    """Canonical JSON (sorted keys below the top), the banner first: OpenAPI allows no `$comment` at
    its root, so the do-not-edit line is the `x-generated` extension."""
    doc = document(catalogue)
    top = {k: _sorted(doc[k]) for k in ("x-generated", "openapi", "info", *sorted(set(doc) - {
        "x-generated", "openapi", "info"}))}
    text = json.dumps(top, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    yaml_text = f"# {banner()}\n" + yaml_dump(top)
    return {PATH: text.encode(), YAML_PATH: yaml_text.encode()}


# characters PyYAML's emitter and libyaml's write alike in every scalar style and at every width:
# printable ASCII and the BMP from U+00A0 but for the line and paragraph separators, the BOM and
# U+FFFE/F (the two part on tabs, line breaks, NEL, controls, and characters beyond the BMP, which
# libyaml escapes and PyYAML writes as they are)
_SAME_IN_BOTH = re.compile("[ -~\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
_C_DUMPER: type[yaml.CSafeDumper] | None = getattr(yaml, "CSafeDumper", None)  # PyYAML built with libyaml


def yaml_dump(document: Any) -> str:
    """`yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)`, byte for byte.

    PyYAML's pure-Python emitter is ~4x slower than libyaml's (0.17 s of the 22 specs' run), and
    the two write the same text for every document whose strings (keys and values) hold only
    `_SAME_IN_BOTH` characters (the representer, which turns values into scalars, is PyYAML's in
    both; tests/generator/test_yaml_emit.py compares them): such a document goes to libyaml, any
    other (or every one, without libyaml) to PyYAML."""
    if _C_DUMPER is not None and _same_in_both(document):
        return yaml.dump(document, Dumper=_C_DUMPER, sort_keys=False, allow_unicode=True, width=100)
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def _same_in_both(node: Any) -> bool:
    if isinstance(node, str):
        return _SAME_IN_BOTH.fullmatch(node) is not None
    if isinstance(node, dict):
        return all(_simple_key(k) and _same_in_both(v) for k, v in node.items())
    if isinstance(node, list):
        return all(_same_in_both(v) for v in node)
    return node is None or isinstance(node, (bool, int, float))


def _simple_key(key: Any) -> bool:
    """A key both write as `key: value`: PyYAML writes `? key` for the empty string and from 123
    characters (its limit of 128 counts the `!!str` tag), libyaml from 128 UTF-8 bytes."""
    if not isinstance(key, str):
        return _same_in_both(key)
    return 0 < len(key.encode("utf-8")) <= 122 and _same_in_both(key)


def _rewrite(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/"):
                out[k] = "#/components/schemas/" + renames.get(v[len("#/$defs/"):], v[len("#/$defs/"):])
            else:
                out[k] = _rewrite(v, renames)
        return out
    if isinstance(node, list):
        return [_rewrite(v, renames) for v in node]
    return node


class _Components:
    """Every action's `$defs`, merged by name; two different shapes under one name get a suffix."""

    def __init__(self) -> None:
        self.schemas: dict[str, Any] = dict(_ERRORS)
        self._raw: dict[str, Any] = dict(_ERRORS)

    def add(self, defs: dict[str, Any]) -> dict[str, str]:
        renames: dict[str, str] = {}
        for name, shape in sorted(defs.items()):
            final, n = name, 1
            while final in self._raw and self._raw[final] != shape:
                n += 1
                final = f"{name}_{n}"
            renames[name] = final
        for name, shape in defs.items():
            if renames[name] not in self._raw:
                self._raw[renames[name]] = shape
                self.schemas[renames[name]] = _rewrite(shape, renames)
        return renames


def _param(p: Param, renames: dict[str, str]) -> dict[str, Any]:
    schema = _rewrite({k: v for k, v in p.schema.items() if k != "description"}, renames)
    out: dict[str, Any] = {"name": p.wire_name, "in": p.location, "required": p.required or p.location == "path",
                           "schema": schema}
    if p.description:
        out["description"] = p.description
    if p.has_example:
        out["example"] = p.example
    return out


def _wire_body(action: ActionSpec, renames: dict[str, str]) -> dict[str, Any] | None:
    """The wire answer's schema when the action's `data` is the body itself (no select, no paging)."""
    if action.response.select is not None or action.response.paginate is not None:
        return None
    wire: dict[str, Any] = _rewrite({k: v for k, v in action.response.output.items() if k != "$defs"}, renames)
    return wire


def _operation(actions: list[ActionSpec], components: _Components) -> dict[str, Any]:
    primary = actions[0]
    renames = components.add({**primary.input_schema.get("$defs", {}), **primary.response.output.get("$defs", {})})
    for other in actions[1:]:
        components.add({**other.input_schema.get("$defs", {}), **other.response.output.get("$defs", {})})
    op: dict[str, Any] = {
        "operationId": naming.function_name(primary),
        "summary": primary.title,
        "description": primary.description,
        "tags": [primary.group],
        "x-spoki-actions": [a.name for a in actions],
        "x-spoki-safety": primary.behaviour.safety,
    }
    if primary.group == "partners":
        op["security"] = [{"SpokiPartnerKey": []}]
    seen: set[tuple[str, str]] = set()
    params = []
    for action in actions:
        for p in action.params:
            if p.location in ("path", "query") and (p.wire_name, p.location) not in seen:
                seen.add((p.wire_name, p.location))
                params.append(_param(p, renames))
        for key, _value in action.query_constants.items():
            if (key, "query") not in seen:
                seen.add((key, "query"))
                values = sorted({json.dumps(a.query_constants[key]) for a in actions if key in a.query_constants})
                params.append({"name": key, "in": "query", "required": False,
                               "schema": {"enum": [json.loads(v) for v in values]},
                               "description": "Fixed by the catalogue action (see x-spoki-actions)."})
    if params:
        op["parameters"] = params
    body = [p for p in primary.params if p.location == "body"]
    if body:
        props = {p.wire_name: _rewrite(p.schema, renames) for p in body}
        required = sorted(p.wire_name for p in body if p.required)
        op["requestBody"] = {"required": bool(required), "content": {"application/json": {"schema": {
            "type": "object", "properties": props, "additionalProperties": False,
            **({"required": required} if required else {})}}}}
    filters = [{"param": f.param, "field": f.field, "op": f.op} for f in primary.response.filters]
    if filters:
        op["x-spoki-client-filters"] = filters
    if primary.response.select is not None:
        op["x-spoki-select"] = primary.response.select
    if primary.response.paginate is not None:
        pg = primary.response.paginate
        op["x-spoki-pagination"] = {"next": pg.next, "items": pg.items, "max_pages": pg.max_pages}
    rl = primary.behaviour.rate_limit
    if rl is not None:
        op["x-spoki-rate-limit"] = {"bucket": rl.bucket, "requests": rl.requests, "window": rl.window}
    if primary.behaviour.cache_ttl is not None:
        op["x-spoki-cache-ttl"] = primary.behaviour.cache_ttl
    if all(a.behaviour.deprecated is not None for a in actions):
        op["deprecated"] = True
    op["responses"] = _responses(primary, renames)
    return op


def _json(schema: Any) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _responses(action: ActionSpec, renames: dict[str, str]) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    wire = _wire_body(action, renames)
    for status in action.response.success:
        if status == 204:
            responses["204"] = {"description": "Done; no body."}
            continue
        schema: Any = wire if wire is not None else {
            "description": "The API's answer; the catalogue reshapes it (see x-spoki-select, x-spoki-pagination)."}
        entry = {"description": "Success.", **_json(schema)}
        if wire is not None:
            entry["content"]["application/json"]["example"] = schemas.sample_response(action)["data"]
        responses[str(status)] = entry
    detail = {"$ref": "#/components/schemas/DrfDetail"}
    responses["400"] = {"description": "Bad request: {detail} or {field: [messages]}.",
                        **_json({"oneOf": [detail, {"$ref": "#/components/schemas/DrfFieldErrors"}]})}
    responses["401"] = {"description": "Missing or wrong API key.", **_json(detail)}
    responses["403"] = {"description": "The key may not use this endpoint (e.g. not a partner key).", **_json(detail)}
    responses["404"] = {"description": "No such object ({detail}), or no such endpoint (an HTML page).",
                        "content": {"application/json": {"schema": detail},
                                    "text/html": {"schema": {"type": "string"}}}}
    responses["429"] = {"description": "Rate limited; wait Retry-After seconds.",
                        "headers": {"Retry-After": {"description": "Seconds to wait before trying again.",
                                                    "schema": {"type": "integer", "minimum": 0}}},
                        **_json(detail)}
    return responses


def document(catalogue: Catalogue) -> dict[str, Any]:
    connector = catalogue.connector
    components = _Components()
    by_endpoint: dict[tuple[str, str], list[ActionSpec]] = {}
    for action in catalogue.actions.values():
        by_endpoint.setdefault((action.path, action.method.lower()), []).append(action)
    paths: dict[str, dict[str, Any]] = {}
    for (path, method), actions in sorted(by_endpoint.items()):
        actions.sort(key=lambda a: (a.variant_of is not None, a.behaviour.deprecated is not None, a.name))
        paths.setdefault("/" + path.lstrip("/"), {})[method] = _operation(actions, components)
    return {
        "x-generated": banner(),
        "openapi": "3.1.0",
        "jsonSchemaDialect": schemas.DRAFT,
        "info": {"title": f"Spoki API ({connector.name} catalogue)", "version": schemas.catalogue_version(),
                 "description": f"{banner()}. The operations behind the spoki-actions catalogue; x-spoki-* "
                                "extensions carry what only the catalogue knows (see README)."},
        "servers": [
            {"url": connector.base_url, "description": "production"},
            {"url": LEGACY_SERVER, "description": "legacy host"},
            {"url": SIMULATOR_SERVER, "description": "local simulator (spoki-actions fake-server)",
             "variables": {"port": {"default": "8765"}}},
        ],
        "security": [{"SpokiApiKey": []}],
        "tags": [{"name": g} for g in sorted({a.group for a in catalogue.actions.values()})],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(components.schemas.items())),
            "securitySchemes": {
                "SpokiApiKey": {"type": "apiKey", "in": "header", "name": connector.auth_header,
                                "description": f"The account's API key (env {connector.auth_env})."},
                "SpokiPartnerKey": {"type": "apiKey", "in": "header", "name": connector.auth_header,
                                    "description": "A partner-level API key (partners/ endpoints only)."},
            },
        },
    }
