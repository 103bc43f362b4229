"""A spec the pipeline can't use is refused with findings (tool, JSON pointer, what to do): the tree stays
byte-identical, nothing is fetched, and no command ends in a traceback."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from attentive_toolkit.cli.main import cli
from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.spec.validity import validity_findings

from ..http_stub import QuietHandler, serving
from ..project_copy import copy_project, tree_bytes
from . import vendor_specs

ME_SCHEMA = ("paths", "/v2/me", "get", "responses", "200", "content", "application/json", "schema")
ME_POINTER = "/paths/~1v2~1me/get/responses/200/content/application~1json/schema/$ref"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    """One project copy for the module: every command here must leave it exactly as it was."""
    return copy_project(tmp_path_factory.mktemp("refused") / "project")


def _with_ref(our_spec: dict[str, Any], ref: str) -> dict[str, Any]:
    base = copy.deepcopy(our_spec)
    node = base
    for part in ME_SCHEMA[:-1]:
        node = node[part]
    node[ME_SCHEMA[-1]] = {"$ref": ref}
    return base


def _invoke(project: ProjectPaths, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"ATTENTIVE_PROJECT_ROOT": str(project.root)})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


class _Recorder(QuietHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        body = json.dumps({"type": "object"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def remote_host() -> Iterator[str]:
    """A loopback server that would answer a fetch of the remote $ref, and records whether anyone asked."""
    with serving(_Recorder) as url:
        yield url


@pytest.mark.parametrize("command", ["update", "effective", "audit"])
def test_a_ref_to_a_missing_component_is_refused_with_a_finding(
    project: ProjectPaths, tmp_path: Path, our_spec: dict[str, Any], command: str
) -> None:
    spec = vendor_specs.write_spec(_with_ref(our_spec, "#/components/schemas/Gone"), tmp_path / "missing.json")
    before = tree_bytes(project.root)
    code, output = _invoke(project, "spec", command, str(spec))
    assert code == 1
    assert "Traceback" not in output and "internal error" not in output
    assert ME_POINTER in output and "Gone" in output
    assert tree_bytes(project.root) == before


@pytest.mark.parametrize("command", ["update", "effective"])
def test_a_remote_ref_is_refused_and_never_fetched(
    project: ProjectPaths, tmp_path: Path, our_spec: dict[str, Any], remote_host: str, command: str
) -> None:
    spec = _with_ref(our_spec, f"{remote_host}/schemas.json#/Me")
    path = vendor_specs.write_spec(spec, tmp_path / "remote.json")
    before = tree_bytes(project.root)
    code, output = _invoke(project, "spec", command, str(path))
    assert code == 1
    assert f"$ref check: {ME_POINTER}: remote reference" in output and "never fetched" in output
    assert _Recorder.requests == []
    assert tree_bytes(project.root) == before


def test_the_vendor_specs_with_their_reference_cycles_are_valid_without_recursion() -> None:
    """V1's 45 polymorphic cycles made openapi-spec-validator recurse forever; the merged document is valid."""
    assert validity_findings(vendor_specs.merged_v1_v2()) == []
    assert validity_findings(vendor_specs.newer_v2()) == []


def test_a_structural_error_is_named_by_the_meta_schema_with_its_pointer() -> None:
    spec = vendor_specs.newer_v2()
    spec["paths"]["/v2/me"]["get"]["responses"]["200"]["content"] = "application/json"
    findings = validity_findings(spec)
    assert [(f.tool, f.pointer) for f in findings] == [
        ("OpenAPI 3.0 meta-schema (jsonschema-rs)", "/paths/~1v2~1me/get/responses/200")
    ]


@pytest.mark.parametrize("command", ["regen", "effective", "drift"])
def test_an_unforeseen_failure_is_a_finding_not_a_traceback(
    project: ProjectPaths, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """A bug in the pipeline (here the overlay applier blowing up) refuses the spec with a finding that names the
    toolkit and how to get the traceback; the tree stays as it was."""

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.delenv("ATTENTIVE_DEBUG", raising=False)
    monkeypatch.setattr("attentive_toolkit.spec.overlay.apply_overlays", broken)
    before = tree_bytes(project.root)
    code, output = _invoke(project, "spec", command)
    assert code == 1
    assert "attentive-toolkit: /: spec " in output and "(RuntimeError: boom)" in output
    assert "ATTENTIVE_DEBUG=1" in output and "Traceback" not in output
    assert tree_bytes(project.root) == before
