"""Every item of a cursor-paginated list, page by page: the runtime's iteration over a small fake server that pages
with opaque cursors (five items, two a page), as the vendor's ``GET /v2/segments`` does."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from attentive_client import AuthenticatedClient
from attentive_client.runtime import ApiSpec, PageFields, PaginationError, aiterate_items, errors, iterate_items

ITEMS = [{"id": f"thing-{number}"} for number in range(5)]
PAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "things": {"type": "array", "items": {"type": "object"}},
        "next": {"type": "string", "nullable": True},
        "more": {"type": "boolean"},
    },
}
DOCUMENT = {
    "openapi": "3.0.3",
    "paths": {
        "/things": {
            "get": {
                "operationId": "listThings",
                "x-attentive-pagination": {
                    "cursorParameter": "after",
                    "limitParameter": "size",
                    "cursorField": "next",
                    "hasMoreField": "more",
                },
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": PAGE_SCHEMA}}}},
            }
        }
    },
}
Handler = Callable[[httpx.Request], httpx.Response]


class Page:
    """Stands for a generated model: typed attributes, and ``to_dict`` giving back the JSON (counted: reading a
    page's cursor must not serialise it again)."""

    serialised = 0

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.things: list[str] = [item["id"] for item in body["things"]]
        self.next: str | None = body.get("next")
        self.more: bool | None = body.get("more")

    def to_dict(self) -> dict[str, Any]:
        Page.serialised += 1
        return self.body


FIELDS: PageFields[Page, str] = PageFields(
    items=lambda page: page.things, cursor=lambda page: page.next, has_more=lambda page: page.more
)


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def fake_server(fail_on_page: int | None = None, cursor_for: Callable[[int], str | None] | None = None) -> Handler:
    """Pages of ``size`` items; the cursor encodes where the next page starts."""
    pages = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal pages
        pages += 1
        if pages == fail_on_page:
            return httpx.Response(500, json={"message": "broken"})
        after = request.url.params.get("after")
        offset = int(base64.urlsafe_b64decode(after).decode().split(":")[1]) if after else 0
        size = int(request.url.params.get("size", "2"))
        end = offset + size
        more = end < len(ITEMS)
        cursor = (cursor_for or _cursor)(end) if more else None
        return httpx.Response(200, json={"things": ITEMS[offset:end], "next": cursor, "more": more})

    return handle


@pytest.fixture
def client_for() -> Iterator[Callable[[Handler], tuple[AuthenticatedClient, list[httpx.Request]]]]:
    made: list[AuthenticatedClient] = []

    def make(handler: Handler) -> tuple[AuthenticatedClient, list[httpx.Request]]:
        seen: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return handler(request)

        client = AuthenticatedClient(
            base_url="http://127.0.0.1:9",
            token="tok_test_0123456789",
            api=ApiSpec.from_document(DOCUMENT),
            max_retries=0,
            httpx_args={"transport": httpx.MockTransport(record)},
        )
        made.append(client)
        return client, seen

    yield make
    for client in made:
        client.get_httpx_client().close()


def fetcher(client: AuthenticatedClient) -> Callable[[str | None], Page]:
    def fetch(cursor: str | None) -> Page:
        params = {"size": 2, **({"after": cursor} if cursor else {})}
        sent = client.send("listThings", {"params": params})
        if sent.response.status_code != 200:
            raise client.error_for(sent)
        return Page(sent.response.json())

    return fetch


def test_every_item_comes_once_in_order_page_by_page(client_for: Any) -> None:
    client, seen = client_for(fake_server())

    items = list(iterate_items(client, "listThings", fetcher(client), FIELDS))

    assert items == [item["id"] for item in ITEMS]
    assert [request.url.params.get("after") for request in seen] == [None, _cursor(2), _cursor(4)]


def test_a_page_is_read_through_its_attributes_never_serialised_again(client_for: Any) -> None:
    client, seen = client_for(fake_server())
    before = Page.serialised

    items = list(iterate_items(client, "listThings", fetcher(client), FIELDS))

    assert len(items) == len(ITEMS) and len(seen) == 3
    assert Page.serialised == before


def test_more_false_ends_the_list_even_with_a_cursor(client_for: Any) -> None:
    client, seen = client_for(fake_server())
    claims_no_more = PageFields[Page, str](items=FIELDS.items, cursor=FIELDS.cursor, has_more=lambda page: False)

    items = list(iterate_items(client, "listThings", fetcher(client), claims_no_more))

    assert items == ["thing-0", "thing-1"]
    assert len(seen) == 1


def test_without_a_more_field_in_the_spec_the_cursor_alone_leads_on(client_for: Any) -> None:
    client, seen = client_for(fake_server())
    pages = {**DOCUMENT["paths"]["/things"]["get"]["x-attentive-pagination"]}
    del pages["hasMoreField"]
    document = {"openapi": "3.0.3", "paths": {"/things": {"get": {**DOCUMENT["paths"]["/things"]["get"]}}}}
    document["paths"]["/things"]["get"]["x-attentive-pagination"] = pages
    no_more_field = AuthenticatedClient(base_url="http://127.0.0.1:9", token="t", api=ApiSpec.from_document(document))
    # A more-pages reader the spec doesn't name is not consulted: the cursor alone says where the next page starts.
    claims_no_more = PageFields[Page, str](items=FIELDS.items, cursor=FIELDS.cursor, has_more=lambda page: False)

    items = list(iterate_items(no_more_field, "listThings", fetcher(client), claims_no_more))

    assert items == [item["id"] for item in ITEMS]
    assert len(seen) == 3


def test_nothing_is_fetched_before_an_item_is_asked_for_and_one_page_at_a_time(client_for: Any) -> None:
    client, seen = client_for(fake_server())

    things = iterate_items(client, "listThings", fetcher(client), FIELDS)
    assert seen == []
    assert [next(things), next(things)] == ["thing-0", "thing-1"]
    assert len(seen) == 1
    next(things)
    assert len(seen) == 2


def test_an_error_mid_way_comes_after_the_items_before_it(client_for: Any) -> None:
    client, _ = client_for(fake_server(fail_on_page=2))
    got: list[str] = []

    with pytest.raises(errors.ServerError) as raised:
        got.extend(iterate_items(client, "listThings", fetcher(client), FIELDS))

    assert got == ["thing-0", "thing-1"]
    assert raised.value.operation_id == "listThings"


def test_a_cursor_given_twice_stops_the_iteration_instead_of_looping(client_for: Any) -> None:
    client, seen = client_for(fake_server(cursor_for=lambda offset: "same-cursor-every-time"))

    with pytest.raises(PaginationError, match="gave back a cursor an earlier page gave"):
        list(iterate_items(client, "listThings", lambda cursor: Page(_stuck(client, cursor)), FIELDS))

    assert len(seen) == 2


def _stuck(client: AuthenticatedClient, cursor: str | None) -> dict[str, Any]:
    # The server ignores the cursor it is sent and always answers the first page with the same next cursor.
    sent = client.send("listThings", {"params": {"size": 2}})
    body: dict[str, Any] = sent.response.json()
    return body


def test_a_missing_cursor_ends_the_list_even_if_more_is_claimed(client_for: Any) -> None:
    client, seen = client_for(fake_server(cursor_for=lambda offset: None))

    items = list(iterate_items(client, "listThings", fetcher(client), FIELDS))

    assert items == ["thing-0", "thing-1"]
    assert len(seen) == 1


def test_an_operation_the_spec_doesnt_mark_is_refused(client_for: Any) -> None:
    client, seen = client_for(fake_server())
    document = {**DOCUMENT, "paths": {"/things": {"get": {**DOCUMENT["paths"]["/things"]["get"]}}}}
    del document["paths"]["/things"]["get"]["x-attentive-pagination"]
    plain = AuthenticatedClient(base_url="http://127.0.0.1:9", token="t", api=ApiSpec.from_document(document))

    with pytest.raises(PaginationError, match="not cursor-paginated"):
        next(iterate_items(plain, "listThings", fetcher(client), FIELDS))
    assert seen == []


def test_async_iteration_pages_the_same_way(client_for: Any) -> None:
    client, seen = client_for(fake_server())

    async def fetch(cursor: str | None) -> Page:
        params = {"size": 2, **({"after": cursor} if cursor else {})}
        sent = await client.send_async("listThings", {"params": params})
        return Page(sent.response.json())

    async def collect(items: AsyncIterator[str]) -> list[str]:
        return [item async for item in items]

    items = asyncio.run(collect(aiterate_items(client, "listThings", fetch, FIELDS)))

    assert items == [item["id"] for item in ITEMS]
    assert len(seen) == 3
