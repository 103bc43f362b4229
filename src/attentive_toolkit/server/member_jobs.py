"""A resource's member add or remove, run as a bulk job: the spec's member operations answer 202 with a job id to
"check status via GET /v2/bulk/job/{bulkJobId}", processed asynchronously, results "as downloadable .jsonl file
when completed". So the id the server answers is a job the status operation reports, like a bulk users job.

The job keeps the item and the members as sent; the worker applies them in one transaction, one result line per
member in the order sent: 202 with what changed (added, removed, or nothing: already a member, not a member), or
404 for every member when the item is gone by then (archived after the job was accepted).
"""

from __future__ import annotations

import json
from typing import Any

from .job_apply import result_line
from .resource_store import ResourceStore
from .storage import Store
from .upsert import UpsertResult

MEMBER_ROLES = frozenset({"members-add", "members-remove"})


def member_job_request(resource: str, key: str, members: list[Any]) -> str:
    """What a member job stores: the item it changes and its members, as sent."""
    return json.dumps({"resource": resource, "key": key, "members": members}, ensure_ascii=False)


def _outcome(changed: bool | None, add: bool, resource: str, key: str) -> UpsertResult:
    if changed is None:
        return UpsertResult(404, f"no {resource} item {key!r} (never created, or archived since the job was accepted)")
    if add:
        return UpsertResult(
            202, f"added to {resource} {key!r}" if changed else f"already a member of {resource} {key!r}"
        )
    return UpsertResult(202, f"removed from {resource} {key!r}" if changed else f"not a member of {resource} {key!r}")


class MemberJobs:
    def __init__(self, store: Store, items: ResourceStore) -> None:
        self._store = store
        self._items = items

    def apply(self, job_id: str, role: str) -> str:
        """Apply the job's members and record each one's result line; the job's closing message."""
        request = self._store.job_document(job_id)
        resource, key, members = str(request["resource"]), str(request["key"]), list(request["members"])
        add = role == "members-add"
        with self._store.transaction() as db:
            changed = self._items.change_members(db, resource, key, members, add=add)
            changes: list[bool | None] = [None] * len(members) if changed is None else list(changed)
            outcomes = [_outcome(change, add, resource, key) for change in changes]
            lines = [
                (job_id, position, result_line(outcome, member))
                for position, (outcome, member) in enumerate(zip(outcomes, members, strict=True))
            ]
            self._store.add_results(db, lines)
        done = sum(outcome.status == 202 for outcome in outcomes)
        return f"processed {len(members)} member(s) of {resource} {key!r}: {done} applied"
