"""Every item of a cursor-paginated list, fetched lazily, page after page.

Which operations page, and through which parameter and fields, is the effective spec's fact
(``x-attentive-pagination``, read by ``Operation.pagination``). A generated endpoint module hands over how to fetch
one typed page (its own ``sync`` / ``asyncio``, so each page is one call under the client's validation, pacing,
retries and deadline) and how to read a page's fields the spec names: its items, the next cursor and, when the spec
names one, whether more pages follow (``PageFields``: the model's own attributes, so a page is never serialised
again to find them). This module decides when to stop: ``hasMore`` false, or no next cursor. A server that hands
back a cursor it already gave would make the loop endless: that raises ``PaginationError`` instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Generic, Protocol, TypeVar

from attrs import frozen

from .errors import AttentiveError
from .spec import ApiSpec, Pagination

__all__ = ["PageFields", "PaginationError", "aiterate_items", "iterate_items"]

Item = TypeVar("Item")
PageT = TypeVar("PageT")


@frozen
class PageFields(Generic[PageT, Item]):
    """How to read a typed page's fields that ``x-attentive-pagination`` names: ``items`` (the items field),
    ``cursor`` (the cursor field) and ``has_more`` (the more-pages field; None when the spec names none). Each
    returns the attribute as the model holds it: a missing field is the generator's ``UNSET``, which is neither a
    cursor nor ``True``."""

    items: Callable[[PageT], Sequence[Item]]
    cursor: Callable[[PageT], object]
    has_more: Callable[[PageT], object] | None = None


class SpecOwner(Protocol):
    def spec(self) -> ApiSpec: ...


class PaginationError(AttentiveError):
    """The server's cursors don't lead to an end (a cursor came back a second time), or the spec names no way to
    page this operation."""


def pagination_of(client: SpecOwner, operation_id: str) -> Pagination:
    pagination = client.spec().operation(operation_id).pagination
    if pagination is None:
        raise PaginationError(
            f"{operation_id} is not cursor-paginated in the effective spec (no x-attentive-pagination)",
            operation_id=operation_id,
        )
    return pagination


class _Cursors(Generic[PageT, Item]):
    """The cursors met so far; the next one to send, or None when the list has ended."""

    def __init__(self, client: SpecOwner, operation_id: str, fields: PageFields[PageT, Item]) -> None:
        pagination = pagination_of(client, operation_id)
        self.operation_id = operation_id
        self.fields = fields
        # The spec may name no more-pages field; then only a missing cursor ends the list.
        self.has_more = fields.has_more if pagination.has_more_field is not None else None
        self.seen: set[str] = set()
        self.pages = 0

    def after(self, page: PageT) -> str | None:
        self.pages += 1
        if self.has_more is not None and self.has_more(page) is not True:
            return None
        cursor = self.fields.cursor(page)
        if not isinstance(cursor, str) or not cursor:
            return None
        if cursor in self.seen:
            raise PaginationError(
                f"{self.operation_id}: page {self.pages} gave back a cursor an earlier page gave; "
                "stopping instead of fetching the same pages forever",
                operation_id=self.operation_id,
            )
        self.seen.add(cursor)
        return cursor


def iterate_items(
    client: SpecOwner,
    operation_id: str,
    fetch: Callable[[str | None], PageT],
    fields: PageFields[PageT, Item],
) -> Iterator[Item]:
    """Every item of ``operation_id``'s list: ``fetch(cursor)`` gets one typed page (``None``: the first), and
    ``fields`` reads its items and where the next page starts. Nothing is fetched until the first item is asked
    for; an error raised by a page's call comes out of the iteration after the items of the pages before it."""
    cursors = _Cursors(client, operation_id, fields)
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        yield from fields.items(page)
        cursor = cursors.after(page)
        if cursor is None:
            return


async def aiterate_items(
    client: SpecOwner,
    operation_id: str,
    fetch: Callable[[str | None], Awaitable[PageT]],
    fields: PageFields[PageT, Item],
) -> AsyncIterator[Item]:
    """``iterate_items`` for asyncio: ``fetch`` is awaited for each page."""
    cursors = _Cursors(client, operation_id, fields)
    cursor: str | None = None
    while True:
        page = await fetch(cursor)
        for item in fields.items(page):
            yield item
        cursor = cursors.after(page)
        if cursor is None:
            return
