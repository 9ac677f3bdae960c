"""Port of ``extract-resume-from-sections/extract-education.ts``.

Divides the section whose title contains "education" into subsections and
scores each for school, degree, GPA (a GPA pattern, or a grade read with
JavaScript ``parseFloat``) and date; descriptions are the bullet points.
Lines of a section whose title contains "course" are added to the first
education's descriptions as "Courses: ...".
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..js import js_match, js_number_to_string, js_parse_float
from ..types import FeatureSet, Lines, TextItem
from .lib.bullet_points import get_bullet_points_from_lines, get_descriptions_line_idx
from .lib.common_features import DATE_FEATURE_SETS, has_comma, has_letter, has_number
from .lib.feature_scoring_system import get_text_with_highest_feature_score
from .lib.get_section_lines import get_section_lines_by_keywords
from .lib.subsections import divide_section_into_subsections


SCHOOLS = ["College", "University", "Institute", "School", "Academy", "BASIS", "Magnet"]
DEGREES = ["Associate", "Bachelor", "Master", "PhD", "Ph."]


def has_school(item: TextItem) -> bool:
    return any(s in item["text"] for s in SCHOOLS)


def has_degree(item: TextItem) -> bool:
    return any(d in item["text"] for d in DEGREES) or re.search(r"[ABM][A-Z\.]", item["text"]) is not None


match_gpa = js_match(r"[0-4]\.[0-9]{1,2}")


def match_grade(item: TextItem) -> Any:
    grade = js_parse_float(item["text"])
    if math.isfinite(grade) and grade <= 110:
        return [js_number_to_string(grade)]
    return None


SCHOOL_FEATURE_SETS: list[FeatureSet] = [(has_school, 4), (has_degree, -4), (has_number, -4)]
DEGREE_FEATURE_SETS: list[FeatureSet] = [(has_degree, 4), (has_school, -4), (has_number, -3)]
GPA_FEATURE_SETS: list[FeatureSet] = [
    (match_gpa, 4, True),
    (match_grade, 3, True),
    (has_comma, -3),
    (has_letter, -4),
]


def extract_education(sections: dict[str, Lines]) -> list[dict[str, Any]]:
    educations: list[dict[str, Any]] = []
    lines = get_section_lines_by_keywords(sections, ["education"])
    for sub in divide_section_into_subsections(lines):
        items = [i for ln in sub for i in ln]
        school, _ = get_text_with_highest_feature_score(items, SCHOOL_FEATURE_SETS)
        degree, _ = get_text_with_highest_feature_score(items, DEGREE_FEATURE_SETS)
        gpa, _ = get_text_with_highest_feature_score(items, GPA_FEATURE_SETS)
        date, _ = get_text_with_highest_feature_score(items, DATE_FEATURE_SETS)
        descriptions: list[str] = []
        idx = get_descriptions_line_idx(sub)
        if idx is not None:
            descriptions = get_bullet_points_from_lines(sub[idx:])
        educations.append({"school": school, "degree": degree, "gpa": gpa, "date": date,
                           "descriptions": descriptions})
    if educations:
        courses = get_section_lines_by_keywords(sections, ["course"])
        if courses:
            educations[0]["descriptions"].append("Courses: " + " ".join(i["text"] for ln in courses for i in ln))
    return educations
