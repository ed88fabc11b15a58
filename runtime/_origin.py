"""The key-origin policy: the API key goes to one origin, under one base path, and nowhere else.

Stage: configuration (is a base URL acceptable?) and the execution plan (may a redirect or a
next-page link be followed?). Input: URLs, the resolved `Settings` and a reply's headers.
Output: an `Origin` (scheme, host, port), the next `Request`, or a `Refusal` saying why not.
Rules: plain http only for loopback hosts; a link or redirect is followed only to the base
URL's own origin and path (http upgraded to https on the same host); at most `MAX_REDIRECTS`
hops; a 301/302/303 of anything but a GET is not followed. This file is the one to audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

from ._redact import shorten
from ._refusal import Refusal, refuse
from ._request import Request, request_to

if TYPE_CHECKING:
    from ._config import Settings
    from ._response import Reply

LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})
MAX_REDIRECTS = 5


@dataclass(frozen=True, slots=True)
class Origin:
    """scheme://host:port of a URL, the unit the key is bound to."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


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


def same_api(settings: Settings, url: str) -> str | None:
    """The URL if it is on the API's origin and under its base path (http upgraded to https), else None."""
    origin = origin_of(url)
    if origin is None:
        return None
    base = settings.origin
    if origin != base and origin.scheme == "http" and base.scheme == "https" and origin.host == base.host \
            and origin.port == 80 and base.port == 443:
        parts = urlsplit(url)
        netloc = parts.netloc.rsplit(":80", 1)[0] if parts.netloc.endswith(":80") else parts.netloc
        url, origin = urlunsplit(("https", netloc, parts.path, parts.query, "")), base
    if origin != base or not (urlsplit(url).path + "/").startswith(settings.base_path):
        return None
    return url


def next_request(settings: Settings, current: Request, link: str) -> Request | Refusal:
    """The request of a next-page link, if the key may go there."""
    target = urljoin(current.url, link)
    url = same_api(settings, target)
    if url is None:
        return refuse("link_off_origin", place=place(settings, target), origin=str(settings.origin))
    return request_to("GET", url, None, target_of(settings, url))


def redirect(settings: Settings, current: Request, reply: Reply, hops: int) -> Request | Refusal:
    """The request a 3xx reply points to, if it may be followed (`hops` already followed)."""
    location = reply.headers.get("location")
    head = f"HTTP {reply.status} {reply.reason} from {current.method} {current.target.split('?')[0]}"
    if not location:
        return refuse("redirect_without_location", head=head)
    target = urljoin(current.url, location)
    url = same_api(settings, target)
    if url is None:
        return refuse("redirect_off_origin", head=head, place=place(settings, target), origin=str(settings.origin))
    if hops >= MAX_REDIRECTS:
        return refuse("too_many_redirects", head=head, most=MAX_REDIRECTS)
    if reply.status in (307, 308):
        return request_to(current.method, url, current.body, target_of(settings, url))
    if current.method == "GET":
        return request_to("GET", url, None, target_of(settings, url))
    return refuse("redirect_changes_method", head=head, method=current.method)


def target_of(settings: Settings, url: str) -> str:
    prefix = settings.base_url + "/"
    return url[len(prefix):] if url.startswith(prefix) else (urlsplit(url).path or "/")


def place(settings: Settings, url: str) -> str:
    """Where a refused URL points, as scheme://host:port, plus the path when the origin is the API's
    own (the path is then what is wrong)."""
    origin = origin_of(url)
    if origin is None:
        return shorten(url.split("?")[0], 100, settings.api_key.reveal())
    if origin == settings.origin:
        return f"{origin}{urlsplit(url).path}"
    return str(origin)
