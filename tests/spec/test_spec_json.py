"""Every way a spec file can be unreadable is refused with the file's name and what is wrong, by the one reader
(`spec/spec_json.py`) that `spec audit`, `effective`, `overlays`, `drift` and `update` share."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from attentive_toolkit.cli.main import cli
from attentive_toolkit.spec.spec_json import SpecJsonError, parse_spec

from ..upgrade import vendor_specs

REPO = Path(__file__).resolve().parents[2]
INFO = {"info": {"title": "t", "version": "1"}}
HEAD = b'{"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {}, '


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\xff\xfe\x00", "not UTF-8 text (byte 0)"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply to read"),
        (HEAD + b'"x-n": ' + b"9" * 5000 + b"}", "a number too long to read"),
        (HEAD + b'"x-n": NaN}', "NaN is not a JSON number"),
        (HEAD + b'"x-n": 1e999}', "1e999 is beyond what a JSON number can hold"),
        (HEAD + b'"info": {}}', "the key 'info' appears twice in one object"),
        (b"[1, 2]", "must be a JSON object, not list"),
        (b'{"swagger": "2.0", "paths": {}}', "/openapi is None; expected an OpenAPI 3.x document"),
        (b'{"openapi": "3.0.1", "paths": []}', "/paths is missing or not an object"),
        (b'{"openapi": ', "line 1, column 13: not valid JSON"),
    ],
)
def test_an_unreadable_spec_is_named_with_what_is_wrong(data: bytes, problem: str) -> None:
    with pytest.raises(SpecJsonError) as refused:
        parse_spec(data, "given.json")
    message = str(refused.value)
    assert message.startswith("given.json: ") and problem in message


@pytest.mark.parametrize("path", [REPO / "openapi.json", vendor_specs.NEWER_V2, vendor_specs.V1], ids=lambda p: p.name)
def test_the_real_specs_read_unchanged(path: Path) -> None:
    data = vendor_specs.vendor_bytes(path) if path != REPO / "openapi.json" else path.read_bytes()
    assert parse_spec(data, str(path)) == json.loads(data)


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ({**INFO, "openapi": "3.0.1", "paths": {"/a": {"get": "no"}}}, "/paths/~1a/get"),
        ({**INFO, "openapi": "3.1.0", "paths": {}}, "/openapi"),
    ],
)
def test_audit_refuses_a_document_that_is_not_openapi_30_instead_of_finding_no_gaps(
    tmp_path: Path, document: dict[str, object], where: str
) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(cli, ["spec", "audit", str(path)])
    assert result.exit_code == 1
    assert "not OpenAPI 3.0: refused" in result.output
    assert f"OpenAPI 3.0 meta-schema (jsonschema-rs): {where}:" in result.output
    assert "0 gap(s)" not in result.output
