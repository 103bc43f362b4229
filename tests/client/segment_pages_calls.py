"""Run inside a project copy updated to the newer V2 release (its generated package on PYTHONPATH): the generated
``list_segments.iterate`` / ``aiterate`` against a small fake server that pages five segments by opaque cursors.
Prints one JSON line of what it saw; tests/client/test_segment_pages.py asserts on it."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx
from attentive_client import AuthenticatedClient, errors
from attentive_client.api.segments import list_segments
from attentive_client.models.list_segments_response import ListSegmentsResponse
from attentive_client.runtime import PaginationError

SEGMENTS = [{"externalId": f"segment-{number}", "name": f"Segment {number}"} for number in range(5)]


class FakeServer:
    """``GET /v2/segments``: ``limit`` segments a page, an opaque cursor to the next; optionally broken."""

    def __init__(self, fail_on_page: int | None = None, stuck: bool = False) -> None:
        self.requests: list[httpx.Request] = []
        self.fail_on_page = fail_on_page
        self.stuck = stuck

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) == self.fail_on_page:
            return httpx.Response(503, json={"message": "down for a moment"})
        cursor = request.url.params.get("cursor")
        start = 0 if cursor is None or self.stuck else int(base64.b64decode(cursor).decode())
        end = start + int(request.url.params["limit"])
        more = end < len(SEGMENTS)
        next_cursor = base64.b64encode(str(end).encode()).decode() if more else None
        return httpx.Response(200, json={"segments": SEGMENTS[start:end], "cursor": next_cursor, "hasMore": more})


def client_for(server: FakeServer) -> AuthenticatedClient:
    transport = httpx.MockTransport(server)
    return AuthenticatedClient(
        base_url="http://127.0.0.1:9", token="tok_fake_0123456789", max_retries=0, httpx_args={"transport": transport}
    )


def count_serialisations() -> list[int]:
    """Counts every ``to_dict`` of a page: reading a page's cursor and ``hasMore`` must not serialise it again."""
    counted = [0]
    serialise = ListSegmentsResponse.to_dict

    def counting(page: ListSegmentsResponse) -> dict[str, Any]:
        counted[0] += 1
        return serialise(page)

    ListSegmentsResponse.to_dict = counting  # type: ignore[method-assign]
    return counted


def main() -> None:
    seen: dict[str, Any] = {}
    serialised = count_serialisations()
    server = FakeServer()
    with client_for(server) as client:
        items = list_segments.iterate(client=client, limit=2)
        seen["requests_before_first_item"] = len(server.requests)
        first = next(items)
        seen["item_type"] = type(first).__name__
        seen["requests_after_first_item"] = len(server.requests)
        seen["ids"] = [first.external_id, *(segment.external_id for segment in items)]
        seen["limits"] = [request.url.params["limit"] for request in server.requests]
        seen["cursors"] = [request.url.params.get("cursor") for request in server.requests]

    async def collect() -> list[str]:
        async_server = FakeServer()
        async with client_for(async_server) as client:
            return [segment.external_id async for segment in list_segments.aiterate(client=client, limit=2)]

    seen["async_ids"] = asyncio.run(collect())
    seen["pages_serialised"] = serialised[0]

    got: list[str] = []
    try:
        with client_for(FakeServer(fail_on_page=2)) as client:
            got.extend(segment.external_id for segment in list_segments.iterate(client=client, limit=2))
    except errors.ServerError as error:
        seen["error"] = {"type": type(error).__name__, "status": error.status_code, "before": got}

    stuck = FakeServer(stuck=True)
    try:
        with client_for(stuck) as client:
            list(list_segments.iterate(client=client, limit=2))
    except PaginationError as error:
        seen["stuck"] = {"requests": len(stuck.requests), "message": str(error)}
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
