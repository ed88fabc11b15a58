"""Client settings, resolved once: explicit arguments, then the environment, then the connector's defaults.

Stage: configuration (the only module that reads `os.environ`). Input: the arguments given to
`Client(...)` and the catalogue's `Connector` (env variable names, default base URL, timeout,
retry policy, body size cap). Output: `Settings`, whose API key is a `Secret` that never shows in
a repr, or `ConfigurationError` saying what is wrong and how to fix it (never echoing the key).
Plain `http://` is refused except for loopback hosts.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .errors import ConfigurationError

if TYPE_CHECKING:
    from .spec import Connector, RetryPolicy

USER_AGENT = "spoki-actions/0.1.0"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})


class Secret:
    """A string that prints as `***`: in reprs, f-strings, logs and tracebacks alike."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True, slots=True)
class Origin:
    """scheme://host:port of a URL, the unit the key is bound to."""

    scheme: str
    host: str
    port: int


@dataclass(frozen=True, slots=True)
class Settings:
    api_key: Secret
    base_url: str  # without a trailing slash, e.g. https://api.spoki.com/api/1
    origin: Origin
    base_path: str  # path of the base URL with a trailing slash, e.g. /api/1/
    timeout: float
    retry: RetryPolicy
    max_response_bytes: int
    auth_header: str
    key_source: str  # how the key was given, for error messages: an argument or which env variable


def env(name: str) -> str | None:
    """One environment variable, or None when unset or blank."""
    value = os.environ.get(name)
    return value if value and value.strip() else None


def resolve(
    connector: Connector,
    api_key: str | None = None,
    base_url: str | None = None,
    *,
    timeout: float | None = None,
    max_retries: int | None = None,
    max_response_bytes: int | None = None,
) -> Settings:
    """Settings from the arguments, then the environment, then the connector's defaults."""
    problems: list[str] = []
    source = "the api_key argument"
    key = api_key
    if key is None:
        key = env(connector.auth_env)
        source = f"the {connector.auth_env} environment variable"
    if key is None:
        problems.append(f"no API key: pass api_key=... or set {connector.auth_env}")
    elif not isinstance(key, str) or not key.strip():
        problems.append(f"the API key from {source} is empty or not a string")
    elif not all(33 <= ord(ch) <= 126 for ch in key):
        problems.append(f"the API key from {source} contains characters an HTTP header cannot carry "
                        "(spaces, control or non-ASCII characters)")
    url = base_url if base_url is not None else (env(connector.base_url_env) or connector.base_url)
    url = url.strip() if isinstance(url, str) else url
    origin, base_path, url_problem = check_base_url(url, connector.base_url_env)
    if url_problem:
        problems.append(url_problem)
    if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0):
        problems.append(f"timeout must be a positive number of seconds, got {timeout!r}")
    if max_retries is not None and not (isinstance(max_retries, int) and max_retries >= 0):
        problems.append(f"max_retries must be an integer >= 0, got {max_retries!r}")
    if max_response_bytes is not None and not (isinstance(max_response_bytes, int) and max_response_bytes > 0):
        problems.append(f"max_response_bytes must be a positive integer, got {max_response_bytes!r}")
    if problems or origin is None or key is None:
        raise ConfigurationError("; ".join(problems))
    retry = connector.retry
    if max_retries is not None:
        retry = dataclasses.replace(retry, max_attempts=max_retries + 1)
    return Settings(
        api_key=Secret(key), base_url=url.rstrip("/"), origin=origin, base_path=base_path,
        timeout=float(timeout if timeout is not None else connector.timeout), retry=retry,
        max_response_bytes=max_response_bytes or connector.max_response_bytes,
        auth_header=connector.auth_header, key_source=source,
    )


def check_base_url(url: object, env_name: str) -> tuple[Origin | None, str, str | None]:
    """(origin, base path, None) for an acceptable base URL, else (None, "", why not)."""
    if not isinstance(url, str):
        return None, "", f"the base URL must be a string, got {type(url).__name__}"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        return None, "", f"the base URL {url!r} is not a valid URL ({exc})"
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return None, "", (f"the base URL {url!r} must be an absolute http(s) URL such as "
                          f"https://api.spoki.com/api/1 (set {env_name} or pass base_url=...)")
    if parts.username is not None or parts.password is not None:
        return None, "", "the base URL must not carry credentials (user:password@); the API key goes in a header"
    if parts.query or parts.fragment:
        return None, "", f"the base URL {url!r} must not have a query or a fragment"
    if parts.scheme == "http" and not is_loopback(host):
        return None, "", (f"the base URL {url!r} uses plain http, which would send the API key unencrypted; "
                          "use https (plain http is allowed only for loopback hosts such as 127.0.0.1)")
    default_port = 443 if parts.scheme == "https" else 80
    path = parts.path.rstrip("/") + "/"
    return Origin(parts.scheme, host, port or default_port), path, None


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    import ipaddress  # only for plain-http base URLs

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def origin_of(url: str) -> Origin | None:
    """The origin of an absolute URL, or None when it has none (or cannot be parsed)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return None
    return Origin(parts.scheme, host, port or (443 if parts.scheme == "https" else 80))
