"""pdfminer.six device that records glyphs where pdf.js puts them (pdf.js v3.7.107).

Part of the port of ``read-pdf.ts``: pdf.js's ``getTextContent`` needs each
glyph with pdf.js's own position, advance and font name. ``GlyphRecorder`` is
a pdfminer device (``laparams=None``, no layout analysis) that walks every
text string in content-stream order with a copy of pdf.js's text state (CTM,
text matrix, text line matrix) and cursor rules (``showSpacedText`` and
``buildTextContentItem`` in ``src/core/evaluator.js``, same floating-point
operations), while pdfminer still builds its ``LTChar`` objects, and appends
glyph events for ``pdfjs_text_content``. ``pdfjs_font_name`` is the font name
pdf.js reports (``translateFont``); ``mul`` is pdf.js ``Util.transform``.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .pdfjs_unicode import char_unicode_category
from .pdfminer_imports import PDFPageAggregator, mult_matrix, translate_matrix


def _invert(m: tuple[float, ...]) -> tuple[float, ...]:
    a, b, c, d, e, f = m
    det = a * d - b * c
    if det == 0:
        return (1, 0, 0, 1, 0, 0)
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_))


def pdfjs_font_name(font: Any, cache: dict[int, str]) -> str:
    """Name pdf.js gives a loaded font (translateFont): FontDescriptor /FontName,
    or /BaseFont when it extends FontName; /BaseFont with ',' '_' -> '-' otherwise."""
    key = id(font)
    if key in cache:
        return cache[key]
    desc = getattr(font, "fontname", None)
    base = getattr(font, "basefont", None)
    desc = str(desc) if desc not in (None, "unknown") else None
    base = str(base) if base not in (None, "unknown") else None
    if desc and base and base != desc and base.startswith(desc):
        name = base
    elif desc:
        name = desc
    elif base:
        name = re.sub(r"[,_]", "-", base)
    else:
        name = "Type3" if type(font).__name__ == "PDFType3Font" else "unknown"
    cache[key] = name
    return name


def mul(m1: list[float], m2: list[float]) -> list[float]:
    """pdf.js Util.transform(m1, m2) (same operation order, so the same floats)."""
    return [
        m1[0] * m2[0] + m1[2] * m2[1],
        m1[1] * m2[0] + m1[3] * m2[1],
        m1[0] * m2[2] + m1[2] * m2[3],
        m1[1] * m2[2] + m1[3] * m2[3],
        m1[0] * m2[4] + m1[2] * m2[5] + m1[4],
        m1[1] * m2[4] + m1[3] * m2[5] + m1[5],
    ]


def new_pdfjs_state() -> dict[str, Any]:
    ident = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    return {"ctm": list(ident), "tm": list(ident), "tlm": list(ident), "leading": 0.0}


def copy_state(st: dict[str, Any]) -> dict[str, Any]:
    return {"ctm": list(st["ctm"]), "tm": list(st["tm"]), "tlm": list(st["tlm"]), "leading": st["leading"]}


def _raw_glyph_width(font: Any, cid: int) -> float:
    """Glyph width in font units (pdfminer's char_width() without its 0.001 scale)."""
    w = _safe_float(font.widths.get(cid))
    if w is None:
        try:
            w = _safe_float(font.widths.get(font.to_unichr(cid)))
        except Exception:
            w = None
    if w is None:
        w = _safe_float(font.default_width) or 0.0
    return w


def _safe_float(v: Any) -> float | None:
    try:
        return float(v) if v is not None else None
    except (TypeError, ValueError):
        return None


class GlyphRecorder(PDFPageAggregator):  # type: ignore[misc,valid-type]
    """pdfminer device that turns every glyph into an event, in stream order.

    pdfminer still builds its LTChar objects, but glyph positions are computed
    with a copy of pdf.js's text state (``ctm``, text matrix, text line matrix)
    and pdf.js's cursor rules, using the same floating-point operations, so that
    gaps at the 0.6 em threshold (e.g. every space of a monospaced font) split
    items exactly as pdf.js does."""

    def __init__(self, rsrcmgr: Any):
        super().__init__(rsrcmgr, laparams=None)
        self.events: list[tuple[str, Any]] = []
        self.view: tuple[float, ...] = (0, 0, 0, 0)
        self._font_names: dict[int, str] = {}
        self.pj: dict[str, Any] = new_pdfjs_state()
        self._textstate: Any = None
        self._inv_ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)

    def begin_page(self, page: Any, ctm: Any) -> None:
        super().begin_page(page, ctm)
        self.events = []
        self.pj = new_pdfjs_state()  # pdf.js starts each page at the identity CTM
        self._inv_ctm = _invert(tuple(ctm))

        def norm(r: Any) -> tuple[float, ...]:
            x0, y0, x1, y1 = (float(v) for v in r)
            return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

        media = norm(page.mediabox)
        crop = norm(page.cropbox) if page.cropbox else media
        box = (max(media[0], crop[0]), max(media[1], crop[1]), min(media[2], crop[2]), min(media[3], crop[3]))
        self.view = box if box[2] - box[0] > 0 and box[3] - box[1] > 0 else media

    def handle_undefined_char(self, font: Any, cid: int) -> str:
        # pdf.js: unicode = toUnicode.get(charcode) || String.fromCharCode(charcode)
        return chr(cid & 0xFFFF)

    def _unicode(self, font: Any, cid: int) -> str:
        try:
            text = font.to_unichr(cid)
            if isinstance(text, str):
                return text
        except Exception:  # PDFUnicodeNotDefined and friends
            pass
        return self.handle_undefined_char(font, cid)

    def _current_trm(self, fontsize: float, hscale: float, rise: float) -> list[float]:
        """pdf.js getCurrentTextTransform()."""
        tsm = [fontsize * hscale, 0.0, 0.0, fontsize, 0.0, rise]
        return mul(self.pj["ctm"], mul(self.pj["tm"], tsm))

    def _translate_tm(self, x: float) -> None:
        m = self.pj["tm"]
        m[4] = m[0] * x + m[2] * 0 + m[4]
        m[5] = m[1] * x + m[3] * 0 + m[5]

    def _advance_scale(self) -> float:
        tlm, ctm = self.pj["tlm"], self.pj["ctm"]
        return math.hypot(tlm[0], tlm[1]) * math.hypot(ctm[0], ctm[1])

    def render_string(self, textstate, seq, ncs, graphicstate):  # noqa: ANN001
        self._textstate = textstate
        super().render_string(textstate, seq, ncs, graphicstate)

    def render_string_horizontal(self, seq, matrix, pos, font, fontsize, scaling, charspace, wordspace,  # noqa: ANN001
                                 rise, dxscale, ncs, graphicstate):
        """pdfminer's own loop (it keeps building LTChars) run side by side with
        pdf.js's showSpacedText/buildTextContentItem cursor, which differs for
        diacritics and invisible marks (no advance), Tw on any whitespace glyph,
        Tc after the last glyph, and glyphs outside the page."""
        ts = self._textstate
        fs = float(ts.fontsize)
        tc = float(ts.charspace or 0)
        tw = float(ts.wordspace or 0)
        hs = float(ts.scaling) / 100
        rise_pj = float(ts.rise or 0)
        fm0 = float(font.matrix[0]) if type(font).__name__ == "PDFType3Font" else 0.001
        scale = fm0 * fs
        fname = pdfjs_font_name(font, self._font_names)
        vb = self.view
        x, y = pos
        needcharspace = False

        def run_chunk(entries: list[tuple[str, int]], extra: float) -> None:
            nonlocal x, needcharspace
            n_cids = sum(1 for kind, _ in entries if kind == "cid")
            if n_cids == 0:  # pdf.js: "Just move according to the space we have."
                if any(kind == "zero" for kind, _ in entries):
                    needcharspace = True
                if tc + extra:
                    self._translate_tm((tc + extra) * hs)
                return
            k = -1
            for kind, cid in entries:
                if kind == "zero":
                    needcharspace = True
                if kind != "cid":
                    continue
                k += 1
                # pdfminer (LTChar)
                if needcharspace:
                    x += charspace
                adv = PDFPageAggregator.render_char(
                    self, translate_matrix(matrix, (x, y)), font, fontsize, scaling, rise, cid, ncs, graphicstate
                )
                x += adv
                if cid == 32 and wordspace:
                    x += wordspace
                needcharspace = True
                # pdf.js
                text = self._unicode(font, cid)
                is_ws, is_dia, is_inv = char_unicode_category(text)
                if is_inv:
                    continue
                char_spacing = tc + (extra if k == n_cids - 1 else 0)
                scaled_dim = _raw_glyph_width(font, cid) * scale
                if is_ws:
                    char_spacing += scaled_dim + tw
                    self._translate_tm(char_spacing * hs)
                    self.events.append(("ws", {"fontName": fname}))
                    continue
                trm = self._current_trm(fs, hs, rise_pj)
                if not is_dia and (
                    trm[4] + scaled_dim < vb[0] or trm[4] > vb[2] or trm[5] < vb[1] or trm[5] > vb[3]
                ):
                    self._translate_tm(scaled_dim * hs)  # outside the page: dropped
                    continue
                if is_dia:
                    scaled_dim = 0.0
                scaled_dim *= hs
                self._translate_tm(scaled_dim)
                self.events.append(
                    (
                        "glyph",
                        {
                            "text": text,
                            "diacritic": is_dia,
                            "trm": trm,
                            "endTrm": self._current_trm(fs, hs, rise_pj) if scaled_dim else None,
                            "advance": scaled_dim,
                            "fontSize": fs,
                            "advScale": self._advance_scale(),
                            "fontName": fname,
                        },
                    )
                )
                if char_spacing:
                    self._translate_tm(char_spacing * hs)

        space_factor = -fs / 1000
        pending: list[tuple[str, int]] = []
        for obj in seq:
            if isinstance(obj, (int, float)):
                if obj != 0:
                    run_chunk(pending, obj * space_factor)
                    pending = []
                else:
                    pending.append(("zero", 0))
                x -= obj * dxscale
                needcharspace = True
            elif isinstance(obj, bytes):
                pending.append(("str", 0))
                pending.extend(("cid", cid) for cid in font.decode(obj))
        if any(kind == "str" for kind, _ in pending):
            run_chunk(pending, 0.0)
        return (x, y)

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):  # noqa: ANN001
        """Only reached for vertical fonts, which are handled like horizontal
        text at pdfminer's glyph positions (not ported from pdf.js)."""
        adv = super().render_char(matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate)
        ltchar = self.cur_item._objs[-1]
        text = self._unicode(font, cid)
        is_ws, is_dia, is_inv = char_unicode_category(text)
        fname = pdfjs_font_name(font, self._font_names)
        if is_inv:
            return adv
        if is_ws:
            self.events.append(("ws", {"fontName": fname}))
            return adv
        a, b, c, d, e, f = mult_matrix(tuple(ltchar.matrix), self._inv_ctm)
        trm = [fontsize * scaling * a, fontsize * scaling * b, fontsize * c, fontsize * d,
               e + rise * c, f + rise * d]
        vb = self.view
        if trm[4] > vb[2] or trm[4] < vb[0] or trm[5] < vb[1] or trm[5] > vb[3]:
            return adv
        advance = 0.0 if is_dia else ltchar.adv
        end = trm[:4] + [trm[4] + advance * a, trm[5] + advance * b]
        self.events.append(
            (
                "glyph",
                {
                    "text": text,
                    "diacritic": is_dia,
                    "trm": trm,
                    "endTrm": end if advance else None,
                    "advance": advance,
                    "fontSize": fontsize,
                    "advScale": math.hypot(a, b),
                    "fontName": fname,
                },
            )
        )
        return adv
