"""The suite's walk through a declared resource (conformance/resources.py), in process against the reference
server and deliberately forgetful variants of it: it passes the real one and names what each variant gets wrong."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from attentive_client.runtime import ApiSpec

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from attentive_toolkit.conformance.resources import declared_resources, walk
from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.server.app import ServerState, create_app
from attentive_toolkit.server.resource_store import Item
from attentive_toolkit.server.settings import ServerSettings
from attentive_toolkit.spec.effective import load_project_overlays
from attentive_toolkit.spec.overlay import apply_overlays

from ..project_copy import REPO
from ..upgrade import vendor_specs

Breakage = Callable[[ServerState], None]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    effective, _ = apply_overlays(vendor_specs.newer_v2(), load_project_overlays(ProjectPaths(REPO)))
    result: dict[str, Any] = effective
    return result


def forgets_creates(state: ServerState) -> None:
    state.resources.items.create = lambda name, key, item: Item(1, item, False)  # type: ignore[method-assign]


def never_archives(state: ServerState) -> None:
    state.resources.items.archive = lambda name, key, item: None  # type: ignore[method-assign]


def ignores_updates(state: ServerState) -> None:
    state.resources.items.replace = lambda name, key, item: None  # type: ignore[method-assign]


def fails_member_jobs(state: ServerState) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the member table is gone")

    state.resources.items.change_members = broken  # type: ignore[method-assign]


def problems(document: dict[str, Any], breakage: Breakage | None = None) -> list[str]:
    app = create_app(ServerSettings(), copy.deepcopy(document))
    if breakage is not None:
        breakage(app.state.server)
    spec = ApiSpec.from_document(document)
    (segments,) = declared_resources(spec)
    headers = {"Authorization": "Bearer dev-token"}
    with TestClient(app, base_url="http://127.0.0.1", headers=headers) as client:
        return walk(client, spec, segments)


def test_the_reference_server_remembers(document: dict[str, Any]) -> None:
    assert problems(document) == []


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (forgets_creates, "answered 404 for the item POST /v2/segments just created"),
        (never_archives, "answered 200 after DELETE /v2/segments/external/{externalId}"),
        (ignores_updates, "does not show the change"),
        (fails_member_jobs, "POST /v2/bulk/segments/members started job"),
        (fails_member_jobs, "DELETE /v2/bulk/segments/members started job"),
    ],
)
def test_a_forgetful_target_is_named(document: dict[str, Any], breakage: Breakage, expected: str) -> None:
    found = problems(document, breakage)
    assert any(expected in problem for problem in found), found
