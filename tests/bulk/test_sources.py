"""Reading input: every line is classified and numbered as an editor numbers it; CSV goes through the mapping."""

from __future__ import annotations

from pathlib import Path

import pytest
from attentive_client.runtime import ApiSpec

from attentive_toolkit.bulk.csv_source import MappingError, read_csv
from attentive_toolkit.bulk.record_check import RecordValidator
from attentive_toolkit.bulk.sources import LineKind, read_jsonl
from attentive_toolkit.spec.effective import load_effective_spec

from .conftest import batches_of, write_lines


def test_jsonl_tolerates_bom_crlf_and_blank_lines_and_numbers_every_line(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "in.jsonl",
        ['{"identifiers": {"email": "a@example.com"}}', "", "   ", "{broken", "[1, 2]", '{"identifiers": {}}'],
        newline="\r\n",
        bom=True,
    )
    lines = list(read_jsonl(path))
    assert [(line.line_no, line.kind) for line in lines] == [
        (1, LineKind.RECORD),
        (2, LineKind.BLANK),
        (3, LineKind.BLANK),
        (4, LineKind.BROKEN),
        (5, LineKind.BROKEN),
        (6, LineKind.RECORD),
    ]
    assert lines[0].record == {"identifiers": {"email": "a@example.com"}}
    assert "invalid JSON" in lines[3].reason
    assert "not array" in lines[4].reason


def test_jsonl_flags_bad_utf8_and_nan_instead_of_guessing(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"identifiers": {"email": "\xff@example.com"}}\n{"identifiers": {"email": "a@b"}, "x": NaN}\n')
    kinds = [(line.kind, line.reason.split(" ")[0]) for line in read_jsonl(path)]
    assert kinds == [(LineKind.BROKEN, "not"), (LineKind.BROKEN, "invalid")]


def test_csv_mapping_builds_the_request_shape(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "in.csv",
        [
            "Email,Phone,Name,Color,Lucky,Ignored",
            "a@example.com,+15005550006,Ann,green,7,x",
            '"b@example.com",,"Bo, Jr.",,,',
            "",
            "c@example.com,+1500,Cy,red,seven,",
        ],
        newline="\r\n",
        bom=True,
    )
    columns = ["email", "phone", "firstName", "custom.favorite_color", "custom.lucky:number", "-"]
    header, *lines = list(read_csv(path, columns))
    assert (header.line_no, header.kind) == (1, LineKind.SKIPPED)
    assert lines[0].line_no == 2
    assert lines[0].record == {
        "identifiers": {"email": "a@example.com", "phone": "+15005550006"},
        "attributes": {"firstName": "Ann", "custom": {"favorite_color": "green", "lucky": 7}},
    }
    # Empty cells are omitted, not sent as empty strings.
    assert lines[1].record == {"identifiers": {"email": "b@example.com"}, "attributes": {"firstName": "Bo, Jr."}}
    assert (lines[2].line_no, lines[2].kind) == (4, LineKind.BLANK)
    assert (lines[3].line_no, lines[3].kind) == (5, LineKind.BROKEN)
    assert "'Lucky'" in lines[3].reason


def test_csv_refuses_a_column_it_cannot_place(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.csv", ["email,favourite", "a@example.com,x"])
    with pytest.raises(MappingError, match="favourite"):
        list(read_csv(path))


INVALID = [
    ({"identifiers": {"phone": "5005550006"}}, "/identifiers/phone"),
    ({"identifiers": {"email": "a@b.c"}, "attributes": {"custom": {"tags": ["a"]}}}, "/attributes/custom/tags"),
    ({"identifiers": {}}, "/identifiers"),
    ({"identifiers": {"email": ""}}, "/identifiers/email"),
    ({"identifiers": {"email": "   "}}, "/identifiers/email"),
    ({"identifiers": {"customIdentifiers": []}}, "/identifiers/customIdentifiers"),
    ({"identifiers": {"email": "a@b.c"}, "atributes": {}}, "unknown field(s) 'atributes'"),
    ({"identifiers": {"email": "a@b.c"}, "attributes": {"demographic": {"dateOfBirth": "not-a-date"}}}, "date"),
    ({"identifiers": {"email": "a\ud800"}}, "lone UTF-16 surrogate"),
]


@pytest.mark.parametrize(("record", "expected"), INVALID)
def test_validation_names_the_field(record: dict[str, object], expected: str) -> None:
    reason = RecordValidator(ApiSpec.from_document(load_effective_spec())).reason(record)
    assert reason is not None and expected in reason


def test_batches_keep_subscriptions_apart_and_never_exceed_the_limit() -> None:
    made = batches_of({"subscriptions": [{}]} if line % 3 == 0 else {} for line in range(1, 1001))
    assert all(len(batch) <= 256 for batch in made)
    assert sorted(line for batch in made for line in batch.lines) == list(range(1, 1001))
    assert all(all(bool(r.get("subscriptions")) == batch.guarded for r in batch.records) for batch in made)
    assert [batch.seq for batch in made] == list(range(len(made)))


@pytest.mark.parametrize(("bad", "_"), INVALID)
def test_a_run_of_records_passes_the_schema_exactly_when_each_does(bad: dict[str, object], _: str) -> None:
    validator = RecordValidator(ApiSpec.from_document(load_effective_spec()))
    good = {"identifiers": {"email": "a@example.com"}, "attributes": {"firstName": "A"}}
    assert validator.all_valid([good, good])
    run = [good, bad, good]
    assert validator.all_valid(run) == all(validator.reason(record) is None for record in run)
