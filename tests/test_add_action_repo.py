"""Adding an action by CONTRIBUTING.md's steps leaves the catalogue-wide tests green.

In a temporary copy of the repository (the package folders, specs/, generated/ and tests/), made
importable as `spoki_actions` through a symlink tree (`.ci/typing_tree.py`, on PYTHONPATH ahead of
the editable install), one more action is added with exactly the documented steps: one spec, `lint`,
`generate`, then the test data each failing test asks for by file.
Before the test data is added, each of those tests fails and its message names the file to edit.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = (".ci", "runtime", "generator", "simulator", "generated", "specs", "tests")

# the suite's catalogue-wide checks: counts, per-action test data, listings
CATALOGUE_WIDE = (
    "tests/runtime/test_requests.py",
    "tests/runtime/test_cli.py::test_list",
    "tests/runtime/test_config.py::test_the_compiled_catalogue_is_the_default",
    "tests/spec/test_specs_faithful.py",
    "tests/spec/test_lint.py",
    "tests/generator/test_add_action.py",
    "tests/integration/test_e2e_simulator.py::test_every_action_is_exercised",
    "tests/integration/test_e2e_simulator.py::test_action_succeeds_in_strict_mode",
)

NEW_SPEC = (ROOT / "specs" / "tags" / "retrieve_tag.yaml").read_text().replace(
    "name: SPOKI_RETRIEVE_TAG\ntitle: Retrieve tag", "name: SPOKI_GET_TAG\ntitle: Get tag")


def _copy(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")
    for name in COPIED:
        shutil.copytree(ROOT / name, dest / name, ignore=ignore, symlinks=True)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def _run(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(repo / ".pkg")}
    done = subprocess.run([sys.executable, *args], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    if check:
        assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


def _pytest(repo: Path) -> subprocess.CompletedProcess[str]:
    return _run(repo, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", *CATALOGUE_WIDE,
                check=False)


def _since(repo: Path) -> dict[str, str]:
    index = json.loads((repo / "generated/schemas/index.json").read_bytes())
    return {a["name"]: a["since"] for a in index["actions"]}


def _append_after(path: Path, anchor: str, text: str) -> None:
    source = path.read_text()
    assert anchor in source, f"{anchor!r} not in {path}"
    path.write_text(source.replace(anchor, anchor + text, 1))


def test_a_new_action_by_the_documented_steps_leaves_the_suite_green(tmp_path: Path) -> None:
    repo = _copy(tmp_path / "repo")
    _run(repo, ".ci/typing_tree.py", ".pkg")
    where = _run(repo, "-c", "import spoki_actions, spoki_actions.generated as g; print(spoki_actions.__file__); "
                             "print(g.__file__)").stdout.split()
    assert all(line.startswith(str(repo)) for line in where), where  # the copy, not the checkout

    # CONTRIBUTING steps 1-3: one spec, lint, generate
    (repo / "specs" / "tags" / "get_tag.yaml").write_text(NEW_SPEC)
    lint = _run(repo, "-m", "spoki_actions.cli", "lint", "specs").stdout
    count = len([p for p in (repo / "specs").glob("*/*.yaml") if not p.parent.name.startswith("_")])
    assert lint == f"specs: {count} actions, no problems\n"
    since_before = _since(repo)
    _run(repo, "-m", "spoki_actions.cli", "generate", "--specs", "specs", "--out", "generated")
    _run(repo, "-m", "spoki_actions.cli", "generate", "--specs", "specs", "--out", "generated", "--check")
    # the since ledger (index.json): the new action stamped with the catalogue version, the others kept
    version = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["version"]
    assert _since(repo) == {**since_before, "SPOKI_GET_TAG": version}

    # step 4: the tests that need per-action data fail, each naming the file to edit
    before = _pytest(repo)
    assert before.returncode == 1, before.stdout[-3000:]
    for says in ("append to tests/fixtures/requests.yaml", "- action: SPOKI_GET_TAG",
                 "add one line per action to CALLS in tests/integration/test_e2e_simulator.py",
                 "add each action to tests/fixtures/spoki-api/shapes.yaml",
                 "to WIRE in tests/spec/test_specs_faithful.py"):
        assert says in before.stdout, f"{says!r} not said:\n{before.stdout[-6000:]}"

    # ... and doing what they say makes them pass
    (repo / "tests/fixtures/requests.yaml").write_text((repo / "tests/fixtures/requests.yaml").read_text()
                                                       + "\n- action: SPOKI_GET_TAG\n  params: {id: 7}\n"
                                                         "  method: GET\n  url: tags/7/\n")
    _append_after(repo / "tests/integration/test_e2e_simulator.py", "CALLS: dict[str, dict[str, Any]] = {\n",
                  '    "SPOKI_GET_TAG": {"id": 1},\n')
    shapes = repo / "tests/fixtures/spoki-api/shapes.yaml"
    lines = shapes.read_text().splitlines(keepends=True)
    start = lines.index("SPOKI_RETRIEVE_TAG:\n")
    end = next(i for i in range(start + 1, len(lines)) if lines[i][:1] not in (" ", "\n"))
    shapes.write_text("".join(lines) + "SPOKI_GET_TAG:\n" + "".join(lines[start + 1:end]))
    _append_after(repo / "tests/spec/test_specs_faithful.py",
                  "WIRE: dict[str, tuple[str, str, dict[str, tuple[str, str]]]] = {\n",
                  '    "SPOKI_GET_TAG": ("GET", "tags/{id}/", {"id": ("path", "id")}),\n')
    after = _pytest(repo)
    assert after.returncode == 0, after.stdout[-6000:]
    assert "SPOKI_GET_TAG" not in after.stdout  # nothing about it left to say
