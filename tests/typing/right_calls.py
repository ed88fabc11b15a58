"""Calls mypy must accept (strict): the typed bindings as documented.

Not collected by pytest (no `test_` prefix); `tests/generator/test_typing.py` runs mypy on it.
"""

from __future__ import annotations

from spoki_actions.generated import aio
from spoki_actions.generated.actions import create_custom_field, list_tickets, list_tickets_or_raise
from spoki_actions.generated.models import CustomField, FieldType, ListTicketsOutput, TicketPage


def sync_calls() -> int:
    result: ListTicketsOutput = list_tickets(order="desc", page=1, status="OPEN")
    if result.successful and isinstance(result.data, TicketPage):
        return result.data.count
    created = create_custom_field(code="TIER", label="Tier", example="Gold", field_type=FieldType.TEXT)
    if isinstance(created.data, CustomField):
        kind: FieldType = created.data.field_type
        return int(kind)
    error: str | None = created.error
    return len(error or "")


async def async_calls() -> bool:
    result = await aio.list_tickets(order="asc")
    return result.successful


def typed_results() -> list[str]:
    """No isinstance needed: `unwrap()` and the raising variants return the documented type."""
    page: TicketPage = list_tickets(status="OPEN").unwrap()
    field: CustomField = create_custom_field(code="TIER", label="Tier", example="Gold",
                                             field_type=FieldType.TEXT).unwrap()
    titles = [t.title for t in list_tickets_or_raise(order="desc").results]
    return [*titles, str(page.count), field.label]


async def async_typed_results() -> int:
    page: TicketPage = await aio.list_tickets_or_raise(order="asc")
    return page.count + (await aio.list_tickets()).unwrap().count
