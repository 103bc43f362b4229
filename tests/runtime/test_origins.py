"""The one same-origin rule: the credential follows a results link, and the OAuth token URL stays as the spec gives
it, only on the API's own origin."""

from __future__ import annotations

import pytest
from attentive_client.runtime.origins import same_origin


@pytest.mark.parametrize(
    "other",
    ["https://api.example.com/v2/results/1", "HTTPS://API.Example.com/x", "https://api.example.com:443/"],
)
def test_the_same_scheme_host_and_port_are_one_origin(other: str) -> None:
    assert same_origin("https://api.example.com", other)


@pytest.mark.parametrize(
    "other",
    [
        "http://api.example.com/x",
        "https://api.example.com:8443/x",
        "https://storage.example.com/x",
        "https://api.example.com.evil.test/x",
        "http://[::1",
    ],
)
def test_another_scheme_host_or_port_or_an_unreadable_url_is_not(other: str) -> None:
    assert not same_origin("https://api.example.com", other)
