"""Checks for documented behaviour that a response schema can't carry. Importing this module registers them
with schemathesis, so every response of every phase goes through them."""

from __future__ import annotations

from typing import Any

import schemathesis

RATE_LIMIT_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining")


def rate_limit_problems(headers: Any) -> list[str]:
    """What is wrong with a response's rate-limit headers (empty when they are fine)."""
    values: dict[str, int] = {}
    problems: list[str] = []
    lowered = {str(key).lower(): value for key, value in headers.items()}
    for name in RATE_LIMIT_HEADERS:
        raw = lowered.get(name)
        if isinstance(raw, list):
            raw = raw[0] if raw else None
        if raw is None:
            problems.append(f"`{name}` is missing")
            continue
        try:
            values[name] = int(str(raw).strip())
        except ValueError:
            problems.append(f"`{name}` is {raw!r}, not an integer")
            continue
        if values[name] < 0:
            problems.append(f"`{name}` is negative ({values[name]})")
    limit, remaining = values.get("x-ratelimit-limit"), values.get("x-ratelimit-remaining")
    if limit is not None and remaining is not None and remaining > limit:
        problems.append(f"`x-ratelimit-remaining` ({remaining}) exceeds `x-ratelimit-limit` ({limit})")
    return problems


@schemathesis.check
def rate_limit_headers(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> None:
    """Every answer, whatever its status, carries ``x-ratelimit-limit`` and ``x-ratelimit-remaining``."""
    problems = rate_limit_problems(response.headers)
    if problems:
        raise AssertionError(f"Rate-limit headers wrong on a {response.status_code} answer: " + "; ".join(problems))
