"""Response rules through `httpx.MockTransport`: success statuses, pagination, record filters,
select, empty bodies, leniency and strict mode, bodies that are not what they should be, the size
cap and redirects.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spoki_actions import Client, ErrorKind, InvalidResponseError, run_action

from .rt_support import BASE, FakeApi

AGENCY_PAGES = [
    {"count": 5, "next": f"{BASE}/agencies/?page=2", "previous": None, "results": [{"id": 1, "account": 11},
                                                                                  {"id": 2, "account": 12}]},
    {"count": 5, "next": f"{BASE}/agencies/?page=3", "previous": f"{BASE}/agencies/",
     "results": [{"id": 3, "account": 13}, {"id": 4, "account": 14}]},
    {"count": 5, "next": None, "previous": f"{BASE}/agencies/?page=2", "results": [{"id": 5, "account": 15}]},
]
FIELDS = [
    {"id": 1, "code": "LOYALTY_TIER", "label": "Loyalty tier", "example": "Gold", "field_type": 1},
    {"id": 2, "code": "BIRTHDAY", "label": "Birthday", "example": None, "field_type": 2},
    {"id": 3, "code": "TIER_SINCE", "label": "Member since", "example": "2020-01-01", "field_type": 2},
]


def pages(api: FakeApi, path: str, bodies: list[object]) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        return httpx.Response(200, json=bodies[page - 1])
    api.on("GET", path, answer)


def test_success_status_per_spec(api: FakeApi, client: Client) -> None:
    api.json("POST", "custom-fields/", FIELDS[0], status=201)
    outcome = client.execute("SPOKI_CREATE_CUSTOM_FIELD",
                             {"code": "LOYALTY_TIER", "label": "Loyalty tier", "example": "Gold", "field_type": 1})
    assert outcome.successful and outcome.status == 201 and outcome.data == FIELDS[0]
    api.json("GET", "tags/7/", {"id": 7}, status=201)  # a GET answers 200 only
    outcome = client.execute("SPOKI_RETRIEVE_TAG", {"id": 7})
    assert not outcome.successful and outcome.kind is ErrorKind.API_ERROR and outcome.status == 201


def test_pages_are_followed_into_one_array(api: FakeApi, client: Client) -> None:
    pages(api, "agencies/", AGENCY_PAGES)
    outcome = client.execute("SPOKI_LIST_AGENCIES")
    assert outcome.envelope == {"data": [{"id": i, "account": 10 + i} for i in range(1, 6)], "error": None,
                                "successful": True}
    assert outcome.attempts == 1 and outcome.requests == 3  # three requests, none needed a second try
    assert [str(r.url) for r in api.requests] == [f"{BASE}/agencies/", f"{BASE}/agencies/?page=2",
                                                  f"{BASE}/agencies/?page=3"]


def test_relative_and_http_next_links_on_the_same_host(api: FakeApi, client: Client, canary: str) -> None:
    first = {**AGENCY_PAGES[0], "next": "/api/1/agencies/?page=2"}
    second = {**AGENCY_PAGES[1], "next": "http://api.spoki.com/api/1/agencies/?page=3"}  # a proxy forgot https
    pages(api, "agencies/", [first, second, AGENCY_PAGES[2]])
    assert len(client.run("SPOKI_LIST_AGENCIES")["data"]) == 5
    assert str(api.last.url).startswith("https://api.spoki.com/")  # upgraded, the key never travels in clear
    assert all(r.headers["x-spoki-api-key"] == canary for r in api.requests)


@pytest.mark.parametrize("link", ["https://evil.example/api/1/agencies/?page=2",
                                  "https://api.spoki.com.evil.example/api/1/agencies/?page=2",
                                  "https://api.spoki.com:8443/api/1/agencies/?page=2",
                                  "https://api.spoki.com/other/agencies/?page=2",
                                  "//evil.example/agencies/"])
def test_next_links_off_the_api_are_refused(api: FakeApi, client: Client, link: str) -> None:
    seen: list[httpx.Request] = []
    pages(api, "agencies/", [{**AGENCY_PAGES[0], "next": link}])
    transport_calls = api.requests
    outcome = client.execute("SPOKI_LIST_AGENCIES")
    seen.extend(transport_calls)
    assert outcome.kind is ErrorKind.INVALID_RESPONSE and outcome.data == []
    assert "refused to follow the next-page link to 'https://" in (outcome.error or "")
    assert "the API key is sent only to 'https://api.spoki.com:443'" in (outcome.error or "")
    assert len(seen) == 1  # nothing was sent to the other host, key or not


def test_page_limit_stops_rather_than_return_a_partial_list(api: FakeApi, client: Client) -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        return httpx.Response(200, json={"count": 10**6, "next": f"{BASE}/custom-fields/?page={page + 1}",
                                         "results": FIELDS})
    api.on("GET", "custom-fields/", endless)
    outcome = client.execute("SPOKI_SPOKI_LIST_CUSTOM_FIELDS")
    assert outcome.kind is ErrorKind.INVALID_RESPONSE
    assert outcome.error == ("SPOKI_SPOKI_LIST_CUSTOM_FIELDS: more than 100 pages; stopped rather than return a "
                             "partial list")  # and no "after 100 attempts": pages are not attempts
    assert outcome.attempts == 1 and outcome.requests == 100


@pytest.mark.parametrize("second_next, repeated", [
    (f"{BASE}/agencies/?page=2", "agencies/?page=2"),  # a page that points at itself
    ("/api/1/agencies/", "agencies/"),  # back to the first page
])
def test_a_page_loop_stops_at_once(api: FakeApi, client: Client, second_next: str, repeated: str) -> None:
    pages(api, "agencies/", [AGENCY_PAGES[0], {**AGENCY_PAGES[1], "next": second_next}])
    outcome = client.execute("SPOKI_LIST_AGENCIES")
    assert outcome.kind is ErrorKind.INVALID_RESPONSE and outcome.data == []
    assert outcome.error == ("HTTP 200 from GET agencies/, but the body is not what it should be: the API "
                             f"returned the same next page twice: {repeated} (a page loop; stopped)")
    assert outcome.requests == 2 and outcome.attempts == 1 and len(api.requests) == 2


def test_record_filters_contains_case_insensitively(api: FakeApi, client: Client) -> None:
    api.json("GET", "custom-fields/", {"count": 3, "next": None, "results": FIELDS})
    data = client.run("SPOKI_SPOKI_LIST_CUSTOM_FIELDS", {"code": "tier"})["data"]
    assert data == {"custom_fields": [
        {"code": "LOYALTY_TIER", "label": "Loyalty tier", "example": "Gold", "field_type": 1},
        {"code": "TIER_SINCE", "label": "Member since", "example": "2020-01-01", "field_type": 2}]}
    both = client.run("SPOKI_SPOKI_LIST_CUSTOM_FIELDS", {"code": "tier", "label": "LOYAL"})["data"]
    assert [f["code"] for f in both["custom_fields"]] == ["LOYALTY_TIER"]
    everything = client.run("SPOKI_SPOKI_LIST_CUSTOM_FIELDS")["data"]
    assert [f["code"] for f in everything["custom_fields"]] == ["LOYALTY_TIER", "BIRTHDAY", "TIER_SINCE"]
    assert "id" not in everything["custom_fields"][0]  # select reshaped the records


def test_filters_apply_across_pages(api: FakeApi, client: Client) -> None:
    pages(api, "custom-fields/", [{"count": 3, "next": f"{BASE}/custom-fields/?page=2", "results": FIELDS[:2]},
                                  {"count": 3, "next": None, "results": FIELDS[2:]}])
    data = client.run("SPOKI_SPOKI_LIST_CUSTOM_FIELDS", {"label": "since"})["data"]
    assert data == {"custom_fields": [{"code": "TIER_SINCE", "label": "Member since", "example": "2020-01-01",
                                       "field_type": 2}]}


def test_204_gives_empty_data(api: FakeApi, client: Client) -> None:
    api.on("DELETE", "contacts/5/", httpx.Response(204))
    assert client.run("SPOKI_DELETE_CONTACT", {"id": 5}) == {"data": {}, "error": None, "successful": True}
    api.on("GET", "agencies/", httpx.Response(200, content=b"  "))
    assert client.run("SPOKI_LIST_AGENCIES") == {"data": [], "error": None, "successful": True}


def test_lenient_by_default_unknown_fields_and_enum_values_kept(api: FakeApi, client: Client) -> None:
    field = {**FIELDS[0], "field_type": 9, "brand_new": {"x": 1}}
    api.json("GET", "custom-fields/1/", field)
    assert client.run("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1})["data"] == field


def test_strict_mode_validates_data_against_the_output_schema(api: FakeApi, make_client: Callable[..., Client]
                                                              ) -> None:
    api.json("GET", "custom-fields/1/", {**FIELDS[0], "field_type": 9, "label": None})
    lenient = make_client()
    assert lenient.run("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1})["successful"]
    outcome = lenient.execute("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1}, strict=True)
    assert outcome.kind is ErrorKind.INVALID_RESPONSE and outcome.status == 200 and outcome.data == {}
    assert outcome.error == ("strict mode: the data of SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD does not match its output "
                             "schema: data.field_type: 9 is not one of [1, 2, 3]; data.label: None is not of type "
                             "'string'")
    strict = make_client(strict=True)
    assert not strict.run("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1})["successful"]
    assert strict.run("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1}, strict=False)["successful"]
    api.json("GET", "custom-fields/1/", FIELDS[0])
    assert strict.run("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", {"custom_field_id": 1})["successful"]


def test_strict_mode_checks_formats_including_e164(api: FakeApi, make_client: Callable[..., Client]) -> None:
    summary = {"id": 1, "phone": "393331234567", "first_name": "M", "last_name": "R", "language": "it",
               "has_invalid_phone": False, "chat_link": "https://app.spoki.it/chat/1/", "email": None}
    api.json("POST", "contacts/sync/", summary)
    outcome = make_client(strict=True).execute("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234567"})
    assert outcome.kind is ErrorKind.INVALID_RESPONSE
    assert "data.phone: '393331234567' is not a 'e164'" in (outcome.error or "")


@pytest.mark.parametrize("answer, why", [
    (httpx.Response(200, content=b"<html>maintenance</html>", headers={"content-type": "text/html"}),
     "it is not JSON (text/html, 24 bytes)"),
    (httpx.Response(200, content=b'{"id": 1', headers={"content-type": "application/json"}),
     "it is not JSON (application/json, 8 bytes)"),
    (httpx.Response(200, json=[1, 2]), "expected a JSON object, got an array"),
    (httpx.Response(200, json="ok"), "expected a JSON object, got a string"),
    (httpx.Response(200, content=b"\xff\xfe", headers={"content-type": "application/json"}),
     "it is not JSON (application/json, 2 bytes)"),
])
def test_a_body_that_is_not_what_it_should_be(api: FakeApi, client: Client, answer: httpx.Response,
                                              why: str) -> None:
    api.on("GET", "contacts/1/", answer)
    outcome = client.execute("SPOKI_RETRIEVE_CONTACT", {"contact_id": 1})
    assert outcome.envelope == {"data": {}, "successful": False,
                                "error": f"HTTP 200 from GET contacts/1/, but the body is not what it should be: {why}"}
    assert outcome.kind is ErrorKind.INVALID_RESPONSE and outcome.status == 200 and not outcome.retryable
    with pytest.raises(InvalidResponseError):
        client.call("SPOKI_RETRIEVE_CONTACT", {"contact_id": 1})


@pytest.mark.parametrize("page, why", [
    ("a page", "expected a page object, got a string"),  # a bare array is the whole list here (issue 8)
    ({"results": {"id": 1}, "next": None}, "expected the page's records to be an array, got an object"),
    ({"results": [], "next": 5}, "expected the next page link to be a URL string or null, got a number"),
])
def test_a_page_that_is_not_a_page(api: FakeApi, client: Client, page: object, why: str) -> None:
    api.json("GET", "agencies/", page)
    assert client.run("SPOKI_LIST_AGENCIES")["error"] == (
        f"HTTP 200 from GET agencies/, but the body is not what it should be: {why}")


def test_bodies_above_the_size_cap_are_refused(api: FakeApi, make_client: Callable[..., Client]) -> None:
    client = make_client(max_response_bytes=1000)
    api.json("GET", "contacts/1/", {"id": 1, "note": "x" * 2000})
    outcome = client.execute("SPOKI_RETRIEVE_CONTACT", {"contact_id": 1})
    assert outcome.kind is ErrorKind.INVALID_RESPONSE and outcome.status == 200
    assert "above the 1000-byte limit (max_response_bytes)" in (outcome.error or "")

    def streamed(request: httpx.Request) -> httpx.Response:  # no Content-Length: counted while reading
        return httpx.Response(200, stream=httpx.ByteStream(json.dumps({"note": "y" * 5000}).encode()),
                              headers={"content-type": "application/json"})
    api.on("GET", "contacts/2/", streamed)
    outcome = client.execute("SPOKI_RETRIEVE_CONTACT", {"contact_id": 2})
    assert outcome.kind is ErrorKind.INVALID_RESPONSE
    assert "above the 1000-byte limit" in (outcome.error or "")


def test_same_host_redirects_are_followed(api: FakeApi, client: Client, canary: str) -> None:
    api.on("GET", "contacts/1/", httpx.Response(301, headers={"location": "/api/1/contacts/1/v2/"}))
    api.json("GET", "contacts/1/v2/", {"id": 1})
    assert client.run("SPOKI_RETRIEVE_CONTACT", {"contact_id": 1})["data"] == {"id": 1}
    assert api.last.headers["x-spoki-api-key"] == canary
    api.on("POST", "contacts/sync/", httpx.Response(308, headers={"location": f"{BASE}/contacts/sync2/"}))
    api.json("POST", "contacts/sync2/", {"id": 2})
    assert client.run("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234567"})["data"] == {"id": 2}
    assert json.loads(api.last.content) == {"phone": "+393331234567"}


def test_redirects_to_another_host_are_not_followed(api: FakeApi, client: Client) -> None:
    api.on("GET", "contacts/1/", httpx.Response(302, headers={"location": "https://evil.example/steal"}))
    outcome = client.execute("SPOKI_RETRIEVE_CONTACT", {"contact_id": 1})
    assert outcome.kind is ErrorKind.API_ERROR and outcome.status == 302
    assert outcome.error == ("HTTP 302 Found from GET contacts/1/: redirect to 'https://evil.example:443' not "
                             "followed (the API key is sent only to 'https://api.spoki.com:443'); check the base URL")
    assert len(api.requests) == 1


def test_a_refused_redirect_names_the_origin_not_only_the_host(api: FakeApi, client: Client) -> None:
    api.on("GET", "contacts/1/", httpx.Response(302, headers={"location": "https://api.spoki.com:8443/api/1/x/"}))
    assert client.run("SPOKI_RETRIEVE_CONTACT", {"contact_id": 1})["error"] == (
        "HTTP 302 Found from GET contacts/1/: redirect to 'https://api.spoki.com:8443' not followed (the API key is "
        "sent only to 'https://api.spoki.com:443'); check the base URL")
    api.on("GET", "contacts/2/", httpx.Response(302, headers={"location": "/elsewhere/"}))
    assert "redirect to 'https://api.spoki.com:443/elsewhere/' not followed" in client.run(
        "SPOKI_RETRIEVE_CONTACT", {"contact_id": 2})["error"]


def test_a_post_redirected_with_302_is_not_turned_into_a_get(api: FakeApi, client: Client) -> None:
    api.on("POST", "contacts/sync/", httpx.Response(302, headers={"location": f"{BASE}/contacts/sync2/"}))
    outcome = client.execute("SPOKI_CREATE_OR_UPDATE_CONTACT", {"phone": "+393331234567"})
    assert outcome.kind is ErrorKind.API_ERROR and len(api.requests) == 1


def test_redirect_loops_stop(api: FakeApi, client: Client) -> None:
    api.on("GET", "contacts/1/", httpx.Response(307, headers={"location": f"{BASE}/contacts/1/"}))
    outcome = client.execute("SPOKI_RETRIEVE_CONTACT", {"contact_id": 1})
    assert "more than 5 redirects" in (outcome.error or "") and len(api.requests) == 6


# --- bodies run_action must survive: deep nesting, numbers JSON cannot hold ---------------------

DEEP = b'{"a":' * 5000 + b"1" + b"}" * 5000


@pytest.mark.parametrize("body, why", [
    (DEEP, "it nests too deeply to read"),
    (b'{"id": NaN}', "it holds NaN, which is not a JSON number"),
    (b'{"id": Infinity}', "it holds Infinity, which is not a JSON number"),
    (b'{"id": -Infinity}', "it holds -Infinity, which is not a JSON number"),
    (b'{"id": 1e999}', "it holds the number 1e999, too large for a finite number"),
    (b'{"id": -1.5e400}', "it holds the number -1.5e400, too large for a finite number"),
    (b'{"id": ' + b"9" * 5000 + b"}", "it is not JSON (application/json, 5008 bytes)"),  # past int digit limits
])
def test_bodies_that_would_break_the_reader_are_invalid_responses(api: FakeApi, client: Client, body: bytes,
                                                                  why: str) -> None:
    api.on("GET", "contacts/1/", httpx.Response(200, content=body, headers={"content-type": "application/json"}))
    envelope = run_action("SPOKI_RETRIEVE_CONTACT", {"contact_id": 1}, client=client)
    assert envelope == {"data": {}, "successful": False,
                        "error": f"HTTP 200 from GET contacts/1/, but the body is not what it should be: {why}"}
    assert client.execute("SPOKI_RETRIEVE_CONTACT", {"contact_id": 1}).kind is ErrorKind.INVALID_RESPONSE


def test_finite_numbers_still_read(api: FakeApi, client: Client) -> None:
    api.on("GET", "contacts/1/", httpx.Response(200, content=b'{"id": 1, "x": 1.5e300, "y": -0.0, "z": 1e-400}'))
    data = client.run("SPOKI_RETRIEVE_CONTACT", {"contact_id": 1})["data"]
    assert data == {"id": 1, "x": 1.5e300, "y": -0.0, "z": 0.0}
    json.dumps(data, allow_nan=False)  # always valid JSON


def test_deep_error_bodies_do_not_break_the_error_message(api: FakeApi, make_client: Callable[..., Client]) -> None:
    api.on("GET", "contacts/1/", httpx.Response(500, content=DEEP, headers={"content-type": "application/json"}))
    outcome = make_client(max_retries=0).execute("SPOKI_RETRIEVE_CONTACT", {"contact_id": 1})
    assert outcome.kind is ErrorKind.UPSTREAM and (outcome.error or "").startswith(
        'HTTP 500 Internal Server Error from GET contacts/1/: {"a":{"a":')


def test_a_body_just_readable_but_too_deep_to_cache_or_check(api: FakeApi, client: Client) -> None:
    # deep enough that copying it into the cache, or checking it in strict mode, passes the recursion limit
    body = b'{"id": 1, "total": ' + b'{"a":' * 700 + b"1" + b"}" * 700 + b"}"
    api.on("GET", "accounts/1/current_report/", httpx.Response(200, content=body))
    outcome = client.execute("SPOKI_GET_ACCOUNT_CURRENT_REPORT", {"account_id": 1})  # a cached action
    assert outcome.kind is ErrorKind.INVALID_RESPONSE
    assert outcome.error == ("HTTP 200 from GET accounts/1/current_report/, but the body is not what it should be: "
                             "it nests too deeply to process")


def test_a_body_that_breaks_select_is_an_invalid_response(api: FakeApi, client: Client,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    reader = client._ctx.registry.require("SPOKI_SPOKI_LIST_CUSTOM_FIELDS").reader

    def broken(data: object) -> object:
        raise TypeError("unorderable records")
    monkeypatch.setattr(reader, "select", broken)
    api.json("GET", "custom-fields/", {"count": 1, "next": None, "results": FIELDS})
    envelope = run_action("SPOKI_SPOKI_LIST_CUSTOM_FIELDS", client=client)
    assert envelope == {"data": {}, "successful": False, "error": (
        "HTTP 200 from GET custom-fields/, but the body is not what it should be: it could not be processed "
        "(TypeError: unorderable records)")}


# --- parse_body runs the decoder's scanner itself: the same answers as JSONDecoder.decode ------------

def decoded_as_json_does(body: bytes) -> tuple[str, object]:
    """What parse_body gave before it called the scanner directly: `JSONDecoder.decode` of the text."""
    from spoki_actions._response import _DECODER, EMPTY, BodyError

    if not body or body.isspace():
        return "ok", EMPTY
    try:
        return "ok", _DECODER.decode(body.decode(json.detect_encoding(body), "surrogatepass"))
    except BodyError as exc:
        return "refused", exc.why
    except RecursionError:
        return "refused", "it nests too deeply to read"
    except ValueError:
        return "refused", None


JSONISH = st.lists(st.sampled_from([" ", "\t", "\n", "\r", "\x0b", "{", "}", "[", "]", '"', ":", ",", "1", "0", ".",
                                    "e", "-", "true", "null", "NaN", "Infinity", "1e999", "a", "\\", "\ufeff"]),
                   max_size=14).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=JSONISH, encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
def test_parse_body_decodes_as_the_json_decoder_does(text: str, encoding: str) -> None:
    from spoki_actions._response import BodyError, parse_body

    body = text.encode(encoding, "surrogatepass")
    try:
        got: tuple[str, object] = ("ok", parse_body(body))
    except BodyError as exc:
        got = ("refused", exc.why)
    assert got == decoded_as_json_does(body)
