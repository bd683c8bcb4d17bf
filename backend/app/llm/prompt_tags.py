"""The tag protocol between the product's prompts and the offline model.

Prompts embed XML-like tags that real LLMs read as ordinary structure and the offline
model parses to know what to write. The model reads the concatenation of every message
(system, human, ai), so a tag may sit in any message. For single-valued tags the first
occurrence wins. Tags never nest; values are stripped of surrounding whitespace.

Task marker: ``<task>NAME</task>``; a missing or unknown task gets a short polite reply
to the last human message. Tags per task:

- ``theory_lesson``: ``<chapter_number>``, ``<section_number>``, ``<section_title>``,
  ``<objectives>`` (one per line), ``<key_concepts>`` (one per line, or comma-separated),
  ``<user_type>`` (beginner|advanced), ``<is_retry>`` (true|false),
  ``<material title="...">`` (zero or more) and optional ``<blocks_already_sent>`` (JSON
  array of delivered blocks; only the remaining blocks are written). Output: a JSON array
  of header, introduction, definition and examples blocks, without ``block_id``.
- ``problem_analysis``: ``<prompt>``, ``<difficulty>`` (easy|medium|hard),
  ``<algorithm_type>`` (may be empty: inferred from the prompt). Output: JSON object with
  ``algorithm_type``, ``key_concepts``, ``difficulty``, ``summary``.
- ``problem_variation``: ``<prompt>``, ``<difficulty>``, ``<algorithm_type>``,
  ``<key_concepts>``. Output: JSON object with ``title`` and ``scenario``.
- ``problem_description``: ``<prompt>``, ``<difficulty>``, ``<algorithm_type>``,
  ``<title>``, ``<scenario>``. Output: Markdown with the headings 제목, 문제 설명, 입력 형식,
  출력 형식, 제약 조건, 예제, 힌트.
- ``problem_solution``: ``<algorithm_type>``, ``<problem>`` (the parsed problem as
  Markdown: statement, formats, constraints, examples). Output: one ```python fenced
  program that reads stdin and writes stdout.
- ``problem_repair``: ``<algorithm_type>``, ``<problem>``, ``<solution>`` (the program
  that disagreed), ``<runs>`` (a JSON array of ``{"index", "input", "expected", "actual",
  "error"}`` for the examples that did not match). Output: a ```python fenced corrected
  program, or a JSON object ``{"examples": [{"index": i, "output": "..."}]}`` with the
  corrected outputs of wrong examples (or both).
- ``qna_answer``: ``<question>`` (in the last human message), optional ``<lesson>``,
  ``<material title="...">`` (zero or more). Earlier turns of the conversation come as
  human and ai messages of their own, their text passed through ``escape_tags``. Output:
  Markdown answer citing material titles.
- ``intent_classification``: ``<message>``. Output: JSON object ``{"intent": ...}`` with
  question | next_step | retry_easier | other.

Use ``render_tag`` (or ``render_material``) to embed values: it escapes attribute values
and neutralises protocol tags inside a value (``<task>`` becomes ``&lt;task>``), so user
text cannot inject or close a tag; the parsers undo that escaping. Text that sits in a
message of its own (a past turn) goes through ``escape_tags`` for the same reason. A
system prompt names a tag without its angle brackets ("the question tag"): a literal
``<question>`` there would open a tag the offline model reads.
"""

from __future__ import annotations

import html
import re

TASK_THEORY_LESSON = "theory_lesson"
TASK_PROBLEM_ANALYSIS = "problem_analysis"
TASK_PROBLEM_VARIATION = "problem_variation"
TASK_PROBLEM_DESCRIPTION = "problem_description"
TASK_PROBLEM_SOLUTION = "problem_solution"
TASK_PROBLEM_REPAIR = "problem_repair"
TASK_QNA_ANSWER = "qna_answer"
TASK_INTENT_CLASSIFICATION = "intent_classification"

TAG_NAMES = (
    "task",
    "chapter_number",
    "section_number",
    "section_title",
    "objectives",
    "key_concepts",
    "user_type",
    "is_retry",
    "material",
    "blocks_already_sent",
    "prompt",
    "difficulty",
    "algorithm_type",
    "title",
    "scenario",
    "problem",
    "solution",
    "runs",
    "question",
    "lesson",
    "message",
)

_NAMES = "|".join(TAG_NAMES)
# A protocol tag opening or closing inside a value, e.g. "<task>" or "</material".
_INNER_TAG = re.compile(rf"<(/?(?:{_NAMES})\b)")
_ESCAPED_TAG = re.compile(rf"&lt;(/?(?:{_NAMES})\b)")
_ATTR = re.compile(r'([A-Za-z_][\w-]*)\s*=\s*"([^"]*)"')
_TRUE_WORDS = {"true", "1", "yes", "y", "예", "네"}


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"<{re.escape(name)}(\s[^>]*)?>(.*?)</{re.escape(name)}\s*>", re.DOTALL)


def _unescape(value: str) -> str:
    return _ESCAPED_TAG.sub(r"<\1", value).strip()


def escape_tags(value: object) -> str:
    """Return the text with every protocol tag in it neutralised (``<task>`` -> ``&lt;task>``)."""
    return _INNER_TAG.sub(r"&lt;\1", "" if value is None else str(value))


def render_tag(name: str, value: object, **attrs: object) -> str:
    """Return ``<name attr="...">value</name>`` with the value made safe to embed."""
    body = escape_tags(value)
    attr_text = "".join(
        f' {key}="{html.escape(str(val), quote=True)}"' for key, val in attrs.items()
    )
    return f"<{name}{attr_text}>{body}</{name}>"


def render_material(title: str, text: str) -> str:
    """Return one ``<material title="...">`` tag for a course material excerpt."""
    return render_tag("material", text, title=title)


def render_lines(name: str, items: list[str]) -> str:
    """Return a tag holding one item per line (objectives, key concepts)."""
    return render_tag(name, "\n".join(items))


def find_tag(text: str, name: str) -> str | None:
    """Return the stripped value of the first ``<name>`` tag, or None when absent."""
    match = _pattern(name).search(text)
    return _unescape(match.group(2)) if match else None


def find_tag_attrs(text: str, name: str) -> list[tuple[dict[str, str], str]]:
    """Return ``(attributes, value)`` for every ``<name>`` tag, in order."""
    found = []
    for match in _pattern(name).finditer(text):
        attrs = {key: html.unescape(val) for key, val in _ATTR.findall(match.group(1) or "")}
        found.append((attrs, _unescape(match.group(2))))
    return found


def find_all_materials(text: str) -> list[tuple[str, str]]:
    """Return ``(title, text)`` for every non-empty ``<material>`` tag, in order."""
    materials = []
    for index, (attrs, value) in enumerate(find_tag_attrs(text, "material"), start=1):
        if value:
            materials.append((attrs.get("title", "").strip() or f"자료 {index}", value))
    return materials


def find_lines(text: str, name: str, *, split_commas: bool = False) -> list[str]:
    """Return the non-empty lines of a tag, without bullet marks; optionally comma-split."""
    value = find_tag(text, name) or ""
    lines = [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip() for line in value.splitlines()]
    if split_commas:
        lines = [part.strip() for line in lines for part in re.split(r"[,，、]", line)]
    return [line for line in lines if line]


def find_bool(text: str, name: str, *, default: bool = False) -> bool:
    """Return a true/false tag as a bool (true, 1, yes count as true)."""
    value = find_tag(text, name)
    if value is None or not value:
        return default
    return value.lower() in _TRUE_WORDS


def strip_tags(text: str) -> str:
    """Return the text with the markup of every protocol tag removed (values are kept)."""
    without = re.sub(rf"</?(?:{_NAMES})\b[^>]*>", " ", text)
    return re.sub(r"\s+", " ", _ESCAPED_TAG.sub(r"<\1", without)).strip()
