"""Before any generated case: prove the token works, so a run can't pass on a wall of 401s."""

from __future__ import annotations

import httpx
from attentive_client.runtime import ApiSpec

from ..spec.effective import load_effective_spec
from .session import ConformanceSession

# "Who am I": any valid token may call it; its path is the spec's.
PROBE_OPERATION = "getMeV2"


def probe_path() -> str:
    return ApiSpec.from_document(load_effective_spec()).operation(PROBE_OPERATION).path


def token_problem(session: ConformanceSession, client: httpx.Client | None = None) -> str | None:
    """A sentence saying why the target can't be tested with the configured token, or None when it can."""
    path = probe_path()
    own_client = client is None
    client = client or httpx.Client(timeout=30)
    try:
        response = client.get(session.base_url + path, headers={"Authorization": f"Bearer {session.api_token}"})
    except httpx.HTTPError as exc:
        problem = f"cannot reach {session.base_url}: {type(exc).__name__}: {session.redactor.redact(str(exc))}"
        if isinstance(exc, httpx.ConnectError) and not session.policy.remote:
            port = httpx.URL(session.base_url).port or 80
            problem += f" (nothing listens there: start the reference server with `attentive serve --port {port}`)"
        return problem
    finally:
        if own_client:
            client.close()
    if response.status_code in (401, 403):
        return (
            f"the target rejected the API token: GET {path} answered {response.status_code} "
            "with the configured token (check ATTENTIVE_API_TOKEN); every other answer would be a 401 too, "
            "so nothing else was tested"
        )
    if not 200 <= response.status_code < 300:
        return f"GET {path} answered {response.status_code} with the configured token, expected 200"
    return None
