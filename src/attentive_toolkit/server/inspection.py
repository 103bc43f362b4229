"""``/_sandbox/``: read stored users, jobs and resource items, drive the bulk worker, reset state, change faults,
shift the clock.

A prefix the vendor doesn't use; the client never needs it. Every call needs a token the server accepts (any
scope), and a state-changing call must not be cross-site (see ``security.RequestGuard``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from attentive_client.runtime import FieldError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .faults import faults_from_json, faults_to_json
from .operations import is_stateful
from .request_body import BadRequest, parse_json_body
from .responses import FastJSONResponse, error_response
from .signing import results_url
from .storage import Job

if TYPE_CHECKING:
    from .app import ServerState

USER_FILTERS = ("email", "phone", "clientUserId", "shopifyId", "klaviyoId")


def _state(request: Request) -> ServerState:
    state: ServerState = request.app.state.server
    return state


def _job_json(state: ServerState, request: Request, job: Job) -> dict[str, Any]:
    body: dict[str, Any] = {
        "bulkJobId": job.id,
        "kind": job.kind,
        "status": job.status,
        "totalRecords": job.total_records,
        "resultLines": state.store.result_count(job.id),
        "message": job.message,
        "createdAt": job.created_at,
        "updatedAt": job.updated_at,
        "expired": state.worker.expired(job),
    }
    if job.status == "COMPLETED":
        body["url"] = results_url(request, state.links, job.id)
    return body


async def list_users(request: Request) -> Response:
    state = _state(request)
    unknown = sorted(set(request.query_params) - set(USER_FILTERS))
    if unknown:
        return error_response(400, f"unknown filter(s) {', '.join(unknown)}; use {', '.join(USER_FILTERS)}")
    filters = {key: request.query_params[key] for key in USER_FILTERS if key in request.query_params}
    users = [state.store.user_document(user_id) for user_id in state.store.user_ids(filters)]
    return FastJSONResponse({"users": [user for user in users if user is not None]})


async def list_jobs(request: Request) -> Response:
    state = _state(request)
    return FastJSONResponse({"jobs": [_job_json(state, request, job) for job in state.store.jobs_overview()]})


async def get_job(request: Request) -> Response:
    state = _state(request)
    job = state.store.job(request.path_params["job_id"])
    if job is None:
        return error_response(404, f"no bulk job {request.path_params['job_id']!r}")
    return FastJSONResponse(_job_json(state, request, job))


async def advance_job(request: Request) -> Response:
    """One step of the worker for one job: PENDING -> IN_PROGRESS, or IN_PROGRESS -> COMPLETED/FAILED."""
    state = _state(request)
    job_id = request.path_params["job_id"]
    if state.worker.advance(job_id) is None:
        return error_response(404, f"no bulk job {job_id!r}")
    job = state.store.job(job_id)
    assert job is not None
    return FastJSONResponse(_job_json(state, request, job))


async def run_jobs(request: Request) -> Response:
    """Drive every unfinished job to COMPLETED or FAILED before answering."""
    state = _state(request)
    finished = [state.store.job(job_id) for job_id in state.worker.run_all()]
    return FastJSONResponse({"jobs": [_job_json(state, request, job) for job in finished if job is not None]})


async def custom_attributes(request: Request) -> Response:
    state = _state(request)
    return FastJSONResponse({"custom": state.store.custom_attribute_types()})


async def list_operations(request: Request) -> Response:
    """Every operation the server answers, and how: ``stateful`` (implemented) or ``stateless`` (from the spec)."""
    state = _state(request)
    operations = [
        {
            "operationId": operation.operation_id,
            "method": operation.method.upper(),
            "path": operation.path,
            "mode": "stateful" if is_stateful(operation) else "stateless",
            "rateLimitPerSecond": state.rate_limit(operation),
        }
        for operation in state.operations.values()
    ]
    return FastJSONResponse({"operations": operations})


async def list_resources(request: Request) -> Response:
    """Every item of the spec's resources (``x-attentive-resource``), archived ones included, with its members."""
    return FastJSONResponse({"items": _state(request).resources.items.overview()})


async def reset(request: Request) -> Response:
    """Forget users, attributes, jobs, resource items, rate-limit windows and the clock shift; faults stay as set."""
    _state(request).reset()
    return FastJSONResponse({"reset": True})


async def get_faults(request: Request) -> Response:
    return FastJSONResponse(faults_to_json(_state(request).faults.config))


async def put_faults(request: Request) -> Response:
    state = _state(request)
    try:
        config = faults_from_json(parse_json_body(await request.body()), set(state.operations))
    except BadRequest as exc:
        return error_response(400, exc.summary, exc.violations)
    state.faults.configure(config)
    return FastJSONResponse(faults_to_json(config))


async def get_clock(request: Request) -> Response:
    clock = _state(request).clock
    return FastJSONResponse({"now": clock.iso(), "offsetSeconds": clock.offset.total_seconds()})


async def advance_clock(request: Request) -> Response:
    """``{"advanceSeconds": 1209601}`` moves the server's wall clock forward, e.g. past a job's 14 days."""
    clock = _state(request).clock
    try:
        body = parse_json_body(await request.body())
    except BadRequest as exc:
        return error_response(400, exc.summary, exc.violations)
    seconds = body.get("advanceSeconds") if isinstance(body, dict) else None
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        violation = FieldError("/advanceSeconds", "required", "required: a number of seconds >= 0")
        return error_response(400, "cannot advance the clock", [violation])
    try:
        offset = clock.offset + timedelta(seconds=seconds)
        clock.at(offset)
    except OverflowError:
        violation = FieldError(
            "/advanceSeconds", "maximum", f"{seconds:g} seconds from now is beyond the calendar (year 9999)"
        )
        return error_response(400, "cannot advance the clock", [violation])
    clock.offset = offset
    return FastJSONResponse({"now": clock.iso(), "offsetSeconds": clock.offset.total_seconds()})


def inspection_routes() -> list[BaseRoute]:
    return [
        Route("/_sandbox/operations", list_operations, methods=["GET"]),
        Route("/_sandbox/users", list_users, methods=["GET"]),
        Route("/_sandbox/custom-attributes", custom_attributes, methods=["GET"]),
        Route("/_sandbox/resources", list_resources, methods=["GET"]),
        Route("/_sandbox/jobs", list_jobs, methods=["GET"]),
        Route("/_sandbox/jobs/run", run_jobs, methods=["POST"]),
        Route("/_sandbox/jobs/{job_id}", get_job, methods=["GET"]),
        Route("/_sandbox/jobs/{job_id}/advance", advance_job, methods=["POST"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
        Route("/_sandbox/faults", get_faults, methods=["GET"]),
        Route("/_sandbox/faults", put_faults, methods=["PUT"]),
        Route("/_sandbox/clock", get_clock, methods=["GET"]),
        Route("/_sandbox/clock", advance_clock, methods=["POST"]),
    ]
