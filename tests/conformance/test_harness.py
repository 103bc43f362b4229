"""The suite's own decisions, without a server: safety policy, options, redaction, rate-limit header rules."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from attentive_client.runtime import ApiSpec
from attentive_client.runtime.redaction import Redactor

from attentive_toolkit.conformance.checks import rate_limit_problems
from attentive_toolkit.conformance.options import DEFAULT_SEED, OptionError, resolve_options
from attentive_toolkit.conformance.redaction import redact_tree
from attentive_toolkit.conformance.safety import DEFAULT_REMOTE_RATE_LIMIT, decide_policy
from attentive_toolkit.spec.effective import load_effective_spec


def test_remote_target_gets_reads_only_and_a_rate_limit_by_default() -> None:
    policy = decide_policy("https://api.attentivemobile.com", allow_writes=False, rate_limit=None)
    assert policy.remote and not policy.writes_allowed
    assert policy.rate_limit == DEFAULT_REMOTE_RATE_LIMIT
    assert not policy.allows("POST") and policy.allows("GET")
    assert any("writes SKIPPED" in line for line in policy.banner())


def test_an_injected_host_check_makes_loopback_remote() -> None:
    policy = decide_policy("http://127.0.0.1:9", allow_writes=False, rate_limit=None, host_is_loopback=lambda _: False)
    assert policy.remote and not policy.writes_allowed


def test_loopback_target_gets_everything() -> None:
    policy = decide_policy("http://127.0.0.1:9", allow_writes=False, rate_limit=None)
    assert policy.writes_allowed and policy.rate_limit is None


def test_defaults_are_the_embedded_server_and_a_fixed_seed() -> None:
    resolved = resolve_options(lambda _: None, {})
    assert resolved.embedded and resolved.seed == DEFAULT_SEED


def test_an_option_beats_the_environment() -> None:
    resolved = resolve_options(lambda name: {"seed": "7"}.get(name), {"ATTENTIVE_SEED": "9"})
    assert resolved.seed == 7


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ATTENTIVE_BASE_URL": "https://x.example"}, "ATTENTIVE_API_TOKEN"),
        ({"ATTENTIVE_BASE_URL": "x.example", "ATTENTIVE_API_TOKEN": "t0k3n"}, "ATTENTIVE_BASE_URL"),
        ({"ATTENTIVE_SEED": "abc"}, "ATTENTIVE_SEED"),
        ({"ATTENTIVE_MAX_EXAMPLES": "0"}, "ATTENTIVE_MAX_EXAMPLES"),
        ({"ATTENTIVE_ALLOW_WRITES": "maybe"}, "ATTENTIVE_ALLOW_WRITES"),
        ({"ATTENTIVE_PHASES": "examples,smoke"}, "ATTENTIVE_PHASES"),
        ({"ATTENTIVE_MAX_FAILURES": "0"}, "ATTENTIVE_MAX_FAILURES"),
        ({"ATTENTIVE_MAX_FAILURES": "many"}, "ATTENTIVE_MAX_FAILURES"),
        ({"ATTENTIVE_RATE_LIMIT": "nan/s"}, "ATTENTIVE_RATE_LIMIT"),
        ({"ATTENTIVE_JOB_TIMEOUT": "nan"}, "ATTENTIVE_JOB_TIMEOUT"),
        ({"ATTENTIVE_JOB_TIMEOUT": "inf"}, "ATTENTIVE_JOB_TIMEOUT"),
        ({"ATTENTIVE_RATE_LIMIT": "0/s"}, "ATTENTIVE_RATE_LIMIT"),
        ({"ATTENTIVE_OPERATIONS": "noSuchOperation"}, "ATTENTIVE_OPERATIONS=.*unknown operationId.*noSuchOperation"),
        ({"ATTENTIVE_OPERATIONS": ",,"}, "ATTENTIVE_OPERATIONS=.*no operationId"),
    ],
)
def test_bad_settings_name_the_setting(env: dict[str, str], named: str) -> None:
    with pytest.raises(OptionError, match=named):
        resolve_options(lambda _: None, env)


def test_options_repr_hides_tokens() -> None:
    resolved = resolve_options(
        lambda _: None, {"ATTENTIVE_BASE_URL": "https://x.example", "ATTENTIVE_API_TOKEN": "s3cret-tok"}
    )
    assert "s3cret-tok" not in repr(resolved)


def test_redactor_scrubs_text_and_files(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    report.write_text("<failure>Bearer s3cret-tok was sent</failure>", encoding="utf-8")
    redactor = Redactor(["s3cret-tok", None, "ab"])
    assert redact_tree(redactor, tmp_path) == [report]
    assert "s3cret-tok" not in report.read_text(encoding="utf-8")
    assert "s3cret-tok" not in repr(redactor)


def test_rate_limit_header_rules() -> None:
    assert rate_limit_problems({"X-RateLimit-Limit": "150", "x-ratelimit-remaining": "149"}) == []
    assert rate_limit_problems({"x-ratelimit-limit": "150"}) == ["`x-ratelimit-remaining` is missing"]
    assert rate_limit_problems({"x-ratelimit-limit": "lots", "x-ratelimit-remaining": "1"}) == [
        "`x-ratelimit-limit` is 'lots', not an integer"
    ]
    assert rate_limit_problems({"x-ratelimit-limit": "1", "x-ratelimit-remaining": "2"})


def test_stateless_operations_are_marked_only_on_a_reference_server() -> None:
    from attentive_toolkit.conformance.operations import stateless_labels
    from attentive_toolkit.conformance.summary import render_summary

    document = {
        "openapi": "3.0.1",
        "paths": {
            "/v2/me": {"get": {"operationId": "getMeV2", "responses": {}}},
            "/v2/things": {"get": {"operationId": "listThings", "responses": {}}},
        },
    }
    assert stateless_labels(True, document) == {"GET /v2/things"}
    assert stateless_labels(False, document) == set()
    operations = {
        label: {"cases": 1, "statuses": {"200": 1}, "successes": 1, "stateless": label == "GET /v2/things"}
        for label in ("GET /v2/me", "GET /v2/things")
    }
    data = {
        "target": "http://127.0.0.1:1", "embedded": True, "seed": 1, "max_examples": 1, "safety": [],
        "operations": operations, "skipped_operations": {}, "cases": 2, "checks": {}, "check_runs": 0,
        "tests": {"passed": 1}, "failures": [], "problems": [],
    }  # fmt: skip
    lines = render_summary(data).splitlines()
    assert [line.split()[1] for line in lines if line.endswith("[stateless]")] == ["/v2/things"]


def test_a_loopback_target_that_is_not_embedded_is_paced_to_the_spec() -> None:
    separate = decide_policy("http://127.0.0.1:8080", allow_writes=False, rate_limit=None)
    embedded = decide_policy("http://127.0.0.1:8080", allow_writes=False, rate_limit=None, embedded=True)
    chosen = decide_policy("http://127.0.0.1:8080", allow_writes=False, rate_limit="10/s")
    assert separate.paced_to_spec and not embedded.paced_to_spec and not chosen.paced_to_spec
    assert "each operation paced to its documented rate limit" in " ".join(separate.banner())
    assert "no client-side rate limit" in " ".join(embedded.banner())


def test_spec_pacing_spaces_each_operation_under_its_documented_limit() -> None:
    from attentive_toolkit.conformance.operations import operation_labels
    from attentive_toolkit.conformance.pacing import SPEC_RATE_SHARE, SpecPacing

    now = [0.0]
    sends: dict[str, list[float]] = {}

    def sleep(seconds: float) -> None:
        now[0] += seconds

    pacing = SpecPacing(clock=lambda: now[0], sleep=sleep)
    labels = list(operation_labels().values())
    for _ in range(50):
        for label in labels:
            method, path = label.split(" ", 1)
            pacing.wait(method, path)
            sends.setdefault(label, []).append(now[0])
    pacing.wait("DELETE", "/v2/me")  # not an operation of the spec: sent at once, nothing to pace
    spec = ApiSpec.from_document(load_effective_spec())
    for label, times in sends.items():
        method, path = label.split(" ", 1)
        rate = spec.find(method, path).rate_limit_per_second
        assert rate is not None
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert min(gaps) >= 1 / (rate * SPEC_RATE_SHARE) - 1e-9, label


def test_a_run_mostly_answered_429_warns_and_says_how_to_pace() -> None:
    from attentive_toolkit.conformance.summary import rate_limited_warning, render_summary

    assert rate_limited_warning(1000, 50) is None, "5% is still a run that tested the operations"
    assert rate_limited_warning(0, 0) is None
    warning = rate_limited_warning(808, 504)
    assert warning == (
        "504 of 808 cases (62%) were answered 429 Too Many Requests: they tested the target's rate limiter, not its "
        "operations. Pace the run: on loopback leave --rate-limit out (each operation is then paced to its "
        "documented limit), elsewhere give a lower one (e.g. --rate-limit 10/s)"
    )
    data = {
        "target": "http://127.0.0.1:8080", "embedded": False, "seed": 1, "max_examples": 1, "safety": [],
        "operations": {}, "skipped_operations": {}, "cases": 808, "checks": {}, "check_runs": 0,
        "tests": {"passed": 1}, "failures": [], "problems": [], "warnings": [warning],
    }  # fmt: skip
    assert f"  WARNING     {warning}" in render_summary(data).splitlines()


def test_nothing_listening_on_a_loopback_target_says_to_start_the_reference_server() -> None:
    import socket
    from types import SimpleNamespace

    from attentive_toolkit.conformance.preflight import token_problem

    with socket.socket() as probe:  # bound, never listening: the connection is refused
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
        session = SimpleNamespace(
            base_url=url,
            api_token="dev-token",
            redactor=Redactor(["dev-token"]),
            policy=decide_policy(url, allow_writes=False, rate_limit=None),
        )
        problem = token_problem(session)  # type: ignore[arg-type]
    assert problem is not None and problem.startswith(f"cannot reach {url}: ConnectError")
    port = url.rsplit(":", 1)[1]
    assert problem.endswith(f"(nothing listens there: start the reference server with `attentive serve --port {port}`)")


def test_spec_pacing_follows_the_limit_the_target_advertises() -> None:
    from attentive_toolkit.conformance.pacing import SPEC_RATE_SHARE, SpecPacing

    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    def pace(advertised: str, sends: int = 20) -> float:
        """Seconds taken by ``sends`` upserts once the target advertised ``advertised`` requests/s."""
        pacing = SpecPacing(clock=lambda: now[0], sleep=sleep)
        pacing.wait("POST", "/v2/user/attributes")
        pacing.observe("POST", "/v2/user/attributes", 202, {"x-ratelimit-limit": advertised})
        start = now[0]
        for _ in range(sends):
            pacing.wait("POST", "/v2/user/attributes")
        return now[0] - start

    # The spec says 150/s; a target that allows 100,000/s (a test double) is not held to it, one allowing 10/s is
    # obeyed: 20 sends take about 2 s.
    assert pace("100000") < 20 / (150 * SPEC_RATE_SHARE) / 10
    assert pace("10") >= 19 / (10 * SPEC_RATE_SHARE)
