"""The shipped course (chapters, sections, materials) and its loader."""

from backend.app.course.catalog import (
    Chapter,
    Course,
    CourseDataError,
    Material,
    Section,
    get_course,
    load_course,
)

__all__ = [
    "Chapter",
    "Course",
    "CourseDataError",
    "Material",
    "Section",
    "get_course",
    "load_course",
]
