"""Keeping the API key out of every text the runtime shows: redact first, then shorten.

Stage: wherever a message is built from what a server sent (error details, bodies, reasons,
URLs, exception texts). Input: the text and the key. Output: the text with the key as `***`,
cut to a length when asked. Cutting happens after redaction, and a cut that lands inside the
key leaves a prefix of it at the edge: a prefix of 8 or more characters counts as the key.
"""

from __future__ import annotations

import re

SHORT_KEY = 8  # real Spoki keys are far longer; shorter ones are test keys such as "k"
MARK = "***"
ELLIPSIS = "..."


def redact(text: str, key: str) -> str:
    """`text` with every occurrence of the API key as `***`, whatever the key's length. A key
    shorter than 8 characters is replaced where it stands alone (not inside a longer word or
    number), so that a test key such as "k" does not turn "api.spoki.com" into "api.spo***i.com"."""
    if not key or key not in text:
        return text
    if len(key) >= SHORT_KEY:
        return text.replace(key, MARK)
    return re.sub(f"(?<![A-Za-z0-9]){re.escape(key)}(?![A-Za-z0-9])", MARK, text)


def redact_edge(text: str, key: str) -> str:
    """`text` redacted, and a prefix of the key (8+ characters) at its very end too: what is left
    of the key when something before us cut the text inside it."""
    text = redact(text, key)
    if len(key) < SHORT_KEY:
        return text
    for size in range(min(len(key) - 1, len(text)), SHORT_KEY - 1, -1):
        if text.endswith(key[:size]):
            return text[:-size] + MARK
    return text


def shorten(text: str, limit: int, key: str) -> str:
    """`text` redacted, then cut to at most `limit` characters (`...` marks a cut); a cut inside
    the key leaves no part of it."""
    text = redact(text, key)
    if len(text) <= limit:
        return text
    return redact_edge(text[:max(0, limit - len(ELLIPSIS))], key) + ELLIPSIS
