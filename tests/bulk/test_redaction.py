"""A server that echoes the token: nothing the importer writes or prints carries it, nor any ``Bearer ...``."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from attentive_client import AuthenticatedClient

from attentive_toolkit.bulk.importer import BulkImport, ImportOptions

from .conftest import user_record, write_lines

TOKEN = "sk-live-0123456789abcdef"
OTHER = "someone-elses-credential-42"
BASE = "http://echo.test"


def echoing_server(request: httpx.Request) -> httpx.Response:
    sent = request.headers["authorization"]
    if request.method == "POST":
        users = json.loads(request.content)["users"]
        if users[0]["identifiers"]["email"].startswith("refused"):
            return httpx.Response(422, json={"message": f"cannot take this (you sent {sent}, and Bearer {OTHER})"})
        return httpx.Response(202, json={"batchJobId": "job-1"})
    if request.url.path == "/v2/bulk/job/job-1":
        results = request.url.copy_with(path="/results/job-1.jsonl", query=None)
        return httpx.Response(200, json={"status": "COMPLETED", "url": str(results)})
    if request.url.path == "/results/job-1.jsonl":
        lines = [
            {"status": 400, "message": f"unknown bearer token (you sent {sent})"},
            {"status": 202, "message": "ok"},
        ]
        return httpx.Response(200, text="".join(json.dumps(line) + "\n" for line in lines))
    return httpx.Response(404, json={"message": f"no route; token {TOKEN}"})


def test_an_echoed_token_is_scrubbed_everywhere(tmp_path: Path) -> None:
    refused = user_record(9)
    refused["identifiers"]["email"] = "refused@example.com"
    source = write_lines(
        tmp_path / "users.jsonl", [json.dumps(user_record(1)), json.dumps(user_record(2)), json.dumps(refused)]
    )
    client = AuthenticatedClient(
        base_url=BASE, token=TOKEN, httpx_args={"transport": httpx.MockTransport(echoing_server)}
    )
    options = ImportOptions(source=source, batch_size=2, concurrency=1, poll_interval=0.0)
    report = BulkImport(client, BASE, options).run()

    assert report.counts["accepted"] == 1 and report.counts["rejected_by_server"] == 2
    written = [
        json.dumps(report.to_json()),
        "\n".join(report.summary_lines()),
        Path(report.rejects_file).read_text(encoding="utf-8"),
        Path(str(options.report)).read_text(encoding="utf-8"),
        Path(str(options.journal_path)).read_bytes().decode("utf-8", "replace"),
    ]
    for text in written:
        assert TOKEN not in text and OTHER not in text
    entries = [json.loads(line) for line in Path(report.rejects_file).read_text(encoding="utf-8").splitlines()]
    assert [entry["line"] for entry in entries] == [1, 3]
    assert "[redacted]" in entries[0]["reason"] and "[redacted]" in entries[1]["reason"]
    # A line the server rejected carries its input, as the local rejects do.
    assert json.loads(entries[0]["input"]) == user_record(1)
    assert [job.job_id for job in report.jobs] == ["job-1"]
