"""The operations the effective spec declares resource-shaped (``x-attentive-resource``, read through the runtime's
``Operation.resource``): create, read, update, archive, list with filters and cursor pages, member add/remove.

Nothing here knows a resource's name or fields: the declaration names the key, the filters, the members' array and
the timestamp fields, and every answer is cut to the properties its documented schema declares. Auth, rate limits
and faults are applied around these handlers by ``app.operation_endpoint``, as for every operation.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from attentive_client.runtime import FieldError, Operation
from attentive_client.runtime.spec import Resource, ResourceFilter
from starlette.requests import Request
from starlette.responses import Response

from .clock import SandboxClock
from .member_jobs import member_job_request
from .request_body import BadRequest, parse_body
from .resource_store import Item, ResourceStore
from .responses import FastJSONResponse
from .signing import LinkSigner
from .storage import Store

if TYPE_CHECKING:
    from .app import ServerState

# How long a list's cursor stays valid, on the sandbox clock (shift it through /_sandbox/clock to see one expire).
CURSOR_LIFETIME = timedelta(hours=1)
# A list's page size when the request names none and the limit parameter documents no default.
DEFAULT_PAGE_SIZE = 20


class Resources:
    """The resources' items and the signer of their list cursors; one per server."""

    def __init__(self, store: Store, clock: SandboxClock, secret: bytes | None) -> None:
        self.items = ResourceStore(store)
        self.clock = clock
        # A cursor is a signed, expiring "after this position, for this query": tampering or age gets a 400.
        self.cursors = LinkSigner(secret, clock, CURSOR_LIFETIME)

    def cursor(self, query: str, position: int) -> str:
        subject = f"{query}\n{position}"
        signed = self.cursors.sign(subject)
        payload = {"p": position, "e": signed["expires"], "s": signed["signature"]}
        return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")

    def position_of(self, query: str, cursor: str, parameter: str) -> int:
        where = f"/query/{parameter}"
        try:
            payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            position, expires, signature = payload["p"], payload["e"], payload["s"]
        except (ValueError, TypeError, KeyError, binascii.Error):
            raise BadRequest(
                "the cursor is not one this server issued", [FieldError(where, "cursor", "unreadable")]
            ) from None
        if not isinstance(position, int) or not isinstance(expires, str) or not isinstance(signature, str):
            raise BadRequest("the cursor is not one this server issued", [FieldError(where, "cursor", "unreadable")])
        check = self.cursors.check(f"{query}\n{position}", expires, signature)
        if not check.ok:
            message = "the cursor has expired or was altered, or belongs to another query; list again from the start"
            raise BadRequest(message, [FieldError(where, "cursor", "expired, altered or from another query")])
        return position


def _schema_of(state: ServerState, operation: Operation, status: int) -> Mapping[str, Any] | None:
    schema = state.api.resolve(operation.response_schema(status))
    return schema if isinstance(schema, Mapping) else None


def _project(state: ServerState, schema: Any, document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` cut to the properties ``schema`` declares (all of it when the schema lists none)."""
    schema = state.api.resolve(schema)
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(properties, Mapping):
        return dict(document)
    return {name: value for name, value in document.items() if name in properties}


def _success_status(operation: Operation) -> int:
    codes = sorted(int(code) for code in operation.documented_statuses() if code.isdigit() and code.startswith("2"))
    return codes[0] if codes else 200


def _answer(state: ServerState, operation: Operation, document: Mapping[str, Any]) -> Response:
    status = _success_status(operation)
    schema = _schema_of(state, operation, status)
    if schema is None:
        return Response(status_code=status)
    return FastJSONResponse(_project(state, schema, document), status)


async def _body(state: ServerState, operation: Operation, request: Request) -> dict[str, Any]:
    body = parse_body(operation, request.headers.get("content-type"), await request.body(), state.api.resolve)
    state.checker.body(operation, body)
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    return body


def _not_found(state: ServerState, operation: Operation, resource: Resource, key: str) -> Response:
    message = f"no {resource.name} item with {resource.key} {key!r} (never created, or archived)"
    return state.errors.response(operation, 404, message)


def _stamp(resource: Resource, document: dict[str, Any], now: str, *, created: bool) -> dict[str, Any]:
    if created and resource.created_field:
        document[resource.created_field] = now
    if resource.updated_field:
        document[resource.updated_field] = now
    return document


async def create(state: ServerState, operation: Operation, resource: Resource, request: Request) -> Response:
    state.checker.parameters(operation, request)
    body = await _body(state, operation, request)
    # The key is the client's when it sends one; otherwise the server makes one up, as the vendor does.
    key = body.get(resource.key)
    if not isinstance(key, str):
        key = uuid.uuid4().hex
    if "/" in key or key in (".", ".."):
        # The key names the item in its path: one that can't be a path segment could never be read back.
        violation = FieldError(
            f"/{resource.key}", "path-segment", "must be usable as one path segment (no '/', not '.' or '..')"
        )
        raise BadRequest(f"{resource.key} {key!r} cannot name an item", [violation])
    document = _stamp(resource, {**body, resource.key: key}, state.clock.iso(), created=True)
    if state.resources.items.create(resource.name, key, document) is None:
        # 409 where the spec documents it; otherwise the 400 it documents for a request it refuses.
        status = 409 if "409" in operation.documented_statuses() else 400
        violation = FieldError(
            f"/{resource.key}", "unique", f"{resource.name} {key!r} exists already (archived items included)"
        )
        return state.errors.response(operation, status, f"{resource.key} {key!r} is taken", [violation])
    return _answer(state, operation, document)


def _path_key(request: Request, resource: Resource) -> str:
    return str(request.path_params.get(resource.key, ""))


def _live_item(
    state: ServerState, operation: Operation, resource: Resource, request: Request
) -> tuple[str, Item] | Response:
    """The item the request's path names, or the 404 for one that is unknown or archived."""
    state.checker.parameters(operation, request)
    key = _path_key(request, resource)
    item = state.resources.items.get(resource.name, key)
    if item is None or item.archived:
        return _not_found(state, operation, resource, key)
    return key, item


async def read(state: ServerState, operation: Operation, resource: Resource, request: Request) -> Response:
    found = _live_item(state, operation, resource, request)
    if isinstance(found, Response):
        return found
    return _answer(state, operation, found[1].document)


def _stamps_of(resource: Resource, document: Mapping[str, Any]) -> dict[str, Any]:
    fields = (resource.created_field, resource.updated_field)
    return {name: value for name, value in document.items() if name in fields}


async def update(state: ServerState, operation: Operation, resource: Resource, request: Request) -> Response:
    found = _live_item(state, operation, resource, request)
    if isinstance(found, Response):
        return found
    key, item = found
    body = await _body(state, operation, request)
    # PATCH changes only the fields sent, PUT replaces the body; the key names the item and stays, as do the stamps.
    kept = item.document if operation.method == "patch" else _stamps_of(resource, item.document)
    document = _stamp(resource, {**kept, **body, resource.key: key}, state.clock.iso(), created=False)
    state.resources.items.replace(resource.name, key, document)
    return _answer(state, operation, document)


async def delete(state: ServerState, operation: Operation, resource: Resource, request: Request) -> Response:
    found = _live_item(state, operation, resource, request)
    if isinstance(found, Response):
        return found
    key, item = found
    document = _stamp(resource, dict(item.document), state.clock.iso(), created=False)
    state.resources.items.archive(resource.name, key, document)
    return _answer(state, operation, document)


def _matches(item: Item, wanted: list[tuple[ResourceFilter, str]]) -> bool:
    for found, value in wanted:
        field = item.document.get(found.field)
        if found.match == "equals" and field != value:
            return False
        if found.match == "contains" and not (isinstance(field, str) and value.casefold() in field.casefold()):
            return False
        if found.match == "since" and not (isinstance(field, str) and _instant(field) >= _instant(value)):
            return False
    return True


def _instant(text: str) -> datetime:
    # A date-time without an offset is read as UTC, the server's own clock, whatever the machine's zone.
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _limit(operation: Operation, request: Request, parameter: str | None) -> int | None:
    if parameter is None:
        return None
    raw = request.query_params.get(parameter)
    if raw is not None:
        return int(raw)  # the parameter's schema already passed: an integer within its bounds
    for declared in operation.parameters:
        if declared.get("name") == parameter and declared.get("in") == "query":
            default = (declared.get("schema") or {}).get("default")
            if isinstance(default, int) and not isinstance(default, bool) and default > 0:
                return default
    return DEFAULT_PAGE_SIZE


async def list_items(state: ServerState, operation: Operation, resource: Resource, request: Request) -> Response:
    state.checker.parameters(operation, request)
    wanted = [
        (found, request.query_params[found.parameter])
        for found in resource.filters
        if found.parameter in request.query_params
    ]
    for found, value in wanted:
        if found.match == "since":
            try:
                _instant(value)
            except ValueError:
                where = f"/query/{found.parameter}"
                raise BadRequest(
                    f"{found.parameter} is not a date-time", [FieldError(where, "format", value)]
                ) from None
    # A cursor answers the query it was issued for: the same operation and filters.
    query = json.dumps([operation.operation_id, sorted((f.parameter, v) for f, v in wanted)])
    schema = _schema_of(state, operation, 200) or {}
    paging = operation.pagination
    after = 0
    if paging is not None and (cursor := request.query_params.get(paging.cursor_parameter)) is not None:
        after = state.resources.position_of(query, cursor, paging.cursor_parameter)
    limit = _limit(operation, request, paging.limit_parameter) if paging is not None else None
    matching = [item for item in state.resources.items.visible_after(resource.name, after) if _matches(item, wanted)]
    page = matching if limit is None else matching[:limit]
    more = len(page) < len(matching)
    items_field = paging.items_field if paging is not None else _array_property(state, schema)
    items_schema = state.api.resolve((schema.get("properties") or {}).get(items_field) or {})
    body: dict[str, Any] = {items_field: [_project(state, items_schema.get("items"), item.document) for item in page]}
    if paging is not None:
        if more:
            body[paging.cursor_field] = state.resources.cursor(query, page[-1].position)
        elif (state.api.resolve((schema.get("properties") or {}).get(paging.cursor_field)) or {}).get("nullable"):
            body[paging.cursor_field] = None
        if paging.has_more_field:
            body[paging.has_more_field] = more
    return FastJSONResponse(body, 200)


def _array_property(state: ServerState, schema: Mapping[str, Any]) -> str:
    for name, node in (schema.get("properties") or {}).items():
        if (state.api.resolve(node) or {}).get("type") == "array":
            return str(name)
    return "items"


async def change_members(state: ServerState, operation: Operation, resource: Resource, request: Request) -> Response:
    """Queue the change as a bulk job (the spec: "queued for asynchronous processing", a job id "to check status via"
    the job status operation); the item must exist now, and the job reports each member's outcome when it runs."""
    state.checker.parameters(operation, request)
    body = await _body(state, operation, request)
    key = str(body.get(resource.key, ""))
    item = state.resources.items.get(resource.name, key)
    if item is None or item.archived:
        return _not_found(state, operation, resource, key)
    members = body.get(resource.members_field or "")
    members = members if isinstance(members, list) else []
    job_id = state.worker.submit(member_job_request(resource.name, key, members), len(members), resource.role)
    message = f"accepted {len(members)} member(s) of {resource.name} {key!r} as bulk job {job_id}"
    return _answer(state, operation, {"batchJobId": job_id, "message": message})


RoleHandler = Callable[["ServerState", Operation, Resource, Request], Awaitable[Response]]
ROLES: dict[str, RoleHandler] = {
    "create": create,
    "read": read,
    "update": update,
    "delete": delete,
    "list": list_items,
    "members-add": change_members,
    "members-remove": change_members,
}


def resource_of(operation: Operation) -> Resource | None:
    """The operation's resource when the server can keep its state (a role it implements)."""
    resource = operation.resource
    if resource is None or resource.role not in ROLES:
        return None
    if resource.role.startswith("members") and resource.members_field is None:
        return None
    return resource


async def resource_operation(state: ServerState, operation: Operation, request: Request) -> Response:
    resource = resource_of(operation)
    assert resource is not None  # routed here only when resource_of() said so
    return await ROLES[resource.role](state, operation, resource, request)
