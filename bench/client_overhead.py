"""Per-request cost of the generated client (validate, serialize, send, parse) against raw httpx.

Both post the same single-user upsert to an in-process ``httpx.MockTransport`` answering 202, so what is
measured is the client's own work, not a network. The two are timed in alternating rounds in one run and the
median round of each is compared. Target: client / raw <= 1.2 with validation on.

The client puts each operation's URL on the base URL once and keeps it, where raw httpx parses the URL string of
every request (one of its largest costs). For context, a third variant is raw httpx handed that URL parsed once,
so the client's remaining work (building the body from its model, checking it, the runtime's bookkeeping, the
typed answer) shows as its ratio to that.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx
from attentive_client import AuthenticatedClient
from attentive_client.api.user_properties import post_user_attributes
from attentive_client.models import CreateUserAttributesRequestDtoV2

TOKEN = "bench-token"
BASE_URL = "https://api.attentivemobile.com"
ROUNDS = 21
REQUESTS_PER_ROUND = 300
TARGET_RATIO = 1.2

PAYLOAD: dict[str, Any] = {
    "identifiers": {"phone": "+15005550006", "email": "ada@example.com", "clientUserId": "user-1"},
    "attributes": {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "locale": {"language": "en", "country": "US"},
        "custom": {"favorite color": "green", "lucky number": 6, "has pets": True},
    },
    "subscriptions": [{"channel": "EMAIL", "subscriptionType": "MARKETING", "signUpSourceId": "12345"}],
}
ANSWER = b'{"success": true}'


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(202, content=ANSWER, headers={"content-type": "application/json"})


def _client_call(validate: bool) -> Callable[[], object]:
    client = AuthenticatedClient(
        base_url=BASE_URL,
        token=TOKEN,
        validate_requests=validate,
        httpx_args={"transport": httpx.MockTransport(_answer)},
    )
    body = CreateUserAttributesRequestDtoV2.from_dict(PAYLOAD)

    def call() -> object:
        return post_user_attributes.sync(client=client, body=body)

    return call


def _raw_call() -> Callable[[], object]:
    http = httpx.Client(
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {TOKEN}", "User-Agent": "bench"},
        transport=httpx.MockTransport(_answer),
    )

    def call() -> object:
        response = http.post("/v2/user/attributes", json=PAYLOAD)
        return response.json()

    return call


def _raw_url_once_call() -> Callable[[], object]:
    http = httpx.Client(
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {TOKEN}", "User-Agent": "bench"},
        transport=httpx.MockTransport(_answer),
    )
    url = httpx.URL(BASE_URL + "/v2/user/attributes")

    def call() -> object:
        response = http.post(url, json=PAYLOAD)
        return response.json()

    return call


def _round(call: Callable[[], object]) -> float:
    # CPU time of this process: the machine is shared, and time spent descheduled is not the client's cost.
    start = time.process_time()
    for _ in range(REQUESTS_PER_ROUND):
        call()
    return (time.process_time() - start) / REQUESTS_PER_ROUND


def _median_ratio(values: list[float], against: list[float]) -> float:
    return statistics.median(v / a for v, a in zip(values, against, strict=True))


def measure() -> tuple[dict[str, float], dict[str, float], float]:
    """Median seconds per request of each variant, the median of each variant's per-round ratio to raw httpx, and
    that of the client's (validation on) to raw httpx with the URL parsed once.

    Rounds alternate between the variants, and each ratio compares rounds run back to back, so a slow patch
    on the machine weighs on both sides of a ratio alike.
    """
    calls = {
        "raw httpx": _raw_call(),
        "raw httpx, URL once": _raw_url_once_call(),
        "client, validation on": _client_call(True),
        "client, validation off": _client_call(False),
    }
    for call in calls.values():  # warm-up: spec loading, validator build, connection setup
        for _ in range(50):
            call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(ROUNDS):
        for name, call in calls.items():
            samples[name].append(_round(call))
    raw = samples["raw httpx"]
    medians = {name: statistics.median(values) for name, values in samples.items()}
    ratios = {name: _median_ratio(values, raw) for name, values in samples.items()}
    return medians, ratios, _median_ratio(samples["client, validation on"], samples["raw httpx, URL once"])


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def run() -> None:
    # The clock is CPU time, yet it still moves with the machine's load (shared cores and caches): say how busy.
    before = _load()
    medians, ratios, own = measure()
    print(f"-- {before} before, {_load()} after")
    for name, seconds in medians.items():
        print(f"{name:<24} {seconds * 1e6:8.1f} us/request   {ratios[name]:5.2f}x raw httpx")
    ratio = ratios["client, validation on"]
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"client (validation on) / raw httpx with the URL parsed once = {own:.2f}x (context, no target)")
    print(f"client (validation on) / raw httpx = {ratio:.2f}x ({verdict} the {TARGET_RATIO}x target)")
