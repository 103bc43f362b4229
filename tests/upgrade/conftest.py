from __future__ import annotations

import json
from typing import Any

import pytest

from ..project_copy import REPO


@pytest.fixture(scope="session")
def our_spec() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((REPO / "openapi.json").read_text(encoding="utf-8"))
    return spec
