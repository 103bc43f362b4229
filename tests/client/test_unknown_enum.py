"""An enum value the client does not know yet (a new job status, say) parses instead of failing the call."""

from __future__ import annotations

import httpx
from attentive_client.api.bulk_status import get_bulk_job_status
from attentive_client.models import BulkJobStatusResponseStatus

from .conftest import MakeClient, answers


def test_an_unknown_job_status_parses(make_client: MakeClient) -> None:
    answer = httpx.Response(200, json={"bulkJobId": "job-1", "status": "ARCHIVED", "totalRecords": 3})
    client, _ = make_client(answers(answer))

    job = get_bulk_job_status.sync("job-1", client=client)

    assert job.status == "ARCHIVED"
    assert isinstance(job.status, BulkJobStatusResponseStatus)
    assert not job.status.is_known
    assert job.total_records == 3
    assert job.to_dict()["status"] == "ARCHIVED"  # nothing lost on the way back out


def test_known_statuses_are_still_the_members() -> None:
    assert BulkJobStatusResponseStatus("COMPLETED") is BulkJobStatusResponseStatus.COMPLETED
    assert BulkJobStatusResponseStatus.COMPLETED.is_known
