"""What the server receives: each record as it was read, compact, numbers exact, the body made once."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from attentive_client import AuthenticatedClient

from attentive_toolkit.bulk.importer import BulkImport, ImportOptions

from .conftest import write_lines


def test_the_server_receives_each_record_exactly_as_read(tmp_path: Path) -> None:
    base = "http://mock.test"
    bodies: list[bytes] = []

    def server(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            bodies.append(request.content)
            return httpx.Response(202, json={"batchJobId": f"job-{len(bodies)}"})
        return httpx.Response(200, json={"status": "PENDING"})

    records = [
        # A number beyond 64 bits stays exact (the fast encoder refuses it; the standard one takes over).
        {"identifiers": {"email": "big@example.com"}, "attributes": {"custom": {"n": 2699126561863404262571114496}}},
        {"identifiers": {"email": "zoë@example.com"}, "attributes": {"firstName": "Zoë", "custom": {"x": 1.5}}},
        {"identifiers": {"phone": "+15005550006"}, "attributes": {"firstName": "Plain"}},
    ]
    source = write_lines(tmp_path / "users.jsonl", [json.dumps(record) for record in records])
    transport = httpx.MockTransport(server)
    client = AuthenticatedClient(base_url=base, token="t0ken-xyz", httpx_args={"transport": transport})

    BulkImport(client, base, ImportOptions(source=source, job_patience_seconds=0.0)).run()

    [body] = bodies
    assert json.loads(body) == {"users": records}
    assert b", " not in body and "Zoë".encode() in body  # compact UTF-8, as the body cap counts it
