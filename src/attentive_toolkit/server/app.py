"""The reference server's ASGI app: the effective spec's operations plus the ``/_sandbox/`` inspection API."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from attentive_client.runtime import ApiSpec, FieldError, Operation
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..spec.effective import load_effective_spec
from .auth import AuthResult, authorize
from .bulk import BulkWorker
from .clock import SandboxClock
from .error_bodies import ErrorBodies
from .faults import FaultInjector
from .inspection import inspection_routes
from .limits import BodyLimit
from .oauth import OAuthCodes, exchange_response, oauth_routes
from .oauth_store import OAuthStore, Tokens
from .operations import DEFAULT_RATE_LIMIT, is_public, is_stateful, rate_limit_of
from .request_body import BadRequest, parse_body
from .resources import Resources, resource_of, resource_operation
from .responses import DroppedResponse, FastJSONResponse, error_response
from .routing import operation_routes
from .security import HostPolicy, RequestGuard
from .settings import DEV_TOKEN, ServerSettings
from .signing import RESULTS_ROUTE, LinkSigner, results_url
from .stateless import AnswerBuilder, RequestChecker, answer_from_spec
from .storage import Store
from .upsert import Upserter
from .windows import Budget, WindowBudget

log = logging.getLogger(__name__)
Handler = Callable[["ServerState", Operation, Request], Awaitable[Response]]


class NotFound(Exception):
    pass


class ServerState:
    """Everything a request needs; one per app."""

    def __init__(self, settings: ServerSettings, document: dict[str, Any]) -> None:
        self.settings = settings
        self.document = document
        self.api = ApiSpec.from_document(document)
        self.operations = {operation.operation_id: operation for operation in self.api.operations}
        self.checker = RequestChecker(self.api)
        self.answers = AnswerBuilder(self.api, self.checker)
        self.errors = ErrorBodies(self.checker, self.answers)
        self.store = Store(settings.db_path)
        self.clock = SandboxClock(settings.clock)
        minted = OAuthStore(self.store)
        configured = dict(settings.tokens) if settings.tokens is not None else {DEV_TOKEN: self.api.scopes}
        # The configured tokens, then those the OAuth exchange mints (kept in the store, so --db keeps them).
        self.tokens = Tokens(configured, minted)
        self.oauth = OAuthCodes(self.api, minted, self.clock)
        self.limiter = WindowBudget(settings.monotonic)
        self.faults = FaultInjector(settings.faults)
        self.upserter = Upserter(self.store, settings.sign_up_units, settings.max_custom_attributes)
        self.resources = Resources(self.store, self.clock, settings.link_secret)
        self.worker = BulkWorker(self.store, self.upserter, self.resources.items, self.clock, self.faults, settings)
        self.links = LinkSigner(settings.link_secret, self.clock, settings.results_link_lifetime)

    def rate_limit(self, operation: Operation) -> int:
        return self.settings.rate_limits.get(operation.operation_id, rate_limit_of(operation))

    def reset(self) -> None:
        self.resources.items.reset()
        self.store.reset()
        self.limiter.reset()
        self.worker.forget()
        self.clock.offset = timedelta(0)
        self.oauth.reset()


async def json_body(state: ServerState, operation: Operation, request: Request) -> Any:
    body = parse_body(operation, request.headers.get("content-type"), await request.body(), state.api.resolve)
    # The runtime's verdict, the same the client and the bulk importer reach for this body.
    state.checker.body(operation, body)
    return body


async def get_me(state: ServerState, operation: Operation, request: Request) -> Response:
    company = state.settings.company
    return FastJSONResponse(
        {
            "applicationName": company.application_name,
            "attentiveDomainName": company.attentive_domain_name,
            "companyName": company.company_name,
            "contactEmail": company.contact_email,
            "companyId": company.company_id,
        }
    )


async def post_user_attributes(state: ServerState, operation: Operation, request: Request) -> Response:
    body = await json_body(state, operation, request)
    outcome = state.upserter.apply(body, state.clock.iso())
    if outcome.status != 202:
        raise BadRequest(outcome.message, list(outcome.violations))
    return FastJSONResponse({"success": True, "message": outcome.message}, 202)


async def post_bulk_user_attributes(state: ServerState, operation: Operation, request: Request) -> Response:
    body = await json_body(state, operation, request)
    # The validated body is stored as received: no second encoding on the submit path.
    count = len(body["users"])
    job_id = state.worker.submit((await request.body()).decode("utf-8"), count)
    message = f"accepted {count} user(s) as bulk job {job_id}"
    return FastJSONResponse({"batchJobId": job_id, "message": message}, 202)


async def get_bulk_job_status(state: ServerState, operation: Operation, request: Request) -> Response:
    job_id = request.path_params["bulkJobId"]
    # In process (httpx.ASGITransport) nothing else yields to the loop: let the background worker run first.
    await asyncio.sleep(0)
    job = state.worker.visible_job(job_id)
    if job is None:
        raise NotFound(f"no bulk job {job_id!r} (unknown, or older than the 14 days jobs are kept)")
    body: dict[str, Any] = {"bulkJobId": job.id, "status": job.status, "totalRecords": job.total_records}
    if job.status == "COMPLETED":
        body["url"] = results_url(request, state.links, job.id)
    return FastJSONResponse(body)


async def oauth_exchange(state: ServerState, operation: Operation, request: Request) -> Response:
    return await exchange_response(state.oauth, request)


async def stateless(state: ServerState, operation: Operation, request: Request) -> Response:
    return await answer_from_spec(state.checker, state.answers, operation, request)


# The hand-written operations: with the resource-shaped ones (``resources.py``), the server's one list of what it
# implements (``operations.is_stateful``); every other operation gets ``stateless``.
HANDLERS: dict[str, Handler] = {
    "getMeV2": get_me,
    "postUserAttributes": post_user_attributes,
    "postBulkUserAttributes": post_bulk_user_attributes,
    "getBulkJobStatus": get_bulk_job_status,
}


def operation_endpoint(
    state: ServerState, operation: Operation, handler: Handler
) -> Callable[[Request], Awaitable[Response]]:
    """Auth, rate limit and faults around one operation; every answer carries the rate-limit headers."""

    def refuse(
        status: int, message: str, violations: list[FieldError] | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        return state.errors.response(operation, status, message, violations, headers)

    async def endpoint(request: Request) -> Response:
        state.worker.requests_seen += 1
        limit = state.rate_limit(operation)
        if is_public(operation):
            auth = AuthResult("", 0, "")  # `security: []`: documented as needing no credentials
        else:
            auth = authorize(request.headers.get("authorization"), state.tokens, operation.scopes)
        if auth.token is None:
            headers = {**Budget(True, limit, limit).headers(), "www-authenticate": 'Bearer realm="attentive"'}
            return refuse(401, auth.message, headers=headers)
        budget = state.limiter.spend(auth.token, operation.operation_id, limit)
        headers = budget.headers()
        if auth.status:
            return refuse(auth.status, auth.message, headers=headers)
        if not budget.allowed:
            message = f"rate limit exceeded: {limit} requests per second per token for {operation.operation_id}"
            return refuse(429, message, headers=headers)
        decision = state.faults.decide(operation.operation_id)
        if decision.latency_seconds:
            await state.settings.sleep(decision.latency_seconds)
        if decision.failure == "drop":
            return DroppedResponse(headers)
        if decision.failure is not None:
            return refuse(int(decision.failure), "injected fault", headers=headers)
        try:
            response = await handler(state, operation, request)
        except BadRequest as exc:
            return refuse(400, exc.summary, exc.violations, headers)
        except NotFound as exc:
            return refuse(404, str(exc), headers=headers)
        except Exception:
            log.exception("%s failed", operation.operation_id)
            return refuse(500, "internal error; see the server log", headers=headers)
        response.headers.update(headers)
        return response

    return endpoint


class DefaultRateLimitHeaders:
    """Answers outside the spec's operations (404, 405, inspection) carry the rate-limit headers too."""

    def __init__(self, app: ASGIApp, limit: int = DEFAULT_RATE_LIMIT) -> None:
        self.app = app
        self.defaults = [(b"x-ratelimit-limit", str(limit).encode()), (b"x-ratelimit-remaining", str(limit).encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"x-ratelimit-limit" for name, _ in headers):
                    message = {**message, "headers": headers + self.defaults}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def bulk_results(request: Request) -> Response:
    """The JSON Lines results of a completed job, one line per record: its request, status and message.
    Reached through a signed link (no token needed) until the link expires."""
    state: ServerState = request.app.state.server
    job_id = request.path_params["job_id"]
    link = state.links.check(job_id, request.query_params.get("expires"), request.query_params.get("signature"))
    if not link.ok:
        return error_response(403, link.message)
    job = state.worker.visible_job(job_id)
    if job is None or job.status != "COMPLETED":
        return error_response(404, f"no results for bulk job {job_id!r}")
    lines = state.store.result_lines(job_id)
    return Response("".join(line + "\n" for line in lines), media_type="application/jsonl")


async def not_found(request: Request, exc: Exception) -> Response:
    return error_response(404, f"no route for {request.method} {request.url.path}")


def create_app(settings: ServerSettings | None = None, document: dict[str, Any] | None = None) -> Starlette:
    """The reference server as an ASGI app; ``app.state.server`` is its :class:`ServerState`."""
    state = ServerState(settings or ServerSettings(), document if document is not None else load_effective_spec())
    for operation in state.operations.values():
        if not is_stateful(operation) and state.answers.answer(operation).problem:
            # Built now, so the log says at start which operation will answer 501 (every other one still works).
            log.warning("%s", state.answers.answer(operation).problem)

    def endpoint_of(operation: Operation) -> Callable[[Request], Awaitable[Response]]:
        handler = HANDLERS.get(operation.operation_id) or (resource_operation if resource_of(operation) else stateless)
        if state.oauth.serves(operation):
            handler = oauth_exchange
        return operation_endpoint(state, operation, handler)

    routes: list[BaseRoute] = [*operation_routes(state.operations.values(), endpoint_of)]
    routes.append(Route("/_files/bulk-results/{job_id}.jsonl", bulk_results, methods=["GET"], name=RESULTS_ROUTE))
    routes.extend(inspection_routes())
    routes.extend(oauth_routes(state.oauth, any(map(state.oauth.serves, state.operations.values()))))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.worker.resume()
        yield
        await state.worker.stop()

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(DefaultRateLimitHeaders),
            # Before any body is read: foreign Host names, the sandbox's token and cross-site writes.
            Middleware(RequestGuard, tokens=state.tokens, hosts=HostPolicy(state.settings.allowed_hosts)),
            Middleware(BodyLimit, api=state.api, max_body_bytes=state.settings.max_body_bytes),
        ],
        exception_handlers={404: not_found},
        lifespan=lifespan,
    )
    app.state.server = state
    return app
