# generated from specs/ by `spoki-actions generate`; do not edit
"""Typed functions, one per Spoki action; each is one call into `spoki_actions.run_action`.

Each typed function returns the action's pydantic envelope model (`<Action>Output`: `data`,
`error`, `successful`), validated leniently: unknown fields are kept, and when `data` does not
match the documented shape (an unknown enum value, a missing field, or the empty `{}`/`[]` of a
failed call) it stays the raw JSON value instead of raising. Like `run_action`, a typed
function never raises for input or API errors: check `successful`.
"""

from __future__ import annotations

from typing import Any, Literal

from spoki_actions import Client
from spoki_actions import run_action as _run_action

from ._envelope import envelope as _envelope
from .models import (
    CreateCustomFieldOutput,
    CreateOrUpdateContactOutput,
    DeleteContactOutput,
    FieldType,
    GetAccountCurrentReportOutput,
    ListAgenciesOutput,
    ListAutomationsOutput,
    ListCampaignsOutput,
    ListContactsOutput,
    ListTagsOutput,
    ListTemplatesOutput,
    ListTicketsOutput,
    RetrieveAccountOutput,
    RetrieveAutomationOutput,
    RetrieveContactOutput,
    RetrieveTagOutput,
    RetrieveTemplateOutput,
    SpokiListCustomFieldsOutput,
    SpokiListPartnersOutput,
    SpokiListTagsOutput,
    SpokiListTemplatesOutput,
    SpokiRetrieveCustomFieldOutput,
    UpdateCustomFieldOutput,
)

__all__ = [
    "create_custom_field",
    "create_or_update_contact",
    "delete_contact",
    "get_account_current_report",
    "list_agencies",
    "list_automations",
    "list_campaigns",
    "list_contacts",
    "list_tags",
    "list_templates",
    "list_tickets",
    "retrieve_account",
    "retrieve_automation",
    "retrieve_contact",
    "retrieve_tag",
    "retrieve_template",
    "spoki_list_custom_fields",
    "spoki_list_partners",
    "spoki_list_tags",
    "spoki_list_templates",
    "spoki_retrieve_custom_field",
    "update_custom_field",
]


def create_custom_field(
    *,
    code: str,
    label: str,
    example: str,
    field_type: FieldType,
    client: Client | None = None,
) -> CreateCustomFieldOutput:
    """Create custom field

    Creates a custom contact field and returns it. `code` is upper-case with underscores (e.g. LOYALTY_TIER or _TARGA_); `code` and `label` must be unique and not reserved (FIRST_NAME, LAST_NAME, EMAIL, PHONE, ACCOUNT_NAME and LANGUAGE are). Not idempotent: it is never re-sent after an uncertain failure, since a repeat could create the field twice or fail as a duplicate. The custom-fields endpoints allow about 5 calls per minute.

    Args:
        code: Field code: upper-case letters, digits and underscores, with a letter before any digit; underscores may lead and trail, as in real accounts' _TARGA_. Unique and not reserved.
            Required.
        label: Human-readable label; unique and not reserved.
            Required.
        example: Sample value of the field.
            Required.
        field_type: Value type (1 TEXT, 2 DATE, 3 DATETIME).
            Required.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        CreateCustomFieldOutput: the envelope (data, error, successful). `data` is
        CustomField when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_CREATE_CUSTOM_FIELD (POST custom-fields/).
    """
    _params: dict[str, Any] = {}
    _params["code"] = code
    _params["label"] = label
    _params["example"] = example
    _params["field_type"] = field_type
    return _envelope(CreateCustomFieldOutput, _run_action("SPOKI_CREATE_CUSTOM_FIELD", _params, client=client))


def create_or_update_contact(
    *,
    phone: str,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    language: str | None = None,
    custom_fields: dict[str, str] | None = None,
    client: Client | None = None,
) -> CreateOrUpdateContactOutput:
    """Create or update contact

    Creates a contact or updates the existing one with the same phone number (an upsert matched by phone). On an existing contact, fields left out stay as they are. `custom_fields` sets custom field values by field code. Returns the contact, without its custom field values, lists and tags.

    Args:
        phone: Phone number in E.164 form, with the leading + (the key the contact is matched by).
            Required.
        first_name: First name.
        last_name: Last name.
        email: Email address.
        language: Language code.
        custom_fields: Custom field values by field code (CODE → value, as a string).
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        CreateOrUpdateContactOutput: the envelope (data, error, successful). `data` is
        ContactSummary when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_CREATE_OR_UPDATE_CONTACT (POST contacts/sync/).
    """
    _params: dict[str, Any] = {}
    _params["phone"] = phone
    if first_name is not None:
        _params["first_name"] = first_name
    if last_name is not None:
        _params["last_name"] = last_name
    if email is not None:
        _params["email"] = email
    if language is not None:
        _params["language"] = language
    if custom_fields is not None:
        _params["custom_fields"] = custom_fields
    return _envelope(CreateOrUpdateContactOutput, _run_action("SPOKI_CREATE_OR_UPDATE_CONTACT", _params, client=client))


def delete_contact(
    *,
    id: int,
    client: Client | None = None,
) -> DeleteContactOutput:
    """Delete contact

    Permanently deletes a contact by its id. The API answers 204 No Content, so `data` is empty. Deleting a contact that no longer exists fails with 404.

    Args:
        id: Id of the contact to delete.
            Required.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        DeleteContactOutput: the envelope (data, error, successful). `data` is
        Any when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_DELETE_CONTACT (DELETE contacts/{id}/).
    """
    _params: dict[str, Any] = {}
    _params["id"] = id
    return _envelope(DeleteContactOutput, _run_action("SPOKI_DELETE_CONTACT", _params, client=client))


def get_account_current_report(
    *,
    account_id: int,
    client: Client | None = None,
) -> GetAccountCurrentReportOutput:
    """Get account current report

    Retrieves the report of an account for the current period: contacts reached, conversations, and messages sent, delivered, read, received, free and template. The API refreshes the report every 30 minutes, so answers are cached for as long.

    Args:
        account_id: Id of the account.
            Required.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        GetAccountCurrentReportOutput: the envelope (data, error, successful). `data` is
        AccountReport when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_GET_ACCOUNT_CURRENT_REPORT (GET accounts/{id}/current_report/).
    """
    _params: dict[str, Any] = {}
    _params["account_id"] = account_id
    return _envelope(GetAccountCurrentReportOutput, _run_action("SPOKI_GET_ACCOUNT_CURRENT_REPORT", _params, client=client))


def list_agencies(
    *,
    client: Client | None = None,
) -> ListAgenciesOutput:
    """List agencies

    Lists every agency visible to the API key, each with its id and account id. Follows the API's pages and returns all agencies as one array. The API may also answer with a bare array instead of pages; both are read.

    Args:
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        ListAgenciesOutput: the envelope (data, error, successful). `data` is
        list[Agency] when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_LIST_AGENCIES (GET agencies/).
    """
    _params: dict[str, Any] = {}
    return _envelope(ListAgenciesOutput, _run_action("SPOKI_LIST_AGENCIES", _params, client=client))


def list_automations(
    *,
    search: str | None = None,
    is_active: bool | None = None,
    webhook_platform: Literal["Api", "Active Campaign", "Woocommerce", "Magento", "Prestashop", "Shopify", "Zapier", "Qapla'", "BrainLead", "HubSpot", "Klaviyo", "Zoho", "Sendinblue", "WPNotif", "Connectif", "IFTTT", "Pipedrive", "Meta", "Zendesk"] | None = None,
    client: Client | None = None,
) -> ListAutomationsOutput:
    """List automations

    Retrieves the automations of the account, optionally matching a search over name and webhook link, active state and the platform of their webhooks. Returns the first page with the total `count` and the `next` page URL; each automation carries its webhooks.

    Args:
        search: Text matched against the automation's name and webhook links.
        is_active: true for active automations only, false for inactive ones only.
        webhook_platform: Platform of the automation's webhook.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        ListAutomationsOutput: the envelope (data, error, successful). `data` is
        AutomationPage when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_LIST_AUTOMATIONS (GET automations/).
    """
    _params: dict[str, Any] = {}
    if search is not None:
        _params["search"] = search
    if is_active is not None:
        _params["is_active"] = is_active
    if webhook_platform is not None:
        _params["webhook_platform"] = webhook_platform
    return _envelope(ListAutomationsOutput, _run_action("SPOKI_LIST_AUTOMATIONS", _params, client=client))


def list_campaigns(
    *,
    scheduled_datetime_gte: str | None = None,
    scheduled_datetime_lte: str | None = None,
    client: Client | None = None,
) -> ListCampaignsOutput:
    """List campaigns

    Retrieves the campaigns of the account, optionally only those scheduled within a time range. Returns the first page with the total `count` and the `next` page URL; each campaign carries its automation, contact lists, status and delivery and automation counters.

    Args:
        scheduled_datetime_gte: Only campaigns scheduled at or after this moment: a plain date (YYYY-MM-DD, as Spoki's collection documents it) or an ISO-8601 date-time (e.g. 2024-05-31T23:59:59Z, as the catalogue says). Both forms are sent as given.
        scheduled_datetime_lte: Only campaigns scheduled at or before this moment: a plain date (YYYY-MM-DD, as Spoki's collection documents it) or an ISO-8601 date-time (e.g. 2024-05-31T23:59:59Z, as the catalogue says). Both forms are sent as given.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        ListCampaignsOutput: the envelope (data, error, successful). `data` is
        CampaignPage when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_LIST_CAMPAIGNS (GET campaigns/).
    """
    _params: dict[str, Any] = {}
    if scheduled_datetime_gte is not None:
        _params["scheduled_datetime_gte"] = scheduled_datetime_gte
    if scheduled_datetime_lte is not None:
        _params["scheduled_datetime_lte"] = scheduled_datetime_lte
    return _envelope(ListCampaignsOutput, _run_action("SPOKI_LIST_CAMPAIGNS", _params, client=client))


def list_contacts(
    *,
    search: str | None = None,
    tag: int | None = None,
    email: str | None = None,
    phone: str | None = None,
    language: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    is_blocked: bool | None = None,
    client: Client | None = None,
) -> ListContactsOutput:
    """List contacts

    Retrieves a page of contacts, optionally narrowed by a free-text search, a tag, exact email or phone, language, names and blocked state. Returns the first page with the total `count` and the `next` page URL; each contact carries its custom field values, lists and tags.

    Args:
        search: Free-text search over phone, email, first and last name, language and notes.
        tag: Id of a tag; only contacts carrying it are returned.
        email: Email address, matched exactly.
        phone: Phone number, matched exactly. Give it in E.164 form with the leading +; a number without the + matches nothing.
        language: Language code.
        first_name: First name.
        last_name: Last name.
        is_blocked: true for blocked contacts only, false for contacts that are not blocked.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        ListContactsOutput: the envelope (data, error, successful). `data` is
        ContactPage when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_LIST_CONTACTS (GET contacts/).
    """
    _params: dict[str, Any] = {}
    if search is not None:
        _params["search"] = search
    if tag is not None:
        _params["tag"] = tag
    if email is not None:
        _params["email"] = email
    if phone is not None:
        _params["phone"] = phone
    if language is not None:
        _params["language"] = language
    if first_name is not None:
        _params["first_name"] = first_name
    if last_name is not None:
        _params["last_name"] = last_name
    if is_blocked is not None:
        _params["is_blocked"] = is_blocked
    return _envelope(ListContactsOutput, _run_action("SPOKI_LIST_CONTACTS", _params, client=client))


def list_tags(
    *,
    client: Client | None = None,
) -> ListTagsOutput:
    """List tags

    Retrieves the tags of the account (name, hex colour and sort index). Returns the first page with the total `count` and the `next` page URL.

    Args:
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        ListTagsOutput: the envelope (data, error, successful). `data` is
        TagPage when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_LIST_TAGS (GET tags/).
    """
    _params: dict[str, Any] = {}
    return _envelope(ListTagsOutput, _run_action("SPOKI_LIST_TAGS", _params, client=client))


def list_templates(
    *,
    search: str | None = None,
    client: Client | None = None,
) -> ListTemplatesOutput:
    """List templates

    Retrieves the WhatsApp message templates of the account, optionally matching a search over id, name and text. Returns the first page with the total `count` and the `next` page URL; each template carries its localizations (language, approval status, header, body, footer, buttons, and the URL of the header's default media).

    Args:
        search: Text matched against the template's id, name and text.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        ListTemplatesOutput: the envelope (data, error, successful). `data` is
        TemplatePage when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_LIST_TEMPLATES (GET templates/).
    """
    _params: dict[str, Any] = {}
    if search is not None:
        _params["search"] = search
    return _envelope(ListTemplatesOutput, _run_action("SPOKI_LIST_TEMPLATES", _params, client=client))


def list_tickets(
    *,
    page: int | None = None,
    per_page: int | None = None,
    order: Literal["asc", "desc"] | None = None,
    sort_by: str | None = None,
    status: str | None = None,
    client: Client | None = None,
) -> ListTicketsOutput:
    """List tickets

    Retrieves a paginated list of support tickets from Spoki, filterable by status and sortable by a field in ascending or descending order. Each ticket carries its contact (with the users' roles towards it) and its owner.

    Args:
        page: Page number, from 1.
        per_page: Number of tickets per page.
        order: Sort direction, asc or desc (applies to sort_by).
        sort_by: Field to sort by, e.g. created_datetime.
        status: Ticket status, passed through as given. Real tickets carry title-case words: Open, In Progress, Pending, Closed.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        ListTicketsOutput: the envelope (data, error, successful). `data` is
        TicketPage when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_LIST_TICKETS (GET tickets/).
    """
    _params: dict[str, Any] = {}
    if page is not None:
        _params["page"] = page
    if per_page is not None:
        _params["per_page"] = per_page
    if order is not None:
        _params["order"] = order
    if sort_by is not None:
        _params["sort_by"] = sort_by
    if status is not None:
        _params["status"] = status
    return _envelope(ListTicketsOutput, _run_action("SPOKI_LIST_TICKETS", _params, client=client))


def retrieve_account(
    *,
    account_id: int,
    client: Client | None = None,
) -> RetrieveAccountOutput:
    """Retrieve account

    Retrieves one account by its id: name, type, status, phone and its status, defaults (country, language, prefix, timezone), credit (in thousandths of a euro) and low-credit alert, daily limit, recent contact counts and quality score.

    Args:
        account_id: Id of the account.
            Required.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        RetrieveAccountOutput: the envelope (data, error, successful). `data` is
        Account when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_RETRIEVE_ACCOUNT (GET accounts/{id}/).
    """
    _params: dict[str, Any] = {}
    _params["account_id"] = account_id
    return _envelope(RetrieveAccountOutput, _run_action("SPOKI_RETRIEVE_ACCOUNT", _params, client=client))


def retrieve_automation(
    *,
    id: int,
    client: Client | None = None,
) -> RetrieveAutomationOutput:
    """Retrieve automation

    Retrieves one automation by its id: name, active state, first message text, timestamps and the webhooks that start it.

    Args:
        id: Id of the automation.
            Required.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        RetrieveAutomationOutput: the envelope (data, error, successful). `data` is
        Automation when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_RETRIEVE_AUTOMATION (GET automations/{id}/).
    """
    _params: dict[str, Any] = {}
    _params["id"] = id
    return _envelope(RetrieveAutomationOutput, _run_action("SPOKI_RETRIEVE_AUTOMATION", _params, client=client))


def retrieve_contact(
    *,
    contact_id: int,
    client: Client | None = None,
) -> RetrieveContactOutput:
    """Retrieve contact

    Retrieves one contact by its id, with its custom field values, the lists it belongs to and its tags.

    Args:
        contact_id: Id of the contact.
            Required.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        RetrieveContactOutput: the envelope (data, error, successful). `data` is
        Contact when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_RETRIEVE_CONTACT (GET contacts/{id}/).
    """
    _params: dict[str, Any] = {}
    _params["contact_id"] = contact_id
    return _envelope(RetrieveContactOutput, _run_action("SPOKI_RETRIEVE_CONTACT", _params, client=client))


def retrieve_tag(
    *,
    id: int,
    client: Client | None = None,
) -> RetrieveTagOutput:
    """Retrieve tag

    Retrieves one tag by its id: name, hex colour and sort index. The catalogue declares every field of the answer nullable.

    Args:
        id: Id of the tag.
            Required.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        RetrieveTagOutput: the envelope (data, error, successful). `data` is
        RetrievedTag when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_RETRIEVE_TAG (GET tags/{id}/).
    """
    _params: dict[str, Any] = {}
    _params["id"] = id
    return _envelope(RetrieveTagOutput, _run_action("SPOKI_RETRIEVE_TAG", _params, client=client))


def retrieve_template(
    *,
    template_id: int,
    client: Client | None = None,
) -> RetrieveTemplateOutput:
    """Retrieve template

    Retrieves one WhatsApp message template by its id, with its category, approval and favourite flags, the placeholder codes it uses and its localizations (language, approval status, header, body, footer, buttons and default header media).

    Args:
        template_id: Id of the template.
            Required.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        RetrieveTemplateOutput: the envelope (data, error, successful). `data` is
        Template when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_RETRIEVE_TEMPLATE (GET templates/{id}/).
    """
    _params: dict[str, Any] = {}
    _params["template_id"] = template_id
    return _envelope(RetrieveTemplateOutput, _run_action("SPOKI_RETRIEVE_TEMPLATE", _params, client=client))


def spoki_list_custom_fields(
    *,
    code: str | None = None,
    label: str | None = None,
    client: Client | None = None,
) -> SpokiListCustomFieldsOutput:
    """List custom fields

    Lists every custom contact field of the account (all pages, gathered), optionally keeping only those whose code and/or label contain the given text (case-insensitive). Returns `{custom_fields: [...]}` with each field's code, label, sample value and type, without ids. The custom-fields endpoints allow about 5 calls per minute, so pages of 100 are requested. The API may also answer with a bare array instead of pages; both are read.

    Args:
        code: Keep fields whose code contains this text (case-insensitive).
        label: Keep fields whose label contains this text (case-insensitive).
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        SpokiListCustomFieldsOutput: the envelope (data, error, successful). `data` is
        SpokiListCustomFieldsData when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_SPOKI_LIST_CUSTOM_FIELDS (GET custom-fields/).
    """
    _params: dict[str, Any] = {}
    if code is not None:
        _params["code"] = code
    if label is not None:
        _params["label"] = label
    return _envelope(SpokiListCustomFieldsOutput, _run_action("SPOKI_SPOKI_LIST_CUSTOM_FIELDS", _params, client=client))


def spoki_list_partners(
    *,
    client: Client | None = None,
) -> SpokiListPartnersOutput:
    """List partners

    Retrieves the partners page (`GET partners/`). Deprecated: it is a placeholder in the Spoki catalogue, and the endpoint needs a partner-level API key, which an ordinary account key is not. The shape of a partner is not documented, so results are plain objects.

    Deprecated: SPOKI_SPOKI_LIST_PARTNERS is a placeholder in the Spoki catalogue; it needs a partner-level API key and its output is not documented.

    Args:
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        SpokiListPartnersOutput: the envelope (data, error, successful). `data` is
        PartnerPage when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_SPOKI_LIST_PARTNERS (GET partners/).
    """
    _params: dict[str, Any] = {}
    return _envelope(SpokiListPartnersOutput, _run_action("SPOKI_SPOKI_LIST_PARTNERS", _params, client=client))


def spoki_list_tags(
    *,
    client: Client | None = None,
) -> SpokiListTagsOutput:
    """List tags (Spoki catalogue variant)

    Retrieves the tags of the account (name, hex colour and sort index), as a page with the total `count` and the `next` page URL. Same request and output as SPOKI_LIST_TAGS; kept under its own catalogue name.

    Variant of SPOKI_LIST_TAGS.

    Args:
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        SpokiListTagsOutput: the envelope (data, error, successful). `data` is
        TagPage when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_SPOKI_LIST_TAGS (GET tags/).
    """
    _params: dict[str, Any] = {}
    return _envelope(SpokiListTagsOutput, _run_action("SPOKI_SPOKI_LIST_TAGS", _params, client=client))


def spoki_list_templates(
    *,
    search: str | None = None,
    client: Client | None = None,
) -> SpokiListTemplatesOutput:
    """List templates (Spoki catalogue variant)

    Retrieves the WhatsApp message templates of the account, optionally matching a search over id, name and text, as a page with the total `count` and the `next` page URL. Same request as SPOKI_LIST_TEMPLATES; its published output differs slightly: buttons carry no `url`, and a localization's `default_header_media` is an object (title, media URL, content type) instead of a URL.

    Variant of SPOKI_LIST_TEMPLATES.

    Args:
        search: Text matched against the template's id, name and text.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        SpokiListTemplatesOutput: the envelope (data, error, successful). `data` is
        SpokiTemplatePage when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_SPOKI_LIST_TEMPLATES (GET templates/).
    """
    _params: dict[str, Any] = {}
    if search is not None:
        _params["search"] = search
    return _envelope(SpokiListTemplatesOutput, _run_action("SPOKI_SPOKI_LIST_TEMPLATES", _params, client=client))


def spoki_retrieve_custom_field(
    *,
    custom_field_id: int,
    client: Client | None = None,
) -> SpokiRetrieveCustomFieldOutput:
    """Retrieve custom field

    Retrieves one custom contact field by its id: code, label, sample value and type. The custom-fields endpoints allow about 5 calls per minute.

    Args:
        custom_field_id: Id of the custom field.
            Required.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        SpokiRetrieveCustomFieldOutput: the envelope (data, error, successful). `data` is
        CustomField when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD (GET custom-fields/{id}/).
    """
    _params: dict[str, Any] = {}
    _params["custom_field_id"] = custom_field_id
    return _envelope(SpokiRetrieveCustomFieldOutput, _run_action("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", _params, client=client))


def update_custom_field(
    *,
    custom_field_id: int,
    label: str,
    client: Client | None = None,
) -> UpdateCustomFieldOutput:
    """Update custom field

    Renames a custom contact field: only its label can change (code and type are fixed). The new label must be unique and not reserved. Returns the updated field. The custom-fields endpoints allow about 5 calls per minute.

    Args:
        custom_field_id: Id of the custom field.
            Required.
        label: The new label; unique and not reserved.
            Required.
        client: The client to call through; default: the shared client configured from the
            environment (SPOKI_API_KEY, SPOKI_BASE_URL).

    Returns:
        UpdateCustomFieldOutput: the envelope (data, error, successful). `data` is
        UpdatedCustomField when the call succeeded and the answer matches the documented shape, else
        the raw JSON value ({} or [] when the call failed). Never raises for input or API errors.

    Runs SPOKI_UPDATE_CUSTOM_FIELD (PATCH custom-fields/{id}/).
    """
    _params: dict[str, Any] = {}
    _params["custom_field_id"] = custom_field_id
    _params["label"] = label
    return _envelope(UpdateCustomFieldOutput, _run_action("SPOKI_UPDATE_CUSTOM_FIELD", _params, client=client))
