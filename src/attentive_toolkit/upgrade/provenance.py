"""Read the digests that ``attentive spec regen`` records in ``attentive_client/_provenance.py``, without importing."""

from __future__ import annotations

import ast
from pathlib import Path

from ..spec.generation import PROVENANCE_MODULE


def read_provenance(package: Path) -> dict[str, str]:
    """The string constants of ``_provenance.py`` keyed in lower case (``vendor_spec_sha256``, ...); empty when
    the module is missing."""
    module = package / PROVENANCE_MODULE
    if not module.is_file():
        return {}
    values = {}
    for node in ast.parse(module.read_text(encoding="utf-8"), filename=str(module)).body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            values[node.targets[0].id.lower()] = node.value.value
    return values
