"""The bulk-job helper against the reference server: submit, wait with growing pauses, stream typed results."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from attentive_client import AuthenticatedClient
from attentive_client.runtime import BulkJobError, BulkJobs, BulkResult

from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import DEV_TOKEN, ServerSettings


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with running_server(ServerSettings()) as url:
        yield url


def test_a_job_is_submitted_awaited_and_read_line_by_line(server_url: str) -> None:
    users = [{"identifiers": {"email": f"bulk-helper-{n}@example.com"}} for n in range(3)]
    users.append({"identifiers": {"email": "bulk-helper-custom@example.com"}, "attributes": {"custom": {"a": 1}}})
    with AuthenticatedClient(base_url=server_url, token=DEV_TOKEN) as client:
        results = list(BulkJobs(client, poll_initial=0.01).run(users))
    assert [result.position for result in results] == [1, 2, 3, 4]
    assert all(result.accepted for result in results)
    assert [result.request["identifiers"]["email"] for result in results if result.request] == [
        user["identifiers"]["email"] for user in users
    ]


def test_waiting_backs_off_and_gives_up_after_its_patience(server_url: str) -> None:
    pauses: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        now[0] += seconds

    with running_server(ServerSettings(run_jobs_in_background=False)) as url:
        client = AuthenticatedClient(base_url=url, token=DEV_TOKEN, sleep=sleep, monotonic_clock=lambda: now[0])
        jobs = BulkJobs(client, poll_initial=1.0, poll_factor=2.0, poll_max=4.0, patience=12.0)
        job_id = jobs.submit([{"identifiers": {"email": "pending@example.com"}}])
        with pytest.raises(BulkJobError, match="still PENDING"):
            jobs.wait(job_id)
    assert pauses == [1.0, 2.0, 4.0, 4.0]


def test_a_submit_the_spec_refuses_is_not_sent() -> None:
    client = AuthenticatedClient(base_url="http://127.0.0.1:9", token=DEV_TOKEN)
    with pytest.raises(ValueError, match="1 to 256 users"):
        BulkJobs(client).submit([])


@pytest.mark.parametrize(
    ("line", "accepted", "message"),
    [
        ('{"status": 202, "message": "created user 7"}', True, "created user 7"),
        ('{"statusCode": 400, "error": "bad", "errors": [{"pointer": "/a", "message": "no"}]}', False, "bad"),
        ('{"success": false, "message": "nope"}', False, "nope"),
        ('{"something": "else"}', None, ""),
        ("not json", None, "not a JSON line"),
    ],
)
def test_result_lines_of_any_common_shape_are_read(line: str, accepted: bool | None, message: str) -> None:
    result = BulkResult.parse(1, line)
    assert (result.accepted, result.message) == (accepted, message)
