"""The shipped course: outline and section files agree, content is complete, order is right."""

from __future__ import annotations

import json
import shutil

import pytest
from pydantic import ValidationError

from backend.app.course import CourseDataError, get_course, load_course
from backend.app.course.catalog import COURSE_DIR

MIN_CONTENT_CHARS = 200


def test_outline_matches_the_section_files():
    raw = json.loads((COURSE_DIR / "outline.json").read_text(encoding="utf-8"))
    course = get_course()
    assert course.outline() == raw["chapters"]
    for chapter in raw["chapters"]:
        for entry in chapter["sections"]:
            name = f"ch{chapter['chapter_number']}_s{entry['section_number']}.json"
            data = json.loads((COURSE_DIR / "sections" / name).read_text(encoding="utf-8"))
            assert data["title"] == entry["title"]
            assert (
                course.section(chapter["chapter_number"], entry["section_number"]).title
                == entry["title"]
            )


def test_outline_shape_is_exactly_numbers_and_titles():
    outline = get_course().outline()
    assert [chapter["chapter_number"] for chapter in outline] == [1, 2, 3]
    for chapter in outline:
        assert set(chapter) == {"chapter_number", "title", "sections"}
        assert all(set(section) == {"section_number", "title"} for section in chapter["sections"])


def test_three_chapters_each_with_at_least_two_sections():
    course = get_course()
    assert len(course.chapters) == 3
    for chapter in course.chapters:
        assert len(chapter.sections) >= 2
        assert [s.section_number for s in chapter.sections] == list(
            range(1, len(chapter.sections) + 1)
        )
    assert len(course.all_sections()) == 9


def test_every_section_is_complete():
    for section in get_course().all_sections():
        assert 2 <= len(section.objectives) <= 4, section.chapter_info
        assert 3 <= len(section.key_concepts) <= 6, section.chapter_info
        assert section.summary.strip()
        assert len(section.materials) >= 3, section.chapter_info
        for material in section.materials:
            assert material.title.strip()
            assert len(material.content) >= MIN_CONTENT_CHARS, material.material_id
            assert material.material_id.startswith(
                f"ch{section.chapter_number}_s{section.section_number}_m"
            )


def test_material_ids_titles_and_contents_are_unique():
    materials = [material for _, material in get_course().all_materials()]
    for field in ("material_id", "title", "content"):
        values = [getattr(material, field) for material in materials]
        assert len(values) == len(set(values)), field


def test_next_section_within_and_across_chapters_and_at_the_end():
    course = get_course()
    assert course.next_section(1, 1).title == course.section(1, 2).title
    crossing = course.next_section(1, 3)
    assert (crossing.chapter_number, crossing.section_number) == (2, 1)
    assert (course.next_section(2, 3).chapter_number, course.next_section(2, 3).section_number) == (
        3,
        1,
    )
    assert course.next_section(3, 3) is None
    assert course.next_section(9, 9) is None
    sections = course.all_sections()
    walked = [sections[0]]
    while (
        following := course.next_section(walked[-1].chapter_number, walked[-1].section_number)
    ) is not None:
        walked.append(following)
    assert walked == sections


def test_section_lookup_and_chapter_info():
    course = get_course()
    assert course.section(2, 1).chapter_info == "📚 2챕터 1섹션"
    assert course.section(4, 1) is None
    assert course.section(1, 0) is None


def test_models_are_frozen_and_loaded_once():
    course = get_course()
    assert get_course() is course
    with pytest.raises(ValidationError):
        course.section(1, 1).title = "바뀐 제목"


@pytest.fixture
def course_copy(tmp_path):
    target = tmp_path / "course"
    shutil.copytree(COURSE_DIR, target)
    return target


def _edit(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_copy_of_shipped_data_loads(course_copy):
    assert load_course(course_copy) == get_course()


def test_title_mismatch_is_reported(course_copy):
    _edit(course_copy / "sections" / "ch2_s2.json", lambda data: data.update(title="다른 제목"))
    with pytest.raises(CourseDataError, match=r"ch2_s2\.json title"):
        load_course(course_copy)


def test_missing_section_file_is_reported(course_copy):
    (course_copy / "sections" / "ch3_s1.json").unlink()
    with pytest.raises(CourseDataError, match=r"ch3_s1\.json"):
        load_course(course_copy)


def test_section_file_not_in_outline_is_reported(course_copy):
    _edit(course_copy / "outline.json", lambda data: data["chapters"][2]["sections"].pop())
    with pytest.raises(CourseDataError, match=r"ch3_s3\.json"):
        load_course(course_copy)


def test_wrong_numbers_inside_a_section_file_are_reported(course_copy):
    _edit(course_copy / "sections" / "ch1_s2.json", lambda data: data.update(section_number=3))
    with pytest.raises(CourseDataError, match=r"ch1_s2\.json declares"):
        load_course(course_copy)
