"""Every exception spoki-actions raises, in one tree.

    SpokiError
    ├── SpecError            specs/ is invalid: every problem at once, each `file:line:col key.path: message`
    ├── UnknownActionError   no action by that name; carries close matches
    ├── InputError           params rejected before any request: every problem at once, by field
    └── ActionFailed         raised by the raising API (`run_action_or_raise`, `Client.call`) for an
                             unsuccessful envelope; carries the `Outcome` (status, kind, retryable, attempts)

`run_action` itself never raises for bad input, API errors or transport failures: it returns the
envelope with `successful: false`. Third-party exceptions (httpx, yaml, jsonschema) are translated
into these in exactly one place per stage.
"""

from __future__ import annotations

from dataclasses import dataclass


class SpokiError(Exception):
    """Base of every spoki-actions error."""


@dataclass(frozen=True, slots=True, order=True)
class SpecProblem:
    """One problem in one spec file, located as precisely as the YAML allows."""

    file: str
    line: int
    column: int
    key_path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where} {self.key_path}: {self.message}" if self.key_path else f"{where} {self.message}"


class SpecError(SpokiError):
    """The specs could not be loaded. `problems` lists every problem found, sorted."""

    def __init__(self, problems: list[SpecProblem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the specs"
        super().__init__(head + ":\n" + "\n".join(str(p) for p in self.problems))
