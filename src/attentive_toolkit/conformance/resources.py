"""A resource's life, as the spec declares it (``x-attentive-resource``, read through the runtime): create an item,
read it back, update it, find it in the list (page by page), archive it, and see it gone. Each step that a target
gets wrong is one problem, in plain words; a target that forgets what it created fails here even when every
answer matches its schema.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from attentive_client.runtime import ApiSpec, Operation

from .documented import fetch_results, wait_for_job

# Pages followed at most while looking for the created item: a target whose cursor never ends is a problem too.
MAX_PAGES = 200
# How long a member change's job may take to finish when the caller doesn't say (the suite passes --job-timeout).
JOB_TIMEOUT = 60.0
_FROM_BODY = "$response.body#/"


@dataclass(frozen=True)
class ResourceOperations:
    name: str
    key: str
    by_role: dict[str, Operation]

    def __getitem__(self, role: str) -> Operation:
        return self.by_role[role]


def declared_resources(api: ApiSpec, chosen: Collection[str] = ()) -> list[ResourceOperations]:
    """Each resource with a create, a read, a list and a delete (the walk below needs all four; an update is
    walked when there is one), among the ``chosen`` operationIds when given (``--operations``)."""
    grouped: dict[str, dict[str, Operation]] = {}
    keys: dict[str, str] = {}
    for operation in api.operations:
        if operation.resource is not None and (not chosen or operation.operation_id in chosen):
            grouped.setdefault(operation.resource.name, {})[operation.resource.role] = operation
            keys[operation.resource.name] = operation.resource.key
    return [
        ResourceOperations(name, keys[name], roles)
        for name, roles in grouped.items()
        if {"create", "read", "list", "delete"} <= set(roles)
    ]


def example_body(api: ApiSpec, operation: Operation) -> dict[str, Any] | None:
    """A body made of the examples the request schema gives its properties, else the schema's own example; None
    when neither makes a body with every required property."""
    schema = api.resolve(operation.body_schema)
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(properties, Mapping):
        return None
    body = {}
    for name, node in properties.items():
        node = api.resolve(node)
        if isinstance(node, Mapping) and "example" in node:
            body[str(name)] = node["example"]
    if not set(schema.get("required") or []) <= set(body):
        # The schema's own example, when its properties' don't make a whole body (a member list has none).
        whole = schema.get("example")
        return copy.deepcopy(dict(whole)) if isinstance(whole, Mapping) else None
    return body


def _changed(api: ApiSpec, operation: Operation, body: dict[str, Any]) -> dict[str, Any]:
    """The update example with its first string changed (when the result still validates): an update that
    changes nothing would prove nothing."""
    for name, value in body.items():
        if isinstance(value, str):
            candidate = {**body, name: value[:-1] + ("X" if not value.endswith("X") else "Y")}
            if not operation.validate_body(candidate):
                return candidate
    return body


def item_path(operation: Operation, key_name: str, key: str) -> str:
    return operation.path.replace("{" + key_name + "}", quote(key, safe=""))


def _pages(client: httpx.Client, operation: Operation) -> Iterator[list[Any]]:
    paging = operation.pagination
    params: dict[str, str] = {}
    for _ in range(MAX_PAGES):
        response = client.get(operation.path, params=params)
        if response.status_code != 200:
            raise AssertionError(f"{operation.label} answered {response.status_code}: {response.text[:300]}")
        body = response.json()
        if paging is None:
            arrays = [value for value in body.values() if isinstance(value, list)] if isinstance(body, dict) else []
            yield arrays[0] if arrays else []
            return
        yield list(body.get(paging.items_field) or [])
        more = body.get(paging.has_more_field) if paging.has_more_field else None
        cursor = body.get(paging.cursor_field)
        if more is False or not cursor:
            return
        params = {paging.cursor_parameter: str(cursor)}
    raise AssertionError(f"{operation.label} still had more pages after {MAX_PAGES}")


def listed_keys(client: httpx.Client, operation: Operation, key_name: str) -> list[Any]:
    return [item.get(key_name) for page in _pages(client, operation) for item in page if isinstance(item, dict)]


def walk(
    client: httpx.Client, api: ApiSpec, resource: ResourceOperations, job_timeout: float = JOB_TIMEOUT
) -> list[str]:
    """Create, read back, update, add and remove members, list, archive, read and list again; the problems found
    (empty: it remembers)."""
    create = resource["create"]
    body = example_body(api, create)
    if body is None:
        return []  # nothing to send that the spec vouches for: schemathesis' own cases still cover the create
    key = f"conformance-{uuid.uuid4().hex[:12]}"
    body[resource.key] = key
    created = client.post(create.path, json=body)
    if not 200 <= created.status_code < 300:
        return [f"{create.label} answered {created.status_code} for the spec's own example: {created.text[:300]}"]
    key = str((created.json() or {}).get(resource.key, key))
    read, path = resource["read"], item_path(resource["read"], resource.key, key)
    problems = []
    found = client.get(path)
    if found.status_code != 200:
        problems.append(f"{read.label} answered {found.status_code} for the item {create.label} just created")
    elif any(found.json().get(name) != value for name, value in body.items() if name in found.json()):
        problems.append(f"{read.label} answered another item than the one created: {found.text[:300]}")
    update = resource.by_role.get("update")
    change = example_body(api, update) if update is not None else None
    if update is not None and change:
        change = _changed(api, update, change)
        updated = client.request(update.method.upper(), item_path(update, resource.key, key), json=change)
        after = client.get(path)
        if updated.status_code >= 300 or after.status_code != 200:
            problems.append(f"{update.label} answered {updated.status_code}, then {read.label} {after.status_code}")
        elif any(after.json().get(name) != value for name, value in change.items()):
            problems.append(f"{read.label} after {update.label} does not show the change {change}: {after.text[:300]}")
    for role in ("members-add", "members-remove"):
        if role in resource.by_role:
            problems += change_members(client, api, resource[role], (resource.key, key), job_timeout)
    if key not in listed_keys(client, resource["list"], resource.key):
        problems.append(f"{resource['list'].label} never lists the item {create.label} created ({resource.key} {key})")
    delete = resource["delete"]
    deleted = client.delete(item_path(delete, resource.key, key))
    if deleted.status_code >= 300:
        return [*problems, f"{delete.label} answered {deleted.status_code} for the item just created"]
    gone = client.get(path)
    if gone.status_code != 404:
        problems.append(f"{read.label} answered {gone.status_code} after {delete.label}; the spec documents 404")
    if key in listed_keys(client, resource["list"], resource.key):
        problems.append(f"{resource['list'].label} still lists the item after {delete.label}")
    return problems


def change_members(
    client: httpx.Client, api: ApiSpec, operation: Operation, key: tuple[str, str], job_timeout: float
) -> list[str]:
    """Add or remove the spec's example members of the item, then follow the answer's link to the job it started
    (overlay G22) until the job ends: it must complete, with one result line per member sent."""
    body = example_body(api, operation)
    members_field = operation.resource.members_field if operation.resource is not None else None
    if body is None or members_field is None:
        return []  # nothing the spec vouches for to send: schemathesis' own cases still cover the operation
    body[key[0]] = key[1]
    answer = client.request(operation.method.upper(), operation.path, json=body)
    if not 200 <= answer.status_code < 300:
        return [f"{operation.label} answered {answer.status_code} for the item just created: {answer.text[:300]}"]
    jobs = job_links(api, operation, answer)
    if not jobs:
        return []  # the spec declares no link from this answer to a job: nothing to follow
    problems = []
    for job_id, path in jobs:
        job = wait_for_job(client, job_id, job_timeout, path)
        results = fetch_results(client, str(client.base_url), job.body["url"]) if job.body.get("url") else None
        if job.status != "COMPLETED":
            problems.append(f"{operation.label} started job {job_id} that ended {job.status}: {job.body}")
        elif results is not None and len(results) != len(body[members_field]):
            sent = len(body[members_field])
            problems.append(f"{operation.label}: job {job_id} has {len(results)} result lines for {sent} members")
    return problems


def job_links(api: ApiSpec, operation: Operation, answer: httpx.Response) -> list[tuple[str, str]]:
    """(job id, path) for each link the spec declares from this answer that passes a field of its body as the one
    parameter of the operation it links to."""
    declared = api.resolve((operation.definition.get("responses") or {}).get(str(answer.status_code))) or {}
    body = answer.json() if answer.content else {}
    found = []
    for link in (declared.get("links") or {}).values():
        parameters = link.get("parameters") or {}
        if len(parameters) != 1 or not isinstance(body, dict):
            continue
        ((name, expression),) = parameters.items()
        field = str(expression).removeprefix(_FROM_BODY)
        if not (str(expression).startswith(_FROM_BODY) and "/" not in field and isinstance(body.get(field), str)):
            continue
        try:
            path = api.operation(str(link.get("operationId"))).request_path({name: body[field]})
        except LookupError:
            continue  # a link to no operation of this spec: the spec audit names it (dangling-link)
        found.append((body[field], path))
    return found
