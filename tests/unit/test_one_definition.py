"""Wire pieces defined once: the `stream_error` builder, the terminal types, shared messages."""

from __future__ import annotations

import ast
from pathlib import Path

from backend.app.problem_generator import events as generator_events
from backend.app.services.streams.base import session_status
from backend.app.streaming.events import TERMINAL_TYPES, is_terminal, stream_error

APP = Path(__file__).resolve().parents[2] / "backend" / "app"
EVENTS_MODULE = APP / "streaming" / "events.py"


def _modules() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in APP.rglob("*.py")}


def _dicts_with(key: str, value: str, *, skip: Path | None = None) -> list[str]:
    """Where a dict literal maps the string `key` to the string `value` ("path:line")."""
    return [
        f"{path.relative_to(APP)}:{node.lineno}"
        for path, tree in _modules().items()
        if path != skip
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        and any(
            isinstance(k, ast.Constant) and k.value == key
            and isinstance(v, ast.Constant) and v.value == value
            for k, v in zip(node.keys, node.values, strict=True)
        )
    ]  # fmt: skip


def _strings(node: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and n.value.__class__ is str
    ]


def test_stream_error_events_are_built_by_the_one_builder():
    assert _dicts_with("type", "stream_error", skip=EVENTS_MODULE) == []
    assert stream_error("CANCELLED", "stopped") == {
        "type": "stream_error",
        "code": "CANCELLED",
        "message": "stopped",
    }
    assert list(stream_error("X", "y")) == ["type", "code", "message"]  # the wire's key order


def test_the_terminal_types_are_listed_once():
    copies = [
        f"{path.relative_to(APP)}:{node.lineno}"
        for path, tree in _modules().items()
        if path != EVENTS_MODULE
        for node in ast.walk(tree)
        if isinstance(node, ast.Tuple | ast.List | ast.Set)
        and {"stream_complete", "stream_error"} <= set(_strings(node))
    ]
    assert copies == []
    assert {"stream_complete", "stream_error"} == TERMINAL_TYPES
    assert is_terminal({"type": "stream_complete"}) and not is_terminal({"type": "theory_block"})


def test_session_not_found_message_is_defined_once():
    definers = [
        str(path.relative_to(APP))
        for path, tree in _modules().items()
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "SESSION_NOT_FOUND" for t in node.targets)
    ]
    assert len(definers) == 1, definers


def test_generator_events_keep_no_unused_names():
    assert not hasattr(generator_events, "STAGES")
    assert not hasattr(generator_events, "format_stream_message")


def test_the_session_status_of_a_run_outcome_is_mapped_once():
    assert _dicts_with("completed", "completed") == []
    outcomes = ("completed", "cancelled", "failed", "aborted")
    assert [session_status(o) for o in outcomes] == ["completed", "cancelled", "failed", "failed"]
