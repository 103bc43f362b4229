"""Reading and batching a block of lines at a time gives exactly what one line at a time gives: the same outcome,
number and reason for every line, and the same batches (lines, order, file-order waits, body cap)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from attentive_toolkit.bulk import lines as lines_module
from attentive_toolkit.bulk.batching import Batch, Batcher
from attentive_toolkit.bulk.lines import read_line
from attentive_toolkit.bulk.sources import (
    BOM,
    RecordRun,
    SourceLine,
    broken,
    parse_json_line,
    read_jsonl,
    read_jsonl_runs,
)
from attentive_toolkit.json_exact import encode_exact

# Lines that each need their own outcome, among plain records: every kind of line the reader tells apart.
ODD_LINES = [
    b"",
    b"   ",
    b"{broken",
    b"[1, 2]",
    b'{"identifiers": {"email": "dup@example.com"}, "identifiers": {}}',
    b'{"identifiers": {"email": "escaped-dup@example.com"}, "\\u0069dentifiers": {}}',
    b'{"identifiers": {"email": "colon\\u003a@example.com"}}',
    b'{"identifiers": {"email": "lone\\ud800@example.com"}}',
    b'{"identifiers": {"email": "pair\\ud83d\\ude00@example.com"}}',
    b'{"identifiers": {"email": "caf\\u00e9@example.com"}}',
    '{"identifiers": {"email": "café@example.com"}}'.encode(),
    b'{"identifiers": {"email": "nan@example.com"}, "x": NaN}',
    b'{"identifiers": {"email": "big@example.com"}, "x": 123456789012345678901234567890}',
    b'{"identifiers": {"email": "bom\xef\xbb\xbf@example.com"}}',
    b'{"identifiers": {"email": "bad\xff@example.com"}}',
    b'{"identifiers": {"email": "' + b"x" * 300 + b'@example.com"}}',
    b'{"identifiers": {"email": "del\x7f@example.com"}}',
    b'"just a string"',
]


def plain(index: int) -> bytes:
    return json.dumps({"identifiers": {"email": f"u{index}@example.com"}, "attributes": {"n": index}}).encode()


def one_line_at_a_time(path: Path, limit: int | None) -> list[SourceLine]:
    """The reader as it was: ``read_line`` and ``parse_json_line`` for each line."""
    found = []
    with path.open("rb") as stream:
        line_no = 0
        while (data := read_line(stream, limit)) is not None:
            line_no += 1
            if hasattr(data, "reason"):
                found.append(broken(line_no, data.reason, data.decode("utf-8", "replace")))
                continue
            if line_no == 1 and data.startswith(BOM):
                data = data[len(BOM) :]
            found.append(parse_json_line(line_no, data.rstrip(b"\r\n")))
    return found


@pytest.mark.parametrize("seed", range(6))
def test_every_line_reads_as_it_does_alone_whatever_the_blocks(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    chance = random.Random(seed)
    rows = [chance.choice(ODD_LINES) if chance.random() < 0.15 else plain(index) for index in range(400)]
    ending = chance.choice([b"\n", b"\r\n"])
    data = (BOM if seed % 2 else b"") + ending.join(rows) + (ending if seed % 3 else b"")
    path = tmp_path / "in.jsonl"
    path.write_bytes(data)
    # Blocks of a few bytes to a few lines: line ends, CRLFs and the BOM fall on every side of a block's edge.
    monkeypatch.setattr(lines_module, "BLOCK_BYTES", chance.choice([7, 64, 333, 4096]))
    limit = chance.choice([None, 250, 1000])
    expected = one_line_at_a_time(path, limit)
    read = list(read_jsonl(path, limit))
    assert [(line.line_no, line.kind, line.reason, line.record) for line in read] == [
        (line.line_no, line.kind, line.reason, line.record) for line in expected
    ]
    assert [line.encoded for line in read if line.encoded] == [line.encoded for line in expected if line.encoded]
    # Plain records came in runs; the odd lines each on their own.
    assert any(isinstance(item, RecordRun) for item in read_jsonl_runs(path, limit))


def batch_facts(batches: list[Batch]) -> list[tuple[Any, ...]]:
    where = [(b.seq, b.guarded, list(b.lines), list(b.spans), sorted(b.after), sorted(b.follows)) for b in batches]
    what = [(b.records, b.encoded, b.body_bytes, sorted(b.keys), b.key_lines) for b in batches]
    return list(zip(where, what, strict=True))


def record(index: int, chance: random.Random) -> dict[str, Any]:
    # Few users, so that lines of one user come close together; some subscribe; some are long.
    found: dict[str, Any] = {"identifiers": {"email": f"u{chance.randrange(300)}@example.com"}}
    if chance.random() < 0.3:
        found["identifiers"]["phone"] = f"+1500{chance.randrange(300):07d}"
    if chance.random() < 0.2:
        found["subscriptions"] = [{"channel": "TEXT", "subscriptionType": "MARKETING"}]
    found["attributes"] = {"note": "x" * chance.choice([1, 10, 400]), "index": index}
    return found


@pytest.mark.parametrize("seed", range(6))
def test_runs_make_the_batches_single_lines_make(seed: int) -> None:
    chance = random.Random(seed)
    records = [record(index, chance) for index in range(1500)]
    encoded = [encode_exact(item) for item in records]
    size, cap = chance.choice([(256, None), (256, 6000), (7, 2000)])

    def batcher() -> Batcher:
        return Batcher(lambda r: bool(r.get("subscriptions")), size, cap, guard_keys=frozenset({"subscriptions"}))

    alone, runs = batcher(), batcher()
    expected: list[Batch] = []
    made: list[Batch] = []
    start = 0
    while start < len(records):
        stop = min(len(records), start + chance.choice([1, 5, 300, 2000]))
        for line in range(start + 1, stop + 1):
            expected += alone.add(line, 1, records[line - 1], encoded[line - 1])
        made += runs.add_run(start + 1, records[start:stop], encoded[start:stop])
        # Some batches settle in between: later lines of their users wait for them no more.
        for seq in {chance.randrange(len(made)) for _ in range(3)} if made else ():
            alone.forget(expected[seq])
            runs.forget(made[seq])
        start = stop
    expected += list(alone.finish())
    made += list(runs.finish())
    assert batch_facts(made) == batch_facts(expected)
    assert any(batch.after for batch in made) and any(batch.guarded for batch in made)
    assert runs.latest == alone.latest


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"identifiers": {"email": "a@example.com"}, "\\u0069dentifiers": {}}', "duplicate key 'identifiers'"),
        # An escaped colon where a duplicate key lost its colon: the counts would agree without the escape counted.
        (b'{"identifiers": {"email": "a\\u003a@example.com"}, "x": 1, "x": 2}', "duplicate key 'x'"),
        (b'{"identifiers": {"email": "a\\ud800@example.com"}}', "lone surrogate"),
        (b'{"identifiers": {"email": "a@example.com"}, "n": -9223372036854775809, "n": 1}', "duplicate key 'n'"),
    ],
)
def test_an_escape_never_hides_a_broken_line(tmp_path: Path, line: bytes, reason: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(plain(1) + b"\n" + line + b"\n" + plain(2) + b"\n")
    read = list(read_jsonl(path))
    assert [item.kind.value for item in read] == ["record", "broken", "record"]
    assert reason in read[1].reason


def test_escapes_take_the_fast_path_and_keep_their_values(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"identifiers": {"email": "ren\\u00e9e\\u003a@example.com"}, "n": -922337203685477580}\n')
    (run,) = list(read_jsonl_runs(path))
    assert isinstance(run, RecordRun)
    assert run.records == [{"identifiers": {"email": "renée:@example.com"}, "n": -922337203685477580}]
    assert run.encoded == ['{"identifiers":{"email":"renée:@example.com"},"n":-922337203685477580}'.encode()]
