"""Where the project's inputs and outputs live, relative to the repository root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProjectPaths:
    root: Path

    @property
    def vendor_spec(self) -> Path:
        return self.root / "openapi.json"

    @property
    def overlays(self) -> Path:
        return self.root / "overlays"

    @property
    def generator_config(self) -> Path:
        return self.root / "generator-config.yaml"

    @property
    def templates(self) -> Path:
        return self.root / "templates" / "overrides"

    @property
    def runtime(self) -> Path:
        """The hand-written runtime, copied verbatim into the client as ``attentive_client.runtime``."""
        return self.root / "runtime"

    @property
    def generated(self) -> Path:
        return self.root / "generated"

    @property
    def effective_spec(self) -> Path:
        return self.generated / "openapi.json"


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds both ``openapi.json`` and ``overlays/``.

    ``ATTENTIVE_PROJECT_ROOT`` wins when set, so the tools also work from outside the checkout.
    """
    env = os.environ.get("ATTENTIVE_PROJECT_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "openapi.json").is_file() and (candidate / "overlays").is_dir():
            return candidate
    raise FileNotFoundError(
        f"no project root (a folder with openapi.json and overlays/) at or above {here}; "
        "run from the checkout or set ATTENTIVE_PROJECT_ROOT"
    )


def project_paths(start: Path | None = None) -> ProjectPaths:
    return ProjectPaths(find_root(start))
