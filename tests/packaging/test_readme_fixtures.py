"""The README's fixture examples, run as a user runs them: in a throwaway project, from a built wheel.

The Python blocks of README.md's "Testing your own code against the simulator" section become that
project's test files; the wheel (built from a clean copy of the checkout, as in test_wheel.py) is
installed into a fresh virtual environment whose third-party packages, the `[simulator]` extra's
included, come from the test venv through a plain path entry. The project's pytest must find the
fixtures through the installed plugin alone and pass every example, so the docs cannot drift.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SECTION = "## Testing your own code against the simulator"


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result  # type: ignore[no-any-return]


def readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    assert SECTION in text, f"README.md has no {SECTION!r} section"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_the_section_has_examples_of_every_fixture_it_promises() -> None:
    code = "\n".join(readme_examples())
    for fixture in ("spoki_client", "spoki_async_client", "spoki_asgi_transport", "spoki_simulator_factory",
                    "spoki_client_options", "ASGI_BASE_URL"):
        assert fixture in code, fixture


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("src")
    listed = _run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT)
    for rel in listed.stdout.splitlines():
        if (ROOT / rel).is_file():
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, source / rel)
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "--wheel-dir", str(out), str(source)])
    (found,) = out.glob("spoki_actions-*.whl")
    return found


def test_the_readme_examples_pass_in_a_user_project(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    # third-party packages (pytest, httpx, starlette, uvicorn...) from the test venv, as a plain path: its
    # .pth files, the editable install's hook among them, stay off, so spoki_actions is the wheel's
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)])

    project = tmp_path / "user-project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "my-app"\nversion = "0"\n')
    examples = readme_examples()
    for number, code in enumerate(examples):
        (project / f"test_readme_{number}.py").write_text(code)
    expected = sum(len(re.findall(r"^(?:async )?def test_", code, flags=re.MULTILINE)) for code in examples)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SPOKI_BASE_URL")}
    done = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                           "--rootdir", str(project), str(project)], capture_output=True, text=True, cwd=project,
                          env=env, timeout=300)
    where = _run([str(python), "-c", "import spoki_actions; print(spoki_actions.__file__)"], cwd=project, env=env)
    assert where.stdout.startswith(str(site)), where.stdout
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert re.fullmatch(rf"{expected} passed in [0-9.]+s", summary), done.stdout[-2000:]
