"""The `spoki-actions` dispatcher: help, unknown commands, and a reader that leaves early."""

from __future__ import annotations

import os
import sys

import pytest

from spoki_actions.cli import commands, main


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in [*commands(), "generate", "fake-server"]:
        assert name in out


def test_no_command_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2


def test_unknown_command_names_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["lnit"])
    assert exc.value.code == 2
    assert "invalid choice: 'lnit'" in capsys.readouterr().err


def test_closed_pipe_is_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader already left, like `spoki-actions describe ... | head -0`
    stream = open(write_end, "w", buffering=1)  # noqa: SIM115 - closed below
    monkeypatch.setattr(sys, "stdout", stream)
    try:
        assert main(["describe", "SPOKI_LIST_TICKETS"]) == 141
    finally:
        monkeypatch.undo()
        stream.close()
