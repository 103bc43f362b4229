"""Every operation of the effective spec: examples, coverage (boundaries and invalid data) and fuzzing, each
answer checked by every applicable built-in check and by ``rate_limit_headers``.

A failing check does not end the operation (``run_case`` records it and goes on): each operation runs all its
planned cases, and its test then fails listing every distinct failure, each with a curl line and a replay id."""

from __future__ import annotations

from typing import Any

import schemathesis

from attentive_toolkit.conformance.running import run_case
from attentive_toolkit.conformance.schema import session_schema
from attentive_toolkit.conformance.session import current_session

schema = session_schema(current_session())


@schema.parametrize()
def test_operation(case: schemathesis.Case[Any]) -> None:
    run_case(case)
