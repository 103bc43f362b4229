"""Rate limits per token and operation, and reproducible injected faults."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from starlette.testclient import TestClient

from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import FaultConfig, OperationFaults, ServerSettings

from .conftest import AUTH, EVERY_SCOPE, FakeTime

OTHER = {"Authorization": "Bearer other"}


def test_limits_come_from_the_spec_and_every_answer_counts_down(client: TestClient) -> None:
    first = client.get("/v2/me", headers=AUTH)
    second = client.get("/v2/bulk/job/unknown", headers=AUTH)

    assert (first.headers["x-ratelimit-limit"], first.headers["x-ratelimit-remaining"]) == ("150", "149")
    assert (second.headers["x-ratelimit-limit"], second.headers["x-ratelimit-remaining"]) == ("100", "99")


def test_beyond_the_limit_is_429_per_token_until_the_window_passes(
    make_client: Callable[..., TestClient], fake_time: FakeTime
) -> None:
    client = make_client(tokens={"dev-token": EVERY_SCOPE, "other": EVERY_SCOPE}, rate_limits={"getMeV2": 2})

    answers = [client.get("/v2/me", headers=AUTH) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [a.headers["x-ratelimit-remaining"] for a in answers] == ["1", "0", "0"]
    assert "rate limit" in answers[2].json()["message"]
    assert client.get("/v2/me", headers=OTHER).status_code == 200
    fake_time.advance(1.0)
    assert client.get("/v2/me", headers=AUTH).status_code == 200


def test_faults_follow_the_seed(make_client: Callable[..., TestClient]) -> None:
    faults = FaultConfig(seed=3, operations={"*": OperationFaults(rate_429=0.2, rate_500=0.2, rate_503=0.2)})

    def statuses() -> list[int]:
        client = make_client(faults=faults, rate_limits={"getMeV2": 1000})
        return [client.get("/v2/me", headers=AUTH).status_code for _ in range(40)]

    first = statuses()
    assert first == statuses()
    assert set(first) == {200, 429, 500, 503}


def test_faults_can_be_changed_at_run_time(client: TestClient) -> None:
    assert client.get("/v2/me", headers=AUTH).status_code == 200

    configured = client.put("/_sandbox/faults", json={"seed": 1, "operations": {"getMeV2": {"rate503": 1}}})

    assert configured.status_code == 200
    assert client.get("/_sandbox/faults").json()["operations"]["getMeV2"]["rate503"] == 1
    assert client.get("/v2/me", headers=AUTH).status_code == 503
    assert client.post("/v2/bulk/user/attributes", json={}, headers=AUTH).status_code == 400


@pytest.mark.parametrize(
    ("config", "pointer"),
    [
        ({"operations": {"noSuchOperation": {"rate500": 0.1}}}, "/operations/noSuchOperation"),
        ({"operations": {"getMeV2": {"rate500": 2}}}, "/operations/getMeV2/rate500"),
        ({"operations": {"getMeV2": {"rate_500": 0.1}}}, "/operations/getMeV2/rate_500"),
        ({"operations": {"*": {"rate500": 0.6, "rate429": 0.6}}}, "/operations/*"),
    ],
)
def test_a_bad_fault_configuration_is_refused_and_the_old_one_kept(
    client: TestClient, config: dict[str, object], pointer: str
) -> None:
    response = client.put("/_sandbox/faults", json=config)

    assert response.status_code == 400
    assert pointer in [error["pointer"] for error in response.json()["errors"]]
    assert client.get("/_sandbox/faults").json()["operations"] == {}


def test_latency_is_added_before_answering(make_client: Callable[..., TestClient]) -> None:
    waited: list[float] = []

    async def record(seconds: float) -> None:
        waited.append(seconds)

    faults = FaultConfig(operations={"getMeV2": OperationFaults(latency_rate=1.0, latency_seconds=2.5)})
    client = make_client(faults=faults, sleep=record)

    assert client.get("/v2/me", headers=AUTH).status_code == 200
    assert client.post("/v2/user/attributes", json={}, headers=AUTH).status_code == 400
    assert waited == [2.5]


def test_a_dropped_connection_is_a_transport_error_for_the_client() -> None:
    faults = FaultConfig(operations={"getMeV2": OperationFaults(drop_rate=1.0)})
    with running_server(ServerSettings(faults=faults)) as base_url, httpx.Client(base_url=base_url) as http:
        with pytest.raises(httpx.TransportError):
            http.get("/v2/me", headers=AUTH)
        assert http.post("/_sandbox/reset", headers=AUTH).status_code == 200
