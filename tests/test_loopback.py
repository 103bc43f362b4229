"""One answer to "is this host on this machine?" for the server's bind and Host checks and the suite's policy."""

from __future__ import annotations

import pytest

from attentive_toolkit.conformance.safety import decide_policy
from attentive_toolkit.loopback import is_loopback_host
from attentive_toolkit.server.security import HostPolicy, NotLoopback, require_loopback

LOOPBACK = ["127.0.0.1", "127.0.0.2", "localhost", "LOCALHOST", "localhost.", "::1", "[::1]"]
REMOTE = ["api.attentivemobile.com", "10.0.0.1", "localhost.example.com", "0.0.0.0", "localhost..", ""]


@pytest.mark.parametrize("host", LOOPBACK)
def test_loopback_hosts_are_loopback_for_every_caller(host: str) -> None:
    assert is_loopback_host(host)
    assert require_loopback(host)
    assert HostPolicy([]).allows(host if ":" not in host.strip("[]") else "[::1]")
    bracketed = f"[{host.strip('[]')}]" if ":" in host else host
    assert not decide_policy(f"http://{bracketed}:8080", allow_writes=False, rate_limit=None).remote


@pytest.mark.parametrize("host", REMOTE)
def test_other_hosts_are_remote_for_every_caller(host: str) -> None:
    assert not is_loopback_host(host)
    with pytest.raises(NotLoopback):
        require_loopback(host)
    assert not HostPolicy([]).allows(host)
    if host:
        assert decide_policy(f"http://{host}:8080", allow_writes=False, rate_limit=None).remote
