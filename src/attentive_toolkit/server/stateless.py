"""The spec-driven stateless handler: how the server answers an operation whose behaviour it doesn't implement.

Like Prism's mock mode: the request is checked against the operation (parameters and JSON body), and the answer is
the operation's first documented 2xx response, its body taken from the spec's examples or else built from the
schema, and only ever one that validates against that schema. Auth, scopes, rate limits and faults are applied
around it by the same endpoint wrapper as for the stateful operations (``app.operation_endpoint``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from attentive_client.runtime import ApiSpec, FieldError, Operation, media
from attentive_client.runtime.validation import SchemaCheck
from starlette.requests import Request
from starlette.responses import Response

from .request_body import BadRequest, parse_body
from .responses import FastJSONResponse, error_response

# Strings tried, in order, for a string schema with a pattern and no usable example.
_STRING_CANDIDATES = ("a", "A", "en", "US", "+12025550123", "0", "a1", "example", "")
_FORMAT_STRINGS = {
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "time": "00:00:00Z",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "hostname": "example.com",
}
_MAX_DEPTH = 8


class RequestChecker:
    """The request's parameters and JSON body against the operation, with the runtime's validators (the same
    verdict the client and the bulk importer reach)."""

    def __init__(self, api: ApiSpec) -> None:
        self.api = api
        self._checks: dict[str, SchemaCheck] = {}

    def _check(self, schema: dict[str, Any]) -> SchemaCheck:
        key = json.dumps(schema, sort_keys=True)
        check = self._checks.get(key)
        if check is None:
            check = self._checks[key] = self.api.schema_check(schema)
        return check

    def violations(self, schema: dict[str, Any], value: Any, prefix: str = "") -> list[FieldError]:
        check = self._check(schema)
        if check.is_valid(value):
            return []
        return [FieldError(prefix + error.path, error.rule, error.message) for error in check.errors(value)]

    def is_valid(self, schema: dict[str, Any], value: Any) -> bool:
        return self._check(schema).is_valid(value)

    def body(self, operation: Operation, body: Any) -> None:
        broken = operation.validate_body(body)
        if broken:
            noun = "violation" if len(broken) == 1 else "violations"
            raise BadRequest(f"the request body does not match the schema: {len(broken)} {noun}", broken)

    def parameters(self, operation: Operation, request: Request) -> None:
        violations: list[FieldError] = []
        for parameter in operation.parameters:
            location, name = str(parameter.get("in")), str(parameter.get("name"))
            raw = _raw_value(request, location, name, parameter)
            where = f"{location} parameter {name!r}"
            if raw is None:
                if parameter.get("required") or location == "path":
                    violations.append(FieldError(f"/{location}/{name}", "required", f"{where} is required"))
                continue
            schema = parameter.get("schema")
            if not isinstance(schema, dict):
                continue
            value, problem = media.coerce_text(raw, schema, self.api.resolve)
            if problem:
                violations.append(FieldError(f"/{location}/{name}", "type", f"{where}: {problem}"))
                continue
            violations += self.violations(schema, value, prefix=f"/{location}/{name}")
        if violations:
            noun = "violation" if len(violations) == 1 else "violations"
            raise BadRequest(f"the request parameters do not match the spec: {len(violations)} {noun}", violations)


def _raw_value(request: Request, location: str, name: str, parameter: dict[str, Any]) -> str | list[str] | None:
    if location == "path":
        value = request.path_params.get(name)
        return None if value is None else str(value)
    if location == "query":
        values = request.query_params.getlist(name)
        if not values:
            return None
        schema = parameter.get("schema") or {}
        return values if schema.get("type") == "array" else values[-1]
    if location == "header":
        return request.headers.get(name)
    if location == "cookie":
        return request.cookies.get(name)
    return None


@dataclass(frozen=True)
class CannedAnswer:
    status: int
    body: Any
    has_body: bool
    # Why no answer valid against the documented schema could be built (then the server says so with a 501).
    problem: str = ""


class AnswerBuilder:
    """The answer of each stateless operation, built once: examples first, the schema's shape otherwise."""

    def __init__(self, api: ApiSpec, checker: RequestChecker) -> None:
        self.api = api
        self.validators = checker
        self._answers: dict[str, CannedAnswer] = {}

    def answer(self, operation: Operation) -> CannedAnswer:
        answer = self._answers.get(operation.operation_id)
        if answer is None:
            try:
                answer = self._build(operation)
            except (ValueError, TypeError, RecursionError) as exc:
                # A spec shape the builder doesn't foresee costs that one operation its answer, not the server.
                answer = CannedAnswer(500, None, False, f"cannot build an answer for {operation.operation_id}: {exc}")
            self._answers[operation.operation_id] = answer
        return answer

    def _build(self, operation: Operation) -> CannedAnswer:
        responses = operation.definition.get("responses") or {}
        statuses = sorted(str(status) for status in responses if str(status).startswith("2"))
        if not statuses:
            return CannedAnswer(200, None, False)
        status = statuses[0]
        # A range ("2XX") documents any success: answer its first code.
        code = int(status) if status.isdigit() else 200
        response = self.api.resolve(responses[status]) or {}
        media = _json_media(response.get("content") or {})
        if media is None:
            return CannedAnswer(code, None, False)
        schema = media.get("schema")
        if not isinstance(schema, dict):
            return CannedAnswer(code, media.get("example", {}), True)
        for candidate in self._examples(media, schema):
            if self.validators.is_valid(schema, candidate):
                return CannedAnswer(code, candidate, True)
        built = self.instance(schema, 0)
        if not self.validators.is_valid(schema, built):
            problems = "; ".join(v.message for v in self.validators.violations(schema, built)[:3])
            problem = (
                f"the reference server cannot build an answer valid against the {status} schema of "
                f"{operation.operation_id} ({problems}); add an example to the spec with an overlay"
            )
            return CannedAnswer(code, None, False, problem)
        return CannedAnswer(code, built, True)

    def _examples(self, media: dict[str, Any], schema: dict[str, Any]) -> list[Any]:
        found = []
        if "example" in media:
            found.append(media["example"])
        for example in (media.get("examples") or {}).values():
            example = self.api.resolve(example)
            if isinstance(example, dict) and "value" in example:
                found.append(example["value"])
        resolved = self.api.resolve(schema)
        if isinstance(resolved, dict) and "example" in resolved:
            found.append(resolved["example"])
        return found

    def instance(self, schema: Any, depth: int) -> Any:
        """A value of ``schema``: its example when valid, else the least that satisfies its keywords."""
        schema = self.api.resolve(schema)
        if not isinstance(schema, dict) or depth > 2 * _MAX_DEPTH:
            return {}  # a schema that refers to itself through combinators ends here
        if "example" in schema and self.validators.is_valid(schema, schema["example"]):
            return schema["example"]
        if schema.get("enum"):
            return schema["enum"][0]
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for branch in schema["allOf"]:
                part = self.instance(branch, depth + 1)
                if isinstance(part, dict):
                    merged.update(part)
            own = {key: value for key, value in schema.items() if key != "allOf"}
            if own.get("properties") or own.get("required"):
                own_part = self.instance(own, depth + 1)
                if isinstance(own_part, dict):
                    merged.update(own_part)
            return merged
        for key in ("oneOf", "anyOf"):
            for branch in schema.get(key) or []:
                candidate = self.instance(branch, depth + 1)
                if self.validators.is_valid(branch, candidate):
                    return candidate
        return self._typed(schema, depth)

    def _typed(self, schema: dict[str, Any], depth: int) -> Any:
        kind = schema.get("type") or ("object" if "properties" in schema else None)
        if kind == "object":
            value: dict[str, Any] = {}
            properties = schema.get("properties") or {}
            wanted = list(schema.get("required") or [])
            wanted += [name for name, sub in properties.items() if isinstance(sub, dict) and "example" in sub]
            for name in dict.fromkeys(wanted):
                if depth < _MAX_DEPTH:
                    value[name] = self.instance(properties.get(name, {}), depth + 1)
            return value
        if kind == "array":
            count = int(schema.get("minItems", 0))
            return [self.instance(schema.get("items") or {}, depth + 1) for _ in range(count)]
        if kind == "integer":
            return _least_number(schema, 0)
        if kind == "number":
            return _least_number(schema, 0)
        if kind == "boolean":
            return True
        if kind == "string":
            return self._string(schema)
        return None if schema.get("nullable") else {}

    def _string(self, schema: dict[str, Any]) -> str:
        formatted = _FORMAT_STRINGS.get(str(schema.get("format")))
        minimum = int(schema.get("minLength", 0))
        candidates = ([formatted] if formatted else []) + list(_STRING_CANDIDATES) + ["a" * max(minimum, 1)]
        for candidate in candidates:
            if self.validators.is_valid(schema, candidate):
                return candidate
        return "a" * minimum


def _least_number(schema: dict[str, Any], default: int) -> int | float:
    value: int | float = default
    if "minimum" in schema:
        value = max(value, schema["minimum"]) if schema.get("type") != "integer" else int(schema["minimum"])
        if schema.get("exclusiveMinimum") is True:
            value += 1
    if "maximum" in schema and value > schema["maximum"]:
        value = schema["maximum"] - (1 if schema.get("exclusiveMaximum") is True else 0)
    return value


async def answer_from_spec(
    checker: RequestChecker, builder: AnswerBuilder, operation: Operation, request: Request
) -> Response:
    """Check the request as the spec describes it, then answer with the operation's documented success."""
    checker.parameters(operation, request)
    if operation.body_schema is not None:
        raw = await request.body()
        if raw.strip() or operation.body_required:
            body = parse_body(operation, request.headers.get("content-type"), raw, checker.api.resolve)
            checker.body(operation, body)
    answer = builder.answer(operation)
    if answer.problem:
        return error_response(501, answer.problem)
    if not answer.has_body:
        return Response(status_code=answer.status)
    return FastJSONResponse(answer.body, answer.status)


def _json_media(content: dict[str, Any]) -> dict[str, Any] | None:
    for media_type, found in content.items():
        if media.is_json(media_type):
            return found if isinstance(found, dict) else {}
    return None
