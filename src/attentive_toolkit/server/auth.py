"""Bearer tokens with scopes: who is calling, and may they call this operation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class TokenScopes(Protocol):
    """Where a token's scopes are looked up: None for a token the server does not accept."""

    def get(self, token: str, /) -> frozenset[str] | None: ...


@dataclass(frozen=True)
class AuthResult:
    token: str | None
    status: int  # 0 when allowed
    message: str


def authorize(header: str | None, tokens: TokenScopes, required: frozenset[str]) -> AuthResult:
    if not header:
        return AuthResult(None, 401, "missing Authorization header; send 'Authorization: Bearer <token>'")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return AuthResult(None, 401, "the Authorization header must be 'Bearer <token>'")
    scopes = tokens.get(token)
    if scopes is None:
        return AuthResult(None, 401, "unknown bearer token")
    missing = sorted(required - scopes)
    if missing:
        return AuthResult(token, 403, f"the token lacks the scope(s) this operation requires: {', '.join(missing)}")
    return AuthResult(token, 0, "")
