"""Bindings view: the typed functions of `actions.py` and `aio.py`, decided once for both.

Input: the catalogue. Output: a frozen `PyModule` whose fields are identifiers or literals built by
`escape` (spec text is never placed in code except inside a literal); the one template
`actions.py.jinja` lays it out as the sync module or, with `aio`, as its async twin.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

from spoki_actions.spec import ActionSpec, Catalogue

from .. import naming
from ..errors import GeneratorError
from ..escape import json_text, py_docstring, py_str
from ..pytypes import RESULT_NOTE, data_shape, def_classes, int_enum_class, param_annotation
from ..write import banner


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
    raising: str  # the raising variant's name (`<function>_or_raise`)
    raising_docstring: str
    data_annotation: str  # what the raising variant returns: the documented type of `data`


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
        raising=naming.function_name(action) + "_or_raise",
        raising_docstring=py_doc_literal(raising_text(action, classes)),
        data_annotation=data_shape(action, classes).annotation,
    )


def raising_text(action: ActionSpec, classes: dict[str, str]) -> str:
    """The raising variant's docstring: our own words, with the action's title copied in."""
    return "\n".join([
        action.title,
        "",
        f"Like `{naming.function_name(action)}` (same arguments), but returns `data` as",
        f"{data_shape(action, classes).annotation} and raises instead of returning a failed envelope: the",
        "call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),",
        "`ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have",
        "the documented shape.",
        "",
        f"Runs {action.name} ({action.method} {action.path}).",
    ])


def py_module(catalogue: Catalogue) -> PyModule:
    classes = def_classes(catalogue)
    actions = tuple(py_action(a, classes) for a in sorted(catalogue.actions.values(), key=naming.function_name))
    names = {a.name: naming.function_name(a) for a in catalogue.actions.values()}
    _check_unique("function", {**names, **{f"{a} (raising variant)": f"{n}_or_raise" for a, n in names.items()}})
    imports: set[str] = set()
    typing = {"Any"}
    for spec in catalogue.actions.values():
        imports.add(naming.action_class(spec, "Output"))
        for p in spec.params:
            enum_class = int_enum_class(spec, p)
            if enum_class is not None:
                imports.add(enum_class)
    for a in actions:
        if any("Literal[" in p.annotation for p in a.params) or "Literal[" in a.data_annotation:
            typing.add("Literal")
        imports.update(set(re.findall(r"\b[A-Z]\w*", a.data_annotation)) - {"Any", "Literal", "None"})
    return PyModule(
        banner=banner(),
        actions=actions,
        model_imports=tuple(sorted(imports)),
        typing_imports=tuple(sorted(typing)),
        all_names=tuple(sorted(py_str(n) for a in actions for n in (a.function, a.raising))),
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
