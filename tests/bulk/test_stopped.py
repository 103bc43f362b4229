"""A run that stops early (the token is refused) still accounts for every input line, and a later run sends
what the stopped one did not."""

from __future__ import annotations

import json
from pathlib import Path

from attentive_client import AuthenticatedClient

from attentive_toolkit.bulk.importer import BulkImport, ImportOptions
from attentive_toolkit.bulk.report import EXIT_INCOMPLETE, EXIT_REJECTED

from .conftest import run_import, stored_users, user_record, write_lines


def test_a_refused_token_stops_the_run_but_every_line_is_counted(tmp_path: Path, server: str) -> None:
    lines = []
    for index in range(200):
        lines.append(json.dumps(user_record(index)))
        if index % 7 == 0:
            lines.append("{broken")
    source = write_lines(tmp_path / "users.jsonl", lines)
    wrong = AuthenticatedClient(base_url=server, token="not-the-token-xyz")
    options = ImportOptions(source=source, batch_size=5, concurrency=2)
    stopped = BulkImport(wrong, server, options).run()
    assert stopped.stopped and stopped.exit_code == EXIT_INCOMPLETE
    assert stopped.lines == len(lines) and stopped.balanced, stopped.counts
    # Reading stops with sending: what was read is rejected or left unknown, the rest is pending.
    assert stopped.counts["accepted"] == 0 and stopped.counts["pending"] > 0
    assert stopped.counts["unknown"] + stopped.counts["rejected_locally"] + stopped.counts["pending"] == len(lines)
    assert all(item.sent_again_on_resume for item in stopped.review)

    resumed = run_import(server, source, batch_size=5, concurrency=2)
    assert resumed.resumed and resumed.balanced and resumed.exit_code == EXIT_REJECTED
    assert resumed.counts["accepted"] == 200 and resumed.counts["unknown"] == resumed.counts["pending"] == 0
    assert resumed.counts["rejected_locally"] == 29
    assert len(stored_users(server)) == 200
