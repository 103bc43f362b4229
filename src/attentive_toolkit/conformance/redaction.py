"""Keep tokens out of everything the suite prints or writes."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

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

    def redact_object(self, value: Any) -> Any:
        """``value`` with every string inside it redacted: strings, lists, tuples and dicts are rebuilt, other
        objects (pytest's failure representations) have their attributes redacted in place."""
        return _redact_object(self, value, set())


def _redact_object(redactor: Redactor, value: Any, seen: set[int]) -> Any:
    if isinstance(value, str):
        return redactor.redact(value)
    if isinstance(value, bytes | int | float | bool | Path) or value is None:
        return value
    if id(value) in seen:
        return value
    seen.add(id(value))
    if isinstance(value, list):
        value[:] = [_redact_object(redactor, item, seen) for item in value]
        return value
    if isinstance(value, tuple):
        items = [_redact_object(redactor, item, seen) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, dict):
        return {key: _redact_object(redactor, item, seen) for key, item in value.items()}
    if isinstance(value, type):
        return value
    if dataclasses.is_dataclass(value):
        names = [field.name for field in dataclasses.fields(value)]
    else:
        names = list(vars(value)) if hasattr(value, "__dict__") else []
    for name in names:
        # object.__setattr__: some of pytest's representations are frozen dataclasses.
        object.__setattr__(value, name, _redact_object(redactor, getattr(value, name), seen))
    return value


class RedactingStream:
    """A text stream that redacts what is written through it; anything else goes to the wrapped stream.

    A secret split across two ``write`` calls would pass; the terminal writer writes whole lines and messages,
    and failure texts are redacted at the source too (the test reports)."""

    def __init__(self, inner: IO[str], redactor: Redactor) -> None:
        self.inner = inner
        self.redactor = redactor

    def write(self, text: str) -> int:
        self.inner.write(self.redactor.redact(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.inner.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


_AUTH_HEADER = re.compile(r"(?i)(['\"]?authorization:\s*)(bearer\s+)?[^'\"\s]+(?:\s*\[[^\]]*\])?")


def redact_auth_headers(command: str) -> str:
    """Mask the value of any ``Authorization`` header in a rendered command, whatever the token is."""
    return _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2) or ''}{REDACTED}", command)
