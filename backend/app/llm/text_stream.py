"""A chat model's streamed answer as plain text pieces, lean on OpenAI-compatible servers.

Every streaming feature (lessons, answers, problem descriptions) only needs each chunk's
text and, at the end, the token usage. `BaseChatModel.stream()` gives far more per chunk:
an `AIMessageChunk` and a `ChatGenerationChunk` (pydantic models with validators), a
callback dispatch, and a list that keeps every chunk of the answer alive until it ends
so it can merge them. Measured on one gevent worker serving 100 streams of 750 chunks,
that list alone held about a million objects, and the collector's full passes over them
stalled every stream in the worker for 50-300 ms, again and again, as it grew.

So for a plain `ChatOpenAI` (chat completions, no structured output) the pieces are read
from the OpenAI SDK stream the model itself builds: the model's own request payload, its
configured client (timeout, retries, base URL) and LangChain's own usage mapping; each
chunk is a dict (see openai_chunks.py) read for its text and dropped. What is given up:
LangChain callbacks (tracing) for these calls; the contract tests compare both paths.
Every other model streams through `.stream()` as before.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from backend.app.llm.limits import (
    TOKEN_LIMIT_MESSAGE,
    OutputTokenLimitReached,
    stopped_at_token_limit,
)
from backend.app.llm.text import content_text
from backend.app.streaming.idle import wait_for_idle_loop

# A producer whose upstream is already buffered (a fast server, or a worker that fell
# behind) reads without ever blocking, so it yields to the event loop every so many
# pieces: one stream must not hold every other stream of the worker for all of it.
YIELD_EVERY_PIECES = 16


@dataclass(frozen=True, slots=True)
class TextPiece:
    """One chunk's text, and the token usage when the chunk reports it (LangChain keys)."""

    text: str
    usage: dict | None = None


def stream_text(model: Any, messages: Any) -> Iterator[TextPiece]:
    """The model's answer to `messages`, piece by piece as the provider streams it.

    Closing the iterator closes the HTTP response, which ends the upstream request. A
    reply that stopped at its output token limit raises OutputTokenLimitReached after
    its last piece: what came is cut short, and the caller must not take it as whole.
    """
    pieces = _openai_pieces(model, messages) if _is_plain_chat_openai(model) else None
    if pieces is None:
        pieces = _langchain_pieces(model, messages)
    try:
        for count, piece in enumerate(pieces, start=1):
            if count % YIELD_EVERY_PIECES == 0:
                time.sleep(0)  # gevent patches time.sleep: a cooperative yield
            yield piece
    finally:
        pieces.close()


def _defer_the_tail() -> None:
    """The model said its text is over: let the rest of the stream wait for an idle loop.

    What is left (the usage chunk, closing the connection, then the caller's end of the
    run) is work no reader waits for. When many answers end together (a class started
    together), that tail, about half a millisecond each, ran in the same loop turn as the
    other answers' last chunks and held their last events back by tens of milliseconds.
    """
    wait_for_idle_loop()


def _langchain_pieces(model: Any, messages: Any) -> Iterator[TextPiece]:
    cut_short = False
    for chunk in model.stream(messages):
        yield TextPiece(content_text(chunk.content), getattr(chunk, "usage_metadata", None))
        finish_reason = (getattr(chunk, "response_metadata", None) or {}).get("finish_reason")
        if finish_reason:
            cut_short = cut_short or stopped_at_token_limit(finish_reason)
            _defer_the_tail()
    if cut_short:
        raise OutputTokenLimitReached(TOKEN_LIMIT_MESSAGE)


def _is_plain_chat_openai(model: Any) -> bool:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:  # pragma: no cover - the package is a dependency
        return False
    return (
        isinstance(model, ChatOpenAI)
        and not model.include_response_headers
        and not model._uses_gateway
    )


def _openai_pieces(model: Any, messages: Any) -> Iterator[TextPiece] | None:
    """Pieces straight from the SDK stream, or None when this model needs LangChain's path."""
    import openai
    from langchain_openai.chat_models.base import (
        _create_usage_metadata,
        _handle_openai_api_error,
        _handle_openai_bad_request,
    )

    extra: dict[str, Any] = {"stream": True}
    if model._should_stream_usage(None, **extra):
        extra["stream_options"] = {"include_usage": True}
    payload = model._get_request_payload(messages, **extra)
    if "response_format" in payload or model._use_responses_api(payload):
        return None

    def pieces() -> Iterator[TextPiece]:
        model._ensure_sync_client_available()
        cut_short = False
        try:
            with model.client.create(**payload) as response:
                for chunk in response:
                    if not isinstance(chunk, dict):
                        chunk = chunk.model_dump()
                    usage = chunk.get("usage")
                    choices = chunk.get("choices") or ()
                    delta = (choices[0].get("delta") or {}) if choices else {}
                    text = delta.get("content") or ""
                    if text or usage:
                        yield TextPiece(text, _create_usage_metadata(usage) if usage else None)
                    if choices and choices[0].get("finish_reason"):
                        cut_short = stopped_at_token_limit(choices[0]["finish_reason"])
                        _defer_the_tail()
        except openai.BadRequestError as error:
            _handle_openai_bad_request(error)
        except openai.APIError as error:
            _handle_openai_api_error(error)
        if cut_short:
            raise OutputTokenLimitReached(TOKEN_LIMIT_MESSAGE)

    return pieces()
