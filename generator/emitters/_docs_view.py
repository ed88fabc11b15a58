"""Docs view: every wording decision of the Markdown pages, between the spec model and the templates.

Input: the catalogue. Output: frozen view objects whose string fields are escaped Markdown, ready
for `action.md.jinja` and `index.md.jinja` to lay out. Types and class names come from `pytypes`,
so the docs name exactly what the bindings and models define.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spoki_actions.spec import ActionSpec, Catalogue, Param

from .. import naming
from ..escape import json_text, md_cell, md_code, md_code_cell, md_fence, md_prose, py_str, py_value
from ..pytypes import GENERATED_PACKAGE, RESULT_NOTE, data_shape, int_enum_class, ref_name
from ..write import banner

_SAFETY = {
    "read": "read-only; retried on 429, 5xx, timeouts and connection errors",
    "idempotent": "idempotent; retried on 429, 5xx, timeouts and connection errors",
    "unsafe": "not idempotent; retried only on 429 or when the request provably never left "
              "(connection refused), never after a 5xx or a read timeout",
}

# --- docs ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DocRow:
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DocTable:
    heading: str
    intro: str
    rows: tuple[DocRow, ...]


@dataclass(frozen=True, slots=True)
class DocExample:
    fence: str
    code: str


@dataclass(frozen=True, slots=True)
class DocAction:
    banner: str
    title: str  # escaped for a heading
    name: str
    function: str
    group: str
    request: str  # code span
    description: str
    notices: tuple[str, ...]  # deprecation, variant (Markdown)
    inputs: tuple[DocRow, ...]
    data_summary: str
    shapes: tuple[DocTable, ...]
    behaviour: tuple[DocRow, ...]
    input_schema_name: str
    input_schema_link: str
    output_schema_name: str
    output_schema_link: str
    examples: tuple[DocExample, ...]


@dataclass(frozen=True, slots=True)
class DocIndexEntry:
    link: str
    name: str
    function: str
    request: str
    title: str
    notes: str


@dataclass(frozen=True, slots=True)
class DocGroup:
    name: str
    entries: tuple[DocIndexEntry, ...]


@dataclass(frozen=True, slots=True)
class DocIndex:
    banner: str
    summary: str
    groups: tuple[DocGroup, ...]
    result_note: str


def doc_path(action: ActionSpec) -> str:
    """Where an action's page lives, relative to the docs folder."""
    return f"{action.group}/{naming.stem(action)}.md"


def _constraints(p: Param, action: ActionSpec) -> str:
    parts: list[str] = []
    if p.enum is not None:
        if p.enum.labels is not None:
            values = ", ".join(f"{md_code(json_text(v))} {label}" for v, label in zip(p.enum.values, p.enum.labels,
                                                                                      strict=True))
        else:
            values = ", ".join(md_code(json_text(v)) for v in p.enum.values)
        enum_class = int_enum_class(action, p)
        parts.append((f"{md_code(enum_class)}: " if enum_class else "one of ") + values)
    if p.format is not None:
        parts.append(f"format {md_code(p.format)}")
    if p.minimum is not None:
        parts.append(f"≥ {json_text(p.minimum)}")
    if p.maximum is not None:
        parts.append(f"≤ {json_text(p.maximum)}")
    if p.min_length is not None:
        parts.append(f"length ≥ {p.min_length}")
    if p.max_length is not None:
        parts.append(f"length ≤ {p.max_length}")
    if p.pattern is not None:
        parts.append(f"matches {md_code(p.pattern)}")
    if p.location == "filter":
        parts.append("filters the records client-side (never sent)")
    return "; ".join(parts).replace("|", "\\|")


def _param_type_text(p: Param) -> str:
    if p.type == "array":
        return "array of " + _schema_type_text(p.items or {}, {})
    if p.type == "object" and p.values:
        return "object of " + _schema_type_text(p.values, {})
    return p.type


def _schema_type_text(schema: dict[str, Any], classes: dict[str, str]) -> str:
    if "$ref" in schema:
        name = ref_name(schema["$ref"])
        return classes.get(name, name)
    if "anyOf" in schema:
        return " or ".join(_schema_type_text(s, classes) for s in schema["anyOf"])
    types = schema.get("type")
    names = types if isinstance(types, list) else [types] if types else []
    out: list[str] = []
    for t in names:
        if t == "array":
            out.append("array of " + _schema_type_text(schema.get("items") or {}, classes))
        elif t == "object" and isinstance(schema.get("additionalProperties"), dict):
            out.append("object of " + _schema_type_text(schema["additionalProperties"], classes))
        elif t == "string" and "format" in schema:
            out.append(f"string ({schema['format']})")
        else:
            out.append(str(t))
    return " or ".join(out) or "any"


def _schema_notes(schema: dict[str, Any]) -> str:
    parts: list[str] = []
    if schema.get("description"):
        parts.append(str(schema["description"]))
    if isinstance(schema.get("enum"), list):
        labels = schema.get("x-enum-varnames")
        if isinstance(labels, list) and len(labels) == len(schema["enum"]):
            parts.append("One of: " + ", ".join(f"{json_text(v)} {lab}" for v, lab in zip(schema["enum"], labels,
                                                                                        strict=True)) + ".")
        else:
            parts.append("One of: " + ", ".join(json_text(v) for v in schema["enum"]) + ".")
    if schema.get("deprecated"):
        parts.append("Deprecated.")
    return " ".join(parts)


def _shape_table(heading: str, schema: dict[str, Any], classes: dict[str, str]) -> DocTable:
    required = set(schema.get("required", []))
    rows = tuple(
        DocRow((md_code_cell(name), md_cell(_schema_type_text(prop, classes)), "yes" if name in required else "no",
                md_cell(_schema_notes(prop))))
        for name, prop in schema.get("properties", {}).items()
    )
    intro = md_prose(_schema_notes(schema))
    return DocTable(md_code(heading), intro, rows)


def _shapes(action: ActionSpec, classes: dict[str, str]) -> tuple[str, tuple[DocTable, ...]]:
    output = action.response.output
    tables: list[DocTable] = []
    shape = data_shape(action, classes)
    if shape.hoist is not None:
        tables.append(_shape_table(shape.hoist, output, classes))
    if shape.hoist is not None:
        summary = f"`data` is an object, {md_code(shape.hoist)} (fields below), on success"
    elif shape.hoist_items is not None:
        summary = f"`data` is an array of {md_code(shape.hoist_items)} (fields below) on success"
    else:
        summary = f"`data` is {md_code(_schema_type_text(output, classes))} on success"
    if output.get("description"):
        summary += ": " + md_prose(str(output["description"]))
    summary += "; `{}` when the call fails" if not action.response.data_is_array else "; `[]` when the call fails"
    if shape.hoist_items is not None:
        tables.append(_shape_table(shape.hoist_items, output["items"], classes))
    main = ref_name(output["$ref"]) if "$ref" in output else ""
    for name, schema in sorted(output.get("$defs", {}).items(), key=lambda kv: (kv[0] != main, kv[0].lower())):
        if isinstance(schema, dict) and schema.get("properties"):
            tables.append(_shape_table(classes.get(name, name), schema, classes))
        elif isinstance(schema, dict):
            tables.append(DocTable(md_code(classes.get(name, name)),
                                   md_prose(f"{_schema_type_text(schema, classes)}. {_schema_notes(schema)}".strip()),
                                   ()))
    return summary + ".", tuple(tables)


def _number(value: float) -> str:
    return f"{value:g}"


def _behaviour(action: ActionSpec, catalogue: Catalogue) -> tuple[DocRow, ...]:
    b = action.behaviour
    r = action.response
    rows = [DocRow(("Safety", md_cell(f"{b.safety}: {_SAFETY[b.safety]}")))]
    if b.rate_limit is not None:
        rl = b.rate_limit
        others = sorted(a.name for a in catalogue.actions.values()
                        if a.behaviour.rate_limit is not None and a.behaviour.rate_limit.bucket == rl.bucket
                        and a.name != action.name)
        text = f"{md_code(rl.bucket)}: {rl.requests} requests per {_number(rl.window)} s"
        if others:
            text += ", shared with " + ", ".join(md_code(o) for o in others)
        rows.append(DocRow(("Rate limit", text)))
    else:
        rows.append(DocRow(("Rate limit", "none declared")))
    rows.append(DocRow(("Cache", f"answered from the client cache for {_number(b.cache_ttl)} s"
                        if b.cache_ttl is not None else "not cached")))
    rows.append(DocRow(("Success statuses", ", ".join(str(s) for s in r.success))))
    if action.query_constants:
        rows.append(DocRow(("Constant query", md_code_cell(json_text(action.query_constants)))))
    if r.paginate is not None:
        rows.append(DocRow(("Pagination", f"follows {md_code_cell(r.paginate.next)}, gathers "
                            f"{md_code_cell(r.paginate.items)} of every page (at most {r.paginate.max_pages} pages)")))
    if r.filters:
        rows.append(DocRow(("Filters", "; ".join(
            f"{md_code(f.field)} {f.op} input {md_code(f.param)}" for f in r.filters))))
    if r.select is not None:
        rows.append(DocRow(("Select", md_code_cell(r.select))))
    if b.deprecated is not None:
        rows.append(DocRow(("Deprecated", md_cell(b.deprecated.message))))
    return tuple(rows)


def _example_value(action: ActionSpec, p: Param, typed: bool) -> str | None:
    enum_class = int_enum_class(action, p)
    if p.has_example:
        value = p.example
    elif p.required:
        value = p.enum.values[0] if p.enum is not None else p.default if p.has_default else _placeholder(p)
    else:
        return None
    if typed and enum_class is not None and p.enum is not None and p.enum.labels is not None \
            and value in p.enum.values:
        return f"{enum_class}.{p.enum.labels[p.enum.values.index(value)]}"
    return py_value(value)


def _placeholder(p: Param) -> Any:
    return {"string": "text", "integer": 1, "number": 1.0, "boolean": True, "object": {}, "array": []}[p.type]


def _examples(action: ActionSpec) -> tuple[DocExample, ...]:
    py_names = naming.param_names([p.name for p in action.params])
    plain = [(p, v) for p in action.params if (v := _example_value(action, p, typed=False)) is not None]
    typed = [(p, v) for p in action.params if (v := _example_value(action, p, typed=True)) is not None]
    params = "{" + ", ".join(f"{py_str(p.name)}: {v}" for p, v in plain) + "}"
    by_name = "\n".join([
        "from spoki_actions import run_action",
        "",
        f"result = run_action({py_str(action.name)}, {params})",
        'print(result["successful"], result["error"], result["data"])',
    ])
    enum_imports = sorted({c for p in action.params if (c := int_enum_class(action, p)) is not None
                           and any(q is p for q, _ in typed)})
    lines = [f"from {GENERATED_PACKAGE}.actions import {naming.function_name(action)}"]
    if enum_imports:
        lines.append(f"from {GENERATED_PACKAGE}.models import {', '.join(enum_imports)}")
    args = ", ".join(f"{py_names[p.name]}={v}" for p, v in typed)
    lines += [
        "",
        f"result = {naming.function_name(action)}({args})",
        "if result.successful:",
        "    print(result.data)",
        "else:",
        "    print(result.error)",
    ]
    typed_code = "\n".join(lines)
    return (DocExample(md_fence(by_name), by_name), DocExample(md_fence(typed_code), typed_code))


def doc_action(action: ActionSpec, catalogue: Catalogue, classes: dict[str, str]) -> DocAction:
    notices: list[str] = []
    if action.behaviour.deprecated is not None:
        dep = action.behaviour.deprecated
        text = "**Deprecated.** " + md_prose(dep.message)
        if dep.replacement:
            target = catalogue.actions[dep.replacement]
            text += f" Use [{md_code(dep.replacement)}](../{doc_path(target)}) instead."
        notices.append(text)
    if action.variant_of:
        variant_target = catalogue.actions.get(action.variant_of)
        link = f"../{doc_path(variant_target)}" if variant_target is not None else "#"
        notices.append(f"Variant of [{md_code(action.variant_of)}]({link}): it inherits that action's spec and "
                       "replaces the keys it sets.")
    inputs = tuple(
        DocRow((md_code_cell(p.name), md_cell(_param_type_text(p)), "yes" if p.required else "no",
                md_code_cell(json_text(p.default)) if p.has_default else "", _constraints(p, action),
                p.location, md_cell(p.description)))
        for p in action.params
    )
    summary, shapes = _shapes(action, classes)
    s = naming.stem(action)
    title = md_prose(action.title).replace("\\\n", " ").replace("\n", " ")
    return DocAction(
        banner=banner(action.source), title=title, name=md_code(action.name),
        function=md_code(naming.function_name(action)), group=md_code(action.group),
        request=md_code(f"{action.method} {action.path}"), description=md_prose(action.description),
        notices=tuple(n.replace("\n", "\n> ") for n in notices), inputs=inputs, data_summary=summary, shapes=shapes,
        behaviour=_behaviour(action, catalogue),
        input_schema_name=f"{s}.input.json", input_schema_link=f"../../schemas/{s}.input.json",
        output_schema_name=f"{s}.output.json", output_schema_link=f"../../schemas/{s}.output.json",
        examples=_examples(action),
    )


def doc_index(catalogue: Catalogue) -> DocIndex:
    groups: dict[str, list[DocIndexEntry]] = {}
    for action in sorted(catalogue.actions.values(), key=lambda a: (a.group, a.name)):
        notes: list[str] = []
        if action.behaviour.deprecated is not None:
            notes.append("deprecated")
        if action.variant_of:
            notes.append(f"variant of {md_code(action.variant_of)}")
        groups.setdefault(action.group, []).append(DocIndexEntry(
            link=doc_path(action), name=md_code(action.name), function=md_code(naming.function_name(action)),
            request=md_code_cell(f"{action.method} {action.path}"), title=md_cell(action.title),
            notes="; ".join(notes),
        ))
    count = len(catalogue.actions)
    summary = (f"{count} action{'s' if count != 1 else ''} in {len(groups)} group{'s' if len(groups) != 1 else ''}."
               " Call any of them by name with `run_action(name, params)` (or `await arun_action(...)`), or "
               f"through its typed function in `{GENERATED_PACKAGE}.actions` (async twins in "
               f"`{GENERATED_PACKAGE}.aio`). JSON Schemas of every input and output are in "
               "[`../schemas/`](../schemas/index.json).")
    return DocIndex(banner=banner(), summary=summary,
                    groups=tuple(DocGroup(md_code(g), tuple(e)) for g, e in groups.items()),
                    result_note=RESULT_NOTE)
