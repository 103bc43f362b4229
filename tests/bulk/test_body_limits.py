"""Batches bounded by bytes: a line no request could carry is refused by its line, the rest of its batch goes
through, and a body a server still refuses for its size is split and sent again, never left unknown."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from attentive_toolkit.bulk.importer import BulkImport, ImportOptions
from attentive_toolkit.bulk.report import EXIT_REJECTED, ImportReport
from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import DEV_TOKEN, ServerSettings
from attentive_toolkit.spec.effective import load_effective_spec

from .conftest import fast_client, rejects, stored_users, user_record, write_lines

SMALL_CAP = 4096
AUTH = {"Authorization": f"Bearer {DEV_TOKEN}"}


def spec_with_cap(cap: int) -> dict[str, Any]:
    document = copy.deepcopy(load_effective_spec())
    document["paths"]["/v2/bulk/user/attributes"]["post"]["x-max-body-bytes"] = cap
    return document


def import_with_cap(base_url: str, source: Path, cap: int, **options: Any) -> ImportReport:
    options.setdefault("lock_dir", source.parent / "locks")
    importer = BulkImport(
        fast_client(base_url), base_url, ImportOptions(source=source, **options), spec=spec_with_cap(cap)
    )
    return importer.run()


def job_sizes(base_url: str) -> list[int]:
    jobs = httpx.get(f"{base_url}/_sandbox/jobs", headers=AUTH, timeout=60).json()["jobs"]
    return [int(job["totalRecords"]) for job in jobs]


def padded(index: int, pad: int, subscribed: bool = False) -> str:
    record = user_record(index, subscribed=subscribed)
    record["attributes"]["custom"]["note"] = "x" * pad
    return json.dumps(record)


def test_a_line_over_the_cap_is_refused_by_line_and_the_rest_of_its_batch_is_imported(
    tmp_path: Path, server: str
) -> None:
    lines = [padded(index, 100) for index in range(20)]
    lines.insert(10, padded(99, SMALL_CAP + 500))
    source = write_lines(tmp_path / "users.jsonl", lines)

    report = import_with_cap(server, source, SMALL_CAP)

    assert report.counts["accepted"] == 20 and report.counts["rejected_locally"] == 1
    assert report.counts["unknown"] == 0 and report.exit_code == EXIT_REJECTED
    [entry] = rejects(report)
    size = len(lines[10].encode())
    assert entry["line"] == 11
    assert f"the line is {size} bytes, over the {SMALL_CAP - 12} bytes" in entry["reason"]
    assert len(stored_users(server)) == 20
    # 20 lines of about 250 bytes fill more than one 4 KiB body: the batches were cut by bytes, not count.
    assert len(job_sizes(server)) >= 2 and sum(job_sizes(server)) == 20


def test_an_unquoted_csv_field_over_the_cap_is_refused_by_line(tmp_path: Path, server: str) -> None:
    rows = ["email,firstName", *(f"user{index}@example.com,Ann" for index in range(5))]
    rows.insert(3, "big@example.com," + "y" * (SMALL_CAP * 3))
    source = write_lines(tmp_path / "users.csv", rows)

    report = import_with_cap(server, source, SMALL_CAP)

    assert report.counts["accepted"] == 5 and report.counts["rejected_locally"] == 1
    [entry] = rejects(report)
    assert entry["line"] == 4 and f"over the {SMALL_CAP - 12} bytes" in entry["reason"]


def test_a_body_the_server_refuses_with_413_is_split_and_resent(tmp_path: Path) -> None:
    # The spec allows 4 KiB, this server only 1,500 bytes: every full batch is refused, then split until it fits.
    lines = [padded(index, 100, subscribed=index % 2 == 0) for index in range(24)]
    source = write_lines(tmp_path / "users.jsonl", lines)
    with running_server(ServerSettings(max_body_bytes=1500)) as base_url:
        report = import_with_cap(base_url, source, SMALL_CAP)
        sizes = job_sizes(base_url)
        users = stored_users(base_url)
        # The journal knows the parts: running the command again sends nothing.
        again = import_with_cap(base_url, source, SMALL_CAP)
        assert again.requests_sent == 0 and again.counts == report.counts
        assert job_sizes(base_url) == sizes

    assert report.counts["accepted"] == 24 and report.counts["unknown"] == 0, report.review
    assert report.exit_code == 0
    assert sum(sizes) == 24 and max(sizes) < 12
    # Subscribed users' batches were split too, and nobody was subscribed twice.
    assert all(len(user["subscriptions"]) == 1 for user in users if user["subscriptions"])


@pytest.mark.e2e
def test_a_body_cut_off_by_a_dropped_connection_is_split_and_resent(tmp_path: Path) -> None:
    # 3 MiB bodies to a server that takes 1 MiB: it answers 413 before reading and closes the connection while
    # the async client is still sending (httpx: ReadError), which is taken for a refusal by size.
    lines = [padded(index, 12_000, subscribed=index % 3 == 0) for index in range(256)]
    source = write_lines(tmp_path / "big.jsonl", lines)
    with running_server(ServerSettings(max_body_bytes=1 << 20)) as base_url:
        report = import_with_cap(base_url, source, 4 << 20)
        sizes = job_sizes(base_url)

    assert report.counts["accepted"] == 256 and report.counts["unknown"] == 0, report.review
    assert sum(sizes) == 256
