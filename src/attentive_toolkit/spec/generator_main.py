"""openapi-python-client's command line, with each endpoint's operationId kept for the templates.

The generator turns an operationId into a snake-case module name and keeps no copy of the original
(``parser/openapi.py``, ``Endpoint.from_data``), yet a generated module names its operation to the runtime by
that id. This entry point records it on each endpoint as ``operation_id`` (the runtime's own fallback,
``METHOD /path``, where the spec gives none) and then runs the generator unchanged. The generator is pinned
exactly (``generation.GENERATOR_VERSION``); ``tests/client/test_generated_operations.py`` fails if a module
ever names no operation of the spec.
"""

from __future__ import annotations

from typing import Any

from openapi_python_client.cli import app
from openapi_python_client.parser.openapi import Endpoint

_from_data = Endpoint.from_data


def _from_data_keeping_the_id(*, data: Any, path: Any, method: str, **rest: Any) -> Any:
    endpoint, *others = _from_data(data=data, path=path, method=method, **rest)
    if isinstance(endpoint, Endpoint):
        raw_path = path.get_untrusted_value() if hasattr(path, "get_untrusted_value") else str(path)
        endpoint.operation_id = data.operationId or f"{method.upper()} {raw_path}"  # type: ignore[attr-defined]
    return (endpoint, *others)


if __name__ == "__main__":
    Endpoint.from_data = staticmethod(_from_data_keeping_the_id)  # type: ignore[method-assign]
    app()
