"""Find a spec's gaps by rule: the mistakes that make generators and test tools go quietly wrong.

Each finding carries the JSON pointer of the node it is about, so a reviewer can open the spot directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .findings import pointer
from .validity import resolve_local

PROSE_RATE_LIMIT = re.compile(r"Rate Limit:\s*([0-9]+) requests per second")
# The operations of an OpenAPI 3.0 Path Item. The runtime keeps the same tuple (``runtime/spec.py``) for the client;
# spec tooling can't import it from there: ``attentive spec regen`` must run while the generated client it repairs
# is stale or broken. tests/test_one_home.py proves the two equal.
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
COMBINATORS = ("allOf", "anyOf", "oneOf")
# OpenAPI 3.0, Parameter Object: header parameters with these names "SHALL be ignored".
IGNORED_HEADERS = {"accept", "content-type", "authorization"}
# Keywords that say nothing about the shape of a value: a schema made only of these is "anything", on purpose.
ANNOTATIONS = {"description", "example", "title", "deprecated", "externalDocs", "xml"}


@dataclass(frozen=True)
class Finding:
    rule: str
    pointer: str
    message: str

    def line(self) -> str:
        return f"{self.rule:28} {self.pointer}  {self.message}"


def _resolve(document: dict[str, Any], ref: str) -> Any:
    """The node a local ``$ref`` names, or None where it names nothing (or isn't local)."""
    return resolve_local(document, ref)[1] if ref != "#" else None


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                yield path, method, item[method]


def _schemas(document: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any], bool, set[str]]]:
    """Every schema in the document: (location, schema, is a combinator branch, properties declared around it)."""

    def walk(
        node: Any, where: tuple[str | int, ...], branch: bool, around: set[str]
    ) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any], bool, set[str]]]:
        if not isinstance(node, dict) or "$ref" in node:
            return
        yield where, node, branch, around
        declared = around | set(node.get("properties") or {})
        for name, child in (node.get("properties") or {}).items():
            yield from walk(child, (*where, "properties", name), False, set())
        for key in ("items", "additionalProperties", "not"):
            if isinstance(node.get(key), dict):
                yield from walk(node[key], (*where, key), key == "not", declared if key == "not" else set())
        for key in COMBINATORS:
            for index, child in enumerate(node.get(key) or []):
                yield from walk(child, (*where, key, index), True, declared)

    for name, schema in ((document.get("components") or {}).get("schemas") or {}).items():
        yield from walk(schema, ("components", "schemas", name), False, set())
    for path, method, operation in _operations(document):
        base: tuple[str | int, ...] = ("paths", path, method)
        for index, parameter in enumerate(operation.get("parameters") or []):
            yield from walk(parameter.get("schema"), (*base, "parameters", index, "schema"), False, set())
        body = operation.get("requestBody") or {}
        for media, content in (body.get("content") or {}).items():
            yield from walk(content.get("schema"), (*base, "requestBody", "content", media, "schema"), False, set())
        for status, response in (operation.get("responses") or {}).items():
            for media, content in ((response or {}).get("content") or {}).items():
                where = (*base, "responses", status, "content", media, "schema")
                yield from walk(content.get("schema"), where, False, set())


def required_undeclared(document: dict[str, Any]) -> Iterator[Finding]:
    for where, schema, _branch, around in _schemas(document):
        declared = around | set(schema.get("properties") or {})
        for name in schema.get("required") or []:
            if name not in declared:
                yield Finding(
                    "required-undeclared",
                    pointer(*where, "required"),
                    f"{name!r} is required but not among the declared properties (generators drop it)",
                )


def schema_without_type(document: dict[str, Any]) -> Iterator[Finding]:
    shaping = {"type", "$ref", "enum", "not", *COMBINATORS}
    for where, schema, branch, _around in _schemas(document):
        if shaping & schema.keys() or not (schema.keys() - ANNOTATIONS):
            continue
        if branch and "properties" not in schema:
            continue  # a constraint-only branch of a combinator (e.g. anyOf of required lists)
        yield Finding("schema-without-type", pointer(*where), "schema has constraints but no type")


def undeclared_scopes(document: dict[str, Any]) -> Iterator[Finding]:
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    requirements: list[tuple[tuple[str | int, ...], Any]] = [(("security",), document.get("security"))]
    requirements += [(("paths", p, m, "security"), op.get("security")) for p, m, op in _operations(document)]
    for where, requirement_list in requirements:
        for index, requirement in enumerate(requirement_list or []):
            for name, scopes in requirement.items():
                scheme = schemes.get(name)
                if scheme is None:
                    yield Finding(
                        "undeclared-security-scheme", pointer(*where, index, name), f"{name!r} is not defined"
                    )
                    continue
                if scheme.get("type") not in {"oauth2", "openIdConnect"}:
                    continue
                known = {scope for flow in (scheme.get("flows") or {}).values() for scope in flow.get("scopes") or {}}
                for scope in scopes:
                    if scope not in known:
                        yield Finding(
                            "undeclared-oauth-scope",
                            pointer(*where, index, name),
                            f"scope {scope!r} is not declared by the {name!r} scheme's flows",
                        )


def operations_without_4xx(document: dict[str, Any]) -> Iterator[Finding]:
    for path, method, operation in _operations(document):
        statuses = {str(status).upper() for status in operation.get("responses") or {}}
        if not any(status.startswith("4") for status in statuses) and "DEFAULT" not in statuses:
            name = operation.get("operationId", f"{method.upper()} {path}")
            yield Finding(
                "operation-without-4xx",
                pointer("paths", path, method, "responses"),
                f"{name} documents no 4xx response (bad input, auth and rate limits all answer 4xx)",
            )


def ignored_header_parameters(document: dict[str, Any]) -> Iterator[Finding]:
    places: list[tuple[tuple[str, ...], Any]] = [
        (("paths", path), item.get("parameters")) for path, item in (document.get("paths") or {}).items()
    ]
    places += [(("paths", path, method), op.get("parameters")) for path, method, op in _operations(document)]
    for where, parameters in places:
        for index, parameter in enumerate(parameters if isinstance(parameters, list) else []):
            if not isinstance(parameter, dict):
                continue
            if parameter.get("in") == "header" and str(parameter.get("name", "")).lower() in IGNORED_HEADERS:
                yield Finding(
                    "ignored-header-parameter",
                    pointer(*where, "parameters", index),
                    f"header {parameter['name']!r} is ignored by OpenAPI; it belongs to security or content",
                )


def prose_rate_limits(document: dict[str, Any]) -> Iterator[Finding]:
    """A limit the operation's text states ("Default Rate Limit: 100 requests per second") that
    ``x-rate-limit-per-second`` doesn't carry: the client's limiter and the reference server read only the latter."""
    for path, method, operation in _operations(document):
        stated = PROSE_RATE_LIMIT.search(str(operation.get("description") or ""))
        if stated is None:
            continue
        declared = operation.get("x-rate-limit-per-second")
        if declared != int(stated.group(1)):
            name = operation.get("operationId", f"{method.upper()} {path}")
            yield Finding(
                "prose-rate-limit",
                pointer("paths", path, method),
                f"{name}'s text says {stated.group(0)!r} but x-rate-limit-per-second is {declared!r}",
            )


def _link_problems(document: dict[str, Any], link: dict[str, Any], source: dict[str, Any], status: str) -> list[str]:
    by_id = {op.get("operationId"): op for _p, _m, op in _operations(document)}
    target = by_id.get(link.get("operationId")) if "operationId" in link else None
    if "operationRef" in link:
        target = _resolve(document, str(link["operationRef"]))
    if target is None:
        return [f"target operation {link.get('operationId') or link.get('operationRef')!r} does not exist"]
    problems = []
    names = {p.get("name") for p in target.get("parameters") or []}
    response = (source.get("responses") or {}).get(status) or {}
    for name, expression in (link.get("parameters") or {}).items():
        if name not in names:
            problems.append(f"parameter {name!r} is not a parameter of {link.get('operationId')!r}")
        if isinstance(expression, str) and expression.startswith("$response.body#/"):
            field = expression.removeprefix("$response.body#/").split("/")[0]
            schemas = [c.get("schema") or {} for c in (response.get("content") or {}).values()]
            resolved = [_resolve(document, s["$ref"]) if "$ref" in s else s for s in schemas]
            if not any(field in ((s or {}).get("properties") or {}) for s in resolved):
                problems.append(f"{expression!r} names no property of the {status} response body")
    return problems


def dangling_links(document: dict[str, Any]) -> Iterator[Finding]:
    for path, method, operation in _operations(document):
        for status, response in (operation.get("responses") or {}).items():
            for name, link in ((response or {}).get("links") or {}).items():
                link = _resolve(document, link["$ref"]) if "$ref" in link else link
                for problem in _link_problems(document, link or {}, operation, status):
                    yield Finding(
                        "dangling-link", pointer("paths", path, method, "responses", status, "links", name), problem
                    )


def degrading_combinators(document: dict[str, Any]) -> Iterator[Finding]:
    """openapi-python-client 0.29.1 turns an object whose own anyOf/oneOf branches carry only ``required`` into
    ``Any`` without a warning; the same rule wrapped in an ``allOf`` keeps the typed model."""
    for where, schema, _branch, _around in _schemas(document):
        if "properties" not in schema:
            continue
        for key in ("anyOf", "oneOf"):
            branches = schema.get(key) or []
            if branches and all(isinstance(b, dict) and "properties" not in b and "$ref" not in b for b in branches):
                yield Finding(
                    "degrading-combinator",
                    pointer(*where, key),
                    f"{key} of constraint-only branches beside properties: the generator degrades this object to Any",
                )


def dangling_refs(document: dict[str, Any]) -> Iterator[Finding]:
    def walk(node: Any, where: tuple[str | int, ...]) -> Iterator[Finding]:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and _resolve(document, ref) is None:
                yield Finding("dangling-ref", pointer(*where, "$ref"), f"{ref!r} resolves to nothing")
            for key, value in node.items():
                yield from walk(value, (*where, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, (*where, index))

    yield from walk(document, ())


RULES: dict[str, Callable[[dict[str, Any]], Iterator[Finding]]] = {
    "required-undeclared": required_undeclared,
    "undeclared-oauth-scope": undeclared_scopes,
    "schema-without-type": schema_without_type,
    "operation-without-4xx": operations_without_4xx,
    "ignored-header-parameter": ignored_header_parameters,
    "prose-rate-limit": prose_rate_limits,
    "dangling-link": dangling_links,
    "dangling-ref": dangling_refs,
    "degrading-combinator": degrading_combinators,
}


def audit(document: dict[str, Any]) -> list[Finding]:
    """Every gap in ``document``, rule by rule, in document order within each rule."""
    return [finding for rule in RULES.values() for finding in rule(document)]
