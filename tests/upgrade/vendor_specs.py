"""The vendor's real published specs (fixtures/), and the one document a team that takes both V1 and V2 gets.

CLI-free: any test can call ``newer_v2()``, ``v1()`` or ``merged_v1_v2()`` and get a fresh dict to change.
"""

from __future__ import annotations

import copy
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

Spec = dict[str, Any]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NEWER_V2 = FIXTURES / "attentive-v2-openapi-newer.json"
V1 = FIXTURES / "attentive-v1-openapi.json"
SHA256 = {
    NEWER_V2.name: "123406070bbfa161dc46e1a2cf761d946b5319474c086913b9e50d9a4269038f",
    V1.name: "38b5272bde00e62e763ce8a75bcd5c411da2d018ac486065374fb7d5b3469b4c",
}
# Where V1's operations live once both versions share V2's server root.
V1_PREFIX = "/v1"


class ComponentClash(ValueError):
    """V1 and V2 define one component name differently: merging would silently pick one."""


@cache
def _load(path: Path) -> bytes:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256[path.name]:
        raise AssertionError(f"{path} is not the vendor's file (sha256 {digest}); see fixtures/README.md")
    return data


def vendor_bytes(path: Path) -> bytes:
    """The fixture's bytes, checked against the vendor's hash."""
    return _load(path)


def newer_v2() -> Spec:
    spec: Spec = json.loads(_load(NEWER_V2))
    return spec


def v1() -> Spec:
    spec: Spec = json.loads(_load(V1))
    return spec


def _merge_named(section: str, into: dict[str, Any], extra: dict[str, Any]) -> None:
    for name, value in extra.items():
        if name in into and into[name] != value:
            raise ComponentClash(f"components/{section}/{name} differs between V2 and V1")
        into.setdefault(name, copy.deepcopy(value))


def merge(v2: Spec, v1_spec: Spec) -> Spec:
    """V2 as the base (its info, server and global security), V1's paths under ``/v1`` (V1's server is
    V2's root plus ``/v1``), V1's tags appended, and every component of both; a name defined differently by the
    two raises ComponentClash instead of keeping one silently."""
    merged = copy.deepcopy(v2)
    for path, item in v1_spec["paths"].items():
        prefixed = V1_PREFIX + path
        if prefixed in merged["paths"]:
            raise ComponentClash(f"path {prefixed} is in both documents")
        merged["paths"][prefixed] = copy.deepcopy(item)
    components = merged.setdefault("components", {})
    for section, named in v1_spec.get("components", {}).items():
        _merge_named(section, components.setdefault(section, {}), named)
    known_tags = {tag["name"] for tag in merged.get("tags", [])}
    merged.setdefault("tags", []).extend(
        copy.deepcopy(tag) for tag in v1_spec.get("tags", []) if tag["name"] not in known_tags
    )
    if v1_spec.get("security") != v2.get("security"):
        raise ComponentClash("V1 and V2 have different global security requirements")
    return merged


def merged_v1_v2() -> Spec:
    """The whole API in one document: the newer V2 release plus V1 under ``/v1`` (33 operations, 456 schemas)."""
    return merge(newer_v2(), v1())


def write_spec(spec: Spec, path: Path) -> Path:
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    return path
