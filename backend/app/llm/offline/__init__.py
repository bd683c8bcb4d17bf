"""Offline LLM provider: a deterministic in-process chat model driven by prompt tags."""

from backend.app.llm.offline.model import OfflineChatModel
from backend.app.llm.prompt_tags import (
    TASK_INTENT_CLASSIFICATION,
    TASK_PROBLEM_ANALYSIS,
    TASK_PROBLEM_DESCRIPTION,
    TASK_PROBLEM_VARIATION,
    TASK_QNA_ANSWER,
    TASK_THEORY_LESSON,
    find_all_materials,
    find_bool,
    find_lines,
    find_tag,
    render_lines,
    render_material,
    render_tag,
    strip_tags,
)

__all__ = [
    "TASK_INTENT_CLASSIFICATION",
    "TASK_PROBLEM_ANALYSIS",
    "TASK_PROBLEM_DESCRIPTION",
    "TASK_PROBLEM_VARIATION",
    "TASK_QNA_ANSWER",
    "TASK_THEORY_LESSON",
    "OfflineChatModel",
    "find_all_materials",
    "find_bool",
    "find_lines",
    "find_tag",
    "render_lines",
    "render_material",
    "render_tag",
    "strip_tags",
]
