"""Writes the bad-input corpus beside this file: ``python tests/bulk/corpus/make_corpus.py``.

The files are committed (the bytes are the point: NUL, stray BOMs, invalid UTF-8); this script says how each line
was made. ``expected.json`` gives each physical line's outcome and, for a reject, words its reason must contain.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
BOM = b"\xef\xbb\xbf"


def good(name: str) -> bytes:
    return json.dumps({"identifiers": {"email": f"{name}@example.com"}, "attributes": {"firstName": name}}).encode()


JSONL: list[tuple[bytes, str]] = [
    (good("j1"), "accepted"),
    (b"", "skipped"),
    (b'{"identifiers": {"email": "x@example.com"', "invalid JSON"),
    (
        b'{"identifiers": {"email": "deep@example.com"}, "attributes": {"custom": {"x": '
        + b"[" * 10_000
        + b"]" * 10_000
        + b"}}}",
        "nested too deeply",
    ),
    (b'{"identifiers": {"email": "\\ud800@example.com"}}', "lone surrogate"),
    (
        b'{"identifiers": {"email": "dob@example.com"}, "attributes": {"demographic": {"dateOfBirth": "not-a-date"}}}',
        "dateOfBirth",
    ),
    (BOM + good("bom"), "byte order mark"),
    (b'{"identifiers": {"email": "nul\\u0000@example.com"}}', "/identifiers/email: control"),
    (b'{"identifiers": {"email": "a@example.com", "email": "b@example.com"}}', "duplicate key 'email'"),
    (b'{"identifiers": {"email": "nan@example.com"}, "attributes": {"custom": {"n": NaN}}}', "NaN"),
    (b"[1, 2]", "not array"),
    (b'{"identifiers": {"email": "\xff@example.com"}}', "not valid UTF-8"),
    (good("j2"), "accepted"),
    (b'{"identifiers": {"clientUserId": "zero\\u200bwidth"}}', "/identifiers/clientUserId: control or invisible"),
    (b'{"identifiers": {"email": "typo@example.com"}, "atributes": {}}', "atributes"),
    (good("j3") + b"\r", "accepted"),
    (good("j4"), "accepted"),  # the last line has no newline
]

CSV: list[tuple[bytes, str]] = [
    (b"email,firstName,custom.note", "skipped"),
    (b"c1@example.com,C1,plain", "accepted"),
    (b'bad1@example.com,"Unbalanced,x', "quote opened at column"),
    (b"c2@example.com,C2,after the stray quote", "accepted"),
    (b'multi@example.com,Multi,"line one', "accepted"),
    (b'line two"', "accepted"),  # the same record as the line before
    (b"few@example.com,Few", "2 fields"),
    (b"nul@exa\x00mple.com,N,x", "NUL"),
    (BOM + b"bom@example.com,B,x", "byte order mark"),
    (b"c3@example.com,C3,x", "accepted"),
    (b"\xffbad@example.com,U,x", "not valid UTF-8"),
    (b"", "skipped"),
    (b'q@exa"mple.com,Q,x', "quote inside an unquoted value"),
    (b"c4@example.com,C4,x", "accepted"),
    (b"ctl\x01@example.com,C,x", "/identifiers/email: control"),
    (b'big@example.com,Big,"' + b"x" * 140_000 + b'"', "longer than"),
    (b'c5@example.com,C5,"quoted, with a comma and ""quotes"""', "accepted"),
]


def write(name: str, lines: list[tuple[bytes, str]], final_newline: bool) -> dict[str, str]:
    data = b"\n".join(line for line, _ in lines) + (b"\n" if final_newline else b"")
    (HERE / name).write_bytes(data)
    return {str(number): outcome for number, (_, outcome) in enumerate(lines, start=1)}


if __name__ == "__main__":
    expected = {"bad.jsonl": write("bad.jsonl", JSONL, False), "bad.csv": write("bad.csv", CSV, True)}
    (HERE / "expected.json").write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8")
