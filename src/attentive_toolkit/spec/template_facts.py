"""The effective spec's facts the templates need but the generator's model drops (it keeps no ``x-`` extension,
and turns each operationId into a module name without keeping the id):
written as a Jinja file, ``attentive/spec_facts.jinja``, beside a copy of the project's templates for one
generation run.

Read through the runtime (``Operation.pagination``), the one owner of those facts, so a template never re-derives
what the spec says: the project's own ``runtime/`` folder, the one being generated, loaded under a private name.
Not the installed ``attentive_client.runtime``: that copy may be stale or broken, and ``attentive spec regen`` is
what repairs it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

FACTS_TEMPLATE = "attentive/spec_facts.jinja"


def load_runtime(runtime_dir: Path) -> ModuleType:
    """The runtime package at ``runtime_dir`` (self-contained: relative imports only), once per folder."""
    name = "_attentive_runtime_" + hashlib.sha256(str(runtime_dir.resolve()).encode()).hexdigest()[:12]
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(
        name, runtime_dir / "__init__.py", submodule_search_locations=[str(runtime_dir)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"{runtime_dir}: not a runtime package")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def pagination_facts(api: Any) -> dict[str, dict[str, str]]:
    """``"get /v2/segments"`` -> the cursor parameter and the fields a page names (items, next cursor and, when the
    spec names one, whether more pages follow) of each paginated list of ``api`` (the runtime's ``ApiSpec``)."""
    facts: dict[str, dict[str, str]] = {}
    for operation in api.operations:
        pages = operation.pagination
        if pages is not None:
            facts[f"{operation.method} {operation.path}"] = {
                "cursor_parameter": pages.cursor_parameter,
                "items_field": pages.items_field,
                "cursor_field": pages.cursor_field,
                **({"has_more_field": pages.has_more_field} if pages.has_more_field is not None else {}),
            }
    return facts


def operation_ids(api: Any) -> dict[str, str]:
    """``"get /v2/me"`` -> the operation's id as the runtime knows it (the spec's ``operationId``, else its own
    ``METHOD /path``): the generator turns the id into a module name and keeps no copy, yet a generated module names
    its operation to the runtime by it."""
    return {f"{operation.method} {operation.path}": operation.operation_id for operation in api.operations}


def facts_source(document: Mapping[str, Any], runtime_dir: Path) -> str:
    api = load_runtime(runtime_dir).ApiSpec.from_document(document)
    # JSON of strings only is a valid Jinja expression.
    pagination = json.dumps(pagination_facts(api), sort_keys=True)
    operations = json.dumps(operation_ids(api), sort_keys=True)
    return (
        "{# Written by `attentive spec regen` from the effective spec (template_facts.py); not checked in. #}\n"
        f"{{% set pagination = {pagination} %}}\n"
        f"{{% set operation_ids = {operations} %}}\n"
    )


def templates_with_facts(templates: Path, document: Mapping[str, Any], runtime_dir: Path, scratch: Path) -> Path:
    """A copy of ``templates`` in ``scratch`` with the facts added; the folder to hand the generator."""
    target = scratch / "templates"
    shutil.copytree(templates, target)
    (target / FACTS_TEMPLATE).parent.mkdir(parents=True, exist_ok=True)
    (target / FACTS_TEMPLATE).write_text(facts_source(document, runtime_dir), encoding="utf-8")
    return target
