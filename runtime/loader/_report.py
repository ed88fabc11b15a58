"""Problems as data: the parsed-file record every stage passes along, and the report they add to.

Input: a stage's finding (document, key path, message). Output: `SpecProblem`s located at
`file:line:col key.path`, collected in order; the entry point raises them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import _yaml
from ..errors import SpecProblem

CONNECTOR_FILE = "_connector.yaml"
SHARED_DIR = "_shared"

YPath = tuple[str | int, ...]


@dataclass
class Doc:
    """One parsed file: its data, marks and display name."""

    rel: str  # path shown in messages: under the specs folder as the user named it
    data: Any
    marks: _yaml.Marks
    path: Path
    source: str = ""  # path relative to the specs folder (posix), recorded in the model


@dataclass
class Report:
    problems: list[SpecProblem] = field(default_factory=list)

    def add(self, doc: Doc | str, path: YPath, message: str, *, key: bool = False) -> None:
        if isinstance(doc, str):
            self.problems.append(SpecProblem(doc, 1, 1, dotted(path), message))
            return
        line, col = doc.marks.at(path, key=key)
        self.problems.append(SpecProblem(doc.rel, line, col, dotted(path), message))

    def mark(self) -> int:
        """A bookmark: `since(mark)` tells whether anything was reported after it."""
        return len(self.problems)

    def since(self, mark: int) -> bool:
        return len(self.problems) > mark


def dotted(path: YPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def close_matches(name: str, known: list[str] | set[str] | dict[str, Any]) -> list[str]:
    """Up to three known names close to `name` (for a did-you-mean)."""
    import difflib

    return difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
