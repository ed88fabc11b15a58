"""Generated bindings, imported from a temp folder and called through `httpx.MockTransport`.

Each typed function must send exactly the params the caller gave (never a None), return the
action's envelope model read leniently, and never raise where `run_action` would not.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from spoki_actions import AsyncClient, AuthError, Client, InputError, InvalidResponseError, NotFoundError
from spoki_actions.generator import pytypes
from spoki_actions.generator.emitters import _bindings
from spoki_actions.loader import load_catalogue

from .conftest import SMALL, Generated, import_generated, run_generate, small_specs_with

BASE = "https://api.example.test/api/1"
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler answering from a queue and keeping every request."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answers.pop(0)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


@pytest.fixture(scope="module")
def small(small_out: Path) -> Generated:
    return import_generated(small_out)


@pytest.fixture
def client_for(small: Generated) -> Iterator[Callable[[Recorder], Client]]:
    made: list[Client] = []

    def make(handler: Recorder) -> Client:
        client = Client(api_key="test-key", base_url=BASE, transport=httpx.MockTransport(handler),
                        catalogue=small.catalogue, pace=False, cache=False)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


THING = {"id": 7, "name": "Lamp", "kind": 2, "tags": ["red"], "note": None}


def test_list_sends_only_the_given_params_and_returns_the_typed_page(
        small: Generated, client_for: Callable[[Recorder], Client]) -> None:
    page = {"count": 1, "next": None, "results": [{**THING, "colour": "red"}], "took_ms": 3}
    recorder = Recorder(httpx.Response(200, json=page))
    result = small.actions.list_things(order="desc", page=2, client=client_for(recorder))
    request = recorder.last
    assert request.method == "GET"
    assert request.url.path == "/api/1/things/"
    assert dict(request.url.params) == {"order": "desc", "page": "2"}
    assert request.headers["X-Spoki-Api-Key"] == "test-key"
    assert type(result) is small.models.ListThingsOutput
    assert result.successful is True and result.error is None
    assert isinstance(result.data, small.models.ThingPage)
    thing = result.data.results[0]
    assert thing.kind is small.models.Kind.MEDIUM and thing.kind == 2
    assert thing.model_extra == {"colour": "red"}  # unknown fields are kept
    assert result.data.model_extra == {"took_ms": 3}
    assert result.model_dump(mode="json")["data"] == page


def test_create_sends_exactly_the_given_body_keys(small: Generated, client_for: Callable[[Recorder], Client]) -> None:
    recorder = Recorder(httpx.Response(201, json=THING))
    models = small.models
    result = small.actions.create_thing(name="Lamp", kind=models.Kind.MEDIUM, grade=models.CreateThingGrade.PREMIUM,
                                        from_="2024-01-31", client=client_for(recorder))
    request = recorder.last
    assert request.method == "POST" and request.url.path == "/api/1/things/"
    assert json.loads(request.content) == {"name": "Lamp", "kind": 2, "grade": 20, "from": "2024-01-31"}
    assert result.successful and isinstance(result.data, models.Thing) and result.data.id == 7


def test_path_params_and_an_empty_204(small: Generated, client_for: Callable[[Recorder], Client]) -> None:
    recorder = Recorder(httpx.Response(204))
    result = small.actions.delete_thing(thing_id=7, client=client_for(recorder))
    assert recorder.last.method == "DELETE" and recorder.last.url.path == "/api/1/things/7/"
    assert result.successful is True and result.data == {} and result.error is None


def test_a_failed_call_is_an_envelope_not_an_exception(small: Generated,
                                                       client_for: Callable[[Recorder], Client]) -> None:
    recorder = Recorder(httpx.Response(404, json={"detail": "Not found."}))
    result = small.actions.create_thing(name="Lamp", kind=small.models.Kind.SMALL, client=client_for(recorder))
    assert result.successful is False and result.data == {}
    assert isinstance(result.error, str) and result.error
    with pytest.warns(DeprecationWarning, match="SPOKI_OLD_LIST_THINGS"):
        array = small.actions.old_list_things(client=client_for(Recorder(httpx.Response(500, json={}))))
    assert array.successful is False and array.data == []


def test_bad_input_never_reaches_the_api_and_never_raises(small: Generated,
                                                           client_for: Callable[[Recorder], Client]) -> None:
    recorder = Recorder()
    wrong: Any = "up"  # what mypy rejects; the runtime still answers with an envelope
    result = small.actions.list_things(order=wrong, page=0, client=client_for(recorder))
    assert recorder.requests == []
    assert result.successful is False and result.data == {} and "order" in (result.error or "")


def test_data_off_the_documented_shape_stays_raw(small: Generated, client_for: Callable[[Recorder], Client]) -> None:
    odd = {**THING, "kind": 9}  # an enum value the spec does not know
    result = small.actions.create_thing(name="Lamp", kind=small.models.Kind.SMALL,
                                        client=client_for(Recorder(httpx.Response(201, json=odd))))
    assert result.successful is True and result.data == odd
    items = [{"name": "Ada", "age": 36}, {"name": "Bob", "age": "unknown"}]
    people = small.actions.list_people(client=client_for(Recorder(httpx.Response(200, json=items))))
    assert people.successful is True and people.data == items


def test_the_typed_result_is_the_envelope_run_action_returns(small: Generated,
                                                             client_for: Callable[[Recorder], Client]) -> None:
    page = {"count": 0, "next": None, "results": []}
    client = client_for(Recorder(httpx.Response(200, json=page), httpx.Response(200, json=page)))
    envelope = client.run("SPOKI_LIST_THINGS", {"status": "OPEN"})
    typed = small.actions.list_things(status="OPEN", client=client)
    assert typed.model_dump(mode="json", by_alias=True) == envelope


def test_variant_and_deprecated_actions_have_functions(small: Generated,
                                                       client_for: Callable[[Recorder], Client]) -> None:
    page = {"count": 0, "next": None, "results": []}
    recorder = Recorder(httpx.Response(200, json=page), httpx.Response(200, json=[THING]))
    client = client_for(recorder)
    assert small.actions.spoki_list_things(size="M", client=client).successful
    assert dict(recorder.last.url.params) == {"size": "M"}
    with pytest.warns(DeprecationWarning, match="SPOKI_OLD_LIST_THINGS"):
        old = small.actions.old_list_things(client=client)
    assert old.successful and isinstance(old.data, list) and old.data[0].name == "Lamp"
    assert "Deprecated: Use SPOKI_LIST_THINGS, which pages." in (small.actions.old_list_things.__doc__ or "")


def test_async_twins(small: Generated) -> None:
    page = {"count": 1, "next": None, "results": [THING]}
    recorder = Recorder(httpx.Response(200, json=page))

    async def main() -> Any:
        async with AsyncClient(api_key="k", base_url=BASE, transport=httpx.MockTransport(recorder),
                               catalogue=small.catalogue, pace=False, cache=False) as client:
            return await small.aio.list_things(order="asc", client=client)

    assert inspect.iscoroutinefunction(small.aio.list_things)
    result = asyncio.run(main())
    assert dict(recorder.last.url.params) == {"order": "asc"}
    assert isinstance(result.data, small.models.ThingPage) and result.data.results[0].id == 7


def test_signatures_are_keyword_only_and_typed_from_the_spec(small: Generated) -> None:
    signature = inspect.signature(small.actions.create_thing)
    params = signature.parameters
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values())
    assert list(params) == ["name", "kind", "grade", "tags", "attributes", "from_", "client"]
    assert params["name"].default is inspect.Parameter.empty and params["kind"].annotation == "Kind"
    assert params["grade"].annotation == "CreateThingGrade | None" and params["grade"].default is None
    assert params["tags"].annotation == "list[str] | None"
    assert params["attributes"].annotation == "dict[str, str] | None"
    listing = inspect.signature(small.actions.list_things).parameters
    assert listing["order"].annotation == "Literal['asc', 'desc'] | None"
    assert listing["size"].annotation == "Literal['S', 'M', 'L'] | None"
    assert signature.return_annotation == "CreateThingOutput"
    assert small.actions.__all__ == sorted(small.actions.__all__)


def compiler_cleandoc(doc: str) -> str:
    """What Python 3.13+ stores as `__doc__` (CPython's `_PyCompile_CleanDoc`, ported): tabs
    expanded, the first line's leading spaces and the other lines' common margin of spaces
    removed; blank lines kept."""
    lines = doc.expandtabs().split("\n")
    indents = [len(line) - len(line.lstrip(" ")) for line in lines[1:] if line.lstrip(" ")]
    margin = min(indents, default=0)
    rest = [line[min(margin, len(line) - len(line.lstrip(" "))):] for line in lines[1:]]
    return "\n".join([lines[0].lstrip(" "), *rest])


def getdoc_everywhere(function: Callable[..., Any]) -> tuple[str | None, str]:
    """`inspect.getdoc` here, and as Python 3.13+ would give it (compiler clean-up, then getdoc)."""
    return inspect.getdoc(function), inspect.cleandoc(compiler_cleandoc(function.__doc__ or ""))


def test_docstrings_are_the_yaml_text(small: Generated) -> None:
    catalogue = load_catalogue(SMALL)
    classes = pytypes.def_classes(catalogue)
    for action in catalogue.actions.values():
        text = _bindings.docstring_text(action, classes)
        function = getattr(small.actions, action.function_name)
        assert getdoc_everywhere(function) == (text, text)
        assert getdoc_everywhere(getattr(small.aio, action.function_name)) == (text, text)
        assert text.startswith(action.title + "\n\n" + action.description + "\n")


def test_docstrings_are_indented_like_the_function_body(small_out: Path) -> None:
    for module in ("actions.py", "aio.py"):
        tree = ast.parse((small_out / "python" / module).read_text("utf-8"))
        functions = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
        assert functions
        for node in functions:
            doc = node.body[0]
            assert isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant)
            assert doc.value.col_offset == 4
            raw = ast.get_source_segment((small_out / "python" / module).read_text("utf-8"), doc.value) or ""
            body = raw.split("\n")[1:]
            assert body and all(line.startswith("    ") for line in body if line), (module, node.name)
            assert body[-2].startswith("    Runs SPOKI_") and body[-1] == '    """', (module, node.name)


def test_integer_enums_are_named(small: Generated) -> None:
    kind = small.models.Kind
    assert kind.SMALL == 1 and kind(3) is kind.LARGE and issubclass(kind, int)


def test_importing_the_package_loads_no_pydantic(small_out: Path) -> None:
    import subprocess
    import sys

    probe = ("import importlib.util, sys; p = sys.argv[1];"
             "spec = importlib.util.spec_from_file_location('g', p + '/__init__.py', submodule_search_locations=[p]);"
             "m = importlib.util.module_from_spec(spec); sys.modules['g'] = m; spec.loader.exec_module(m);"
             "print('pydantic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe, str(small_out / "python")],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_an_inline_spec_generates_and_runs(tmp_path: Path) -> None:
    specs = small_specs_with(tmp_path, {"widgets/ping_widget.yaml": PING})
    out = tmp_path / "generated"
    run_generate(specs, out)
    generated = import_generated(out)
    recorder = Recorder(httpx.Response(200, json={"pong": True, "echo": "hi"}))
    with Client(api_key="k", base_url=BASE, transport=httpx.MockTransport(recorder),
                catalogue=generated.catalogue, pace=False, cache=False) as client:
        result = generated.actions.ping_widget(widget_id=3, message="hi", client=client)
    assert recorder.last.url.path == "/api/1/widgets/3/ping/"
    assert json.loads(recorder.last.content) == {"message": "hi"}
    assert isinstance(result.data, generated.models.PingWidgetData)
    assert result.data.pong is True and result.data.echo == "hi"


PING = """\
name: SPOKI_PING_WIDGET
title: Ping widget
group: widgets
description: Pings a widget and returns its answer.
request:
  method: POST
  path: widgets/{id}/ping/
params:
  widget_id:
    type: integer
    required: true
    in: path
    wire_name: id
    description: Id of the widget.
  message:
    type: string
    description: Text echoed back.
response:
  output:
    type: object
    properties:
      pong: {type: boolean}
      echo: {type: [string, "null"]}
    required: [pong]
behaviour:
  safety: idempotent
"""


# --- typed results: unwrap() and the raising variants --------------------------------------------

def test_unwrap_gives_the_typed_data_or_raises_the_classified_error(
        small: Generated, client_for: Callable[[Recorder], Client]) -> None:
    page = {"count": 1, "next": None, "results": [THING]}
    ok = small.actions.list_things(client=client_for(Recorder(httpx.Response(200, json=page))))
    data = ok.unwrap()
    assert isinstance(data, small.models.ThingPage) and data.results[0].id == 7
    failed = small.actions.create_thing(name="Lamp", kind=small.models.Kind.SMALL,
                                        client=client_for(Recorder(httpx.Response(404, json={"detail": "Nope."}))))
    assert failed.successful is False  # the envelope form still never raises
    with pytest.raises(NotFoundError) as caught:
        failed.unwrap()
    assert caught.value.status == 404 and caught.value.outcome.envelope["error"] == failed.error
    bad = small.actions.list_things(page=0, client=client_for(Recorder()))
    with pytest.raises(InputError) as invalid:
        bad.unwrap()
    assert invalid.value.problems and invalid.value.kind == "validation"
    odd = small.actions.create_thing(name="Lamp", kind=small.models.Kind.SMALL,
                                     client=client_for(Recorder(httpx.Response(201, json={**THING, "kind": 9}))))
    assert odd.successful is True
    with pytest.raises(InvalidResponseError, match="SPOKI_CREATE_THING: the answer does not match"):
        odd.unwrap()


def test_raising_variants_return_the_data_and_raise_per_kind(
        small: Generated, client_for: Callable[[Recorder], Client]) -> None:
    recorder = Recorder(httpx.Response(200, json={"count": 1, "next": None, "results": [THING]}))
    page = small.actions.list_things_or_raise(order="asc", client=client_for(recorder))
    assert isinstance(page, small.models.ThingPage) and dict(recorder.last.url.params) == {"order": "asc"}
    people = small.actions.list_people_or_raise(
        client=client_for(Recorder(httpx.Response(200, json=[{"name": "Ada", "age": 36}]))))
    assert [type(p).__name__ for p in people] == ["ListPeopleItem"] and people[0].name == "Ada"
    with pytest.raises(AuthError):
        small.actions.delete_thing_or_raise(thing_id=1, client=client_for(Recorder(httpx.Response(401, json={}))))
    assert inspect.signature(small.actions.list_things_or_raise).return_annotation == "ThingPage"
    assert "list_things_or_raise" in small.actions.__all__ and "list_things_or_raise" in small.aio.__all__

    async def main() -> Any:
        async with AsyncClient(api_key="k", base_url=BASE, catalogue=small.catalogue, pace=False, cache=False,
                               transport=httpx.MockTransport(Recorder(httpx.Response(404, json={})))) as client:
            return await small.aio.list_things_or_raise(client=client)

    assert inspect.iscoroutinefunction(small.aio.list_things_or_raise)
    with pytest.raises(NotFoundError):
        asyncio.run(main())
