"""Calls mypy must reject: each `# E: <text>` comment names the error expected on the next line.

Not collected by pytest (no `test_` prefix); `tests/generator/test_typing.py` runs mypy on it.
"""

from __future__ import annotations

from spoki_actions.generated import aio
from spoki_actions.generated.actions import create_custom_field, list_tickets, retrieve_contact
from spoki_actions.generated.models import FieldType

# E: Argument "order" to "list_tickets" has incompatible type "Literal['up']"
list_tickets(order="up")
# E: Argument "field_type" to "create_custom_field" has incompatible type "int"; expected "FieldType"
create_custom_field(code="TIER", label="Tier", example="Gold", field_type=7)
# E: Missing named argument "code" for "create_custom_field"
create_custom_field(label="Tier", example="Gold", field_type=FieldType.TEXT)
# E: Missing named argument "contact_id" for "retrieve_contact"
retrieve_contact()
# E: Argument "contact_id" to "retrieve_contact" has incompatible type "str"; expected "int"
retrieve_contact(contact_id="12")
# E: Too many positional arguments for "list_tickets"
list_tickets("desc")
# E: Unexpected keyword argument "sort" for "list_tickets"
list_tickets(sort="id")
# E: Item "dict[str, Any]" of "TicketPage | dict[str, Any]" has no attribute "count"
count: int = list_tickets().data.count


async def wrong_async() -> None:
    # E: Argument "order" to "list_tickets" has incompatible type "Literal['up']"
    await aio.list_tickets(order="up")
    # E: "Coroutine[Any, Any, ListTicketsOutput]" has no attribute "successful"
    ok: bool = aio.list_tickets().successful
    print(ok)
