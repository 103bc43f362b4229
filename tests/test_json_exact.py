"""JSON parsing that never changes a number, shared by the reference server and the bulk importer."""

from __future__ import annotations

import pytest

from attentive_toolkit.bulk.sources import LineKind, parse_json_line
from attentive_toolkit.json_exact import NOT_PARSED, fast_loads


def test_ordinary_json_takes_the_fast_path() -> None:
    assert fast_loads(b'{"a": [1, 2.5, "x", true, null], "phone": "+15005550006"}') == {
        "a": [1, 2.5, "x", True, None],
        "phone": "+15005550006",
    }


@pytest.mark.parametrize(
    "number",
    ["18446744073709551616", "2699126561863404262571114496", "-100000000000000000000", "-9223372036854775809"],
)
def test_integers_beyond_64_bits_are_left_to_the_exact_parser(number: str) -> None:
    assert fast_loads(f'{{"n": {number}}}'.encode()) is NOT_PARSED


@pytest.mark.parametrize("raw", [b"", b"{", b'{"a": NaN}', b'"\\ud800"', b"\xff"])
def test_what_orjson_refuses_is_left_to_the_standard_parser(raw: bytes) -> None:
    assert fast_loads(raw) is NOT_PARSED


def test_a_bulk_line_keeps_a_big_integer_exact() -> None:
    line = parse_json_line(
        3, b'{"identifiers": {"email": "a@example.com"}, "attributes": {"custom": {"n": 1' + b"0" * 21 + b"}}}"
    )
    assert line.kind is LineKind.RECORD
    assert line.record is not None
    value = line.record["attributes"]["custom"]["n"]
    assert isinstance(value, int)
    assert value == 10**21
