"""Deterministic seed data: the same seed always builds the same Spoki account.

Stage: data generation. Input: an integer seed. Output: `{kind: [document, ...]}` in the simulator's
internal document form (ids for relations, e.g. a contact's `tag_ids`), which `resources` renders into
the API's shapes. Only a `random.Random(seed)` and a fixed epoch are used, never the wall clock, so two
runs with one seed are identical.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from .timestamps import iso as _iso_exact

Document = dict[str, Any]

EPOCH = 1_704_067_200.0  # 2024-01-01T00:00:00Z: seed timestamps fall in 2024 and 2025
YEAR = 365 * 86_400.0

SIZES = {
    "accounts": 5,
    "agencies": 45,
    "automations": 30,
    "campaigns": 24,
    "contact_lists": 8,
    "contacts": 300,
    "partners": 3,
    "tags": 12,
    "templates": 25,
    "tickets": 60,
    "users": 8,
}

TICKET_STATUSES = ("Open", "In Progress", "Pending", "Closed")
TICKET_PRIORITIES = ("Lowest", "Low", "Medium", "High", "Highest")
_DRAWN_PRIORITIES = ("Low", "Medium", "High")  # the main draw (kept, so every other seeded value stays put)
CAMPAIGN_STATUSES = ("Draft", "Scheduled", "Processing", "Completed")
TEMPLATE_STATUSES = ("APPROVED", "APPROVED", "APPROVED", "PENDING", "REJECTED")
TEMPLATE_CATEGORIES = ("MARKETING", "UTILITY", "AUTHENTICATION", "ACCOUNT_UPDATE")
WEBHOOK_PLATFORMS = (
    "Api",
    "Active Campaign",
    "Woocommerce",
    "Magento",
    "Prestashop",
    "Shopify",
    "Zapier",
    "Qapla'",
    "BrainLead",
    "HubSpot",
    "Klaviyo",
    "Zoho",
    "Sendinblue",
    "WPNotif",
    "Connectif",
    "IFTTT",
    "Pipedrive",
    "Meta",
    "Zendesk",
)

_LANGUAGES = {  # language -> (country calling code, first names, last names)
    "it": ("39", ["Giulia", "Marco", "Chiara", "Luca", "Francesca", "Matteo", "Sara", "Davide"],
           ["Rossi", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Conti"]),
    "en": ("44", ["Oliver", "Amelia", "Harry", "Isla", "George", "Emily", "Jack", "Grace"],
           ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Wright"]),
    "es": ("34", ["Lucia", "Hugo", "Martina", "Pablo", "Paula", "Alvaro", "Elena", "Diego"],
           ["Garcia", "Lopez", "Martinez", "Sanchez", "Perez", "Gomez", "Ruiz", "Diaz"]),
    "fr": ("33", ["Louise", "Gabriel", "Jade", "Arthur", "Alice", "Jules", "Chloe", "Hugo"],
           ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Moreau"]),
    "de": ("49", ["Emma", "Noah", "Mia", "Paul", "Hannah", "Leon", "Lena", "Finn"],
           ["Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"]),
}
_LANGUAGE_WEIGHTS = {"it": 5, "en": 2, "es": 1, "fr": 1, "de": 1}

_TAGS = ("VIP", "Lead", "Customer", "Newsletter", "Support", "Wholesale", "Returning", "Cold", "Hot",
         "Partner", "Event 2024", "Churn risk")
_LISTS = ("Newsletter subscribers", "Black Friday 2024", "Loyalty club", "Trade fair leads", "Abandoned carts",
          "Christmas 2024", "Beta testers", "Inactive 90 days")
_CUSTOM_FIELDS = (  # code, label, field_type, example
    ("WEBSITE", "Website", 1, "https://example.com"),
    ("COMPANY", "Company", 1, "Acme Srl"),
    ("CITY", "City", 1, "Milano"),
    ("LOYALTY_TIER", "Loyalty tier", 1, "gold"),
    ("BIRTHDAY", "Birthday", 2, "1990-04-21"),
    ("LAST_ORDER_AT", "Last order at", 3, "2024-11-02T15:30:00Z"),
)
_TEMPLATE_TOPICS = (
    ("order_confirmation", "Hi {{1}}, we received your order {{2}}. Thank you!"),
    ("shipping_update", "Good news {{1}}: order {{2}} has shipped and arrives on {{3}}."),
    ("appointment_reminder", "Hello {{1}}, this is a reminder of your appointment on {{2}}."),
    ("welcome_message", "Welcome to Acme, {{1}}! Reply to this chat whenever you need us."),
    ("payment_failed", "Hi {{1}}, the payment for order {{2}} did not go through."),
    ("verification_code", "{{1}} is your verification code. It expires in 10 minutes."),
    ("feedback_request", "How did we do, {{1}}? Rate your last order from 1 to 5."),
    ("back_in_stock", "{{1}} is back in stock! Tap below to buy it before it sells out."),
)
_AUTOMATION_NAMES = ("Welcome flow", "Cart recovery", "Order shipped", "Review request", "Birthday greeting",
                     "Lead qualification", "Support triage", "Re-engagement", "Event reminder", "Payment reminder")
_COLORS = ("#E53935", "#8E24AA", "#3949AB", "#039BE5", "#00897B", "#7CB342", "#FDD835", "#FB8C00", "#6D4C41",
           "#546E7A", "#D81B60", "#5E35B1")


def iso(ts: float) -> str:
    """Seed timestamps are whole seconds."""
    return _iso_exact(float(int(ts)))


def build(seed: int) -> dict[str, list[Document]]:
    """Every collection of a fresh account, deterministic in `seed`."""
    rng = random.Random(seed)
    data: dict[str, list[Document]] = {}
    data["users"] = _users(rng)
    data["tags"] = [
        {"id": i + 1, "name": name, "color": _COLORS[i % len(_COLORS)], "order": i}
        for i, name in enumerate(_TAGS[: SIZES["tags"]])
    ]
    data["contact_lists"] = [
        {"id": i + 1, "name": name, "color": rng.choice([*_COLORS[:6], None]),
         "created_datetime": iso(EPOCH + rng.uniform(0, YEAR / 2))}
        for i, name in enumerate(_LISTS[: SIZES["contact_lists"]])
    ]
    data["custom_fields"] = [
        {"id": i + 1, "code": code, "label": label, "field_type": field_type, "example": example}
        for i, (code, label, field_type, example) in enumerate(_CUSTOM_FIELDS)
    ]
    data["contacts"] = _contacts(rng, data)
    data["tickets"] = _tickets(rng, data, seed)
    data["templates"] = _templates(rng)
    data["automations"] = _automations(rng)
    data["campaigns"] = _campaigns(rng, data)
    data["accounts"] = _accounts(rng)
    data["agencies"] = [
        {"id": i + 1, "account": 1 + i % SIZES["accounts"]} for i in range(SIZES["agencies"])
    ]
    data["partners"] = [
        {"id": i + 1, "name": name, "email": f"partners@{name.lower().replace(' ', '')}.example",
         "created_datetime": iso(EPOCH + rng.uniform(0, YEAR))}
        for i, name in enumerate(("Digital Reach", "Growth Lab", "Chat Makers")[: SIZES["partners"]])
    ]
    return data


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _users(rng: random.Random) -> list[Document]:
    people = [("Anna", "Ferri"), ("Paolo", "Gallo"), ("Marta", "Villa"), ("Enrico", "Costa"),
              ("Silvia", "Fontana"), ("Tommaso", "Longo"), ("Irene", "Leone")]
    users: list[Document] = []
    for i in range(SIZES["users"]):
        if i == SIZES["users"] - 1:
            first, last, service = "Spoki", "Bot", True
        else:
            first, last = people[i % len(people)]
            service = False
        users.append({
            "id": i + 1,
            "uid": _uuid(rng),
            "email": f"{first.lower()}.{last.lower()}@acme.example",
            "firstname": first,
            "surname": last,
            "image": None if rng.random() < 0.4 else f"https://cdn.spoki.example/avatars/{i + 1}.png",
            "is_service": service,
        })
    return users


def _contacts(rng: random.Random, data: dict[str, list[Document]]) -> list[Document]:
    languages = [lang for lang, weight in _LANGUAGE_WEIGHTS.items() for _ in range(weight)]
    phones: set[str] = set()
    contacts: list[Document] = []
    value_id = 0
    for i in range(SIZES["contacts"]):
        language = rng.choice(languages)
        prefix, firsts, lasts = _LANGUAGES[language]
        first, last = rng.choice(firsts), rng.choice(lasts)
        phone = ""
        while not phone or phone in phones:
            phone = f"+{prefix}3{rng.randrange(10**8, 10**9)}"
        phones.add(phone)
        email = None if rng.random() < 0.15 else f"{first.lower()}.{last.lower()}{i + 1}@mail.example"
        field_values: list[Document] = []
        for custom_field in data["custom_fields"]:
            if rng.random() < 0.35:
                value_id += 1
                value, value_datetime = _field_value(rng, custom_field)
                field_values.append({"id": value_id, "field": custom_field["id"], "value": value,
                                     "value_datetime": value_datetime})
        contacts.append({
            "id": i + 1,
            "phone": phone,
            "email": email,
            "first_name": first,
            "last_name": last,
            "language": language,
            "notes": rng.choice(["", "", "", "met at trade fair", "prefers mornings", "wholesale buyer"]),
            "is_blocked": rng.random() < 0.05,
            "has_invalid_phone": rng.random() < 0.03,
            "created_datetime": iso(EPOCH + rng.uniform(0, YEAR)),
            "tag_ids": sorted(rng.sample(range(1, SIZES["tags"] + 1), rng.choice([0, 0, 1, 1, 2, 3]))),
            "list_ids": sorted(rng.sample(range(1, SIZES["contact_lists"] + 1), rng.choice([0, 1, 1, 2]))),
            "field_values": field_values,
        })
    return contacts


def _field_value(rng: random.Random, custom_field: Document) -> tuple[str, str | None]:
    if custom_field["field_type"] == 2:
        stamp = EPOCH - rng.uniform(18, 70) * YEAR
        text = iso(stamp)[:10]
        return text, text + "T00:00:00Z"
    if custom_field["field_type"] == 3:
        text = iso(EPOCH + rng.uniform(0, YEAR))
        return text, text
    choices = {
        "WEBSITE": ["https://shop.example", "https://studio.example", "https://blog.example"],
        "COMPANY": ["Acme Srl", "Globex", "Initech", "Umbrella", "Hooli"],
        "CITY": ["Milano", "Roma", "Torino", "London", "Madrid", "Paris", "Berlin"],
        "LOYALTY_TIER": ["bronze", "silver", "gold"],
    }.get(custom_field["code"], ["value"])
    return rng.choice(choices), None


def _tickets(rng: random.Random, data: dict[str, list[Document]], seed: int) -> list[Document]:
    titles = ("Order not delivered", "Refund request", "Wrong size", "Invoice copy", "Account locked",
              "Damaged item", "Change address", "Question about warranty")
    tickets: list[Document] = []
    # Lowest/Highest refine some Low/High tickets from a draw of their own, so the main stream (and with it
    # every later collection) is what it was before real accounts were seen to use them.
    extremes = random.Random(f"ticket-priorities:{seed}")
    for i in range(SIZES["tickets"]):
        status = TICKET_STATUSES[i % len(TICKET_STATUSES)] if i < len(TICKET_STATUSES) else rng.choice(TICKET_STATUSES)
        created = EPOCH + rng.uniform(0, YEAR)
        updated = created + rng.uniform(60, 10 * 86_400)
        owner = rng.randrange(1, SIZES["users"] + 1)
        roles = [{"id": 2 * i + 1, "role": "owner", "user_id": owner}]
        if rng.random() < 0.3:
            roles.append({"id": 2 * i + 2, "role": "follower", "user_id": rng.randrange(1, SIZES["users"] + 1)})
        tickets.append({
            "id": i + 1,
            "title": f"{rng.choice(titles)} #{1000 + i}",
            "description": None if rng.random() < 0.25 else "Customer wrote on WhatsApp; see chat.",
            "status": status,
            "priority": _priority(i, rng.choice(_DRAWN_PRIORITIES), extremes),
            "reference": None if rng.random() < 0.5 else f"ORD-{rng.randrange(10_000, 99_999)}",
            "created_datetime": iso(created),
            "updated_datetime": iso(updated),
            "closed_datetime": iso(updated) if status == "Closed" else None,
            "owner_id": owner,
            "contact_id": rng.randrange(1, SIZES["contacts"] + 1),
            "roles": roles,
        })
    return tickets


def _priority(i: int, drawn: str, extremes: random.Random) -> str:
    if i < len(TICKET_PRIORITIES):  # every priority appears
        return TICKET_PRIORITIES[i]
    if drawn in ("Low", "High") and extremes.random() < 0.3:
        return "Lowest" if drawn == "Low" else "Highest"
    return drawn


def _templates(rng: random.Random) -> list[Document]:
    templates: list[Document] = []
    for i in range(SIZES["templates"]):
        topic, text = _TEMPLATE_TOPICS[i % len(_TEMPLATE_TOPICS)]
        localizations: list[Document] = []
        for language in rng.sample(["it", "en", "es", "fr", "de"], rng.choice([1, 1, 2, 3])):
            status = rng.choice(TEMPLATE_STATUSES)
            header_format = rng.choice([None, None, "TEXT", "IMAGE", "VIDEO", "DOCUMENT"])
            header = None
            media = None
            if header_format == "TEXT":
                header = {"component_type": "HEADER", "format": "TEXT", "text": "Acme"}
            elif header_format is not None:
                extension = {"IMAGE": ("png", "image/png"), "VIDEO": ("mp4", "video/mp4"),
                             "DOCUMENT": ("pdf", "application/pdf")}[header_format]
                header = {"component_type": "HEADER", "format": header_format, "text": ""}
                media = {"filename": f"{topic}.{extension[0]}", "content_type": extension[1],
                         "url": f"https://media.spoki.example/templates/{i + 1}/{language}.{extension[0]}"}
            buttons: list[Document] = []
            for order in range(rng.choice([0, 0, 1, 2])):
                kind = rng.choice(["QUICK_REPLY", "URL", "PHONE_NUMBER"])
                buttons.append({
                    "button_type": kind,
                    "order": order,
                    "text": {"QUICK_REPLY": "Stop", "URL": "Open", "PHONE_NUMBER": "Call us"}[kind],
                    "url": "https://shop.example/orders" if kind == "URL" else None,
                    "phone_number": "+390212345678" if kind == "PHONE_NUMBER" else None,
                })
            localizations.append({
                "language": language,
                "status": status,
                "rejection_reason": "INVALID_FORMAT" if status == "REJECTED" else None,
                "body": {"component_type": "BODY", "format": None, "text": f"[{language}] {text}"},
                "header": header,
                "footer": {"component_type": "FOOTER", "format": None, "text": "Reply STOP to opt out"}
                if rng.random() < 0.4 else None,
                "buttons": buttons,
                "media": media,
            })
        placeholders = sorted({"%%FIRST_NAME%%", *rng.sample(["%%WEBSITE%%", "%%COMPANY%%", "%%CITY%%"], 1)})
        templates.append({
            "id": i + 1,
            "name": f"{topic}_{i + 1}",
            "category": rng.choice(TEMPLATE_CATEGORIES),
            "is_approved": any(loc["status"] == "APPROVED" for loc in localizations),
            "is_favorite": rng.random() < 0.2,
            "customfield_set": placeholders if rng.random() < 0.7 else [],
            "localizations": localizations,
        })
    return templates


def _automations(rng: random.Random) -> list[Document]:
    automations: list[Document] = []
    for i in range(SIZES["automations"]):
        created = EPOCH + rng.uniform(0, YEAR)
        webhooks: list[Document] = []
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            platform = WEBHOOK_PLATFORMS[(i + len(webhooks) * 7) % len(WEBHOOK_PLATFORMS)]
            hook_uuid = _uuid(rng)
            slug = platform.lower().replace(" ", "-").replace("'", "")
            webhooks.append({
                "uuid": hook_uuid,
                "link": f"https://hooks.spoki.example/{slug}/{hook_uuid[:8]}/",
                "secret": f"{rng.getrandbits(128):032x}",
                "is_active": rng.random() < 0.85,
                "platform": platform,
            })
        automations.append({
            "id": i + 1,
            "name": f"{_AUTOMATION_NAMES[i % len(_AUTOMATION_NAMES)]} {i // len(_AUTOMATION_NAMES) + 1}",
            "is_active": rng.random() < 0.7,
            "first_message_text": None if rng.random() < 0.3 else "Hi! Thanks for reaching out to Acme.",
            "created_datetime": iso(created),
            "updated_datetime": iso(created + rng.uniform(0, 90 * 86_400)),
            "webhooks": webhooks,
        })
    return automations


def _campaigns(rng: random.Random, data: dict[str, list[Document]]) -> list[Document]:
    campaigns: list[Document] = []
    for i in range(SIZES["campaigns"]):
        status = CAMPAIGN_STATUSES[i % len(CAMPAIGN_STATUSES)]
        scheduled = EPOCH + (i / SIZES["campaigns"]) * 2 * YEAR + rng.uniform(0, 86_400)
        automation = rng.choice(data["automations"]) if "automations" in data else None
        auto_id = rng.randrange(1, SIZES["automations"] + 1) if automation is None else automation["id"]
        sent = rng.randrange(50, 500) if status in ("Processing", "Completed") else 0
        campaigns.append({
            "id": i + 1,
            "name": f"Campaign {i + 1:02d}",
            "status": status,
            "scheduled_datetime": iso(scheduled),
            "created_datetime": iso(scheduled - rng.uniform(86_400, 20 * 86_400)),
            "automation_id": auto_id,
            "list_ids": sorted(rng.sample(range(1, SIZES["contact_lists"] + 1), rng.choice([1, 1, 2]))),
            "other_contacts": sorted(rng.sample(range(1, SIZES["contacts"] + 1), rng.choice([0, 0, 2, 5]))),
            "stats": {
                "messages_sent": sent,
                "messages_received": int(sent * rng.uniform(0.8, 1.0)),
                "messages_read": int(sent * rng.uniform(0.3, 0.8)),
                "messages_failed": sent - int(sent * rng.uniform(0.9, 1.0)),
                "automation_started": int(sent * rng.uniform(0.1, 0.5)),
                "automation_completed": int(sent * rng.uniform(0.05, 0.1)),
                "automation_failed": int(sent * rng.uniform(0.0, 0.02)),
                "automation_valid_failed": int(sent * rng.uniform(0.0, 0.01)),
                "automation_interacted_with": int(sent * rng.uniform(0.1, 0.3)),
            },
        })
    return campaigns


def _accounts(rng: random.Random) -> list[Document]:
    specs = [  # name, account_type (1 Sandbox, 2 Standard, 4 Agency), country
        ("Acme Srl", 2, "IT"), ("Acme Agency", 4, "IT"), ("Globex Iberia", 2, "ES"), ("Initech UK", 2, "GB"),
        ("Sandbox", 1, "IT"),
    ]
    prefixes = {"IT": "+39", "ES": "+34", "GB": "+44"}
    languages = {"IT": "it", "ES": "es", "GB": "en"}
    zones = {"IT": "Europe/Rome", "ES": "Europe/Madrid", "GB": "Europe/London"}
    accounts: list[Document] = []
    for i in range(SIZES["accounts"]):
        name, account_type, country = specs[i % len(specs)]
        credit = rng.randrange(0, 500_000)
        quality = round(rng.uniform(6.0, 10.0), 1)
        sandbox = account_type == 1
        sent = rng.randrange(500, 5000)
        accounts.append({
            "id": i + 1,
            "name": name,
            "account_type": account_type,
            "contacted_in_24h": rng.randrange(0, 200),
            "contacted_in_7d": rng.randrange(200, 1500),
            "country_code": country,
            "current_credit": credit,
            "daily_limit": rng.choice([250, 1000, 10_000, 100_000]),
            "default_country_code": country,
            "default_language": languages[country],
            "default_prefix": prefixes[country],
            "default_pricing_delta": round(rng.uniform(0, 0.02), 4),
            "estimated_available_conversations": credit // 60,
            "has_low_credit_alert": credit < 20_000,
            "has_official_verification": rng.random() < 0.5,
            "is_active": True,
            "low_credit_threshold": 20_000,
            "phone": f"{prefixes[country]}02{rng.randrange(1_000_000, 9_999_999)}",
            "phone_status": "CONNECTED",
            "quality_reasons": None if quality > 8 else "Users blocked recent messages",
            "quality_score": quality,
            "status": "ACTIVE",
            "timezone": zones[country],
            "report_stats": None if sandbox else {
                "sent_message_count": sent,
                "delivered_message_count": int(sent * 0.97),
                "read_message_count": int(sent * 0.71),
                "incoming_message_count": int(sent * 0.4),
                "template_message_count": int(sent * 0.3),
                "free_message_count": int(sent * 0.25),
                "conversation_count": int(sent * 0.35),
                "contacted_contacts": rng.randrange(100, 900),
            },
        })
    return accounts
