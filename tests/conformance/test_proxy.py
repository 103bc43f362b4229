"""The validating proxy in front of the reference server: traffic passes unchanged, and every violation in a
request or an answer is reported once, with operation, direction and JSON pointer, on a line and in the JSON
report."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from starlette.types import ASGIApp

from attentive_toolkit.cli.main import cli
from attentive_toolkit.conformance.proxy import ValidatingProxy, ViolationReport, inspect_exchange
from attentive_toolkit.conformance.spec_rules import load_rules
from attentive_toolkit.server.runner import serving_app
from attentive_toolkit.server.settings import DEV_TOKEN

from ..server.synthetic_release import TOKENS, synthetic_release
from .broken import Breaker, Exchange, on, wrong_type
from .test_suite_catches_breakage import reference_app

AUTH = {"Authorization": f"Bearer {DEV_TOKEN}"}


@dataclass
class Proxied:
    url: str
    upstream: str
    report: ViolationReport
    lines: list[str]
    report_path: Path
    received: list[Exchange] = field(default_factory=list)

    def written(self) -> dict[str, object]:
        document: dict[str, object] = json.loads(self.report_path.read_text(encoding="utf-8"))
        return document


def _proxied(upstream_app: ASGIApp, tmp_path: Path, received: list[Exchange]) -> Iterator[Proxied]:
    lines: list[str] = []
    report_path = tmp_path / "violations.json"
    with serving_app(upstream_app) as upstream:
        report = ViolationReport(upstream=upstream, path=report_path, emit=lines.append)
        with serving_app(ValidatingProxy(upstream, load_rules(), report)) as url:
            yield Proxied(url, upstream, report, lines, report_path, received)


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[Proxied]:
    received: list[Exchange] = []
    yield from _proxied(Breaker(reference_app(), mutate=received.append), tmp_path, received)


def test_conforming_traffic_passes_unchanged_and_reports_nothing(proxied: Proxied) -> None:
    body = b'{"identifiers": {"email": "proxy@example.com"},   "attributes": {"firstName": "P"}}'
    headers = {**AUTH, "Content-Type": "application/json", "X-Custom": "kept"}
    with httpx.Client() as client:
        via_proxy = client.post(f"{proxied.url}/v2/user/attributes", content=body, headers=headers)
        direct = client.get(f"{proxied.upstream}/v2/me", headers=AUTH)
        me = client.get(f"{proxied.url}/v2/me", headers=AUTH)
    assert via_proxy.status_code == 202, via_proxy.text
    upsert = proxied.received[0]
    assert upsert.request_body == body, "the upstream must get the request body byte for byte"
    assert (
        upsert.request_headers["x-custom"] == "kept"
        and upsert.request_headers["authorization"] == AUTH["Authorization"]
    )
    assert "user-agent" in upsert.request_headers and "python-httpx" in upsert.request_headers["user-agent"]
    assert me.content == direct.content and me.status_code == direct.status_code
    assert me.headers["x-ratelimit-limit"] == direct.headers["x-ratelimit-limit"]
    assert proxied.lines == []
    assert proxied.written()["exchanges"] == 3 - 1  # the direct call did not go through the proxy
    assert proxied.written()["violations"] == []


def test_a_request_violation_names_operation_direction_and_pointer(proxied: Proxied) -> None:
    with httpx.Client() as client:
        answer = client.post(f"{proxied.url}/v2/user/attributes", json={"identifiers": {"phone": "123"}}, headers=AUTH)
    assert answer.status_code == 400, "the reference server refuses it, and the proxy passes the refusal on"
    assert len(proxied.lines) == 1, proxied.lines
    line = proxied.lines[0]
    assert "postUserAttributes request" in line and "/identifiers/phone [pattern]" in line
    (violation,) = proxied.written()["violations"]  # type: ignore[misc]
    assert violation["direction"] == "request" and violation["pointer"] == "/identifiers/phone"


def test_missing_token_and_unknown_routes_are_violations(proxied: Proxied) -> None:
    with httpx.Client() as client:
        anonymous = client.get(f"{proxied.url}/v2/me")
        unknown = client.get(f"{proxied.url}/v2/nothing-here", headers=AUTH)
    assert anonymous.status_code == 401 and unknown.status_code == 404
    rules = [violation["rule"] for violation in proxied.written()["violations"]]  # type: ignore[attr-defined]
    assert rules == ["security", "operation"], proxied.lines


def test_a_missing_or_non_json_body_is_a_violation(proxied: Proxied) -> None:
    with httpx.Client() as client:
        client.post(f"{proxied.url}/v2/user/attributes", headers=AUTH)
        client.post(f"{proxied.url}/v2/user/attributes", content=b"a=b", headers={**AUTH, "Content-Type": "text/plain"})
    requests = [v for v in proxied.written()["violations"] if v["direction"] == "request"]  # type: ignore[attr-defined]
    assert [v["rule"] for v in requests] == ["required", "content-type"], proxied.lines
    assert proxied.received[1].request_body == b"a=b", "forwarded as sent"


def test_a_response_violation_is_reported_and_the_answer_left_alone(tmp_path: Path) -> None:
    received: list[Exchange] = []
    broken = Breaker(reference_app(), mutate=on("GET", "/v2/me", wrong_type))
    for proxied in _proxied(broken, tmp_path, received):
        with httpx.Client() as client:
            answer = client.get(f"{proxied.url}/v2/me", headers=AUTH)
        assert answer.json()["companyName"] == 42, "the proxy never fixes an answer"
        (violation,) = proxied.written()["violations"]  # type: ignore[misc]
        assert (violation["operation"], violation["direction"], violation["pointer"], violation["rule"]) == (
            "getMeV2",
            "response",
            "/companyName",
            "type",
        )
        assert proxied.lines == [
            'VIOLATION GET /v2/me getMeV2 response 200 /companyName [type] 42 is not of type "string"'
        ]


def test_an_unreachable_upstream_answers_502_and_says_so(tmp_path: Path) -> None:
    lines: list[str] = []
    report = ViolationReport(upstream="http://127.0.0.1:9", path=None, emit=lines.append)
    with serving_app(ValidatingProxy("http://127.0.0.1:9", load_rules(), report)) as url, httpx.Client() as client:
        answer = client.get(f"{url}/v2/me", headers=AUTH)
    assert answer.status_code == 502
    assert lines and lines[0].startswith("UPSTREAM GET /v2/me")
    assert DEV_TOKEN not in "\n".join(lines)


def test_the_command_refuses_an_upstream_that_is_not_a_url() -> None:
    result = CliRunner().invoke(cli, ["proxy", "--upstream", "staging.example.com"])
    assert result.exit_code == 2 and "expected an http:// or https:// URL" in result.output


def test_the_command_proxies_on_loopback_and_reports(tmp_path: Path) -> None:
    """`attentive proxy` as a user starts it: a free port on 127.0.0.1, a line per violation, the JSON report."""
    report_path = tmp_path / "violations.json"
    with serving_app(reference_app()) as upstream:
        attentive = str(Path(sys.executable).parent / "attentive")
        command = [attentive, "proxy", "--upstream", upstream, "--port", "0"]
        process = subprocess.Popen(
            [*command, "--report", str(report_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            assert process.stdout is not None and process.stderr is not None
            banner = process.stdout.readline()  # printed once the socket is bound
            url = banner.split()[2]
            assert url.startswith("http://127.0.0.1:"), banner
            with httpx.Client() as client:
                answer = client.post(f"{url}/v2/user/attributes", json={"identifiers": {"phone": "1"}}, headers=AUTH)
            assert answer.status_code == 400
        finally:
            process.terminate()
            _, errors = process.communicate(timeout=30)
    assert "postUserAttributes request /identifiers/phone [pattern]" in errors
    assert json.loads(report_path.read_text(encoding="utf-8"))["exchanges"] == 1
    assert DEV_TOKEN not in errors


def test_a_form_body_is_judged_by_its_schema_not_refused_as_non_json() -> None:
    rules = load_rules(synthetic_release())
    form = [(b"content-type", b"application/x-www-form-urlencoded"), (b"authorization", b"Bearer x")]

    def judged(body: bytes) -> list[str]:
        found = inspect_exchange(rules, "POST", TOKENS, form, body, None, [], b"")
        return [f"{violation.pointer} {violation.rule}" for violation in found]

    assert judged(b"grant_type=authorization_code&count=2") == []
    assert judged(b"grant_type=authorization_code&count=0") == ["/count minimum"]
    assert judged(b"grant_type=authorization_code&count=two") == [" form"]
