"""Hostile input: anchored validation (no trailing newline slips through), odd bodies, huge numbers.

Every case here answered 200 with bad data stored, or 500 with a traceback in the server log, before the
fixes: a regex check ending in `$` (which matches before a final newline), json.loads' RecursionError, NaN
and Infinity, lone surrogates that break every later rendering of the contact, ids past int()'s digit limit.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from spoki_actions.simulator import SimulatorServer

SIMULATOR_SOURCE = Path(__file__).resolve().parents[2] / "simulator"
JSON = {"Content-Type": "application/json"}
HUGE = "9" * 5000  # past CPython's 4300-digit int() limit
BIG = "9" * 400  # an int, but no float can hold it


def post_raw(api: httpx.Client, path: str, content: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    return api.post(path, content=content, headers=headers or JSON)


def contact_count(api: httpx.Client) -> int:
    count: int = api.get("contacts/").json()["count"]
    return count


def assert_parse_error(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"detail"}
    assert response.json()["detail"].startswith("JSON parse error - ")


# --- anchored validation (F4) ---------------------------------------------------------------------------

@pytest.mark.parametrize("phone", ["+393331234567\n", "+393331234567\r\n", "+39333١٢٣٤٥٦٧", "+３９３３３１２３４５６７",
                                   "\n+393331234567", "+393331234567\x00"])
def test_sync_refuses_phones_with_a_trailing_newline_or_non_ascii_digits(api: httpx.Client, phone: str) -> None:
    before = contact_count(api)
    response = api.post("contacts/sync/", json={"phone": phone})
    assert response.status_code == 400, response.text
    assert list(response.json()) == ["phone"]
    assert contact_count(api) == before


@pytest.mark.parametrize("email", ["x@y.it\n", "x@y.it\r\n", "\nx@y.it"])
def test_sync_refuses_emails_with_a_trailing_newline_and_stores_nothing(api: httpx.Client, email: str) -> None:
    before = contact_count(api)
    response = api.post("contacts/sync/", json={"phone": "+393331234567", "email": email})
    assert response.status_code == 400, response.text
    assert list(response.json()) == ["email"]
    assert contact_count(api) == before
    assert api.get("contacts/", params={"phone": "+393331234567"}).json()["count"] == 0


@pytest.mark.parametrize("code", ["ABC\n", "ABC\r\n", "ORDER_ID\n", "\nABC"])
def test_custom_field_codes_with_a_trailing_newline_are_refused(api: httpx.Client, code: str) -> None:
    response = api.post("custom-fields/", json={"code": code, "label": "Brand new", "example": "x", "field_type": 1})
    assert response.status_code == 400, response.text
    assert list(response.json()) == ["code"]
    assert all(field["label"] != "Brand new" for field in api.get("custom-fields/").json()["results"])


@pytest.mark.parametrize("value", ["2024-01-01\n", "2024-01-01T10:00\n", "2024-01-01T10:00:00Z\n", " 2024-01-01",
                                   "2024-01-01 ", "٢٠٢٤-٠١-٠١", "2024-01-01T1٠:00"])
def test_campaign_date_filters_refuse_padding_and_non_ascii_digits(api: httpx.Client, value: str) -> None:
    response = api.get("campaigns/", params={"scheduled_datetime_gte": value})
    assert response.status_code == 400, response.text
    assert response.json() == {"scheduled_datetime_gte": ["Enter a valid date/time."]}


@pytest.mark.parametrize("value", ["2024-01-01", "2024-01-01T10:00", "2024-01-01T10:00:00Z", "2024-01-01 10:00:00",
                                   "2024-01-01T10:00:00.123456+01:00", "2024-01-01T10:00:00+0100",
                                   "2024-01-01T10:00:00z"])
def test_campaign_date_filters_still_take_iso_dates_and_timestamps(api: httpx.Client, value: str) -> None:
    assert api.get("campaigns/", params={"scheduled_datetime_gte": value}).status_code == 200


@pytest.mark.parametrize("value", ["1\n", " 1", "1 ", "١", "1_0", "1.0"])
def test_integer_filters_refuse_padding_and_non_ascii_digits(api: httpx.Client, value: str) -> None:
    response = api.get("contacts/", params={"tag": value})
    assert response.status_code == 400, response.text
    assert response.json() == {"tag": ["Enter a whole number."]}


def test_dated_custom_values_with_a_trailing_newline_get_no_value_datetime(api: httpx.Client) -> None:
    phone = api.get("contacts/1/").json()["phone"]
    updated = api.post("contacts/sync/", json={"phone": phone, "custom_fields": {"BIRTHDAY": "1991-07-14\n"}}).json()
    values = {v["visual_code"]: v for v in updated["contactfield_set"]}
    assert values["%%BIRTHDAY%%"]["value"] == "1991-07-14\n"
    assert values["%%BIRTHDAY%%"]["value_datetime"] is None


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+01:00"])
def test_datetime_custom_values_past_what_utc_can_hold_get_no_value_datetime(api: httpx.Client, value: str) -> None:
    phone = api.get("contacts/1/").json()["phone"]
    response = api.post("contacts/sync/", json={"phone": phone, "custom_fields": {"LAST_ORDER_AT": value}})
    assert response.status_code == 200, response.text
    values = {v["visual_code"]: v for v in response.json()["contactfield_set"]}
    assert (values["%%LAST_ORDER_AT%%"]["value"], values["%%LAST_ORDER_AT%%"]["value_datetime"]) == (value, None)
    assert api.get("contacts/1/").status_code == 200


def _regex_literals() -> list[tuple[str, int, str]]:
    """(file, line, pattern) for every string literal handed to an `re` function in the simulator."""
    found = []
    for path in sorted(SIMULATOR_SOURCE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.append((path.name, node.lineno, node.args[0].value))
    return found


def test_no_simulator_regex_relies_on_dollar_or_match() -> None:
    literals = _regex_literals()
    assert literals, "the scan found no regex at all; is SIMULATOR_SOURCE right?"
    assert [(f, n, p) for f, n, p in literals if "$" in p or "\\d" in p or "\\s" in p.replace("[^@\\s]", "")] == []
    calls = [(path.name, number) for path in sorted(SIMULATOR_SOURCE.glob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if re.search(r"(?<![\w.])(?:re|[A-Z_0-9]+)\.match\(", line)]
    assert calls == [], "use fullmatch: match() with `$` accepts a trailing newline"


# --- request bodies -------------------------------------------------------------------------------------

BODY_PATHS = ["contacts/sync/", "custom-fields/", "custom-fields/1/"]
CONTROL_PATHS = ["faults/", "rate-limits/", "clock/"]


def _send(api: httpx.Client, sim: SimulatorServer, where: str, content: bytes,
          headers: dict[str, str] | None = None) -> httpx.Response:
    if where in CONTROL_PATHS:
        return httpx.post(f"{sim.control_url}/{where}", content=content, timeout=10,
                          headers={**(headers or JSON), "X-Spoki-Api-Key": sim.api_key})
    method = "PATCH" if where == "custom-fields/1/" else "POST"
    return api.request(method, where, content=content, headers=headers or JSON)


@pytest.mark.parametrize("where", BODY_PATHS + CONTROL_PATHS)
@pytest.mark.parametrize("opener,closer", [(b"[", b"]"), (b'{"a":', b"}")])
def test_deeply_nested_bodies_are_a_parse_error_not_a_crash(
    api: httpx.Client, sim: SimulatorServer, where: str, opener: bytes, closer: bytes
) -> None:
    depth = 100_000
    assert_parse_error(_send(api, sim, where, opener * depth + b"1" + closer * depth))
    assert api.get("tags/").status_code == 200  # still serving


def _nest(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("depth", [50, 500, 900, 980, 1000, 2000])
@pytest.mark.parametrize("where,field", [
    ("contacts/sync/", "phone"), ("contacts/sync/", "email"), ("contacts/sync/", "custom_fields"),
    ("contacts/sync/", "unknown"), ("custom-fields/", "field_type"), ("custom-fields/", "label"),
    ("custom-fields/1/", "label"), ("faults/", "global"), ("faults/", "seed"), ("rate-limits/", "limits"),
    ("clock/", "advance"),
])
def test_nested_values_in_any_field_never_give_a_500(
    api: httpx.Client, sim: SimulatorServer, depth: int, where: str, field: str
) -> None:
    text = "[" * depth + '"x"' + "]" * depth
    body = {"phone": "+393331234567", "code": "NEW_CODE", "label": "Fresh", "example": "x", "field_type": 1}
    if where in CONTROL_PATHS:
        body = {}
    raw = json.dumps(body)[:-1] + (", " if body else "") + f'"{field}": {text}}}'
    response = _send(api, sim, where, raw.encode())
    assert response.status_code < 500, response.text
    if response.status_code == 400:
        assert isinstance(response.json(), dict)
    assert api.get("contacts/1/").status_code == 200


@pytest.mark.parametrize("where", BODY_PATHS + CONTROL_PATHS)
@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1.5e400"])
def test_non_finite_numbers_are_a_parse_error(api: httpx.Client, sim: SimulatorServer, where: str,
                                              literal: str) -> None:
    key = {"faults/": "seed", "rate-limits/": "window_seconds", "clock/": "advance"}.get(where, "field_type")
    response = _send(api, sim, where, f'{{"phone": "+393331234567", "{key}": {literal}}}'.encode())
    assert_parse_error(response)
    assert "Out of range float values are not JSON compliant" in response.json()["detail"]


@pytest.mark.parametrize("where", BODY_PATHS + CONTROL_PATHS)
def test_integers_past_the_digit_limit_are_a_parse_error(api: httpx.Client, sim: SimulatorServer,
                                                         where: str) -> None:
    assert_parse_error(_send(api, sim, where, f'{{"field_type": {HUGE}, "advance": 1}}'.encode()))


@pytest.mark.parametrize("where,body", [
    ("clock/", {"advance": int(BIG)}),
    ("clock/", {"offset": int(BIG)}),
    ("clock/", {"advance": 1e300}),
    ("clock/", {"offset": -1e300}),
    ("clock/", {"advance": 400 * 365 * 86400 * 100}),  # 40,000 years on: past datetime's year 9999
    ("rate-limits/", {"window_seconds": int(BIG)}),
    ("faults/", {"global": {"latency": int(BIG)}}),
    ("faults/", {"global": {"latency_jitter": int(BIG)}}),
    ("faults/", {"global": {"error_rate": int(BIG)}}),
])
def test_numbers_no_float_or_clock_can_hold_are_400(api: httpx.Client, sim: SimulatorServer, where: str,
                                                    body: dict[str, Any]) -> None:
    response = _send(api, sim, where, json.dumps(body).encode())
    assert response.status_code == 400, response.text
    assert list(response.json()) == ["detail"]
    assert api.post("contacts/sync/", json={"phone": "+393331234567"}).status_code == 200  # clock still usable
    assert sim.state.limiter.config.window_seconds == 60.0
    assert not sim.state.faults.active


def test_moving_the_clock_within_range_still_works(sim: SimulatorServer) -> None:
    headers = {"X-Spoki-Api-Key": sim.api_key}
    answer = httpx.post(f"{sim.control_url}/clock/", json={"offset": 86400 * 365 * 10}, headers=headers)
    assert answer.status_code == 200, answer.text
    assert int(answer.json()["now"][:4]) >= 2030


@pytest.mark.parametrize("content", [
    b'{"phone": "+393331234567", "first_name": "\xff"}',  # not UTF-8 at all
    '{"phone": "+393331234567", "first_name": "è"}'.encode("latin-1"),
    b'{"phone": "+393331234567", "first_name": "\xed\xa0\x80"}',  # an encoded surrogate (CESU-8)
    '{"phone": "+393331234567", "first_name": "x"}'.encode("utf-16"),  # UTF-16 without a charset saying so
    '{"phone": "+393331234567", "first_name": "x"}'.encode("utf-32"),
    b'{"phone": "+393331234567", "first_name": "\\ud800"}',  # a lone surrogate as a JSON escape
    b'{"phone": "+393331234567", "first_name": "\\udc00x"}',
    b'{"phone": "+393331234567", "\\ud800": "x"}',  # in a key
    b'{"phone": "+393331234567", "custom_fields": {"CITY": ["\\ud83d"]}}',
])
def test_bodies_that_are_not_utf8_text_are_a_parse_error(api: httpx.Client, content: bytes) -> None:
    before = contact_count(api)
    assert_parse_error(post_raw(api, "contacts/sync/", content))
    assert contact_count(api) == before
    assert api.get("contacts/", params={"phone": "+393331234567"}).status_code == 200


def test_paired_surrogate_escapes_and_non_ascii_text_are_fine(api: httpx.Client) -> None:
    response = post_raw(api, "contacts/sync/", b'{"phone": "+393331234567", "first_name": "\\ud83d\\ude00 \xc3\xa8"}')
    assert response.status_code == 200, response.text
    assert response.json()["first_name"] == "\U0001f600 è"


def test_a_declared_charset_is_honoured(api: httpx.Client) -> None:
    content = '{"phone": "+393331234567", "first_name": "è"}'.encode("latin-1")
    response = post_raw(api, "contacts/sync/", content, {"Content-Type": "application/json; charset=ISO-8859-1"})
    assert response.status_code == 200, response.text
    assert response.json()["first_name"] == "è"
    unknown = post_raw(api, "contacts/sync/", content, {"Content-Type": "application/json; charset=klingon"})
    assert_parse_error(unknown)


def test_a_lone_surrogate_sent_before_the_fix_cannot_poison_later_reads(api: httpx.Client) -> None:
    post_raw(api, "contacts/sync/", b'{"phone": "+393331234567", "first_name": "\\ud800"}')
    assert api.get("contacts/").status_code == 200
    assert api.get("contacts/", params={"phone": "+393331234567"}).status_code == 200


# --- ids and numbers in paths and queries ---------------------------------------------------------------

@pytest.mark.parametrize("method,path", [
    ("GET", f"tags/{HUGE}/"), ("GET", f"templates/{HUGE}/"), ("GET", f"automations/{HUGE}/"),
    ("GET", f"accounts/{HUGE}/"), ("GET", f"accounts/{HUGE}/current_report/"), ("GET", f"contacts/{HUGE}/"),
    ("DELETE", f"contacts/{HUGE}/"), ("GET", f"custom-fields/{HUGE}/"), ("PATCH", f"custom-fields/{HUGE}/"),
    ("GET", f"tags/{BIG}/"), ("DELETE", f"contacts/{BIG}/"), ("GET", "tags/0/"),
])
def test_huge_ids_in_paths_are_404(api: httpx.Client, method: str, path: str) -> None:
    response = api.request(method, path, json={} if method == "PATCH" else None)
    assert response.status_code == 404, response.text[:200]
    assert response.json() == {"detail": "Not found."}


def test_huge_ids_still_need_the_key(anon: httpx.Client) -> None:
    assert anon.get(f"tags/{HUGE}/").status_code == 401


def test_huge_ids_with_faults_on_do_not_break_the_fault_layer(api: httpx.Client, sim: SimulatorServer) -> None:
    sim.set_faults({"endpoints": {"tags-detail": {"error_rate": 1.0, "error_statuses": [503]}}})
    assert api.get(f"tags/{HUGE}/").status_code == 503
    assert api.get("tags/").status_code == 200


@pytest.mark.parametrize("path,params,status", [
    ("contacts/", {"tag": HUGE}, 400),
    ("contacts/", {"tag": BIG}, 200),
    ("contacts/", {"page": HUGE}, 404),
    ("contacts/", {"page": BIG}, 404),
    ("contacts/", {"page": "-" + HUGE}, 404),
    ("contacts/", {"page_size": HUGE}, 200),
    ("contacts/", {"page_size": BIG}, 200),
    ("tickets/", {"per_page": HUGE}, 200),
    ("tickets/", {"per_page": BIG}, 200),
    ("contacts/", {"search": "\x00%ff"}, 200),
    ("campaigns/", {"scheduled_datetime_gte": HUGE}, 400),
    ("campaigns/", {"scheduled_datetime_gte": "9999-12-31T23:59:59-23:59"}, 400),  # year 10000 in UTC
    ("campaigns/", {"scheduled_datetime_lte": "0001-01-01T00:00:00+23:59"}, 400),  # year 0 in UTC
    ("campaigns/", {"scheduled_datetime_lte": "9999-12-31T23:59:59Z"}, 200),
])
def test_huge_or_odd_numbers_in_queries_are_4xx_not_500(api: httpx.Client, path: str, params: dict[str, str],
                                                        status: int) -> None:
    response = api.get(path, params=params)
    assert response.status_code == status, response.text[:200]


def test_undecodable_query_strings_are_not_a_500(api: httpx.Client) -> None:
    for query in ("phone=%ff", "tag=%ff", "search=%ed%a0%80", "page=%00", "scheduled_datetime_gte=%ff"):
        path = ("campaigns/?" if query.startswith("scheduled") else "contacts/?") + query
        response = api.get(path)
        assert response.status_code in (200, 400, 404), (query, response.text[:200])
