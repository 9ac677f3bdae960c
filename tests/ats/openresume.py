#!/usr/bin/env python3
"""Python port of OpenResume's resume parser, used as an independent ATS check.

This is a port of the PDF resume parser of OpenResume
(https://github.com/xitanggg/open-resume, folder
``src/app/lib/parse-resume-from-pdf/``, ported from commit 4f8255a2c763, 2024-10-29).
It follows the original's four steps and keeps its keyword lists, regexes,
feature scores and thresholds unchanged:

1. ``read-pdf.ts``                  PDF -> text items
2. ``group-text-items-into-lines.ts``  text items -> lines (typical char width merge)
3. ``group-lines-into-sections.ts``    lines -> sections (bold + UPPERCASE or keyword titles)
4. ``extract-resume-from-sections/``   feature scoring for profile, education,
   work experience, projects and skills (subsections by line gap or bold,
   bullet points, descriptions).

What differs from the original
------------------------------
* OpenResume reads PDFs with pdf.js 3.7.107 (``page.getTextContent()``).
  Here pdfminer.six reads them instead. A pdfminer device (``laparams=None``,
  so no pdfminer layout grouping) sees every glyph in content-stream order and
  still builds pdfminer's ``LTChar`` objects. The glyphs are turned into pdf.js
  text items by re-implementing pdf.js's ``getTextContent`` (``src/core/evaluator.js``
  and ``bidi.js`` at v3.7.107). Glyph positions come from a copy of pdf.js's text
  state: CTM, text matrix and line matrix, with pdf.js's cursor rules and the
  same floating-point operations. A new item starts on a font change (``Tf``),
  at ``BDC``/``BMC``/``EMC``, at ``Q`` when the font changes, at an XObject,
  at a backwards jump, or after a gap wider than 0.6 em. Gaps of 0.102 to 0.6 em
  become a space inside the item, and a move to another baseline sets ``hasEOL``.
  ``fontName`` is the FontDescriptor ``FontName`` that pdf.js reports, for example
  ``FWTZDW+LibertinusSerif-Bold``. Unicode normalisation (NFKC of ligatures)
  and bidi reordering are ported too.
  Checked against the original TypeScript running on pdf.js 3.7.107 in
  Node: the text items (text, x, y, width, height, fontName, hasEOL) and the
  final JSON were identical for the Typst themes, OpenResume's own example
  resumes, a LibreOffice PDF, a pdfTeX manual and Typst PDFs with Devanagari,
  Arabic, Hebrew and CJK text. A second pdfTeX manual differed only in the
  glyph-to-Unicode gap described below.
* Bold detection is OpenResume's own: the font name contains "bold", in any case.
  OpenResume does not look at the font weight, and neither does this port.
* Known gaps: the mapping of glyphs to Unicode is pdfminer's. It is the same
  whenever a font has a /ToUnicode map (Typst always writes one). Without one it
  can differ, e.g. pdf.js finds "©" in TeX's CMSY font and pdfminer
  does not. Vertical writing mode uses pdfminer's positions and is treated
  as horizontal. Fonts set through ``gs`` (ExtGState /Font) do not end an
  item. OpenResume itself supports only single-column, left-to-right
  English resumes.
* Where the original would throw (an empty line reaching the subsection
  step) the port drops the empty line and adds a message to ``warnings``.
* JavaScript semantics are kept where they change results: ``Math.round``,
  ``parseFloat``/``String(number)``, JS ``\\s``/``trim``, UTF-16 ``length``,
  and object key order (integer-like keys first). The original's quirks are kept
  as well: e.g. ``hasMonth`` matches "Marc", not "Mar", and the "most common
  bullet" is really the last bullet character seen.

Usage
-----
    python3 tests/ats/openresume.py FILE.pdf [--debug]

Prints one JSON object: ``profile``, ``educations``, ``workExperiences``,
``projects``, ``skills``, ``custom`` (the OpenResume ``Resume`` shape), plus
``sections`` (section titles found, in order) and ``warnings``. ``--debug`` adds
the text items, lines and section contents. Exit status 2 (with a one-line
message on stderr) if pdfminer.six is missing or the file cannot be read.
Only needs Python 3.11 and pdfminer.six.

Layout
------
This file is only the command line. The port is the package ``openresume_port/``
beside it, one module per original file (``read_pdf``, ``group_text_items_into_lines``,
``group_lines_into_sections``, ``extract_resume_from_sections/`` with its
``extract_*`` modules and ``lib/``, ``types``), plus ``pdfjs_unicode``,
``pdfjs_text_content`` and ``pdfjs_device`` (the pdf.js ``getTextContent``
emulation behind ``read_pdf``), ``js`` (JavaScript semantics) and
``pdfminer_imports``. Each module's docstring names the file it ports.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

_DONT_WRITE_BYTECODE = sys.dont_write_bytecode
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
try:
    from openresume_port import PDFMINER_ERROR, parse_resume_from_pdf, parse_text_items
    from openresume_port.read_pdf import read_pdf
finally:
    sys.dont_write_bytecode = _DONT_WRITE_BYTECODE

__all__ = ["main", "parse_resume_from_pdf", "parse_text_items", "read_pdf"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Python port of OpenResume's PDF resume parser.")
    parser.add_argument("pdf", help="resume PDF to parse")
    parser.add_argument("--debug", action="store_true", help="include text items, lines and sections")
    args = parser.parse_args(argv)
    if PDFMINER_ERROR:
        print(f"openresume.py: {PDFMINER_ERROR}", file=sys.stderr)
        return 2
    try:
        text_items = read_pdf(args.pdf)
    except Exception as exc:  # missing, unreadable, malformed or encrypted PDF
        msg = " ".join(str(exc).split()) or type(exc).__name__
        print(f"openresume.py: cannot read {args.pdf}: {type(exc).__name__}: {msg}", file=sys.stderr)
        return 2
    result = parse_text_items(text_items, debug=args.debug)
    try:
        out = json.dumps(result, ensure_ascii=False, indent=2)
        out.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates (unmapped glyph codes): escape them
        out = json.dumps(result, ensure_ascii=True, indent=2)
    sys.stdout.write(out + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
