"""View: every naming, typing and wording decision between the spec model and the templates.

Input: a loaded `Catalogue`. Output: plain, frozen view objects whose string fields are ready to
drop into a template: Python fields are identifiers or literals built by `escape` (spec text is
never placed in code except inside a literal), Markdown fields are escaped prose. Templates do
no more than lay these out, so a decision changes here, once.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spoki_actions.spec import ActionSpec, Catalogue, Param

from . import naming
from .errors import GeneratorError
from .escape import (
    json_text,
    md_cell,
    md_code,
    md_code_cell,
    md_fence,
    md_prose,
    py_docstring,
    py_str,
    py_value,
)
from .write import BANNER_END, BANNER_START  # `generated from specs/<source> by …; do not edit`

SCHEMA_ID_BASE = "https://spoki-actions.dev/schemas/"
GENERATED_PACKAGE = "spoki_actions.generated"

_PY_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_SAFETY = {
    "read": "read-only; retried on 429, 5xx, timeouts and connection errors",
    "idempotent": "idempotent; retried on 429, 5xx, timeouts and connection errors",
    "unsafe": "not idempotent; retried only on 429 or when the request provably never left "
              "(connection refused), never after a 5xx or a read timeout",
}
RESULT_NOTE = (
    "Each typed function returns the action's pydantic envelope model (`<Action>Output`: `data`,\n"
    "`error`, `successful`), validated leniently: unknown fields are kept, and when `data` does not\n"
    "match the documented shape (an unknown enum value, a missing field, or the empty `{}`/`[]` of a\n"
    "failed call) it stays the raw JSON value instead of raising. Like `run_action`, a typed\n"
    "function never raises for input or API errors: check `successful`."
)


# --- banners ---------------------------------------------------------------------------------

def banner(source: str | None = None) -> str:
    """The do-not-edit line every generated file carries (no paths outside the repo, no dates);
    `write` recognises the generator's own files by it."""
    return f"{BANNER_START}{source or ''}{BANNER_END}"


def stem(action: ActionSpec) -> str:
    return naming.stem(action)


# --- Python types ----------------------------------------------------------------------------

def int_enum_class(action: ActionSpec, param: Param) -> str | None:
    """The IntEnum a param is typed with: the shared enum's name, or `<Action><Param>` inline."""
    enum = param.enum
    if enum is None or enum.labels is None or param.type != "integer":
        return None
    if enum.name is not None:
        return naming.class_name(enum.name)
    return naming.action_class(action, naming.class_name(param.name))


def _literal(values: Iterable[Any]) -> str | None:
    values = list(values)
    if all(isinstance(v, (str, bool, int)) or v is None for v in values):
        return "Literal[" + ", ".join(py_value(v) for v in values) + "]"
    return None


def schema_annotation(schema: dict[str, Any] | None) -> str:
    """A Python type for a raw JSON Schema (array items, object values): the simple cases, else Any."""
    if not schema:
        return "Any"
    if isinstance(schema.get("enum"), list):
        return _literal(schema["enum"]) or "Any"
    types = schema.get("type")
    names = types if isinstance(types, list) else [types]
    parts: list[str] = []
    for t in names:
        if t in _PY_SCALARS:
            parts.append(_PY_SCALARS[t])
        elif t == "null":
            parts.append("None")
        elif t == "array":
            parts.append(f"list[{schema_annotation(schema.get('items'))}]")
        elif t == "object":
            extra = schema.get("additionalProperties")
            parts.append(f"dict[str, {schema_annotation(extra if isinstance(extra, dict) else None)}]")
        else:
            return "Any"
    return " | ".join(parts) if parts else "Any"


def param_annotation(action: ActionSpec, param: Param) -> str:
    """The type of a keyword argument; optional params add `| None` (None = not given, never sent)."""
    base: str
    enum_class = int_enum_class(action, param)
    if enum_class is not None:
        base = enum_class
    elif param.enum is not None:
        base = _literal(param.enum.values) or _PY_SCALARS.get(param.type, "Any")
    elif param.type == "array":
        base = f"list[{schema_annotation(param.items)}]"
    elif param.type == "object":
        base = f"dict[str, {schema_annotation(param.values)}]"
    else:
        base = _PY_SCALARS.get(param.type, "Any")
    return base if param.required else f"{base} | None"


# --- output shapes ---------------------------------------------------------------------------

def def_classes(catalogue: Catalogue) -> dict[str, str]:
    """Shared definition name (as bundled in `$defs`) → model class name."""
    names: set[str] = set()
    for action in catalogue.actions.values():
        names.update(action.response.output.get("$defs", {}))
        names.update(action.input_schema.get("$defs", {}))
    return {name: naming.class_name(name) for name in sorted(names)}


@dataclass(frozen=True, slots=True)
class DataShape:
    """How an action's `data` is modelled.

    `annotation` is its typed side (a model, `list[...]`, or `Any` for shapes with no structure);
    `hoist` names a model made from an inline object shape (`<Action>Data`), `hoist_items` one made
    from inline array items (`<Action>Item`); `fallback` is the raw type kept when the value does
    not match (None when the typed side is already `Any`).
    """

    annotation: str
    hoist: str | None
    hoist_items: str | None
    fallback: str | None


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _has_fields(schema: Any) -> bool:
    return isinstance(schema, dict) and bool(schema.get("properties"))


def data_shape(action: ActionSpec, classes: dict[str, str]) -> DataShape:
    output = action.response.output
    body = {k: v for k, v in output.items() if k != "$defs"}
    if "$ref" in body and set(body) <= {"$ref", "description", "title"}:
        return DataShape(classes[_ref_name(body["$ref"])], None, None, "dict[str, Any]")
    if output.get("type") == "object" and _has_fields(output):
        data = naming.action_class(action, "Data")
        return DataShape(data, data, None, "dict[str, Any]")
    if output.get("type") == "array":
        items = output.get("items")
        if isinstance(items, dict) and "$ref" in items and len(items) == 1:
            return DataShape(f"list[{classes[_ref_name(items['$ref'])]}]", None, None, "list[Any]")
        if _has_fields(items):
            item = naming.action_class(action, "Item")
            return DataShape(f"list[{item}]", None, item, "list[Any]")
        return DataShape(f"list[{schema_annotation(items)}]", None, None, "list[Any]")
    return DataShape("Any", None, None, None)


# --- the typed functions ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PyParam:
    key: str  # the params-dict key, as a literal
    py_name: str
    annotation: str
    default: str  # " = None" or ""
    required: bool


@dataclass(frozen=True, slots=True)
class PyAction:
    function: str
    name: str  # literal of the catalogue name
    docstring: str  # a complete triple-quoted literal, indented for the function body (`py_doc_literal`)
    params: tuple[PyParam, ...]
    output_class: str


@dataclass(frozen=True, slots=True)
class PyModule:
    banner: str
    actions: tuple[PyAction, ...]
    model_imports: tuple[str, ...]
    typing_imports: tuple[str, ...]
    all_names: tuple[str, ...]  # literals for __all__
    result_note: str  # our own prose for the module docstring (no spec text)


def docstring_text(action: ActionSpec, classes: dict[str, str]) -> str:
    """The typed function's docstring, as plain text; spec text is copied in verbatim."""
    lines = [action.title, "", action.description]
    if action.behaviour.deprecated is not None:
        dep = action.behaviour.deprecated
        lines += ["", "Deprecated: " + dep.message]
        if dep.replacement:
            lines.append(f"Use {dep.replacement} instead.")
    if action.variant_of:
        lines += ["", f"Variant of {action.variant_of}."]
    py_names = naming.param_names([p.name for p in action.params])
    lines += ["", "Args:"]
    for p in action.params:
        head = f"    {py_names[p.name]}:"
        lines.append(f"{head} {p.description}" if p.description else head)
        if p.required:
            lines.append("        Required.")
        if p.has_default:
            lines.append(f"        Default (applied by the API when not given): {json_text(p.default)}.")
    lines.append("    client: The client to call through; default: the shared client configured from the")
    lines.append("        environment (SPOKI_API_KEY, SPOKI_BASE_URL).")
    data = data_shape(action, classes).annotation
    lines += [
        "",
        "Returns:",
        f"    {naming.action_class(action, 'Output')}: the envelope (data, error, successful). `data` is",
        f"    {data} when the call succeeded and the answer matches the documented shape, else",
        "    the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.",
        "",
        f"Runs {action.name} ({action.method} {action.path}).",
    ]
    return "\n".join(lines)


DOC_INDENT = "    "  # a function body's indentation


def py_doc_literal(text: str) -> str:
    """The docstring literal of a typed function, indented like the body it opens (PEP 257).

    The guarantee is `inspect.getdoc(fn) == text`: Python 3.11/3.12 keep the indentation in
    `__doc__` and `inspect.cleandoc` removes it; 3.13+ strip it when compiling. Our own lines
    (`Args:`, `Returns:`) start at column 0, so the margin removed is exactly `DOC_INDENT` and a
    spec's own leading spaces and blank lines survive. Text that no docstring can hand back through
    `cleandoc` (a tab, which it expands; leading whitespace on the first line, which it strips)
    stays flush left instead, closing quotes on its last line, where `__doc__` is the exact text
    up to Python 3.12.
    """
    first, *rest = text.split("\n")
    indented = "\n".join([first, *(DOC_INDENT + line if line else line for line in rest), DOC_INDENT])
    if inspect.cleandoc(indented) == text:
        return py_docstring(text, indent=DOC_INDENT)[:-3] + "\n" + DOC_INDENT + '"""'
    return py_docstring(text)


def py_action(action: ActionSpec, classes: dict[str, str]) -> PyAction:
    py_names = naming.param_names([p.name for p in action.params])
    params = tuple(
        PyParam(
            key=py_str(p.name), py_name=py_names[p.name], annotation=param_annotation(action, p),
            default="" if p.required else " = None", required=p.required,
        )
        for p in action.params
    )
    return PyAction(
        function=naming.function_name(action),
        name=py_str(action.name),
        docstring=py_doc_literal(docstring_text(action, classes)),
        params=params,
        output_class=naming.action_class(action, "Output"),
    )


def py_module(catalogue: Catalogue) -> PyModule:
    classes = def_classes(catalogue)
    actions = tuple(py_action(a, classes) for a in sorted(catalogue.actions.values(), key=naming.function_name))
    _check_unique("function", {a.name: naming.function_name(a) for a in catalogue.actions.values()})
    imports: set[str] = set()
    typing = {"Any"}
    for spec in catalogue.actions.values():
        imports.add(naming.action_class(spec, "Output"))
        for p in spec.params:
            enum_class = int_enum_class(spec, p)
            if enum_class is not None:
                imports.add(enum_class)
    for a in actions:
        if any("Literal[" in p.annotation for p in a.params):
            typing.add("Literal")
    return PyModule(
        banner=banner(),
        actions=actions,
        model_imports=tuple(sorted(imports)),
        typing_imports=tuple(sorted(typing)),
        all_names=tuple(py_str(a.function) for a in actions),
        result_note=RESULT_NOTE,
    )


def _check_unique(what: str, by_action: dict[str, str]) -> None:
    seen: dict[str, list[str]] = {}
    for action, name in sorted(by_action.items()):
        seen.setdefault(name, []).append(action)
    problems = [f"{what} name {name!r} is used by {', '.join(actions)}"
                for name, actions in seen.items() if len(actions) > 1]
    if problems:
        raise GeneratorError(problems)


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
    return f"{action.group}/{stem(action)}.md"


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
        name = _ref_name(schema["$ref"])
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
    main = _ref_name(output["$ref"]) if "$ref" in output else ""
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
    s = stem(action)
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
