"""The `since` ledger: the committed `index.json` carries each action's version over, `generate`
stamps a new action with the catalogue version of that run, `--check` sees an action added without
`generate`, and an unreadable ledger is refused rather than restamped."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from spoki_actions.generator import build, schemas
from spoki_actions.generator.schemas import catalogue_version

ROOT = Path(__file__).resolve().parents[2]


def _generate(specs: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spoki_actions.cli", "generate", "--specs", str(specs),
                           "--out", str(out), *extra], capture_output=True, text=True, check=False)


def _since(out: Path) -> dict[str, str]:
    return {a["name"]: a["since"] for a in json.loads((out / "schemas/index.json").read_bytes())["actions"]}


def _copies(tmp: Path) -> tuple[Path, Path]:
    specs, out = tmp / "specs", tmp / "generated"
    shutil.copytree(ROOT / "specs", specs)
    shutil.copytree(ROOT / "generated", out, ignore=shutil.ignore_patterns("__pycache__", ".generate-cache.json"))
    return specs, out


def test_since_is_carried_over_and_a_new_action_gets_the_catalogue_version(tmp_path: Path) -> None:
    specs, out = _copies(tmp_path)
    assert _generate(specs, out, "--check").returncode == 0
    # an older release's ledger, as a later run finds it (the committed file of that release)
    index_path = out / "schemas/index.json"
    index = json.loads(index_path.read_bytes())
    for entry in index["actions"]:
        if entry["name"] == "SPOKI_LIST_TICKETS":
            entry["since"] = "0.0.7"
    index_path.write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")
    (specs / "tags/get_tag.yaml").write_text((specs / "tags/retrieve_tag.yaml").read_text().replace(
        "name: SPOKI_RETRIEVE_TAG\ntitle: Retrieve tag", "name: SPOKI_GET_TAG\ntitle: Get tag"))
    (specs / "contacts/delete_contact.yaml").unlink()
    stale = _generate(specs, out, "--check")
    assert stale.returncode == 1 and f"changed  {out / 'schemas/index.json'}" in stale.stderr, stale.stderr

    assert _generate(specs, out).returncode == 0
    since = _since(out)
    assert since["SPOKI_LIST_TICKETS"] == "0.0.7"  # carried over, never restamped
    assert since["SPOKI_GET_TAG"] == catalogue_version()  # new: the version of this run
    assert "SPOKI_DELETE_CONTACT" not in since  # gone from the catalogue, gone from the ledger
    assert _generate(specs, out, "--check").returncode == 0
    (specs / "tags/get_tag.yaml").unlink()  # regenerating again changes nothing that stayed
    assert _generate(specs, out).returncode == 0 and _since(out)["SPOKI_LIST_TICKETS"] == "0.0.7"


def test_an_unreadable_ledger_is_refused_not_restamped(tmp_path: Path) -> None:
    specs, out = _copies(tmp_path)
    (out / "schemas/index.json").write_text('{"actions": [{"name": "SPOKI_LIST_TICKETS"}]}\n')
    done = _generate(specs, out)
    assert done.returncode == 1
    assert f"{out / 'schemas/index.json'}: not an index.json with each action's `since`" in done.stderr
    assert "restore it from git" in done.stderr and "left as it was" in done.stderr
    (out / "schemas/index.json").write_text('{"actions": [{"name": "SPOKI_LIST_TICKETS", "since": "soon"}]}\n')
    bad = _generate(specs, out)
    assert bad.returncode == 1 and "`since` of SPOKI_LIST_TICKETS is not a semver version" in bad.stderr


def test_a_version_bump_is_never_answered_from_the_no_op_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    before = build.fingerprint(ROOT / "specs")
    monkeypatch.setattr(schemas, "catalogue_version", lambda: "9.8.7")
    assert build.fingerprint(ROOT / "specs") != before  # index.json, every $id and the OpenAPI info change
