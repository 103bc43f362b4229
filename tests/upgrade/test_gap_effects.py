"""Gaps judged by effect, without generation: the verdicts a reviewer relies on, one vendor change at a time."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.spec.effective import load_project_overlays
from attentive_toolkit.spec.gaps import read_gap_table
from attentive_toolkit.upgrade.gap_effects import GapJudgement, is_wording, judge_gaps, with_previous
from attentive_toolkit.upgrade.renames import Rename, find_renames

from ..project_copy import REPO
from . import specs, vendor_specs

OVERLAYS = load_project_overlays(ProjectPaths(REPO))
TITLES = read_gap_table(REPO / "overlays")


# Gaps no operation of today's spec has: their class actions wait for one (G41, cursor pagination; G42,
# resources; G43, the OAuth token endpoint, an operation of V1).
WAITING = {"G41", "G42", "G43"}


def _verdicts(spec: dict[str, Any]) -> dict[str, GapJudgement]:
    """As ``attentive spec update`` judges ``spec``: against today's vendor spec as the previous one."""
    today = judge_gaps(json.loads((REPO / "openapi.json").read_text("utf-8")), OVERLAYS, TITLES)
    return {judgement.gap: judgement for judgement in with_previous(judge_gaps(spec, OVERLAYS, TITLES), today, spec)}


def test_against_todays_vendor_spec_every_gap_is_still_needed(our_spec: dict[str, Any]) -> None:
    judged = _verdicts(our_spec)
    assert {gap for gap, judgement in judged.items() if judgement.verdict == "waiting"} == WAITING
    assert {judgement.verdict for gap, judgement in judged.items() if gap not in WAITING} == {"still needed"}
    assert set(judged) <= set(TITLES)


def test_vendor_fixes_in_other_words_and_shapes_are_recognised(our_spec: dict[str, Any]) -> None:
    judged = _verdicts(specs.variant(our_spec, specs.gaps_fixed_in_other_words))
    fixed = {gap: j.verdict for gap, j in judged.items() if j.verdict != "still needed" and gap not in WAITING}
    assert fixed == specs.FIXED_GAPS


def test_a_new_operation_with_a_gap_keeps_the_class_action_needed(our_spec: dict[str, Any]) -> None:
    def fixed_then_reintroduced(spec: dict[str, Any]) -> None:
        specs.gaps_fixed_in_other_words(spec)
        specs.operations_with_gaps(spec)

    judged = _verdicts(specs.variant(our_spec, fixed_then_reintroduced))
    for gap in ("G15", "G16", "G23"):
        # Fixed where it was, present at the new operation: the class action stays.
        assert judged[gap].verdict in ("still needed", "partly fixed")


def test_the_vendor_half_fixing_a_gap_leaves_it_needed(our_spec: dict[str, Any]) -> None:
    spec = copy.deepcopy(our_spec)
    # Declared, but with other values than the documented ones: not the same spec as ours.
    items = spec["components"]["schemas"]["CreateUserAttributesRequestDtoV2"]["properties"]["subscriptions"]["items"]
    items["properties"]["subscriptionType"] = {"type": "string"}
    assert _verdicts(spec)["G3"].verdict == "still needed"


def test_a_renamed_target_is_broken_with_each_actions_problem(our_spec: dict[str, Any]) -> None:
    judged = _verdicts(specs.variant(our_spec, specs.schema_renamed))
    assert judged["G19"].verdict == "broken"
    assert judged["G19"].broken == (
        "overlays/05-bulk-jobs.overlay.yaml actions[1]: matches nothing (was it renamed or removed by the vendor?)",
    )


@pytest.mark.parametrize(
    ("location", "changed", "wording"),
    [
        (("components", "schemas", "Job", "description"), True, True),
        (("components", "schemas", "Job", "properties", "description"), False, False),
        (("components", "schemas", "Job", "properties", "description", "maxLength"), True, False),
        (("paths", "/v2/me", "get", "responses", "200", "content", "application/json", "examples"), False, True),
        (("components", "securitySchemes", "OAuthFlow", "flows", "authorizationCode", "scopes", "a:w"), True, True),
        (("components", "securitySchemes", "OAuthFlow", "flows", "authorizationCode", "scopes", "a:w"), False, False),
    ],
)
def test_wording_is_prose_and_examples_not_properties_named_like_them(
    location: tuple[str, ...], changed: bool, wording: bool
) -> None:
    assert is_wording(location, changed) is wording


def test_a_gap_fixed_at_some_of_its_places_is_partly_fixed_naming_them(our_spec: dict[str, Any]) -> None:
    """The vendor adds bearer tokens to the upsert, while a new operation it publishes accepts only OAuth: G16 is
    partly fixed, fixed at the upsert and still needed at the new operation, and its action stays."""

    def upsert_fixed_new_operation_not(spec: dict[str, Any]) -> None:
        specs.operations_with_gaps(spec)
        upsert = spec["paths"]["/v2/user/attributes"]["post"]
        upsert["security"] = [{"bearerAuth": []}, *upsert["security"]]

    previous = judge_gaps(our_spec, OVERLAYS, TITLES)
    new_spec = specs.variant(our_spec, upsert_fixed_new_operation_not)
    judged = {j.gap: j for j in with_previous(judge_gaps(new_spec, OVERLAYS, TITLES), previous, new_spec)}
    assert judged["G16"].verdict == "partly fixed"
    assert judged["G16"].fixed_places == ("/paths/~1v2~1user~1attributes/post",)
    assert judged["G16"].places == ("/paths/~1v2~1events~1custom/post",)
    assert all(j.verdict == "still needed" for gap, j in judged.items() if gap != "G16" and gap not in WAITING)


def test_a_gap_fixed_everywhere_is_not_partly_fixed(our_spec: dict[str, Any]) -> None:
    assert _verdicts(specs.variant(our_spec, specs.gaps_fixed_in_other_words))["G16"].fixed_places == ()


def test_a_place_removed_with_its_operation_was_not_fixed(our_spec: dict[str, Any]) -> None:
    """The V1 document alone replaces V2: every V2 path is gone. Nothing is reported fixed where the vendor
    removed the operation, and a class gap whose operations all left waits instead of asking to be retired."""
    judged = _verdicts(vendor_specs.v1())
    for judgement in judged.values():
        assert not [place for place in judgement.fixed_places if place.startswith("/paths/~1v2")], judgement
    assert judged["G16"].verdict != "retire"


def test_a_schema_renamed_with_every_reference_moved_is_a_rename(our_spec: dict[str, Any]) -> None:
    renamed = specs.variant(our_spec, specs.schema_renamed)
    assert find_renames(our_spec, renamed) == [Rename("BulkJobStatusResponse", "BulkJobStatus")]


def test_a_schema_gone_with_its_content_changed_is_no_rename(our_spec: dict[str, Any]) -> None:
    def renamed_and_changed(spec: dict[str, Any]) -> None:
        specs.schema_renamed(spec)
        spec["components"]["schemas"]["BulkJobStatus"]["properties"]["createdAt"] = {"type": "string"}

    assert find_renames(our_spec, specs.variant(our_spec, renamed_and_changed)) == []
