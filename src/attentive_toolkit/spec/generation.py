"""Generate the client from the effective spec into a scratch folder, then compare or swap it in.

The generator leaves a half-written tree when it fails, so nothing is ever generated in place.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

from ..paths import ProjectPaths
from .effective import EffectiveSpec, build_effective_spec, digest_files
from .findings import SpecRefused
from .generator_warnings import read_warnings
from .reachability import reachable_schemas
from .template_facts import templates_with_facts

GENERATOR_VERSION = "0.29.1"
PACKAGE_NAME = "attentive_client"
PROVENANCE_MODULE = "_provenance.py"
# The package the project's runtime/ is copied into, verbatim: ``attentive_client.runtime``.
RUNTIME_PACKAGE = "runtime"


class GenerationError(RuntimeError):
    pass


def _tool_env() -> dict[str, str]:
    """The generator's post-hooks call ``ruff`` by name: find the pinned one beside this interpreter."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def check_toolchain() -> None:
    installed = version("openapi-python-client")
    if installed != GENERATOR_VERSION:
        raise GenerationError(
            f"openapi-python-client {installed} is installed, the project pins {GENERATOR_VERSION}; "
            "install the pinned version (tox does) before generating"
        )
    if shutil.which("ruff", path=_tool_env()["PATH"]) is None:
        raise GenerationError("ruff is not on PATH: the generator would skip its formatting hooks with a warning")


def template_files(paths: ProjectPaths) -> list[Path]:
    return sorted(p for p in paths.templates.rglob("*") if p.is_file())


def runtime_files(paths: ProjectPaths) -> list[Path]:
    if not paths.runtime.is_dir():
        raise GenerationError(f"{paths.runtime}: the runtime folder is missing; it is a generator input like overlays/")
    return sorted(p for p in paths.runtime.rglob("*.py") if "__pycache__" not in p.parts)


def copy_runtime(package_dir: Path, paths: ProjectPaths) -> None:
    """The runtime's modules, byte for byte: the drift check then proves the copy is current."""
    target = package_dir / RUNTIME_PACKAGE
    for source in runtime_files(paths):
        destination = target / source.relative_to(paths.runtime)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)


def provenance_source(spec: EffectiveSpec, paths: ProjectPaths) -> str:
    templates = digest_files(template_files(paths), paths.root)
    config = digest_files([paths.generator_config], paths.root)
    runtime = digest_files(runtime_files(paths), paths.runtime)
    return (
        '"""Where this package came from. Written by ``attentive spec regen``, not by the generator or by hand."""\n'
        "\n"
        f'VENDOR_SPEC_SHA256 = "{spec.vendor_sha256}"\n'
        f'OVERLAYS_SHA256 = "{spec.overlays_sha256}"\n'
        f'EFFECTIVE_SPEC_SHA256 = "{spec.sha256}"\n'
        f'TEMPLATES_SHA256 = "{templates}"\n'
        f'GENERATOR_CONFIG_SHA256 = "{config}"\n'
        f'RUNTIME_SHA256 = "{runtime}"\n'
        f'GENERATOR = "openapi-python-client {GENERATOR_VERSION}"\n'
    )


def generate_into(project_dir: Path, paths: ProjectPaths, spec: EffectiveSpec) -> None:
    """Write the whole of ``generated/`` (client, effective spec, provenance) into ``project_dir``."""
    check_toolchain()
    with tempfile.TemporaryDirectory(prefix="attentive-spec-") as scratch:
        spec_path = Path(scratch) / "openapi.json"
        spec_path.write_text(spec.text, encoding="utf-8")
        templates = templates_with_facts(paths.templates, spec.document, paths.runtime, Path(scratch))
        command = [
            sys.executable, "-m", "openapi_python_client", "generate",
            "--path", str(spec_path),
            "--config", str(paths.generator_config),
            "--custom-template-path", str(templates),
            "--output-path", str(project_dir),
            "--meta", "uv",
        ]  # fmt: skip
        # Without --fail-on-warning: its warnings are read as findings (generator_warnings.py) instead.
        result = subprocess.run(command, capture_output=True, text=True, env=_tool_env(), cwd=paths.root, check=False)
        output = f"{result.stdout}\n{result.stderr}"
        if result.returncode != 0 or "Error(s) encountered" in output:
            raise GenerationError(f"openapi-python-client failed:\n{output}".rstrip())
        warnings = read_warnings(output, reachable_schemas(spec.document))
        if warnings.findings:
            raise SpecRefused("openapi-python-client skipped part of the client", warnings.findings)
        spec.generator_findings.extend(warnings.unreachable)
    copy_runtime(project_dir / PACKAGE_NAME, paths)
    (project_dir / "openapi.json").write_text(spec.text, encoding="utf-8")
    # Package data: the runtime validates request bodies against it and reads each operation's rate limit.
    (project_dir / PACKAGE_NAME / "openapi.json").write_text(spec.text, encoding="utf-8")
    (project_dir / PACKAGE_NAME / PROVENANCE_MODULE).write_text(provenance_source(spec, paths), encoding="utf-8")


@contextmanager
def scratch_generation(paths: ProjectPaths, spec: EffectiveSpec | None = None) -> Iterator[Path]:
    """Generate into a temporary folder beside ``generated/`` and yield it; it is removed afterwards."""
    spec = spec or build_effective_spec(paths)
    paths.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".generated-", dir=paths.root) as scratch:
        project_dir = Path(scratch) / "generated"
        generate_into(project_dir, paths, spec)
        yield project_dir


def regenerate(paths: ProjectPaths, spec: EffectiveSpec | None = None) -> EffectiveSpec:
    """Replace ``generated/`` with a fresh generation; on any failure the old tree stays untouched."""
    spec = spec or build_effective_spec(paths)
    with scratch_generation(paths, spec) as fresh:
        backup = fresh.parent / "previous"
        if paths.generated.exists():
            paths.generated.rename(backup)
        fresh.rename(paths.generated)
    return spec
