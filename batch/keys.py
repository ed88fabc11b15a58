"""Keys: account aliases → API keys, from a keys file or the environment, never from the data.

Input: an optional keys file (a JSON object `{"alias": "key"}` or `{"alias": {"key": "...",
"base_url": "..."}}` for an account served elsewhere, or lines `alias=key` with `#` comments) and
the environment (`SPOKI_API_KEY_<ALIAS>`, the alias upper-cased, other characters than letters
and digits as `_`; a row naming no account uses `SPOKI_API_KEY`). Output:
`Keys`, which resolves an alias or says which alias is unknown and where it was looked for. Keys
are secrets: `Keys` never shows one (repr, errors and reports name aliases only).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

DEFAULT_ALIAS = "default"
_ALIAS = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class KeyError_(Exception):
    """An alias with no key, or a keys file that cannot be read."""


def env_name(alias: str) -> str:
    if alias == DEFAULT_ALIAS:
        return "SPOKI_API_KEY"
    return "SPOKI_API_KEY_" + re.sub(r"[^A-Z0-9]", "_", alias.upper())


def check_alias(alias: str) -> str | None:
    if alias == "" or _ALIAS.fullmatch(alias):
        return None
    shown = alias if len(alias) <= 40 else alias[:37] + "..."
    return (f"account alias {shown!r} is not a valid alias (letters, digits, '_', '.', '-', "
            "at most 64, starting with a letter or digit)")


class Keys:
    def __init__(self, file: Path | None = None, environ: Mapping[str, str] | None = None) -> None:
        self.file = file
        self._environ = os.environ if environ is None else environ
        self._file_keys: dict[str, str] = {}
        self._base_urls: dict[str, str] = {}
        if file is not None:
            self._file_keys, self._base_urls = _read_file(file)

    def __repr__(self) -> str:
        return f"Keys(file={str(self.file) if self.file else None!r}, aliases={sorted(self._file_keys)})"

    def get(self, alias: str) -> str:
        alias = alias or DEFAULT_ALIAS
        key = self._file_keys.get(alias) or self._environ.get(env_name(alias), "").strip()
        if key:
            return key
        where = [f"the environment variable {env_name(alias)}"]
        if self.file is not None:
            where.insert(0, f"the keys file {self.file}")
        raise KeyError_(f"unknown account alias {alias!r}: no key for it in {' or '.join(where)}")

    def base_url(self, alias: str) -> str | None:
        """The account's own base URL from the keys file, if it names one."""
        return self._base_urls.get(alias or DEFAULT_ALIAS)

    def check(self, aliases: set[str]) -> list[str]:
        """Every alias among `aliases` that has no key, as messages."""
        problems = []
        for alias in sorted(aliases):
            try:
                self.get(alias)
            except KeyError_ as exc:
                problems.append(str(exc))
        return problems


def _read_file(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyError_(f"keys file {path}: cannot be read ({type(exc).__name__})") from None
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError as exc:
            raise KeyError_(f"keys file {path}: not valid JSON (line {getattr(exc, 'lineno', '?')})") from None
        if not isinstance(data, dict):
            raise KeyError_(f"keys file {path}: must be a JSON object mapping each alias to its key")
        pairs, urls = [], {}
        for alias, entry in data.items():
            if isinstance(entry, dict) and set(entry) <= {"key", "base_url"} and isinstance(entry.get("base_url",
                                                                                                    ""), str):
                if isinstance(entry.get("base_url"), str):
                    urls[alias] = entry["base_url"]
                entry = entry.get("key")
            if not isinstance(entry, str) or not entry:
                raise KeyError_(f"keys file {path}: alias {alias!r} needs a non-empty key string "
                                '(or {"key": "...", "base_url": "..."})')
            pairs.append((alias, entry))
    else:
        pairs, urls = [], {}
        for number, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            alias, sep, key = line.partition("=")
            if not sep or not key.strip():
                raise KeyError_(f"keys file {path}:{number}: write alias=key")  # the line is not echoed
            pairs.append((alias.strip(), key.strip()))
    keys: dict[str, str] = {}
    for alias, key in pairs:
        problem = check_alias(alias)
        if problem or not alias:
            raise KeyError_(f"keys file {path}: {problem or 'an empty alias'}")
        keys[alias] = key
    return keys, urls
