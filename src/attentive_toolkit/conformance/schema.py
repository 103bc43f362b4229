"""The schemathesis schema for a run: the effective spec, the session's target, auth for both security schemes,
every phase, every applicable built-in check plus ours, a fixed seed, and no writes where the policy forbids."""

from __future__ import annotations

import copy
from typing import Any

import schemathesis
from attentive_client.runtime import ApiSpec
from attentive_client.runtime.spec import SAFE_METHODS
from schemathesis.schemas import BaseSchema

from ..spec.effective import load_effective_spec
from . import checks as _custom_checks  # noqa: F401  (importing registers the checks)
from . import oauth_codes
from .operations import operation_ids, resource_operations
from .safety import WRITE_METHODS
from .session import ConformanceSession

# Built-in checks that apply to this API. `use_after_free` and `ensure_resource_availability` follow the links
# from a create to its item (overlay G42): a target that forgets what it created fails them. Left out:
# `object_level_authorization` needs two identities, `max_response_time` needs a budget the
# vendor doesn't publish. `unsupported_method` and `allow_header_conformance` are left on: they probe methods
# the spec doesn't declare.
BUILTIN_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "positive_data_acceptance",
    "negative_data_rejection",
    "missing_required_header",
    "ignored_auth",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
)
DISABLED_CHECKS = ("object_level_authorization",)
CUSTOM_CHECKS = ("rate_limit_headers",)
# The vendor documents rules for the single upsert that its schema can't carry, so schema-valid data may get a 400:
# a custom attribute keeps the type of its first value, a subscription without signUpSourceId needs a locale and
# type that match exactly one sign-up unit, at most 100 custom attributes exist. Accepting 400 there keeps
# `positive_data_acceptance` honest everywhere else; the success gate still demands 2xx answers.
POSITIVE_DATA_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
BUSINESS_RULE_OPERATIONS = {"postUserAttributes": [*POSITIVE_DATA_STATUSES, "400"]}
# Refusals schema-valid data can't avoid, each a 400 the spec documents: a create whose key is taken, a list given a
# cursor the target never issued (any string is schema-valid).
RULE_STATUSES = [*POSITIVE_DATA_STATUSES, "400"]
STATEFUL_MAX_STEPS = 6
# The safe methods the coverage phase probes on a target that must not be written: all but those schemathesis
# can't send as an undeclared method (4.32.5's `unexpected-methods` takes GET PUT POST DELETE OPTIONS PATCH TRACE
# QUERY, no HEAD).
NOT_PROBED_BY_SCHEMATHESIS = frozenset({"head"})


def config_document(session: ConformanceSession) -> dict[str, Any]:
    """The schemathesis configuration, as the dict its TOML file would hold."""
    options = session.options
    document: dict[str, Any] = {
        "seed": options.seed,
        "base-url": session.base_url,
        "generation": {
            "mode": "all",
            "max-examples": options.max_examples,
            # The example database would replay earlier failures and make runs differ from one another.
            "database": "none",
        },
        "phases": {
            "examples": {"enabled": "examples" in options.phases},
            "coverage": {"enabled": "coverage" in options.phases},
            "fuzzing": {"enabled": "fuzzing" in options.phases},
            "stateful": {"enabled": "stateful" in options.phases, "max-steps": STATEFUL_MAX_STEPS},
        },
        "checks": {
            **{name: {"enabled": True} for name in BUILTIN_CHECKS},
            **{name: {"enabled": False} for name in DISABLED_CHECKS},
        },
        "auth": {
            # An operation with its own `security` (OAuthFlow) is sent no token unless that scheme is set too.
            "openapi": {
                "bearerAuth": {"bearer": session.api_token},
                "OAuthFlow": {"bearer": session.oauth_token},
            }
        },
        "operations": [
            {
                "include-operation-id": operation_id,
                "checks": {"positive_data_acceptance": {"expected-statuses": statuses}},
            }
            for operation_id, statuses in {**BUSINESS_RULE_OPERATIONS, **resource_rules()}.items()
        ],
        "request-timeout": 30,
        # Schemathesis' sanitizer replaces any field named like `key` or `token` with `[Filtered]`, so a curl line
        # would not reproduce the case (customIdentifiers carry a `key`). The suite redacts the real secrets itself.
        "output": {"sanitization": {"enabled": False}},
    }
    if options.bulk_job_id:
        document["operations"].append(
            {"include-operation-id": "getBulkJobStatus", "parameters": {"path.bulkJobId": options.bulk_job_id}}
        )
    if not session.policy.writes_allowed:
        # Both probe undeclared methods such as DELETE and PUT: writes, as far as a production API is concerned.
        document["checks"]["unsupported_method"] = {"enabled": False}
        document["phases"]["coverage"]["unexpected-methods"] = sorted(SAFE_METHODS - NOT_PROBED_BY_SCHEMATHESIS)
    if session.policy.rate_limit:
        document["rate-limit"] = session.policy.rate_limit
    return document


def resource_rules() -> dict[str, list[str]]:
    return {
        operation.operation_id: RULE_STATUSES
        for operation in resource_operations()
        if operation.resource is not None and (operation.resource.role == "create" or operation.pagination)
    }


def session_schema(session: ConformanceSession) -> BaseSchema:
    """The one schema every test module of a run shares (so they share its statistics hook)."""
    if session.schema is None:
        session.schema = build_schema(session)
    schema: BaseSchema = session.schema
    return schema


def build_schema(session: ConformanceSession) -> BaseSchema:
    config = schemathesis.Config.from_dict(config_document(session))
    document = load_effective_spec()
    schema: BaseSchema = schemathesis.openapi.from_dict(copy.deepcopy(document), config=config)
    schema.hooks.register_hook_with_name(_recorder(session), "after_validate")
    oauth_codes.install(session, ApiSpec.from_document(document))
    if session.options.operations:  # every one known: options.resolve_options refuses an unknown one
        # `include` is ignored once the config has per-operation sections (schemathesis 4.32.5); `exclude` works.
        left_out = [operation_id for operation_id in operation_ids() if operation_id not in session.options.operations]
        if left_out:
            schema = schema.exclude(operation_id=left_out)
    if not session.policy.writes_allowed:
        schema = schema.exclude(method=sorted(WRITE_METHODS))
    return schema


def _recorder(session: ConformanceSession) -> Any:
    def after_validate(context: Any, case: Any, response: Any, results: list[Any]) -> None:
        session.stats.record(case, response, results)
        if session.pacing is not None:
            operation = case.operation
            # schemathesis keeps each header as a list of its values.
            headers = {str(name).lower(): values[0] for name, values in response.headers.items() if values}
            session.pacing.observe(operation.method, operation.path, int(response.status_code), headers)

    return after_validate
