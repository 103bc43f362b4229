"""Links from every answer that carries a job's id to the operation that reports the job (overlay gap G22,
``x-update-from: job-status-links``).

A JSONPath query can't relate two operations ("this answer's property is the id that operation takes"), so the
overlay action names this derivation. The rules read the document's structure and its own declarations, never an
operation's, a path's or a field's name:

- a *status monitor* is a path that can only be read (a ``get``, no other method) and ends in one parameter, whose
  ``200`` JSON object declares a property of that parameter's name: it reports the job it was asked about;
- a *job submission* is any operation that isn't a ``get`` whose 2xx answer (inline, not a shared ``$ref``) is a
  JSON object with exactly one property declared the way the monitor declares its id: the same schema, description
  included, examples aside. The vendor declares the submit's ``batchJobId`` and the status' ``bulkJobId`` word for
  word alike. A property without a description proves nothing and never matches.

Each submission's answer gets the link ``<OperationId>`` (the monitor's operationId, capitalised) passing that
property as the monitor's parameter. An answer that already links to the monitor is left as is; when no answer
lacks its link the derivation returns None: no node has the gap, the class action waits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .audit import HTTP_METHODS
from .resource_shapes import SchemaReader, single_parameter

# Illustrations: two declarations of one id may give different examples of it.
_ILLUSTRATIONS = frozenset({"example", "examples"})


@dataclass(frozen=True)
class StatusMonitor:
    operation_id: str
    parameter: str
    # The monitor's own declaration of the id, as a submission's answer must declare it.
    declaration: Mapping[str, Any]

    @property
    def link_name(self) -> str:
        return self.operation_id[:1].upper() + self.operation_id[1:]


def _declaration(reader: SchemaReader, node: Any) -> dict[str, Any] | None:
    schema = reader.resolve(node)
    if not isinstance(schema, Mapping) or not str(schema.get("description") or "").strip():
        return None
    return {key: value for key, value in schema.items() if key not in _ILLUSTRATIONS}


def status_monitors(reader: SchemaReader, paths: Mapping[str, Any]) -> list[StatusMonitor]:
    """Every read-only path ending in one parameter whose ``200`` object declares that parameter (with a
    description)."""
    monitors = []
    for path, item in paths.items():
        parameter = single_parameter(str(path))
        if parameter is None or not isinstance(item, Mapping):
            continue
        methods = [method for method in HTTP_METHODS if method in item]
        operation = item.get("get")
        if (
            methods != ["get"]
            or not isinstance(operation, Mapping)
            or not isinstance(operation.get("operationId"), str)
        ):
            continue
        echoed = reader.properties(reader.response_object(operation, "200")).get(parameter)
        declaration = _declaration(reader, echoed)
        if declaration is not None:
            monitors.append(StatusMonitor(operation["operationId"], parameter, declaration))
    return monitors


def _job_id_property(reader: SchemaReader, answer: Any, monitor: StatusMonitor) -> str | None:
    """The one property of ``answer``'s JSON object declared as the monitor's id; None for none or several."""
    found = [
        name
        for name, node in reader.properties(reader.json_object(answer)).items()
        if _declaration(reader, node) == monitor.declaration
    ]
    return found[0] if len(found) == 1 else None


def _links_to_add(reader: SchemaReader, answer: Any, monitors: list[StatusMonitor]) -> dict[str, Any]:
    if not isinstance(answer, Mapping) or "$ref" in answer:
        return {}  # a shared response: a link there would speak for every operation that uses it
    existing = answer.get("links") or {}
    linked = {link.get("operationId") for link in existing.values() if isinstance(link, Mapping)}
    links: dict[str, Any] = {}
    for monitor in monitors:
        field = _job_id_property(reader, answer, monitor)
        if field is None or monitor.operation_id in linked or monitor.link_name in existing:
            continue
        links[monitor.link_name] = {
            "operationId": monitor.operation_id,
            "parameters": {monitor.parameter: f"$response.body#/{field}"},
            "description": f"Poll the job this call started: its {field} is the job's {monitor.parameter}.",
        }
    return links


def job_status_links(document: dict[str, Any], location: Sequence[str | int], current: Any) -> dict[str, Any] | None:
    """At ``paths``: ``{path: {method: {"responses": {status: {"links": ...}}}}}`` for every job submission's answer
    without its link to the status monitor; None when there is none (the gap is not in this document)."""
    if list(location) != ["paths"] or not isinstance(current, Mapping):
        return None
    reader = SchemaReader(document)
    monitors = status_monitors(reader, current)
    update: dict[str, Any] = {}
    for path, item in current.items() if monitors else ():
        if not isinstance(item, Mapping):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if method == "get" or not isinstance(operation, Mapping):
                continue
            for status, answer in (operation.get("responses") or {}).items():
                links = _links_to_add(reader, answer, monitors) if str(status).startswith("2") else {}
                if links:
                    responses = update.setdefault(path, {}).setdefault(method, {}).setdefault("responses", {})
                    responses[status] = {"links": links}
    return update or None
