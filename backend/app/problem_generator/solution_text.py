"""Read the verification stage's replies: a fenced Python program, corrected example outputs."""

from __future__ import annotations

import json
import re

from backend.app.problem_generator.stages import first_json_object

# A fenced block and its info string; the closing fence matches the opening one.
_FENCED = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.DOTALL | re.MULTILINE,
)
_PYTHON_INFO = {"python", "python3", "py"}
MAX_SOLUTION_CHARS = 50_000


def extract_program(reply: str) -> str | None:
    """The Python program in a reply: its ```python block, else its only untagged block.

    A reply that is bare code (no fence at all) is taken whole when it reads like a
    program. None when nothing usable is there.
    """
    blocks = [(m.group("info").strip().lower(), m.group("body")) for m in _FENCED.finditer(reply)]
    for info, body in blocks:
        if info.split(" ")[0] in _PYTHON_INFO and body.strip():
            return _bounded(body)
    untagged = [body for info, body in blocks if not info and body.strip()]
    if len(untagged) == 1:
        return _bounded(untagged[0])
    if not blocks and re.search(r"^\s*(import |from |def |print\(|for |n\s*=)", reply, re.M):
        return _bounded(reply)
    return None


def _bounded(program: str) -> str | None:
    program = program.strip("\n") + "\n"
    return program if len(program) <= MAX_SOLUTION_CHARS else None


def extract_corrected_outputs(reply: str) -> dict[int, str]:
    """The corrected example outputs in a repair reply, by example index (may be empty)."""
    data = None
    for match in _FENCED.finditer(reply):
        if match.group("info").strip().lower() == "json":
            try:
                data = json.loads(match.group("body"))
            except ValueError:
                data = None
            break
    if not isinstance(data, dict):
        data = first_json_object(reply) or {}
    corrected: dict[int, str] = {}
    examples = data.get("examples")
    for item in examples if isinstance(examples, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("output"), str | int | float):
            continue
        try:
            index = int(item.get("index"))
        except (TypeError, ValueError):
            continue
        corrected[index] = str(item["output"]).strip("\n")
    return corrected
