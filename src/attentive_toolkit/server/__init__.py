"""A stateful reference server for the Attentive API V2, driven by the effective spec.

Interface (stable; other areas build on it):

- ``settings.ServerSettings``: tokens (token -> scopes; default None:
  ``{"dev-token": every scope the effective spec names}``, ``ApiSpec.scopes``), ``db_path``
  (None: in memory), ``job_pace_seconds`` (0 by default), ``run_jobs_in_background`` (False: jobs move only when
  driven), ``rate_limits`` (operationId -> per second, overriding the spec's ``x-rate-limit-per-second``),
  ``faults`` (``FaultConfig(seed, {operationId or "*": OperationFaults(rate_429, rate_500, rate_503, drop_rate,
  latency_rate, latency_seconds, job_failure_rate)})``), ``company`` (what ``GET /v2/me`` answers),
  ``sign_up_units`` (API sign-up units for locale resolution), ``clock`` / ``monotonic`` / ``sleep`` (injectable
  time, so tests never wait); limits and guards (docs/server-security.md):
  ``max_body_bytes`` (None: the spec's ``x-max-body-bytes``),
  ``header_timeout_seconds``, ``body_timeout_seconds``, ``max_connections``, ``shutdown_timeout_seconds``,
  ``allowed_hosts`` (Host names besides loopback ones), ``results_link_lifetime``, ``link_secret``.
- ``app.create_app(settings=None)``: the ASGI app (in process: ``httpx.AsyncClient(transport=httpx.ASGITransport(
  app))``); ``app.state.server`` gives the store, worker, limiter and faults.
- ``runner.running_server(settings=None, host="127.0.0.1", port=0)``: context manager yielding the base URL of
  uvicorn running the app in a background thread; a non-loopback host raises ``security.NotLoopback``.
- ``attentive serve --port PORT [--token TOKEN[=SCOPE,...] ...] [--db PATH] [--job-pace S] [--fault ...]
  [--max-body-bytes N] [--header-timeout S] [--body-timeout S] [--max-connections N] [--shutdown-timeout S]
  [--allowed-host NAME ...]``; SIGTERM/SIGINT stop it gracefully with exit status 0.

Vendor operations with implemented behaviour (stateful): ``GET /v2/me``, ``POST /v2/user/attributes``,
``POST /v2/bulk/user/attributes``, ``GET /v2/bulk/job/{bulkJobId}``. Every other operation of the effective spec
is answered statelessly from the spec (``stateless.py``): auth and scopes, parameters and body checked, the first
2xx answer from the spec's examples or built from its schema. Job results (JSON Lines):
``GET /_files/bulk-results/{id}.jsonl?expires=&signature=``, a signed link that works without a token until it
expires (403 after). Resource-shaped operations (``x-attentive-resource``) keep state too (``resources.py``); a
member add/remove is a bulk job like a users one (``member_jobs.py``). OAuth codes and the tokens they become are
kept in the store (``oauth_store.py``), so ``db_path`` keeps them across a restart.

Every request needs a loopback ``Host`` (or an allowed one; 421 otherwise). Inspection API (a bearer token the
server accepts, any scope; state-changing calls refuse a foreign ``Origin`` and form content types):

- ``GET /_sandbox/operations`` -> ``{"operations": [{operationId, method, path, mode: "stateful"|"stateless",
  rateLimitPerSecond}]}``
- ``GET /_sandbox/users[?email=|phone=|clientUserId=|shopifyId=|klaviyoId=]`` -> ``{"users": [{id, identifiers,
  attributes, subscriptions, createdAt, updatedAt}]}``
- ``GET /_sandbox/custom-attributes`` -> ``{"custom": {name: type}}``
- ``GET /_sandbox/jobs``, ``GET /_sandbox/jobs/{id}`` -> job with kind (``users``, or a resource's ``members-add``
  / ``members-remove``), status, totalRecords, resultLines, message, url
- ``POST /_sandbox/jobs/{id}/advance`` (one worker step), ``POST /_sandbox/jobs/run`` (finish every job now)
- ``POST /_sandbox/reset`` (forget all state; faults stay)
- ``GET /_sandbox/faults``, ``PUT /_sandbox/faults`` with ``{"seed": 0, "operations": {"postUserAttributes":
  {"rate429": 0.1, "rate500": 0, "rate503": 0, "dropRate": 0, "latencyRate": 0, "latencySeconds": 0}}}``
- ``GET /_sandbox/clock``, ``POST /_sandbox/clock`` with ``{"advanceSeconds": N}`` (see jobs expire after 14 days)

Errors: ``{"status", "error", "message", "errors": [{"pointer", "message"}]}`` (``errors`` on 400 only).
"""
