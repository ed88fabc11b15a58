"""The generator's one error: the specs load, but cannot be turned into bindings.

Raised (before anything is written) for names that collide once made into Python, or output
that a third-party tool (datamodel-code-generator) produced differently than expected. Spec
problems stay `SpecError` from the loader; both leave `generated/` untouched.
"""

from __future__ import annotations

from spoki_actions.errors import SpokiError


class GeneratorError(SpokiError):
    """The bindings cannot be generated; `problems` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(self.problems))
