"""Whether a host name stays on this machine: the one answer for the server's bind and ``Host`` checks and the
conformance suite's safety policy."""

from __future__ import annotations

import functools
import ipaddress

__all__ = ["is_loopback_host"]

# "localhost." is the same name written fully qualified (RFC 6761 keeps both on loopback).
_LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


@functools.lru_cache(maxsize=1024)
def is_loopback_host(host: str) -> bool:
    """``localhost`` (with or without its final dot), any 127.x.y.z or ``::1`` (with or without brackets).

    Names are never resolved: a name that resolves to loopback today may not tomorrow. Cached: the server asks on
    every request, a client sends the same few names, and parsing an address costs more than the rest of its guard.
    """
    name = host.strip().lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False
