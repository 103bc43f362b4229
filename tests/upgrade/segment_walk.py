"""Run by test_real_vendor_specs in a child process whose ``attentive_client`` is the one generated in the updated
project copy (it has the segment operations; the checkout's client doesn't): a developer's first session with
segments against ``attentive serve``. Prints what it saw as JSON; the test judges it.

Usage: python segment_walk.py BASE_URL  (the token comes from ATTENTIVE_API_TOKEN).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from attentive_client import AuthenticatedClient  # type: ignore[import-not-found, unused-ignore]
from attentive_client.api.segments import (  # type: ignore[import-not-found, unused-ignore]
    create_segment,
    delete_segment_by_external_id,
    get_segment_by_external_id,
    list_segments,
    patch_segment_by_external_id,
)
from attentive_client.models import (  # type: ignore[import-not-found, unused-ignore]
    CreateSegmentRequest,
    PatchSegmentRequest,
)

PAGE_SIZE = 2
CREATED_BEFORE_LISTING = 5
CREATED_WHILE_LISTING = 2


def create(client: Any, number: int) -> str:
    key = f"walk-{number}"
    create_segment.sync(client=client, body=CreateSegmentRequest(name=f"Walk {number}", external_id=key))
    return key


def all_keys(client: Any) -> list[str]:
    """Every listed segment, through the client's iterator: it follows the cursor, a page at a time."""
    return [segment.external_id for segment in list_segments.iterate(client=client, limit=PAGE_SIZE)]


def main(base_url: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    with AuthenticatedClient(base_url=base_url) as client:
        created = create_segment.sync(client=client, body=CreateSegmentRequest(name="Gold", description="Top tier"))
        key = created.external_id
        seen["created"] = created.to_dict()
        seen["read"] = get_segment_by_external_id.sync(key, client=client).to_dict()
        seen["created_before_listing"] = [key] + [create(client, n) for n in range(1, CREATED_BEFORE_LISTING)]
        first = list_segments.sync(client=client, limit=PAGE_SIZE)
        seen["first_page"] = {"keys": [segment.external_id for segment in first.segments], "hasMore": first.has_more}
        # The client's iterator, lazily: a segment is created each time a page has been read (before the next one
        # is fetched), so the cursor must stay valid while the list grows.
        listed: list[str] = []
        seen["created_while_listing"] = []
        for segment in list_segments.iterate(client=client, limit=PAGE_SIZE):
            listed.append(segment.external_id)
            if len(listed) % PAGE_SIZE == 0 and len(seen["created_while_listing"]) < CREATED_WHILE_LISTING:
                seen["created_while_listing"].append(create(client, 100 + len(listed)))
        seen["listed"] = listed
        patch = PatchSegmentRequest(name="Platinum")
        seen["patched"] = patch_segment_by_external_id.sync(key, client=client, body=patch).to_dict()
        seen["read_after_patch"] = get_segment_by_external_id.sync(key, client=client).to_dict()
        seen["archive_status"] = delete_segment_by_external_id.sync_detailed(key, client=client).status_code
        seen["read_after_archive_status"] = get_segment_by_external_id.sync_detailed(key, client=client).status_code
        seen["listed_after_archive"] = all_keys(client)
        tampered = list_segments.sync_detailed(client=client, limit=PAGE_SIZE, cursor="not-a-cursor")
        seen["tampered_cursor_status"] = tampered.status_code
    return seen


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
