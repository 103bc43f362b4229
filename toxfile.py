"""tox plugin (loaded by tox from this file): find the interpreters that pyenv installed, even off PATH.

`py311`, `py312` and `py313` need all three Pythons, and `skip_missing_interpreters = false` makes a missing one
an error. On machines where they come from pyenv, `python3.12` is only reachable through pyenv's shims, which a
minimal PATH (CI, `/usr/bin/python3 -m venv`) leaves out. This adds each `$PYENV_ROOT/versions/*/bin` (default
`~/.pyenv`) to the end of PATH before tox looks for interpreters: whatever PATH already offers still wins, and on
a machine without pyenv nothing changes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from tox.plugin import impl

if TYPE_CHECKING:
    from tox.config.sets import ConfigSet
    from tox.session.state import State


def _version_key(folder: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", folder.name))


def pyenv_bin_dirs(root: Path) -> list[Path]:
    """`root/versions/*/bin` of CPython releases, newest first (so 3.12.8 is found before 3.12.1)."""
    versions = root / "versions"
    if not versions.is_dir():
        return []
    releases = [folder for folder in versions.iterdir() if re.fullmatch(r"\d+\.\d+\.\d+", folder.name)]
    return [folder / "bin" for folder in sorted(releases, key=_version_key, reverse=True) if (folder / "bin").is_dir()]


def extended_path(path: str, root: Path) -> str:
    present = path.split(os.pathsep) if path else []
    extra = [str(folder) for folder in pyenv_bin_dirs(root) if str(folder) not in present]
    return os.pathsep.join([*present, *extra])


@impl
def tox_add_core_config(core_conf: ConfigSet, state: State) -> None:
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    os.environ["PATH"] = extended_path(os.environ.get("PATH", ""), root)
