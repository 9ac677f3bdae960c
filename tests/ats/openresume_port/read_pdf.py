"""Port of ``read-pdf.ts`` (step 1: PDF -> text items).

The original runs pdf.js ``page.getTextContent()`` on every page, maps each
item to ``{text, x, y, width, height, fontName, hasEOL}`` (x and y from the
item's transform, fontName from the loaded font, the sequence hyphen, soft
hyphen, Unicode hyphen replaced by "-") and drops empty-space items without
``hasEOL``. ``read_pdf`` does the same on pdfminer.six: ``Interpreter`` runs
pdfminer's content-stream interpreter while keeping pdf.js's text state and
marking where pdf.js ends a text item (font change, marked content, ``Q`` back
to another font, XObjects); ``pdfjs_device`` records the glyphs and
``pdfjs_text_content`` turns them into pdf.js text items.
"""

from __future__ import annotations

from typing import Any

from .js import js_trim
from .pdfjs_device import GlyphRecorder, copy_state, mul
from .pdfjs_text_content import events_to_pdfjs_items
from .pdfminer_imports import (
    LITERAL_FORM,
    PDFPage,
    PDFPageInterpreter,
    PDFResourceManager,
    list_value,
    literal_name,
    stream_value,
)
from .types import TextItem


class Interpreter(PDFPageInterpreter):  # type: ignore[misc,valid-type]
    """pdfminer interpreter that also keeps pdf.js's text state on the device
    and emits the points where pdf.js ends a text item (flush)."""

    def init_state(self, ctm: Any) -> None:
        super().init_state(ctm)
        self._tf: tuple[Any, Any, Any] = (None, None, None)  # (resource name, size, font)
        self._stack: list[tuple[Any, dict[str, Any]]] = []

    def _flush(self) -> None:
        self.device.events.append(("flush", None))

    @property
    def _pj(self) -> dict[str, Any]:
        return self.device.pj

    def do_Tf(self, fontid, fontsize):  # noqa: ANN001
        name = literal_name(fontid)
        if not (self._tf[2] is not None and name == self._tf[0] and fontsize == self._tf[1]):
            self._flush()
        super().do_Tf(fontid, fontsize)
        self._tf = (name, fontsize, self.textstate.font)

    def do_q(self) -> None:
        self._stack.append((self._tf, copy_state(self._pj)))
        super().do_q()

    def do_Q(self) -> None:
        had = bool(self.gstack)
        super().do_Q()
        if had and self._stack:
            prev = self._tf
            self._tf, self.device.pj = self._stack.pop()
            if prev[2] is not self._tf[2] or prev[1] != self._tf[1] or prev[0] != self._tf[0]:
                self._flush()

    def do_cm(self, a1, b1, c1, d1, e1, f1):  # noqa: ANN001
        super().do_cm(a1, b1, c1, d1, e1, f1)
        try:
            args = [float(v) for v in (a1, b1, c1, d1, e1, f1)]
        except (TypeError, ValueError):
            return
        self._pj["ctm"] = mul(self._pj["ctm"], args)

    def do_BT(self) -> None:
        super().do_BT()
        self._pj["tm"] = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        self._pj["tlm"] = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]

    def _translate_tlm(self, x: float, y: float) -> None:
        m = self._pj["tlm"]
        m[4] = m[0] * x + m[2] * y + m[4]
        m[5] = m[1] * x + m[3] * y + m[5]
        self._pj["tm"] = list(m)

    def do_Td(self, tx, ty):  # noqa: ANN001
        super().do_Td(tx, ty)
        self._translate_tlm(float(tx), float(ty))

    def do_TD(self, tx, ty):  # noqa: ANN001
        # pdfminer's do_TD does not go through do_Td; set what pdf.js sets.
        super().do_TD(tx, ty)
        self._pj["leading"] = -float(ty)
        self._translate_tlm(float(tx), float(ty))

    def do_TL(self, leading):  # noqa: ANN001
        super().do_TL(leading)
        self._pj["leading"] = float(leading)

    def do_Tm(self, a, b, c, d, e, f):  # noqa: ANN001
        super().do_Tm(a, b, c, d, e, f)
        vals = [float(v) for v in (a, b, c, d, e, f)]
        self._pj["tm"] = list(vals)
        self._pj["tlm"] = list(vals)
        self.device.events.append(("advscale", self.device._advance_scale()))

    def do_T_a(self) -> None:
        super().do_T_a()
        self._translate_tlm(0.0, -self._pj["leading"])

    def do__q(self, s):  # noqa: ANN001
        self.do_T_a()
        self.do_TJ([s])

    def do__w(self, aw, ac, s):  # noqa: ANN001
        # pdf.js (and the PDF spec) also move to the next line here.
        self.do_Tw(aw)
        self.do_Tc(ac)
        self.do_T_a()
        self.do_TJ([s])

    def do_BMC(self, tag):  # noqa: ANN001
        self._flush()
        super().do_BMC(tag)

    def do_BDC(self, tag, props):  # noqa: ANN001
        self._flush()
        super().do_BDC(tag, props)

    def do_EMC(self) -> None:
        self._flush()
        super().do_EMC()

    def do_Do(self, xobjid_arg):  # noqa: ANN001
        # pdf.js: flush, then read a Form XObject with its own text item state
        # and a copy of the graphics state transformed by the form's /Matrix.
        self._flush()
        saved = copy_state(self._pj)
        try:
            xobj = stream_value(self.xobjmap[literal_name(xobjid_arg)])
            matrix = list_value(xobj.get("Matrix", []))
            if xobj.get("Subtype") is LITERAL_FORM and len(matrix) == 6:
                self._pj["ctm"] = mul(self._pj["ctm"], [float(v) for v in matrix])
        except Exception:
            pass
        self.device.events.append(("push", None))
        try:
            super().do_Do(xobjid_arg)
        finally:
            self.device.pj = saved
            self.device.events.append(("pop", None))


def read_pdf(path: str) -> list[TextItem]:
    """Step 1 (read-pdf.ts): text items of all pages, with empty-space noise removed."""
    rsrcmgr = PDFResourceManager(caching=True)
    device = GlyphRecorder(rsrcmgr)
    interpreter = Interpreter(rsrcmgr, device)
    text_items: list[TextItem] = []
    with open(path, "rb") as fh:
        for page in PDFPage.get_pages(fh):
            interpreter.process_page(page)
            for it in events_to_pdfjs_items(device.events):
                transform = it["transform"] or (0, 0, 0, 0, 0, 0)
                text_items.append(
                    {
                        "text": it["str"].replace("-\u00ad\u2010", "-"),
                        "x": transform[4],
                        "y": transform[5],
                        "width": it["width"],
                        "height": it["height"],
                        "fontName": it["fontName"] or "",
                        "hasEOL": it["hasEOL"],
                    }
                )
    return [t for t in text_items if not (not t["hasEOL"] and js_trim(t["text"]) == "")]
