"""``attentive proxy``: a validating proxy on loopback in front of any target of the API."""

from __future__ import annotations

from pathlib import Path

import click
import uvicorn

from ..conformance.proxy import ValidatingProxy, ViolationReport
from ..conformance.spec_rules import load_rules
from ..server.runner import base_url, bind_socket

HOST = "127.0.0.1"
DEFAULT_REPORT = Path("reports") / "proxy" / "violations.json"


def check_upstream(_context: click.Context, _param: click.Parameter, value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise click.BadParameter(f"{value!r}: expected an http:// or https:// URL")
    return value.rstrip("/")


@click.command()
@click.option("--upstream", required=True, callback=check_upstream, help="The API to forward to, e.g. a staging URL.")
@click.option("--port", type=click.IntRange(0, 65535), default=4010, show_default=True, help="0 picks a free port.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_REPORT,
    show_default=True,
    help="JSON report of every violation, rewritten as they arrive.",
)
def proxy(upstream: str, port: int, report_path: Path) -> None:
    """Forward traffic unchanged to UPSTREAM and report every spec violation in requests and answers.

    Listens on 127.0.0.1 only. One line per violation: method, path, operation, direction, JSON pointer, rule."""
    try:
        sock = bind_socket(HOST, port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
    report = ViolationReport(upstream=upstream, path=report_path, emit=lambda line: click.echo(line, err=True))
    report.write()
    click.echo(f"Validating proxy: {base_url(HOST, sock.getsockname()[1])} -> {upstream}")
    click.echo(f"Violations: one line each on stderr, all of them in {report_path}")
    app = ValidatingProxy(upstream, load_rules(), report)
    config = uvicorn.Config(
        app, host=HOST, port=port, log_level="warning", access_log=False, lifespan="on",
        server_header=False, date_header=False,
    )  # fmt: skip
    uvicorn.Server(config).run(sockets=[sock])
