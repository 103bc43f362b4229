"""Each overridden generator template sits beside its pristine upstream copy, and that copy is what is installed.

When openapi-python-client is upgraded and a template we override changed upstream, this fails with the
upstream diff: merge it into templates/overrides/ on purpose, then refresh templates/pristine/.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import openapi_python_client
import pytest

ROOT = Path(__file__).resolve().parents[2]
OVERRIDES = ROOT / "templates" / "overrides"
PRISTINE = ROOT / "templates" / "pristine"
INSTALLED = Path(openapi_python_client.__file__).parent / "templates"
# Our own template files, included by the overrides; they replace nothing upstream.
OWN_FOLDER = "attentive"


def relative_files(folder: Path) -> list[str]:
    # Dotfiles (.keep) only hold a folder in git.
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")
    )


@pytest.mark.parametrize("name", relative_files(PRISTINE))
def test_the_pristine_copy_is_the_installed_template(name: str) -> None:
    installed = INSTALLED / name
    assert installed.is_file(), f"{name}: the installed generator no longer has this template"
    ours, theirs = (PRISTINE / name).read_text(encoding="utf-8"), installed.read_text(encoding="utf-8")
    if ours != theirs:
        diff = "".join(
            difflib.unified_diff(
                ours.splitlines(keepends=True),
                theirs.splitlines(keepends=True),
                f"pristine/{name}",
                f"installed/{name}",
            )
        )
        pytest.fail(
            f"upstream changed {name}; merge this into templates/overrides/{name}, then copy it to pristine:\n{diff}"
        )


def test_every_override_of_an_upstream_template_keeps_its_pristine_copy() -> None:
    overridden = [name for name in relative_files(OVERRIDES) if (INSTALLED / name).is_file()]
    assert overridden, "no override found: is templates/overrides/ where the pipeline looks?"
    assert overridden == relative_files(PRISTINE)


def test_files_that_override_nothing_live_in_their_own_folder() -> None:
    for name in relative_files(OVERRIDES):
        if not (INSTALLED / name).is_file():
            assert name.startswith(f"{OWN_FOLDER}/"), f"{name} matches no upstream template: a typo, or move it"
