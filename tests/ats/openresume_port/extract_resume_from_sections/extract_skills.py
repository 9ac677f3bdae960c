"""Port of ``extract-resume-from-sections/extract-skills.ts``.

In the section whose title contains "skill", the lines from the start of the
descriptions are the descriptions (bullet points); the text items before
them, if any, fill the six featured skills (rating 4), as in OpenResume's
``initialFeaturedSkills``.
"""

from __future__ import annotations

from typing import Any

from ..js import js_trim
from ..types import Lines
from .lib.bullet_points import get_bullet_points_from_lines, get_descriptions_line_idx
from .lib.get_section_lines import get_section_lines_by_keywords


def extract_skills(sections: dict[str, Lines]) -> dict[str, Any]:
    lines = get_section_lines_by_keywords(sections, ["skill"])
    idx = get_descriptions_line_idx(lines)
    idx = 0 if idx is None else idx
    descriptions = get_bullet_points_from_lines(lines[idx:])
    featured = [{"skill": "", "rating": 4} for _ in range(6)]
    if idx != 0:
        items = [i for ln in lines[:idx] for i in ln if js_trim(i["text"])][:6]
        for i, item in enumerate(items):
            featured[i]["skill"] = item["text"]
    return {"featuredSkills": featured, "descriptions": descriptions}
