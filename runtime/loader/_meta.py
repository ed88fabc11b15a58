"""Structure check: one parsed file against its meta-schema (`runtime/meta/*.schema.json`).

Input: a `Doc` and its kind (action, shared, connector). Output: problems in the report, worded
for a YAML author: unknown keys with a did-you-mean, patterns in the words their schema node
gives under `x-words` (never the raw regex), types and enums in `_yaml.describe` words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from .. import _yaml
from ._report import Doc, Report, YPath, close_matches

META_DIR = Path(__file__).parent.parent / "meta"
KINDS = ("action", "shared", "connector")


@cache
def _validators() -> dict[str, Any]:
    import jsonschema
    from referencing import Registry, Resource

    schemas = {name: json.loads((META_DIR / f"{name}.schema.json").read_text("utf-8")) for name in KINDS}
    # No $id in the files: editors resolve their relative $refs against the file's own location,
    # and here each is registered under its file name, which is what those $refs name.
    registry: Registry[Any] = Registry().with_resources(
        (f"{name}.schema.json", Resource.from_contents(s)) for name, s in schemas.items()
    )
    return {name: jsonschema.Draft202012Validator({**s, "$id": f"{name}.schema.json"}, registry=registry)
            for name, s in schemas.items()}


def _leaf_errors(error: Any) -> Iterator[Any]:
    """For oneOf/anyOf failures, descend to the most relevant branch's errors."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        import jsonschema.exceptions

        best = jsonschema.exceptions.best_match(error.context)
        if best is not None and best.validator not in ("oneOf", "anyOf"):
            # the branch that went deepest is the one the author meant
            yield best
            return
        if best is not None:
            yield from _leaf_errors(best)
            return
    yield error


def check_meta(doc: Doc, kind: str, report: Report) -> bool:
    """True when `doc` meets its meta-schema; every failure is reported."""
    validator = _validators()[kind]
    ok = True
    for error in sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
        for leaf in _leaf_errors(error):
            ok = False
            _report_schema_error(doc, leaf, report)
    return ok


def _report_schema_error(doc: Doc, error: Any, report: Report) -> None:
    path: YPath = tuple(error.absolute_path)
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator
    if kind == "additionalProperties" and isinstance(instance, dict):
        _unknown_keys(doc, path, instance, schema, report)
    elif kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        report.add(doc, path, f"missing required key {missing!r}")
    elif kind == "type":
        expected = error.validator_value
        expected_text = " or ".join(expected) if isinstance(expected, list) else expected
        report.add(doc, path, f"expected {expected_text}, found {_yaml.describe(instance)}")
    elif kind in ("enum", "const"):
        values = error.validator_value if kind == "enum" else [error.validator_value]
        found = f"{_yaml.describe(instance)}{_mean(instance, values)}"
        report.add(doc, path, f"expected one of {json_list(values)}, found {found}")
    elif kind == "pattern":
        report.add(doc, path, f"{pattern_words(schema)}, found {_yaml.describe(instance)}")
    elif kind == "propertyNames":
        report.add(doc, path, f"invalid name: {error.message}", key=True)
    else:
        report.add(doc, path, f"{error.message}")


def _unknown_keys(doc: Doc, path: YPath, instance: dict[str, Any], schema: dict[str, Any], report: Report) -> None:
    known = schema.get("properties", {})
    allowed = sorted(known)
    for key in instance:
        if key in known or _pattern_allows(schema, key):
            continue
        expected = f"one of: {', '.join(allowed)}" if allowed else "no other keys"
        close = close_matches(str(key), allowed)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        report.add(doc, (*path, key), f"unknown key {key!r}{hint} (expected {expected})", key=True)


def _mean(instance: Any, values: list[Any]) -> str:
    """A did-you-mean for a misspelled string among string choices."""
    if not isinstance(instance, str):
        return ""
    close = close_matches(instance, [v for v in values if isinstance(v, str)])
    return f" (did you mean {close[0]!r}?)" if close else ""


def pattern_words(schema: dict[str, Any]) -> str:
    """What a pattern demands, in the words its schema node gives (`x-words`)."""
    words = schema.get("x-words")
    if isinstance(words, str):
        return words
    return f"expected a string matching {schema.get('pattern')}"


def _pattern_allows(schema: dict[str, Any], key: str) -> bool:
    return any(re.search(p, key) for p in schema.get("patternProperties", {}))


def json_list(values: list[Any]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"
