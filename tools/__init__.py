"""LLM tool definitions for every action, per provider, and the dispatcher that runs their calls.

    from spoki_actions import tools
    tools.openai(strict=True, groups=["contacts"], read_only=True)   # Chat Completions `tools=`
    tools.anthropic(), tools.gemini(), tools.mcp()
    tools.dispatch(tool_call, client=client)                          # → the provider's tool result

Pure projections over the catalogue (`_project`); `dispatch` drives the runtime's public `Client`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spoki_actions.spec import ActionSpec, Catalogue

from . import _dispatch, _project
from ._project import DIALECTS, Dialect, mcp_annotations

if TYPE_CHECKING:
    from spoki_actions import Client

__all__ = [
    "DIALECTS",
    "Dialect",
    "anthropic",
    "dispatch",
    "gemini",
    "load",
    "mcp",
    "mcp_annotations",
    "openai",
    "select",
    "tools",
]


def load(catalogue: Catalogue | str | Path | None = None) -> Catalogue:
    """The catalogue: the compiled default, a Catalogue, a catalogue.json or a specs folder."""
    if isinstance(catalogue, Catalogue):
        return catalogue
    from spoki_actions import catalogue_of  # the runtime's public loader: the catalogue a Client runs

    return catalogue_of(catalogue)


def select(catalogue: Catalogue | str | Path | None = None, *, groups: Iterable[str] | None = None,
           names: Iterable[str] | None = None, read_only: bool = False,
           deprecated: bool = False) -> list[ActionSpec]:
    """The actions to offer, in catalogue order. Unknown groups or names are a ValueError."""
    cat = load(catalogue)
    actions = list(cat.actions.values())
    if groups is not None:
        wanted = set(groups)
        unknown = wanted - {a.group for a in actions}
        if unknown:
            raise ValueError(f"unknown group(s): {', '.join(sorted(unknown))}; known: "
                             f"{', '.join(sorted({a.group for a in actions}))}")
        actions = [a for a in actions if a.group in wanted]
    if names is not None:
        wanted_names = set(names)
        unknown = wanted_names - set(cat.actions)
        if unknown:
            raise ValueError(f"unknown action(s): {', '.join(sorted(unknown))}")
        actions = [a for a in actions if a.name in wanted_names]
    elif not deprecated:
        actions = [a for a in actions if a.behaviour.deprecated is None]
    if read_only:
        actions = [a for a in actions if a.behaviour.safety == "read"]
    return actions


def tools(dialect: Dialect, catalogue: Catalogue | str | Path | None = None, **selection: Any) -> list[dict[str, Any]]:
    """Tool definitions of `dialect` (one of DIALECTS) for the selected actions."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; one of {', '.join(DIALECTS)}")
    actions = select(catalogue, **selection)
    if dialect == "anthropic-strict":
        return _anthropic_strict(actions)
    return [_project.tool(a, dialect) for a in actions]


def _anthropic_strict(actions: list[ActionSpec]) -> list[dict[str, Any]]:
    """Strict for as many tools as Anthropic's per-request limits allow (catalogue order), plain for
    the rest, with a warning naming them."""
    out: list[dict[str, Any]] = []
    plain: list[str] = []
    n = optional = unions = 0
    for a in actions:
        o, u = _project.strict_counts(a)
        if (n + 1 <= _project.ANTHROPIC_STRICT_TOOLS and optional + o <= _project.ANTHROPIC_STRICT_OPTIONAL
                and unions + u <= _project.ANTHROPIC_STRICT_UNIONS):
            n, optional, unions = n + 1, optional + o, unions + u
            out.append(_project.tool(a, "anthropic-strict"))
        else:
            plain.append(a.name)
            out.append(_project.tool(a, "anthropic"))
    if plain:
        warnings.warn(f"Anthropic allows at most {_project.ANTHROPIC_STRICT_TOOLS} strict tools, "
                      f"{_project.ANTHROPIC_STRICT_OPTIONAL} optional and {_project.ANTHROPIC_STRICT_UNIONS} "
                      f"union-typed params per request: sent without strict: {', '.join(plain)} "
                      "(narrow the selection with groups=/read_only= to make them strict)", stacklevel=3)
    return out


def openai(strict: bool = True, catalogue: Catalogue | str | Path | None = None,
           **selection: Any) -> list[dict[str, Any]]:
    """OpenAI function tools (Chat Completions `tools=`), strict by default."""
    return tools("openai-strict" if strict else "openai", catalogue, **selection)


def anthropic(strict: bool = False, catalogue: Catalogue | str | Path | None = None,
              **selection: Any) -> list[dict[str, Any]]:
    """Anthropic Messages `tools=`; strict=True within Anthropic's per-request strict limits."""
    return tools("anthropic-strict" if strict else "anthropic", catalogue, **selection)


def gemini(catalogue: Catalogue | str | Path | None = None, **selection: Any) -> list[dict[str, Any]]:
    """Gemini function declarations (for `types.Tool(function_declarations=...)`)."""
    return tools("gemini", catalogue, **selection)


def mcp(catalogue: Catalogue | str | Path | None = None, **selection: Any) -> list[dict[str, Any]]:
    """MCP `Tool`s with annotations and object-rooted output schemas."""
    return tools("mcp", catalogue, **selection)


def dispatch(call: Any, *, client: Client, dialect: Dialect | None = None) -> dict[str, Any]:
    """Run a provider's tool call and return the tool result in that provider's shape.

    `call` is an OpenAI tool_call / function_call, an Anthropic tool_use block, a Gemini function_call
    or MCP {name, arguments} (dict or SDK object). `dialect` names the projection the tools were sent
    in when the call's shape cannot tell (e.g. "openai" vs "openai-strict"); every projection is
    undone either way, so the default is fine.
    """
    family, name, raw, call_id = _dispatch.parse_call(call)
    ok, payload, _ = _dispatch.run(client, client.catalogue, name, raw, dialect or family)
    return _dispatch.result(family, call_id, name, ok, payload)
