"""Rendering: internal documents to the exact JSON shapes the Spoki API answers with.

Stage: output serialisation. Input: a stored document and the `Store` (to resolve relations such as
a contact's tags). Output: a fresh dict with exactly the fields of the resource in the reference's
shapes.yaml (nullable fields present as null); internal keys (`tag_ids`, `platform`, `report_stats`, ...)
never leak. Templates render in two forms: `list` (header media as a URL string) and `detail` (header
media as an object), as the catalogue describes them.
"""

from __future__ import annotations

from typing import Any

from .seed import Document
from .store import Store

CHAT_LINK = "https://app.spoki.com/chat/{id}/"

ACCOUNT_FIELDS = (
    "account_type", "contacted_in_24h", "contacted_in_7d", "country_code", "current_credit", "daily_limit",
    "default_country_code", "default_language", "default_prefix", "default_pricing_delta",
    "estimated_available_conversations", "has_low_credit_alert", "has_official_verification", "id",
    "is_active", "low_credit_threshold", "name", "phone", "phone_status", "quality_reasons", "quality_score",
    "status", "timezone",
)
REPORT_COUNTS = (
    "contacted_contacts", "conversation_count", "delivered_message_count", "exchanged_messages",
    "free_message_count", "incoming_message_count", "read_message_count", "sent_message_count",
    "template_message_count",
)


def tag(doc: Document) -> Document:
    return {"color": doc["color"], "id": doc["id"], "name": doc["name"], "order": doc["order"]}


def contact_list(store: Store, doc: Document) -> Document:
    members = sum(1 for contact in store.all("contacts") if doc["id"] in contact["list_ids"])
    return {"color": doc["color"], "contacts_count": members, "created_datetime": doc["created_datetime"],
            "id": doc["id"], "name": doc["name"]}


def custom_field(doc: Document) -> Document:
    return {"code": doc["code"], "example": doc["example"], "field_type": doc["field_type"], "id": doc["id"],
            "label": doc["label"]}


def contact_core(doc: Document) -> Document:
    """The fields every contact variant shares (sync output, ticket contact)."""
    return {
        "chat_link": CHAT_LINK.format(id=doc["id"]),
        "email": doc["email"],
        "first_name": doc["first_name"],
        "has_invalid_phone": doc["has_invalid_phone"],
        "id": doc["id"],
        "language": doc["language"],
        "last_name": doc["last_name"],
        "phone": doc["phone"],
    }


def contact(store: Store, doc: Document, lists_by_id: dict[int, Document] | None = None) -> Document:
    out = contact_core(doc)
    field_docs = {f["id"]: f for f in store.all("custom_fields")}
    out["contactfield_set"] = [
        {
            "field": value["field"],
            "id": value["id"],
            "value": value["value"],
            "value_datetime": value["value_datetime"],
            "visual_code": f"%%{field_docs[value['field']]['code']}%%" if value["field"] in field_docs else "",
        }
        for value in doc["field_values"]
    ]
    out["created_datetime"] = doc["created_datetime"]
    if lists_by_id is None:
        lists_by_id = {d["id"]: contact_list(store, d) for d in store.all("contact_lists")}
    out["list_set"] = [lists_by_id[list_id] for list_id in doc["list_ids"] if list_id in lists_by_id]
    tags = [store.get("tags", tag_id) for tag_id in doc["tag_ids"]]
    out["tag_set"] = [tag(t) for t in tags if t is not None]
    return dict(sorted(out.items()))


def user(doc: Document) -> Document:
    return {key: doc[key] for key in ("email", "firstname", "id", "image", "is_service", "surname", "uid")}


def ticket(store: Store, doc: Document) -> Document:
    contact_doc = store.get("contacts", doc["contact_id"])
    ticket_contact: Document = contact_core(contact_doc) if contact_doc is not None else {}
    roles = []
    for role in doc["roles"]:
        role_user = store.get("users", role["user_id"])
        if role_user is not None:
            roles.append({"id": role["id"], "role": role["role"], "user": user(role_user)})
    ticket_contact["role_set"] = roles
    owner = store.get("users", doc["owner_id"])
    return {
        "closed_datetime": doc["closed_datetime"],
        "contact": dict(sorted(ticket_contact.items())),
        "created_datetime": doc["created_datetime"],
        "description": doc["description"],
        "id": doc["id"],
        "owner": user(owner) if owner is not None else None,
        "priority": doc["priority"],
        "reference": doc["reference"],
        "status": doc["status"],
        "title": doc["title"],
        "updated_datetime": doc["updated_datetime"],
    }


def template(doc: Document, *, detail: bool) -> Document:
    localizations = []
    for loc in doc["localizations"]:
        media = loc["media"]
        header_media: Any
        if media is None:
            header_media = None
        elif detail:
            header_media = {"filename": media["filename"], "url": media["url"]}
        else:
            header_media = media["url"]
        localizations.append({
            "body": dict(loc["body"]),
            "button_set": [dict(button) for button in loc["buttons"]],
            "default_header_media": header_media,
            "footer": dict(loc["footer"]) if loc["footer"] is not None else None,
            "header": dict(loc["header"]) if loc["header"] is not None else None,
            "language": loc["language"],
            "rejection_reason": loc["rejection_reason"],
            "status": loc["status"],
        })
    return {
        "category": doc["category"],
        "customfield_set": list(doc["customfield_set"]),
        "id": doc["id"],
        "is_approved": doc["is_approved"],
        "is_favorite": doc["is_favorite"],
        "name": doc["name"],
        "templatelocalization_set": localizations,
    }


def automation(doc: Document) -> Document:
    return {
        "created_datetime": doc["created_datetime"],
        "first_message_text": doc["first_message_text"],
        "id": doc["id"],
        "is_active": doc["is_active"],
        "name": doc["name"],
        "updated_datetime": doc["updated_datetime"],
        "webhook_set": [
            {"is_active": hook["is_active"], "link": hook["link"], "secret": hook["secret"], "uuid": hook["uuid"]}
            for hook in doc["webhooks"]
        ],
    }


def campaign(store: Store, doc: Document, lists_by_id: dict[int, Document]) -> Document:
    auto = store.get("automations", doc["automation_id"])
    lists = [lists_by_id[list_id] for list_id in doc["list_ids"] if list_id in lists_by_id]
    out: Document = {
        "automation": {"id": doc["automation_id"], "name": auto["name"] if auto is not None else ""},
        "contacts_count": sum(lst["contacts_count"] for lst in lists) + len(doc["other_contacts"]),
        "created_datetime": doc["created_datetime"],
        "id": doc["id"],
        "lists": lists,
        "name": doc["name"],
        "other_contacts": list(doc["other_contacts"]),
        "scheduled_datetime": doc["scheduled_datetime"],
        "status": doc["status"],
        **doc["stats"],
    }
    return dict(sorted(out.items()))


def account(doc: Document) -> Document:
    return {key: doc[key] for key in ACCOUNT_FIELDS}


def account_report(store: Store, doc: Document, period_start: str) -> Document:
    """The report as computed now; live numbers come from the store, so changes show after a refresh."""
    stats = doc.get("report_stats")
    report: Document = {"account": doc["id"], "period_start": period_start}
    if stats is None:  # an account that never sent anything: every count is null
        report.update(dict.fromkeys(REPORT_COUNTS))
    else:
        report.update({key: stats[key] for key in REPORT_COUNTS if key in stats})
        if doc["id"] == 1:  # the key's own account: contacts are live
            report["contacted_contacts"] = store.count("contacts")
        report["exchanged_messages"] = stats["sent_message_count"] + stats["incoming_message_count"]
    return dict(sorted(report.items()))


def agency(doc: Document) -> Document:
    return {"account": doc["account"], "id": doc["id"]}


def partner(doc: Document) -> Document:
    return {"created_datetime": doc["created_datetime"], "email": doc["email"], "id": doc["id"],
            "name": doc["name"]}
