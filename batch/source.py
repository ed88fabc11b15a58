"""Source: a CSV or JSONL file → rows of action inputs, one at a time, never the whole file.

Input: a path, its format (from the suffix unless given), an optional column mapping
(`column=input`, `column=custom_fields.CODE`) and the action's params. Output: `Row`s (line number,
byte offset after the row, account alias, params) and `BadRow`s (line number, what is wrong). CSV
cells are strings: each is converted by the input's declared type (integer, number, boolean, JSON
for objects and arrays); an empty cell means "not given". Reading can start at a byte offset, so a
resumed run continues exactly after the last row it had taken.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from spoki_actions.spec import ActionSpec

FORMATS = ("csv", "jsonl")
ACCOUNT_COLUMN = "account"  # the default name of the column that names a row's key alias
_MAX_LINE = 1 << 20  # one row of more than 1 MiB is refused, not read into memory whole


class SourceError(Exception):
    """The input cannot be read at all (missing file, unknown format, header or mapping problems)."""


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # 1-based line of the row's first physical line
    end: int  # byte offset just after the row
    after: int  # physical lines read up to `end`
    account: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    end: int
    after: int
    account: str
    problem: str
    kind: str = "malformed_row"  # or "validation": the row was read, but a cell is not of its input's type


def detect_format(path: Path, given: str | None) -> str:
    if given is not None:
        if given not in FORMATS:
            raise SourceError(f"--format {given!r}: must be one of {', '.join(FORMATS)}")
        return given
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "jsonl"):
        return suffix
    if suffix == "ndjson":
        return "jsonl"
    raise SourceError(f"{path}: cannot tell the format from the suffix {path.suffix or '(none)'!r}; "
                      "name the file .csv or .jsonl, or pass --format csv|jsonl")


def parse_mapping(pairs: list[str], action: ActionSpec) -> dict[str, str]:
    """`["Telefono=phone", "Tier=custom_fields.LOYALTY_TIER"]` → {column: input path}."""
    names = {p.name for p in action.params}
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, target = pair.partition("=")
        if not sep or not column or not target:
            raise SourceError(f"--map {pair!r}: write COLUMN=INPUT, e.g. --map Telefono=phone")
        head = target.split(".", 1)[0]
        if head not in names:
            raise SourceError(f"--map {pair!r}: {action.name} has no input {head!r}; "
                              f"its inputs: {', '.join(sorted(names)) or '(none)'}")
        if "." in target and _param(action, head).type != "object":
            raise SourceError(f"--map {pair!r}: input {head!r} is not an object, so it has no keys")
        if column in mapping:
            raise SourceError(f"--map: column {column!r} is mapped twice")
        mapping[column] = target
    return mapping


def _param(action: ActionSpec, name: str) -> Any:
    return action.param(name)


class _Lines:
    """Decoded lines of a binary file from an offset, counting lines and bytes consumed."""

    def __init__(self, handle: IO[bytes], offset: int, line: int) -> None:
        self._handle = handle
        self.offset = offset
        self.line = line  # lines consumed so far

    def __iter__(self) -> Iterator[str]:
        return self

    def rewind(self, offset: int, line: int) -> None:
        self._handle.seek(offset)
        self.offset, self.line = offset, line

    def __next__(self) -> str:
        raw = self._handle.readline(_MAX_LINE + 1)
        if not raw:
            raise StopIteration
        if len(raw) > _MAX_LINE:
            raise SourceError(f"line {self.line + 1}: longer than {_MAX_LINE} bytes; "
                              "no row of a batch may be that large")
        self.offset += len(raw)
        self.line += 1
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SourceError(f"line {self.line}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


class Source:
    """One input file. `header` (CSV) is read once; `rows(offset, line)` streams from a position."""

    def __init__(self, path: Path, fmt: str | None, action: ActionSpec, mapping: Mapping[str, str],
                 account_column: str = ACCOUNT_COLUMN) -> None:
        self.path = path
        self.format = detect_format(path, fmt)
        self.action = action
        self.mapping = dict(mapping)
        self.account_column = account_column
        if not path.is_file():
            raise SourceError(f"{path}: no such file")
        self.header: list[str] | None = None
        self.ignored: list[str] = []  # CSV columns that feed no input (and are not the account column)
        self.data_start = 0
        self.first_line = 0
        if self.format == "csv":
            self._read_header()

    def _read_header(self) -> None:
        with self.path.open("rb") as handle:
            lines = _Lines(handle, 0, 0)
            try:
                header = next(csv.reader(lines))
            except StopIteration:
                raise SourceError(f"{self.path}: empty file; a CSV batch starts with a header row") from None
            except csv.Error as exc:
                raise SourceError(f"{self.path}:{lines.line}: malformed CSV header: {exc}") from exc
            header = [h.strip().lstrip("\ufeff") for h in header]
            self.header, self.data_start, self.first_line = header, lines.offset, lines.line
        dupes = sorted({h for h in header if header.count(h) > 1})
        if dupes:
            raise SourceError(f"{self.path}:1: column {dupes[0]!r} appears twice in the header")
        if self.account_column in self.mapping:
            raise SourceError(f"--map {self.account_column}={self.mapping[self.account_column]}: "
                              f"{self.account_column!r} is the account column (--account-column), not an input")
        missing = sorted(set(self.mapping) - set(header))
        if missing:
            raise SourceError(f"--map: column {missing[0]!r} is not in the header of {self.path} "
                              f"(columns: {', '.join(header)})")
        if self.account_column != ACCOUNT_COLUMN and self.account_column not in header:
            raise SourceError(f"--account-column {self.account_column!r}: no such column in the header of "
                              f"{self.path} (columns: {', '.join(header)})")
        targets = self._targets(header)
        fed: dict[str, str] = {}
        for column, target in targets.items():
            if target in fed:
                raise SourceError(f"--map: columns {fed[target]!r} and {column!r} both feed the input {target!r} "
                                  f"of {self.action.name}; map only one of them")
            fed[target] = column
        self.ignored = [h for h in header if h not in targets and h != self.account_column]
        required = sorted(p.name for p in self.action.params if p.required)
        given = {t.split(".", 1)[0] for t in targets.values()}
        absent = [r for r in required if r not in given]
        if absent:
            raise SourceError(f"{self.path}:1: no column gives the required input {absent[0]!r} of "
                              f"{self.action.name}; name a column {absent[0]!r} or map one with "
                              f"--map COLUMN={absent[0]}")

    def _targets(self, header: list[str]) -> dict[str, str]:
        """Column → input path for every column that feeds an input (mapped or named like one)."""
        names = {p.name for p in self.action.params}
        targets: dict[str, str] = {}
        for column in header:
            if column == self.account_column:
                continue
            if column in self.mapping:
                targets[column] = self.mapping[column]
            elif column in names or (column.split(".", 1)[0] in names and "." in column):
                targets[column] = column
        return targets

    def rows(self, offset: int | None = None, line: int | None = None) -> Iterator[Row | BadRow]:
        start = self.data_start if offset is None else offset
        first = self.first_line if line is None else line
        with self.path.open("rb") as handle:
            handle.seek(start)
            lines = _Lines(handle, start, first)
            if self.format == "csv":
                yield from self._csv_rows(lines)
            else:
                yield from self._jsonl_rows(lines)

    def _csv_rows(self, lines: _Lines) -> Iterator[Row | BadRow]:
        assert self.header is not None
        header = self.header
        targets = self._targets(header)
        reader = csv.reader(lines, strict=True)
        while True:
            begin, at = lines.line + 1, lines.offset
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                # A stray quote must not swallow the rows after it: the bad row is its first line only.
                lines.rewind(at, begin - 1)
                next(lines, None)
                yield BadRow(begin, lines.offset, lines.line, "", f"malformed CSV: {exc}")
                reader = csv.reader(lines, strict=True)
                continue
            if not cells or cells == [""]:
                continue  # a blank line
            if len(cells) != len(header):
                yield BadRow(begin, lines.offset, lines.line, "",
                             f"{len(cells)} cells where the header has {len(header)}")
                continue
            record = dict(zip(header, cells, strict=True))
            account = record.get(self.account_column, "").strip()
            params, problems = self._convert(record, targets)
            if problems:
                yield BadRow(begin, lines.offset, lines.line, account, "; ".join(problems), "validation")
            else:
                yield Row(begin, lines.offset, lines.line, account, params)

    def _convert(self, record: dict[str, str], targets: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
        params: dict[str, Any] = {}
        problems: list[str] = []
        for column, target in targets.items():
            text = record[column]
            if text == "":
                continue
            head, _, sub = target.partition(".")
            param = _param(self.action, head)
            if sub:
                params.setdefault(head, {})[sub] = text
                continue
            value, problem = _cell(text, param.type)
            if problem:
                problems.append(f"column {column!r} ({head}): {problem}")
            else:
                params[head] = value
        return params, problems

    def _jsonl_rows(self, lines: _Lines) -> Iterator[Row | BadRow]:
        for text in lines:
            number = lines.line
            if not text.strip():
                continue
            try:
                record = json.loads(text, parse_constant=_refuse_constant)
            except (ValueError, RecursionError) as exc:
                yield BadRow(number, lines.offset, lines.line, "", f"not JSON: {_short(exc)}")
                continue
            if not isinstance(record, dict):
                yield BadRow(number, lines.offset, lines.line, "", "each line must be a JSON object of inputs")
                continue
            account = record.pop(self.account_column, "")
            if not isinstance(account, str):
                yield BadRow(number, lines.offset, lines.line, "",
                             f"{self.account_column!r} must be a string (a key alias)")
                continue
            params: dict[str, Any] = {self.mapping.get(k) or k: v for k, v in record.items()}
            yield Row(number, lines.offset, lines.line, account.strip(), _nest(params))


def _nest(params: dict[str, Any]) -> dict[str, Any]:
    """`{"custom_fields.TIER": "Gold"}` (a mapped key) → `{"custom_fields": {"TIER": "Gold"}}`."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        head, dot, sub = key.partition(".")
        if dot and (head not in out or isinstance(out[head], dict)):
            out.setdefault(head, {})[sub] = value
        else:
            out[key] = value
    return out


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _short(exc: BaseException) -> str:
    text = str(exc) if not isinstance(exc, RecursionError) else "nested too deeply"
    return text if len(text) <= 120 else text[:117] + "..."


def _cell(text: str, type_: str) -> tuple[Any, str | None]:
    """A CSV cell as the input's type, or the reason it cannot be."""
    stripped = text.strip()
    if type_ == "string":
        return text, None
    if type_ == "integer":
        if len(stripped) > 40 or not stripped.lstrip("+-").isascii() or not stripped.lstrip("+-").isdigit():
            return None, f"must be a whole number; got {_quote(text)}"
        return int(stripped), None
    if type_ == "number":
        try:
            number = float(stripped)
        except ValueError:
            return None, f"must be a number; got {_quote(text)}"
        if not math.isfinite(number):
            return None, f"must be a finite number; got {_quote(text)}"
        return number, None
    if type_ == "boolean":
        low = stripped.lower()
        if low in ("true", "1", "yes"):
            return True, None
        if low in ("false", "0", "no"):
            return False, None
        return None, f"must be true or false; got {_quote(text)}"
    try:  # object, array: JSON text in the cell
        return json.loads(stripped, parse_constant=_refuse_constant), None
    except (ValueError, RecursionError) as exc:
        return None, f"must be JSON ({type_}); {_short(exc)}"


def _quote(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")
