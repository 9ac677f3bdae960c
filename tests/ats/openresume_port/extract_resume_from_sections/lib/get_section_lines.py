"""Port of ``extract-resume-from-sections/lib/get-section-lines.ts``.

Returns the lines of the first section (in JavaScript key order) whose
lower-cased title contains one of the given keywords, or no lines.
"""

from __future__ import annotations

from ...js import js_keys
from ...types import Lines


def get_section_lines_by_keywords(sections: dict[str, Lines], keywords: list[str]) -> Lines:
    for name in js_keys(sections):
        if any(k in name.lower() for k in keywords):
            return sections[name]
    return []
