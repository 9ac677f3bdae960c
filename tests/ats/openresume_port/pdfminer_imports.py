"""The pdfminer.six imports of the port, guarded (ports no original file).

OpenResume reads PDFs with pdf.js; this port reads them with pdfminer.six
(see ``read_pdf`` and ``pdfjs_device``). This module imports the pdfminer
names those modules need and quiets pdfminer's logging. When pdfminer.six is
missing it sets ``PDFMINER_ERROR`` and stand-ins instead, so that the package
still imports and the command line can report the problem with exit status 2
rather than a traceback.
"""

from __future__ import annotations

__all__ = [
    "LITERAL_FORM",
    "PDFMINER_ERROR",
    "PDFPage",
    "PDFPageAggregator",
    "PDFPageInterpreter",
    "PDFResourceManager",
    "list_value",
    "literal_name",
    "mult_matrix",
    "stream_value",
    "translate_matrix",
]

try:
    import logging

    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.psparser import literal_name
    from pdfminer.pdfinterp import LITERAL_FORM
    from pdfminer.pdftypes import list_value, stream_value
    from pdfminer.utils import mult_matrix, translate_matrix

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    PDFMINER_ERROR: str | None = None
except ImportError as _exc:  # pragma: no cover - depends on environment
    PDFMINER_ERROR = f"pdfminer.six is not installed ({_exc})"
    PDFPageAggregator = object  # type: ignore[assignment,misc]
    PDFPageInterpreter = object  # type: ignore[assignment,misc]
    # Only used once PDFMINER_ERROR has been checked.
    PDFResourceManager = PDFPage = LITERAL_FORM = None  # type: ignore[assignment,misc]
    literal_name = list_value = stream_value = None  # type: ignore[assignment]
    mult_matrix = translate_matrix = None  # type: ignore[assignment]
