"""Each model call's output token limit (LLM_MAX_OUTPUT_TOKENS), and how a cut reply shows.

A reply that stops at the limit is cut short (an unclosed lesson block, half a problem):
the run ends with GENERATION_FAILED naming the token limit instead of passing it on.
"""

from __future__ import annotations

from typing import Any

# What providers report when a reply stopped at its token limit (OpenAI-compatible
# servers and the offline model: "length"; Gemini: "MAX_TOKENS").
TOKEN_LIMIT_FINISH_REASONS = frozenset({"length", "MAX_TOKENS"})

TOKEN_LIMIT_MESSAGE = "The model reached its output token limit, so its answer was cut short."


class OutputTokenLimitReached(Exception):
    """The model stopped because it reached its output token limit."""


def stopped_at_token_limit(finish_reason: Any) -> bool:
    """True when a provider's finish reason says the output hit its token limit."""
    return isinstance(finish_reason, str) and finish_reason in TOKEN_LIMIT_FINISH_REASONS


def check_reply_complete(reply: Any) -> None:
    """Raise OutputTokenLimitReached when a whole (invoked) reply stopped at its token limit."""
    metadata = getattr(reply, "response_metadata", None) or {}
    if stopped_at_token_limit(metadata.get("finish_reason")):
        raise OutputTokenLimitReached(TOKEN_LIMIT_MESSAGE)
