"""What the effective spec says about each operation, read once: the one owner of those facts.

The client, the reference server, the bulk importer, the conformance suite and the validating proxy all ask an
``ApiSpec`` rather than reading the document themselves: an operation's id, method and path, its rate limit
(``x-rate-limit-per-second``), the largest request body it takes (``x-max-body-bytes``), its security, its body
validator, and whether a request may be sent again
(``x-attentive-idempotent`` on the operation, ``x-attentive-not-resendable`` on request properties), how a
list pages (``x-attentive-pagination``), and which resource it acts on, and how (``x-attentive-resource``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote

from attrs import frozen

from . import media
from .errors import FieldError, RequestValidationError
from .validation import SchemaCheck

__all__ = ["HTTP_METHODS", "SAFE_METHODS", "ApiSpec", "Operation", "Pagination", "Resource", "ResourceFilter"]

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# Methods that change nothing on the server (RFC 9110 9.2.1, and QUERY by draft-ietf-httpbis-safe-method-w-body),
# lower-case: a request with one may be sent again, probed on a target that must not be written, and needs no CSRF
# check. Idempotent ones leave the same state however often they are sent.
SAFE_METHODS = frozenset({"get", "head", "options", "trace", "query"})
_IDEMPOTENT_METHODS = SAFE_METHODS | {"put", "delete"}
_PATH_PARAMETER = re.compile(r"\{[^}/]*\}")
RATE_LIMIT_EXTENSION = "x-rate-limit-per-second"
MAX_BODY_EXTENSION = "x-max-body-bytes"
IDEMPOTENT_EXTENSION = "x-attentive-idempotent"
NOT_RESENDABLE_EXTENSION = "x-attentive-not-resendable"
PAGINATION_EXTENSION = "x-attentive-pagination"
RESOURCE_EXTENSION = "x-attentive-resource"
RESOURCE_ROLES = frozenset({"create", "read", "update", "delete", "list", "members-add", "members-remove"})
FILTER_MATCHES = frozenset({"equals", "contains", "since"})


@frozen
class Pagination:
    """How a cursor-paginated list pages, as ``x-attentive-pagination`` declares it: the query parameters that take
    the cursor and the page size, the response fields that return the next cursor and say whether more pages
    follow, and the field that holds the page's items (the 200 response's one array property)."""

    cursor_parameter: str
    cursor_field: str
    items_field: str
    limit_parameter: str | None = None
    has_more_field: str | None = None


@frozen
class ResourceFilter:
    """A list's query parameter that filters on an item field: ``equals``, ``contains`` (a substring) or ``since``
    (the field's date-time is at or after the parameter's)."""

    parameter: str
    field: str
    match: str


@frozen
class Resource:
    """What an operation does to a resource, as ``x-attentive-resource`` declares it: the resource's ``name``, the
    operation's ``role`` (create, read, update, delete, list, members-add, members-remove), the ``key`` field of an
    item (also the item path's parameter and, for members, the body field naming the item), a list's ``filters``,
    the body's array of ``members``, and the item fields that record its creation and last change."""

    name: str
    role: str
    key: str
    filters: tuple[ResourceFilter, ...] = ()
    members_field: str | None = None
    created_field: str | None = None
    updated_field: str | None = None


class Operation:
    """One operation of the effective spec. Its validators are compiled on first use, once, thread-safely."""

    def __init__(self, api: ApiSpec, path: str, method: str, definition: Mapping[str, Any]) -> None:
        self._api = api
        self._definition = definition
        self.method = method
        self.path = path
        self.operation_id = str(definition.get("operationId") or f"{method.upper()} {path}")
        # What a request line needs, worked out once: httpx's spelling of the method, and the path as a format
        # string with one numbered slot per path parameter (a name need not be a Python identifier).
        self.http_method = method.upper()
        self.path_parameter_names = tuple(name[1:-1] for name in _PATH_PARAMETER.findall(path))
        self._path_format = "".join(
            literal.replace("{", "{{").replace("}", "}}")
            + (f"{{{slot}}}" if slot < len(self.path_parameter_names) else "")
            for slot, literal in enumerate(_PATH_PARAMETER.split(path))
        )
        rate = definition.get(RATE_LIMIT_EXTENSION)
        self.rate_limit_per_second: float | None = None
        if isinstance(rate, int | float) and not isinstance(rate, bool) and rate > 0:
            self.rate_limit_per_second = float(rate)
        cap = definition.get(MAX_BODY_EXTENSION)
        # The largest request body the server takes, in bytes (None: the spec sets none).
        self.max_body_bytes: int | None = (
            cap if isinstance(cap, int) and not isinstance(cap, bool) and cap > 0 else None
        )
        requirements = definition.get("security", api.document.get("security", []))
        self.security: tuple[dict[str, tuple[str, ...]], ...] = tuple(
            {str(scheme): tuple(scopes) for scheme, scopes in requirement.items()} for requirement in requirements
        )
        # The scopes a token must hold: every scope the operation's requirements name.
        self.scopes = frozenset(
            scope for requirement in self.security for scopes in requirement.values() for scope in scopes
        )
        self.idempotent = bool(definition.get(IDEMPOTENT_EXTENSION, method in _IDEMPOTENT_METHODS))
        request_body = api.resolve(definition.get("requestBody"))
        # The body's media types as the spec lists them; the first one the toolkit can encode is the one sent.
        self.body_media_types: tuple[str, ...] = tuple(_content(request_body))
        self.body_media_type = next((kind for kind in self.body_media_types if media.is_supported(kind)), None)
        self.body_schema = _schema_of(request_body, self.body_media_type)
        self.body_required = bool((request_body or {}).get("required", False))
        self._lock = threading.Lock()
        self._body_check: SchemaCheck | None = None
        self._response_checks: dict[str, SchemaCheck | None] = {}
        self._guards: tuple[tuple[str, ...], ...] | None = None
        self._guards_within: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}

    def __repr__(self) -> str:
        return f"Operation({self.operation_id!r}, {self.method.upper()} {self.path})"

    @property
    def label(self) -> str:
        """``METHOD /path``, as schemathesis and the reports name an operation."""
        return f"{self.method.upper()} {self.path}"

    def request_path(self, path_parameters: Mapping[str, object] | None = None) -> str:
        """The path of a request: each path parameter's value, percent-encoded whole, in its place.

        Raises ``LookupError`` naming a path parameter that has no value.
        """
        if not self.path_parameter_names:
            return self.path
        values = path_parameters or {}
        missing = [name for name in self.path_parameter_names if name not in values]
        if missing:
            raise LookupError(f"{self.operation_id}: no value for path parameter(s) {', '.join(missing)}")
        return self._path_format.format(*(quote(str(values[name]), safe="") for name in self.path_parameter_names))

    @property
    def definition(self) -> Mapping[str, Any]:
        return self._definition

    @property
    def parameters(self) -> list[dict[str, Any]]:
        """Path-level and operation-level parameters, ``$ref``s resolved, the operation's winning on a clash."""
        item = self._api.document["paths"][self.path]
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in [*item.get("parameters", []), *self._definition.get("parameters", [])]:
            parameter = self._api.resolve(raw)
            if isinstance(parameter, dict):
                merged[(str(parameter.get("in")), str(parameter.get("name")))] = parameter
        return list(merged.values())

    # --- request bodies ----------------------------------------------------------------------------------------

    def validate_body(self, body: object) -> list[FieldError]:
        """Every rule ``body`` breaks (JSON pointers into it); empty when it may be sent. Never raises."""
        check = self._body_validator()
        if check is None:
            return []
        if check.is_valid(body):
            return []
        return check.errors(body)

    def check_body(self, body: object, secrets: Iterable[str] = ()) -> None:
        """Raise ``RequestValidationError`` naming every broken rule; nothing has been sent yet."""
        check = self._body_validator()
        if check is None or check.is_valid(body):
            return
        raise RequestValidationError(operation_id=self.operation_id, errors=check.errors(body), secrets=secrets)

    def _body_validator(self) -> SchemaCheck | None:
        if self._body_check is None and self.body_schema is not None:
            with self._lock:
                if self._body_check is None:
                    self._body_check = self._api.schema_check(self.body_schema)
        return self._body_check

    # --- responses ---------------------------------------------------------------------------------------------

    def response(self, status: int) -> dict[str, Any] | None:
        """The documented response for ``status`` (exact code, then ``4XX``-style range, then ``default``)."""
        responses = self._definition.get("responses", {})
        for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
            if key in responses:
                resolved = self._api.resolve(responses[key])
                return resolved if isinstance(resolved, dict) else None
        return None

    def documented_statuses(self) -> list[str]:
        return [str(key) for key in self._definition.get("responses", {})]

    def response_schema(self, status: int) -> dict[str, Any] | None:
        return _json_schema(self.response(status))

    def validate_response(self, status: int, body: object) -> list[FieldError]:
        """Every rule a JSON answer breaks against its documented schema (empty when none is documented)."""
        key = str(status)
        with self._lock:
            if key not in self._response_checks:
                schema = self.response_schema(status)
                self._response_checks[key] = self._api.schema_check(schema) if schema is not None else None
            check = self._response_checks[key]
        if check is None or check.is_valid(body):
            return []
        return check.errors(body)

    # --- pages ----------------------------------------------------------------------------------------------

    @cached_property
    def pagination(self) -> Pagination | None:
        """How this list pages; None unless the spec marks it ``x-attentive-pagination`` and its 200 response has
        exactly one array property to hold the items."""
        declared = self._definition.get(PAGINATION_EXTENSION)
        if not isinstance(declared, Mapping):
            return None
        cursor_parameter, cursor_field = declared.get("cursorParameter"), declared.get("cursorField")
        limit_parameter, has_more_field = declared.get("limitParameter"), declared.get("hasMoreField")
        schema = self._api.resolve(self.response_schema(200))
        properties = schema.get("properties") if isinstance(schema, Mapping) else None
        arrays = [
            str(name)
            for name, node in (properties or {}).items()
            if isinstance(resolved := self._api.resolve(node), Mapping) and resolved.get("type") == "array"
        ]
        if not (isinstance(cursor_parameter, str) and isinstance(cursor_field, str)) or len(arrays) != 1:
            return None
        return Pagination(
            cursor_parameter=cursor_parameter,
            cursor_field=cursor_field,
            items_field=arrays[0],
            limit_parameter=limit_parameter if isinstance(limit_parameter, str) else None,
            has_more_field=has_more_field if isinstance(has_more_field, str) else None,
        )

    # --- resources ------------------------------------------------------------------------------------------

    @cached_property
    def resource(self) -> Resource | None:
        """The resource this operation acts on; None unless ``x-attentive-resource`` declares a known role, a name
        and a key (a malformed filter is left out rather than guessed)."""
        declared = self._definition.get(RESOURCE_EXTENSION)
        if not isinstance(declared, Mapping):
            return None
        name, role, key = declared.get("name"), declared.get("role"), declared.get("key")
        if not (isinstance(name, str) and isinstance(key, str) and role in RESOURCE_ROLES):
            return None
        filters = tuple(
            ResourceFilter(str(found["parameter"]), str(found["field"]), str(found["match"]))
            for found in declared.get("filters") or []
            if isinstance(found, Mapping)
            and isinstance(found.get("parameter"), str)
            and isinstance(found.get("field"), str)
            and found.get("match") in FILTER_MATCHES
        )
        members, created, updated = (declared.get(k) for k in ("members", "createdField", "updatedField"))
        return Resource(
            name=name,
            role=str(role),
            key=key,
            filters=filters,
            members_field=members if isinstance(members, str) else None,
            created_field=created if isinstance(created, str) else None,
            updated_field=updated if isinstance(updated, str) else None,
        )

    # --- sending again -----------------------------------------------------------------------------------------

    def is_resendable(self, body: object = None) -> bool:
        """Whether sending this request again is harmless when nobody can tell if the first one took effect.

        Safe methods are. Operations the spec marks ``x-attentive-idempotent`` are, unless the body carries a
        non-empty value at a property marked ``x-attentive-not-resendable`` (the vendor records a repeated
        subscription again, and for TEXT that can text the person again). Anything else is not.
        """
        if self.method in SAFE_METHODS:
            return True
        if not self.idempotent:
            return False
        return not any(_carries(body, guard) for guard in self.resend_guards())

    def is_item_resendable(self, item: object, *within: str) -> bool:
        """``is_resendable`` for a body that holds only ``item`` at ``within`` (say, one user of a bulk submit at
        ``"users", "*"``), without building that body: a bulk importer asks it of every record."""
        if self.method in SAFE_METHODS:
            return True
        if not self.idempotent:
            return False
        guards = self._guards_within.get(within)
        if guards is None:
            depth = len(within)
            guards = tuple(guard[depth:] for guard in self.resend_guards() if guard[:depth] == within)
            self._guards_within[within] = guards
        # A loop, not any() over a generator: half the cost, asked of every record a bulk import reads.
        for guard in guards:  # noqa: SIM110
            if _carries(item, guard):
                return False
        return True

    def resend_guards(self) -> tuple[tuple[str, ...], ...]:
        """Where in a body a non-empty value makes the request unresendable, as paths (``*``: any array item)."""
        if self._guards is None:
            found: list[tuple[str, ...]] = []
            if self.body_schema is not None:
                self._api.find_marked(self.body_schema, NOT_RESENDABLE_EXTENSION, (), found, set())
            self._guards = tuple(found)
        return self._guards


def _content(holder: Any) -> dict[str, Any]:
    content = holder.get("content") if isinstance(holder, dict) else None
    return content if isinstance(content, dict) else {}


def _schema_of(holder: Any, media_type: str | None) -> dict[str, Any] | None:
    """The schema of ``media_type`` in a request body or response object."""
    if media_type is None:
        return None
    found = _content(holder).get(media_type)
    schema = found.get("schema") if isinstance(found, dict) else None
    return schema if isinstance(schema, dict) else None


def _json_schema(holder: Any) -> dict[str, Any] | None:
    """The JSON (``application/json`` first, else ``+json``) schema of a response object."""
    content = _content(holder)
    kind = media.JSON if media.JSON in content else next((key for key in content if media.is_json(key)), None)
    return _schema_of(holder, kind)


def _carries(node: object, path: tuple[str, ...]) -> bool:
    # A loop down the keys, recursing only at an array: a bulk importer asks this of every record it reads.
    for depth, head in enumerate(path):
        if head == "*":
            rest = path[depth + 1 :]
            return isinstance(node, list) and any(_carries(item, rest) for item in node)
        if not isinstance(node, dict):
            return False
        node = node.get(head)
        if node is None:
            return False
    return node not in (None, "", [], {})


class ApiSpec:
    """The effective spec's operations. Build it once per document and share it: validators are cached in it."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document: dict[str, Any] = dict(document)
        self.openapi_version = str(self.document.get("openapi", "3.0.0"))
        self._components: dict[str, Any] = dict(self.document.get("components") or {})
        self.operations: list[Operation] = [
            Operation(self, path, method, definition)
            for path, item in (self.document.get("paths") or {}).items()
            if isinstance(item, dict)
            for method, definition in item.items()
            if method in HTTP_METHODS and isinstance(definition, dict)
        ]
        self._by_id = {operation.operation_id: operation for operation in self.operations}
        self._by_shape = {
            (operation.method, _PATH_PARAMETER.sub("{}", operation.path)): operation for operation in self.operations
        }

    @property
    def scopes(self) -> frozenset[str]:
        """Every scope the spec names: those its operations require and those its security schemes declare."""
        declared: set[str] = set()
        schemes = (self.document.get("components") or {}).get("securitySchemes") or {}
        for scheme in schemes.values():
            scheme = self.resolve(scheme)
            flows = scheme.get("flows") if isinstance(scheme, dict) else None
            for flow in (flows or {}).values():
                if isinstance(flow, dict) and isinstance(flow.get("scopes"), dict):
                    declared.update(str(scope) for scope in flow["scopes"])
        return frozenset(declared).union(*(operation.scopes for operation in self.operations))

    @classmethod
    def load(cls, path: Path) -> ApiSpec:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> ApiSpec:
        return cls(document)

    def __repr__(self) -> str:
        return f"ApiSpec(OpenAPI {self.openapi_version}, {len(self.operations)} operations)"

    @property
    def max_body_bytes(self) -> int | None:
        """The largest body any operation takes: the cap for a request that addresses no operation."""
        caps = [operation.max_body_bytes for operation in self.operations if operation.max_body_bytes is not None]
        return max(caps) if caps else None

    def operation(self, operation_id: str) -> Operation:
        try:
            return self._by_id[operation_id]
        except KeyError:
            known = ", ".join(sorted(self._by_id))
            raise LookupError(f"no operation {operation_id!r} in the spec (it has {known})") from None

    def find(self, method: str, path: str) -> Operation:
        """The operation at ``method`` and path template ``path`` (as schemathesis names one), its path parameters
        named anything. A generated call names its operation by id instead: see ``operation``."""
        operation = self._by_shape.get((method.lower(), _PATH_PARAMETER.sub("{}", path)))
        if operation is None:
            raise LookupError(f"{method.upper()} {path} is not an operation of the spec")
        return operation

    def match(self, method: str, url_path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation a concrete request path (``/v2/bulk/job/abc``) addresses, and its path parameters."""
        for operation in self.operations:
            if operation.method != method.lower():
                continue
            found = _path_regex(operation.path).fullmatch(url_path)
            if found is not None:
                return operation, found.groupdict()
        return None

    def resolve(self, node: Any) -> Any:
        """``node`` with its own ``$ref`` (to ``#/components/...``) followed, repeatedly; other nodes as they are."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                return None
            seen.add(ref)
            node = self.document
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                node = node.get(part) if isinstance(node, dict) else None
        return node

    def schema_check(self, schema: Mapping[str, Any]) -> SchemaCheck:
        return SchemaCheck(schema, self._components, self.openapi_version)

    def find_marked(
        self, schema: Any, marker: str, where: tuple[str, ...], found: list[tuple[str, ...]], seen: set[str]
    ) -> None:
        """Collect the paths of every property under ``schema`` that carries ``marker`` (``$ref``s followed)."""
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            if schema["$ref"] in seen:
                return
            seen = seen | {schema["$ref"]}
            schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return
        if schema.get(marker) is True and where not in found:
            found.append(where)
        for name, child in (schema.get("properties") or {}).items():
            self.find_marked(child, marker, (*where, str(name)), found, seen)
        if "items" in schema:
            self.find_marked(schema["items"], marker, (*where, "*"), found, seen)
        for keyword in ("allOf", "anyOf", "oneOf"):
            for branch in schema.get(keyword) or []:
                self.find_marked(branch, marker, where, found, seen)


_PATH_REGEX_CACHE: dict[str, re.Pattern[str]] = {}


def _path_regex(path: str) -> re.Pattern[str]:
    pattern = _PATH_REGEX_CACHE.get(path)
    if pattern is None:
        parts = re.split(r"(\{[^}/]+\})", path)
        regex = "".join(
            f"(?P<{re.sub(r'[^0-9A-Za-z_]', '_', part[1:-1])}>[^/]+)" if part.startswith("{") else re.escape(part)
            for part in parts
        )
        pattern = _PATH_REGEX_CACHE[path] = re.compile(regex)
    return pattern
