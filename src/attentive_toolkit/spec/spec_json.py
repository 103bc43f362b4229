"""The one reader of a spec file's bytes: an OpenAPI 3 JSON object, or a refusal that says what and where.

Every spec the toolkit reads (the vendor's ``openapi.json``, a new one for ``spec update``, a file given to
``spec audit`` or ``spec effective``, the effective spec) comes through here, so each way a file can be broken is
named the same way wherever it is met, and none of them surfaces as a bare decoder error or a traceback.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any


class SpecJsonError(ValueError):
    """The bytes are not an OpenAPI 3 JSON document; the message starts with where they came from."""


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of two equal keys without a word: the other value would be lost silently.
    document = dict(pairs)
    if len(document) != len(pairs):
        twice = next(key for key, count in Counter(key for key, _ in pairs).items() if count > 1)
        raise SpecJsonError(f"the key {twice!r} appears twice in one object (a JSON reader would keep one value)")
    return document


def _not_json(constant: str) -> Any:
    raise SpecJsonError(f"{constant} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise SpecJsonError(f"{text} is beyond what a JSON number can hold here (it reads as infinity)")
    return number


def _decoded(data: bytes, where: str) -> Any:
    try:
        return json.loads(
            data.decode("utf-8"), object_pairs_hook=_no_duplicate_keys, parse_constant=_not_json, parse_float=_finite
        )
    except UnicodeDecodeError as exc:
        raise SpecJsonError(f"{where}: not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise SpecJsonError(f"{where}: line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}") from exc
    except SpecJsonError as exc:
        raise SpecJsonError(f"{where}: {exc}") from exc
    except RecursionError as exc:
        raise SpecJsonError(f"{where}: nested too deeply to read (arrays or objects inside each other)") from exc
    except ValueError as exc:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
        raise SpecJsonError(f"{where}: a number too long to read: {exc}") from exc


def parse_spec(data: bytes, where: str) -> dict[str, Any]:
    """``data`` as an OpenAPI 3 document: a JSON object whose ``openapi`` is a 3.x version and ``paths`` an object.

    Whether it is valid OpenAPI 3.0 beyond that is ``validity``'s question (overlays may still fix a vendor spec).
    """
    document = _decoded(data, where)
    if not isinstance(document, dict):
        raise SpecJsonError(f"{where}: an OpenAPI document must be a JSON object, not {type(document).__name__}")
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        raise SpecJsonError(f"{where}: /openapi is {version!r}; expected an OpenAPI 3.x document")
    if not isinstance(document.get("paths"), dict):
        raise SpecJsonError(f"{where}: /paths is missing or not an object")
    return document
