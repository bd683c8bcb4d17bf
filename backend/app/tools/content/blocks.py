"""Theory lesson blocks: one pydantic model per block type (seed 001's block shapes).

The model is asked for `[{"block_type", "data"}, ...]`; each block is validated here, any
`block_id` it sends is ignored, and the server numbers the valid blocks 1, 2, ...
A block over a size cap (too many items, too long a text) is cut to the cap and kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from backend.app.tools.content.block_caps import fit_to_caps

log = logging.getLogger(__name__)

# The size caps, also told to the model (theory_prompts.py) so it need not write past them.
MAX_TEXT_CHARS = 4000
MAX_SHORT_TEXT_CHARS = 300
MAX_LIST_ITEMS = 10

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS)]
ShortText = Annotated[str, Field(min_length=1, max_length=MAX_SHORT_TEXT_CHARS)]


class _Data(BaseModel):
    # Models add harmless extra keys; they are dropped rather than failing the block.
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class HeaderData(_Data):
    """The lesson's title line: `📚 2챕터 1섹션` and a title."""

    chapter_info: ShortText
    title: ShortText


class IntroductionData(_Data):
    """A friendly opening paragraph."""

    type: Literal["introduction"]
    content: Text


class Analogy(_Data):
    """An everyday comparison that makes a concept concrete."""

    concept: ShortText
    comparison: Text
    details: list[Text] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)


class DefinitionData(_Data):
    """What the concept is, with an analogy."""

    type: Literal["definition"]
    title: ShortText
    content: Text
    analogy: Analogy | None = None


class ExampleItem(_Data):
    """One real-world example."""

    category: ShortText
    description: Text
    benefit: Text | None = None


class ExamplesData(_Data):
    """Examples from everyday life or practice."""

    type: Literal["examples"]
    title: ShortText
    items: list[ExampleItem] = Field(min_length=1, max_length=MAX_LIST_ITEMS)


SectionData = Annotated[
    IntroductionData | DefinitionData | ExamplesData, Field(discriminator="type")
]
_SECTION = TypeAdapter(SectionData)


@dataclass(frozen=True)
class CheckedBlock:
    """A model's block after validation: clean (or None when unusable) and the paths cut."""

    block: dict | None
    cut_paths: tuple[str, ...] = ()


_VALIDATORS = {"header": HeaderData.model_validate, "section": _SECTION.validate_python}


def check_block(raw: Any) -> CheckedBlock:
    """Validate one block; a block that breaks only size caps comes back cut to them."""
    if not isinstance(raw, dict):
        return CheckedBlock(None)
    block_type, data = raw.get("block_type"), raw.get("data")
    validate = _VALIDATORS.get(block_type) if isinstance(block_type, str) else None
    if validate is None:
        return CheckedBlock(None)
    try:
        clean, cut_paths = fit_to_caps(validate, data)
    except ValidationError as error:
        log.info("Skipping an invalid %s block: %d problems", block_type, error.error_count())
        return CheckedBlock(None)
    block = {"block_type": block_type, "data": clean.model_dump(exclude_none=True)}
    return CheckedBlock(block, tuple(cut_paths))


def validate_block(raw: Any) -> dict | None:
    """The block as `{"block_type", "data"}` with clean data, or None when it is unusable."""
    return check_block(raw).block


def block_kind(block: dict) -> str:
    """A block's kind for logs and metrics: the section's type, else the block type."""
    section_type = block["data"].get("type") if block["block_type"] == "section" else None
    return section_type or block["block_type"]


def number_blocks(blocks: list[dict], start: int = 1) -> list[dict]:
    """Give validated blocks their server-side ids, in order."""
    return [
        {"block_type": b["block_type"], "block_id": start + i, "data": b["data"]}
        for i, b in enumerate(blocks)
    ]
