"""The importer stays readable and safe to drive: short functions, and a stop that works at any moment."""

from __future__ import annotations

import ast
import copy
from pathlib import Path

import pytest

from attentive_toolkit.bulk import importer as importer_module
from attentive_toolkit.bulk.importer import BulkImport, ImportOptions
from attentive_toolkit.spec.effective import load_effective_spec

from .conftest import fast_client, write_users

MAX_FUNCTION_LINES = 60


def test_every_function_of_the_bulk_package_is_under_60_lines() -> None:
    package = Path(importer_module.__file__).parent
    too_long = []
    for module in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                length = node.end_lineno - node.lineno + 1
                if length >= MAX_FUNCTION_LINES:
                    too_long.append(f"{module.name}:{node.lineno} {node.name} ({length} lines)")
    assert too_long == []


def test_stop_before_run_sends_nothing_and_reports_why(tmp_path: Path) -> None:
    source = write_users(tmp_path / "users.jsonl", 20)
    base_url = "http://127.0.0.1:9"  # nothing listens: a request sent would fail the counts below
    importer = BulkImport(fast_client(base_url), base_url, ImportOptions(source=source))
    importer.stop(reason="stopped by the caller")
    report = importer.run()
    assert report.stopped == "stopped by the caller"
    assert report.requests_sent == 0 and importer.counters.records_sent == 0
    assert report.counts["accepted"] == 0 and report.balanced


def test_batches_hold_at_most_the_users_the_spec_lets_one_job_hold(tmp_path: Path) -> None:
    document = copy.deepcopy(load_effective_spec())
    document["components"]["schemas"]["UserAttributes"]["properties"]["users"]["maxItems"] = 5
    source = write_users(tmp_path / "users.jsonl", 12)
    client = fast_client("http://127.0.0.1:9")
    importer = BulkImport(client, "http://127.0.0.1:9", ImportOptions(source=source), spec=document)
    assert importer.batch_size == 5
    with pytest.raises(ValueError, match="between 1 and 5"):
        BulkImport(client, "http://127.0.0.1:9", ImportOptions(source=source, batch_size=6), spec=document)
