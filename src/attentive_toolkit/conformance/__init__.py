"""The conformance suite's helpers: target and safety decisions, the schemathesis schema, custom checks, run
statistics, the summary and token redaction. The pytest suite itself lives in ``conformance_tests/``."""
