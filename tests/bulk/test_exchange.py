"""Answers of the bulk endpoints are read once, whatever they hold."""

from __future__ import annotations

import httpx
import pytest

from attentive_toolkit.bulk.exchange import Reply, read_reply


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # 20 digits in a row: orjson could round such a number, so the standard parser reads the answer.
        (
            b'{"batchJobId": "12345678901234567890abc", "message": "ok"}',
            {"batchJobId": "12345678901234567890abc", "message": "ok"},
        ),
        (b'{"big": 123456789012345678901234567890}', {"big": 123456789012345678901234567890}),
        (b"<html>bad gateway</html>", "<html>bad gateway</html>"),
        (b"", ""),
    ],
)
def test_an_answer_body_is_parsed_once_and_exactly(content: bytes, expected: object) -> None:
    reply = read_reply(httpx.Response(202, content=content))
    assert isinstance(reply, Reply) and reply.body == expected
