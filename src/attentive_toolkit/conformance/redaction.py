"""Keep tokens out of everything the suite prints or writes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

REDACTED = "[REDACTED]"


class Redactor:
    """Replaces every known secret with ``[REDACTED]``; secrets shorter than 4 characters are ignored so a
    stray one-letter token can't shred the whole output."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} secret(s))"

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def redact_file(self, path: Path) -> bool:
        """Rewrite ``path`` with secrets redacted; True when something was replaced."""
        original = path.read_text(encoding="utf-8", errors="surrogateescape")
        cleaned = self.redact(original)
        if cleaned == original:
            return False
        path.write_text(cleaned, encoding="utf-8", errors="surrogateescape")
        return True

    def redact_tree(self, folder: Path) -> list[Path]:
        return [path for path in sorted(folder.rglob("*")) if path.is_file() and self.redact_file(path)]


_AUTH_HEADER = re.compile(r"(?i)(['\"]?authorization:\s*)(bearer\s+)?[^'\"\s]+(?:\s*\[[^\]]*\])?")


def redact_auth_headers(command: str) -> str:
    """Mask the value of any ``Authorization`` header in a rendered command, whatever the token is."""
    return _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2) or ''}{REDACTED}", command)
