"""Port of ``extract-resume-from-sections/extract-project.ts``.

Divides the section whose title contains "project" into subsections. In
each, the lines before the descriptions (the first line if none are found)
are scored for date and project name (bold, not the date); the descriptions
are the bullet points.
"""

from __future__ import annotations

from typing import Any

from ..types import FeatureSet, Lines
from .lib.bullet_points import get_bullet_points_from_lines, get_descriptions_line_idx
from .lib.common_features import DATE_FEATURE_SETS, get_has_text, is_bold
from .lib.feature_scoring_system import get_text_with_highest_feature_score
from .lib.get_section_lines import get_section_lines_by_keywords
from .lib.subsections import divide_section_into_subsections


def extract_project(sections: dict[str, Lines]) -> list[dict[str, Any]]:
    projects: list[dict[str, Any]] = []
    lines = get_section_lines_by_keywords(sections, ["project"])
    for sub in divide_section_into_subsections(lines):
        idx = get_descriptions_line_idx(sub)
        idx = 1 if idx is None else idx
        info = [i for ln in sub[:idx] for i in ln]
        date, _ = get_text_with_highest_feature_score(info, DATE_FEATURE_SETS)
        project_feature_set: list[FeatureSet] = [(is_bold, 2), (get_has_text(date), -4)]
        project, _ = get_text_with_highest_feature_score(info, project_feature_set, False)
        descriptions = get_bullet_points_from_lines(sub[idx:])
        projects.append({"project": project, "date": date, "descriptions": descriptions})
    return projects
