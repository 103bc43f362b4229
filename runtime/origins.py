"""One rule for "the same origin" (scheme, host and port alike, as httpx's ``_client._same_origin`` has it): the
credential goes only to the API's own origin, and the OAuth token URL is rebased only for another one."""

from __future__ import annotations

import httpx

__all__ = ["same_origin"]


def same_origin(url: str, other: str) -> bool:
    """Whether ``url`` and ``other`` share scheme, host and port (``HTTPS://Api.Example`` is ``https://api.example:443``);
    a URL httpx can't read shares no origin."""
    try:
        first, second = httpx.URL(url), httpx.URL(other)
    except (httpx.InvalidURL, TypeError, ValueError):
        return False
    return first.scheme == second.scheme and first.host == second.host and first.port == second.port
