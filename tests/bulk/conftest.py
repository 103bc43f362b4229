"""Fixtures for the bulk import tests: the reference server in a thread, a fast-retrying client, input files."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from attentive_client import AuthenticatedClient

from attentive_toolkit.bulk.batching import Batch, Batcher
from attentive_toolkit.bulk.importer import BulkImport, ImportOptions
from attentive_toolkit.bulk.lock import LOCK_DIR_VARIABLE
from attentive_toolkit.bulk.report import ImportReport
from attentive_toolkit.json_exact import encode_exact
from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import DEV_TOKEN, ServerSettings


def fast_client(base_url: str) -> AuthenticatedClient:
    # Short backoffs keep the suite quick; which failures are retried is unchanged.
    return AuthenticatedClient(base_url=base_url, token=DEV_TOKEN, initial_retry_delay=0.005, max_retry_delay=0.05)


def run_import(base_url: str, source: Path, **options: Any) -> ImportReport:
    importer = BulkImport(fast_client(base_url), base_url, ImportOptions(source=source, **options))
    return importer.run()


def batches_of(records: Iterable[dict[str, Any]], size: int = 256) -> list[Batch]:
    """The batches the importer's batcher makes of ``records`` (lines 1, 2, ...), subscriptions kept apart."""
    batcher = Batcher(lambda record: bool(record.get("subscriptions")), size)
    made = [
        batch for line, record in enumerate(records, 1) for batch in batcher.add(line, 1, record, encode_exact(record))
    ]
    return made + list(batcher.finish())


def write_lines(path: Path, lines: Iterable[str], newline: str = "\n", bom: bool = False) -> Path:
    text = newline.join(lines) + newline
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def user_record(index: int, subscribed: bool = False) -> dict[str, Any]:
    record: dict[str, Any] = {
        "identifiers": {"email": f"user{index}@example.com", "clientUserId": f"client-{index}"},
        "attributes": {"firstName": f"First{index}", "custom": {"index": index}},
    }
    if subscribed:
        record["subscriptions"] = [{"channel": "EMAIL", "subscriptionType": "MARKETING", "signUpSourceId": "src-1"}]
    return record


def write_users(path: Path, count: int, subscribed_every: int = 0) -> Path:
    return write_lines(
        path,
        (
            json.dumps(user_record(index, subscribed=bool(subscribed_every) and index % subscribed_every == 0))
            for index in range(count)
        ),
    )


def stored_users(base_url: str) -> list[dict[str, Any]]:
    users: list[dict[str, Any]] = httpx.get(
        f"{base_url}/_sandbox/users", headers={"Authorization": f"Bearer {DEV_TOKEN}"}, timeout=60
    ).json()["users"]
    return users


def rejects(report: ImportReport) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(report.rejects_file).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(autouse=True)
def private_lock_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Content locks in a folder of this test's own: another test run on the machine importing the same sample
    data must not find it locked."""
    monkeypatch.setenv(LOCK_DIR_VARIABLE, str(tmp_path_factory.mktemp("locks")))


@pytest.fixture
def server() -> Iterator[str]:
    with running_server(ServerSettings()) as base_url:
        yield base_url
