"""Injected faults for reliability tests: reproducible per operation from a fixed seed, changeable at run time."""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass
from typing import Any

from attentive_client.runtime import FieldError

from .request_body import BadRequest
from .settings import FaultConfig, OperationFaults

FIELD_NAMES = {
    "rate429": "rate_429",
    "rate500": "rate_500",
    "rate503": "rate_503",
    "dropRate": "drop_rate",
    "latencyRate": "latency_rate",
    "latencySeconds": "latency_seconds",
    "jobFailureRate": "job_failure_rate",
}
RATES = ("rate429", "rate500", "rate503", "dropRate", "latencyRate", "jobFailureRate")


@dataclass(frozen=True)
class FaultDecision:
    latency_seconds: float = 0.0
    # None, or one of "429", "500", "503", "drop".
    failure: str | None = None


class FaultInjector:
    def __init__(self, config: FaultConfig) -> None:
        self.configure(config)

    def configure(self, config: FaultConfig) -> None:
        self.config = config
        # One generator per operation, so the sequence an operation sees doesn't depend on the traffic to others.
        self._generators: dict[str, random.Random] = {}

    def _generator(self, operation_id: str) -> random.Random:
        generator = self._generators.get(operation_id)
        if generator is None:
            generator = self._generators[operation_id] = random.Random(f"{self.config.seed}:{operation_id}")
        return generator

    def decide(self, operation_id: str) -> FaultDecision:
        faults = self.config.for_operation(operation_id)
        if faults.error_rate == 0 and faults.latency_rate == 0:
            return FaultDecision()
        generator = self._generator(operation_id)
        latency = faults.latency_seconds if generator.random() < faults.latency_rate else 0.0
        draw = generator.random()
        for failure, rate in (
            ("429", faults.rate_429),
            ("500", faults.rate_500),
            ("503", faults.rate_503),
            ("drop", faults.drop_rate),
        ):
            if draw < rate:
                return FaultDecision(latency, failure)
            draw -= rate
        return FaultDecision(latency, None)

    def job_fails(self) -> bool:
        rate = self.config.for_operation("postBulkUserAttributes").job_failure_rate
        return rate > 0 and self._generator("bulk-worker").random() < rate


def faults_to_json(config: FaultConfig) -> dict[str, Any]:
    inverse = {snake: camel for camel, snake in FIELD_NAMES.items()}
    return {
        "seed": config.seed,
        "operations": {
            name: {inverse[key]: value for key, value in asdict(faults).items()}
            for name, faults in config.operations.items()
        },
    }


def faults_from_json(document: Any, known_operations: set[str]) -> FaultConfig:
    """A fault configuration from ``{"seed": 0, "operations": {"<operationId>|*": {"rate500": 0.1, ...}}}``."""
    violations: list[FieldError] = []
    if not isinstance(document, dict):
        raise BadRequest("the fault configuration must be a JSON object")
    violations.extend(
        FieldError(f"/{key}", "additionalProperties", "unknown field; known: seed, operations")
        for key in document
        if key not in ("seed", "operations")
    )
    seed = document.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        violations.append(FieldError("/seed", "type", "must be an integer"))
    operations: dict[str, OperationFaults] = {}
    given = document.get("operations", {})
    if not isinstance(given, dict):
        raise BadRequest("the fault configuration is invalid", [FieldError("/operations", "type", "must be an object")])
    for name, fields in given.items():
        base = f"/operations/{name}"
        if name != "*" and name not in known_operations:
            violations.append(
                FieldError(base, "enum", f"unknown operationId; known: {', '.join(sorted(known_operations))}")
            )
            continue
        if not isinstance(fields, dict):
            violations.append(FieldError(base, "type", "must be an object"))
            continue
        values: dict[str, float] = {}
        for key, value in fields.items():
            if key not in FIELD_NAMES:
                violations.append(
                    FieldError(
                        f"{base}/{key}", "additionalProperties", f"unknown field; known: {', '.join(FIELD_NAMES)}"
                    )
                )
            elif not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value < math.inf:
                # `not 0 <= value < inf` also refuses NaN, which every comparison would let through.
                violations.append(FieldError(f"{base}/{key}", "minimum", "must be a finite number >= 0"))
            elif key in RATES and value > 1:
                violations.append(FieldError(f"{base}/{key}", "maximum", "a rate must be between 0 and 1"))
            else:
                values[FIELD_NAMES[key]] = float(value)
        faults = OperationFaults(**values)
        if faults.error_rate > 1:
            violations.append(FieldError(base, "rates", "rate429 + rate500 + rate503 + dropRate must not exceed 1"))
        operations[name] = faults
    if violations:
        raise BadRequest("the fault configuration is invalid", violations)
    return FaultConfig(seed=seed, operations=operations)
