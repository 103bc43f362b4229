"""``attentive serve``: the stateful reference server on loopback."""

from __future__ import annotations

import errno
import json
import re
import socket
from collections.abc import Iterable
from pathlib import Path

import click
from attentive_client.runtime import ApiSpec, Operation
from attentive_client.runtime.clients import token_problem

from ..server.app import create_app
from ..server.faults import faults_from_json
from ..server.limits import describe_bytes
from ..server.operations import is_stateful
from ..server.request_body import BadRequest
from ..server.runner import StoppableServer, base_url, bind_socket, quiet_dropped_connections, uvicorn_config
from ..server.security import NotLoopback, require_loopback
from ..server.settings import DEV_TOKEN, FaultConfig, ServerSettings
from ..server.storage import StateFileError
from ..spec.effective import load_effective_spec
from .params import FiniteFloatRange

LISTEN_BACKLOG = 2048
# The limits' defaults live in ServerSettings only.
DEFAULTS = ServerSettings()


def parse_token(text: str, known: frozenset[str]) -> tuple[str, frozenset[str]]:
    """``TOKEN`` (every scope) or ``TOKEN=scope,scope`` (``TOKEN=`` for none); ``known``: the scopes the effective
    spec names, the only ones a token can be given."""
    token, has_scopes, scopes = text.partition("=")
    if not token:
        raise click.BadParameter("a token must not be empty", param_hint="--token")
    problem = token_problem(token)
    if problem is not None:
        raise click.BadParameter(problem, param_hint="--token")
    if not has_scopes:
        return token, known
    chosen = frozenset(scope.strip() for scope in scopes.split(",") if scope.strip())
    unknown = sorted(chosen - known)
    if unknown:
        raise click.BadParameter(
            f"unknown scope(s) {', '.join(unknown)}; the spec names: {', '.join(sorted(known))}", param_hint="--token"
        )
    return token, chosen


def parse_tokens(texts: tuple[str, ...], known: frozenset[str]) -> dict[str, frozenset[str]]:
    """Every ``--token``, each token once: a second one would replace the first's scopes without a word."""
    accepted: dict[str, frozenset[str]] = {}
    for text in texts:
        token, scopes = parse_token(text, known)
        if token in accepted:
            raise click.BadParameter(f"the same token is given twice (token {len(accepted) + 1})", param_hint="--token")
        accepted[token] = scopes
    return accepted


def describe_operations(operations: Iterable[Operation]) -> list[str]:
    """The banner's account of each operation: implemented (stateful) or answered from the spec (stateless)."""
    listed = list(operations)
    stateful = [op.operation_id for op in listed if is_stateful(op)]
    stateless = [op.operation_id for op in listed if not is_stateful(op)]
    lines = [f"Operations: {len(stateful)} stateful ({', '.join(stateful) or 'none'})"]
    if stateless:
        lines.append(
            f"            {len(stateless)} stateless, answered from the spec's examples and schemas: "
            f"{', '.join(stateless)} (GET /_sandbox/operations)"
        )
    return lines


def parse_rate_limits(items: tuple[str, ...], operations: set[str]) -> dict[str, int]:
    limits: dict[str, int] = {}
    for item in items:
        name, _, value = item.partition("=")
        if name not in operations or not value.isdigit():
            raise click.BadParameter(
                f"{item!r}: expected OPERATION_ID=N with N a whole number and OPERATION_ID one of "
                f"{', '.join(sorted(operations))}",
                param_hint="--rate-limit",
            )
        limits[name] = int(value)
    return limits


def parse_faults(path: Path | None, items: tuple[str, ...], seed: int, operations: set[str]) -> FaultConfig:
    document: dict[str, object] = {"seed": seed, "operations": {}}
    if path is not None:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise click.BadParameter(f"{path}: line {exc.lineno}: {exc.msg}", param_hint="--faults") from exc
        except UnicodeDecodeError as exc:
            raise click.BadParameter(f"{path}: not UTF-8 text (byte {exc.start})", param_hint="--faults") from exc
        if not isinstance(document, dict):
            raise click.BadParameter(f"{path}: the fault configuration must be a JSON object", param_hint="--faults")
        document.setdefault("seed", seed)  # --seed applies unless the file names its own
    per_operation = document.setdefault("operations", {})
    if not isinstance(per_operation, dict):
        raise click.BadParameter(f"{path}: /operations must be an object", param_hint="--faults")
    for item in items:
        target, _, assignment = item.partition(":")
        field, _, value = assignment.partition("=")
        try:
            number = float(value)
        except ValueError:
            raise click.BadParameter(f"{item!r}: expected OPERATION_ID:FIELD=NUMBER", param_hint="--fault") from None
        per_operation.setdefault(target, {})[field] = number
    try:
        return faults_from_json(document, operations)
    except BadRequest as exc:
        problems = "; ".join(f"{violation.path}: {violation.message}" for violation in exc.violations)
        raise click.BadParameter(f"{exc.summary}: {problems}", param_hint="--fault/--faults") from exc


# What a Host header's name is made of (RFC 3986 reg-name letters, or a bracketed IPv6 literal), with a port.
HOST_NAME = re.compile(r"(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(:[0-9]+)?")


def check_host_names(_context: click.Context, _param: click.Parameter, names: tuple[str, ...]) -> tuple[str, ...]:
    """Each name matched exactly, so an empty one or a pattern (``*.test``) would allow nothing: refused instead."""
    for name in names:
        if not HOST_NAME.fullmatch(name.strip()):
            raise click.BadParameter(f"{name!r} is not a host name (exact names only, no patterns)")
    return names


def check_loopback(_context: click.Context, _param: click.Parameter, host: str) -> str:
    try:
        return require_loopback(host)
    except NotLoopback as exc:
        raise click.BadParameter(str(exc)) from None


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, or one line saying why not (a busy port is the usual reason)."""
    try:
        sock = bind_socket(host, port)
        # Listening at once: a client that connects while the app is still starting waits instead of being refused.
        sock.listen(LISTEN_BACKLOG)
        return sock
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {port} on {host} is already in use; stop what is using it, or pick another "
                "with --port (--port 0 picks a free one)"
            ) from None
        raise click.ClickException(f"cannot listen on {host} port {port}: {exc.strerror or exc}") from None


def describe_token(token: str, scopes: frozenset[str]) -> str:
    shown = token if token == DEV_TOKEN else f"<redacted, {len(token)} characters>"
    return f"{shown} (scopes: {', '.join(sorted(scopes)) or 'none'})"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, callback=check_loopback)
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="0 picks a free port.")
@click.option(
    "--token",
    "tokens",
    multiple=True,
    envvar="ATTENTIVE_SERVE_TOKENS",
    help=(
        "Accept TOKEN (every scope the spec names) or TOKEN=scope,scope; repeatable. "
        "Default: the development token 'dev-token' with every scope."
    ),
)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite file kept across restarts.")
@click.option("--job-pace", type=FiniteFloatRange(min=0), default=0.0, show_default=True, help="Seconds per job step.")
@click.option("--manual-jobs", is_flag=True, help="Jobs wait until driven through /_sandbox/jobs/run or .../advance.")
@click.option("--rate-limit", "rate_limits", multiple=True, metavar="OPERATION_ID=N", help="Override a rate limit.")
@click.option("--faults", "faults_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--fault", "fault_items", multiple=True, metavar="OPERATION_ID:FIELD=RATE", help="e.g. *:rate500=0.1")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the fault injector.")
@click.option(
    "--max-body-bytes",
    type=click.IntRange(min=1),
    default=None,
    help="Larger request bodies are refused with 413. Default: each operation's x-max-body-bytes in the spec.",
)
@click.option(
    "--header-timeout",
    type=FiniteFloatRange(min=0, min_open=True),
    default=DEFAULTS.header_timeout_seconds,
    show_default=True,
    help="Seconds a request line and headers may take to arrive (408 after).",
)
@click.option(
    "--body-timeout",
    type=FiniteFloatRange(min=0, min_open=True),
    default=DEFAULTS.body_timeout_seconds,
    show_default=True,
    help="Seconds a whole request body may take to arrive (408 after).",
)
@click.option(
    "--max-connections",
    type=click.IntRange(min=1),
    default=DEFAULTS.max_connections,
    show_default=True,
    help="Open connections; more are answered 503 and closed at once.",
)
@click.option(
    "--shutdown-timeout",
    type=FiniteFloatRange(min=0),
    default=DEFAULTS.shutdown_timeout_seconds,
    show_default=True,
    help="Seconds a stopping server waits for requests in flight before cancelling them.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    callback=check_host_names,
    help="Accept this Host header besides localhost, 127.x and [::1] (e.g. a name in /etc/hosts); repeatable.",
)
def serve(
    host: str,
    port: int,
    tokens: tuple[str, ...],
    db: Path | None,
    job_pace: float,
    manual_jobs: bool,
    rate_limits: tuple[str, ...],
    faults_file: Path | None,
    fault_items: tuple[str, ...],
    seed: int,
    max_body_bytes: int | None,
    header_timeout: float,
    body_timeout: float,
    max_connections: int,
    shutdown_timeout: float,
    allowed_hosts: tuple[str, ...],
) -> None:
    """Run the stateful reference server (the Attentive API V2 as documented, plus /_sandbox/)."""
    document = load_effective_spec()
    api = ApiSpec.from_document(document)
    described = {operation.operation_id: operation for operation in api.operations}
    body_cap = describe_bytes(max_body_bytes) if max_body_bytes else per_operation_cap(api)
    operations = set(described)
    accepted = parse_tokens(tokens, api.scopes) if tokens else {DEV_TOKEN: api.scopes}
    settings = ServerSettings(
        tokens=accepted,
        db_path=db,
        job_pace_seconds=job_pace,
        run_jobs_in_background=not manual_jobs,
        rate_limits=parse_rate_limits(rate_limits, operations),
        faults=parse_faults(faults_file, fault_items, seed, operations),
        max_body_bytes=max_body_bytes,
        header_timeout_seconds=header_timeout,
        body_timeout_seconds=body_timeout,
        max_connections=max_connections,
        shutdown_timeout_seconds=shutdown_timeout,
        allowed_hosts=allowed_hosts,
    )
    try:
        app = create_app(settings)
    except StateFileError as exc:  # before anything is printed or listens: the server would start without state
        raise click.ClickException(str(exc)) from None
    sock = listen(host, port)
    click.echo(f"Attentive reference server: {base_url(host, sock.getsockname()[1])}")
    for token, scopes in accepted.items():
        click.echo(f"Accepting bearer token {describe_token(token, scopes)}")
    click.echo(f"State: {db if db else 'in memory'}; inspection API under /_sandbox/ (token required)", nl=True)
    click.echo(
        f"Limits: bodies up to {body_cap}, {max_connections} connections, headers within "
        f"{header_timeout:g} s, bodies within {body_timeout:g} s"
    )
    for line in describe_operations(described.values()):
        click.echo(line)
    quiet_dropped_connections()
    server = StoppableServer(uvicorn_config(app, host, port, "info", settings))
    try:
        # SIGINT/SIGTERM stop the server gracefully and end here, with exit status 0.
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        # Ctrl-C before uvicorn took over the signals (still starting up): a stop asked for, not an error.
        pass
    finally:
        sock.close()


def per_operation_cap(api: ApiSpec) -> str:
    largest = api.max_body_bytes
    return f"{describe_bytes(largest)} (x-max-body-bytes)" if largest else "the undeclared default"
