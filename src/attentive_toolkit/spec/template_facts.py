"""The effective spec's facts the templates need but the generator's model drops (it keeps no ``x-`` extension):
written as a Jinja file, ``spec_facts.jinja``, beside the project's templates for one generation run.

Read through the runtime (``Operation.pagination``), the one owner of those facts, so a template never re-derives
what the spec says.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# Beside the project's own included templates (``templates/overrides/attentive/``).
FACTS_TEMPLATE = "attentive/spec_facts.jinja"


def pagination_facts(document: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """``"get /v2/segments"`` -> the operation id, the cursor parameter and the items field of each paginated list."""
    # Imported here: `attentive spec regen` repairs a broken generated/, so loading the command must not import it.
    from attentive_client.runtime import ApiSpec

    facts: dict[str, dict[str, str]] = {}
    for operation in ApiSpec.from_document(document).operations:
        pages = operation.pagination
        if pages is not None:
            facts[f"{operation.method} {operation.path}"] = {
                "operation_id": operation.operation_id,
                "cursor_parameter": pages.cursor_parameter,
                "items_field": pages.items_field,
            }
    return facts


def facts_source(document: Mapping[str, Any]) -> str:
    # JSON of strings only is a valid Jinja expression.
    pagination = json.dumps(pagination_facts(document), sort_keys=True)
    return (
        "{# Written by `attentive spec regen` from the effective spec (template_facts.py); not checked in. #}\n"
        f"{{% set pagination = {pagination} %}}\n"
    )


def templates_with_facts(templates: Path, document: Mapping[str, Any], scratch: Path) -> Path:
    """A copy of ``templates`` in ``scratch`` with ``spec_facts.jinja`` added; the folder to hand the generator."""
    target = scratch / "templates"
    shutil.copytree(templates, target)
    (target / FACTS_TEMPLATE).parent.mkdir(parents=True, exist_ok=True)
    (target / FACTS_TEMPLATE).write_text(facts_source(document), encoding="utf-8")
    return target
