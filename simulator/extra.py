"""The optional `[simulator]` extra (Starlette, uvicorn): whether it is installed, and what to say if not.

Stage: dependency check, before anything imports Starlette or uvicorn. Input: the modules a feature
needs. Output: the first one that cannot be imported (or None), and `needs_extra(what)`, the one-line hint
the command, the fixtures and `SimulatorServer` give instead of a bare ModuleNotFoundError.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module

SERVER_MODULES = ("starlette", "uvicorn")
APP_MODULES = ("starlette",)
INSTALL = "pip install 'spoki-actions[simulator]'"


def missing(modules: Sequence[str] = SERVER_MODULES) -> str | None:
    """The first of `modules` (or of what they import) that is not installed; None when all import."""
    for name in modules:
        try:
            import_module(name)
        except ModuleNotFoundError as exc:
            return exc.name or name
    return None


def needs_extra(what: str) -> str:
    return f"{what} needs the simulator extra: {INSTALL}"
