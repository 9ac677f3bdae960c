"""Port of ``extract-resume-from-sections/lib/feature-scoring-system.ts``.

Each text item gets the sum of the scores of the features it has. A feature
that returns a regex match (``returnMatchingText``) adds the matched text as
a new candidate instead, unless it is the whole item. The text with the
highest score wins; optionally an empty string when that score is not
positive, or all texts with the highest score joined by spaces.
"""

from __future__ import annotations

import math
from typing import Any

from ...js import js_trim
from ...types import FeatureSet, TextItem


def compute_feature_scores(text_items: list[TextItem], feature_sets: list[FeatureSet]) -> list[dict[str, Any]]:
    text_scores = [{"text": item["text"], "score": 0, "match": False} for item in text_items]
    for i, item in enumerate(text_items):
        for fs in feature_sets:
            has_feature, score = fs[0], fs[1]
            return_matching_text = fs[2] if len(fs) > 2 else None
            result = has_feature(item)
            if result:
                text = item["text"]
                if return_matching_text and not isinstance(result, bool):
                    text = result[0]
                ts = text_scores[i]
                if item["text"] == text:
                    ts["score"] += score
                    if return_matching_text:
                        ts["match"] = True
                else:
                    text_scores.append({"text": text, "score": score, "match": True})
    return text_scores


def get_text_with_highest_feature_score(
    text_items: list[TextItem],
    feature_sets: list[FeatureSet],
    return_empty_string_if_highest_score_is_not_positive: bool = True,
    return_concatenated_string_for_texts_with_same_highest_score: bool = False,
) -> tuple[str, list[dict[str, Any]]]:
    text_scores = compute_feature_scores(text_items, feature_sets)
    best: list[str] = []
    highest = -math.inf
    for ts in text_scores:
        if ts["score"] >= highest:
            if ts["score"] > highest:
                best = []
            best.append(ts["text"])
            highest = ts["score"]
    if return_empty_string_if_highest_score_is_not_positive and highest <= 0:
        return "", text_scores
    if not return_concatenated_string_for_texts_with_same_highest_score:
        text = best[0] if best else ""
    else:
        text = " ".join(js_trim(s) for s in best)
    return text, text_scores
