"""The suite asks the target's sandbox for an authorization code; a target without one (or a broken one) leaves the
token endpoint's cases as generated, never a traceback."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from attentive_toolkit.conformance import oauth_codes


class _Session:
    base_url = "http://127.0.0.1:9"
    api_token = "tok_conformance_0123"


def _answering(response: httpx.Response | Exception) -> Any:
    def post(*args: Any, **kwargs: Any) -> httpx.Response:
        if isinstance(response, Exception):
            raise response
        return response

    return post


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (httpx.Response(201, json={"code": "c_1"}), "c_1"),
        (httpx.Response(201, content=b"<html>created</html>"), None),
        (httpx.Response(201, json=["c_1"]), None),
        (httpx.Response(404, json={"code": "c_1"}), None),
        (httpx.ConnectError("refused"), None),
    ],
    ids=["a code", "not JSON", "not an object", "no sandbox", "no answer"],
)
def test_a_code_comes_only_from_a_sandbox_that_issues_one(
    monkeypatch: pytest.MonkeyPatch, answer: httpx.Response | Exception, expected: str | None
) -> None:
    monkeypatch.setattr(oauth_codes.httpx, "post", _answering(answer))
    assert oauth_codes.mint_code(_Session()) == expected  # type: ignore[arg-type]
