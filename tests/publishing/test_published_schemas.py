"""Versioned, installable schemas: the index's version and hashes, major-versioned `$id`s, the honest
envelope, validating examples, and the `spoki_actions.schemas` package-data API."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest

from spoki_actions import schemas
from spoki_actions.loader import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated"
CATALOGUE = load_catalogue(ROOT / "specs")
NAMES = sorted(CATALOGUE.actions)


def _pyproject_version() -> str:
    import tomllib

    return str(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"])


def _semver(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("-", 1)[0].split("."))


def test_index_carries_the_version_from_pyproject_and_each_schema_hash() -> None:
    index = json.loads((GENERATED / "schemas/index.json").read_bytes())
    version = _pyproject_version()
    assert index["version"] == version == schemas.version()
    assert index["schema_id_base"] == f"https://spoki-actions.dev/schemas/v{version.split('.')[0]}/"
    assert [a["name"] for a in index["actions"]] == NAMES
    for entry in index["actions"]:
        for kind in ("input", "output"):
            raw = (GENERATED / "schemas" / entry[f"{kind}_schema"]).read_bytes()
            assert entry[f"{kind}_sha256"] == hashlib.sha256(raw).hexdigest(), (entry["name"], kind)
        assert _semver(entry["since"]) <= _semver(version), entry


@pytest.mark.parametrize("name", NAMES)
def test_output_envelope_is_honest_and_its_example_validates(name: str) -> None:
    schema = schemas.load(name, "output")
    assert schema["$id"].startswith(schemas.index()["schema_id_base"])
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert schema["examples"], name
    for example in schema["examples"]:
        assert example["successful"] is True
        assert not [e.message for e in validator.iter_errors(example)]
    empty = CATALOGUE.actions[name].response.empty_data
    assert not list(validator.iter_errors({"data": empty, "error": "boom", "successful": False}))
    assert list(validator.iter_errors({"data": empty, "error": "", "successful": False}))  # error must say why
    assert list(validator.iter_errors({"data": empty, "error": "x", "successful": True}))  # success has no error
    if schema["examples"][0]["data"] != empty:  # a failed call carries no data
        assert list(validator.iter_errors({"data": schema["examples"][0]["data"], "error": "boom",
                                           "successful": False}))


def test_a_page_action_no_longer_accepts_empty_data_on_success() -> None:
    validator = jsonschema.Draft202012Validator(schemas.load("SPOKI_LIST_TICKETS", "output"))
    assert list(validator.iter_errors({"successful": True, "data": {}, "error": None}))


def test_pinned_id_loads_the_same_document_as_the_file() -> None:
    for name in NAMES:
        for kind in ("input", "output"):
            doc = schemas.load(name, kind)
            assert schemas.by_id(doc["$id"]) == doc
            assert doc == json.loads((GENERATED / "schemas" / doc["$id"].rsplit("/", 1)[1]).read_bytes())
    with pytest.raises(KeyError, match="not a schema of this release"):
        schemas.by_id("https://spoki-actions.dev/schemas/v99/list_tickets.input.json")
    with pytest.raises(KeyError, match="no published schema for action 'SPOKI_NOPE'"):
        schemas.load("SPOKI_NOPE", "input")
    with pytest.raises(ValueError, match="kind must be 'input' or 'output'"):
        schemas.load("SPOKI_LIST_TICKETS", "both")


def test_validating_a_real_input_against_the_pinned_schema() -> None:
    schema = schemas.by_id(schemas.index()["schema_id_base"] + "list_tickets.input.json")
    validator = jsonschema.Draft202012Validator(schema)
    assert not list(validator.iter_errors({"status": "OPEN", "per_page": 20}))
    assert list(validator.iter_errors({"per_page": 0}))


def test_schemas_export_copies_every_published_file(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "pinned"
    done = subprocess.run([sys.executable, "-m", "spoki_actions.cli", "schemas", "export", str(out)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert f"catalogue {schemas.version()}" in done.stdout
    for name in NAMES:
        doc = json.loads((out / "schemas" / schemas.load(name, "input")["$id"].rsplit("/", 1)[1]).read_bytes())
        assert doc == schemas.load(name, "input")
    assert json.loads((out / "schemas/index.json").read_bytes()) == schemas.index()
    for folder in ("openapi", "tools"):  # the OpenAPI document and the tool definitions too
        assert sorted(p.name for p in (out / folder).iterdir()) == sorted(p.name for p in (GENERATED / folder).iterdir()
                                                                          if p.suffix in (".json", ".yaml"))
    again = subprocess.run([sys.executable, "-m", "spoki_actions.cli", "schemas", "export", str(out)],
                           capture_output=True, text=True, check=False)
    assert again.returncode == 2 and "already exists" in again.stderr and "choose an empty folder" in again.stderr


@pytest.mark.parametrize("name", NAMES)
def test_each_docs_page_shows_the_sample_response(name: str) -> None:
    action = CATALOGUE.actions[name]
    page = (GENERATED / "docs" / action.group / f"{schemas.load(name, 'input')['$id'].rsplit('/', 1)[1][:-11]}.md")
    text = page.read_text()
    block = text.split("### Sample response", 1)[1].split("```json\n", 1)[1].split("\n```", 1)[0]
    assert json.loads(block) == schemas.load(name, "output")["examples"][0]
