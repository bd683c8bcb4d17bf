"""The synchronous lesson tool: one model call, validated blocks, one retry on bad output."""

from __future__ import annotations

import logging

from langchain_core.language_models.chat_models import BaseChatModel

from backend.app.llm.errors import GenerationFailed, ModelUnavailable
from backend.app.llm.text import content_text
from backend.app.tools.content.blocks import number_blocks, validate_block
from backend.app.tools.content.json_output import extract_block_list
from backend.app.tools.content.lesson_context import LessonContext
from backend.app.tools.content.theory_prompts import build_lesson_messages

log = logging.getLogger(__name__)

ATTEMPTS = 2  # the first call and one retry when the output is unusable


def parse_lesson(text: str) -> list[dict]:
    """The valid blocks found in a whole reply, in order (invalid ones are skipped)."""
    raw_blocks = extract_block_list(text) or []
    valid = [block for block in map(validate_block, raw_blocks) if block is not None]
    if len(valid) < len(raw_blocks):
        log.info("Skipped %d invalid blocks of %d", len(raw_blocks) - len(valid), len(raw_blocks))
    return valid


def theory_generation_tool(context: LessonContext, model: BaseChatModel) -> list[dict]:
    """The whole lesson as numbered blocks; GenerationFailed when no usable block came."""
    messages = build_lesson_messages(context)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            reply = model.invoke(messages)
        except Exception as error:  # the client has already spent its bounded retries
            raise ModelUnavailable(f"{type(error).__name__}: {error}") from error
        blocks = parse_lesson(content_text(reply.content))
        if blocks:
            return number_blocks(blocks)
        log.warning("Lesson attempt %d gave no usable block", attempt)
    raise GenerationFailed(f"no usable lesson block after {ATTEMPTS} attempts")


def _kind(block: dict) -> tuple[str, str | None]:
    return block["block_type"], block["data"].get("type")


def theory_continuation_tool(
    context: LessonContext, model: BaseChatModel, delivered: list[dict]
) -> list[dict]:
    """One call for the blocks after `delivered`; blocks of a kind already sent are dropped."""
    sent = [{"block_type": b["block_type"], "data": b["data"]} for b in delivered]
    messages = build_lesson_messages(context, blocks_already_sent=sent)
    try:
        reply = model.invoke(messages)
    except Exception as error:
        raise ModelUnavailable(f"{type(error).__name__}: {error}") from error
    seen = {_kind(block) for block in delivered}
    rest = [
        block for block in parse_lesson(content_text(reply.content)) if _kind(block) not in seen
    ]
    if not rest:
        raise GenerationFailed("the continuation gave no new block")
    return rest
