"""Build hook: a wheel of the toolkit depends on the generated client of the same checkout.

The dependency is added to regular wheels only. An editable install (``pip install -e generated -e .``, tox)
installs the client editable itself, and pip refuses an editable and a non-editable requirement for the same
project in one environment, so the editable toolkit must not ask for a second, non-editable copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

CLIENT = "attentive-client"


class ClientDependency(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        client = Path(self.root) / "generated"
        if not (client / "pyproject.toml").is_file():
            raise RuntimeError(f"{client}: the generated client is missing; build from a checkout of the toolkit")
        build_data.setdefault("dependencies", []).append(f"{CLIENT} @ {client.resolve().as_uri()}")
