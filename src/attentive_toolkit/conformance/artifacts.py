"""Files a run leaves beside its summary, every time: ``coverage.json`` and ``coverage.html`` (what was
exercised), and ``failures.har`` (the cassette: every distinct failing exchange, token scrubbed) that
``attentive conformance replay ID`` reads."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .failures import Exchange, FailureRecord
from .session import ConformanceSession

COVERAGE_JSON = "coverage.json"
COVERAGE_HTML = "coverage.html"
CASSETTE = "failures.har"
CREATOR = {"name": "attentive-toolkit conformance", "version": "1"}


def write_artifacts(report_dir: Path, session: ConformanceSession, summary: dict[str, Any]) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    coverage = {"target": summary["target"], "coverage": summary.get("coverage", {})}
    (report_dir / COVERAGE_JSON).write_text(json.dumps(coverage, indent=2) + "\n", encoding="utf-8")
    (report_dir / COVERAGE_HTML).write_text(coverage_html(coverage), encoding="utf-8")
    cassette = har_document(list(session.stats.failures.values()), summary)
    (report_dir / CASSETTE).write_text(json.dumps(cassette, indent=2) + "\n", encoding="utf-8")


def _headers(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]


def _mime(pairs: list[tuple[str, str]]) -> str:
    return next((value for name, value in pairs if name.lower() == "content-type"), "")


def har_entry(record: FailureRecord, exchange: Exchange, started: str) -> dict[str, Any]:
    request: dict[str, Any] = {
        "method": exchange.method,
        "url": exchange.url,
        "httpVersion": "HTTP/1.1",
        "headers": _headers(exchange.request.headers),
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": len(exchange.request.body),
    }
    if exchange.request.body:
        request["postData"] = {"mimeType": _mime(exchange.request.headers), **exchange.request.body_field()}
    return {
        "startedDateTime": started,
        "time": round(exchange.elapsed * 1000, 3),
        "request": request,
        "response": {
            "status": exchange.status,
            "statusText": exchange.reason,
            "httpVersion": "HTTP/1.1",
            "headers": _headers(exchange.response.headers),
            "cookies": [],
            "content": {
                "size": len(exchange.response.body),
                "mimeType": _mime(exchange.response.headers),
                **exchange.response.body_field(),
            },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(exchange.response.body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": round(exchange.elapsed * 1000, 3), "receive": 0},
        # HAR allows custom fields that start with an underscore.
        "_replayId": record.id,
        "_operation": record.operation,
        "_check": record.check,
        "_title": record.title,
        "_phase": record.phase,
        "_occurrences": record.occurrences,
        "_truncated": exchange.request.truncated or exchange.response.truncated,
    }


def har_document(records: list[FailureRecord], summary: dict[str, Any]) -> dict[str, Any]:
    started = datetime.now(UTC).isoformat()
    entries = [har_entry(record, record.exchange, started) for record in records if record.exchange is not None]
    return {
        "log": {
            "version": "1.2",
            "creator": CREATOR,
            "comment": "failing exchanges of one conformance run; Authorization values are redacted",
            "_target": summary["target"],
            "_embedded": summary["embedded"],
            "entries": entries,
        }
    }


STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left;font-size:90%}
.miss{background:#fde2e2}.hit{background:#e3f6e3}.half{background:#fff4d6}
code{font-size:90%}
"""


def _cell(text: object, kind: str = "") -> str:
    css = f' class="{kind}"' if kind else ""
    return f"<td{css}>{html.escape(str(text))}</td>"


def _kind(count: int) -> str:
    return "hit" if count else "miss"


def _section(title: str, header: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{html.escape(column)}</th>" for column in header)
    body = "".join(f"<tr>{row}</tr>" for row in rows) or f'<tr><td colspan="{len(header)}">none declared</td></tr>'
    return f"<h3>{html.escape(title)}</h3><table><tr>{head}</tr>{body}</table>"


def _operation_html(operation_id: str, report: dict[str, Any]) -> str:
    statuses = report["statuses"]
    observed = statuses["observed"]
    status_rows = [
        _cell(status) + _cell(observed.get(status, 0), "hit" if status in observed else "miss")
        for status in statuses["documented"]
    ]
    status_rows += [
        _cell(f"{status} (undocumented)") + _cell(count, "miss")
        for status, count in statuses["undocumented_observed"].items()
    ]
    parameters = [_cell(name) + _cell(count, _kind(count)) for name, count in report["parameters"].items()]
    properties = [_cell(pointer) + _cell(count, _kind(count)) for pointer, count in report["body_properties"].items()]
    keywords = []
    for location, counts in report["keywords"].items():
        both = counts["satisfied"] and counts["violated"]
        kind = "hit" if both else "half" if counts["satisfied"] or counts["violated"] else "miss"
        keywords.append(_cell(location) + _cell(counts["satisfied"], kind) + _cell(counts["violated"], kind))
    links = [
        _cell(name) + _cell(link["target"]) + _cell(link["followed"], "hit" if link["followed"] else "miss")
        for name, link in report["links"].items()
    ]
    return (
        f"<h2>{html.escape(operation_id)} <code>{html.escape(report['label'])}</code></h2>"
        + _section("Documented statuses", ["status", "answers"], status_rows)
        + _section("Parameters", ["parameter", "cases that sent it"], parameters)
        + _section("Request body properties", ["JSON pointer", "bodies that carried it"], properties)
        + _section("Request schema keywords", ["schema location", "satisfied", "violated"], keywords)
        + _section("Links", ["link", "target operation", "followed"], links)
    )  # fmt: skip


def coverage_html(coverage: dict[str, Any]) -> str:
    operations = "".join(_operation_html(operation_id, report) for operation_id, report in coverage["coverage"].items())
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>Conformance coverage</title>'
        f"<style>{STYLE}</style></head><body><h1>Conformance coverage</h1>"
        f"<p>Target: <code>{html.escape(str(coverage['target']))}</code>. Green: exercised (keywords: both satisfied "
        "and violated); yellow: one way only; red: never.</p>"
        f"{operations or '<p>No operation was tested.</p>'}</body></html>\n"
    )
