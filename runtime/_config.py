"""Client settings, resolved once: explicit arguments, then the environment, then the connector's defaults.

Stage: configuration (the only module that reads `os.environ`). Input: the arguments given to
`Client(...)` and the catalogue's `Connector` (env variable names, default base URL, timeout,
retry policy, body size cap). Output: `Settings`, whose API key is a `Secret` that never shows in
a repr, or `ConfigurationError` saying what is wrong and how to fix it (never echoing the key).
Plain `http://` is refused except for loopback hosts. With `trust_env` (the default) the proxy
for the base URL (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY) and the CA certificates
(SSL_CERT_FILE, SSL_CERT_DIR) come from the environment, as httpx's `trust_env=True` does.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._origin import Origin as Origin
from ._origin import check_base_url as check_base_url
from ._origin import is_loopback as is_loopback
from ._origin import origin_of as origin_of
from ._values import quoted
from .errors import ConfigurationError

if TYPE_CHECKING:
    from .spec import Connector, RetryPolicy

USER_AGENT = "spoki-actions/0.1.0"


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
    proxy: str | None = field(default=None, repr=False)  # may carry proxy credentials
    proxy_source: str = ""  # the proxy= argument, or which environment variable
    ca_file: str | None = None  # SSL_CERT_FILE (only with trust_env)
    ca_dir: str | None = None  # SSL_CERT_DIR (only with trust_env)


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
    proxy: str | None = None,
    trust_env: bool = True,
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
    # bool is an int in Python, but max_retries=True is a mistake, not "1"
    if timeout is not None and not (isinstance(timeout, (int, float)) and not isinstance(timeout, bool)
                                    and timeout > 0):
        problems.append(f"timeout must be a positive number of seconds, got {quoted(timeout)}")
    if max_retries is not None and not (isinstance(max_retries, int) and not isinstance(max_retries, bool)
                                        and max_retries >= 0):
        problems.append(f"max_retries must be an integer >= 0, got {quoted(max_retries)}")
    if max_response_bytes is not None and not (isinstance(max_response_bytes, int)
                                               and not isinstance(max_response_bytes, bool)
                                               and max_response_bytes > 0):
        problems.append(f"max_response_bytes must be a positive integer, got {quoted(max_response_bytes)}")
    if proxy is not None and not (isinstance(proxy, str) and proxy.strip()):
        problems.append(f"proxy must be a proxy URL such as http://proxy.example:3128, got {type(proxy).__name__}")
    given: object = trust_env  # typed bool, but callers are not always type-checked
    if not isinstance(given, bool):
        problems.append(f"trust_env must be True or False, got {quoted(given)}")
    if problems or origin is None or key is None:
        raise ConfigurationError("; ".join(problems))
    proxy_source = "the proxy argument" if proxy is not None else ""
    if proxy is None and trust_env:
        proxy, proxy_source = environment_proxy(origin)
    ca_file = env("SSL_CERT_FILE") if trust_env else None
    ca_dir = env("SSL_CERT_DIR") if trust_env else None
    retry = connector.retry
    if max_retries is not None:
        retry = dataclasses.replace(retry, max_attempts=max_retries + 1)
    return Settings(
        api_key=Secret(key), base_url=url.rstrip("/"), origin=origin, base_path=base_path,
        timeout=float(timeout if timeout is not None else connector.timeout), retry=retry,
        max_response_bytes=max_response_bytes or connector.max_response_bytes,
        auth_header=connector.auth_header, key_source=source,
        proxy=proxy.strip() if proxy else None, proxy_source=proxy_source, ca_file=ca_file, ca_dir=ca_dir,
    )


def environment_proxy(origin: Origin) -> tuple[str | None, str]:
    """(proxy URL, where it came from) for requests to `origin`, as httpx's `trust_env=True` finds
    it: HTTPS_PROXY or HTTP_PROXY by scheme, else ALL_PROXY (lower-case names too), unless NO_PROXY
    names the host (`*`, the host, a domain suffix such as `.spoki.com` or `spoki.com`, or an IP,
    optionally with `:port`). Loopback hosts (the simulator) are always reached directly."""
    if is_loopback(origin.host):
        return None, ""
    import urllib.request  # already imported by httpx; the environment (and the OS settings on macOS/Windows)

    proxies = urllib.request.getproxies()
    if _bypassed(origin, proxies.get("no", "")):
        return None, ""
    for scheme in (origin.scheme, "all"):
        url = proxies.get(scheme)
        if url and url.strip():
            url = url.strip()
            return (url if "://" in url else f"http://{url}"), f"the {scheme.upper()}_PROXY environment variable"
    return None, ""


def _bypassed(origin: Origin, no_proxy: str) -> bool:
    """Does NO_PROXY (comma-separated, curl's rules) name this origin?"""
    host = origin.host.strip("[]").rstrip(".")
    for entry in no_proxy.replace(" ", ",").split(","):
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        if "://" in entry:
            entry = entry.split("://", 1)[1]
        port = None
        if entry.startswith("["):  # [v6]:port
            name, _, rest = entry[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else None
        elif entry.count(":") == 1:
            name, port = entry.split(":")
        else:
            name = entry
        if port is not None and port != str(origin.port):
            continue
        name = name.lstrip("*").lstrip(".").rstrip(".")
        if name and (host == name or host.endswith("." + name)):
            return True
    return False
