"""Broken specs: each problem is reported with file, line, column, key path and a useful message.

Every case starts from a small valid specs folder written into tmp_path, breaks one thing, and
asserts the exact lines `spoki-actions lint` prints.
"""

from __future__ import annotations

import os
import textwrap
import time
import tracemalloc
from pathlib import Path

import pytest

from spoki_actions import _yaml, loader
from spoki_actions.cli import main
from spoki_actions.errors import SpecError

CONNECTOR = (Path(__file__).parents[2] / "specs" / "_connector.yaml").read_text("utf-8")

ENUMS = """\
FieldType:
  type: integer
  enum: [1, 2, 3]
  labels: [TEXT, DATE, DATETIME]
"""

THING = """\
title: Thing
type: object
properties:
  id: {type: integer}
  kind: {$ref: enums.yaml#/FieldType}
required: [id]
"""

GET_THING = """\
name: SPOKI_GET_THING
title: Get a thing
group: things
description: Reads one thing.
request:
  method: GET
  path: things/{id}/
params:
  thing_id:
    type: integer
    required: true
    in: path
    wire_name: id
response:
  output:
    $ref: ../_shared/thing.yaml
behaviour:
  safety: read
"""

CREATE_THING = """\
name: SPOKI_CREATE_THING
title: Create a thing
group: things
description: Creates a thing.
request:
  method: POST
  path: things/
params:
  kind:
    $ref: ../_shared/enums.yaml#/FieldType
    required: true
  label:
    type: string
    enum: [a, b]
    default: a
response:
  output:
    $ref: ../_shared/thing.yaml
behaviour:
  safety: unsafe
  rate_limit: custom_fields
"""


def write_specs(root: Path, files: dict[str, str]) -> Path:
    base = {
        "_connector.yaml": CONNECTOR,
        "_shared/enums.yaml": ENUMS,
        "_shared/thing.yaml": THING,
        "things/get_thing.yaml": GET_THING,
        "things/create_thing.yaml": CREATE_THING,
    }
    base.update(files)
    specs = root / "specs"
    for rel, text in base.items():
        if text is None:
            continue
        path = specs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8") if isinstance(text, str) else path.write_bytes(text)
    return specs


def problems(specs: Path) -> list[str]:
    """Lint as a user would from the folder above: `spoki-actions lint specs`."""
    here = os.getcwd()
    os.chdir(specs.parent)
    try:
        return [str(p) for p in loader.lint(Path(specs.name))]
    finally:
        os.chdir(here)


def test_valid_fixture_loads(tmp_path: Path) -> None:
    catalogue = loader.load_catalogue(write_specs(tmp_path, {}))
    assert sorted(catalogue.actions) == ["SPOKI_CREATE_THING", "SPOKI_GET_THING"]
    get = catalogue.actions["SPOKI_GET_THING"]
    assert get.param("thing_id").wire_name == "id"
    assert get.response.output["$ref"] == "#/$defs/thing"
    assert get.response.output["$defs"]["FieldType"]["x-enum-varnames"] == ["TEXT", "DATE", "DATETIME"]
    create = catalogue.actions["SPOKI_CREATE_THING"]
    kind = create.param("kind")
    assert kind.enum is not None and kind.enum.name == "FieldType" and kind.enum.labels == ("TEXT", "DATE", "DATETIME")
    assert kind.location == "body" and kind.required and not kind.nullable
    assert create.input_schema["$defs"]["FieldType"]["enum"] == [1, 2, 3]
    assert create.behaviour.rate_limit is not None and create.behaviour.rate_limit.requests == 5
    assert create.response.success == (200, 201)  # POST default from the connector


CASES = {
    "bad YAML syntax": (
        {"things/get_thing.yaml": "name: SPOKI_GET_THING\ntitle: [unclosed\n"},
        ["specs/things/get_thing.yaml:3:1 invalid YAML: did not find expected ',' or ']' "
         "while parsing a flow sequence"],
    ),
    "wrong type": (
        {"things/get_thing.yaml": GET_THING.replace("    required: true\n", "    required: yes please\n", 1)},
        ["specs/things/get_thing.yaml:11:15 params.thing_id.required: expected boolean, found string 'yes please'"],
    ),
    "unknown key": (
        {"things/get_thing.yaml": GET_THING.replace("  safety: read\n", "  safety: read\n  retries: 3\n")},
        ["specs/things/get_thing.yaml:19:3 behaviour.retries: unknown key 'retries' "
         "(expected one of: cache_ttl, deprecated, rate_limit, reconcile, safety)"],
    ),
    "missing placeholder param": (
        {"things/get_thing.yaml": GET_THING.replace("things/{id}/", "things/{id}/{part}/")},
        ["specs/things/get_thing.yaml:7:9 request.path: placeholder {part} has no param with in: path "
         "filling it (wire_name 'part')"],
    ),
    "path param without placeholder": (
        {"things/get_thing.yaml": GET_THING.replace("things/{id}/", "things/")},
        ["specs/things/get_thing.yaml:12:9 params.thing_id.in: path param 'thing_id' fills {id}, "
         "which is not in the path 'things/'"],
    ),
    "dangling $ref": (
        {"things/get_thing.yaml": GET_THING.replace("../_shared/thing.yaml", "../_shared/thingy.yaml")},
        ["specs/things/get_thing.yaml:16:11 response.output.$ref: $ref '../_shared/thingy.yaml' does not resolve: "
         "no shared definition file '../_shared/thingy.yaml'; did you mean '../_shared/thing.yaml'?"],
    ),
    "dangling $ref fragment": (
        {"things/create_thing.yaml": CREATE_THING.replace("#/FieldType", "#/FieldKind")},
        ["specs/things/create_thing.yaml:10:11 params.kind.$ref: $ref '../_shared/enums.yaml#/FieldKind' does not "
         "resolve: '../_shared/enums.yaml' has no '/FieldKind'"],
    ),
    "duplicate name": (
        {"things/get_thing_again.yaml": GET_THING},
        ["specs/things/get_thing_again.yaml:1:7 name: duplicate action name 'SPOKI_GET_THING' "
         "(also in specs/things/get_thing.yaml:1:7)",
         "specs/things/get_thing_again.yaml:1:7 name: file stem 'get_thing_again' does not match the name "
         "'SPOKI_GET_THING' (expected get_thing.yaml)"],
    ),
    "bad enum default": (
        {"things/create_thing.yaml": CREATE_THING.replace("default: a", "default: c")},
        ['specs/things/create_thing.yaml:15:14 params.label.default: default string \'c\' is not one of the enum '
         'values ["a", "b"]'],
    ),
    "integer enum without labels": (
        {"_shared/enums.yaml": ENUMS.replace("  labels: [TEXT, DATE, DATETIME]\n", "")},
        ["specs/_shared/enums.yaml:3:9 FieldType.enum: an integer enum needs labels: one UPPER_SNAKE name per "
         "value, e.g. labels: [TEXT, DATE, DATETIME]"],
    ),
    "variant of a missing action": (
        {"things/spoki_get_thing.yaml": "name: SPOKI_SPOKI_GET_THING\nvariant_of: SPOKI_GET_THINGS\n"},
        ["specs/things/spoki_get_thing.yaml:2:13 variant_of: 'SPOKI_GET_THINGS' is not a known action; "
         "did you mean SPOKI_GET_THING, SPOKI_CREATE_THING?"],
    ),
    "file stem mismatch": (
        {"things/get_thing.yaml": None, "things/fetch_thing.yaml": GET_THING},
        ["specs/things/fetch_thing.yaml:1:7 name: file stem 'fetch_thing' does not match the name "
         "'SPOKI_GET_THING' (expected get_thing.yaml)"],
    ),
    "unknown rate-limit bucket": (
        {"things/create_thing.yaml": CREATE_THING.replace("rate_limit: custom_fields", "rate_limit: things")},
        ["specs/things/create_thing.yaml:21:15 behaviour.rate_limit: unknown rate-limit bucket 'things' "
         "(declared in _connector.yaml: contacts_list, contacts_sync, custom_fields, tickets)"],
    ),
    "bad JMESPath": (
        {"things/get_thing.yaml": GET_THING.replace("response:\n", "response:\n  select: 'results[?'\n")},
        ["specs/things/get_thing.yaml:15:11 response.select: invalid JMESPath expression 'results[?': "
         "Invalid jmespath expression at column 9"],
    ),
    "duplicate key": (
        {"things/get_thing.yaml": GET_THING.replace("title: Get a thing\n", "title: Get a thing\ntitle: Again\n")},
        ["specs/things/get_thing.yaml:3:1 title: duplicate key 'title' (first at line 2)"],
    ),
    "missing required key": (
        {"things/get_thing.yaml": GET_THING.replace("title: Get a thing\n", "")},
        ["specs/things/get_thing.yaml:1:1 missing required key 'title'"],
    ),
    "required and nullable": (
        {"things/get_thing.yaml": GET_THING.replace("    in: path\n", "    in: path\n    nullable: true\n")},
        ["specs/things/get_thing.yaml:13:15 params.thing_id.nullable: a required param cannot be nullable: "
         "null means 'not given'"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_broken_spec_reports_exact_location(tmp_path: Path, case: str) -> None:
    files, expected = CASES[case]
    specs = write_specs(tmp_path, files)
    assert problems(specs) == sorted(expected)


def test_paths_are_shown_as_the_user_named_the_folder(tmp_path: Path) -> None:
    specs = write_specs(tmp_path, {"things/get_thing.yaml": GET_THING.replace("title: Get a thing\n", "")})
    expected = "things/get_thing.yaml:1:1 missing required key 'title'"
    assert [str(p) for p in loader.lint(specs)] == [f"{specs.as_posix()}/{expected}"]
    assert problems(specs) == [f"specs/{expected}"]
    here = os.getcwd()
    os.chdir(specs)
    try:
        assert [str(p) for p in loader.lint(Path("."))] == [expected]
    finally:
        os.chdir(here)


def test_every_problem_in_one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    write_specs(tmp_path, {
        "things/get_thing.yaml": GET_THING.replace("  safety: read\n", "  safety: sometimes\n"),
        "things/create_thing.yaml": CREATE_THING.replace("default: a", "default: z"),
    })
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "specs"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        'specs/things/create_thing.yaml:15:14 params.label.default: default string \'z\' is not one of the enum '
        'values ["a", "b"]',
        'specs/things/get_thing.yaml:18:11 behaviour.safety: expected one of ["read", "idempotent", "unsafe"], '
        "found string 'sometimes'",
        "2 problems found",
    ]


def test_lint_passes_on_clean_specs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    specs = write_specs(tmp_path, {})
    assert main(["lint", str(specs)]) == 0
    assert capsys.readouterr().out.strip() == f"{specs}: 2 actions, no problems"


def test_variant_inherits_and_overrides(tmp_path: Path) -> None:
    specs = write_specs(tmp_path, {"things/spoki_get_thing.yaml": textwrap.dedent("""\
        name: SPOKI_SPOKI_GET_THING
        variant_of: SPOKI_GET_THING
        title: Get a thing (Spoki variant)
        response:
          output: {type: object}
        """)})
    catalogue = loader.load_catalogue(specs)
    base, variant = catalogue.actions["SPOKI_GET_THING"], catalogue.actions["SPOKI_SPOKI_GET_THING"]
    assert variant.variant_of == "SPOKI_GET_THING"
    assert variant.title == "Get a thing (Spoki variant)" and variant.description == base.description
    assert variant.path == base.path and variant.params == base.params
    assert variant.response.output == {"type": "object"} and base.response.output != variant.response.output
    assert variant.source == "things/spoki_get_thing.yaml"


def test_variant_of_variant_is_refused(tmp_path: Path) -> None:
    specs = write_specs(tmp_path, {
        "things/spoki_get_thing.yaml": "name: SPOKI_SPOKI_GET_THING\nvariant_of: SPOKI_GET_THING\n",
        "things/spoki_spoki_get_thing.yaml": "name: SPOKI_SPOKI_SPOKI_GET_THING\nvariant_of: SPOKI_SPOKI_GET_THING\n",
    })
    assert problems(specs) == [
        "specs/things/spoki_spoki_get_thing.yaml:2:13 variant_of: 'SPOKI_SPOKI_GET_THING' is itself a variant; "
        "point at the action it varies ('SPOKI_GET_THING')"]


# --- hostile files: refused quickly, with bounded memory ---------------------------------------

def _bounded(specs: Path) -> tuple[list[str], float, int]:
    tracemalloc.start()
    started = time.process_time()  # this process's CPU time: other load on the machine does not count
    try:
        found = problems(specs)
    finally:
        elapsed = time.process_time() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return found, elapsed, peak


HOSTILE = {
    "5 MB file": (
        b"name: SPOKI_GET_THING\ndescription: '" + b"x" * (5 * 1024 * 1024) + b"'\n",
        "specs/things/get_thing.yaml:1:1 file is 5,242,918 bytes; spec files are limited to 1,048,576 bytes",
    ),
    "deeply nested block": (
        b"name: SPOKI_GET_THING\nparams:\n" + b"".join(b" " * i + b"- \n" for i in range(1, 200)),
        "specs/things/get_thing.yaml:66:65 nesting deeper than 64 levels",
    ),
    "deeply nested flow": (
        b"name: SPOKI_GET_THING\nparams: " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
        "specs/things/get_thing.yaml:2:1008 invalid YAML: exceeded maximum nesting depth while increasing flow level",
    ),
    "alias bomb": (
        b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
            b"%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n" % ((bytes([c]),) * 2 + (bytes([c - 1]),) * 9)
            for c in range(ord("b"), ord("k"))),
        "specs/things/get_thing.yaml:1:4 YAML anchors and aliases are not allowed in specs",
    ),
    "many nodes": (
        b"name: SPOKI_GET_THING\nparams: [" + b"1," * 300_000 + b"1]\n",
        "specs/things/get_thing.yaml:2:400000 more than 200,000 YAML nodes; spec files are limited to that",
    ),
    "python tag": (
        b"name: !!python/object/apply:os.system ['echo pwned']\n",
        "specs/things/get_thing.yaml:1:7 custom YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' "
        "is not allowed",
    ),
    "not UTF-8": (
        b"name: SPOKI_GET_THING\ntitle: caf\xe9\n",
        "specs/things/get_thing.yaml:2:11 not UTF-8 text (invalid continuation byte at byte 32)",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_is_refused_within_bounds(tmp_path: Path, case: str) -> None:
    content, expected = HOSTILE[case]
    specs = write_specs(tmp_path, {"things/get_thing.yaml": content})
    found, elapsed, peak = _bounded(specs)
    assert found == [expected]
    # Safety bounds, not speed goals: generous enough for any machine, tight enough to catch a blow-up. CPU
    # seconds of this process, so a machine loaded by other work cannot fail it (a blow-up costs minutes).
    assert elapsed < 10, f"{case} took {elapsed:.1f} CPU s"
    assert peak < 64 * 1024 * 1024, f"{case} peaked at {peak / 1e6:.0f} MB"


def test_marks_point_at_keys_and_values() -> None:
    data, marks = _yaml.load("a:\n  b: [1, 2]\n  c: 'x'\n")
    assert data == {"a": {"b": [1, 2], "c": "x"}}
    assert marks.keys[("a", "c")] == (3, 3)
    assert marks.values[("a", "c")] == (3, 6)
    assert marks.values[("a", "b", 1)] == (2, 10)
    assert marks.at(("a", "missing", 3)) == marks.values[("a",)]


def test_scalars_stay_json_types() -> None:
    data, _ = _yaml.load("d: 2024-01-01\nn: null\nb: true\nf: 1.5\ni: 7\n")
    assert data == {"d": "2024-01-01", "n": None, "b": True, "f": 1.5, "i": 7}


def test_missing_folder_and_connector(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as exc:
        loader.load_catalogue(tmp_path / "nope")
    assert "specs folder not found" in str(exc.value)
    (tmp_path / "empty").mkdir()
    assert [p.message for p in loader.lint(tmp_path / "empty")] == [
        "missing _connector.yaml: every specs folder needs one"]


def test_array_output_behind_a_ref_is_an_array(tmp_path: Path) -> None:
    specs = write_specs(tmp_path, {
        "_shared/thing_list.yaml": "title: ThingList\ntype: array\nitems: {$ref: thing.yaml}\n",
        "things/get_thing.yaml": GET_THING.replace("../_shared/thing.yaml", "../_shared/thing_list.yaml"),
    })
    response = loader.load_catalogue(specs).actions["SPOKI_GET_THING"].response
    assert response.output["$ref"] == "#/$defs/thing_list"
    assert response.data_is_array and response.empty_data == []


YAML_12 = {
    "non-finite number": (
        GET_THING.replace("    wire_name: id\n", "    wire_name: id\n    maximum: .inf\n"),
        ["specs/things/get_thing.yaml:14:14 params.thing_id.maximum: .inf is not allowed: JSON has no infinity or NaN"],
    ),
    "NaN example": (
        GET_THING.replace("    wire_name: id\n", "    wire_name: id\n    example: .nan\n"),
        ["specs/things/get_thing.yaml:14:14 params.thing_id.example: .nan is not allowed: JSON has no infinity or NaN"],
    ),
    "example of the wrong type": (
        GET_THING.replace("    wire_name: id\n", "    wire_name: id\n    example: no\n"),
        ["specs/things/get_thing.yaml:14:14 params.thing_id.example: example string 'no' is not a valid value "
         "of 'thing_id': expected an integer, got a string ('no')"],
    ),
    "example breaking a bound": (
        GET_THING.replace("    wire_name: id\n", "    wire_name: id\n    minimum: 1\n    example: 0\n"),
        ["specs/things/get_thing.yaml:15:14 params.thing_id.example: example integer 0 is not a valid value "
         "of 'thing_id': must be >= 1; got 0"],
    ),
}


@pytest.mark.parametrize("case", list(YAML_12))
def test_values_that_json_or_the_param_cannot_take(tmp_path: Path, case: str) -> None:
    text, expected = YAML_12[case]
    assert problems(write_specs(tmp_path, {"things/get_thing.yaml": text})) == expected


def test_yaml_12_scalars_stay_strings() -> None:
    data, _ = _yaml.load("a: no\nb: on\nc: 12:30\nd: yes\ne: =\nf: 0x1F\ng: ~\n")
    assert data == {"a": "no", "b": "on", "c": "12:30", "d": "yes", "e": "=", "f": 31, "g": None}


def test_variant_of_a_broken_file_points_at_that_file(tmp_path: Path) -> None:
    specs = write_specs(tmp_path, {
        "things/get_thing.yaml": GET_THING.replace("title: Get a thing\n", "title: [\n"),
        "things/spoki_get_thing.yaml": "name: SPOKI_SPOKI_GET_THING\nvariant_of: SPOKI_GET_THING\n",
    })
    found = problems(specs)
    assert found[1:] == ["specs/things/spoki_get_thing.yaml:2:13 variant_of: 'SPOKI_GET_THING' could not be "
                         "loaded: fix specs/things/get_thing.yaml first (its problems are listed)"]
    assert found[0].startswith("specs/things/get_thing.yaml:4:12 invalid YAML")


def test_load_takes_the_folder_not_a_file(tmp_path: Path) -> None:
    specs = write_specs(tmp_path, {})
    with pytest.raises(SpecError) as exc:
        loader.load_catalogue(specs / "things" / "get_thing.yaml")
    assert [p.message for p in exc.value.problems] == [
        f"is a file; lint and load take the specs folder (e.g. {specs})"]


def test_lint_of_a_file_outside_any_specs_folder(tmp_path: Path) -> None:
    loose = tmp_path / "things" / "get_thing.yaml"
    loose.parent.mkdir()
    loose.write_text(GET_THING, "utf-8")
    assert [p.message for p in loader.lint(loose)] == [
        f"is a file; lint and load take the specs folder (e.g. {tmp_path})"]


# --- names the generator would refuse, reported by lint first (issue 8, defect 4) -------------

def _renamed(name: str, text: str = GET_THING) -> str:
    return text.replace("SPOKI_GET_THING", name)


NAME_CLASHES = {
    "a keyword and its escape become one function": (
        {"things/class.yaml": _renamed("SPOKI_CLASS"), "things/class_.yaml": _renamed("SPOKI_CLASS_")},
        ["specs/things/class_.yaml:1:7 name: SPOKI_CLASS and SPOKI_CLASS_ both become the Python function 'class_'; "
         "rename one of them",
         "specs/things/class_.yaml:1:7 name: SPOKI_CLASS and SPOKI_CLASS_ both need the model class 'ClassInput'; "
         "rename one of them",
         "specs/things/class_.yaml:1:7 name: SPOKI_CLASS and SPOKI_CLASS_ both need the model class 'ClassOutput'; "
         "rename one of them"],
    ),
    "a reserved name and its escape become one function": (
        {"things/client.yaml": _renamed("SPOKI_CLIENT"), "things/client_.yaml": _renamed("SPOKI_CLIENT_")},
        ["specs/things/client_.yaml:1:7 name: SPOKI_CLIENT and SPOKI_CLIENT_ both become the Python function "
         "'client_'; rename one of them",
         "specs/things/client_.yaml:1:7 name: SPOKI_CLIENT and SPOKI_CLIENT_ both need the model class "
         "'ClientInput'; rename one of them",
         "specs/things/client_.yaml:1:7 name: SPOKI_CLIENT and SPOKI_CLIENT_ both need the model class "
         "'ClientOutput'; rename one of them"],
    ),
    "two functions, one model class": (
        {"things/thing_1.yaml": _renamed("SPOKI_THING_1"), "things/thing1.yaml": _renamed("SPOKI_THING1")},
        ["specs/things/thing_1.yaml:1:7 name: SPOKI_THING1 and SPOKI_THING_1 both need the model class "
         "'Thing1Input'; rename one of them",
         "specs/things/thing_1.yaml:1:7 name: SPOKI_THING1 and SPOKI_THING_1 both need the model class "
         "'Thing1Output'; rename one of them"],
    ),
    "an inline integer enum's class is another action's model": (
        {"things/get.yaml": _renamed("SPOKI_GET").replace(
            "    wire_name: id\n",
            "    wire_name: id\n  thing_input:\n    type: integer\n    enum: [1, 2]\n    labels: [ONE, TWO]\n")},
        ["specs/things/get_thing.yaml:1:7 name: SPOKI_GET and SPOKI_GET_THING both need the model class "
         "'GetThingInput'; rename one of them"],
    ),
    "a shared definition's class is an action's model": (
        {"_shared/get_thing_output.yaml": THING,
         "things/create_thing.yaml": CREATE_THING.replace("../_shared/thing.yaml", "../_shared/get_thing_output.yaml")},
        ["specs/things/get_thing.yaml:1:7 name: shared definition 'get_thing_output' and SPOKI_GET_THING both need "
         "the model class 'GetThingOutput'; rename one of them"],
    ),
    "a shared enum named like an import of the generated models": (
        {"_shared/enums.yaml": ENUMS.replace("FieldType:", "Field:"),
         "_shared/thing.yaml": THING.replace("#/FieldType", "#/Field"),
         "things/create_thing.yaml": CREATE_THING.replace("#/FieldType", "#/Field")},
        ["specs/things/create_thing.yaml:1:7 name: shared definition 'Field' needs the model class 'Field', a name "
         "the generated modules import; rename it",
         "specs/things/get_thing.yaml:1:7 name: shared definition 'Field' needs the model class 'Field', a name "
         "the generated modules import; rename it"],
    ),
    "a shared file named like an import of the generated bindings": (
        {"_shared/client.yaml": THING,
         "things/get_thing.yaml": GET_THING.replace("../_shared/thing.yaml", "../_shared/client.yaml")},
        ["specs/things/get_thing.yaml:1:7 name: shared definition 'client' needs the model class 'Client', a name "
         "the generated modules import; rename it"],
    ),
}


@pytest.mark.parametrize("case", list(NAME_CLASHES))
def test_lint_reports_what_generate_would_refuse(tmp_path: Path, case: str) -> None:
    files, expected = NAME_CLASHES[case]
    specs = write_specs(tmp_path, files)
    assert problems(specs) == sorted(expected)


# --- lint one file or one group folder (issue 14) ---------------------------------------------

def test_lint_one_file_or_one_group_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    write_specs(tmp_path, {
        "things/create_thing.yaml": CREATE_THING.replace("default: a", "default: z"),
        "others/get_other.yaml": _renamed("SPOKI_GET_OTHER").replace("group: things", "group: others"),
    })
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "specs/things/get_thing.yaml"]) == 0
    assert capsys.readouterr().out == "specs/things/get_thing.yaml: 1 action, no problems\n"
    assert main(["lint", "specs/others"]) == 0
    assert capsys.readouterr().out == "specs/others: 1 action, no problems\n"
    assert main(["lint", "specs/things"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "specs/things/create_thing.yaml:15:14 params.label.default: default string 'z' is not one of the enum "
        'values ["a", "b"]',
        "1 problem found"]
    assert main(["lint", "specs/_shared/thing.yaml"]) == 0
    assert capsys.readouterr().out == "specs/_shared/thing.yaml: 0 actions, no problems\n"
    assert main(["lint", "specs/things/create_thing.yaml"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "1 problem found"


def test_lint_of_a_misspelled_file_or_folder_names_the_close_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    write_specs(tmp_path, {})
    monkeypatch.chdir(tmp_path)
    for path, message in (
        ("specs/things/get_thng.yaml",
         "no such spec file or folder; did you mean 'get_thing.yaml', 'create_thing.yaml'?"),
        ("specs/thngs", "no such spec file or folder; did you mean 'things'?"),
        ("specs/things/zzz.yaml", "no such spec file or folder"),
        ("spec", "specs folder not found; did you mean 'specs'?"),
    ):
        assert main(["lint", path]) == 1
        assert capsys.readouterr().err.splitlines() == [f"{path}:1:1 {message}", "1 problem found"]


def test_lint_of_a_file_shows_connector_and_shared_problems(tmp_path: Path) -> None:
    specs = write_specs(tmp_path, {"_shared/thing.yaml": THING.replace("type: integer}", "type: integr}", 1),
                                   "things/create_thing.yaml": CREATE_THING.replace("default: a", "default: z")})
    found = {p.file for p in loader.lint(specs / "things" / "get_thing.yaml")}
    assert found == {f"{specs.as_posix()}/_shared/thing.yaml", f"{specs.as_posix()}/things/get_thing.yaml"}


# --- did-you-mean and patterns in words (issue 14) --------------------------------------------

WORDED = {
    "misspelled key": (
        {"things/get_thing.yaml": GET_THING.replace("  safety: read\n", "  safety: read\n  cache_tll: 5\n")},
        ["specs/things/get_thing.yaml:19:3 behaviour.cache_tll: unknown key 'cache_tll'; did you mean 'cache_ttl'? "
         "(expected one of: cache_ttl, deprecated, rate_limit, reconcile, safety)"],
    ),
    "misspelled enum value": (
        {"things/get_thing.yaml": GET_THING.replace("  safety: read\n", "  safety: reed\n")},
        ['specs/things/get_thing.yaml:18:11 behaviour.safety: expected one of ["read", "idempotent", "unsafe"], '
         "found string 'reed' (did you mean 'read'?)"],
    ),
    "misspelled bucket": (
        {"things/create_thing.yaml": CREATE_THING.replace("rate_limit: custom_fields", "rate_limit: custom_field")},
        ["specs/things/create_thing.yaml:21:15 behaviour.rate_limit: unknown rate-limit bucket 'custom_field'; "
         "did you mean 'custom_fields'? (declared in _connector.yaml: contacts_list, contacts_sync, custom_fields, "
         "tickets)"],
    ),
    "misspelled shared file": (
        {"things/create_thing.yaml": CREATE_THING.replace("../_shared/enums.yaml", "../_shared/enum.yaml")},
        ["specs/things/create_thing.yaml:10:11 params.kind.$ref: $ref '../_shared/enum.yaml#/FieldType' does not "
         "resolve: no shared definition file '../_shared/enum.yaml'; did you mean '../_shared/enums.yaml'?"],
    ),
    "misspelled shared name": (
        {"things/create_thing.yaml": CREATE_THING.replace("#/FieldType", "#/FieldTyp")},
        ["specs/things/create_thing.yaml:10:11 params.kind.$ref: $ref '../_shared/enums.yaml#/FieldTyp' does not "
         "resolve: '../_shared/enums.yaml' has no '/FieldTyp'; did you mean '#/FieldType'?"],
    ),
    "misspelled connector file": (
        {"_connector.yaml": None, "_conector.yaml": CONNECTOR},
        ["specs/_connector.yaml:1:1 missing _connector.yaml: every specs folder needs one "
         "(found _conector.yaml: did you mean _connector.yaml?)"],
    ),
    "path without the trailing slash": (
        {"things/get_thing.yaml": GET_THING.replace("things/{id}/", "things/{id}")},
        ["specs/things/get_thing.yaml:7:9 request.path: must end with / and hold only lower-case letters, digits, "
         "_, -, / and {placeholders}, found string 'things/{id}'"],
    ),
    "name without SPOKI_": (
        {"things/get_thing.yaml": GET_THING.replace("name: SPOKI_GET_THING", "name: GET_THING")},
        ["specs/things/get_thing.yaml:1:7 name: must start with SPOKI_ followed by upper-case letters, digits and _, "
         "found string 'GET_THING'"],
    ),
    "param name not snake_case": (
        {"things/get_thing.yaml": GET_THING.replace("  thing_id:\n", "  ThingId:\n").replace(
            "    wire_name: id\n", "    wire_name: id\n")},
        ["specs/things/get_thing.yaml:9:3 params: must be lower_snake_case: a lower-case letter, then lower-case "
         "letters, digits and _, found string 'ThingId'"],
    ),
}


@pytest.mark.parametrize("case", list(WORDED))
def test_problems_said_in_words(tmp_path: Path, case: str) -> None:
    files, expected = WORDED[case]
    specs = write_specs(tmp_path, files)
    assert problems(specs) == sorted(expected)


def test_every_meta_schema_pattern_has_words() -> None:
    import json

    def walk(node: object, where: str) -> list[str]:
        if isinstance(node, dict):
            own = [where] if isinstance(node.get("pattern"), str) and not isinstance(node.get("x-words"), str) else []
            return own + [w for k, v in node.items() for w in walk(v, f"{where}/{k}")]
        if isinstance(node, list):
            return [w for i, v in enumerate(node) for w in walk(v, f"{where}/{i}")]
        return []

    meta = Path(__file__).parents[2] / "runtime" / "meta"
    missing = [w for f in sorted(meta.glob("*.json")) for w in walk(json.loads(f.read_text("utf-8")), f.name)]
    assert missing == []
