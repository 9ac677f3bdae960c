"""Port of ``types.ts``: the shapes the parser passes from step to step.

OpenResume declares ``TextItem``, ``Line``, ``Lines`` and ``FeatureSet`` as
TypeScript types; here they are plain aliases. A text item is a dict with
``text``, ``x``, ``y``, ``width``, ``height``, ``fontName`` and ``hasEOL``; a
line is a list of text items; the sections are a dict from section title to
lines (``ResumeSectionToLines``); a feature set is a tuple ``(feature
function, score)`` or ``(feature function, score, returnMatchingText)``.
"""

from __future__ import annotations

from typing import Any

TextItem = dict[str, Any]  # {text, x, y, width, height, fontName, hasEOL}
Line = list[TextItem]
Lines = list[Line]
FeatureSet = tuple  # (fn, score) or (fn, score, returnMatchingText)
