"""Port of ``extract-resume-from-sections/lib/common-features.ts``.

The feature functions the extractors share: bold, has a letter, a number or
a comma, has some text, only letters, spaces and "&", all upper case, and the
date features (a year, a month, a season, "Present") with
``DATE_FEATURE_SETS``. Bold means the font name contains "bold" in any case,
as in OpenResume; the font weight is not looked at. The original's quirk is
kept: a month also matches by its first four letters, so "Marc" does but
"Mar" does not.
"""

from __future__ import annotations

import re
from typing import Callable

from ...js import JS_WS_CHARS
from ...types import FeatureSet, TextItem


def is_bold(item: TextItem) -> bool:
    return "bold" in item["fontName"].lower()


def has_letter(item: TextItem) -> bool:
    return re.search(r"[a-zA-Z]", item["text"]) is not None


def has_number(item: TextItem) -> bool:
    return re.search(r"[0-9]", item["text"]) is not None


def has_comma(item: TextItem) -> bool:
    return "," in item["text"]


def get_has_text(text: str) -> Callable[[TextItem], bool]:
    return lambda item: text in item["text"]


def has_only_letters_spaces_ampersands(item: TextItem) -> bool:
    return re.search(r"^[A-Za-z" + re.escape(JS_WS_CHARS) + r"&]+\Z", item["text"]) is not None


def has_letter_and_is_all_upper_case(item: TextItem) -> bool:
    return has_letter(item) and item["text"].upper() == item["text"]


def has_year(item: TextItem) -> bool:
    return re.search(r"(?:19|20)[0-9]{2}", item["text"]) is not None


MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]


def has_month(item: TextItem) -> bool:
    return any(m in item["text"] or m[:4] in item["text"] for m in MONTHS)


SEASONS = ["Summer", "Fall", "Spring", "Winter"]


def has_season(item: TextItem) -> bool:
    return any(s in item["text"] for s in SEASONS)


def has_present(item: TextItem) -> bool:
    return "Present" in item["text"]


DATE_FEATURE_SETS: list[FeatureSet] = [
    (has_year, 1),
    (has_month, 1),
    (has_season, 1),
    (has_present, 1),
    (has_comma, -1),
]
