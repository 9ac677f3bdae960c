"""Port of ``extract-resume-from-sections/lib/subsections.ts``.

Divides a section into subsections (one per school, job or project): a new
subsection starts where the gap to the previous line, rounded, is more than
1.4 times the most common gap; if that finds only one subsection, where a
bold line (not a bullet) follows a line that is not bold. Where the original
would throw (an empty line) the port drops the line and adds a message to
``WARNINGS``, which ``parse_text_items`` reports.
"""

from __future__ import annotations

from typing import Callable

from ...js import js_round
from ...types import Line, Lines
from .bullet_points import BULLET_POINTS
from .common_features import is_bold


WARNINGS: list[str] = []


def divide_section_into_subsections(lines: Lines) -> list[Lines]:
    if any(len(ln) == 0 for ln in lines):
        # OpenResume would throw a TypeError on line[0].y here.
        WARNINGS.append("empty line dropped before subsection split (OpenResume would throw)")
        lines = [ln for ln in lines if ln]
    is_new_by_gap = _create_is_line_new_subsection_by_line_gap(lines)
    subsections = _create_subsections(lines, is_new_by_gap)
    if len(subsections) == 1:

        def is_new_by_bold(line: Line, prev: Line) -> bool:
            return not is_bold(prev[0]) and is_bold(line[0]) and line[0]["text"] not in BULLET_POINTS

        subsections = _create_subsections(lines, is_new_by_bold)
    return subsections


def _create_is_line_new_subsection_by_line_gap(lines: Lines) -> Callable[[Line, Line], bool]:
    gap_to_count: dict[float, int] = {}
    lines_y = [ln[0]["y"] for ln in lines]
    gap_with_most = 0
    max_count = 0
    for i in range(1, len(lines_y)):
        gap = js_round(lines_y[i - 1] - lines_y[i])
        gap_to_count[gap] = gap_to_count.get(gap, 0) + 1
        if gap_to_count[gap] > max_count:
            gap_with_most = gap
            max_count = gap_to_count[gap]
    threshold = gap_with_most * 1.4

    def is_new(line: Line, prev: Line) -> bool:
        return js_round(prev[0]["y"] - line[0]["y"]) > threshold

    return is_new


def _create_subsections(lines: Lines, is_new: Callable[[Line, Line], bool]) -> list[Lines]:
    subsections: list[Lines] = []
    subsection: Lines = []
    for i, line in enumerate(lines):
        if i == 0:
            subsection.append(line)
            continue
        if is_new(line, lines[i - 1]):
            subsections.append(subsection)
            subsection = []
        subsection.append(line)
    if len(subsection) > 0:
        subsections.append(subsection)
    return subsections
