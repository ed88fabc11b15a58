"""Configuration and the catalogue: settings resolve once (arguments, environment, defaults); the
default catalogue is the compiled JSON, read lazily, found without importing the generated package;
other catalogues come as a `Catalogue`, a catalogue.json or a specs folder. Importing the package
stays cheap.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from spoki_actions import Client, ConfigurationError, run_action
from spoki_actions._client import close_default_clients, default_client
from spoki_actions._registry import compiled_catalogue_path, load
from spoki_actions.spec import from_dict, to_dict

from .rt_support import LocalServer, send_json

ROOT = Path(__file__).resolve().parents[2]


def test_arguments_beat_the_environment_which_beats_defaults(monkeypatch: pytest.MonkeyPatch, canary: str) -> None:
    with Client() as client:
        assert client._ctx.settings.api_key.reveal() == canary
        assert client.base_url == "https://api.spoki.com/api/1"
        assert client._ctx.settings.timeout == 30.0 and client._ctx.settings.retry.max_attempts == 4
    monkeypatch.setenv("SPOKI_BASE_URL", "https://app.spoki.it/api/1/")
    with Client() as client:
        assert client.base_url == "https://app.spoki.it/api/1"
    with Client(api_key="argument-key", base_url="https://api.spoki.com/api/1", timeout=5,
                max_retries=1) as client:
        settings = client._ctx.settings
        assert settings.api_key.reveal() == "argument-key" and client.base_url == "https://api.spoki.com/api/1"
        assert settings.timeout == 5.0 and settings.retry.max_attempts == 2
        assert settings.key_source == "the api_key argument"


def test_settings_resolve_once(monkeypatch: pytest.MonkeyPatch, canary: str) -> None:
    client = Client()
    monkeypatch.setenv("SPOKI_API_KEY", "changed-later")
    monkeypatch.setenv("SPOKI_BASE_URL", "https://elsewhere.example/api/1")
    assert client._ctx.settings.api_key.reveal() == canary and client.base_url == "https://api.spoki.com/api/1"
    client.close()


@pytest.mark.parametrize("kwargs, message", [
    ({"timeout": 0}, "timeout must be a positive number"),
    ({"timeout": "5"}, "timeout must be a positive number"),
    ({"max_retries": -1}, "max_retries must be an integer >= 0"),
    ({"max_retries": True}, r"max_retries must be an integer >= 0, got True"),  # a bool is not a count
    ({"timeout": True}, "timeout must be a positive number"),
    ({"max_response_bytes": True}, "max_response_bytes must be a positive integer"),
    ({"trust_env": "no"}, "trust_env must be True or False"),
    ({"proxy": ""}, "proxy must be a proxy URL"),
    ({"max_response_bytes": 0}, "max_response_bytes must be a positive integer"),
    ({"catalogue": "/no/such/catalogue.json"}, "not found"),
    ({"catalogue": 42}, "catalogue must be a Catalogue"),
])
def test_bad_settings_are_refused_with_a_reason(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Client(**kwargs)  # type: ignore[arg-type]


def test_every_problem_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPOKI_API_KEY")
    with pytest.raises(ConfigurationError) as raised:
        Client(base_url="http://api.spoki.com/api/1", timeout=-1)
    message = str(raised.value)
    assert "no API key" in message and "uses plain http" in message and "timeout must be" in message


def test_only_the_config_module_reads_the_environment() -> None:
    readers = [p.name for p in (ROOT / "runtime").glob("*.py")
               if any(s in p.read_text() for s in ("os.environ", "os.getenv", "getenv("))]
    assert readers == ["_config.py"]


def test_the_default_client_is_shared_and_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                                   local_server: LocalServer) -> None:
    local_server.behaviour["/api/1/tags/"] = lambda h: send_json(h, 200, {"count": 0, "results": []})
    monkeypatch.setenv("SPOKI_BASE_URL", local_server.base_url)
    first = default_client()
    assert default_client() is first
    assert run_action("SPOKI_LIST_TAGS") == {"data": {"count": 0, "results": []}, "error": None, "successful": True}
    monkeypatch.setenv("SPOKI_API_KEY", "another-key-123")
    assert default_client() is not first
    assert run_action("SPOKI_LIST_TAGS")["successful"]
    assert local_server.seen[-1][2]["X-Spoki-Api-Key"] == "another-key-123"
    close_default_clients()
    assert default_client() is not first


# --- the catalogue -------------------------------------------------------------------------------

def test_the_compiled_catalogue_is_the_default() -> None:
    path = compiled_catalogue_path()
    assert path.name == "catalogue.json" and path.resolve().parent.name == "python"
    assert load() is load()
    specs = Path(__file__).parents[2] / "specs"
    assert len(load().names) == len([p for p in specs.glob("*/*.yaml") if not p.parent.name.startswith("_")])


def test_a_catalogue_object_a_json_file_and_a_specs_folder(tmp_path: Path) -> None:
    catalogue = load().catalogue
    data = to_dict(catalogue)
    data["$comment"] = "unknown top-level keys are ignored"
    data["actions"]["SPOKI_LIST_WIDGETS"] = {**data["actions"]["SPOKI_LIST_TAGS"], "name": "SPOKI_LIST_WIDGETS",
                                             "path": "widgets/"}
    (tmp_path / "catalogue.json").write_text(json.dumps(data))

    def widgets(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"count": 1, "results": [{"id": 1}]})

    for source in (tmp_path / "catalogue.json", str(tmp_path / "catalogue.json"), from_dict(data)):
        with Client(catalogue=source, transport=httpx.MockTransport(widgets)) as client:
            assert len(client.actions) == 23
            assert client.run("SPOKI_LIST_WIDGETS")["data"]["count"] == 1
    with Client(catalogue=ROOT / "specs") as client:
        assert sorted(client.actions) == sorted(load().names)


def test_a_broken_catalogue_file_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "catalogue.json").write_text('{"actions": {}}')
    with pytest.raises(ConfigurationError, match="cannot read the catalogue"):
        Client(catalogue=tmp_path / "catalogue.json")


def run_python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                          cwd=ROOT).stdout.strip()


def test_import_is_cheap_and_loads_heavy_modules_only_when_needed() -> None:
    out = run_python(
        "import sys, json, httpx, spoki_actions as s\n"
        "heavy = ('pydantic', 'jsonschema', 'yaml', 'jmespath', 'spoki_actions.generator',"
        " 'spoki_actions.generated', 'spoki_actions.spec', 'spoki_actions._transport')\n"
        "seen = {'import': [m for m in heavy if m in sys.modules]}\n"
        "c = s.Client(api_key='k' * 10, transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})))\n"
        "c.run('SPOKI_LIST_TAGS')\n"
        "seen['plain call'] = [m for m in heavy if m in sys.modules]\n"
        "c.run('SPOKI_SPOKI_LIST_CUSTOM_FIELDS')\n"
        "seen['select'] = [m for m in ('jmespath', 'jsonschema') if m in sys.modules]\n"
        "c.run('SPOKI_LIST_TAGS', strict=True)\n"
        "seen['strict'] = [m for m in ('jsonschema',) if m in sys.modules]\n"
        "print(json.dumps(seen))")
    assert json.loads(out) == {"import": [], "plain call": ["spoki_actions.spec", "spoki_actions._transport"],
                               "select": ["jmespath"], "strict": ["jsonschema"]}


def test_the_transport_must_fit_the_client() -> None:
    from spoki_actions import AsyncClient

    with pytest.raises(ConfigurationError, match=r"needs an httpx\.BaseTransport"):
        Client(transport=httpx.AsyncHTTPTransport())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"needs an httpx\.AsyncBaseTransport"):
        AsyncClient(transport=httpx.HTTPTransport())  # type: ignore[arg-type]


def test_surrounding_spaces_in_the_base_url_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOKI_BASE_URL", "  https://api.spoki.com/api/1/ \n")
    with Client() as client:
        assert client.base_url == "https://api.spoki.com/api/1"
