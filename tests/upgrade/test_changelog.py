"""Which changes break a caller: the rules on hand-made API surfaces, and griffe's check as the safety net."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from attentive_toolkit.upgrade.changelog import Change, Changelog, compare_packages, diff_surfaces, render_markdown
from attentive_toolkit.upgrade.surface import EndpointModule, Enum, Model, ModelField, Parameter, Surface

from ..project_copy import REPO

CLIENT = Parameter("client", "AuthenticatedClient | Client", required=True, keyword_only=True)


def job_model(*fields: ModelField) -> Model:
    return Model("Job", "attentive_client.models.job.Job", {f.name: f for f in fields})


def surface(
    *,
    job: Model | None = None,
    status: tuple[str, ...] = ("PENDING", "DONE"),
    parameters: tuple[Parameter, ...] = (),
    direction: str = "response",
) -> Surface:
    """One operation; ``Job`` (with its ``Status`` enum) is its response, its request body, or both."""
    job = job or job_model(ModelField("id", "str", True), ModelField("status", "Status", True))
    body = (Parameter("body", "Job", True, True),) if direction in {"request", "both"} else ()
    returns = "Response[Any | Job]" if direction in {"response", "both"} else "Response[Any]"
    operation = EndpointModule(
        "get_job", "attentive_client.api.jobs.get_job", {p.name: p for p in (CLIENT, *body, *parameters)}, returns
    )
    return Surface(
        {"get_job": operation},
        {"Job": job},
        {"Status": Enum("Status", "attentive_client.models.status.Status", status)},
        {"Job": direction, "Status": direction},  # type: ignore[dict-item]
    )


def only(changes: list[Change]) -> Change:
    assert len(changes) == 1, [c.markdown() for c in changes]
    return changes[0]


@pytest.mark.parametrize(("direction", "breaking"), [("response", True), ("request", False), ("both", True)])
def test_new_enum_value_breaks_callers_only_when_they_receive_it(direction: str, breaking: bool) -> None:
    new = surface(status=("PENDING", "DONE", "CANCELLED"), direction=direction)
    change = only(diff_surfaces(surface(direction=direction), new))
    assert change.description == "value `CANCELLED` added"
    assert change.breaking is breaking


@pytest.mark.parametrize("direction", ["response", "request"])
def test_removed_enum_value_always_breaks(direction: str) -> None:
    change = only(diff_surfaces(surface(direction=direction), surface(status=("PENDING",), direction=direction)))
    assert (change.description, change.breaking) == ("value `DONE` removed", True)


@pytest.mark.parametrize(("direction", "breaking"), [("request", True), ("response", False)])
def test_new_required_field_breaks_only_callers_who_construct_the_model(direction: str, breaking: bool) -> None:
    old = surface(direction=direction)
    new_job = job_model(*old.models["Job"].fields.values(), ModelField("owner", "str", True))
    change = only(diff_surfaces(old, surface(job=new_job, direction=direction)))
    assert change.description == "required field `owner: str` added"
    assert change.breaking is breaking


@pytest.mark.parametrize(("direction", "breaking"), [("request", False), ("response", True)])
def test_field_made_optional_breaks_only_callers_who_read_it(direction: str, breaking: bool) -> None:
    old = surface(direction=direction)
    new_job = job_model(ModelField("id", "str", False), ModelField("status", "Status", True))
    change = only(diff_surfaces(old, surface(job=new_job, direction=direction)))
    assert (change.description, change.breaking) == ("field `id` is now optional", breaking)


@pytest.mark.parametrize(("direction", "breaking"), [("request", True), ("response", False)])
def test_field_made_required_breaks_only_callers_who_construct_it(direction: str, breaking: bool) -> None:
    old_job = job_model(ModelField("id", "str", True), ModelField("status", "Status", False))
    change = only(diff_surfaces(surface(job=old_job, direction=direction), surface(direction=direction)))
    assert (change.description, change.breaking) == ("field `status` is now required", breaking)


def test_retyped_field_breaks() -> None:
    new_job = job_model(ModelField("id", "int", True), ModelField("status", "Status", True))
    change = only(diff_surfaces(surface(), surface(job=new_job)))
    assert (change.description, change.breaking) == ("field `id` retyped from `str` to `int`", True)


def test_parameters_added_and_removed() -> None:
    limit = Parameter("limit", "int", required=False, keyword_only=True)
    cursor = Parameter("cursor", "str", required=True, keyword_only=True)
    added = diff_surfaces(surface(), surface(parameters=(limit, cursor)))
    assert [(c.description, c.breaking) for c in added] == [
        ("required parameter `cursor: str` added", True),
        ("optional parameter `limit: int` added", False),
    ]
    removed = only(diff_surfaces(surface(parameters=(limit,)), surface()))
    assert (removed.description, removed.breaking) == ("parameter `limit` removed", True)


def test_operations_added_and_removed_with_their_routes() -> None:
    empty = Surface({}, {}, {})
    routes = {"get_job": "GET /v2/jobs/{id}"}
    added = [c for c in diff_surfaces(empty, surface(), routes) if c.kind == "operation"]
    removed = [c for c in diff_surfaces(surface(), empty, routes) if c.kind == "operation"]
    assert [(c.subject, c.context, c.description, c.breaking) for c in added] == [
        ("api.jobs.get_job", "GET /v2/jobs/{id}", "operation added", False)
    ]
    assert [(c.description, c.breaking) for c in removed] == [("operation removed", True)]


def test_markdown_lists_breaking_changes_first() -> None:
    new_job = job_model(ModelField("status", "Status", True), ModelField("note", "str", False))
    text = render_markdown(Changelog(diff_surfaces(surface(), surface(job=new_job)), []))
    assert text.index("### Breaking") < text.index("### Not breaking")
    assert "- `models.Job` (response model): field `id` removed." in text
    assert "- `models.Job` (response model): optional field `note: str` added." in text


def test_a_breaking_change_outside_operations_and_models_is_still_reported(tmp_path: Path) -> None:
    """griffe's own check covers what the rules above do not model, such as the runtime the clients come from."""
    old, new = tmp_path / "old", tmp_path / "new"
    for copy in (old, new):
        shutil.copytree(REPO / "generated", copy, ignore=shutil.ignore_patterns("__pycache__"))
    client = new / "attentive_client" / "runtime" / "clients.py"
    source = client.read_text(encoding="utf-8")
    assert "def with_headers(" in source
    client.write_text(source.replace("def with_headers(", "def with_extra_headers("), encoding="utf-8")
    changelog = compare_packages(old, new)
    reported = [c for c in changelog.changes if c.kind == "other"]
    assert reported and all(c.breaking for c in reported)
    assert any("with_headers" in c.subject for c in reported), [c.markdown() for c in reported]
    assert "Reported by griffe." in render_markdown(changelog)


def test_parameter_made_optional_is_one_non_breaking_change() -> None:
    required = Parameter("limit", "int", required=True, keyword_only=True)
    optional = Parameter("limit", "int", required=False, keyword_only=True)
    change = only(diff_surfaces(surface(parameters=(required,)), surface(parameters=(optional,))))
    assert (change.description, change.breaking) == ("parameter `limit` is now optional", False)


def test_a_new_possible_result_type_is_breaking_and_a_dropped_one_is_not() -> None:
    def returning(returns: str) -> Surface:
        base = surface()
        operation = base.operations["get_job"]
        changed = EndpointModule(operation.name, operation.path, operation.parameters, returns)
        return Surface({"get_job": changed}, base.models, base.enums, base.directions)

    gained = only(diff_surfaces(returning("Response[Any | Job]"), returning("Response[Any | Job | Status]")))
    assert gained.breaking and "must handle `Status`" in gained.reason
    dropped = only(diff_surfaces(returning("Response[Any | Job | Status]"), returning("Response[Any | Job]")))
    assert not dropped.breaking
