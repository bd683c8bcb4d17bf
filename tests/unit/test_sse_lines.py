"""The line-feed SSE decoder gives exactly the events of the OpenAI SDK's own decoder."""

from hypothesis import given, settings
from hypothesis import strategies as st
from openai._streaming import SSEDecoder

from backend.app.llm.sse_lines import LineFeedSSEDecoder

FIELD_LINES = st.one_of(
    st.builds(
        lambda text: f"data: {text}",
        st.text(max_size=30).filter(lambda t: "\r" not in t and "\n" not in t),
    ),
    st.sampled_from(
        [
            "data: [DONE]",
            "data:{}",
            ": keep-alive",
            "event: error",
            "id: 7",
            "retry: 10",
            "data",
            "",
        ]
    ),
)


def events(decoder, chunks):
    return [(e.event, e.data, e.id, e.retry) for e in decoder.iter_bytes(iter(chunks))]


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(cut, len(data)) for cut in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True) if b > a]


@settings(max_examples=400, deadline=None)
@given(
    lines=st.lists(FIELD_LINES, max_size=25),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    mixed_at=st.integers(min_value=0, max_value=30),
    trailing=st.booleans(),
    cuts=st.lists(st.integers(min_value=0, max_value=600), max_size=40),
)
def test_same_events_as_the_sdk_for_any_line_ends_and_chunking(
    lines, ending, mixed_at, trailing, cuts
):
    # LF up to line `mixed_at`, then the drawn ending: streams that switch mid-way too.
    text = "".join(
        line + ("\n" if index < mixed_at else ending) for index, line in enumerate(lines)
    )
    if not trailing and text:
        text = text[: -len(ending)] if text.endswith(ending) else text
    chunks = chunked(text.encode("utf-8"), cuts)  # may cut inside a multi-byte character
    assert events(LineFeedSSEDecoder(), chunks) == events(SSEDecoder(), chunks)


def test_a_typical_chat_stream():
    body = (
        b'data: {"choices":[{"delta":{"content":"\xec\x95\x88"}}]}\n\n'
        b": ping\n\n"
        b'data: {"choices":[{"delta":{"content":"!"}}]}\n\n'
        b"data: [DONE]\n\n"
    )
    chunks = [body[i : i + 5] for i in range(0, len(body), 5)]
    got = events(LineFeedSSEDecoder(), chunks)
    assert got == events(SSEDecoder(), chunks)
    assert [data for _, data, _, _ in got] == [
        '{"choices":[{"delta":{"content":"안"}}]}',
        '{"choices":[{"delta":{"content":"!"}}]}',
        "[DONE]",
    ]


def test_a_long_line_in_tiny_chunks_is_joined_once():
    line = b"data: " + b"x" * 200_000 + b"\n\n"
    chunks = [line[i : i + 4] for i in range(0, len(line), 4)]
    (event,) = events(LineFeedSSEDecoder(), chunks)
    assert len(event[1]) == 200_000
