"""Port of ``extract-resume-from-sections/extract-profile.ts``.

Scores the text items of the ``profile`` section (the lines before the first
section title) for name, email, phone, location ("City, ST"), URL and
summary with OpenResume's feature sets and regexes (JavaScript ``\\s``,
``\\S`` and ``\\d``). A section whose title contains "summary" or else
"objective" replaces the scored summary.
"""

from __future__ import annotations

import re
from typing import Any

from ..js import JS_D, JS_NS, JS_S, JS_WS_CHARS, js_match
from ..types import FeatureSet, Lines, TextItem
from .lib.common_features import has_comma, has_letter, has_letter_and_is_all_upper_case, has_number, is_bold
from .lib.feature_scoring_system import get_text_with_highest_feature_score
from .lib.get_section_lines import get_section_lines_by_keywords


match_only_letter_space_or_period = js_match(r"^[a-zA-Z" + re.escape(JS_WS_CHARS) + r"\.]+\Z")
match_email = js_match(JS_NS + r"+@" + JS_NS + r"+\." + JS_NS + r"+")


def has_at(item: TextItem) -> bool:
    return "@" in item["text"]


match_phone = js_match(r"\(?" + JS_D + r"{3}\)?(?:" + JS_S + r"|-)?" + JS_D + r"{3}(?:" + JS_S + r"|-)?" + JS_D + r"{4}")


def has_parenthesis(item: TextItem) -> bool:
    return re.search(r"\([0-9]+\)", item["text"]) is not None


match_city_and_state = js_match(r"[A-Z][a-zA-Z" + re.escape(JS_WS_CHARS) + r"]+, [A-Z]{2}")
match_url = js_match(JS_NS + r"+\.[a-z]+/" + JS_NS + r"+")
match_url_http_fallback = js_match(r"https?://" + JS_NS + r"+\." + JS_NS + r"+")
match_url_www_fallback = js_match(r"www\." + JS_NS + r"+\." + JS_NS + r"+")


def has_slash(item: TextItem) -> bool:
    return "/" in item["text"]


def has_4_or_more_words(item: TextItem) -> bool:
    return len(item["text"].split(" ")) >= 4


NAME_FEATURE_SETS: list[FeatureSet] = [
    (match_only_letter_space_or_period, 3, True),
    (is_bold, 2),
    (has_letter_and_is_all_upper_case, 2),
    (has_at, -4),
    (has_number, -4),
    (has_parenthesis, -4),
    (has_comma, -4),
    (has_slash, -4),
    (has_4_or_more_words, -2),
]
EMAIL_FEATURE_SETS: list[FeatureSet] = [
    (match_email, 4, True),
    (is_bold, -1),
    (has_letter_and_is_all_upper_case, -1),
    (has_parenthesis, -4),
    (has_comma, -4),
    (has_slash, -4),
    (has_4_or_more_words, -4),
]
PHONE_FEATURE_SETS: list[FeatureSet] = [
    (match_phone, 4, True),
    (has_letter, -4),
]
LOCATION_FEATURE_SETS: list[FeatureSet] = [
    (match_city_and_state, 4, True),
    (is_bold, -1),
    (has_at, -4),
    (has_parenthesis, -3),
    (has_slash, -4),
]
URL_FEATURE_SETS: list[FeatureSet] = [
    (match_url, 4, True),
    (match_url_http_fallback, 3, True),
    (match_url_www_fallback, 3, True),
    (is_bold, -1),
    (has_at, -4),
    (has_parenthesis, -3),
    (has_comma, -4),
    (has_4_or_more_words, -4),
]
SUMMARY_FEATURE_SETS: list[FeatureSet] = [
    (has_4_or_more_words, 4),
    (is_bold, -1),
    (has_at, -4),
    (has_parenthesis, -3),
    (match_city_and_state, -4, False),
]


def extract_profile(sections: dict[str, Lines]) -> dict[str, Any]:
    lines = sections.get("profile") or []  # sections.profile (PROFILE_SECTION)
    items = [i for ln in lines for i in ln]
    name, _ = get_text_with_highest_feature_score(items, NAME_FEATURE_SETS)
    email, _ = get_text_with_highest_feature_score(items, EMAIL_FEATURE_SETS)
    phone, _ = get_text_with_highest_feature_score(items, PHONE_FEATURE_SETS)
    location, _ = get_text_with_highest_feature_score(items, LOCATION_FEATURE_SETS)
    url, _ = get_text_with_highest_feature_score(items, URL_FEATURE_SETS)
    summary, _ = get_text_with_highest_feature_score(items, SUMMARY_FEATURE_SETS, True, True)
    summary_section = " ".join(i["text"] for ln in get_section_lines_by_keywords(sections, ["summary"]) for i in ln)
    objective_section = " ".join(
        i["text"] for ln in get_section_lines_by_keywords(sections, ["objective"]) for i in ln
    )
    return {
        "name": name,
        "email": email,
        "phone": phone,
        "location": location,
        "url": url,
        "summary": summary_section or objective_section or summary,
    }
