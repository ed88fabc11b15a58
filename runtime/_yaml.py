"""Bounded, safe YAML reading that remembers where every key and value came from.

Input: the bytes of one spec file. Output: plain JSON-like data (dict, list, str, int, float,
bool, None) plus `Marks`, the 1-based line and column of every value and key by key path.
Built from PyYAML's event stream (never its object constructor), so hostile files stay bounded:
size is checked before parsing, nesting depth and node count while parsing, and anchors, aliases,
custom tags and duplicate keys are refused. Scalars follow YAML 1.2's core schema (`no`, `on`,
`12:30` and dates stay strings); infinities and NaN are refused (JSON has neither).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from . import _values

describe = _values.for_yaml  # "found …" words for YAML authors (see `_values`)
_describe = _values.yaml_kind

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000

try:  # libyaml is much faster on large files; the pure-Python parser is the fallback
    _Loader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


Path = tuple[str | int, ...]


@dataclass
class Marks:
    """Where things are: `values[path]` and `keys[path]` are (line, column), 1-based."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The closest known position for `path` (walking up to its parents)."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while True:
            if probe in table:
                return table[probe]
            if key and probe in self.values:
                return self.values[probe]
            if not probe:
                return (1, 1)
            probe = probe[:-1]


class YamlProblem(Exception):
    """A file that cannot be read as spec data; `line`/`column` are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1, path: Path = ()) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.path = path


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


# YAML 1.2 core-schema scalars: `yes`, `no`, `on`, `off`, `12:30` and `2024-01-01` stay strings
# (YAML 1.1, PyYAML's default, turns them into booleans, sexagesimal integers and dates).
_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_NON_FINITE = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
_EXPLICIT = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
             "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}


def _scalar(loader: Any, event: Any) -> Any:
    value: str = event.value
    line, col = _pos(event.start_mark)
    tag = event.tag
    if tag not in (None, "!"):
        if tag not in _EXPLICIT:
            raise YamlProblem(f"custom YAML tag {tag!r} is not allowed", line, col)
        if tag == "tag:yaml.org,2002:str":
            return value
    elif not event.implicit[0]:  # quoted or block scalar: always a string
        return value
    if tag in (None, "!", "tag:yaml.org,2002:null") and _NULL.fullmatch(value):
        return None
    if tag in (None, "!", "tag:yaml.org,2002:bool") and value in _BOOL:
        return _BOOL[value]
    if tag in (None, "!", "tag:yaml.org,2002:int") and _INT.fullmatch(value):
        if value.startswith(("0o", "0x")):
            return int(value[2:], 8 if value[1] == "o" else 16)
        if len(value) > 100:
            raise YamlProblem(f"integer with {len(value)} digits is too large for a spec", line, col)
        return int(value)
    if tag in (None, "!", "tag:yaml.org,2002:float") and _FLOAT.fullmatch(value):
        number = float(value)
        if math.isfinite(number):
            return number
        raise YamlProblem(f"number {value} is out of range (JSON has no infinity)", line, col)
    if _NON_FINITE.fullmatch(value):
        raise YamlProblem(f"{value} is not allowed: JSON has no infinity or NaN", line, col)
    if tag not in (None, "!"):
        raise YamlProblem(f"{value!r} is not a valid {tag.rsplit(':', 1)[1]}", line, col)
    return value




def load(text: bytes | str) -> tuple[Any, Marks]:
    """Parse one YAML document into JSON-like data and its marks. Raises `YamlProblem`."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_BYTES:
        raise YamlProblem(f"file is {size:,} bytes; spec files are limited to {MAX_BYTES:,} bytes")
    if isinstance(text, bytes):
        raw: bytes = text
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            raise YamlProblem(f"not UTF-8 text ({exc.reason} at byte {exc.start})", line, col) from None
    marks = Marks()
    loader = _Loader(text)
    try:
        return _build(loader, marks), marks
    except yaml.MarkedYAMLError as exc:
        line, col = _pos(exc.problem_mark or exc.context_mark)
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        raise YamlProblem(f"invalid YAML: {problem}{context}", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def _build(loader: Any, marks: Marks) -> Any:
    # Containers under construction: (container, path, pending key, key position, key-seen table)
    stack: list[list[Any]] = []
    root: Any = None
    have_root = False
    documents = 0
    nodes = 0
    while True:
        event = loader.get_event()
        if isinstance(event, yaml.StreamEndEvent):
            break
        if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentEndEvent)):
            continue
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                line, col = _pos(event.start_mark)
                raise YamlProblem("a spec file holds one YAML document; found a second one", line, col)
            continue
        line, col = _pos(event.start_mark)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlProblem("YAML anchors and aliases are not allowed in specs", line, col)
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            container, path, *_ = stack.pop()
            if not stack:
                root, have_root = container, True
            else:
                _store(stack, container, path)
            continue
        nodes += 1
        if nodes > MAX_NODES:
            raise YamlProblem(f"more than {MAX_NODES:,} YAML nodes; spec files are limited to that", line, col)
        if not isinstance(event, yaml.ScalarEvent):
            _open(stack, event, line, col, marks)
            continue
        try:
            value = _scalar(loader, event)
        except YamlProblem as exc:
            exc.path = _scalar_path(stack)
            raise
        if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
            _take_key(stack[-1], value, line, col, marks)
            continue
        path = _child_path(stack, line, col, marks, event)
        marks.values[path] = (line, col)
        if not stack:
            root, have_root = value, True
        else:
            _store(stack, value, path)
    return root if have_root else None


def _open(stack: list[list[Any]], event: Any, line: int, col: int, marks: Marks) -> None:
    """A mapping or sequence starts: checked (tag, depth), then pushed."""
    if not isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):  # pragma: no cover
        raise YamlProblem(f"unexpected YAML event {type(event).__name__}", line, col)  # no other kinds exist
    if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
        raise YamlProblem(f"custom YAML tag {event.tag!r} is not allowed", line, col)
    if len(stack) >= MAX_DEPTH:
        raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", line, col)
    parent_path = _child_path(stack, line, col, marks, event)
    new: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
    marks.values[parent_path] = (line, col)
    stack.append([new, parent_path, None, None, {}])


def _take_key(frame: list[Any], value: Any, line: int, col: int, marks: Marks) -> None:
    """A scalar in key position: a string, not seen before in this mapping."""
    if not isinstance(value, str):
        raise YamlProblem(f"keys must be strings; found {_describe(value)} {_values.short_repr(value)}", line, col,
                          frame[1])
    if value in frame[4]:
        first = frame[4][value]
        raise YamlProblem(f"duplicate key {value!r} (first at line {first[0]})", line, col, (*frame[1], value))
    frame[2] = value
    frame[3] = (line, col)
    frame[4][value] = (line, col)
    marks.keys[(*frame[1], value)] = (line, col)


def _scalar_path(stack: list[list[Any]]) -> Path:
    """Where the scalar being read goes: its key's path (for a value) or its mapping's (for a key)."""
    if not stack:
        return ()
    container, path, key, *_ = stack[-1]
    if isinstance(container, dict):
        return path if key is None else (*path, key)
    return (*path, len(container))


def _child_path(stack: list[list[Any]], line: int, col: int, marks: Marks, event: Any) -> Path:
    if not stack:
        return ()
    container, path, key, *_ = stack[-1]
    if isinstance(container, dict):
        if key is None:
            raise YamlProblem("keys must be strings; found a mapping or a list as a key", line, col, path)
        return (*path, key)
    return (*path, len(container))


def _store(stack: list[list[Any]], value: Any, path: Path) -> None:
    frame = stack[-1]
    container = frame[0]
    if isinstance(container, dict):
        container[frame[2]] = value
        frame[2] = None
    else:
        container.append(value)
