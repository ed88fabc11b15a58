# generated from specs/ by `spoki-actions generate`; do not edit
"""Pydantic v2 models of every Spoki action, from datamodel-code-generator.

`<Action>Input` holds an action's params (unknown keys refused); `<Action>Output` its envelope
(`data`, `error`, `successful`), read leniently: unknown fields are kept, and a `data` that does not
match the documented shape stays the raw JSON value (`data` is tried left to right). Shared shapes
and enums are defined once; integer enums are IntEnums (`FieldType.TEXT == 1`).
"""

from __future__ import annotations

from typing import Annotated, Any, cast
from pydantic import BaseModel, ConfigDict, Field
from enum import IntEnum, StrEnum

from ._envelope import Envelope


class AccountReport(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    account: Annotated[int | None, Field(description='Account id.')] = None
    period_start: Annotated[str | None, Field(description='First day of the reported period (YYYY-MM-DD).')] = None
    contacted_contacts: int | None = None
    conversation_count: int | None = None
    exchanged_messages: int | None = None
    sent_message_count: int | None = None
    delivered_message_count: int | None = None
    read_message_count: int | None = None
    incoming_message_count: int | None = None
    free_message_count: int | None = None
    template_message_count: int | None = None


class AccountType(IntEnum):
    SANDBOX = 1
    STANDARD = 2
    AGENCY = 4


class Agency(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: Annotated[int, Field(description='Agency id.')]
    account: Annotated[int, Field(description='Account id of the agency.')]


class CampaignAutomation(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    name: str


class ContactFieldValue(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    field: Annotated[int, Field(description='Custom field id.')]
    visual_code: Annotated[str, Field(description='Placeholder code of the field, as used in templates.', examples=['%%WEBSITE%%'])]
    value: str
    value_datetime: Annotated[str | None, Field(description='The value as a timestamp, for DATE and DATETIME fields.')] = None


class ContactList(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    name: str
    color: Annotated[str | None, Field(description='Hex colour.')] = None
    contacts_count: int
    created_datetime: str


class ContactSummary(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    phone: Annotated[str, Field(description='Phone number in E.164 form, with the leading +.')]
    first_name: str
    last_name: str
    email: str | None = None
    language: Annotated[str, Field(description='Language code.')]
    has_invalid_phone: bool
    chat_link: Annotated[str, Field(description="Link to the contact's chat in the Spoki app.")]


class ContactTag(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    name: str
    color: Annotated[str | None, Field(description='Hex colour.')] = None
    order: Annotated[int, Field(description='Sort index.')]


class FieldType(IntEnum):
    TEXT = 1
    DATE = 2
    DATETIME = 3


class ListedContact(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    phone: Annotated[str, Field(description='Phone number in E.164 form, with the leading +.')]
    first_name: str
    last_name: str
    email: str | None = None
    language: Annotated[str, Field(description='Language code.')]
    has_invalid_phone: bool
    chat_link: Annotated[str, Field(description="Link to the contact's chat in the Spoki app.")]
    created_datetime: str
    contactfield_set: list[ContactFieldValue]
    list_set: list[ContactList]
    tag_set: list[ContactTag]


class ListedTemplateComponent(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    component_type: Annotated[str, Field(description='Which part this is (header, body or footer).')]
    format: Annotated[str | None, Field(description='Content format of the component (e.g. TEXT, IMAGE for a header), if any.')] = None
    text: Annotated[str | None, Field(description='Text, with placeholders.')] = None


class Order(StrEnum):
    asc = 'asc'
    desc = 'desc'


class PartnerPage(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    count: Annotated[int, Field(description='Total number of partners, over all pages.')]
    next: Annotated[str | None, Field(description='URL of the next page, or null on the last page.')] = None
    previous: Annotated[str | None, Field(description='URL of the previous page, or null on the first page.')] = None
    results: list[dict[str, Any]]


class RetrievedTag(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int | None = None
    name: str | None = None
    color: Annotated[str | None, Field(description='Hex colour.')] = None
    order: Annotated[int | None, Field(description='Sort index.')] = None


class SpokiTemplateButton(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    button_type: str
    order: Annotated[int, Field(description='Position among the buttons.')]
    text: Annotated[str, Field(description='Button caption.')]
    phone_number: Annotated[str | None, Field(description='Number called by a call button.')] = None


class SpokiTemplateHeaderMedia(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    title: str
    media: Annotated[str, Field(description='URL of the media file.')]
    content_type: Annotated[str, Field(description='MIME type of the media.', examples=['image/png', 'video/mp4'])]


class Tag(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    name: str
    color: Annotated[str, Field(description='Hex colour.')]
    order: Annotated[int, Field(description='Sort index.')]


class TagPage(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    count: Annotated[int, Field(description='Total number of tags, over all pages.')]
    next: Annotated[str | None, Field(description='URL of the next page, or null on the last page.')] = None
    previous: Annotated[str | None, Field(description='URL of the previous page, or null on the first page.')] = None
    results: list[Tag]


class TemplateButton(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    button_type: str
    order: Annotated[int, Field(description='Position among the buttons.')]
    text: Annotated[str, Field(description='Button caption.')]
    phone_number: Annotated[str | None, Field(description='Number called by a call button.')] = None
    url: Annotated[str | None, Field(description='Link opened by a URL button.')] = None


class TemplateComponent(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    component_type: Annotated[str, Field(description='Which part this is (header, body or footer).')]
    format: Annotated[str | None, Field(description='Content format of the component (e.g. TEXT, IMAGE for a header), if any.')] = None
    text: Annotated[str, Field(description='Text, with placeholders.')]


class TemplateHeaderMedia(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    filename: str
    url: str


class TemplateLocalization(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    language: Annotated[str, Field(description='Language code.')]
    status: Annotated[str | int, Field(description='Approval status: a word (APPROVED, PENDING, REJECTED) as the catalogue gives it, or a code as one live integration reads it (0 draft, 1 pending, 2 or 4 approved, 3 rejected).')]
    rejection_reason: str | None = None
    header: TemplateComponent | None = None
    body: TemplateComponent
    footer: TemplateComponent | None = None
    button_set: list[TemplateButton]
    default_header_media: TemplateHeaderMedia | None = None


class UpdatedCustomField(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    code: Annotated[str, Field(description='Field code, upper-case with underscores (e.g. LOYALTY_TIER).')]
    label: Annotated[str, Field(description='Human-readable label (the new one).')]
    example: Annotated[str | None, Field(description='Sample value.')] = None
    field_type: Annotated[FieldType, Field(description='Value type (1 TEXT, 2 DATE, 3 DATETIME).')]


class User(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    uid: str
    email: str
    firstname: str
    surname: str
    image: Annotated[str | None, Field(description='Avatar URL.')] = None
    is_service: Annotated[bool, Field(description='True for a service (non-human) user.')]


class Webhook(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    uuid: str
    link: Annotated[str, Field(description="URL that receives the platform's calls.")]
    secret: str
    is_active: bool


class WebhookPlatform(StrEnum):
    Api = 'Api'
    Active_Campaign = 'Active Campaign'
    Woocommerce = 'Woocommerce'
    Magento = 'Magento'
    Prestashop = 'Prestashop'
    Shopify = 'Shopify'
    Zapier = 'Zapier'
    Qapla_ = 'Qapla\''
    BrainLead = 'BrainLead'
    HubSpot = 'HubSpot'
    Klaviyo = 'Klaviyo'
    Zoho = 'Zoho'
    Sendinblue = 'Sendinblue'
    WPNotif = 'WPNotif'
    Connectif = 'Connectif'
    IFTTT = 'IFTTT'
    Pipedrive = 'Pipedrive'
    Meta = 'Meta'
    Zendesk = 'Zendesk'


class CreateCustomFieldInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    code: Annotated[str, Field(description='Upper-case letters, digits and underscores, a letter before any digit; underscores may lead and trail (e.g. LOYALTY_TIER, _TARGA_). Unique and not reserved.', examples=['LOYALTY_TIER'], pattern='^_*[A-Z][A-Z0-9_]*$')]
    label: Annotated[str, Field(description='Human-readable label; unique and not reserved.', examples=['Loyalty tier'])]
    example: Annotated[str, Field(description='Sample value.', examples=['Gold'])]
    field_type: Annotated[FieldType, Field(description='Value type (1 TEXT, 2 DATE, 3 DATETIME).', examples=[1])]


class CreateOrUpdateContactInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    phone: Annotated[str, Field(description='Phone number in E.164 form, with the leading + (the key the contact is matched by).', examples=['+393331234567'], pattern='^\\+[1-9][0-9]{6,14}$')]
    first_name: Annotated[str | None, Field(description='First name.', examples=['Maria'])] = None
    last_name: Annotated[str | None, Field(description='Last name.', examples=['Rossi'])] = None
    email: Annotated[str | None, Field(description='Email address.', examples=['maria.rossi@example.com'])] = None
    language: Annotated[str | None, Field(description='Language code.', examples=['it'])] = None
    custom_fields: Annotated[dict[str, str] | None, Field(description='Custom field values by field code (CODE → value, as a string).', examples=[{'LOYALTY_TIER': 'Gold'}])] = None


class CreateOrUpdateContactOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[ContactSummary | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> ContactSummary:
        """`data` as `ContactSummary` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('ContactSummary', self._unwrap(lambda d: isinstance(d, ContactSummary)))


class DeleteContactInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    id: Annotated[int, Field(description='Id of the contact to delete.', examples=[1234], ge=1)]


class DeleteContactOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Any
    error: str | None
    successful: bool

    def unwrap(self) -> Any:
        """`data` as `Any` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return self._unwrap(None)


class GetAccountCurrentReportInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    account_id: Annotated[int, Field(description='Id of the account.', examples=[1001], ge=1)]


class GetAccountCurrentReportOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[AccountReport | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> AccountReport:
        """`data` as `AccountReport` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('AccountReport', self._unwrap(lambda d: isinstance(d, AccountReport)))


class ListAgenciesInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )


class ListAgenciesOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[list[Agency] | list[Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> list[Agency]:
        """`data` as `list[Agency]` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('list[Agency]', self._unwrap(lambda d: isinstance(d, list) and all(isinstance(x, Agency) for x in d)))


class ListAutomationsInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    search: Annotated[str | None, Field(description="Text matched against the automation's name and webhook links.", examples=['welcome'])] = None
    is_active: Annotated[bool | None, Field(description='true: active automations only; false: inactive ones only.', examples=[True])] = None
    webhook_platform: Annotated[WebhookPlatform | None, Field(description="Platform of the automation's webhook.", examples=['Shopify'])] = None


class ListCampaignsInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    scheduled_datetime_gte: Annotated[str | None, Field(description='Scheduled at or after this.', examples=['2024-05-01'], pattern='^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-9.]+)?(Z|[+-][0-9:]+)?)?$')] = None
    scheduled_datetime_lte: Annotated[str | None, Field(description='Scheduled at or before this.', examples=['2024-05-31T23:59Z'], pattern='^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-9.]+)?(Z|[+-][0-9:]+)?)?$')] = None


class ListContactsInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    search: Annotated[str | None, Field(description='Free-text search over phone, email, first and last name, language and notes.', examples=['rossi'])] = None
    tag: Annotated[int | None, Field(description='Only contacts carrying this tag (its id).', examples=[7], ge=1)] = None
    email: Annotated[str | None, Field(description='Email address, matched exactly.', examples=['maria.rossi@example.com'])] = None
    phone: Annotated[str | None, Field(description='Phone number in E.164 form with the leading +, matched exactly (without the + nothing matches).', examples=['+393331234567'])] = None
    language: Annotated[str | None, Field(description='Language code.', examples=['it'])] = None
    first_name: Annotated[str | None, Field(description='First name.', examples=['Maria'])] = None
    last_name: Annotated[str | None, Field(description='Last name.', examples=['Rossi'])] = None
    is_blocked: Annotated[bool | None, Field(description='true: blocked contacts only; false: contacts not blocked.', examples=[False])] = None


class ListTagsInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )


class ListTagsOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[TagPage | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> TagPage:
        """`data` as `TagPage` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('TagPage', self._unwrap(lambda d: isinstance(d, TagPage)))


class ListTemplatesInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    search: Annotated[str | None, Field(description="Text matched against the template's id, name and text.", examples=['order_confirmation'])] = None


class ListTicketsInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    page: Annotated[int | None, Field(description='Page number, from 1.', examples=[1], ge=1)] = None
    per_page: Annotated[int | None, Field(description='Number of tickets per page.', examples=[20], ge=1)] = None
    order: Annotated[Order | None, Field(description='Sort direction of sort_by.', examples=['desc'])] = None
    sort_by: Annotated[str | None, Field(description='Field to sort by, e.g. created_datetime.', examples=['created_datetime'])] = None
    status: Annotated[str | None, Field(description='Ticket status, sent as given; tickets carry Open, In Progress, Pending or Closed (title case).', examples=['Open'])] = None


class RetrieveAccountInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    account_id: Annotated[int, Field(description='Id of the account.', examples=[1001], ge=1)]


class RetrieveAutomationInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    id: Annotated[int, Field(description='Id of the automation.', examples=[55], ge=1)]


class RetrieveContactInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    contact_id: Annotated[int, Field(description='Id of the contact.', examples=[1234], ge=1)]


class RetrieveTagInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    id: Annotated[int, Field(description='Id of the tag.', examples=[7], ge=1)]


class RetrieveTagOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[RetrievedTag | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> RetrievedTag:
        """`data` as `RetrievedTag` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('RetrievedTag', self._unwrap(lambda d: isinstance(d, RetrievedTag)))


class RetrieveTemplateInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    template_id: Annotated[int, Field(description='Id of the template.', examples=[301], ge=1)]


class SpokiListCustomFieldsInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    code: Annotated[str | None, Field(description='Keep fields whose code contains this text (case-insensitive).', examples=['TIER'])] = None
    label: Annotated[str | None, Field(description='Keep fields whose label contains this text (case-insensitive).', examples=['loyalty'])] = None


class SpokiListPartnersInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )


class SpokiListPartnersOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[PartnerPage | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> PartnerPage:
        """`data` as `PartnerPage` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('PartnerPage', self._unwrap(lambda d: isinstance(d, PartnerPage)))


class SpokiListTagsInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )


class SpokiListTagsOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[TagPage | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> TagPage:
        """`data` as `TagPage` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('TagPage', self._unwrap(lambda d: isinstance(d, TagPage)))


class SpokiListTemplatesInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    search: Annotated[str | None, Field(description="Text matched against the template's id, name and text.", examples=['order_confirmation'])] = None


class SpokiRetrieveCustomFieldInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    custom_field_id: Annotated[int, Field(description='Id of the custom field.', examples=[12], ge=1)]


class UpdateCustomFieldInput(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    custom_field_id: Annotated[int, Field(description='Id of the custom field.', examples=[12], ge=1)]
    label: Annotated[str, Field(description='The new label; unique and not reserved.', examples=['Loyalty level'])]


class UpdateCustomFieldOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[UpdatedCustomField | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> UpdatedCustomField:
        """`data` as `UpdatedCustomField` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('UpdatedCustomField', self._unwrap(lambda d: isinstance(d, UpdatedCustomField)))


class Account(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: Annotated[int, Field(description='Account id.')]
    name: str
    account_type: Annotated[AccountType, Field(description='Kind of account (1 SANDBOX, 2 STANDARD, 4 AGENCY).')]
    is_active: bool
    status: str
    phone: Annotated[str, Field(description="The account's WhatsApp number.")]
    phone_status: str
    country_code: str
    default_country_code: str
    default_language: Annotated[str, Field(description='Language code.')]
    default_prefix: Annotated[str, Field(description='Default phone prefix.')]
    timezone: str
    current_credit: Annotated[int, Field(description='Current credit, an integer in thousandths of a euro (12500 = 12.50 EUR).')]
    low_credit_threshold: float
    has_low_credit_alert: bool
    default_pricing_delta: float
    daily_limit: Annotated[int, Field(description='Messages per day.')]
    contacted_in_24h: Annotated[int, Field(description='Contacts messaged in the last 24 hours.')]
    contacted_in_7d: Annotated[int, Field(description='Contacts messaged in the last 7 days.')]
    estimated_available_conversations: int
    has_official_verification: bool
    quality_score: float
    quality_reasons: str | None = None


class Automation(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    name: str
    is_active: bool
    first_message_text: str | None = None
    created_datetime: str
    updated_datetime: str
    webhook_set: list[Webhook]


class AutomationPage(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    count: Annotated[int, Field(description='Total number of automations matching the query, over all pages.')]
    next: Annotated[str | None, Field(description='URL of the next page, or null on the last page.')] = None
    previous: Annotated[str | None, Field(description='URL of the previous page, or null on the first page.')] = None
    results: list[Automation]


class Campaign(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    name: str
    status: Annotated[str, Field(description='Campaign status, e.g. Draft, Scheduled, Processing, Completed.', examples=['Draft', 'Scheduled', 'Processing', 'Completed'])]
    scheduled_datetime: str
    created_datetime: str
    automation: CampaignAutomation
    lists: list[ContactList]
    other_contacts: Annotated[list[int], Field(description='Ids of contacts targeted outside the lists.')]
    contacts_count: int
    messages_sent: int
    messages_received: int
    messages_read: int
    messages_failed: int
    automation_started: int
    automation_completed: int
    automation_failed: int
    automation_valid_failed: int
    automation_interacted_with: int


class CampaignPage(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    count: Annotated[int, Field(description='Total number of campaigns matching the query, over all pages.')]
    next: Annotated[str | None, Field(description='URL of the next page, or null on the last page.')] = None
    previous: Annotated[str | None, Field(description='URL of the previous page, or null on the first page.')] = None
    results: list[Campaign]


class Contact(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    phone: Annotated[str, Field(description='Phone number in E.164 form, with the leading +.')]
    first_name: str
    last_name: str
    email: str | None = None
    language: Annotated[str, Field(description='Language code.')]
    has_invalid_phone: bool
    chat_link: Annotated[str, Field(description="Link to the contact's chat in the Spoki app.")]
    created_datetime: str
    contactfield_set: list[ContactFieldValue]
    list_set: list[ContactList]
    tag_set: list[Tag]


class ContactPage(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    count: Annotated[int, Field(description='Total number of contacts matching the query, over all pages.')]
    next: Annotated[str | None, Field(description='URL of the next page, or null on the last page.')] = None
    previous: Annotated[str | None, Field(description='URL of the previous page, or null on the first page.')] = None
    results: list[ListedContact]


class ContactRole(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    role: Annotated[str, Field(description='Role name.')]
    user: User


class CustomField(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    code: Annotated[str, Field(description='Field code, upper-case with underscores (e.g. LOYALTY_TIER).')]
    label: Annotated[str, Field(description='Human-readable label.')]
    example: Annotated[str | None, Field(description='Sample value. May be absent.')] = None
    field_type: Annotated[FieldType, Field(description='Value type (1 TEXT, 2 DATE, 3 DATETIME).')]


class CustomFieldSummary(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    code: Annotated[str, Field(description='Field code, upper-case with underscores (e.g. LOYALTY_TIER).')]
    label: Annotated[str, Field(description='Human-readable label.')]
    example: Annotated[str | None, Field(description='Sample value.')] = None
    field_type: Annotated[FieldType, Field(description='Value type (1 TEXT, 2 DATE, 3 DATETIME).')]


class ListedTemplateLocalization(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    language: Annotated[str, Field(description='Language code.')]
    status: Annotated[str | int, Field(description='Approval status: a word (APPROVED, PENDING, REJECTED) as the catalogue gives it, or a code as one live integration reads it (0 draft, 1 pending, 2 or 4 approved, 3 rejected).')]
    rejection_reason: str | None = None
    header: ListedTemplateComponent | None = None
    body: ListedTemplateComponent
    footer: ListedTemplateComponent | None = None
    button_set: Annotated[list[TemplateButton] | None, Field(description='May be absent.')] = None
    default_header_media: Annotated[str | None, Field(description="URL of the header's default media.")] = None


class SpokiListedTemplateLocalization(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    language: Annotated[str, Field(description='Language code.')]
    status: Annotated[str | int, Field(description='Approval status: a word (APPROVED, PENDING, REJECTED) as the catalogue gives it, or a code as one live integration reads it (0 draft, 1 pending, 2 or 4 approved, 3 rejected).')]
    rejection_reason: str | None = None
    header: ListedTemplateComponent | None = None
    body: ListedTemplateComponent
    footer: ListedTemplateComponent | None = None
    button_set: Annotated[list[SpokiTemplateButton] | None, Field(description='May be absent.')] = None
    default_header_media: Annotated[SpokiTemplateHeaderMedia | str | None, Field(description='The catalogue publishes an object (title, media URL, content type) here, while the same endpoint answers SPOKI_LIST_TEMPLATES with a plain media URL; both forms are accepted.')] = None


class Template(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    name: str
    category: Annotated[str, Field(examples=['ACCOUNT_UPDATE'])]
    is_approved: bool
    is_favorite: bool
    customfield_set: Annotated[list[str], Field(description='Placeholder codes used by the template.')]
    templatelocalization_set: list[TemplateLocalization]


class TicketContact(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    phone: Annotated[str, Field(description='Phone number in E.164 form, with the leading +.')]
    first_name: str
    last_name: str
    email: str | None = None
    language: Annotated[str, Field(description='Language code.')]
    has_invalid_phone: bool
    chat_link: Annotated[str, Field(description="Link to the contact's chat in the Spoki app.")]
    role_set: list[ContactRole]


class CreateCustomFieldOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[CustomField | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> CustomField:
        """`data` as `CustomField` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('CustomField', self._unwrap(lambda d: isinstance(d, CustomField)))


class ListAutomationsOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[AutomationPage | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> AutomationPage:
        """`data` as `AutomationPage` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('AutomationPage', self._unwrap(lambda d: isinstance(d, AutomationPage)))


class ListCampaignsOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[CampaignPage | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> CampaignPage:
        """`data` as `CampaignPage` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('CampaignPage', self._unwrap(lambda d: isinstance(d, CampaignPage)))


class ListContactsOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[ContactPage | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> ContactPage:
        """`data` as `ContactPage` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('ContactPage', self._unwrap(lambda d: isinstance(d, ContactPage)))


class RetrieveAccountOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[Account | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> Account:
        """`data` as `Account` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('Account', self._unwrap(lambda d: isinstance(d, Account)))


class RetrieveAutomationOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[Automation | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> Automation:
        """`data` as `Automation` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('Automation', self._unwrap(lambda d: isinstance(d, Automation)))


class RetrieveContactOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[Contact | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> Contact:
        """`data` as `Contact` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('Contact', self._unwrap(lambda d: isinstance(d, Contact)))


class RetrieveTemplateOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[Template | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> Template:
        """`data` as `Template` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('Template', self._unwrap(lambda d: isinstance(d, Template)))


class SpokiListCustomFieldsData(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    custom_fields: list[CustomFieldSummary]


class SpokiRetrieveCustomFieldOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[CustomField | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> CustomField:
        """`data` as `CustomField` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('CustomField', self._unwrap(lambda d: isinstance(d, CustomField)))


class ListedTemplate(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    name: str
    category: Annotated[str, Field(examples=['ACCOUNT_UPDATE'])]
    is_approved: bool
    is_favorite: bool
    customfield_set: Annotated[list[str] | None, Field(description='Placeholder codes used by the template. May be absent.')] = None
    templatelocalization_set: list[ListedTemplateLocalization]


class SpokiListedTemplate(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    name: str
    category: Annotated[str, Field(examples=['ACCOUNT_UPDATE'])]
    is_approved: bool
    is_favorite: bool
    customfield_set: Annotated[list[str] | None, Field(description='Placeholder codes used by the template. May be absent.')] = None
    templatelocalization_set: list[SpokiListedTemplateLocalization]


class SpokiTemplatePage(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    count: Annotated[int, Field(description='Total number of templates matching the query, over all pages.')]
    next: Annotated[str | None, Field(description='URL of the next page, or null on the last page.')] = None
    previous: Annotated[str | None, Field(description='URL of the previous page, or null on the first page.')] = None
    results: list[SpokiListedTemplate]


class TemplatePage(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    count: Annotated[int, Field(description='Total number of templates matching the query, over all pages.')]
    next: Annotated[str | None, Field(description='URL of the next page, or null on the last page.')] = None
    previous: Annotated[str | None, Field(description='URL of the previous page, or null on the first page.')] = None
    results: list[ListedTemplate]


class Ticket(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    id: int
    title: str
    description: str | None = None
    reference: str | None = None
    status: Annotated[str, Field(description='Ticket status, e.g. Open, In Progress, Pending or Closed.', examples=['Open', 'In Progress', 'Pending', 'Closed'])]
    priority: Annotated[str, Field(description='Ticket priority, e.g. Lowest, Low, Medium, High or Highest.', examples=['Lowest', 'Low', 'Medium', 'High', 'Highest'])]
    contact: TicketContact
    owner: Annotated[User, Field(description='The user the ticket is assigned to.')]
    created_datetime: str
    updated_datetime: str
    closed_datetime: Annotated[str | None, Field(description='When the ticket was closed; null while it is open.')] = None


class TicketPage(BaseModel):
    model_config = ConfigDict(
        extra='allow',
    )
    count: int
    next: str | None
    previous: str | None
    results: list[Ticket]


class ListTemplatesOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[TemplatePage | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> TemplatePage:
        """`data` as `TemplatePage` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('TemplatePage', self._unwrap(lambda d: isinstance(d, TemplatePage)))


class ListTicketsOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[TicketPage | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> TicketPage:
        """`data` as `TicketPage` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('TicketPage', self._unwrap(lambda d: isinstance(d, TicketPage)))


class SpokiListCustomFieldsOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[SpokiListCustomFieldsData | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> SpokiListCustomFieldsData:
        """`data` as `SpokiListCustomFieldsData` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('SpokiListCustomFieldsData', self._unwrap(lambda d: isinstance(d, SpokiListCustomFieldsData)))


class SpokiListTemplatesOutput(Envelope):
    model_config = ConfigDict(
        extra='allow',
    )
    data: Annotated[SpokiTemplatePage | dict[str, Any], Field(union_mode='left_to_right')]
    error: str | None
    successful: bool

    def unwrap(self) -> SpokiTemplatePage:
        """`data` as `SpokiTemplatePage` when the call succeeded; else raises the call's error: an
        `ActionFailed` (a subclass per kind: InputError, AuthError, NotFoundError, RateLimitedError,
        UpstreamError, TransportError, ...), `ConfigurationError` without settings, or
        `InvalidResponseError` when the answer does not have the documented shape."""
        return cast('SpokiTemplatePage', self._unwrap(lambda d: isinstance(d, SpokiTemplatePage)))
