"""The fake-server command on bad input: one `fake-server: ...` line on stderr and exit 2 (bad usage) or 1
(runtime failure), never a traceback; and the missing `[simulator]` extra named, for the CLI and the fixtures."""

from __future__ import annotations

import argparse
import socket
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from spoki_actions.cli import main as dispatcher_main
from spoki_actions.simulator.cli import configure, run

HINT = "spoki-actions fake-server needs the simulator extra: pip install 'spoki-actions[simulator]'"


@pytest.fixture(autouse=True)
def never_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command that got past its checks would serve until Ctrl-C; here it fails at once instead."""
    import uvicorn

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("fake-server accepted the flags and started serving")

    monkeypatch.setattr(uvicorn.Server, "run", refuse)


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    configure(parser)
    return parser.parse_args(list(argv))


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("fake-server: "), captured.err
    assert captured.err.count("\n") == 1, captured.err
    assert "Traceback" not in captured.err
    return captured.err


@pytest.mark.parametrize("port", ["99999", "65536", "-1"])
def test_a_port_out_of_range_is_bad_usage(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(parse("--port", port)) == 2
    assert f"--port {port}" in one_line(capsys)


def test_the_dispatcher_reports_a_bad_port_the_same_way(capsys: pytest.CaptureFixture[str]) -> None:
    assert dispatcher_main(["fake-server", "--port", "99999"]) == 2
    assert "--port 99999" in one_line(capsys)


def test_a_db_in_a_missing_directory_is_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(parse("--db", "/nonexistent/x.db")) == 2
    assert "/nonexistent" in one_line(capsys)
    assert run(parse("--db", str(tmp_path / "no" / "such" / "x.db"))) == 2
    assert "does not exist" in one_line(capsys)


def test_a_db_that_is_a_directory_is_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(parse("--db", str(tmp_path))) == 2
    assert "directory" in one_line(capsys)


def test_a_db_that_is_not_a_database_is_a_runtime_failure(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, just some text that is long enough " * 40)
    assert run(parse("--db", str(path), "--port", "0")) == 1
    assert str(path) in one_line(capsys)


def test_a_db_of_another_program_is_a_runtime_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (name TEXT)")
        db.execute("CREATE TABLE documents (x INTEGER)")
    db.close()
    assert run(parse("--db", str(path), "--port", "0")) == 1
    assert str(path) in one_line(capsys)


def test_a_port_in_use_is_a_runtime_failure(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert run(parse("--port", str(port))) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in one_line(capsys)


def test_an_unknown_host_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(parse("--host", "no such host.invalid", "--port", "0")) == 2
    assert "--host" in one_line(capsys)


@pytest.mark.parametrize("argv", [
    ("--rate-window", "nan"), ("--rate-window", "inf"), ("--rate-window", "0"),
    ("--latency", "nan"), ("--latency", "inf"), ("--latency-jitter", "nan"), ("--error-rate", "nan"),
    ("--faults", '{"global": {"latency": NaN}}'), ("--faults", '{"global": {"latency": 1e999}}'),
    ("--faults", "[" * 100_000 + "]" * 100_000), ("--faults", "@/nonexistent/faults.json"),
    ("--api-key", ""),
])
def test_non_finite_numbers_and_odd_fault_json_are_bad_usage(argv: tuple[str, ...],
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert run(parse(*argv)) == 2
    one_line(capsys)


def test_a_faults_file_that_is_not_utf8_is_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "faults.json"
    path.write_bytes(b'{"global": {"latency": 1}}\xff')
    assert run(parse("--faults", f"@{path}")) == 2
    assert "--faults" in one_line(capsys)


# --- without the [simulator] extra ----------------------------------------------------------------------

def _python(code: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=60, cwd=cwd)


@pytest.mark.parametrize("module", ["uvicorn", "starlette"])
@pytest.mark.parametrize("entry", ["spoki_actions.cli", "spoki_actions.simulator.__main__"])
def test_the_command_names_the_missing_extra(module: str, entry: str) -> None:
    done = _python(f"""
        import sys
        sys.modules[{module!r}] = None  # as if the [simulator] extra were not installed
        from {entry} import main
        argv = ["fake-server", "--port", "0"] if {entry!r} == "spoki_actions.cli" else ["--port", "0"]
        sys.exit(main(argv))
    """)
    assert done.returncode == 1, done.stderr
    assert done.stderr == HINT + "\n"
    assert done.stdout == ""


def test_the_python_api_names_the_missing_extra() -> None:
    done = _python("""
        import sys
        sys.modules["starlette"] = None
        from spoki_actions.simulator import SimulatorServer
        try:
            SimulatorServer()
        except ModuleNotFoundError as exc:
            print(exc)
    """)
    assert "needs the simulator extra: pip install 'spoki-actions[simulator]'" in done.stdout, done.stderr


@pytest.mark.parametrize("module", ["uvicorn", "starlette"])
def test_the_fixtures_name_the_missing_extra(module: str, tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(f"import sys\nsys.modules[{module!r}] = None\n")
    (tmp_path / "test_it.py").write_text(textwrap.dedent("""
        def test_server(spoki_simulator):
            pass

        def test_client(spoki_client):
            pass

        def test_factory(spoki_simulator_factory):
            pass

        def test_asgi(spoki_asgi_transport):
            pass
    """))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                           str(tmp_path)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    errors = 4 if module == "starlette" else 3  # the in-process app needs Starlette only
    assert f"{errors} error" in done.stdout, done.stdout
    assert done.stdout.count("needs the simulator extra: pip install 'spoki-actions[simulator]'") >= errors
    assert "ModuleNotFoundError" not in done.stdout


def test_keys_must_be_sendable_as_a_header(capsys: pytest.CaptureFixture[str]) -> None:
    assert dispatcher_main(["fake-server", "--port", "0", "--api-key", "a b"]) == 2
    assert "--api-key: use printable ASCII without spaces" in capsys.readouterr().err


def test_a_wildcard_bind_prints_a_loopback_url() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "spoki_actions.simulator", "--host", "0.0.0.0", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
    finally:
        proc.terminate()
        proc.communicate(timeout=30)  # reaped, and its two pipes read and closed (not left to the collector)
    assert first.startswith("Spoki simulator: http://127.0.0.1:") and first.rstrip().endswith("/api/1")
