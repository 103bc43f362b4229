"""The vendor's fixtures are the vendor's bytes, and the merged V1+V2 document is the whole API in one spec."""

from __future__ import annotations

import pytest

from . import vendor_specs

OPERATION_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def _operations(spec: vendor_specs.Spec) -> list[tuple[str, str]]:
    return [(path, method) for path, item in spec["paths"].items() for method in item if method in OPERATION_METHODS]


def test_merged_document_holds_both_apis() -> None:
    merged = vendor_specs.merged_v1_v2()
    assert len(_operations(merged)) == 33
    assert len(merged["components"]["schemas"]) == 456
    assert ("/v1/authorization-codes/tokens", "post") in _operations(merged)
    assert ("/v2/segments", "get") in _operations(merged)
    assert merged["servers"] == vendor_specs.newer_v2()["servers"]


def test_the_six_shared_error_responses_are_identical() -> None:
    v1, v2 = vendor_specs.v1(), vendor_specs.newer_v2()
    shared = set(v1["components"]["responses"]) & set(v2["components"]["responses"])
    six = {"NotFound", "Unauthorized", "AccessDenied", "InvalidParameter", "TooManyRequests", "InternalError"}
    assert shared == six
    assert all(v1["components"]["responses"][name] == v2["components"]["responses"][name] for name in shared)


def test_a_component_defined_twice_differently_is_refused() -> None:
    v1 = vendor_specs.v1()
    v1["components"]["responses"]["NotFound"]["description"] = "something else"
    with pytest.raises(vendor_specs.ComponentClash, match="responses/NotFound"):
        vendor_specs.merge(vendor_specs.newer_v2(), v1)
