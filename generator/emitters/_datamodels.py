"""Models: every action's input and output envelope as pydantic v2 models, in one dmcg call.

Input: the catalogue. Output: the text of `models.py`. All schemas are merged into one JSON
Schema whose `$defs` hold every model under the class name `pytypes` chose (shared shapes and enums
once, then `<Action>Input`, `<Action>Output`, hoisted `<Action>Data`/`<Action>Item` and inline
integer enums), and datamodel-code-generator runs once, in-process, with no formatter, timestamp
or version header; or, when an earlier run gave it the same input, options and version, its text
comes from the cache (`_dmcg_cache`, outside the output folder) and dmcg is not even imported.
The result is checked to define every class the bindings import.
"""

from __future__ import annotations

import ast
import io
import json
import tokenize
from typing import Any

from spoki_actions.spec import ActionSpec, Catalogue

from .. import _dmcg, naming, pytypes, schemas
from ..errors import GeneratorError
from ..escape import py_str
from ..write import banner
from . import _dmcg_cache

# keys that would change how values validate or are named rather than describe them; formats stay
# strings in the models (no email-validator, no URL normalisation), defaults stay with the API
_DROPPED = frozenset({"format", "default", "deprecated", "title", "$comment"})

MODULE_DOC = '''"""Pydantic v2 models of every Spoki action, from datamodel-code-generator.

`<Action>Input` holds an action's params (unknown keys refused); `<Action>Output` its envelope
(`data`, `error`, `successful`), read leniently: unknown fields are kept, and a `data` that does not
match the documented shape stays the raw JSON value (`data` is tried left to right). Shared shapes
and enums are defined once; integer enums are IntEnums (`FieldType.TEXT == 1`).
"""'''


def _prepare(schema: Any, classes: dict[str, str], *, open_objects: bool) -> Any:
    """Copy a schema for dmcg: `$ref`s renamed to class names, objects open unless closed."""
    if isinstance(schema, list):
        return [_prepare(v, classes, open_objects=open_objects) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROPPED:
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
            name = value[len("#/$defs/"):]
            out[key] = f"#/$defs/{classes.get(name, name)}"
        elif key == "properties" and isinstance(value, dict):
            out[key] = {k: _prepare(v, classes, open_objects=open_objects) for k, v in value.items()}
        elif key in ("items", "additionalProperties", "anyOf"):
            out[key] = _prepare(value, classes, open_objects=open_objects)
        elif key in ("examples", "enum", "x-enum-varnames", "required", "description", "type"):
            out[key] = value
        else:
            out[key] = _prepare(value, classes, open_objects=open_objects)
    types = out.get("type")
    is_object = types == "object" or (isinstance(types, list) and "object" in types) or "properties" in out
    if open_objects and is_object and "additionalProperties" not in out:
        out["additionalProperties"] = True
    return _split_null(out)


def _split_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`{type: [T, null], enum: [..., null], ...}` → `anyOf: [{type: T, enum: [...], ...}, {type: null}]`.

    dmcg reads a nullable enum as an enum with a `None` member and drops `additionalProperties`
    beside a type list; the anyOf form gives `Enum | None` and `dict[str, str] | None`.
    """
    types = schema.get("type")
    if not (isinstance(types, list) and "null" in types and len(types) == 2):
        return schema
    if not ({"enum", "additionalProperties", "items", "properties"} & set(schema)):
        return schema
    (inner_type,) = [t for t in types if t != "null"]
    inner = {k: v for k, v in schema.items() if k not in ("description", "examples")}
    inner["type"] = inner_type
    if isinstance(inner.get("enum"), list):
        inner["enum"] = [v for v in inner["enum"] if v is not None]
    outer = {k: v for k, v in schema.items() if k in ("description", "examples")}
    return {"anyOf": [inner, {"type": "null"}], **outer}


def _input_model(action: ActionSpec, classes: dict[str, str], defs: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = _prepare({k: v for k, v in action.input_schema.items() if k != "$defs"}, classes,
                                      open_objects=False)
    for p in action.params:
        enum_class = pytypes.int_enum_class(action, p)
        if enum_class is None or p.enum is None or p.enum.name is not None:
            continue
        # an inline integer enum becomes a named IntEnum, as the typed function annotates it
        labels = list(p.enum.labels or ())
        defs[enum_class] = {"type": "integer", "enum": list(p.enum.values), "x-enum-varnames": labels}
        ref: dict[str, Any] = {"$ref": f"#/$defs/{enum_class}"}
        prop: dict[str, Any] = {"anyOf": [ref, {"type": "null"}]} if p.nullable else ref
        if p.description:
            prop["description"] = p.description
        schema["properties"][p.name] = prop
    return schema


def _output_model(action: ActionSpec, classes: dict[str, str], defs: dict[str, Any]) -> dict[str, Any]:
    output = {k: v for k, v in action.response.output.items() if k != "$defs"}
    shape = pytypes.data_shape(action, classes)
    data: dict[str, Any]
    if shape.hoist is not None:
        defs[shape.hoist] = _prepare(output, classes, open_objects=True)
        data = {"$ref": f"#/$defs/{shape.hoist}"}
    elif shape.hoist_items is not None:
        defs[shape.hoist_items] = _prepare(output["items"], classes, open_objects=True)
        data = {"type": "array", "items": {"$ref": f"#/$defs/{shape.hoist_items}"}}
    elif shape.fallback is None:
        data = {}
    else:
        data = _prepare(output, classes, open_objects=True)
    if shape.fallback is not None:
        fallback = {"type": "array"} if shape.fallback.startswith("list") else {"type": "object"}
        data = {"anyOf": [data, fallback]}  # made left-to-right by `_left_to_right`
    return {
        "type": "object",
        "additionalProperties": True,
        "required": ["data", "error", "successful"],
        "properties": {"data": data, "error": {"type": ["string", "null"]}, "successful": {"type": "boolean"}},
    }


def combined_schema(catalogue: Catalogue) -> dict[str, Any]:
    """One schema holding every model in `$defs`, under its class name; name clashes are errors."""
    classes = pytypes.def_classes(catalogue)
    problems: list[str] = []
    owners: dict[str, str] = {}

    def claim(cls: str, owner: str) -> None:
        previous = owners.setdefault(cls, owner)
        if previous != owner:
            problems.append(f"model name {cls!r} is used by both {previous} and {owner}")

    shared: dict[str, Any] = {}
    for action in sorted(catalogue.actions.values(), key=lambda a: a.name):
        for key, schema in [*action.response.output.get("$defs", {}).items(),
                            *action.input_schema.get("$defs", {}).items()]:
            cls = classes[key]
            claim(cls, f"shared definition {key!r}")
            prepared = _prepare(schema, classes, open_objects=True)
            if shared.setdefault(cls, prepared) != prepared:
                problems.append(f"shared definition {key!r} is bundled differently in {action.name}")
    per_action: dict[str, Any] = {}
    for action in sorted(catalogue.actions.values(), key=lambda a: a.name):
        extra: dict[str, Any] = {}
        models = {
            naming.action_class(action, "Input"): _input_model(action, classes, extra),
            naming.action_class(action, "Output"): _output_model(action, classes, extra),
        }
        for cls in [*models, *extra]:
            claim(cls, action.name)
        per_action.update(models)
        per_action.update(extra)
    if problems:
        raise GeneratorError(sorted(set(problems)))
    return {"$defs": {**dict(sorted(shared.items())), **per_action}}


def _input(catalogue: Catalogue) -> tuple[str, str] | str:
    """dmcg's input and the file header; or, with no actions (dmcg refuses an input without
    models), the whole text of `models.py`. The last catalogue's answer is kept for `render`."""
    if _prepared and _prepared[0][0] is catalogue:
        return _prepared[0][1]
    schema = combined_schema(catalogue)
    header = f"# {banner()}\n{MODULE_DOC}"
    answer: tuple[str, str] | str
    if not schema["$defs"]:
        answer = f"{header}\n\nfrom __future__ import annotations\n"
    else:
        where = schemas.non_finite(schema)
        if where is not None:  # JSON (dmcg's input) has no NaN or infinity
            raise GeneratorError([f"python/models.py: {where[0]} is {where[1]!r}, which JSON cannot hold; "
                                  "fix the spec"])
        answer = (json.dumps(schema, ensure_ascii=False, allow_nan=False), header)
    _prepared[:] = [(catalogue, answer)]
    return answer


_prepared: list[tuple[Catalogue, tuple[str, str] | str]] = []  # the last `_input` (a frozen catalogue's)


def start(catalogue: Catalogue) -> None:
    """Hand dmcg's input for `catalogue` to the worker now (if one was started and the cache does
    not hold its output; if it does, the worker is ended), so dmcg runs while the other emitters
    do; `render` collects it. Best
    effort: a problem with the input is raised by `render`, in its turn."""
    try:
        prepared = _input(catalogue)
    except Exception:  # raised again by `render`, in its turn, after the emitters before it
        return
    if isinstance(prepared, str):
        return
    source, header = prepared
    if _dmcg_cache.load(_cache_entry(source, header)) is None:
        _dmcg.submit_ahead(source, header)
    else:
        _dmcg.dismiss()  # not needed: its core is free again for the rest of the run


def render(catalogue: Catalogue) -> str:
    """The text of `models.py`."""
    prepared = _input(catalogue)
    if isinstance(prepared, str):
        return prepared
    text = _cached_dmcg(*prepared)
    text = _escape_literals(text.rstrip("\n") + "\n")
    try:  # the one parse of models.py: the compile guard, the class check and the rewrite all use it
        tree = ast.parse(text, "python/models.py")
    except SyntaxError as exc:  # a generator bug, never a spec's fault: stop before writing
        raise GeneratorError([f"python/models.py:{exc.lineno}: generated code does not compile: {exc.msg}"]) from exc
    defined = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    missing = sorted(_referenced(catalogue) - defined)
    if missing:
        raise GeneratorError([f"datamodel-code-generator did not define {cls!r} (renamed or skipped)"
                              for cls in missing])
    classes = pytypes.def_classes(catalogue)
    envelopes = {naming.action_class(a, "Output"): pytypes.data_shape(a, classes) for a in catalogue.actions.values()}
    return _left_to_right(text, tree, envelopes)


def _cached_dmcg(source: str, header: str) -> str:
    """dmcg's text for `source`: from the cache (`_dmcg_cache`) when an earlier run made it with
    the same dmcg, options and input, else from dmcg (and then kept)."""
    entry = _cache_entry(source, header)
    text = _dmcg_cache.load(entry)
    if text is None:
        text = _run_dmcg(source, header)
        _dmcg_cache.store(entry, text)
    return text


def _cache_entry(source: str, header: str) -> str:
    return _dmcg_cache.key(source, repr(sorted(_dmcg.OPTIONS.items())), header)


def _run_dmcg(source: str, header: str) -> str:
    """The one datamodel-code-generator call, every model at once: in the worker `_dmcg.background`
    started for this render, if there is one and it answers, else in-process."""
    worker = _dmcg.take(source, header)
    answer = None if worker is None else worker.result()
    if answer is None:
        answer = _dmcg.run(source, header)
    if "problems" in answer:
        raise GeneratorError(answer["problems"])
    text: str = answer["text"]
    return text


def _referenced(catalogue: Catalogue) -> set[str]:
    """The class names the typed bindings and the docs rely on."""
    out: set[str] = set()
    for action in catalogue.actions.values():
        out.add(naming.action_class(action, "Output"))
        out.add(naming.action_class(action, "Input"))
        for p in action.params:
            enum_class = pytypes.int_enum_class(action, p)
            if enum_class is not None:
                out.add(enum_class)
    return out


def _escape_literals(text: str) -> str:
    """Rewrite string literals holding unprintable characters (line separators, bidi controls)
    with escapes, as `escape.py_str` writes them: dmcg emits enum values verbatim. Tokenizing is
    skipped when every character is printable (nearly always), so the module is parsed once."""
    if text.replace("\n", "").isprintable():
        return text
    starts = [0]
    for line in text.split("\n"):  # tokenize's lines end at "\n" only (not at U+2028)
        starts.append(starts[-1] + len(line) + 1)
    edits: list[tuple[int, int, str]] = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type != tokenize.STRING or all(c.isprintable() or c == "\n" for c in token.string):
            continue
        value = ast.literal_eval(token.string)
        if isinstance(value, str):
            begin = starts[token.start[0] - 1] + token.start[1]
            end = starts[token.end[0] - 1] + token.end[1]
            edits.append((begin, end, py_str(value)))
    for begin, end, literal in reversed(edits):
        text = text[:begin] + literal + text[end:]
    return text


def _left_to_right(text: str, tree: ast.Module, envelopes: dict[str, pytypes.DataShape]) -> str:
    """Make each envelope's `data: Shape | <raw>` try the documented shape first.

    Pydantic's default "smart" union prefers the member the JSON matches exactly, which is the
    raw `dict`/`list` (a JSON integer is not strictly an IntEnum), so it would never build the
    model. dmcg's own `union_mode` option applies to every union and breaks `Enum | None`, so the
    envelope fields alone are rewritten: `Annotated[Shape | raw, Field(union_mode="left_to_right")]`.
    Each envelope also derives from `_envelope.Envelope` and gains `unwrap()` (see `_unwrap_lines`).
    `tree` is `text` parsed; positions are UTF-8 byte offsets, as `ast` gives them.
    """
    source = text.encode("utf-8")
    starts = [0]
    for line in source.split(b"\n"):
        starts.append(starts[-1] + len(line) + 1)
    edits: list[tuple[int, int, bytes]] = []
    for node in tree.body:
        if not (isinstance(node, ast.ClassDef) and node.name in envelopes):
            continue
        for stmt in node.body:
            if (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == "data"
                    and isinstance(stmt.annotation, ast.BinOp)):
                ann = stmt.annotation
                assert ann.end_lineno is not None and ann.end_col_offset is not None
                begin = starts[ann.lineno - 1] + ann.col_offset
                end = starts[ann.end_lineno - 1] + ann.end_col_offset
                edits.append((begin, end, b"Annotated[" + source[begin:end] + b", Field(union_mode='left_to_right')]"))
    if not edits:
        return text
    for begin, end, replacement in reversed(edits):
        source = source[:begin] + replacement + source[end:]
    lines = source.decode("utf-8").split("\n")
    _add_unwrap(lines, tree, envelopes)
    wanted = (("typing", "Annotated"), ("typing", "cast"), ("pydantic", "Field"))
    missing = [imp for imp in wanted if not _merge_import(lines, tree, *imp)]
    at = lines.index("from __future__ import annotations") + 1
    lines[at:at] = [f"from {module} import {name}" for module, name in missing]
    first_class = next(i for i, line in enumerate(lines) if line.startswith("class "))
    last_import = max(i for i, line in enumerate(lines[:first_class]) if line.startswith(("from ", "import ")))
    lines.insert(last_import + 1, "\nfrom ._envelope import Envelope")
    return "\n".join(lines)


def _add_unwrap(lines: list[str], tree: ast.Module, envelopes: dict[str, pytypes.DataShape]) -> None:
    """Envelope classes derive from `Envelope` and get a typed `unwrap()`, from the bottom up so
    the tree's line numbers still hold."""
    found = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name in envelopes]
    for node in reversed(found):
        assert node.end_lineno is not None
        lines[node.end_lineno:node.end_lineno] = _unwrap_lines(envelopes[node.name])
        header = lines[node.lineno - 1]
        lines[node.lineno - 1] = header.replace("(BaseModel):", "(Envelope):")


def _unwrap_lines(shape: pytypes.DataShape) -> list[str]:
    check = pytypes.unwrap_check(shape)
    value = "self._unwrap(None)" if check is None else f"cast({shape.annotation!r}, self._unwrap(lambda d: {check}))"
    return [
        "",
        f"    def unwrap(self) -> {shape.annotation}:",
        f'        """`data` as `{shape.annotation}` when the call succeeded; else raises the call\'s error: an',
        "        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,",
        "        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or",
        '        `InvalidResponseError` when the answer does not have the documented shape."""',
        f"        return {value}",
    ]


def _merge_import(lines: list[str], tree: ast.Module, module: str, name: str) -> bool:
    """Add `name` to dmcg's one-line `from module import ...`, if there is one. Imports precede
    every rewritten field, so the tree's line numbers still hold."""
    for node in tree.body:
        if (isinstance(node, ast.ImportFrom) and node.module == module and node.level == 0
                and node.lineno == node.end_lineno and not any(a.asname for a in node.names)):
            names = sorted({alias.name for alias in node.names} | {name})
            lines[node.lineno - 1] = f"from {module} import {', '.join(names)}"
            return True
    return False
