"""`spoki-actions list`, `describe NAME` and `run NAME`: output, exit codes, and never the key."""

from __future__ import annotations

import json

import pytest
from rt_support import LocalServer, send_json

from spoki_actions.cli import main


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
                           "first_name=123", "--params", '{"search": "rossi", "tag": 1}', "--compact")
    assert code == 0 and out.count("\n") == 1
    assert server.seen[-1][1] == "/api/1/contacts/?search=rossi&tag=7&first_name=123&is_blocked=false"


def test_failures_print_the_envelope_and_exit_1(server: LocalServer, capsys: pytest.CaptureFixture[str],
                                                canary: str) -> None:
    code, out, _ = run_cli(capsys, canary, "run", "SPOKI_RETRIEVE_CONTACT", "contact_id=99")
    assert code == 1 and json.loads(out)["error"].startswith("HTTP 404 Not Found from GET contacts/99/")
    code, out, _ = run_cli(capsys, canary, "run", "SPOKI_RETRIEVE_CONTACT", "contact_id=abc")
    assert code == 1 and json.loads(out)["error"] == ("invalid input for SPOKI_RETRIEVE_CONTACT: contact_id: expected "
                                                      "an integer, got a string ('abc')")
    code, out, _ = run_cli(capsys, canary, "run", "SPOKI_LIST_TICKET")
    assert code == 1 and "did you mean SPOKI_LIST_TICKETS" in json.loads(out)["error"]


def test_no_key_is_a_failure_not_a_crash(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                         canary: str) -> None:
    monkeypatch.delenv("SPOKI_API_KEY")
    code, out, _ = run_cli(capsys, canary, "run", "SPOKI_LIST_AGENCIES")
    assert code == 1 and json.loads(out) == {"data": [], "successful": False,
                                             "error": "no API key: pass api_key=... or set SPOKI_API_KEY"}


@pytest.mark.parametrize("argv, message", [
    (["--params", "{nope"], "--params is not valid JSON"),
    (["--params", "[1]"], "--params must be a JSON object"),
    (["contact_id"], "expected KEY=VALUE, got 'contact_id'"),
])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], canary: str, argv: list[str], message: str) -> None:
    code, out, err = run_cli(capsys, canary, "run", "SPOKI_RETRIEVE_CONTACT", *argv)
    assert code == 2 and out == "" and message in err


def test_list(capsys: pytest.CaptureFixture[str], canary: str) -> None:
    code, out, _ = run_cli(capsys, canary, "list")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 22
    assert lines[0].split()[:3] == ["SPOKI_CREATE_CUSTOM_FIELD", "POST", "custom-fields/"]
    assert any(line.endswith("(deprecated)") and "SPOKI_SPOKI_LIST_PARTNERS" in line for line in lines)
    code, out, _ = run_cli(capsys, canary, "list", "--json")
    assert code == 0 and len(json.loads(out)) == 22


def test_describe(capsys: pytest.CaptureFixture[str], canary: str) -> None:
    code, out, _ = run_cli(capsys, canary, "describe", "SPOKI_CREATE_CUSTOM_FIELD")
    assert code == 0
    assert out.startswith("SPOKI_CREATE_CUSTOM_FIELD: Create custom field\nPOST custom-fields/\n")
    assert "field_type  integer one of 1 (TEXT), 2 (DATE), 3 (DATETIME), required, in body" in out
    assert "Behaviour: safety unsafe; rate limit 5 per 60 s (custom_fields)" in out
    code, out, _ = run_cli(capsys, canary, "describe", "SPOKI_GET_ACCOUNT_CURRENT_REPORT", "--json")
    spec = json.loads(out)
    assert code == 0 and spec["behaviour"]["cache_ttl"] == 1800 and spec["params"][0]["wire_name"] == "id"


def test_describe_unknown_suggests(capsys: pytest.CaptureFixture[str], canary: str) -> None:
    code, out, err = run_cli(capsys, canary, "describe", "list_tickets")
    assert code == 1 and out == ""
    assert "unknown action 'list_tickets'; did you mean SPOKI_LIST_TICKETS" in err
