"""File order wins: the final state equals applying the valid lines one after another, whatever the faults."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import httpx
import pytest
from attentive_client import AuthenticatedClient

from attentive_toolkit.bulk.held import HeldKeys
from attentive_toolkit.bulk.importer import BulkImport, ImportOptions
from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import DEV_TOKEN, FaultConfig, OperationFaults, ServerSettings

from .conftest import batches_of, rejects, run_import, stored_users, write_lines

USERS = 30
TIMES = 6


def shuffled_updates(seed: int) -> list[dict[str, Any]]:
    """Each user appears TIMES times, interleaved with the others; line k of a user sets firstName and adds a key."""
    order = [user for user in range(USERS) for _ in range(TIMES)]
    random.Random(seed).shuffle(order)
    seen: dict[int, int] = {}
    lines = []
    for user in order:
        k = seen[user] = seen.get(user, 0) + 1
        identifiers: dict[str, Any] = {"email": f"u{user}@example.com"}
        if k % 2 == 0:
            identifiers["clientUserId"] = f"client-{user}"  # another identifier of the same user, sometimes
        lines.append({"identifiers": identifiers, "attributes": {"firstName": f"v{k}", "custom": {f"k{k}": k}}})
    return lines


@pytest.mark.parametrize("seed", [1, 2])
def test_the_last_line_of_a_user_wins_through_500s(tmp_path: Path, seed: int) -> None:
    source = write_lines(tmp_path / "updates.jsonl", [json.dumps(line) for line in shuffled_updates(seed)])
    faults = FaultConfig(seed=seed, operations={"postBulkUserAttributes": OperationFaults(rate_500=0.3)})
    with running_server(ServerSettings(faults=faults)) as base_url:
        report = run_import(base_url, source, batch_size=4, concurrency=8, max_attempts=40)
        assert report.counts["accepted"] == USERS * TIMES, rejects(report)
        users = {user["identifiers"]["email"]: user for user in stored_users(base_url)}
    assert len(users) == USERS
    for user in range(USERS):
        attributes = users[f"u{user}@example.com"]["attributes"]
        assert attributes["firstName"] == f"v{TIMES}", (user, attributes)
        assert attributes["custom"] == {f"k{k}": k for k in range(1, TIMES + 1)}


def test_failed_jobs_are_sent_again_in_the_same_run_and_order_holds(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "updates.jsonl", [json.dumps(line) for line in shuffled_updates(4)])
    faults = FaultConfig(seed=4, operations={"postBulkUserAttributes": OperationFaults(job_failure_rate=0.3)})
    with running_server(ServerSettings(faults=faults)) as base_url:
        report = run_import(base_url, source, batch_size=4, concurrency=8, max_attempts=40)
        assert report.counts["accepted"] == USERS * TIMES, rejects(report)
        assert len(report.jobs) == len({job.batch for job in report.jobs})  # the journal keeps the last job
        users = {user["identifiers"]["email"]: user for user in stored_users(base_url)}
    for user in range(USERS):
        attributes = users[f"u{user}@example.com"]["attributes"]
        assert attributes["firstName"] == f"v{TIMES}", (user, attributes)


def test_a_run_that_gives_up_holds_the_later_lines_and_the_next_run_keeps_the_order(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "updates.jsonl", [json.dumps(line) for line in shuffled_updates(3)])
    faults = FaultConfig(seed=3, operations={"postBulkUserAttributes": OperationFaults(rate_500=0.5)})
    with running_server(ServerSettings(faults=faults)) as base_url:
        # One attempt per batch: about half the batches are given up, and every later line of their users waits.
        first = run_import(base_url, source, batch_size=4, concurrency=8, max_attempts=1)
        held = [entry for entry in rejects(first) if "held back" in entry["reason"]]
        assert first.counts["unknown"] > 0 and held and first.balanced
        no_faults = {"seed": 0, "operations": {}}
        auth = {"Authorization": f"Bearer {DEV_TOKEN}"}
        httpx.put(f"{base_url}/_sandbox/faults", json=no_faults, headers=auth, timeout=30).raise_for_status()
        second = run_import(base_url, source, batch_size=4, concurrency=8)
        assert second.resumed and second.counts["accepted"] == USERS * TIMES, rejects(second)
        users = {user["identifiers"]["email"]: user for user in stored_users(base_url)}
    for user in range(USERS):
        attributes = users[f"u{user}@example.com"]["attributes"]
        assert attributes["firstName"] == f"v{TIMES}", (user, attributes)
        assert attributes["custom"] == {f"k{k}": k for k in range(1, TIMES + 1)}


def test_lines_of_one_user_never_share_a_batch_and_wait_for_the_earlier_one() -> None:
    one = {"identifiers": {"email": "Ann@Example.com"}}
    same = {"identifiers": {"email": " ann@example.com", "phone": "+15005550006"}}
    other = {"identifiers": {"email": "bo@example.com"}}
    by_phone = {"identifiers": {"phone": "+15005550006"}, "subscriptions": [{"channel": "TEXT"}]}
    made = batches_of([one, other, same, by_phone])
    where = {line: batch for batch in made for line in batch.lines}
    assert where[1].seq != where[3].seq and where[3].seq != where[4].seq
    assert where[1].seq in where[3].after and where[3].seq in where[4].after
    assert where[1].seq < where[3].seq < where[4].seq
    assert where[2].seq == where[1].seq  # another user is not held apart


def test_a_line_of_unknown_fate_is_overtaken_by_the_later_line_of_its_user(tmp_path: Path) -> None:
    base = "http://mock.test"
    posts: list[list[dict[str, Any]]] = []

    def server(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            users = json.loads(request.content)["users"]
            posts.append(users)
            if users[0].get("subscriptions"):
                raise httpx.ReadTimeout("no answer", request=request)  # it may have reached the server
            return httpx.Response(202, json={"batchJobId": "job-2"})
        if request.url.path == "/v2/bulk/job/job-2":
            return httpx.Response(200, json={"status": "COMPLETED", "url": f"{base}/results/job-2.jsonl"})
        return httpx.Response(200, text=json.dumps({"status": 202, "message": "ok"}) + "\n")

    subscribed = {
        "identifiers": {"email": "ann@example.com"},
        "subscriptions": [{"channel": "EMAIL", "subscriptionType": "MARKETING", "signUpSourceId": "src-1"}],
    }
    later = {"identifiers": {"email": "ann@example.com"}, "attributes": {"firstName": "Ann"}}
    source = write_lines(tmp_path / "ann.jsonl", [json.dumps(subscribed), json.dumps(later)])
    client = AuthenticatedClient(
        base_url=base, token="t0ken-xyz", httpx_args={"transport": httpx.MockTransport(server)}
    )
    report = BulkImport(client, base, ImportOptions(source=source, poll_interval=0.0)).run()

    assert report.counts["unknown"] == 1 and report.counts["accepted"] == 1
    assert [users[0]["identifiers"]["email"] for users in posts] == ["ann@example.com", "ann@example.com"]
    assert posts[0][0].get("subscriptions") and not posts[1][0].get("subscriptions")  # the later line went second
    [entry] = rejects(report)
    assert entry["line"] == 1 and entry["outcome"] == "unknown" and entry["overtaken_by"] == [2]


def test_held_users_are_exact_before_and_after_they_spill_out_of_memory() -> None:
    keys = [hash(("email", f"user{index}@example.com")) for index in range(20_000)]
    others = [hash(("email", f"other{index}@example.com")) for index in range(20_000)]
    for bound in (1 << 20, 1000):  # kept in memory; moved to disk after the first thousand
        held = HeldKeys(bound=bound)
        assert not held.holds_any(keys[:1])
        for start in range(0, len(keys), 512):  # batch by batch, as the importer holds them
            held.add(keys[start : start + 512])
        assert all(held.holds_any([key]) for key in keys[::97])
        assert held.holds_any([*others[:600], keys[-1]])
        # No false positive: a user who was never held never holds a line back.
        assert not any(held.holds_any(others[start : start + 512]) for start in range(0, len(others), 512))
        held.close()
