"""`attentive conformance run` and `replay` given settings or a cassette they can't use: one line naming it, never
a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from attentive_toolkit.cli.main import cli
from attentive_toolkit.cli.outcome import run
from attentive_toolkit.conformance.artifacts import CASSETTE
from attentive_toolkit.conformance.replay import ReplayError, load_failure


@pytest.mark.parametrize(
    "text",
    [
        '{"log": {"entries": [1, 2]}}',
        '{"log": 5}',
        '{"log": {"entries": [{"_replayId": "r1"}]}}',
        '{"log": {"entries": [{"_replayId": "r1", "request": {"headers": [1]}, "response": {}}]}}',
        '{"log": {"entries": [{"_replayId": "r1", "request": {"method": "GET", "url": "http://x/", "headers": []},'
        ' "response": {"status": "teapot", "headers": []}}]}}',
        "[]",
        "not json",
    ],
)
def test_a_cassette_of_another_shape_is_refused_by_name(tmp_path: Path, text: str) -> None:
    (tmp_path / CASSETTE).write_text(text, encoding="utf-8")
    with pytest.raises(ReplayError, match=f"{tmp_path / CASSETTE} is not a cassette written by the suite"):
        load_failure(tmp_path, "r1")


def test_the_command_ends_with_one_line_and_status_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / CASSETTE).write_text('{"log": {"entries": [1]}}', encoding="utf-8")
    status = run(cli, ["conformance", "replay", "r1", "--report-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 1 and "is not a cassette written by the suite" in err and "internal error" not in err


@pytest.mark.parametrize("inside", [False, True])
def test_a_report_dir_that_is_a_file_stops_the_run_before_it_starts(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], inside: bool
) -> None:
    taken = tmp_path / "junit.xml"
    taken.write_text("kept", encoding="utf-8")
    report_dir = taken / "reports" if inside else taken
    status = run(cli, ["conformance", "run", "--report-dir", str(report_dir), "--operations", "getMeV2"])
    out, err = capfd.readouterr()
    assert status == 4  # pytest's usage error
    problem = "Not a directory" if inside else "a file, not a folder"
    assert f"conformance: --report-dir {report_dir}: {problem}" in out + err and "INTERNALERROR" not in out + err
    assert taken.read_text(encoding="utf-8") == "kept"
