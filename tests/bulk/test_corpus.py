"""The bad-input corpus (``corpus/``, JSON Lines and CSV): every physical line ends in exactly one outcome, each
bad line rejected with its number and reason, each good line stored once."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from .conftest import rejects, run_import, stored_users

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, dict[str, str]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_line_of_the_corpus_has_its_outcome(tmp_path: Path, server: str, name: str) -> None:
    source = tmp_path / name
    shutil.copyfile(CORPUS / name, source)
    expected = {int(line): outcome for line, outcome in EXPECTED[name].items()}

    report = run_import(server, source)

    assert report.lines == len(expected) and report.balanced
    outcomes: dict[int, str] = {}
    for entry in rejects(report):
        for line in range(entry["line"], entry.get("last_line", entry["line"]) + 1):
            outcomes[line] = entry["outcome"]
            wanted = expected[line]
            assert wanted not in ("accepted", "skipped"), f"line {line}: {entry}"
            assert entry["outcome"] == "rejected_locally" and wanted in entry["reason"], f"line {line}: {entry}"
    rejected = {line for line, wanted in expected.items() if wanted not in ("accepted", "skipped")}
    assert set(outcomes) == rejected
    tally = Counter(
        "accepted" if w == "accepted" else "skipped" if w == "skipped" else "rejected" for w in expected.values()
    )
    assert report.counts["accepted"] == tally["accepted"]
    assert report.counts["skipped"] == tally["skipped"]
    assert report.counts["rejected_locally"] == tally["rejected"]

    stored = Counter(user["identifiers"]["email"] for user in stored_users(server))
    assert all(times == 1 for times in stored.values()), stored
    good = {"j1", "j2", "j3", "j4"} if name.endswith(".jsonl") else {"c1", "c2", "multi", "c3", "c4", "c5"}
    assert set(stored) == {f"{user}@example.com" for user in good}


def test_a_stray_quote_in_a_large_csv_costs_one_line(tmp_path: Path, server: str) -> None:
    # 5,002 physical lines and more than 128 KiB: the reader must neither swallow the rows after the stray quote
    # nor resume in the middle of the file.
    rows = [f"user{index}@example.com,First{index},{'n' * 40}" for index in range(5000)]
    rows.insert(2500, 'stray@example.com,"Stray,x')
    source = tmp_path / "big.csv"
    source.write_text("\n".join(["email,firstName,custom.note", *rows]) + "\n", encoding="utf-8")
    assert source.stat().st_size > 128 * 1024

    report = run_import(server, source)

    assert report.lines == 5002 and report.balanced
    assert report.counts["accepted"] == 5000 and report.counts["rejected_locally"] == 1
    [entry] = rejects(report)
    assert entry["line"] == 2502 and "quote" in entry["reason"]
    assert len(stored_users(server)) == 5000
