"""Every item of a cursor-paginated list, fetched lazily, page after page.

Which operations page, and through which parameter and fields, is the effective spec's fact
(``x-attentive-pagination``, read by ``Operation.pagination``). A generated endpoint module hands over how to fetch
one typed page (its own ``sync`` / ``asyncio``, so each page is one call under the client's validation, pacing,
retries and deadline) and where a page keeps its items; this module decides when to stop: ``hasMore`` false, or
no next cursor. A server that hands back a cursor it already gave would make the loop endless: that raises
``PaginationError`` instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from .errors import AttentiveError
from .spec import ApiSpec, Pagination

__all__ = ["PaginationError", "aiterate_items", "iterate_items"]

Item = TypeVar("Item")
PageT = TypeVar("PageT", bound="Page")


class Page(Protocol):
    """A typed page: a generated model, which gives back its JSON (the fields the spec names) with ``to_dict``."""

    def to_dict(self) -> dict[str, Any]: ...


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


class _Cursors:
    """The cursors met so far; the next one to send, or None when the list has ended."""

    def __init__(self, operation_id: str, pagination: Pagination) -> None:
        self.operation_id = operation_id
        self.pagination = pagination
        self.seen: set[str] = set()
        self.pages = 0

    def after(self, page: Mapping[str, Any]) -> str | None:
        self.pages += 1
        pagination = self.pagination
        if pagination.has_more_field is not None and page.get(pagination.has_more_field) is not True:
            return None
        cursor = page.get(pagination.cursor_field)
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
    items: Callable[[PageT], Sequence[Item]],
) -> Iterator[Item]:
    """Every item of ``operation_id``'s list: ``fetch(cursor)`` gets one typed page (``None``: the first), and
    ``items(page)`` its items. Nothing is fetched until the first item is asked for; an error raised by a page's
    call comes out of the iteration after the items of the pages before it."""
    cursors = _Cursors(operation_id, pagination_of(client, operation_id))
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        yield from items(page)
        cursor = cursors.after(page.to_dict())
        if cursor is None:
            return


async def aiterate_items(
    client: SpecOwner,
    operation_id: str,
    fetch: Callable[[str | None], Awaitable[PageT]],
    items: Callable[[PageT], Sequence[Item]],
) -> AsyncIterator[Item]:
    """``iterate_items`` for asyncio: ``fetch`` is awaited for each page."""
    cursors = _Cursors(operation_id, pagination_of(client, operation_id))
    cursor: str | None = None
    while True:
        page = await fetch(cursor)
        for item in items(page):
            yield item
        cursor = cursors.after(page.to_dict())
        if cursor is None:
            return
