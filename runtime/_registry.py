"""The registry: action names → compiled actions (validator, request builder, response reader).

Stage: the lookup at the start of every call. Input: a `Catalogue`, by default the compiled
`catalogue.json` shipped in `spoki_actions.generated` (found without importing that package,
read lazily on first use, never YAML), or one given as a `Catalogue`, a catalogue.json path or
a specs folder (then loaded by `loader`). Output: `CompiledAction`s, compiled on first use and
cached, and close-match suggestions for unknown names.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigurationError, UnknownActionError

if TYPE_CHECKING:
    from ._request import Builder
    from ._response import Reader
    from ._validate import Validator
    from .spec import ActionSpec, Catalogue

CATALOGUE_FILE = "catalogue.json"


@dataclass(slots=True)
class CompiledAction:
    """Everything a call needs about one action, built once."""

    spec: ActionSpec
    validate: Validator
    build: Builder
    reader: Reader
    warning: str | None  # the deprecation message, if deprecated


def compile_action(spec: ActionSpec) -> CompiledAction:
    from ._request import compile_builder
    from ._response import Reader
    from ._validate import compile_validator

    warning = None
    if spec.behaviour.deprecated is not None:
        dep = spec.behaviour.deprecated
        instead = f" Use {dep.replacement} instead." if dep.replacement else ""
        message = dep.message.strip()
        head = "Deprecated: " if spec.name in message else f"{spec.name} is deprecated: "
        warning = f"{head}{message}{instead}"
    return CompiledAction(spec, compile_validator(spec), compile_builder(spec), Reader(spec), warning)


class Registry:
    """Compiled actions of one catalogue, by name."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._compiled: dict[str, CompiledAction] = {}
        self._lock = threading.Lock()

    @property
    def names(self) -> list[str]:
        return list(self.catalogue.actions)

    def get(self, name: object) -> CompiledAction | None:
        compiled = self._compiled.get(name) if isinstance(name, str) else None
        if compiled is not None:
            return compiled
        spec = self.catalogue.actions.get(name) if isinstance(name, str) else None
        if spec is None:
            return None
        with self._lock:
            compiled = self._compiled.get(spec.name)
            if compiled is None:
                compiled = self._compiled[spec.name] = compile_action(spec)
        return compiled

    def require(self, name: object) -> CompiledAction:
        compiled = self.get(name)
        if compiled is None:
            from ._values import quoted

            shown = name if isinstance(name, str) else quoted(name)
            raise UnknownActionError(shown, self.suggest(name))
        return compiled

    def check_hint(self, spec: ActionSpec) -> str:
        """How to see whether a request of `spec` took effect: a read action of the same
        collection or resource (e.g. "e.g. list custom fields: SPOKI_SPOKI_LIST_CUSTOM_FIELDS")."""
        paths = [spec.path]
        if spec.path.rstrip("/").endswith("}"):  # custom-fields/{id}/ -> also custom-fields/
            paths.append(spec.path.rstrip("/").rsplit("/", 1)[0] + "/")
        for path in paths:
            readers = [a for a in self.catalogue.actions.values()
                       if a.path == path and a.method == "GET" and a.behaviour.safety == "read"]
            readers.sort(key=lambda a: a.behaviour.deprecated is not None)
            if readers:
                title = readers[0].title
                return f"e.g. {title[:1].lower()}{title[1:]}: {readers[0].name}"
        return "whether it took effect"

    def suggest(self, name: object) -> list[str]:
        """Up to three known names close to `name`, best first (case and the SPOKI_ prefix forgiven)."""
        if not isinstance(name, str) or len(name) > 200:  # no action name is that long; spare difflib
            return []
        import difflib  # only for unknown names

        names = self.names
        upper = name.strip().upper().replace("-", "_").replace(" ", "_")
        candidates = [upper] if upper.startswith("SPOKI_") else [upper, "SPOKI_" + upper, "SPOKI_SPOKI_" + upper]
        out = [c for c in candidates if c in self.catalogue.actions and c != name]
        for candidate in candidates:
            out.extend(m for m in difflib.get_close_matches(candidate, names, 3, 0.75) if m not in out)
        return out[:3]


# --- the catalogue ------------------------------------------------------------------------------

_default: Registry | None = None
_default_lock = threading.Lock()


def compiled_catalogue_path() -> Path:
    """Where `spoki_actions.generated` keeps catalogue.json, found without importing that package."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("spoki_actions.generated")
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        candidate = Path(location) / CATALOGUE_FILE
        if candidate.is_file():
            return candidate
    raise ConfigurationError("the compiled catalogue (spoki_actions/generated/catalogue.json) is missing; "
                             "run `spoki-actions generate` or reinstall spoki-actions")


def read_catalogue_file(path: Path) -> Catalogue:
    from .spec import from_dict

    try:
        data: Any = json.loads(path.read_bytes())
        return from_dict(data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"cannot read the catalogue {str(path)!r}: {type(exc).__name__}: {exc}") from exc


def load(source: Catalogue | str | Path | None = None) -> Registry:
    """A registry for `source`: None (the compiled default, shared), a Catalogue, a JSON file or a specs folder."""
    global _default
    if source is None:
        if _default is None:
            with _default_lock:
                if _default is None:
                    _default = Registry(read_catalogue_file(compiled_catalogue_path()))
        return _default
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            from .loader import load_catalogue

            return Registry(load_catalogue(path))
        if path.is_file():
            return Registry(read_catalogue_file(path))
        raise ConfigurationError(f"catalogue {str(path)!r} not found: give a catalogue.json file or a specs folder")
    from .spec import Catalogue

    if isinstance(source, Catalogue):
        return Registry(source)
    raise ConfigurationError(f"catalogue must be a Catalogue, a catalogue.json path or a specs folder, "
                             f"got {type(source).__name__}")
