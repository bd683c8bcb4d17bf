"""The services container: one typed object per app, the only holder of the app's services."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from backend.app.services.container import EXTENSION_KEY, Services, services

ROOT = Path(__file__).resolve().parents[2]
CONTAINER = ROOT / "backend" / "app" / "services" / "container.py"
EXTENSION_LOOKUP = re.compile(r"""extensions\s*(\[|\.get\()\s*["']tutor""")


def test_every_service_is_built_with_its_declared_type(app):
    built = services(app)
    assert isinstance(built, Services)
    for name, declared in typing.get_type_hints(Services).items():
        assert isinstance(getattr(built, name), typing.get_origin(declared) or declared), name


def test_services_are_built_once_per_app(app):
    with app.app_context():
        assert services() is services(app) is app.extensions[EXTENSION_KEY]


def test_streams_and_turns_share_one_tutor_and_one_run_slot_counter(app):
    built = services(app)
    assert built.turns.tutor is built.session_views.tutor is built.tutor
    assert built.lesson_streams.educator is built.tutor.educator
    assert built.answer_streams.qna is built.tutor.qna
    slots = {id(built.run_slots), id(built.turns.run_slots), id(built.problem_streams.run_slots)}
    assert slots == {id(built.lesson_streams.run_slots)}


def test_no_code_looks_services_up_by_string_key():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("backend", "tests", "benchmarks")
        for path in (ROOT / folder).rglob("*.py")
        if path != CONTAINER and path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if EXTENSION_LOOKUP.search(line)
    ]
    assert offenders == []
