"""Imports against the reference server: every input line ends up in exactly one bucket, and is stored once."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from attentive_toolkit.bulk.report import EXIT_REJECTED, EXIT_UNKNOWN
from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import FaultConfig, OperationFaults, ServerSettings

from .conftest import rejects, run_import, stored_users, user_record, write_lines, write_users


def assert_stored_once(base_url: str, count: int, accepted_lines: set[int], unknown_lines: set[int]) -> None:
    """Line N holds user N-1. Accepted users are stored exactly once with every subscription exactly once;
    unknown ones at most once."""
    users = stored_users(base_url)
    by_email = Counter(user["identifiers"]["email"] for user in users)
    assert all(times == 1 for times in by_email.values()), "a user was stored twice"
    subscriptions = {user["identifiers"]["email"]: len(user["subscriptions"]) for user in users}
    for line in range(1, count + 1):
        email = f"user{line - 1}@example.com"
        wanted_subscriptions = len(user_record(line - 1, subscribed=(line - 1) % 10 == 0).get("subscriptions", []))
        if line in accepted_lines:
            assert email in subscriptions, f"line {line} accepted but not stored"
            assert subscriptions[email] == wanted_subscriptions, f"line {line}: subscription not recorded exactly once"
        elif line in unknown_lines:
            assert subscriptions.get(email, 0) <= wanted_subscriptions


@pytest.mark.e2e
def test_ten_thousand_records_through_429s_500s_and_dropped_connections(tmp_path: Path) -> None:
    count = 10_000
    source = write_users(tmp_path / "users.jsonl", count, subscribed_every=10)
    faults = OperationFaults(rate_429=0.1, rate_500=0.05, rate_503=0.05, drop_rate=0.05)
    settings = ServerSettings(
        faults=FaultConfig(seed=7, operations={"postBulkUserAttributes": faults, "getBulkJobStatus": faults})
    )
    with running_server(settings) as base_url:
        report = run_import(base_url, source)
        not_accepted = {entry["line"]: entry for entry in rejects(report)}
        unknown = {line for line, entry in not_accepted.items() if entry["outcome"] == "unknown"}
        accepted = set(range(1, count + 1)) - set(not_accepted)
        assert report.lines == count and report.balanced
        assert report.counts["accepted"] == len(accepted)
        assert report.counts["unknown"] == len(unknown)
        assert report.counts["rejected_locally"] == report.counts["rejected_by_server"] == 0
        # Only batches carrying subscriptions may end unknown: the others are safe to send again, and were.
        assert all((line - 1) % 10 == 0 for line in unknown)
        assert all(item.carries_subscriptions and not item.sent_again_on_resume for item in report.review)
        assert report.throttled > 0
        assert_stored_once(base_url, count, accepted, unknown)


def test_a_broken_file_rejects_exactly_the_broken_lines(tmp_path: Path, server: str) -> None:
    good = [json.dumps(user_record(index)) for index in range(6)]
    lines = [
        good[0],  # 1
        "",  # 2 blank
        good[1],  # 3
        '{"identifiers": {"email": "x@example.com"',  # 4 invalid JSON
        json.dumps({"identifiers": {"phone": "12125550123"}}),  # 5 not E.164
        good[2],  # 6
        json.dumps({"identifiers": {"email": "y@example.com"}, "attributes": {"custom": {"tags": ["a", "b"]}}}),  # 7
        "   ",  # 8 blank
        json.dumps({"identifiers": {}}),  # 9 empty identifiers
        json.dumps({"identifiers": {"email": ""}}),  # 10 empty identifier value
        good[3],  # 11
        good[4],  # 12
        good[5],  # 13
    ]
    source = write_lines(tmp_path / "broken.jsonl", lines, newline="\r\n", bom=True)
    report = run_import(base_url=server, source=source)
    entries = rejects(report)
    assert [(entry["line"], entry["outcome"]) for entry in entries] == [
        (line, "rejected_locally") for line in (4, 5, 7, 9, 10)
    ]
    reasons = {entry["line"]: entry["reason"] for entry in entries}
    assert "invalid JSON" in reasons[4]
    assert "/identifiers/phone" in reasons[5]
    assert "/attributes/custom/tags" in reasons[7]
    assert "/identifiers" in reasons[9] and "/identifiers/email" in reasons[10]
    assert report.counts == {
        "accepted": 6,
        "rejected_locally": 5,
        "rejected_by_server": 0,
        "unknown": 0,
        "skipped": 2,
        "pending": 0,
    }
    assert report.lines == 13 and report.exit_code == EXIT_REJECTED
    assert sorted(user["identifiers"]["email"] for user in stored_users(server)) == sorted(
        f"user{index}@example.com" for index in range(6)
    )


def test_a_subscription_batch_whose_fate_is_unknown_is_reported_not_resent(tmp_path: Path) -> None:
    source = write_lines(
        tmp_path / "subscribed.jsonl", [json.dumps(user_record(index, subscribed=True)) for index in range(10)]
    )
    settings = ServerSettings(
        faults=FaultConfig(seed=1, operations={"postBulkUserAttributes": OperationFaults(drop_rate=1.0)})
    )
    with running_server(settings) as base_url:
        report = run_import(base_url, source)
        assert report.counts["unknown"] == 10 and report.exit_code == EXIT_UNKNOWN
        assert [(item.first_line, item.last_line, item.records) for item in report.review] == [(1, 10, 10)]
        assert [entry["line"] for entry in rejects(report)] == list(range(1, 11))
        assert "review" in report.review[0].reason
        # A second run does not send it either.
        again = run_import(base_url, source)
        assert again.resumed and again.counts["unknown"] == 10
        assert stored_users(base_url) == []


def test_the_server_rejecting_a_record_is_reported_with_its_message(tmp_path: Path, server: str) -> None:
    # Schema-valid, but en-GB MARKETING matches two sign-up units on the reference server: the job refuses it.
    ambiguous = user_record(1)
    ambiguous["subscriptions"] = [
        {"channel": "EMAIL", "subscriptionType": "MARKETING", "locale": {"language": "en", "country": "GB"}}
    ]
    source = write_lines(tmp_path / "mixed.jsonl", [json.dumps(user_record(0)), json.dumps(ambiguous)])
    report = run_import(server, source)
    assert report.counts["accepted"] == 1 and report.counts["rejected_by_server"] == 1
    [entry] = rejects(report)
    assert entry["line"] == 2 and entry["outcome"] == "rejected_by_server" and entry["reason"]
