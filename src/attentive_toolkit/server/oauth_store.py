"""The OAuth codes the sandbox issued and the tokens they became, in the server's SQLite database: kept across a
restart with ``--db FILE`` (a token stays valid, a spent code stays spent), in memory otherwise, as all state is.

Neither a code nor a token is stored, only its SHA-256: what a request presents is hashed and looked up, so the
database file holds nothing a reader could present as a credential.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from .storage import Store

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS oauth_codes (
        code_hash TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        redirect_uri TEXT NOT NULL,
        scopes TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        client_secret_hash TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS oauth_tokens (
        token_hash TEXT PRIMARY KEY,
        scopes TEXT NOT NULL
    )""",
)


def fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedCode:
    client_id: str
    redirect_uri: str
    scopes: frozenset[str]
    expires_at: datetime
    # None: any non-empty secret is taken (the sandbox has no app registry); else the SHA-256 of exactly this one.
    client_secret_hash: str | None


def _scopes_text(scopes: frozenset[str]) -> str:
    return json.dumps(sorted(scopes))


class OAuthStore:
    def __init__(self, store: Store) -> None:
        self._store = store
        with store.transaction() as db:
            for statement in SCHEMA:
                db.execute(statement)

    def add_code(self, code: str, issued: IssuedCode) -> None:
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO oauth_codes (code_hash, client_id, redirect_uri, scopes, expires_at, client_secret_hash) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    fingerprint(code),
                    issued.client_id,
                    issued.redirect_uri,
                    _scopes_text(issued.scopes),
                    issued.expires_at.isoformat(),
                    issued.client_secret_hash,
                ),
            )

    def spend_code(self, code: str) -> IssuedCode | None:
        """The code's grant, removed in the same transaction: a code works once. None when unknown or spent."""
        with self._store.transaction() as db:
            row = db.execute("SELECT * FROM oauth_codes WHERE code_hash = ?", (fingerprint(code),)).fetchone()
            if row is None:
                return None
            db.execute("DELETE FROM oauth_codes WHERE code_hash = ?", (row["code_hash"],))
        return IssuedCode(
            row["client_id"],
            row["redirect_uri"],
            frozenset(json.loads(row["scopes"])),
            datetime.fromisoformat(row["expires_at"]),
            row["client_secret_hash"],
        )

    def add_token(self, token: str, scopes: frozenset[str]) -> None:
        with self._store.transaction() as db:
            row = (fingerprint(token), _scopes_text(scopes))
            db.execute("INSERT INTO oauth_tokens (token_hash, scopes) VALUES (?, ?)", row)

    def token_scopes(self, token: str) -> frozenset[str] | None:
        with self._store.transaction() as db:
            row = db.execute("SELECT scopes FROM oauth_tokens WHERE token_hash = ?", (fingerprint(token),)).fetchone()
        return None if row is None else frozenset(json.loads(row["scopes"]))

    def reset(self) -> None:
        with self._store.transaction() as db:
            db.execute("DELETE FROM oauth_codes")
            db.execute("DELETE FROM oauth_tokens")


class Tokens:
    """The tokens the server accepts: those configured at start (``--token``, or the development token), then those
    the OAuth exchange minted (looked up by their hash)."""

    def __init__(self, configured: dict[str, frozenset[str]], minted: OAuthStore) -> None:
        self.configured = configured
        self.minted = minted

    def get(self, token: str, /) -> frozenset[str] | None:
        scopes = self.configured.get(token)
        return scopes if scopes is not None else self.minted.token_scopes(token)
