"""`spoki-actions list`, `describe NAME` and `run NAME`: output, exit codes, and never the key."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from spoki_actions import cli
from spoki_actions.cli import main

from .rt_support import LocalServer, send_json


@pytest.fixture
def server(local_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> LocalServer:
    monkeypatch.setenv("SPOKI_BASE_URL", local_server.base_url)
    return local_server


def run_cli(capsys: pytest.CaptureFixture[str], canary: str, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert canary not in out and canary not in err
    return code, out, err


def test_run_prints_the_envelope_and_exits_0(server: LocalServer, capsys: pytest.CaptureFixture[str],
                                             canary: str) -> None:
    server.behaviour["/api/1/contacts/1234/"] = lambda h: send_json(h, 200, {"id": 1234})
    code, out, _ = run_cli(capsys, canary, "run", "SPOKI_RETRIEVE_CONTACT", "--params", '{"contact_id": 1234}')
    assert code == 0 and json.loads(out) == {"data": {"id": 1234}, "error": None, "successful": True}
    assert server.seen[-1][2]["X-Spoki-Api-Key"] == canary


def test_key_value_pairs_are_typed_by_the_spec(server: LocalServer, capsys: pytest.CaptureFixture[str],
                                               canary: str) -> None:
    server.behaviour["/api/1/contacts/"] = lambda h: send_json(h, 200, {"count": 0, "results": []})
    code, out, _ = run_cli(capsys, canary, "run", "SPOKI_LIST_CONTACTS", "tag=7", "is_blocked=false",
                           "first_name=123", "--params", '{"search": "rossi"}', "--compact")
    assert code == 0 and out.count("\n") == 1
    assert server.seen[-1][1] == "/api/1/contacts/?search=rossi&tag=7&first_name=123&is_blocked=false"


def test_failures_print_the_envelope_and_exit_by_kind(server: LocalServer, capsys: pytest.CaptureFixture[str],
                                                canary: str) -> None:
    code, out, _ = run_cli(capsys, canary, "run", "SPOKI_RETRIEVE_CONTACT", "contact_id=99")
    assert code == 6 and json.loads(out)["error"].startswith("HTTP 404 Not Found from GET contacts/99/")
    code, out, _ = run_cli(capsys, canary, "run", "SPOKI_RETRIEVE_CONTACT", "contact_id=abc")
    assert code == 3 and json.loads(out)["error"] == ("invalid input for SPOKI_RETRIEVE_CONTACT: contact_id: expected "
                                                      "an integer, got a string ('abc')")
    code, out, _ = run_cli(capsys, canary, "run", "SPOKI_LIST_TICKET")
    assert code == 3 and "did you mean SPOKI_LIST_TICKETS" in json.loads(out)["error"]


def test_no_key_is_a_failure_not_a_crash(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                         canary: str) -> None:
    monkeypatch.delenv("SPOKI_API_KEY")
    code, out, _ = run_cli(capsys, canary, "run", "SPOKI_LIST_AGENCIES")
    assert code == 4 and json.loads(out) == {"data": [], "successful": False, "error": (
        "no API key: set the SPOKI_API_KEY environment variable (export SPOKI_API_KEY=...)")}


@pytest.mark.parametrize("argv, message", [
    (["--params", "{nope"], "--params is not valid JSON"),
    (["--params", "[1]"], "--params must be a JSON object"),
    (["contact_id"], "expected KEY=VALUE, got 'contact_id'"),
    (["contact_id=1", "--params", '{"contact_id": 2}'], "contact_id is given twice"),
    (["contact_id=1", "contact_id=2"], "contact_id is given twice"),
])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], canary: str, argv: list[str], message: str) -> None:
    code, out, err = run_cli(capsys, canary, "run", "SPOKI_RETRIEVE_CONTACT", *argv)
    assert code == 2 and out == "" and message in err


@pytest.mark.parametrize("argv, said", [
    (["lsit"], "invalid choice: 'lsit'"),
    (["run", "SPOKI_LIST_TAGS", "--compat"], "unrecognized arguments: --compat"),
    (["list", "--output", "tabel"], "invalid choice: 'tabel' (choose from 'table', 'json', 'jsonl')"),
])
def test_a_misspelled_command_option_or_choice_gets_a_did_you_mean(capsys: pytest.CaptureFixture[str],
                                                                   argv: list[str], said: str) -> None:
    near = {"lsit": "'list', 'lint'", "--compat": "'--compact'", "tabel": "'table'"}[argv[-1]]
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert exc.value.code == 2 and said in err and err.endswith(f"; did you mean {near}?"), err


def test_no_did_you_mean_without_a_close_name(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "SPOKI_LIST_TAGS", "--zzzzzz"])
    assert capsys.readouterr().err.strip().endswith("unrecognized arguments: --zzzzzz")


def catalogue_names() -> list[str]:
    from spoki_actions._registry import load
    return list(load().names)


def test_list(capsys: pytest.CaptureFixture[str], canary: str) -> None:
    names = catalogue_names()
    code, out, _ = run_cli(capsys, canary, "list")
    lines = out.splitlines()
    assert code == 0 and len(lines) == len(names) + 1  # a header row, then one row per action
    assert lines[0].split() == ["NAME", "METHOD", "PATH", "TITLE", "DEPRECATED"]
    assert lines[1].split()[:3] == ["SPOKI_CREATE_CUSTOM_FIELD", "POST", "custom-fields/"]
    assert any(line.endswith("(deprecated)") and "SPOKI_SPOKI_LIST_PARTNERS" in line for line in lines)
    path_column = lines[0].index("PATH")
    assert all(line[path_column - 2:path_column] == "  " for line in lines)  # columns apart, aligned
    code, out, _ = run_cli(capsys, canary, "list", "--json")
    assert code == 0 and len(json.loads(out)) == len(names)
    code, out, _ = run_cli(capsys, canary, "list", "--output", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["name"] for r in rows] == names


def test_describe(capsys: pytest.CaptureFixture[str], canary: str) -> None:
    code, out, _ = run_cli(capsys, canary, "describe", "SPOKI_CREATE_CUSTOM_FIELD")
    assert code == 0
    assert out.startswith("SPOKI_CREATE_CUSTOM_FIELD: Create custom field\nPOST custom-fields/\n")
    assert "field_type  integer one of 1 (TEXT), 2 (DATE), 3 (DATETIME), required, in body" in out
    assert "Behaviour: safety unsafe; rate limit 5 per 60 s (custom_fields)" in out
    assert "Variant of" not in out
    code, out, _ = run_cli(capsys, canary, "describe", "SPOKI_GET_ACCOUNT_CURRENT_REPORT", "--json")
    spec = json.loads(out)
    assert code == 0 and spec["behaviour"]["cache_ttl"] == 1800 and spec["params"][0]["wire_name"] == "id"


def test_describe_unknown_suggests(capsys: pytest.CaptureFixture[str], canary: str) -> None:
    code, out, err = run_cli(capsys, canary, "describe", "list_tickets")
    assert code == 1 and out == ""
    assert "unknown action 'list_tickets'; did you mean SPOKI_LIST_TICKETS" in err


def test_deeply_nested_params_are_a_usage_error(capsys: pytest.CaptureFixture[str], canary: str) -> None:
    deep = "[" * 20000 + "]" * 20000
    code, out, err = run_cli(capsys, canary, "run", "SPOKI_RETRIEVE_CONTACT", "--params", deep)
    assert (code, out) == (2, "") and err == "spoki-actions run: --params nests too deeply to read; flatten it\n"
    code, out, err = run_cli(capsys, canary, "run", "SPOKI_CREATE_OR_UPDATE_CONTACT", "custom_fields=" + deep)
    assert (code, out) == (2, "") and "the value of custom_fields nests too deeply to read" in err


def test_the_usage_line_requires_only_the_name(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["run"])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert "the following arguments are required: NAME\n" in err and "NAME [KEY=VALUE ...]" in err


def test_a_deprecated_action_warns_in_one_clean_line(server: LocalServer, capsys: pytest.CaptureFixture[str],
                                                     canary: str) -> None:
    server.behaviour["/api/1/partners/"] = lambda h: send_json(h, 200, {"count": 0, "next": None, "results": []})
    code, out, err = run_cli(capsys, canary, "run", "SPOKI_SPOKI_LIST_PARTNERS", "--compact")
    assert code == 0 and json.loads(out)["successful"]
    assert err == ("warning: SPOKI_SPOKI_LIST_PARTNERS is deprecated: SPOKI_SPOKI_LIST_PARTNERS is a placeholder in "
                   "the Spoki catalogue; it needs a partner-level API key and its output is not documented.\n")


def test_without_a_key_input_problems_come_first(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                 canary: str) -> None:
    monkeypatch.delenv("SPOKI_API_KEY")
    code, out, _ = run_cli(capsys, canary, "run", "SPOKI_RETRIEVE_CONTACT", "contact_id=abc")
    assert code == 3 and json.loads(out)["error"] == (
        "invalid input for SPOKI_RETRIEVE_CONTACT: contact_id: expected an integer, got a string ('abc') (besides, "
        "the client cannot be configured: no API key: set the SPOKI_API_KEY environment variable "
        "(export SPOKI_API_KEY=...))")


# --- subcommands from the entry-point group `spoki_actions.commands` --------------------------------

def _with_plugin(tmp_path: Path, module_text: str, code: str) -> subprocess.CompletedProcess[str]:
    """Runs `code` with a tiny distribution on sys.path that registers `hello` (module `hello_cmd`)."""
    (tmp_path / "hello_cmd.py").write_text(textwrap.dedent(module_text))
    info = tmp_path / "hello_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hello-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[spoki_actions.commands]\nhello = hello_cmd\nbroken = no_such_module\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=60, env=env, cwd=tmp_path)


PLUGIN = '''
    HELP = "say hello"
    EXTRA = "hello"
    EXTRA_MODULES = ("json",)

    def configure(parser):
        parser.add_argument("who")

    def run(args):
        import logging
        logging.getLogger("spoki_actions.hello").info("hello %s", args.who)
        logging.getLogger("spoki_actions.hello").debug("debug detail")
        return 7
'''


def test_a_registered_command_runs_with_its_help_listed(tmp_path: Path) -> None:
    done = _with_plugin(tmp_path, PLUGIN, """
        import sys
        from spoki_actions.cli import main
        print("exit", main(["hello", "world"]))
        print("exit", main(["hello", "-v", "world"]))
        print("exit", main(["--help"]))
    """)
    assert done.stdout.startswith("exit 7\nexit 7\n"), done.stderr
    assert done.stderr.count("spoki-actions: hello world\n") == 2
    assert done.stderr.count("spoki-actions: debug detail\n") == 1  # only with -v
    assert "  hello        say hello\n" in done.stdout
    assert "  broken       (cannot be loaded: ModuleNotFoundError" in done.stdout  # listed, not fatal
    assert "exit 0" in done.stdout


def test_a_command_whose_extra_is_missing_gets_the_hint_and_exits_2(tmp_path: Path) -> None:
    done = _with_plugin(tmp_path, PLUGIN.replace('("json",)', '("json", "no_such_extra_module")'), """
        import sys
        from spoki_actions.cli import main
        sys.exit(main(["hello", "world"]))
    """)
    assert done.returncode == 2
    assert done.stderr == "spoki-actions hello needs the hello extra: pip install 'spoki-actions[hello]'\n"
    assert done.stdout == ""


def test_a_command_that_cannot_load_is_a_clear_error(tmp_path: Path) -> None:
    done = _with_plugin(tmp_path, PLUGIN, """
        import sys
        from spoki_actions.cli import main
        sys.exit(main(["broken"]))
    """)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("spoki-actions broken: cannot load no_such_module (No module named")


def test_the_runtime_names_no_command_above_it() -> None:
    source = (Path(cli.__file__)).read_text()
    for room in ("generator", "simulator", "batch", "mcp_server", "tools"):
        assert f"spoki_actions.{room}" not in source, room
    names = set(cli.commands())
    assert {"generate", "fake-server"} <= names  # registered by entry points in pyproject.toml


def test_describe_shows_the_output_fields_and_the_variant(capsys: pytest.CaptureFixture[str], canary: str) -> None:
    code, out, _ = run_cli(capsys, canary, "describe", "SPOKI_LIST_TICKETS")
    assert code == 0
    assert "Output fields:\n  count     integer, required\n" in out
    assert "  results   array of Ticket, required\n" in out
    assert "Fields of each result (Ticket):\n" in out and "  owner             User, required\n" in out
    code, out, _ = run_cli(capsys, canary, "describe", "SPOKI_SPOKI_LIST_TAGS")
    assert code == 0 and out.splitlines()[2] == "Variant of: SPOKI_LIST_TAGS"
    code, out, _ = run_cli(capsys, canary, "describe", "--output", "json", "SPOKI_SPOKI_LIST_TAGS")
    assert json.loads(out)["variant_of"] == "SPOKI_LIST_TAGS"


def test_options_anywhere(server: LocalServer, capsys: pytest.CaptureFixture[str], canary: str) -> None:
    server.behaviour["/api/1/tickets/"] = lambda h: send_json(h, 200, {"count": 0, "next": None, "results": []})
    for argv in (["run", "SPOKI_LIST_TICKETS", "--compact", "status=OPEN", "per_page=2"],
                 ["run", "--compact", "SPOKI_LIST_TICKETS", "status=OPEN", "per_page=2"],
                 ["run", "SPOKI_LIST_TICKETS", "status=OPEN", "--compact", "per_page=2"],
                 ["-v", "run", "SPOKI_LIST_TICKETS", "per_page=2", "status=OPEN", "-o", "jsonl"]):
        code, out, err = run_cli(capsys, canary, *argv)
        assert code == 0 and out.count("\n") == 1 and json.loads(out)["successful"], (argv, err)
        assert server.seen[-1][1] in ("/api/1/tickets/?per_page=2&status=OPEN",
                                      "/api/1/tickets/?status=OPEN&per_page=2")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0 and capsys.readouterr().out == f"spoki-actions {version('spoki-actions')}\n"


def test_params_from_a_file_and_from_stdin(server: LocalServer, capsys: pytest.CaptureFixture[str], canary: str,
                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server.behaviour["/api/1/contacts/1234/"] = lambda h: send_json(h, 200, {"id": 1234})
    (tmp_path / "p.json").write_text('{"contact_id": 1234}')
    code, out, _ = run_cli(capsys, canary, "run", "SPOKI_RETRIEVE_CONTACT", "--params", f"@{tmp_path / 'p.json'}")
    assert code == 0 and json.loads(out)["data"] == {"id": 1234}
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"contact_id": 1234}'))
    code, out, _ = run_cli(capsys, canary, "run", "SPOKI_RETRIEVE_CONTACT", "--params", "-")
    assert code == 0 and json.loads(out)["data"] == {"id": 1234}
    code, out, err = run_cli(capsys, canary, "run", "SPOKI_RETRIEVE_CONTACT", "--params", f"@{tmp_path / 'no.json'}")
    assert (code, out) == (2, "")
    assert err == f"spoki-actions run: --params @{tmp_path / 'no.json'}: cannot read {tmp_path / 'no.json'}: " \
                  "No such file or directory\n"
    (tmp_path / "bad.json").write_text("[1]")
    code, out, err = run_cli(capsys, canary, "run", "SPOKI_RETRIEVE_CONTACT", "--params", f"@{tmp_path / 'bad.json'}")
    assert code == 2 and "--params must be a JSON object" in err


def test_exit_codes_are_documented_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    from spoki_actions._commands import RUN_EXIT
    from spoki_actions._outcome import ErrorKind
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    for code, text in cli.EXIT_CODES:
        assert f"{code} {' '.join(text.split())}" in flat
    assert set(RUN_EXIT) == set(ErrorKind)  # every kind has its code
    assert set(RUN_EXIT.values()) <= {code for code, _ in cli.EXIT_CODES}


def test_the_log_handler_says_waits_and_with_verbose_each_attempt(capsys: pytest.CaptureFixture[str]) -> None:
    import logging
    log = logging.getLogger("spoki_actions.client")
    undo = cli.install_logging(verbose=False)
    try:
        log.info("SPOKI_CREATE_CUSTOM_FIELD: waiting 59.9 s for the rate limit of bucket custom_fields (5 per 60 s)")
        log.debug("SPOKI_CREATE_CUSTOM_FIELD: attempt 1 -> status 201, 0.01 s")
    finally:
        undo()
    assert capsys.readouterr().err == ("spoki-actions: SPOKI_CREATE_CUSTOM_FIELD: waiting 59.9 s for the rate limit "
                                       "of bucket custom_fields (5 per 60 s)\n")
    undo = cli.install_logging(verbose=True)
    try:
        log.debug("SPOKI_CREATE_CUSTOM_FIELD: attempt 2 -> status 503 (upstream), 0.12 s")
    finally:
        undo()
    assert capsys.readouterr().err == ("spoki-actions: SPOKI_CREATE_CUSTOM_FIELD: attempt 2 -> status 503 (upstream), "
                                       "0.12 s\n")
    log.info("after the command: no handler of ours is left")
    assert capsys.readouterr().err == ""
    assert not [h for h in logging.getLogger("spoki_actions").handlers if isinstance(h, cli._StderrHandler)]


def test_the_readme_lists_the_same_exit_codes() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    rows = [line.split("|")[1].strip() for line in readme.splitlines() if line.startswith("| ") and
            line.split("|")[1].strip().isdigit()]
    assert [int(code) for code in rows] == [code for code, _ in cli.EXIT_CODES]


@pytest.mark.parametrize("words, expected", [
    ("des", "describe"),
    ("run SPOKI_LIST_TI", "SPOKI_LIST_TICKETS"),
    ("-v run --compact SPOKI_RETRIEVE_CON", "SPOKI_RETRIEVE_CONTACT"),
    ("list --out", "--output"),
    ("fake", "fake-server"),
    ("generate --ch", "--check"),
])
def test_bash_completion_completes(tmp_path: Path, capsys: pytest.CaptureFixture[str], words: str,
                                   expected: str) -> None:
    assert main(["completion", "bash"]) == 0
    script = tmp_path / "spoki-actions.bash"
    script.write_text(capsys.readouterr().out)
    done = subprocess.run(["bash", "-c", f'source {script}; COMP_WORDS=(spoki-actions {words}); '
                           'COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _spoki_actions; echo "${COMPREPLY[*]}"'],
                          capture_output=True, text=True, timeout=30)
    assert done.stdout.split() == [expected], done.stderr
