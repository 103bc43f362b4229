"""On a project copy updated to the vendor's newer V2 release, the generated client iterates over every segment of
``GET /v2/segments`` (the one operation the effective spec marks cursor-paginated), lazily, sync and async, with
``limit=2`` over five segments; an error mid-way and a server that repeats its cursor end the iteration with a typed
error instead of a wrong or endless list."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from ..project_copy import copy_project
from ..upgrade.vendor_specs import NEWER_V2
from .test_future_release import run

CALLS = Path(__file__).resolve().parent / "segment_pages_calls.py"
IDS = [f"segment-{number}" for number in range(5)]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    paths = copy_project(tmp_path_factory.mktemp("segments") / "project")
    attentive = str(Path(sys.executable).with_name("attentive"))
    done = run(paths.root, attentive, "spec", "update", str(NEWER_V2))
    assert done.returncode == 0, done.stdout + done.stderr
    done = run(paths.root, sys.executable, str(CALLS))
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_every_segment_comes_once_in_order_as_a_typed_item(seen: dict[str, Any]) -> None:
    assert seen["ids"] == IDS
    assert seen["item_type"] == "SegmentResponse"
    assert seen["limits"] == ["2", "2", "2"]
    assert seen["cursors"][0] is None and len(set(seen["cursors"])) == 3


def test_pages_are_fetched_only_as_items_are_used(seen: dict[str, Any]) -> None:
    assert (seen["requests_before_first_item"], seen["requests_after_first_item"]) == (0, 1)


def test_async_iteration_gives_the_same_segments(seen: dict[str, Any]) -> None:
    assert seen["async_ids"] == IDS


def test_pages_are_read_through_the_model_never_serialised_again(seen: dict[str, Any]) -> None:
    # Six pages fetched (three sync, three async): their cursor and hasMore come from the model's attributes.
    assert seen["pages_serialised"] == 0


def test_an_error_mid_way_is_raised_after_the_items_before_it(seen: dict[str, Any]) -> None:
    assert seen["error"] == {"type": "ServerError", "status": 503, "before": IDS[:2]}


def test_a_repeated_cursor_stops_instead_of_looping(seen: dict[str, Any]) -> None:
    assert seen["stuck"]["requests"] == 2
    assert "gave back a cursor" in seen["stuck"]["message"]
