"""Read the examples section: labelled input/output blocks and their explanations.

Models write examples in several shapes (``### 예제 1`` with ``입력:`` + a fenced block,
BOJ-style ``### 예제 입력 1`` headings, ``**Input**``, one-line ``입력: 3 4``). The section
is read as a sequence of labels and fenced blocks, so all of them come out the same.
"""

from __future__ import annotations

import re

from backend.app.domain.problems import Example

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_LABEL = re.compile(
    r"^[\s#>*_-]*(?:예제|예시|example|sample)?\s*"
    r"(?P<kind>입력|출력|설명|input|output|explanation)\s*\d*[\s*_]*(?:[:：]\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
_KINDS = {"입력": "input", "input": "input", "출력": "output", "output": "output"}


class _Builder:
    """Collects examples as labels and values arrive in document order."""

    def __init__(self) -> None:
        self.examples: list[Example] = []
        self.current: dict[str, str] = {}
        self.pending = "input"  # what an unlabelled fenced block is taken to be

    def value(self, kind: str, text: str) -> None:
        if kind == "input" and "input" in self.current:
            self.flush()
        self.current[kind] = text
        self.pending = "output" if kind == "input" else "input"

    def explanation(self, text: str) -> None:
        # An explanation belongs to the example being built; one before any example is noise.
        if self.current:
            self.current["explanation"] = f"{self.current.get('explanation', '')} {text}".strip()

    def flush(self) -> None:
        if "input" in self.current and "output" in self.current:
            self.examples.append(Example(**self.current))
        self.current = {}


def parse_examples(body: str) -> list[Example]:
    """Every complete input/output pair in an examples section, in order."""
    builder = _Builder()
    lines = body.split("\n")
    index = 0
    explaining = False
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence:
            block, index = _read_fence(lines, index, fence.group(1))
            builder.value(builder.pending, block)
            explaining = False
            continue
        label = _LABEL.match(line)
        if label:
            kind = label.group("kind").lower()
            rest = _strip_inline(label.group("rest") or "")
            if kind in ("설명", "explanation"):
                explaining = True
                if rest:
                    builder.explanation(rest)
            else:
                explaining = False
                builder.pending = _KINDS[kind]
                if rest:
                    builder.value(_KINDS[kind], rest)
        elif explaining and line.strip() and not line.lstrip().startswith("#"):
            builder.explanation(line.strip())
        elif line.lstrip().startswith("#"):
            explaining = False
        index += 1
    builder.flush()
    return builder.examples


def _read_fence(lines: list[str], start: int, marker: str) -> tuple[str, int]:
    """The fenced block's text and the index after its closing fence (or the end)."""
    body = []
    index = start + 1
    while index < len(lines) and not lines[index].strip().startswith(marker):
        body.append(lines[index])
        index += 1
    return "\n".join(body).strip("\n"), index + 1


def _strip_inline(text: str) -> str:
    """A value written on the label's own line, without Markdown code marks."""
    # "**입력:** `3 4`" leaves "** `3 4`" after the colon: drop emphasis, then code marks.
    return text.strip().lstrip("*_").strip().strip("`").strip()
