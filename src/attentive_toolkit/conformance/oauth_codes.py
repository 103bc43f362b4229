"""A fresh authorization code for each positive case of the token endpoint, when the spec under test has one.

The token endpoint (the path of the effective spec's OAuth ``tokenUrl``, an operation of the merged V1+V2 document)
takes a code that works once: a generated ``code`` is never valid, so without this hook the endpoint would never
answer 2xx and the run could not show it works. Before each positive case the hook asks the reference server's
sandbox for a code (``POST /_sandbox/oauth/codes``) and sends it with the client id and redirect URI it was issued
for. Negative cases go as generated, so that their refusal is still checked. A target without the sandbox (the
vendor's API) answers the sandbox call with an error and gets the cases as generated.
"""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from attentive_client.runtime import ApiSpec, AuthorizationCodeFlow, OAuthError, token_path

from ..server.oauth import CODES_ROUTE, GRANT_TYPE
from .session import ConformanceSession

CLIENT_ID = "conformance-suite"
REDIRECT_URI = "http://127.0.0.1/conformance/callback"


def token_endpoint(api: ApiSpec) -> tuple[str, str] | None:
    """``("POST", path)`` of the token endpoint when it is an operation of ``api``; None otherwise."""
    try:
        path = token_path(AuthorizationCodeFlow.from_spec(api))
    except OAuthError:
        return None
    found = any(operation.method == "post" and operation.path == path for operation in api.operations)
    return ("POST", path) if found else None


def mint_code(session: ConformanceSession) -> str | None:
    """A code from the target's sandbox; None when the target has none (or refuses)."""
    try:
        response = httpx.post(
            session.base_url.rstrip("/") + CODES_ROUTE,
            json={"clientId": CLIENT_ID, "redirectUri": REDIRECT_URI},
            headers={"Authorization": f"Bearer {session.api_token}"},
            timeout=10,
        )
        body = response.json() if response.status_code == 201 else None
    except (httpx.HTTPError, ValueError):  # no sandbox, or a 201 that isn't JSON: the case goes as generated
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


class _Target:
    """The run the hook serves: schemathesis dispatches ``before_call`` only to global hooks, registered once per
    process, so the hook reads the current run from here."""

    session: ConformanceSession | None = None
    endpoint: tuple[str, str] | None = None
    installed = False


def install(session: ConformanceSession, api: ApiSpec) -> bool:
    """Mint codes for ``api``'s token endpoint during ``session``; False when ``api`` has no such operation."""
    _Target.session, _Target.endpoint = session, token_endpoint(api)
    if _Target.endpoint is not None and not _Target.installed:
        schemathesis.hook("before_call")(before_call)
        _Target.installed = True
    return _Target.endpoint is not None


def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    session, endpoint = _Target.session, _Target.endpoint
    if session is None or endpoint is None or (str(case.method).upper(), str(case.operation.path)) != endpoint:
        return
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or not isinstance(case.body, dict):
        return
    code = mint_code(session)
    if code is None:
        return
    case.body = {
        **case.body,
        "grant_type": GRANT_TYPE,
        "code": code,
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "client_secret": case.body.get("client_secret") or "conformance-secret",
    }
