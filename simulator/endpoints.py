"""Endpoint handlers: the behaviour of each raw Spoki API route behind the 22 actions.

Stage: request handling, after authentication and throttling (see `app.guard`). Input: the Starlette
request and the `SimulatorState`. Output: a JSON response in the API's shape (a bare resource, a DRF
page, 201 on create, 204 on delete) or an `APIError` with DRF-style field errors. Filtering runs on
internal documents; only the requested page is rendered.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import jsontext
from . import resources as render
from .errors import detail, field_errors, not_found
from .filters import Errors, Query, normalise_status, search_matches, search_terms
from .pagination import paginate
from .seed import WEBHOOK_PLATFORMS, Document
from .state import SimulatorState
from .timestamps import day, iso, iso_dt, parse_datetime

Handler = Callable[[Request, SimulatorState], Any]

# Used with fullmatch only: `$` also matches before a final newline, and `\d` takes any script's digits.
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
CODE = re.compile(r"_*[A-Z][A-Z0-9_]*")  # as specs/ and real accounts (`_TARGA_`): underscores anywhere
RESERVED_CODES = ("FIRST_NAME", "LAST_NAME", "EMAIL", "PHONE", "ACCOUNT_NAME", "LANGUAGE")
FIELD_TYPES = (1, 2, 3)
TICKET_SORT_FIELDS = ("id", "title", "status", "priority", "reference", "description", "created_datetime",
                      "updated_datetime", "closed_datetime")

REQUIRED = "This field is required."
NOT_STRING = "Not a valid string."
BLANK = "This field may not be blank."
NULL = "This field may not be null."


# --- helpers ---------------------------------------------------------------------------------------------

def _page(request: Request, state: SimulatorState, docs: Sequence[Document],
          render_one: Callable[[Document], Document], size_params: Sequence[str] = ("page_size",)) -> JSONResponse:
    items, links = paginate(request, docs, default_size=state.config.page_size,
                            max_size=state.config.max_page_size, size_params=size_params)
    return JSONResponse({**links, "results": [render_one(doc) for doc in items]})


def _check(query: Query) -> None:
    if query.errors:
        raise field_errors(query.errors)


def _get(state: SimulatorState, kind: str, request: Request) -> Document:
    doc = state.store.get(kind, request.path_params["id"])
    if doc is None:
        raise not_found()
    return doc


async def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, with DRF's parse and media-type errors."""
    raw = await request.body()
    if not raw.strip():
        return {}
    media_type, *params = request.headers.get("content-type", "").split(";")
    content_type = media_type.strip().lower()
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise detail(415, f'Unsupported media type "{content_type}" in request.')
    charset = next((value for name, _, value in (p.partition("=") for p in params)
                    if name.strip().lower() == "charset"), None)
    try:
        body = jsontext.loads(jsontext.decode(raw, charset))
    except ValueError as exc:
        raise detail(400, f"JSON parse error - {exc}") from None
    if not isinstance(body, dict):
        kind = type(body).__name__
        raise field_errors({"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]})
    return body


def _shown(value: object) -> str:
    """`str(value)` for a message; a value nested as deep as the parser allows may be too deep to print."""
    try:
        return str(value)
    except RecursionError:
        return f"<deeply nested {type(value).__name__}>"


def _lists_by_id(state: SimulatorState) -> dict[int, Document]:
    return {doc["id"]: render.contact_list(state.store, doc) for doc in state.store.all("contact_lists")}


# --- accounts, agencies, partners --------------------------------------------------------------------------

async def retrieve_account(request: Request, state: SimulatorState) -> Response:
    return JSONResponse(render.account(_get(state, "accounts", request)))


async def account_report(request: Request, state: SimulatorState) -> Response:
    account = _get(state, "accounts", request)
    now = state.now()
    cached = state.report_cache.get(account["id"])
    if cached is None or now - cached[0] >= state.config.report_cache_seconds:
        report = render.account_report(state.store, account, day(now)[:8] + "01")
        cached = (now, report)
        state.report_cache[account["id"]] = cached
    return JSONResponse(cached[1])


async def list_agencies(request: Request, state: SimulatorState) -> Response:
    if state.bare_lists:
        return JSONResponse([render.agency(doc) for doc in state.store.all("agencies")])
    return _page(request, state, state.store.all("agencies"), render.agency)


async def list_partners(request: Request, state: SimulatorState) -> Response:
    return _page(request, state, state.store.all("partners"), render.partner)


# --- tags, templates, automations, campaigns -------------------------------------------------------------

async def list_tags(request: Request, state: SimulatorState) -> Response:
    return _page(request, state, state.store.all("tags"), render.tag)


async def retrieve_tag(request: Request, state: SimulatorState) -> Response:
    return JSONResponse(render.tag(_get(state, "tags", request)))


def _template_text(doc: Document) -> list[object]:
    values: list[object] = [doc["id"], doc["name"]]
    for loc in doc["localizations"]:
        for part in (loc["body"], loc["header"], loc["footer"]):
            if part is not None:
                values.append(part["text"])
    return values


async def list_templates(request: Request, state: SimulatorState) -> Response:
    terms = search_terms(request.query_params.get("search"))
    docs = [doc for doc in state.store.all("templates") if search_matches(terms, _template_text(doc))]
    return _page(request, state, docs, lambda doc: render.template(doc, detail=False))


async def retrieve_template(request: Request, state: SimulatorState) -> Response:
    return JSONResponse(render.template(_get(state, "templates", request), detail=True))


async def list_automations(request: Request, state: SimulatorState) -> Response:
    query = Query(request.query_params)
    is_active = query.boolean("is_active")
    platform = query.choice("webhook_platform", WEBHOOK_PLATFORMS)
    _check(query)
    terms = search_terms(query.text("search"))
    docs = []
    for doc in state.store.all("automations"):
        if is_active is not None and doc["is_active"] != is_active:
            continue
        if platform is not None and not any(hook["platform"] == platform for hook in doc["webhooks"]):
            continue
        if terms and not search_matches(terms, [doc["name"], *(hook["link"] for hook in doc["webhooks"])]):
            continue
        docs.append(doc)
    return _page(request, state, docs, render.automation)


async def retrieve_automation(request: Request, state: SimulatorState) -> Response:
    return JSONResponse(render.automation(_get(state, "automations", request)))


async def list_campaigns(request: Request, state: SimulatorState) -> Response:
    query = Query(request.query_params)
    gte = query.moment("scheduled_datetime_gte")
    lte = query.moment("scheduled_datetime_lte")
    _check(query)
    docs = []
    for doc in state.store.all("campaigns"):
        scheduled: datetime = parse_datetime(doc["scheduled_datetime"])
        if (gte is None or scheduled >= gte) and (lte is None or scheduled <= lte):
            docs.append(doc)
    lists = _lists_by_id(state)
    return _page(request, state, docs, lambda doc: render.campaign(state.store, doc, lists))


# --- contacts -------------------------------------------------------------------------------------------

async def list_contacts(request: Request, state: SimulatorState) -> Response:
    query = Query(request.query_params)
    tag = query.integer("tag")
    is_blocked = query.boolean("is_blocked")
    _check(query)
    exact = {name: query.text(name) for name in ("email", "phone", "language", "first_name", "last_name")}
    terms = search_terms(query.text("search"))
    docs = []
    for doc in state.store.all("contacts"):
        if tag is not None and tag not in doc["tag_ids"]:
            continue
        if is_blocked is not None and doc["is_blocked"] != is_blocked:
            continue
        if any(value is not None and value != "" and doc[name] != value for name, value in exact.items()):
            continue
        if terms and not search_matches(terms, [doc["phone"], doc["email"], doc["first_name"], doc["last_name"],
                                                doc["language"], doc["notes"]]):
            continue
        docs.append(doc)
    lists = _lists_by_id(state)
    return _page(request, state, docs, lambda doc: render.contact(state.store, doc, lists))


async def retrieve_contact(request: Request, state: SimulatorState) -> Response:
    return JSONResponse(render.contact(state.store, _get(state, "contacts", request)))


async def delete_contact(request: Request, state: SimulatorState) -> Response:
    doc = _get(state, "contacts", request)
    state.store.delete("contacts", doc["id"])
    for ticket in state.store.all("tickets"):  # tickets belong to their contact (cascade)
        if ticket["contact_id"] == doc["id"]:
            state.store.delete("tickets", ticket["id"])
    for campaign in state.store.all("campaigns"):
        if doc["id"] in campaign["other_contacts"]:
            changed = copy.deepcopy(campaign)
            changed["other_contacts"].remove(doc["id"])
            state.store.put("campaigns", changed)
    return Response(status_code=204)


def _optional_string(body: dict[str, Any], name: str, errors: Errors) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        errors[name] = [NOT_STRING]
        return None
    return value


async def sync_contact(request: Request, state: SimulatorState) -> Response:
    body = await json_object(request)
    errors: Errors = {}
    phone = body.get("phone")
    if phone is None:
        errors["phone"] = [REQUIRED if "phone" not in body else NULL]
    elif not isinstance(phone, str):
        errors["phone"] = [NOT_STRING]
    elif not E164.fullmatch(phone):
        errors["phone"] = ["Enter a valid phone number in E.164 format, with a leading + (e.g. +393331234567)."]
    names = {name: _optional_string(body, name, errors) for name in ("first_name", "last_name", "language")}
    email = _optional_string(body, "email", errors)
    if email and not EMAIL.fullmatch(email):
        errors["email"] = ["Enter a valid email address."]
    fields_by_code = {doc["code"]: doc for doc in state.store.all("custom_fields")}
    custom = body.get("custom_fields")
    if custom is not None:
        if not isinstance(custom, dict):
            errors["custom_fields"] = ["Expected an object of custom field code to string value."]
        else:
            problems = [f'Unknown custom field code "{code}".' for code in custom if code not in fields_by_code]
            problems += [f'Value of "{code}" must be a string.' for code, value in custom.items()
                         if code in fields_by_code and not isinstance(value, str)]
            if problems:
                errors["custom_fields"] = problems
    if errors:
        raise field_errors(errors)

    now = iso(state.now())
    existing = next((doc for doc in state.store.all("contacts") if doc["phone"] == phone), None)
    if existing is not None:
        doc = copy.deepcopy(existing)
    else:
        account = state.store.get("accounts", 1)
        doc = {"phone": phone, "email": None, "first_name": "", "last_name": "",
               "language": account["default_language"] if account else "it", "notes": "", "is_blocked": False,
               "has_invalid_phone": False, "created_datetime": now, "tag_ids": [], "list_ids": [],
               "field_values": []}
    for name, value in names.items():  # null or absent: left untouched
        if value is not None:
            doc[name] = value
    if email is not None:
        doc["email"] = email or None
    if isinstance(custom, dict):
        next_value_id = 1 + max((v["id"] for c in state.store.all("contacts") for v in c["field_values"]), default=0)
        for code, value in custom.items():
            field = fields_by_code[code]
            value_datetime = _value_datetime(field["field_type"], value)
            current = next((v for v in doc["field_values"] if v["field"] == field["id"]), None)
            if current is None:
                doc["field_values"].append({"id": next_value_id, "field": field["id"], "value": value,
                                            "value_datetime": value_datetime})
                next_value_id += 1
            else:
                current["value"], current["value_datetime"] = value, value_datetime
    if existing is not None:
        state.store.put("contacts", doc)
    else:
        state.store.insert("contacts", doc)
    return JSONResponse(render.contact(state.store, doc), status_code=200)


def _value_datetime(field_type: int, value: str) -> str | None:
    if field_type not in (2, 3):
        return None
    try:
        return iso_dt(parse_datetime(value))
    except ValueError:
        return None


# --- custom fields --------------------------------------------------------------------------------------

def _label_reserved(label: str) -> bool:
    return re.sub(r"[^A-Z0-9]+", "_", label.upper()).strip("_") in RESERVED_CODES


def _check_label(label: object, state: SimulatorState, errors: Errors, own_id: int | None = None) -> None:
    if not isinstance(label, str):
        errors["label"] = [NULL if label is None else NOT_STRING]
    elif not label.strip():
        errors["label"] = [BLANK]
    elif _label_reserved(label):
        errors["label"] = [f'"{label}" is reserved.']
    elif any(doc["label"].lower() == label.lower() and doc["id"] != own_id for doc in state.store.all("custom_fields")):
        errors["label"] = ["custom field with this label already exists."]


async def list_custom_fields(request: Request, state: SimulatorState) -> Response:
    terms = search_terms(request.query_params.get("search"))
    docs = [doc for doc in state.store.all("custom_fields") if search_matches(terms, [doc["label"], doc["code"]])]
    if state.bare_lists:
        return JSONResponse([render.custom_field(doc) for doc in docs])
    return _page(request, state, docs, render.custom_field)


async def create_custom_field(request: Request, state: SimulatorState) -> Response:
    body = await json_object(request)
    errors: Errors = {}
    for name in ("code", "label", "example", "field_type"):
        if name not in body:
            errors[name] = [REQUIRED]
    code = body.get("code")
    if "code" in body:
        if not isinstance(code, str):
            errors["code"] = [NULL if code is None else NOT_STRING]
        elif not code:
            errors["code"] = [BLANK]
        elif not CODE.fullmatch(code):
            errors["code"] = ["Use upper-case letters, digits and underscores, with a letter before any digit "
                              "(e.g. ORDER_ID or _TARGA_)."]
        elif code in RESERVED_CODES:
            errors["code"] = [f'"{code}" is reserved.']
        elif any(doc["code"] == code for doc in state.store.all("custom_fields")):
            errors["code"] = ["custom field with this code already exists."]
    if "label" in body:
        _check_label(body["label"], state, errors)
    example = body.get("example")
    if "example" in body and not isinstance(example, str):
        errors["example"] = [NULL if example is None else NOT_STRING]
    field_type = body.get("field_type")
    if "field_type" in body:
        choice = field_type if isinstance(field_type, int | str) and not isinstance(field_type, bool) else None
        if choice is None or str(choice) not in {str(t) for t in FIELD_TYPES}:
            errors["field_type"] = [f'"{_shown(field_type)}" is not a valid choice.']
        else:
            field_type = int(choice)
    if errors:
        raise field_errors(errors)
    doc = state.store.insert("custom_fields", {"code": code, "label": body["label"], "field_type": field_type,
                                               "example": example})
    return JSONResponse(render.custom_field(doc), status_code=201)


async def retrieve_custom_field(request: Request, state: SimulatorState) -> Response:
    return JSONResponse(render.custom_field(_get(state, "custom_fields", request)))


async def update_custom_field(request: Request, state: SimulatorState) -> Response:
    doc = _get(state, "custom_fields", request)
    body = await json_object(request)
    errors: Errors = {name: ["This field cannot be changed; only label can be updated."] for name in body
                      if name != "label"}
    if "label" in body:
        _check_label(body["label"], state, errors, own_id=doc["id"])
    if errors:
        raise field_errors(errors)
    if "label" in body:
        doc = {**doc, "label": body["label"]}
        state.store.put("custom_fields", doc)
    return JSONResponse(render.custom_field(doc))


# --- tickets --------------------------------------------------------------------------------------------

async def list_tickets(request: Request, state: SimulatorState) -> Response:
    query = Query(request.query_params)
    order = query.choice("order", ("asc", "desc"))
    sort_by = query.text("sort_by") or None
    if sort_by not in TICKET_SORT_FIELDS:  # unknown fields are ignored, as DRF's OrderingFilter does
        sort_by = None
    _check(query)
    status = query.text("status")
    docs = state.store.all("tickets")
    if status:
        wanted = normalise_status(status)
        docs = [doc for doc in docs if normalise_status(doc["status"]) == wanted]
    if sort_by is None and order is None:
        sort_by, order = "created_datetime", "desc"
    field = sort_by or "created_datetime"
    # Postgres order: nulls last ascending, first descending; ids break ties.
    docs = sorted(docs, key=lambda d: (d[field] is None, d[field] if d[field] is not None else ""),
                  reverse=order == "desc")
    return _page(request, state, docs, lambda doc: render.ticket(state.store, doc), ("per_page", "page_size"))

