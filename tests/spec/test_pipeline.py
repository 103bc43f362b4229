"""The spec pipeline end to end: vendor spec + overlays -> effective spec -> generated client, checked for drift."""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path

from click.testing import CliRunner

from attentive_toolkit.cli.main import cli
from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.spec.effective import build_effective_spec

from ..project_copy import tree_bytes

REPO = Path(__file__).resolve().parents[2]
VENDOR_SHA256 = "13c33862141c0cc0ada1c62e86dc05b012730fda896312c62cebb31f124473e4"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_vendor_spec_is_byte_identical_to_the_published_one() -> None:
    assert hashlib.sha256((REPO / "openapi.json").read_bytes()).hexdigest() == VENDOR_SHA256


def test_committed_effective_spec_is_what_the_overlays_produce() -> None:
    effective = build_effective_spec(ProjectPaths(REPO))
    assert (REPO / "generated" / "openapi.json").read_text(encoding="utf-8") == effective.text
    assert not effective.no_ops, [r.line() for r in effective.no_ops]


def test_generated_subscription_item_has_typed_subscription_type_and_locale() -> None:
    from attentive_client.models import (
        CreateUserAttributesRequestDtoV2SubscriptionsItem as Item,
    )
    from attentive_client.models import (
        CreateUserAttributesRequestDtoV2SubscriptionsItemSubscriptionType as SubscriptionType,
    )
    from attentive_client.models import SubscriptionLocale

    annotations = {name: str(hint) for name, hint in Item.__annotations__.items()}
    assert "SubscriptionType" in annotations["subscription_type"]
    assert "SubscriptionLocale" in annotations["locale"]
    assert {member.value for member in SubscriptionType} == {"MARKETING", "TRANSACTIONAL"}
    item = Item.from_dict(
        {"channel": "TEXT", "subscriptionType": "MARKETING", "locale": {"language": "en", "country": "US"}}
    )
    assert item.subscription_type is SubscriptionType.MARKETING
    assert isinstance(item.locale, SubscriptionLocale)
    assert item.to_dict()["subscriptionType"] == "MARKETING"
    assert item.to_dict()["locale"] == {"language": "en", "country": "US"}


def test_bulk_submit_takes_no_authorization_argument() -> None:
    from attentive_client.api.bulk_user_operations import post_bulk_user_attributes

    for function in (post_bulk_user_attributes.sync_detailed, post_bulk_user_attributes.asyncio_detailed):
        assert "authorization" not in inspect.signature(function).parameters


def test_drift_passes_on_an_untouched_copy(project_copy: ProjectPaths) -> None:
    code, output = run("spec", "drift")
    assert code == 0, output
    assert "exactly what the spec, overlays, config and templates produce" in output


def test_a_hand_edit_in_generated_fails_drift_with_a_diff(project_copy: ProjectPaths) -> None:
    client = project_copy.generated / "attentive_client" / "client.py"
    client.write_text(client.read_text(encoding="utf-8") + "# patched by hand\n", encoding="utf-8")
    code, output = run("spec", "drift")
    assert code == 1
    assert "generated/attentive_client/client.py (committed)" in output
    assert "-# patched by hand" in output


def test_deleting_an_overlay_action_fails_drift_with_a_diff(project_copy: ProjectPaths) -> None:
    overlay = project_copy.overlays / "07-servers.overlay.yaml"
    overlay.write_text(
        "overlay: 1.1.0\ninfo: {title: Servers, version: 1.0.0}\nactions:\n"
        "  - target: $.info\n    x-gap: G26\n    description: placeholder so the file stays valid\n"
        "    update: {x-note: kept}\n",
        encoding="utf-8",
    )
    code, output = run("spec", "drift")
    assert code == 1
    assert '+      "url": "https://api.attentivemobile.com/"' in output
    assert "generated/openapi.json" in output


def test_a_mistyped_target_fails_with_its_file_and_index(project_copy: ProjectPaths) -> None:
    overlay = project_copy.overlays / "05-bulk-jobs.overlay.yaml"
    text = overlay.read_text(encoding="utf-8")
    overlay.write_text(
        text.replace("$.components.schemas.BulkSuccessResponse", "$.components.schemas.BulkSucessResponse")
    )
    before = tree_bytes(project_copy.root)
    code, output = run("spec", "regen")
    assert code == 1
    assert "overlays/05-bulk-jobs.overlay.yaml: actions[3]" in output
    assert "matches nothing" in output
    assert tree_bytes(project_copy.root) == before


def test_an_action_the_vendor_made_unnecessary_is_reported(project_copy: ProjectPaths) -> None:
    vendor = project_copy.vendor_spec
    vendor.write_text(
        vendor.read_text(encoding="utf-8").replace(
            '"https://api.attentivemobile.com/"', '"https://api.attentivemobile.com"'
        )
    )
    code, output = run("spec", "overlays")
    assert code == 0
    assert "no-op   G26 overlays/07-servers.overlay.yaml actions[0]" in output
    assert "retire the action" in output
    code, _ = run("spec", "overlays", "--fail-on-no-op")
    assert code == 1


def test_a_failing_generation_leaves_generated_untouched(project_copy: ProjectPaths) -> None:
    (project_copy.templates / "types.py.jinja").write_text("{% if %}broken", encoding="utf-8")
    before = tree_bytes(project_copy.generated)
    code, output = run("spec", "regen")
    assert code == 1
    assert "openapi-python-client failed" in output
    assert tree_bytes(project_copy.generated) == before
