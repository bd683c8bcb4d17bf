"""SSE and NDJSON framing: exact output, one line of JSON per frame."""

from __future__ import annotations

import json

from backend.app.streaming.framing import ndjson_line, sse_comment, sse_event


def test_sse_event_with_id():
    assert sse_event(3, {"a": 1, "b": [1, 2]}) == 'id: 3\ndata: {"a":1,"b":[1,2]}\n\n'


def test_sse_event_without_id():
    assert sse_event(None, {"t": "안녕 😀"}) == 'data: {"t":"안녕 😀"}\n\n'


def test_sse_event_id_zero_is_kept():
    assert sse_event(0, {}) == "id: 0\ndata: {}\n\n"


def test_newlines_inside_data_are_escaped():
    frame = sse_event(1, {"text": "line one\nline two\r\nend\u2028\u2029\x85"})
    assert frame == 'id: 1\ndata: {"text":"line one\\nline two\\r\\nend\\u2028\\u2029\\u0085"}\n\n'
    assert frame[:-2].splitlines() == frame[:-2].split("\n")
    data_line = frame.split("\n")[1]
    assert json.loads(data_line.removeprefix("data: ")) == {
        "text": "line one\nline two\r\nend\u2028\u2029\x85"
    }


def test_sse_comment():
    assert sse_comment() == ": ping\n\n"
    assert sse_comment("keep alive") == ": keep alive\n\n"
    assert sse_comment("a\nb") == ": a\n: b\n\n"


def test_ndjson_line():
    line = ndjson_line("problem", {"id": 7, "q": '다음 중 "옳은" 것은?\n'})
    assert line == '{"type":"problem","payload":{"id":7,"q":"다음 중 \\"옳은\\" 것은?\\n"}}\n'
    assert line.count("\n") == 1
    assert json.loads(line) == {
        "type": "problem",
        "payload": {"id": 7, "q": '다음 중 "옳은" 것은?\n'},
    }
