"""The offline chat model: deterministic replies streamed at a realistic token rate."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from backend.app.llm.offline.chunking import estimate_tokens, split_pieces, stream_seconds
from backend.app.llm.offline.compose import compose_reply, prompt_text

MODEL_NAME = "offline"


class OfflineChatModel(BaseChatModel):
    """An in-process chat model that needs no API key or network.

    It reads the prompt's protocol tags (see ``prompt_tags``) and writes the reply the
    product expects, identical for identical input.
    """

    tokens_per_second: float = Field(default=40.0, ge=0)
    # Like a real provider, a reply longer than this stops there with finish_reason "length".
    max_output_tokens: int | None = Field(default=None, ge=1)

    @property
    def _llm_type(self) -> str:
        return MODEL_NAME

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": MODEL_NAME, "tokens_per_second": self.tokens_per_second}

    def _delay(self) -> float:
        return 1.0 / self.tokens_per_second if self.tokens_per_second > 0 else 0.0

    def _pieces(self, reply: str) -> tuple[list[str], str]:
        """The reply's pieces up to the output limit, and the finish reason."""
        pieces = split_pieces(reply)
        if self.max_output_tokens is not None and len(pieces) > self.max_output_tokens:
            return pieces[: self.max_output_tokens], "length"
        return pieces, "stop"

    def _usage(self, messages: list[BaseMessage], reply: str) -> UsageMetadata:
        input_tokens = estimate_tokens(prompt_text(messages))
        output_tokens = len(split_pieces(reply))
        return UsageMetadata(
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            total_tokens=input_tokens + output_tokens,
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        """Return the whole reply after the time its stream would have taken."""
        pieces, finish_reason = self._pieces(compose_reply(messages, stop))
        reply = "".join(pieces)
        pause = stream_seconds(len(pieces), self.tokens_per_second)
        if pause:
            time.sleep(pause)
        message = AIMessage(
            content=reply,
            usage_metadata=self._usage(messages, reply),
            response_metadata={"finish_reason": finish_reason, "model_name": MODEL_NAME},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        """Yield the reply in small pieces, pausing between them, then a usage chunk."""
        pieces, finish_reason = self._pieces(compose_reply(messages, stop))
        reply = "".join(pieces)
        delay = self._delay()
        # Closing the generator raises GeneratorExit at the pending yield, which ends
        # this loop at once: nothing is produced after the consumer lets go.
        for index, piece in enumerate(pieces):
            if delay and index:
                time.sleep(delay)
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
        final = AIMessageChunk(
            content="",
            usage_metadata=self._usage(messages, reply),
            response_metadata={"finish_reason": finish_reason, "model_name": MODEL_NAME},
            chunk_position="last",
        )
        yield ChatGenerationChunk(message=final)
