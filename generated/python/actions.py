# generated from specs/ by `spoki-actions generate`; do not edit
"""Typed functions, one per Spoki action; each is one call into `spoki_actions.run_action`.

Each typed function returns the action's pydantic envelope model (`<Action>Output`: `data`,
`error`, `successful`), validated leniently: unknown fields are kept, and when `data` does not
match the documented shape (an unknown enum value, a missing field, or the empty `{}`/`[]` of a
failed call) it stays the raw JSON value instead of raising. Like `run_action`, a typed
function never raises for input or API errors: check `successful`. For the typed data without
checks, `unwrap()` returns `data` as its documented type or raises the call's error (`ActionFailed`,
a subclass per kind), and each function's raising variant `<function>_or_raise` does both in one call.
"""

from __future__ import annotations

from typing import Any, Literal

from spoki_actions import Client

from ._envelope import call as _call
from ._envelope import envelope as _envelope
from .models import (
    Account,
    AccountReport,
    Agency,
    Automation,
    AutomationPage,
    CampaignPage,
    Contact,
    ContactPage,
    ContactSummary,
    CreateCustomFieldOutput,
    CreateOrUpdateContactOutput,
    CustomField,
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
    PartnerPage,
    RetrieveAccountOutput,
    RetrieveAutomationOutput,
    RetrieveContactOutput,
    RetrieveTagOutput,
    RetrieveTemplateOutput,
    RetrievedTag,
    SpokiListCustomFieldsData,
    SpokiListCustomFieldsOutput,
    SpokiListPartnersOutput,
    SpokiListTagsOutput,
    SpokiListTemplatesOutput,
    SpokiRetrieveCustomFieldOutput,
    SpokiTemplatePage,
    TagPage,
    Template,
    TemplatePage,
    TicketPage,
    UpdateCustomFieldOutput,
    UpdatedCustomField,
)

__all__ = [
    "create_custom_field",
    "create_custom_field_or_raise",
    "create_or_update_contact",
    "create_or_update_contact_or_raise",
    "delete_contact",
    "delete_contact_or_raise",
    "get_account_current_report",
    "get_account_current_report_or_raise",
    "list_agencies",
    "list_agencies_or_raise",
    "list_automations",
    "list_automations_or_raise",
    "list_campaigns",
    "list_campaigns_or_raise",
    "list_contacts",
    "list_contacts_or_raise",
    "list_tags",
    "list_tags_or_raise",
    "list_templates",
    "list_templates_or_raise",
    "list_tickets",
    "list_tickets_or_raise",
    "retrieve_account",
    "retrieve_account_or_raise",
    "retrieve_automation",
    "retrieve_automation_or_raise",
    "retrieve_contact",
    "retrieve_contact_or_raise",
    "retrieve_tag",
    "retrieve_tag_or_raise",
    "retrieve_template",
    "retrieve_template_or_raise",
    "spoki_list_custom_fields",
    "spoki_list_custom_fields_or_raise",
    "spoki_list_partners",
    "spoki_list_partners_or_raise",
    "spoki_list_tags",
    "spoki_list_tags_or_raise",
    "spoki_list_templates",
    "spoki_list_templates_or_raise",
    "spoki_retrieve_custom_field",
    "spoki_retrieve_custom_field_or_raise",
    "update_custom_field",
    "update_custom_field_or_raise",
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

    Creates a custom contact field and returns it. `code` and `label` must be unique and not reserved (FIRST_NAME, LAST_NAME, EMAIL, PHONE, ACCOUNT_NAME and LANGUAGE are).

    Args:
        code: Upper-case letters, digits and underscores, a letter before any digit; underscores may lead and trail (e.g. LOYALTY_TIER, _TARGA_). Unique and not reserved.
            Required.
        label: Human-readable label; unique and not reserved.
            Required.
        example: Sample value.
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
    return _envelope(CreateCustomFieldOutput, _call("SPOKI_CREATE_CUSTOM_FIELD", _params, client), "SPOKI_CREATE_CUSTOM_FIELD")


def create_custom_field_or_raise(
    *,
    code: str,
    label: str,
    example: str,
    field_type: FieldType,
    client: Client | None = None,
) -> CustomField:
    """Create custom field

    Like `create_custom_field` (same arguments), but returns `data` as
    CustomField and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_CREATE_CUSTOM_FIELD (POST custom-fields/).
    """
    result = create_custom_field(
        code=code,
        label=label,
        example=example,
        field_type=field_type,
        client=client,
    )
    return result.unwrap()


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

    Creates a contact or updates the one with the same phone number (an upsert matched by phone); on an existing contact, fields left out stay as they are. Returns the contact, without its custom field values, lists and tags.

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
    return _envelope(CreateOrUpdateContactOutput, _call("SPOKI_CREATE_OR_UPDATE_CONTACT", _params, client), "SPOKI_CREATE_OR_UPDATE_CONTACT")


def create_or_update_contact_or_raise(
    *,
    phone: str,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    language: str | None = None,
    custom_fields: dict[str, str] | None = None,
    client: Client | None = None,
) -> ContactSummary:
    """Create or update contact

    Like `create_or_update_contact` (same arguments), but returns `data` as
    ContactSummary and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_CREATE_OR_UPDATE_CONTACT (POST contacts/sync/).
    """
    result = create_or_update_contact(
        phone=phone,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
        custom_fields=custom_fields,
        client=client,
    )
    return result.unwrap()


def delete_contact(
    *,
    id: int,
    client: Client | None = None,
) -> DeleteContactOutput:
    """Delete contact

    Permanently deletes a contact by its id; `data` is empty (204 No Content). A contact that no longer exists fails with 404.

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
    return _envelope(DeleteContactOutput, _call("SPOKI_DELETE_CONTACT", _params, client), "SPOKI_DELETE_CONTACT")


def delete_contact_or_raise(
    *,
    id: int,
    client: Client | None = None,
) -> Any:
    """Delete contact

    Like `delete_contact` (same arguments), but returns `data` as
    Any and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_DELETE_CONTACT (DELETE contacts/{id}/).
    """
    result = delete_contact(
        id=id,
        client=client,
    )
    return result.unwrap()


def get_account_current_report(
    *,
    account_id: int,
    client: Client | None = None,
) -> GetAccountCurrentReportOutput:
    """Get account current report

    Retrieves the report of an account for the current period: contacts reached, conversations, and messages sent, delivered, read, received, free and template. Refreshed every 30 minutes (answers are cached as long).

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
    return _envelope(GetAccountCurrentReportOutput, _call("SPOKI_GET_ACCOUNT_CURRENT_REPORT", _params, client), "SPOKI_GET_ACCOUNT_CURRENT_REPORT")


def get_account_current_report_or_raise(
    *,
    account_id: int,
    client: Client | None = None,
) -> AccountReport:
    """Get account current report

    Like `get_account_current_report` (same arguments), but returns `data` as
    AccountReport and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_GET_ACCOUNT_CURRENT_REPORT (GET accounts/{id}/current_report/).
    """
    result = get_account_current_report(
        account_id=account_id,
        client=client,
    )
    return result.unwrap()


def list_agencies(
    *,
    client: Client | None = None,
) -> ListAgenciesOutput:
    """List agencies

    Lists every agency visible to the API key (all pages, as one array), each with its id and account id.

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
    return _envelope(ListAgenciesOutput, _call("SPOKI_LIST_AGENCIES", _params, client), "SPOKI_LIST_AGENCIES")


def list_agencies_or_raise(
    *,
    client: Client | None = None,
) -> list[Agency]:
    """List agencies

    Like `list_agencies` (same arguments), but returns `data` as
    list[Agency] and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_LIST_AGENCIES (GET agencies/).
    """
    result = list_agencies(
        client=client,
    )
    return result.unwrap()


def list_automations(
    *,
    search: str | None = None,
    is_active: bool | None = None,
    webhook_platform: Literal["Api", "Active Campaign", "Woocommerce", "Magento", "Prestashop", "Shopify", "Zapier", "Qapla'", "BrainLead", "HubSpot", "Klaviyo", "Zoho", "Sendinblue", "WPNotif", "Connectif", "IFTTT", "Pipedrive", "Meta", "Zendesk"] | None = None,
    client: Client | None = None,
) -> ListAutomationsOutput:
    """List automations

    Retrieves the automations of the account, optionally filtered. Returns the first page with the total `count`; each automation carries its webhooks.

    Args:
        search: Text matched against the automation's name and webhook links.
        is_active: true: active automations only; false: inactive ones only.
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
    return _envelope(ListAutomationsOutput, _call("SPOKI_LIST_AUTOMATIONS", _params, client), "SPOKI_LIST_AUTOMATIONS")


def list_automations_or_raise(
    *,
    search: str | None = None,
    is_active: bool | None = None,
    webhook_platform: Literal["Api", "Active Campaign", "Woocommerce", "Magento", "Prestashop", "Shopify", "Zapier", "Qapla'", "BrainLead", "HubSpot", "Klaviyo", "Zoho", "Sendinblue", "WPNotif", "Connectif", "IFTTT", "Pipedrive", "Meta", "Zendesk"] | None = None,
    client: Client | None = None,
) -> AutomationPage:
    """List automations

    Like `list_automations` (same arguments), but returns `data` as
    AutomationPage and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_LIST_AUTOMATIONS (GET automations/).
    """
    result = list_automations(
        search=search,
        is_active=is_active,
        webhook_platform=webhook_platform,
        client=client,
    )
    return result.unwrap()


def list_campaigns(
    *,
    scheduled_datetime_gte: str | None = None,
    scheduled_datetime_lte: str | None = None,
    client: Client | None = None,
) -> ListCampaignsOutput:
    """List campaigns

    Retrieves a page of campaigns, optionally those scheduled in a range (YYYY-MM-DD or ISO-8601 date-times).

    Args:
        scheduled_datetime_gte: Scheduled at or after this.
        scheduled_datetime_lte: Scheduled at or before this.
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
    return _envelope(ListCampaignsOutput, _call("SPOKI_LIST_CAMPAIGNS", _params, client), "SPOKI_LIST_CAMPAIGNS")


def list_campaigns_or_raise(
    *,
    scheduled_datetime_gte: str | None = None,
    scheduled_datetime_lte: str | None = None,
    client: Client | None = None,
) -> CampaignPage:
    """List campaigns

    Like `list_campaigns` (same arguments), but returns `data` as
    CampaignPage and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_LIST_CAMPAIGNS (GET campaigns/).
    """
    result = list_campaigns(
        scheduled_datetime_gte=scheduled_datetime_gte,
        scheduled_datetime_lte=scheduled_datetime_lte,
        client=client,
    )
    return result.unwrap()


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

    Retrieves a page of contacts, optionally filtered. Returns the first page with the total `count`; each contact carries its custom field values, lists and tags.

    Args:
        search: Free-text search over phone, email, first and last name, language and notes.
        tag: Only contacts carrying this tag (its id).
        email: Email address, matched exactly.
        phone: Phone number in E.164 form with the leading +, matched exactly (without the + nothing matches).
        language: Language code.
        first_name: First name.
        last_name: Last name.
        is_blocked: true: blocked contacts only; false: contacts not blocked.
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
    return _envelope(ListContactsOutput, _call("SPOKI_LIST_CONTACTS", _params, client), "SPOKI_LIST_CONTACTS")


def list_contacts_or_raise(
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
) -> ContactPage:
    """List contacts

    Like `list_contacts` (same arguments), but returns `data` as
    ContactPage and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_LIST_CONTACTS (GET contacts/).
    """
    result = list_contacts(
        search=search,
        tag=tag,
        email=email,
        phone=phone,
        language=language,
        first_name=first_name,
        last_name=last_name,
        is_blocked=is_blocked,
        client=client,
    )
    return result.unwrap()


def list_tags(
    *,
    client: Client | None = None,
) -> ListTagsOutput:
    """List tags

    Retrieves the tags of the account (name, hex colour and sort index): the first page, with the total `count`.

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
    return _envelope(ListTagsOutput, _call("SPOKI_LIST_TAGS", _params, client), "SPOKI_LIST_TAGS")


def list_tags_or_raise(
    *,
    client: Client | None = None,
) -> TagPage:
    """List tags

    Like `list_tags` (same arguments), but returns `data` as
    TagPage and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_LIST_TAGS (GET tags/).
    """
    result = list_tags(
        client=client,
    )
    return result.unwrap()


def list_templates(
    *,
    search: str | None = None,
    client: Client | None = None,
) -> ListTemplatesOutput:
    """List templates

    Retrieves the WhatsApp message templates of the account, optionally matching a search. Returns the first page with the total `count`; each template carries its localizations (language, approval status, header, body, footer, buttons, default header media URL).

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
    return _envelope(ListTemplatesOutput, _call("SPOKI_LIST_TEMPLATES", _params, client), "SPOKI_LIST_TEMPLATES")


def list_templates_or_raise(
    *,
    search: str | None = None,
    client: Client | None = None,
) -> TemplatePage:
    """List templates

    Like `list_templates` (same arguments), but returns `data` as
    TemplatePage and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_LIST_TEMPLATES (GET templates/).
    """
    result = list_templates(
        search=search,
        client=client,
    )
    return result.unwrap()


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

    Retrieves a page of support tickets, optionally filtered by status and sorted. Each ticket carries its contact (with the users' roles towards it) and its owner.

    Args:
        page: Page number, from 1.
        per_page: Number of tickets per page.
        order: Sort direction of sort_by.
        sort_by: Field to sort by, e.g. created_datetime.
        status: Ticket status, sent as given; tickets carry Open, In Progress, Pending or Closed (title case).
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
    return _envelope(ListTicketsOutput, _call("SPOKI_LIST_TICKETS", _params, client), "SPOKI_LIST_TICKETS")


def list_tickets_or_raise(
    *,
    page: int | None = None,
    per_page: int | None = None,
    order: Literal["asc", "desc"] | None = None,
    sort_by: str | None = None,
    status: str | None = None,
    client: Client | None = None,
) -> TicketPage:
    """List tickets

    Like `list_tickets` (same arguments), but returns `data` as
    TicketPage and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_LIST_TICKETS (GET tickets/).
    """
    result = list_tickets(
        page=page,
        per_page=per_page,
        order=order,
        sort_by=sort_by,
        status=status,
        client=client,
    )
    return result.unwrap()


def retrieve_account(
    *,
    account_id: int,
    client: Client | None = None,
) -> RetrieveAccountOutput:
    """Retrieve account

    Retrieves one account by its id: name, type, status, phone and its status, defaults (country, language, prefix, timezone), credit (thousandths of a euro), low-credit alert, daily limit, recent contact counts and quality score.

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
    return _envelope(RetrieveAccountOutput, _call("SPOKI_RETRIEVE_ACCOUNT", _params, client), "SPOKI_RETRIEVE_ACCOUNT")


def retrieve_account_or_raise(
    *,
    account_id: int,
    client: Client | None = None,
) -> Account:
    """Retrieve account

    Like `retrieve_account` (same arguments), but returns `data` as
    Account and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_RETRIEVE_ACCOUNT (GET accounts/{id}/).
    """
    result = retrieve_account(
        account_id=account_id,
        client=client,
    )
    return result.unwrap()


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
    return _envelope(RetrieveAutomationOutput, _call("SPOKI_RETRIEVE_AUTOMATION", _params, client), "SPOKI_RETRIEVE_AUTOMATION")


def retrieve_automation_or_raise(
    *,
    id: int,
    client: Client | None = None,
) -> Automation:
    """Retrieve automation

    Like `retrieve_automation` (same arguments), but returns `data` as
    Automation and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_RETRIEVE_AUTOMATION (GET automations/{id}/).
    """
    result = retrieve_automation(
        id=id,
        client=client,
    )
    return result.unwrap()


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
    return _envelope(RetrieveContactOutput, _call("SPOKI_RETRIEVE_CONTACT", _params, client), "SPOKI_RETRIEVE_CONTACT")


def retrieve_contact_or_raise(
    *,
    contact_id: int,
    client: Client | None = None,
) -> Contact:
    """Retrieve contact

    Like `retrieve_contact` (same arguments), but returns `data` as
    Contact and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_RETRIEVE_CONTACT (GET contacts/{id}/).
    """
    result = retrieve_contact(
        contact_id=contact_id,
        client=client,
    )
    return result.unwrap()


def retrieve_tag(
    *,
    id: int,
    client: Client | None = None,
) -> RetrieveTagOutput:
    """Retrieve tag

    Retrieves one tag by its id: name, hex colour and sort index (each may be null).

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
    return _envelope(RetrieveTagOutput, _call("SPOKI_RETRIEVE_TAG", _params, client), "SPOKI_RETRIEVE_TAG")


def retrieve_tag_or_raise(
    *,
    id: int,
    client: Client | None = None,
) -> RetrievedTag:
    """Retrieve tag

    Like `retrieve_tag` (same arguments), but returns `data` as
    RetrievedTag and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_RETRIEVE_TAG (GET tags/{id}/).
    """
    result = retrieve_tag(
        id=id,
        client=client,
    )
    return result.unwrap()


def retrieve_template(
    *,
    template_id: int,
    client: Client | None = None,
) -> RetrieveTemplateOutput:
    """Retrieve template

    Retrieves one WhatsApp message template by its id: category, approval and favourite flags, placeholder codes and localizations (language, approval status, header, body, footer, buttons, default header media).

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
    return _envelope(RetrieveTemplateOutput, _call("SPOKI_RETRIEVE_TEMPLATE", _params, client), "SPOKI_RETRIEVE_TEMPLATE")


def retrieve_template_or_raise(
    *,
    template_id: int,
    client: Client | None = None,
) -> Template:
    """Retrieve template

    Like `retrieve_template` (same arguments), but returns `data` as
    Template and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_RETRIEVE_TEMPLATE (GET templates/{id}/).
    """
    result = retrieve_template(
        template_id=template_id,
        client=client,
    )
    return result.unwrap()


def spoki_list_custom_fields(
    *,
    code: str | None = None,
    label: str | None = None,
    client: Client | None = None,
) -> SpokiListCustomFieldsOutput:
    """List custom fields

    Lists every custom contact field of the account (all pages), optionally filtered by code and label. Returns `{custom_fields: [...]}`: each field's code, label, sample value and type, without ids.

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
    return _envelope(SpokiListCustomFieldsOutput, _call("SPOKI_SPOKI_LIST_CUSTOM_FIELDS", _params, client), "SPOKI_SPOKI_LIST_CUSTOM_FIELDS")


def spoki_list_custom_fields_or_raise(
    *,
    code: str | None = None,
    label: str | None = None,
    client: Client | None = None,
) -> SpokiListCustomFieldsData:
    """List custom fields

    Like `spoki_list_custom_fields` (same arguments), but returns `data` as
    SpokiListCustomFieldsData and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_SPOKI_LIST_CUSTOM_FIELDS (GET custom-fields/).
    """
    result = spoki_list_custom_fields(
        code=code,
        label=label,
        client=client,
    )
    return result.unwrap()


def spoki_list_partners(
    *,
    client: Client | None = None,
) -> SpokiListPartnersOutput:
    """List partners

    Retrieves the partners page (`GET partners/`); a partner's shape is not documented (plain objects).

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
    return _envelope(SpokiListPartnersOutput, _call("SPOKI_SPOKI_LIST_PARTNERS", _params, client), "SPOKI_SPOKI_LIST_PARTNERS")


def spoki_list_partners_or_raise(
    *,
    client: Client | None = None,
) -> PartnerPage:
    """List partners

    Like `spoki_list_partners` (same arguments), but returns `data` as
    PartnerPage and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_SPOKI_LIST_PARTNERS (GET partners/).
    """
    result = spoki_list_partners(
        client=client,
    )
    return result.unwrap()


def spoki_list_tags(
    *,
    client: Client | None = None,
) -> SpokiListTagsOutput:
    """List tags (Spoki catalogue variant)

    Retrieves the tags of the account (name, hex colour and sort index): the first page, with the total `count`. Same request and output as SPOKI_LIST_TAGS, under its own catalogue name.

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
    return _envelope(SpokiListTagsOutput, _call("SPOKI_SPOKI_LIST_TAGS", _params, client), "SPOKI_SPOKI_LIST_TAGS")


def spoki_list_tags_or_raise(
    *,
    client: Client | None = None,
) -> TagPage:
    """List tags (Spoki catalogue variant)

    Like `spoki_list_tags` (same arguments), but returns `data` as
    TagPage and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_SPOKI_LIST_TAGS (GET tags/).
    """
    result = spoki_list_tags(
        client=client,
    )
    return result.unwrap()


def spoki_list_templates(
    *,
    search: str | None = None,
    client: Client | None = None,
) -> SpokiListTemplatesOutput:
    """List templates (Spoki catalogue variant)

    Retrieves the WhatsApp message templates of the account, optionally matching a search: the first page, with the total `count`. Same request as SPOKI_LIST_TEMPLATES; its published output differs: buttons have no `url`, and a localization's `default_header_media` is an object (title, media URL, content type), not a URL.

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
    return _envelope(SpokiListTemplatesOutput, _call("SPOKI_SPOKI_LIST_TEMPLATES", _params, client), "SPOKI_SPOKI_LIST_TEMPLATES")


def spoki_list_templates_or_raise(
    *,
    search: str | None = None,
    client: Client | None = None,
) -> SpokiTemplatePage:
    """List templates (Spoki catalogue variant)

    Like `spoki_list_templates` (same arguments), but returns `data` as
    SpokiTemplatePage and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_SPOKI_LIST_TEMPLATES (GET templates/).
    """
    result = spoki_list_templates(
        search=search,
        client=client,
    )
    return result.unwrap()


def spoki_retrieve_custom_field(
    *,
    custom_field_id: int,
    client: Client | None = None,
) -> SpokiRetrieveCustomFieldOutput:
    """Retrieve custom field

    Retrieves one custom contact field by its id: code, label, sample value and type.

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
    return _envelope(SpokiRetrieveCustomFieldOutput, _call("SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD", _params, client), "SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD")


def spoki_retrieve_custom_field_or_raise(
    *,
    custom_field_id: int,
    client: Client | None = None,
) -> CustomField:
    """Retrieve custom field

    Like `spoki_retrieve_custom_field` (same arguments), but returns `data` as
    CustomField and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_SPOKI_RETRIEVE_CUSTOM_FIELD (GET custom-fields/{id}/).
    """
    result = spoki_retrieve_custom_field(
        custom_field_id=custom_field_id,
        client=client,
    )
    return result.unwrap()


def update_custom_field(
    *,
    custom_field_id: int,
    label: str,
    client: Client | None = None,
) -> UpdateCustomFieldOutput:
    """Update custom field

    Renames a custom contact field: only its label can change (code and type are fixed). Returns the updated field.

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
    return _envelope(UpdateCustomFieldOutput, _call("SPOKI_UPDATE_CUSTOM_FIELD", _params, client), "SPOKI_UPDATE_CUSTOM_FIELD")


def update_custom_field_or_raise(
    *,
    custom_field_id: int,
    label: str,
    client: Client | None = None,
) -> UpdatedCustomField:
    """Update custom field

    Like `update_custom_field` (same arguments), but returns `data` as
    UpdatedCustomField and raises instead of returning a failed envelope: the
    call's `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, ...),
    `ConfigurationError` without settings, or `InvalidResponseError` when the answer does not have
    the documented shape.

    Runs SPOKI_UPDATE_CUSTOM_FIELD (PATCH custom-fields/{id}/).
    """
    result = update_custom_field(
        custom_field_id=custom_field_id,
        label=label,
        client=client,
    )
    return result.unwrap()
