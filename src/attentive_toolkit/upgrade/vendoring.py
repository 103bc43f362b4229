"""Copy the generated client into another project's tree with a manifest, and check such a copy later.

The manifest (``attentive_client/_vendored.json``) records where the copy came from (the digests in
``_provenance.py``, the spec's title and version, the date) and the sha256 of every file, so that a consumer can
tell whether their copy is still exactly what was generated.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ..paths import ProjectPaths
from ..spec.drift import tree_files
from ..spec.effective import load_json
from ..spec.generation import PACKAGE_NAME, PROVENANCE_MODULE
from .provenance import read_provenance

MANIFEST_NAME = "_vendored.json"
MANIFEST_FORMAT = 1


class VendorError(RuntimeError):
    """Vendoring or checking could not be done; the message says what and where."""


@dataclass(frozen=True)
class CopyCheck:
    package: Path
    manifest: dict[str, Any]
    changed: list[str]
    missing: list[str]
    extra: list[str]
    disagreements: list[str]  # provenance in the manifest that _provenance.py contradicts

    @property
    def intact(self) -> bool:
        return not (self.changed or self.missing or self.extra or self.disagreements)

    @property
    def provenance(self) -> dict[str, str]:
        value = self.manifest.get("provenance")
        return value if isinstance(value, dict) else {}


def _package_provenance(package: Path) -> dict[str, str]:
    values = read_provenance(package)
    if not values:
        raise VendorError(f"{package / PROVENANCE_MODULE}: missing or empty; regenerate with `attentive spec regen`")
    return values


def file_hashes(package: Path) -> dict[str, str]:
    """sha256 of every file of the package except the manifest; caches (``__pycache__``, ...) are not files of it."""
    return {
        name: hashlib.sha256(path.read_bytes()).hexdigest()
        for name, path in sorted(tree_files(package).items())
        if name != MANIFEST_NAME
    }


def _spec_identity(generated: Path) -> dict[str, str]:
    spec_path = generated / "openapi.json"
    if not spec_path.is_file():
        return {}
    info = load_json(spec_path).get("info") or {}
    return {"title": str(info.get("title", "")), "version": str(info.get("version", ""))}


def build_manifest(generated: Path, now: datetime | None = None) -> dict[str, Any]:
    package = generated / PACKAGE_NAME
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return {
        "format": MANIFEST_FORMAT,
        "package": PACKAGE_NAME,
        "vendored_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "vendored_by": f"attentive-toolkit {version('attentive-toolkit')}",
        "provenance": _package_provenance(package),
        "spec": _spec_identity(generated),
        "files": file_hashes(package),
    }


def read_manifest(package: Path) -> dict[str, Any]:
    path = package / MANIFEST_NAME
    if not path.is_file():
        raise VendorError(
            f"{path}: missing: {package} was not vendored by `attentive vendor` (or the file was deleted)"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise VendorError(f"{path}: not a readable manifest: {exc}") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise VendorError(f"{path}: not a vendoring manifest (no 'files' object)")
    if manifest.get("format") != MANIFEST_FORMAT:
        raise VendorError(f"{path}: manifest format {manifest.get('format')!r}, this tool reads {MANIFEST_FORMAT}")
    return manifest


def package_folder(dest: Path) -> Path:
    """``dest`` may name the vendored package itself or the folder that holds it."""
    return dest if (dest / MANIFEST_NAME).is_file() or dest.name == PACKAGE_NAME else dest / PACKAGE_NAME


def check_copy(dest: Path) -> CopyCheck:
    package = package_folder(dest)
    if not package.is_dir():
        raise VendorError(f"{package}: no vendored {PACKAGE_NAME} here")
    manifest = read_manifest(package)
    recorded: dict[str, Any] = manifest["files"]
    actual = file_hashes(package)
    changed = sorted(name for name in recorded.keys() & actual.keys() if recorded[name] != actual[name])
    disagreements = []
    if PROVENANCE_MODULE not in changed and PROVENANCE_MODULE in actual:
        claimed = manifest.get("provenance") or {}
        for key, value in read_provenance(package).items():
            if claimed.get(key) != value:
                disagreements.append(f"{key}: manifest says {claimed.get(key)!r}, {PROVENANCE_MODULE} says {value!r}")
    return CopyCheck(
        package=package,
        manifest=manifest,
        changed=changed,
        missing=sorted(recorded.keys() - actual.keys()),
        extra=sorted(actual.keys() - recorded.keys()),
        disagreements=disagreements,
    )


def _refuse_to_overwrite(package: Path) -> None:
    """Replacing a copy someone changed, or a folder we did not write, would lose their work."""
    try:
        existing = check_copy(package)
    except VendorError as exc:
        raise VendorError(f"{package} exists and is not a vendored copy ({exc}); pass --force to replace it") from exc
    if not existing.intact:
        names = ", ".join([*existing.changed, *existing.missing, *existing.extra][:5])
        raise VendorError(f"{package} has local changes ({names}); pass --force to replace it and lose them")


def vendor(paths: ProjectPaths, dest: Path, *, force: bool = False, now: datetime | None = None) -> CopyCheck:
    """Copy ``generated/attentive_client`` to ``dest/attentive_client`` with its manifest; returns the check of
    the new copy."""
    source = paths.generated / PACKAGE_NAME
    if not source.is_dir():
        raise VendorError(f"{source}: no generated package; run `attentive spec regen` first")
    package = package_folder(dest)
    if package.exists() and not force:
        _refuse_to_overwrite(package)
    manifest = build_manifest(paths.generated, now)
    package.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{PACKAGE_NAME}-vendor-", dir=package.parent) as scratch:
        staged = Path(scratch) / PACKAGE_NAME
        staged.mkdir()
        for name, path in tree_files(source).items():
            (staged / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, staged / name)
        (staged / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if package.exists():
            package.rename(Path(scratch) / "replaced")
        staged.rename(package)
    return check_copy(package)


def describe_origin(check: CopyCheck) -> str:
    provenance, spec = check.provenance, check.manifest.get("spec") or {}
    title = f"{spec.get('title', '?')} {spec.get('version', '')}".strip()
    return (
        f"generated from {title}: vendor spec sha256 {provenance.get('vendor_spec_sha256', '?')}, "
        f"overlays {provenance.get('overlays_sha256', '?')[:12]}, effective spec "
        f"{provenance.get('effective_spec_sha256', '?')[:12]}, by {provenance.get('generator', '?')}; "
        f"vendored {check.manifest.get('vendored_at', '?')} by {check.manifest.get('vendored_by', '?')}"
    )
