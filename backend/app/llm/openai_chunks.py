"""Let ChatOpenAI read streamed chunks as plain dicts, skipping the SDK's typed objects.

For every streamed chunk the OpenAI SDK builds a typed `ChatCompletionChunk` (recursive
`construct_type`), and LangChain turns it straight back into a dict (`model_dump()`)
before reading it. Measured with the fake server, that round trip was over half of the
CPU each chunk costs (about 100-120 us of 180-200 us), and a gevent worker serving many
streams is CPU-bound on exactly that. LangChain's ChatOpenAI accepts dict chunks as they
are, so the client below hands them over undecoded; nothing else changes (errors in the
stream are still raised by the SDK before this point).
"""

from __future__ import annotations

from typing import Any

import openai
from openai.types.chat import ChatCompletionChunk

from backend.app.llm.sse_lines import LineFeedSSEDecoder


class DictChunksOpenAI(openai.OpenAI):
    """An OpenAI client whose chat-completion stream yields each chunk's JSON dict.

    Its streams also split lines with the cheaper decoder of sse_lines.py.
    """

    def _make_sse_decoder(self) -> LineFeedSSEDecoder:
        return LineFeedSSEDecoder()

    def _process_response_data(self, *, data: object, cast_to: Any, response: Any) -> Any:
        if cast_to is ChatCompletionChunk and isinstance(data, dict):
            return data
        return super()._process_response_data(data=data, cast_to=cast_to, response=response)


def use_dict_chunks(model: Any) -> Any:
    """Switch a ChatOpenAI's sync client to dict chunks (in place); returns the model."""
    root = getattr(model, "root_client", None)
    if root is not None and type(root) is openai.OpenAI:
        # Same class layout, one overridden method: the resources bound to this client
        # (model.client) keep working and now go through the override.
        root.__class__ = DictChunksOpenAI
    return model
