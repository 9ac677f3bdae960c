"""Port of pdf.js ``getTextContent``'s text item builder (``src/core/evaluator.js``, v3.7.107).

pdf.js makes the text items that ``read-pdf.ts`` receives in
``buildTextContentItem``, ``compareWithLastPosition``, ``addFakeSpaces`` and
``flushTextContentItem``: a glyph joins the current item; a gap of 0.102 to
0.6 em becomes a space inside it; a wider gap, a backwards jump or a move to
another baseline ends it (the latter also sets ``hasEOL``). ``TextContentBuilder``
is one ``getTextContent`` run (a page, or a form XObject), with the same
thresholds and cursor rules. ``events_to_pdfjs_items`` replays the glyph events
recorded by ``pdfjs_device`` through a stack of builders and returns
pdf.js-shaped items (``str``, ``width``, ``height``, ``transform``,
``fontName``, ``hasEOL``).
"""

from __future__ import annotations

import math
from typing import Any

from .js import js_sign
from .pdfjs_unicode import normalize_unicode, pdfjs_bidi


# pdf.js src/core/evaluator.js (v3.7.107) getTextContent constants
TRACKING_SPACE_FACTOR = 0.102
NOT_A_SPACE_FACTOR = 0.03
NEGATIVE_SPACE_FACTOR = -0.2
SPACE_IN_FLOW_MIN_FACTOR = 0.102
SPACE_IN_FLOW_MAX_FACTOR = 0.6
VERTICAL_SHIFT_RATIO = 0.25


class TextContentBuilder:
    """One pdf.js getTextContent() invocation (a page, or a form XObject)."""

    def __init__(self, items: list[dict[str, Any]]):
        self.items = items
        # textContentItem
        self.initialized = False
        self.str: list[str] = []
        self.total_width = 0.0
        self.total_height = 0.0
        self.width = 0.0
        self.height = 0.0
        self.prev_transform: tuple[float, ...] | None = None
        self.text_advance_scale = 0.0
        self.space_in_flow_min = 0.0
        self.space_in_flow_max = 0.0
        self.tracking_space_min = math.inf
        self.negative_space_max = -math.inf
        self.not_a_space = -math.inf
        self.transform: tuple[float, ...] | None = None
        self.font_name: str | None = None
        self.has_eol = False
        self.two_last_chars = [" ", " "]
        self.two_last_chars_pos = 0
        # textState.loadedName equivalent, for EOL items pushed without a chunk
        self.cur_font_name: str | None = None

    # --- last chars circular buffer
    def save_last_char(self, ch: str) -> bool:
        nxt = (self.two_last_chars_pos + 1) % 2
        ret = self.two_last_chars[self.two_last_chars_pos] != " " and self.two_last_chars[nxt] == " "
        self.two_last_chars[self.two_last_chars_pos] = ch
        self.two_last_chars_pos = nxt
        return ret

    def should_add_whitespace(self) -> bool:
        return (
            self.two_last_chars[self.two_last_chars_pos] != " "
            and self.two_last_chars[(self.two_last_chars_pos + 1) % 2] == " "
        )

    def reset_last_chars(self) -> None:
        self.two_last_chars = [" ", " "]
        self.two_last_chars_pos = 0

    # --- items
    def push_whitespace(self, width: float = 0.0, height: float = 0.0, transform=None, font_name=None) -> None:
        self.items.append(
            {
                "str": " ",
                "width": width,
                "height": height,
                "transform": transform if transform is not None else self.prev_transform,
                "fontName": font_name if font_name is not None else self.font_name,
                "hasEOL": False,
            }
        )

    def flush(self) -> None:
        if not self.initialized:
            return
        self.total_width += self.width * self.text_advance_scale
        self.items.append(
            {
                "str": pdfjs_bidi(normalize_unicode("".join(self.str))),
                "width": abs(self.total_width),
                "height": abs(self.total_height),
                "transform": self.transform,
                "fontName": self.font_name,
                "hasEOL": self.has_eol,
            }
        )
        self.initialized = False
        self.str = []

    def append_eol(self, trm: tuple[float, ...]) -> None:
        self.reset_last_chars()
        if self.initialized:
            self.has_eol = True
            self.flush()
        else:
            self.items.append(
                {
                    "str": "",
                    "width": 0,
                    "height": 0,
                    "transform": trm,
                    "fontName": self.cur_font_name,
                    "hasEOL": True,
                }
            )

    def add_fake_spaces(self, width: float, transf, orientation: float, trm) -> bool:
        if orientation * self.space_in_flow_min <= width <= orientation * self.space_in_flow_max:
            if self.initialized:
                self.reset_last_chars()
                self.str.append(" ")
            return False
        font_name = self.font_name
        self.flush()
        self.reset_last_chars()
        self.push_whitespace(width=abs(width), height=0, transform=transf or trm, font_name=font_name)
        return True

    def ensure(self, trm: tuple[float, ...], font_name: str, font_size: float, adv_scale: float) -> None:
        if self.initialized:
            return
        self.font_name = font_name
        self.transform = trm
        self.width = self.total_width = 0.0
        self.height = self.total_height = math.hypot(trm[2], trm[3])
        self.text_advance_scale = adv_scale
        self.tracking_space_min = font_size * TRACKING_SPACE_FACTOR
        self.not_a_space = font_size * NOT_A_SPACE_FACTOR
        self.negative_space_max = font_size * NEGATIVE_SPACE_FACTOR
        self.space_in_flow_min = font_size * SPACE_IN_FLOW_MIN_FACTOR
        self.space_in_flow_max = font_size * SPACE_IN_FLOW_MAX_FACTOR
        self.has_eol = False
        self.initialized = True

    def compare_with_last_position(self, trm: tuple[float, ...]) -> bool:
        # (pdf.js first drops glyphs outside the page's view box; the device
        # already did that, see pdfjs_device.GlyphRecorder.render_string_horizontal.)
        pos_x, pos_y = trm[4], trm[5]
        if self.prev_transform is None:
            return True
        last_x, last_y = self.prev_transform[4], self.prev_transform[5]
        if last_x == pos_x and last_y == pos_y:
            return True

        rotate = -1
        if trm[0] and trm[1] == 0 and trm[2] == 0:
            rotate = 0 if trm[0] > 0 else 180
        elif trm[1] and trm[0] == 0 and trm[3] == 0:
            rotate = 90 if trm[1] > 0 else 270
        if rotate == 90:
            pos_x, pos_y, last_x, last_y = pos_y, pos_x, last_y, last_x
        elif rotate == 180:
            pos_x, pos_y, last_x, last_y = -pos_x, -pos_y, -last_x, -last_y
        elif rotate == 270:
            pos_x, pos_y, last_x, last_y = -pos_y, -pos_x, -last_y, -last_x
        elif rotate == -1:

            def inv_rot(x: float, y: float, m: tuple[float, ...]) -> tuple[float, float]:
                scale = math.hypot(m[0], m[1]) or 1.0
                return ((m[0] * x + m[1] * y) / scale, (m[2] * x + m[3] * y) / scale)

            pos_x, pos_y = inv_rot(pos_x, pos_y, trm)
            last_x, last_y = inv_rot(last_x, last_y, self.prev_transform)

        scale = self.text_advance_scale or 1.0
        advance_x = (pos_x - last_x) / scale
        advance_y = pos_y - last_y
        orientation = js_sign(self.width)

        if advance_x < orientation * self.negative_space_max:
            if abs(advance_y) > 0.5 * self.height:
                self.append_eol(trm)
                return True
            self.reset_last_chars()
            self.flush()
            return True

        if abs(advance_y) > self.height:
            self.append_eol(trm)
            return True

        if advance_x <= orientation * self.not_a_space:
            self.reset_last_chars()

        if advance_x <= orientation * self.tracking_space_min:
            if self.should_add_whitespace():
                self.reset_last_chars()
                self.flush()
                self.push_whitespace(width=abs(advance_x))
            else:
                self.width += advance_x
        elif not self.add_fake_spaces(advance_x, self.prev_transform, orientation, trm):
            if len(self.str) == 0:
                self.reset_last_chars()
                self.push_whitespace(width=abs(advance_x))
            else:
                self.width += advance_x

        if abs(advance_y) > self.height * VERTICAL_SHIFT_RATIO:
            self.flush()
        return True

    def update_advance_scale(self, scale: float) -> None:
        if not self.initialized or scale == self.text_advance_scale:
            return
        self.total_width += self.width * self.text_advance_scale
        self.width = 0.0
        self.text_advance_scale = scale

    def whitespace(self, ev: dict[str, Any]) -> None:
        # A whitespace glyph only moves the cursor (done by the device).
        self.cur_font_name = ev["fontName"]
        self.save_last_char(" ")

    def glyph(self, ev: dict[str, Any]) -> None:
        text: str = ev["text"]
        self.cur_font_name = ev["fontName"]
        trm = ev["trm"]
        if not ev["diacritic"]:
            self.compare_with_last_position(trm)
        self.ensure(trm, ev["fontName"], ev["fontSize"], ev["advScale"])
        self.width += ev["advance"]
        if ev["advance"]:
            self.prev_transform = ev["endTrm"]
        if self.save_last_char(text):
            self.str.append(" ")
        self.str.append(text)


def events_to_pdfjs_items(events: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    stack = [TextContentBuilder(items)]
    for kind, payload in events:
        if kind == "glyph":
            stack[-1].glyph(payload)
        elif kind == "ws":
            stack[-1].whitespace(payload)
        elif kind == "advscale":
            stack[-1].update_advance_scale(payload)
        elif kind == "flush":
            stack[-1].flush()
        elif kind == "push":
            inner = TextContentBuilder(items)
            inner.cur_font_name = stack[-1].cur_font_name
            stack.append(inner)
        elif kind == "pop" and len(stack) > 1:
            stack.pop().flush()
    while stack:
        stack.pop().flush()
    return items
