"""The synchronous lesson tool: one model call, validated blocks, one retry on bad output."""

from __future__ import annotations

import logging

from langchain_core.language_models.chat_models import BaseChatModel

from backend.app.llm.errors import GenerationFailed, ModelUnavailable
from backend.app.llm.text import content_text
from backend.app.tools.content.block_intake import BlockTally, accept_blocks
from backend.app.tools.content.blocks import number_blocks
from backend.app.tools.content.json_output import extract_block_list
from backend.app.tools.content.lesson_context import LessonContext
from backend.app.tools.content.theory_prompts import build_lesson_messages

log = logging.getLogger(__name__)

ATTEMPTS = 2  # the first call and one retry when the output is unusable


def parse_lesson(text: str, tally: BlockTally | None = None) -> list[dict]:
    """The valid blocks found in a whole reply, in order (invalid ones skipped, counted)."""
    reply_tally = BlockTally()
    return _accept(extract_block_list(text, reply_tally), reply_tally, tally)


def _accept(raw_blocks: list, reply_tally: BlockTally, tally: BlockTally | None) -> list[dict]:
    """Validate a reply's blocks into `reply_tally` (which may already count unparsable ones)."""
    valid = list(accept_blocks(raw_blocks, reply_tally))
    if reply_tally.skipped:
        log.info("Skipped %d invalid blocks of a reply", reply_tally.skipped)
    if tally is not None:
        tally.add(reply_tally)
    return valid


def theory_generation_tool(
    context: LessonContext, model: BaseChatModel, tally: BlockTally | None = None
) -> list[dict]:
    """The whole lesson as numbered blocks; GenerationFailed when no usable block came.

    `tally` counts the blocks skipped or cut in the reply the lesson was taken from.
    """
    messages = build_lesson_messages(context)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            reply = model.invoke(messages)
        except Exception as error:  # the client has already spent its bounded retries
            raise ModelUnavailable(f"{type(error).__name__}: {error}") from error
        attempt_tally = BlockTally()
        blocks = parse_lesson(content_text(reply.content), attempt_tally)
        if blocks:
            if tally is not None:
                tally.add(attempt_tally)
            return number_blocks(blocks)
        log.warning("Lesson attempt %d gave no usable block", attempt)
    raise GenerationFailed(f"no usable lesson block after {ATTEMPTS} attempts")


def _kind(block) -> tuple[str | None, str | None]:
    """(block_type, section type) of a block as the model wrote it, valid or not."""
    if not isinstance(block, dict) or not isinstance(block.get("block_type"), str):
        return (None, None)
    data = block.get("data")
    if block["block_type"] != "section" or not isinstance(data, dict):
        return (block["block_type"], None)
    section_type = data.get("type")
    return ("section", section_type if isinstance(section_type, str) else None)


def theory_continuation_tool(
    context: LessonContext,
    model: BaseChatModel,
    delivered: list[dict],
    tally: BlockTally | None = None,
) -> list[dict]:
    """One call for the blocks after `delivered`; blocks of a kind already sent are dropped.

    Repeats are dropped before validation, so an invalid repeat is not counted in `tally`.
    """
    sent = [{"block_type": b["block_type"], "data": b["data"]} for b in delivered]
    messages = build_lesson_messages(context, blocks_already_sent=sent)
    try:
        reply = model.invoke(messages)
    except Exception as error:
        raise ModelUnavailable(f"{type(error).__name__}: {error}") from error
    seen = {_kind(block) for block in delivered}
    reply_tally = BlockTally()
    raw_blocks = extract_block_list(content_text(reply.content), reply_tally)
    rest = _accept([raw for raw in raw_blocks if _kind(raw) not in seen], reply_tally, tally)
    if not rest:
        raise GenerationFailed("the continuation gave no new block")
    return rest
