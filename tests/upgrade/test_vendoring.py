"""``attentive vendor DEST`` and ``attentive vendor --check DEST``: a copy with provenance that can be verified."""

from __future__ import annotations

import compileall
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from attentive_toolkit.cli.main import cli
from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.upgrade.provenance import read_provenance
from attentive_toolkit.upgrade.vendoring import MANIFEST_NAME, check_copy, vendor

from ..project_copy import REPO, tree_bytes


def run(*args: str) -> Result:
    # The checkout is only read: vendoring copies generated/attentive_client out of it.
    return CliRunner().invoke(cli, list(args), env={"ATTENTIVE_PROJECT_ROOT": str(REPO)})


@pytest.fixture
def vendored(tmp_path: Path) -> Path:
    dest = tmp_path / "consumer" / "src"
    result = run("vendor", str(dest))
    assert result.exit_code == 0, result.output
    return dest / "attentive_client"


def test_vendored_copy_is_the_generated_package_byte_for_byte(vendored: Path) -> None:
    copied = tree_bytes(vendored)
    del copied[MANIFEST_NAME]
    assert copied == tree_bytes(REPO / "generated" / "attentive_client")


def test_manifest_records_provenance_and_every_file(vendored: Path) -> None:
    manifest = json.loads((vendored / MANIFEST_NAME).read_text(encoding="utf-8"))
    provenance = read_provenance(REPO / "generated" / "attentive_client")
    assert manifest["provenance"] == provenance
    assert manifest["provenance"]["vendor_spec_sha256"] == provenance["vendor_spec_sha256"]
    assert manifest["provenance"]["generator"] == "openapi-python-client 0.29.1"
    assert set(manifest["files"]) == {name for name in tree_bytes(vendored) if not name.endswith("/")} - {MANIFEST_NAME}
    assert datetime.strptime(manifest["vendored_at"], "%Y-%m-%dT%H:%M:%SZ")


def test_check_of_an_untouched_copy_passes_and_names_the_spec(vendored: Path) -> None:
    compileall.compile_dir(vendored, quiet=1)  # importing the copy writes __pycache__: not a change to it
    result = run("vendor", "--check", str(vendored.parent))
    assert result.exit_code == 0, result.output
    assert f"{vendored}: intact" in result.output
    assert read_provenance(vendored)["vendor_spec_sha256"] in result.output


def test_one_changed_byte_fails_the_check_and_names_the_file(vendored: Path) -> None:
    target = vendored / "models" / "success.py"
    data = bytearray(target.read_bytes())
    data[-2] ^= 0x01
    target.write_bytes(bytes(data))
    result = run("vendor", "--check", str(vendored))
    assert result.exit_code == 1
    assert "NOT intact: 1 changed, 0 missing, 0 extra" in result.output
    assert "changed  models/success.py" in result.output


def test_missing_and_extra_files_fail_the_check(vendored: Path) -> None:
    (vendored / "errors.py").unlink()
    (vendored / "models" / "patch.py").write_text("X = 1\n", encoding="utf-8")
    check = check_copy(vendored)
    assert (check.intact, check.changed, check.missing, check.extra) == (False, [], ["errors.py"], ["models/patch.py"])


def test_edited_provenance_in_the_manifest_is_caught(vendored: Path) -> None:
    manifest_path = vendored / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["provenance"]["vendor_spec_sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    result = run("vendor", "--check", str(vendored))
    assert result.exit_code == 1
    assert "provenance vendor_spec_sha256: manifest says" in result.output


def test_a_folder_without_manifest_is_not_a_vendored_copy(tmp_path: Path) -> None:
    (tmp_path / "attentive_client").mkdir()
    result = run("vendor", "--check", str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path / 'attentive_client' / MANIFEST_NAME}: missing" in result.output


def test_vendoring_again_refuses_to_overwrite_local_changes_unless_forced(vendored: Path) -> None:
    edited = vendored / "types.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "# local fix\n", encoding="utf-8")
    refused = run("vendor", str(vendored.parent))
    assert refused.exit_code == 1
    assert "types.py" in refused.output and "--force" in refused.output
    assert edited.read_text(encoding="utf-8").endswith("# local fix\n")
    forced = run("vendor", "--force", str(vendored.parent))
    assert forced.exit_code == 0, forced.output
    assert check_copy(vendored).intact
    assert not [p.name for p in vendored.parent.iterdir() if p.name != "attentive_client"], "scratch left behind"


def test_vendoring_date_is_the_one_given(tmp_path: Path) -> None:
    moment = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    check = vendor(ProjectPaths(REPO), tmp_path, now=moment)
    assert check.manifest["vendored_at"] == "2026-11-28T09:30:00Z"
