"""Port of ``group-lines-into-sections.ts`` (step 3: lines -> sections).

Lines before the first section title form the ``profile`` section. A line is
a section title when it is the third line or later, has a single text item,
and that item is bold and all upper case, or else has at most two words of
only letters, spaces and "&", starts with a capital and contains one of the
section keywords (experience, education, project, skill, job, course, ...).
The sections are returned as a dict from title to lines.
"""

from __future__ import annotations

import re

from .extract_resume_from_sections.lib.common_features import (
    has_letter_and_is_all_upper_case,
    has_only_letters_spaces_ampersands,
    is_bold,
)
from .js import js_trim
from .types import Line, Lines


PROFILE_SECTION = "profile"
SECTION_TITLE_PRIMARY_KEYWORDS = ["experience", "education", "project", "skill"]
SECTION_TITLE_SECONDARY_KEYWORDS = ["job", "course", "extracurricular", "objective",
                                    "summary", "award", "honor", "project"]
SECTION_TITLE_KEYWORDS = [*SECTION_TITLE_PRIMARY_KEYWORDS, *SECTION_TITLE_SECONDARY_KEYWORDS]


def group_lines_into_sections(lines: Lines) -> dict[str, Lines]:
    sections: dict[str, Lines] = {}
    section_name = PROFILE_SECTION
    section_lines: Lines = []
    for i, line in enumerate(lines):
        text = js_trim(line[0]["text"]) if line else None
        if is_section_title(line, i):
            sections[section_name] = list(section_lines)
            section_name = text  # type: ignore[assignment]
            section_lines = []
        else:
            section_lines.append(line)
    if len(section_lines) > 0:
        sections[section_name] = list(section_lines)
    return sections


def is_section_title(line: Line, line_number: int) -> bool:
    if line_number < 2 or len(line) > 1 or len(line) == 0:
        return False
    item = line[0]
    if is_bold(item) and has_letter_and_is_all_upper_case(item):
        return True
    text = js_trim(item["text"])
    text_has_at_most_2_words = len([s for s in text.split(" ") if s != "&"]) <= 2
    starts_with_capital = re.search(r"[A-Z]", text[:1]) is not None
    return (
        text_has_at_most_2_words
        and has_only_letters_spaces_ampersands(item)
        and starts_with_capital
        and any(k in text.lower() for k in SECTION_TITLE_KEYWORDS)
    )
