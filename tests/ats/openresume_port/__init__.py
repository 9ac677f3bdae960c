"""Port of ``index.ts`` of OpenResume's ``src/app/lib/parse-resume-from-pdf/``.

``parse_resume_from_pdf`` runs the parser's four steps, one module each:
``read_pdf`` (PDF -> text items), ``group_text_items_into_lines``,
``group_lines_into_sections`` and ``extract_resume_from_sections``.
``parse_text_items`` runs steps 2 to 4 and, beyond the original, adds
``sections`` (the section titles found, in order), ``warnings`` and, with
``debug``, the text items, lines and section contents. The command line is ``tests/ats/openresume.py`` beside this package;
its docstring describes the port and how it differs from the original.
"""

from __future__ import annotations

import math
from typing import Any

# The steps are imported as modules: ``from .read_pdf import read_pdf`` would
# hide the submodule behind the function of the same name.
from . import extract_resume_from_sections, group_lines_into_sections, group_text_items_into_lines, read_pdf
from .extract_resume_from_sections.lib.common_features import is_bold
from .extract_resume_from_sections.lib.subsections import WARNINGS
from .group_lines_into_sections import PROFILE_SECTION
from .group_text_items_into_lines import get_typical_char_width
from .js import js_keys
from .pdfminer_imports import PDFMINER_ERROR
from .types import TextItem

__all__ = ["PDFMINER_ERROR", "parse_resume_from_pdf", "parse_text_items"]


def parse_text_items(text_items: list[TextItem], debug: bool = False) -> dict[str, Any]:
    """Steps 2-4 on text items from read_pdf()."""
    WARNINGS.clear()
    lines = group_text_items_into_lines.group_text_items_into_lines(text_items)
    sections = group_lines_into_sections.group_lines_into_sections(lines)
    resume = extract_resume_from_sections.extract_resume_from_sections(sections)
    resume["sections"] = [k for k in js_keys(sections) if k != PROFILE_SECTION]
    resume["warnings"] = list(WARNINGS)
    if debug:

        def brief(i: TextItem) -> dict[str, Any]:
            return {"text": i["text"], "x": round(i["x"], 2), "y": round(i["y"], 2),
                    "width": round(i["width"], 2), "height": round(i["height"], 4),
                    "fontName": i["fontName"], "bold": is_bold(i), "hasEOL": i["hasEOL"]}

        tcw = get_typical_char_width(text_items)
        resume["debug"] = {
            "textItems": [brief(i) for i in text_items],
            "typicalCharWidth": None if math.isnan(tcw) else tcw,
            "lines": [[brief(i) for i in ln] for ln in lines],
            "sections": {k: [[i["text"] for i in ln] for ln in sections[k]] for k in js_keys(sections)},
        }
    return resume


def parse_resume_from_pdf(path: str, debug: bool = False) -> dict[str, Any]:
    """parseResumeFromPdf (index.ts) plus ``sections`` and ``warnings``."""
    return parse_text_items(read_pdf.read_pdf(path), debug=debug)
