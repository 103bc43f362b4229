"""Resource-shaped operations, inferred from the structure of the paths (overlay gap G42, ``x-update-from``).

A JSONPath query selects nodes but can't relate two paths ("the item path under this collection whose parameter is
a field of what the create returns"), so the overlay action names a derivation and this module computes it. The
rules read only the document's structure, never a resource's or a field's name:

- a *collection* is a path whose ``post`` documents a ``201`` with a JSON object; its *item path* is the one path
  under it that ends in a single parameter naming a property of that object (the *key*), and has a ``get``;
- the item path's ``get``, ``patch`` (or ``put``) and ``delete`` read, update and delete; the collection's ``get``
  lists when its ``200`` object holds exactly one array; query parameters named after an item property filter on
  it (``contains`` when the parameter says "partial match"), ``<property>Since`` on a date-time property keeps
  items changed since then;
- an operation elsewhere whose path holds the collection's last segment and whose JSON body requires the key and
  holds exactly one array adds (``post``, ``put``) or removes (``delete``) that array's entries as members.

Operations that already carry ``x-attentive-resource`` are left as they are: an overlay may correct the inference
by declaring the extension itself before this action runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .validity import resolve_local

RESOURCE_EXTENSION = "x-attentive-resource"
PAGINATION_EXTENSION = "x-attentive-pagination"
_ITEM_METHODS = {"get": "read", "patch": "update", "put": "update", "delete": "delete"}
_MEMBER_METHODS = {"post": "members-add", "put": "members-add", "delete": "members-remove"}
_JSON = "application/json"
# A query parameter named ``<field>Since`` keeps the items whose date-time ``<field>`` is at or after its value.
_SINCE = "Since"


class SchemaReader:
    """Reads request bodies, responses and their schemas, following local ``$ref``s (shared with job_links.py)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    def resolve(self, node: Any) -> Any:
        """``node`` with its own ``$ref`` followed, repeatedly; None for a cycle or a reference to nothing."""
        seen: set[str] = set()
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                return None
            seen.add(ref)
            found, node = resolve_local(self.document, ref)
            if not found:
                return None
        return node

    def json_object(self, holder: Any) -> Mapping[str, Any] | None:
        """The JSON object schema of a request body or response (``$ref``s followed), if it declares properties."""
        holder = self.resolve(holder)
        content = holder.get("content") if isinstance(holder, Mapping) else None
        media = content.get(_JSON) if isinstance(content, Mapping) else None
        schema = self.resolve(media.get("schema")) if isinstance(media, Mapping) else None
        if isinstance(schema, Mapping) and isinstance(schema.get("properties"), Mapping):
            return schema
        return None

    def properties(self, schema: Mapping[str, Any] | None) -> dict[str, Any]:
        if schema is None:
            return {}
        return {str(name): self.resolve(node) for name, node in schema["properties"].items()}

    def arrays(self, schema: Mapping[str, Any] | None) -> list[str]:
        return [
            name
            for name, node in self.properties(schema).items()
            if isinstance(node, Mapping) and node.get("type") == "array"
        ]

    def response_object(self, operation: Any, status: str) -> Mapping[str, Any] | None:
        responses = operation.get("responses") if isinstance(operation, Mapping) else None
        return self.json_object(responses.get(status)) if isinstance(responses, Mapping) else None


def single_parameter(path: str) -> str | None:
    """The name of the one parameter a path template ends in (``/items/{id}`` -> ``id``); None otherwise."""
    last = path.rsplit("/", 1)[-1]
    if path.count("{") == 1 and last.startswith("{") and last.endswith("}"):
        return last[1:-1]
    return None


def _literal_segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part and not part.startswith("{")]


def resource_operations(document: dict[str, Any], location: Sequence[str | int], current: Any) -> dict[str, Any]:
    """At ``paths``: ``{path: {method: {"x-attentive-resource": ...}}}`` for every resource-shaped operation that
    doesn't declare the extension yet."""
    if list(location) != ["paths"] or not isinstance(current, Mapping):
        return {}
    reader = SchemaReader(document)
    update: dict[str, Any] = {}

    def declare(path: str, method: str, declaration: dict[str, Any]) -> None:
        operation = (current.get(path) or {}).get(method)
        if isinstance(operation, Mapping) and RESOURCE_EXTENSION not in operation:
            update.setdefault(path, {})[method] = {RESOURCE_EXTENSION: declaration}

    for collection, item in current.items():
        create = item.get("post") if isinstance(item, Mapping) else None
        created = reader.response_object(create, "201")
        if created is None:
            continue
        found = _item_path(current, collection, reader.properties(created))
        if found is None:
            continue
        item_path, key = found
        segments = _literal_segments(collection)
        if not segments:
            continue
        name = segments[-1]
        item_schema = reader.response_object(current[item_path].get("get"), "200")
        base = {"name": name, "key": key, **_timestamps(reader.properties(item_schema or created))}
        declare(collection, "post", {**base, "role": "create"})
        for method, role in _ITEM_METHODS.items():
            if method in current[item_path] and not (method == "put" and "patch" in current[item_path]):
                declare(item_path, method, {**base, "role": role})
        listing = item.get("get")
        if listing is not None and len(reader.arrays(reader.response_object(listing, "200"))) == 1:
            filters = _filters(reader, listing, reader.properties(item_schema or created))
            declare(collection, "get", {**base, "role": "list", "filters": filters})
        for path, other in current.items():
            if path in (collection, item_path) or name not in _literal_segments(path) or not isinstance(other, Mapping):
                continue
            for method, role in _MEMBER_METHODS.items():
                body = reader.json_object(other.get(method, {}).get("requestBody"))
                arrays = reader.arrays(body)
                if body is not None and key in (body.get("required") or []) and len(arrays) == 1:
                    declare(path, method, {**base, "role": role, "members": arrays[0]})
    return update


def _item_path(paths: Mapping[str, Any], collection: str, created: Mapping[str, Any]) -> tuple[str, str] | None:
    """The one path under ``collection`` ending in a parameter that names a property of the created object."""
    found = []
    for path, item in paths.items():
        parameter = single_parameter(path)
        if (
            path.startswith(collection.rstrip("/") + "/")
            and parameter in created
            and isinstance(item, Mapping)
            and "get" in item
        ):
            found.append((path, str(parameter)))
    return found[0] if len(found) == 1 else None


def _timestamps(properties: Mapping[str, Any]) -> dict[str, str]:
    """The item's date-time properties that record its creation and last change (``created``, ``updatedAt``)."""
    stamps: dict[str, str] = {}
    for name, schema in properties.items():
        if isinstance(schema, Mapping) and schema.get("format") == "date-time":
            for role in ("created", "updated"):
                if name.lower().startswith(role) and role not in stamps:
                    stamps[role] = name
    return {f"{role}Field": name for role, name in stamps.items()}


def _is_date_time(schema: Any) -> bool:
    return isinstance(schema, Mapping) and schema.get("format") == "date-time"


def _filters(reader: SchemaReader, listing: Mapping[str, Any], properties: Mapping[str, Any]) -> list[dict[str, str]]:
    paging = listing.get(PAGINATION_EXTENSION) or {}
    reserved = {paging.get("cursorParameter"), paging.get("limitParameter")}
    filters = []
    for raw in listing.get("parameters") or []:
        parameter = reader.resolve(raw)
        if not isinstance(parameter, Mapping) or parameter.get("in") != "query":
            continue
        name = str(parameter.get("name"))
        if name in reserved:
            continue
        description = str(parameter.get("description") or "").lower()
        if name in properties:
            match = "contains" if "partial match" in description else "equals"
            filters.append({"parameter": name, "field": name, "match": match})
        elif name.endswith(_SINCE) and _is_date_time(properties.get(name.removesuffix(_SINCE))):
            filters.append({"parameter": name, "field": name.removesuffix(_SINCE), "match": "since"})
    return filters


def resource_links(document: dict[str, Any], location: Sequence[str | int], current: Any) -> dict[str, Any]:
    """At ``paths``: on each create's ``201`` (declared ``x-attentive-resource``, inline, not a ``$ref``), an OpenAPI
    link to every item operation of the same resource, passing the key from the created body. Tools that follow
    links (the conformance suite's stateful phase) can then create, read back, update and delete."""
    if list(location) != ["paths"] or not isinstance(current, Mapping):
        return {}
    declared: list[tuple[str, str, Mapping[str, Any], Mapping[str, Any]]] = [
        (path, method, operation, operation[RESOURCE_EXTENSION])
        for path, item in current.items()
        if isinstance(item, Mapping)
        for method, operation in item.items()
        if isinstance(operation, Mapping) and isinstance(operation.get(RESOURCE_EXTENSION), Mapping)
    ]
    update: dict[str, Any] = {}
    for path, method, operation, resource in declared:
        created = (operation.get("responses") or {}).get("201")
        if resource.get("role") != "create" or not isinstance(created, Mapping) or "$ref" in created:
            continue
        key, existing = resource.get("key"), created.get("links") or {}
        links = {
            str(target["operationId"]): _link(target["operationId"], str(declaration["role"]), str(key))
            for _, _, target, declaration in declared
            if declaration.get("name") == resource.get("name")
            and declaration.get("role") in {*_ITEM_METHODS.values(), *_MEMBER_METHODS.values()}
            and isinstance(target.get("operationId"), str)
            and target["operationId"] not in existing
        }
        if links:
            update.setdefault(path, {})[method] = {"responses": {"201": {"links": links}}}
    return update


def _link(operation_id: str, role: str, key: str) -> dict[str, Any]:
    """An item operation takes the key in its path; a member operation in its body."""
    link: dict[str, Any] = {"operationId": operation_id}
    if role.startswith("members"):
        link["requestBody"] = {key: f"$response.body#/{key}"}
        link["description"] = f"The {role} of the item this call created, naming it by its {key} in the body."
    else:
        link["parameters"] = {key: f"$response.body#/{key}"}
        link["description"] = f"The {role} of the item this call created, by its {key}."
    return link
