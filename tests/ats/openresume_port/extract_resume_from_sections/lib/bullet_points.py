"""Port of ``extract-resume-from-sections/lib/bullet-points.ts``.

``BULLET_POINTS`` lists the bullet characters. Without a bullet, the
descriptions are the lines, their items joined by spaces; with one, the
lines are joined and split at the most common bullet, which, as in the
original (it never updates its maximum), is really the last bullet
character seen. ``get_descriptions_line_idx`` finds where descriptions start:
the first line with a bullet, else the first one-item line of at least eight
words.
"""

from __future__ import annotations

import re

from ...js import js_split_ws, js_trim
from ...types import Lines, TextItem


BULLET_POINTS = ["⋅", "∙", "🞄", "•", "⦁", "⚫︎", "●", "⬤", "⚬", "○"]


def get_bullet_points_from_lines(lines: Lines) -> list[str]:
    if _get_first_bullet_point_line_idx(lines) is None:
        return [" ".join(item["text"] for item in line) for line in lines]
    line_str = ""
    for item in (i for ln in lines for i in ln):
        text = item["text"]
        if not line_str.endswith(" ") and not text.startswith(" "):
            line_str += " "
        line_str += text
    common = _get_most_common_bullet_point(line_str)
    idx = line_str.find(common)
    if idx != -1:
        line_str = line_str[idx:]
    return [t for t in (js_trim(s) for s in line_str.split(common)) if t]


def _get_most_common_bullet_point(s: str) -> str:
    # Faithful to the original, which never updates bulletMaxCount: the result
    # is the last bullet character seen in the string.
    counts = {b: 0 for b in BULLET_POINTS}
    most = BULLET_POINTS[0]
    max_count = 0
    for ch in s:
        if ch in counts:
            counts[ch] += 1
            if counts[ch] > max_count:
                most = ch
    return most


def _get_first_bullet_point_line_idx(lines: Lines) -> int | None:
    for i, line in enumerate(lines):
        for item in line:
            if any(b in item["text"] for b in BULLET_POINTS):
                return i
    return None


def _is_word(s: str) -> bool:
    return re.search(r"^[^0-9]+\Z", s) is not None


def _has_at_least_8_words(item: TextItem) -> bool:
    return len([w for w in js_split_ws(item["text"]) if _is_word(w)]) >= 8


def get_descriptions_line_idx(lines: Lines) -> int | None:
    idx = _get_first_bullet_point_line_idx(lines)
    if idx is None:
        for i, line in enumerate(lines):
            if len(line) == 1 and _has_at_least_8_words(line[0]):
                idx = i
                break
    return idx
