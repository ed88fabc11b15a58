"""o200k token counts, offline: bpe-openai's shipped o200k file, checked against tiktoken's published hash."""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
from importlib.resources import files
from typing import Any


@functools.cache
def o200k() -> Any:
    import tiktoken
    import tiktoken_ext.openai_public as published

    data = gzip.decompress((files("bpe_openai") / "data" / "o200k_base.tiktoken.gz").read_bytes())
    digest = hashlib.sha256(data).hexdigest()

    def load(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        assert url.endswith("/o200k_base.tiktoken"), url
        assert digest == expected_hash, f"bpe-openai's o200k file {digest} is not tiktoken's {expected_hash}"
        ranks = {}
        for line in data.splitlines():
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
        return ranks

    original = published.load_tiktoken_bpe
    published.load_tiktoken_bpe = load  # tiktoken's own constructor, fed the verified local file
    try:
        return tiktoken.Encoding(**published.o200k_base())
    finally:
        published.load_tiktoken_bpe = original


def count(document: Any) -> int:
    """Tokens of `document` as sent: compact JSON."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return len(o200k().encode(text))
