"""The OAuth code exchange, run locally: codes issued through the sandbox, traded once for a token.

The vendor issues a code when a user installs an app in its UI, which the sandbox has not got: ``POST
/_sandbox/oauth/codes`` issues one instead (client id, redirect URI, scopes). The exchange answers at the path of the
token URL the effective spec's flow declares (``runtime.token_path``), whether or not that path is an operation of
the spec: a form-encoded ``grant_type=authorization_code``, the code, the same redirect URI (compared exactly), the
client id and a client secret. A code works once and expires after ``CODE_LIFETIME`` of the sandbox's clock (RFC
6749 §4.1.2 advises ten minutes at most). The token it gives is accepted by the server with the scopes granted.
Codes and tokens are kept in the server's database (``oauth_store.py``), so ``--db FILE`` keeps them across a
restart.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl

from attentive_client.runtime import ApiSpec, AuthorizationCodeFlow, FieldError, OAuthError, Operation, token_path
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .clock import SandboxClock
from .oauth_store import IssuedCode, OAuthStore, fingerprint
from .request_body import BadRequest, parse_json_body
from .responses import FastJSONResponse, error_response

CODE_LIFETIME = timedelta(minutes=10)
CODES_ROUTE = "/_sandbox/oauth/codes"
GRANT_TYPE = "authorization_code"


class OAuthCodes:
    """Codes issued and not yet used, and the tokens they became (``OAuthStore``, read by the server's ``Tokens``)."""

    def __init__(self, api: ApiSpec, store: OAuthStore, clock: SandboxClock) -> None:
        self.scopes = api.scopes
        self.store = store
        self.clock = clock
        try:
            self.flow: AuthorizationCodeFlow | None = AuthorizationCodeFlow.from_spec(api)
        except OAuthError:
            self.flow = None
        self.path = token_path(self.flow) if self.flow is not None else None

    def serves(self, operation: Operation) -> bool:
        """Whether ``operation`` is the token endpoint (the merged V1+V2 document has it as an operation)."""
        return self.path is not None and operation.method == "post" and operation.path == self.path

    def issue(self, body: object) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise BadRequest("the body must be a JSON object", [FieldError("", "type", "expected an object")])
        problems = [
            FieldError(f"/{name}", "required", "a non-empty string")
            for name in ("clientId", "redirectUri")
            if not isinstance(body.get(name), str) or not body[name]
        ]
        scopes = body.get("scopes", sorted(self.scopes))
        if not isinstance(scopes, list) or not all(isinstance(scope, str) for scope in scopes):
            problems.append(FieldError("/scopes", "type", "an array of scope names"))
        else:
            known = ", ".join(sorted(self.scopes))
            problems.extend(
                FieldError(f"/scopes/{index}", "enum", f"{scope!r} is not a scope of the spec ({known})")
                for index, scope in enumerate(scopes)
                if scope not in self.scopes
            )
        secret = body.get("clientSecret")
        if secret is not None and (not isinstance(secret, str) or not secret):
            problems.append(FieldError("/clientSecret", "type", "a non-empty string, or left out"))
        if problems:
            raise BadRequest("cannot issue an authorization code", problems)
        code = secrets.token_urlsafe(24)
        expires_at = self.clock.now() + CODE_LIFETIME
        secret_hash = fingerprint(secret) if secret is not None else None
        self.store.add_code(
            code, IssuedCode(body["clientId"], body["redirectUri"], frozenset(scopes), expires_at, secret_hash)
        )
        return {
            "code": code,
            "clientId": body["clientId"],
            "redirectUri": body["redirectUri"],
            "scopes": sorted(set(scopes)),
            "expiresAt": expires_at.isoformat(),
        }

    def exchange(self, form: Mapping[str, str]) -> dict[str, str]:
        """The token for a valid form; ``BadRequest`` (400) naming the field otherwise. A code is spent by any
        attempt that names it, right or wrong, as RFC 6749 §4.1.2 asks of a code presented twice."""
        missing = [
            FieldError(f"/{name}", "required", "required")
            for name in ("grant_type", "code", "redirect_uri", "client_id", "client_secret")
            if not form.get(name)
        ]
        if missing:
            raise BadRequest("the token request lacks required fields", missing)
        if form["grant_type"] != GRANT_TYPE:
            raise BadRequest(
                "unsupported grant type", [FieldError("/grant_type", "enum", f"only {GRANT_TYPE!r} is taken")]
            )
        issued = self.store.spend_code(form["code"])
        if issued is None:
            raise BadRequest("invalid grant", [FieldError("/code", "invalid_grant", "unknown, or already used")])
        if self.clock.now() >= issued.expires_at:
            raise BadRequest("invalid grant", [FieldError("/code", "invalid_grant", "expired")])
        if form["client_id"] != issued.client_id:
            raise BadRequest(
                "invalid grant", [FieldError("/client_id", "invalid_grant", "not the client the code was issued to")]
            )
        if form["redirect_uri"] != issued.redirect_uri:
            raise BadRequest(
                "invalid grant",
                [FieldError("/redirect_uri", "invalid_grant", "not the redirect URI the code was issued for")],
            )
        secret_hash = issued.client_secret_hash
        if secret_hash is not None and not secrets.compare_digest(fingerprint(form["client_secret"]), secret_hash):
            raise BadRequest("invalid client", [FieldError("/client_secret", "invalid_client", "wrong client secret")])
        token = secrets.token_urlsafe(32)
        self.store.add_token(token, issued.scopes)
        return {"access_token": token, "id_token": secrets.token_urlsafe(32), "token_type": "Bearer"}

    def reset(self) -> None:
        """Forget codes and the tokens they became; the configured tokens stay."""
        self.store.reset()


def parse_form(raw: bytes) -> dict[str, str]:
    """A form-encoded body; a field given twice is refused rather than one of its values picked silently."""
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(raw))
    except (UnicodeDecodeError, ValueError) as exc:
        summary = "the body is not a form (application/x-www-form-urlencoded)"
        raise BadRequest(summary, [FieldError("", "form", str(exc))]) from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise BadRequest("a field is given twice", [FieldError(f"/{name}", "unique", "given twice")])
        form[name] = value
    return form


async def exchange_response(codes: OAuthCodes, request: Request) -> Response:
    form = parse_form(await request.body())
    # RFC 6749 §5.1: the answer carrying a token is never cached.
    return FastJSONResponse(codes.exchange(form), 200, {"cache-control": "no-store", "pragma": "no-cache"})


def oauth_routes(codes: OAuthCodes, token_endpoint_is_operation: bool) -> list[BaseRoute]:
    """The sandbox's code issuer, and the exchange at the token path unless an operation of the spec holds it."""

    async def issue(request: Request) -> Response:
        try:
            issued = codes.issue(parse_json_body(await request.body()))
        except BadRequest as exc:
            return error_response(400, exc.summary, exc.violations)
        return FastJSONResponse(issued, 201)

    async def exchange(request: Request) -> Response:
        try:
            return await exchange_response(codes, request)
        except BadRequest as exc:
            return error_response(400, exc.summary, exc.violations)

    routes: list[BaseRoute] = [Route(CODES_ROUTE, issue, methods=["POST"])]
    if codes.path is not None and not token_endpoint_is_operation:
        routes.append(Route(codes.path, exchange, methods=["POST"]))
    return routes
