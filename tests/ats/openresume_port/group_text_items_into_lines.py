"""Port of ``group-text-items-into-lines.ts`` (step 2: text items -> lines).

A text item with ``hasEOL`` ends a line, and empty items are left out. Then,
within each line, neighbouring items are merged when the gap between them is
at most the typical character width (total width over total characters of
the items in the most common font and height), with a space added after ":",
",", "|", "." or a bullet, or before "|" or a bullet.
"""

from __future__ import annotations

import math

from .extract_resume_from_sections.lib.bullet_points import BULLET_POINTS
from .js import js_first_unit, js_last_unit, js_len, js_trim
from .types import Line, Lines, TextItem


def group_text_items_into_lines(text_items: list[TextItem]) -> Lines:
    lines: Lines = []
    line: Line = []
    for item in text_items:
        if item["hasEOL"]:
            if js_trim(item["text"]) != "":
                line.append(dict(item))
            lines.append(line)
            line = []
        elif js_trim(item["text"]) != "":
            line.append(dict(item))
    if len(line) > 0:
        lines.append(line)

    typical_char_width = get_typical_char_width([i for ln in lines for i in ln])
    for line in lines:
        for i in range(len(line) - 1, 0, -1):
            current = line[i]
            left = line[i - 1]
            left_x_end = left["x"] + left["width"]
            distance = current["x"] - left_x_end
            if distance <= typical_char_width:
                if should_add_space_between_text(left["text"], current["text"]):
                    left["text"] += " "
                left["text"] += current["text"]
                current_x_end = current["x"] + current["width"]
                left["width"] = current_x_end - left["x"]
                del line[i]
    return lines


def should_add_space_between_text(left_text: str, right_text: str) -> bool:
    left_end = js_last_unit(left_text)
    right_start = js_first_unit(right_text)
    conditions = [
        left_end in [":", ",", "|", ".", *BULLET_POINTS] and right_start != " ",
        left_end != " " and right_start in ["|", *BULLET_POINTS],
    ]
    return any(conditions)


def get_typical_char_width(text_items: list[TextItem]) -> float:
    text_items = [i for i in text_items if js_trim(i["text"]) != ""]
    height_to_count: dict[float, int] = {}
    common_height: float = 0
    height_max = 0
    font_to_count: dict[str, int] = {}
    common_font = ""
    font_max = 0
    for item in text_items:
        h = item["height"]
        height_to_count[h] = height_to_count.get(h, 0) + 1
        if height_to_count[h] > height_max:
            common_height = h
            height_max = height_to_count[h]
        fn = item["fontName"]
        font_to_count[fn] = font_to_count.get(fn, 0) + js_len(item["text"])
        if font_to_count[fn] > font_max:
            common_font = fn
            font_max = font_to_count[fn]
    common = [i for i in text_items if i["fontName"] == common_font and i["height"] == common_height]
    total_width = sum(i["width"] for i in common)
    num_chars = sum(js_len(i["text"]) for i in common)
    return total_width / num_chars if num_chars else math.nan
