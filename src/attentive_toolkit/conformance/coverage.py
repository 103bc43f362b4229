"""What a run exercised, per operation: documented statuses seen and never seen, parameters and request body
properties sent, request-schema keywords evaluated (satisfied and violated), and links followed.

Keywords are traced with jsonschema-rs' ``evaluate()``: each sent body yields the list of keywords the validator
evaluated, at their canonical schema location (``$ref``s resolved), each satisfied or violated. A keyword
exercised both ways is the strongest evidence a run can give that the server was tested on that rule."""

from __future__ import annotations

import copy
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import jsonschema_rs
from attentive_client.runtime import ApiSpec
from attentive_client.runtime.validation import openapi30_to_draft4

from ..spec.findings import resolve_pointer
from .operations import declared_links

PARAMETER_LOCATIONS = {"path": "path_parameters", "query": "query", "header": "headers", "cookie": "cookies"}
# Keywords that assert something about a value. Applicators that only hold subschemas (properties, items, $ref)
# are followed, not counted: their own verdict is just the sum of the keywords below them.
ASSERTIONS = frozenset(
    {
        "type", "enum", "const", "format", "pattern", "minLength", "maxLength", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "uniqueItems",
        "minProperties", "maxProperties", "required", "additionalProperties", "anyOf", "oneOf", "allOf", "not",
    }
)  # fmt: skip
SUBSCHEMA_MAPS = ("properties", "patternProperties", "definitions", "$defs")
SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf")
SUBSCHEMA_SINGLE = ("not", "additionalProperties", "additionalItems", "contains", "propertyNames")
# Bodies nest a few levels here; a recursive schema must not make the static walk endless.
MAX_WALK_DEPTH = 32


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def keyword_locations(root: dict[str, Any]) -> list[str]:
    """Every assertion keyword reachable from the root schema, at its canonical location (``$ref`` targets once)."""
    found: list[str] = []
    seen: set[str] = set()

    def walk(node: Any, location: str, depth: int) -> None:
        if not isinstance(node, dict) or depth > MAX_WALK_DEPTH:
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            target = ref[1:]
            if target not in seen:
                seen.add(target)
                walk(resolve_pointer(root, target), target, depth + 1)
        for keyword in node:
            if keyword in ASSERTIONS and not (keyword == "additionalProperties" and node[keyword] is True):
                found.append(f"{location}/{_escape(keyword)}")
        for keyword in SUBSCHEMA_MAPS:
            if keyword != "definitions" and isinstance(node.get(keyword), dict):
                for name, child in node[keyword].items():
                    walk(child, f"{location}/{keyword}/{_escape(name)}", depth + 1)
        for keyword in SUBSCHEMA_LISTS:
            for index, child in enumerate(node.get(keyword) or []):
                walk(child, f"{location}/{keyword}/{index}", depth + 1)
        for keyword in SUBSCHEMA_SINGLE:
            walk(node.get(keyword), f"{location}/{keyword}", depth + 1)
        items = node.get("items")
        if isinstance(items, list):
            for index, child in enumerate(items):
                walk(child, f"{location}/items/{index}", depth + 1)
        else:
            walk(items, f"{location}/items", depth + 1)

    walk(root, "", 0)
    return sorted(set(found))


def property_pointers(root: dict[str, Any]) -> list[str]:
    """Instance pointers of every declared body property: ``/identifiers/email``, ``/users/*/identifiers``."""
    found: set[str] = set()

    def walk(node: Any, pointer: str, depth: int) -> None:
        if not isinstance(node, dict) or depth > MAX_WALK_DEPTH:
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            walk(resolve_pointer(root, ref[1:]), pointer, depth + 1)
        for name, child in (node.get("properties") or {}).items():
            found.add(f"{pointer}/{_escape(name)}")
            walk(child, f"{pointer}/{_escape(name)}", depth + 1)
        for keyword in SUBSCHEMA_LISTS:
            for child in node.get(keyword) or []:
                walk(child, pointer, depth + 1)
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{pointer}/*", depth + 1)

    walk(root, "", 0)
    return sorted(found)


def sent_pointers(body: Any, declared: frozenset[str]) -> set[str]:
    """Declared property pointers present in a sent body (array indexes as ``*``)."""
    found: set[str] = set()
    stack: list[tuple[Any, str, int]] = [(body, "", 0)]
    while stack:
        value, pointer, depth = stack.pop()
        if depth > MAX_WALK_DEPTH:
            continue
        if isinstance(value, dict):
            for key, item in value.items():
                child = f"{pointer}/{_escape(str(key))}"
                if child in declared:
                    found.add(child)
                    stack.append((item, child, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{pointer}/*", depth + 1) for item in value)
    return found


def _status_documented(status: int, documented: list[str]) -> str | None:
    """The response key that documents ``status`` (exact, then ``4XX``, then ``default``)."""
    if str(status) in documented:
        return str(status)
    wildcard = f"{str(status)[0]}XX"
    if wildcard in documented:
        return wildcard
    return "default" if "default" in documented else None


@dataclass
class OperationCoverage:
    operation_id: str
    label: str
    documented_statuses: list[str]
    parameters: list[tuple[str, str]]
    properties: frozenset[str]
    keywords: list[str]
    links: dict[str, str]  # link name -> target operationId, for links declared on this operation's answers
    validator: Any = field(default=None, repr=False)
    statuses: Counter[int] = field(default_factory=Counter)
    parameters_sent: Counter[tuple[str, str]] = field(default_factory=Counter)
    properties_sent: Counter[str] = field(default_factory=Counter)
    keyword_results: dict[str, Counter[bool]] = field(default_factory=dict)
    links_followed: Counter[str] = field(default_factory=Counter)
    bodies: int = 0

    def observe(self, case: Any, status: int) -> None:
        self.statuses[status] += 1
        for location, name in self.parameters:
            container = getattr(case, PARAMETER_LOCATIONS.get(location, ""), None)
            if isinstance(container, dict) and any(str(key).lower() == name.lower() for key in container):
                self.parameters_sent[(location, name)] += 1
        body = getattr(case, "body", None)
        if self.validator is None or not isinstance(body, (dict, list, str, int, float, bool)):
            return
        self.bodies += 1
        for pointer in sent_pointers(body, self.properties):
            self.properties_sent[pointer] += 1
        try:
            details = self.validator.evaluate(body).list()["details"]
        except (ValueError, UnicodeEncodeError, RecursionError):  # not JSON (a lone surrogate): nothing evaluated
            return
        for detail in details:
            location = str(detail.get("schemaLocation", ""))
            if location.rsplit("/", 1)[-1] in ASSERTIONS:
                self.keyword_results.setdefault(location, Counter())[bool(detail.get("valid"))] += 1

    def as_json(self) -> dict[str, Any]:
        seen: dict[str, int] = {}
        undocumented: dict[str, int] = {}
        for status, count in sorted(self.statuses.items()):
            key = _status_documented(status, self.documented_statuses)
            if key is None:
                undocumented[str(status)] = count
            else:
                seen[key] = seen.get(key, 0) + count
        keywords = {
            location: {
                "satisfied": self.keyword_results.get(location, Counter())[True],
                "violated": self.keyword_results.get(location, Counter())[False],
            }
            for location in self.keywords
        }
        return {
            "label": self.label,
            "statuses": {
                "documented": self.documented_statuses,
                "observed": seen,
                "never_observed": [status for status in self.documented_statuses if status not in seen],
                "undocumented_observed": undocumented,
            },
            "parameters": {
                f"{location}.{name}": self.parameters_sent[(location, name)] for location, name in self.parameters
            },
            "body_properties": {pointer: self.properties_sent[pointer] for pointer in sorted(self.properties)},
            "keywords": keywords,
            "links": {
                name: {"target": target, "followed": self.links_followed[name]} for name, target in self.links.items()
            },
            "totals": _totals(self, seen, keywords),
        }


def _ratio(done: int, total: int) -> dict[str, int]:
    return {"covered": done, "total": total}


def _totals(cov: OperationCoverage, seen: dict[str, int], keywords: dict[str, dict[str, int]]) -> dict[str, Any]:
    evaluated = sum(1 for k in keywords.values() if k["satisfied"] or k["violated"])
    both_ways = sum(1 for k in keywords.values() if k["satisfied"] and k["violated"])
    return {
        "statuses": _ratio(len(seen), len(cov.documented_statuses)),
        "parameters": _ratio(sum(1 for key in cov.parameters if cov.parameters_sent[key]), len(cov.parameters)),
        "body_properties": _ratio(sum(1 for p in cov.properties if cov.properties_sent[p]), len(cov.properties)),
        "keywords_evaluated": _ratio(evaluated, len(keywords)),
        "keywords_both_ways": _ratio(both_ways, len(keywords)),
        "links": _ratio(sum(1 for name in cov.links if cov.links_followed[name]), len(cov.links)),
    }  # fmt: skip


class CoverageRecorder:
    """Thread-safe: schemathesis may validate answers from several threads."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._lock = threading.Lock()
        self.operations: dict[str, OperationCoverage] = {}
        self._by_label: dict[str, OperationCoverage] = {}
        # The runtime owns what an operation declares; this module only traces what a run did with it.
        api = ApiSpec.from_document(document)
        components = openapi30_to_draft4(copy.deepcopy(document.get("components") or {}))
        draft4 = api.openapi_version.startswith("3.0")
        for operation in api.operations:
            root: dict[str, Any] | None = None
            validator = None
            if operation.body_schema is not None:
                root = {**openapi30_to_draft4(copy.deepcopy(operation.body_schema)), "components": components}
                kind = jsonschema_rs.Draft4Validator if draft4 else jsonschema_rs.Draft202012Validator
                validator = kind(root, validate_formats=True)
            coverage = OperationCoverage(
                operation_id=operation.operation_id,
                label=operation.label,
                documented_statuses=operation.documented_statuses(),
                parameters=[(str(p.get("in")), str(p.get("name"))) for p in operation.parameters],
                properties=frozenset(property_pointers(root) if root else ()),
                keywords=keyword_locations(root) if root else [],
                links=declared_links(operation.definition, api),
                validator=validator,
            )
            self.operations[coverage.operation_id] = coverage
            self._by_label[coverage.label] = coverage

    def observe(self, case: Any, status: int) -> None:
        """One answered case (any phase). Probes with a method the spec doesn't declare count for nothing."""
        coverage = self._by_label.get(str(case.operation.label))
        if coverage is None or str(case.method).upper() != coverage.label.split(" ", 1)[0]:
            return
        with self._lock:
            coverage.observe(case, status)

    def link_followed(self, transition: str) -> None:
        """``transition`` is schemathesis' id of a followed link: ``POST /a -> [202] LinkName -> GET /b/{id}``."""
        with self._lock:
            for coverage in self.operations.values():
                if not transition.startswith(f"{coverage.label} -> "):
                    continue
                for name in coverage.links:
                    if f"] {name} -> " in transition:
                        coverage.links_followed[name] += 1

    def report(self, operation_ids: list[str] | None = None) -> dict[str, Any]:
        with self._lock:
            return {
                operation_id: coverage.as_json()
                for operation_id, coverage in self.operations.items()
                if operation_ids is None or operation_id in operation_ids
            }
