"""Port of pdf.js's Unicode handling of text content (pdf.js v3.7.107).

``read-pdf.ts`` gets its text from pdf.js ``page.getTextContent()``, which
normalises the text of every item (``normalizeUnicode`` in
``src/shared/util.js``: NFKC for ligatures and some compatibility characters),
reorders it with pdf.js's simplified Unicode bidi algorithm
(``src/core/bidi.js``, on UTF-16 code units; it also drops "<" and ">"), and
sorts each glyph into whitespace, diacritic or invisible mark
(``getCharUnicodeCategory`` in ``src/core/unicode.js``). This module ports
those three pieces for ``pdfjs_text_content`` and ``pdfjs_device``.
"""

from __future__ import annotations

import re
import unicodedata

from .js import JS_WS_CHARS


# pdf.js src/shared/util.js normalizeUnicode
_NORMALIZE_RE = re.compile(
    "([\u00a0\u00b5\u037e\u0eb3\u2000-\u200a\u202f\u2126\ufb00-\ufb04\ufb06"
    "\ufb20-\ufb36\ufb38-\ufb3c\ufb3e\ufb40-\ufb41\ufb43-\ufb44\ufb46-\ufba1"
    "\ufba4-\ufba9\ufbae-\ufbb1\ufbd3-\ufbdc\ufbde-\ufbe7\ufbea-\ufbf8"
    "\ufbfc-\ufbfd\ufc00-\ufc5d\ufc64-\ufcf1\ufcf5-\ufd3d\ufd88\ufdf4"
    "\ufdfa-\ufdfb\ufe71\ufe77\ufe79\ufe7b\ufe7d]+)|(\ufb05+)"
)


def normalize_unicode(s: str) -> str:
    return _NORMALIZE_RE.sub(
        lambda m: unicodedata.normalize("NFKC", m.group(1))
        if m.group(1)
        else "\u017ft" * len(m.group(2)),
        s,
    )


# pdf.js src/core/bidi.js (v3.7.107): simplified Unicode bidi algorithm
# applied to every text item (runBidiTransform). Works on UTF-16 code units.
_BIDI_BASE_TYPES = (
    "BN BN BN BN BN BN BN BN BN S B S WS B BN BN BN BN BN BN BN BN BN BN BN BN BN BN B B B S "
    "WS ON ON ET ET ET ON ON ON ON ON ES CS ES CS CS EN EN EN EN EN EN EN EN EN EN CS ON ON "
    "ON ON ON ON L L L L L L L L L L L L L L L L L L L L L L L L L L ON ON ON ON ON ON L L L "
    "L L L L L L L L L L L L L L L L L L L L L L L ON ON ON ON BN BN BN BN BN BN B BN BN BN "
    "BN BN BN BN BN BN BN BN BN BN BN BN BN BN BN BN BN BN BN BN BN BN BN CS ON ET ET ET ET "
    "ON ON ON ON L ON ON BN ON ON ET ET EN EN ON L ON ON ON EN L ON ON ON ON ON L L L L L L "
    "L L L L L L L L L L L L L L L L L ON L L L L L L L L L L L L L L L L L L L L L L L L L "
    "L L L L L L ON L L L L L L L L "
).split()
_BIDI_ARABIC_TYPES = (
    "AN AN AN AN AN AN ON ON AL ET ET AL CS AL ON ON NSM NSM NSM NSM NSM NSM NSM NSM NSM NSM "
    "NSM AL AL - AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL "
    "AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL NSM NSM NSM NSM NSM NSM NSM "
    "NSM NSM NSM NSM NSM NSM NSM NSM NSM NSM NSM NSM NSM NSM AN AN AN AN AN AN AN AN AN AN "
    "ET AN AN AL AL AL NSM AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL "
    "AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL "
    "AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL "
    "AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL AL NSM NSM NSM NSM NSM NSM "
    "NSM AN ON NSM NSM NSM NSM NSM NSM AL AL NSM NSM ON NSM NSM NSM NSM AL AL EN EN EN EN EN "
    "EN EN EN EN EN AL AL AL AL AL AL "
).split()


def _bidi_char_type(code: int) -> str:
    if code <= 0x00FF:
        return _BIDI_BASE_TYPES[code]
    if 0x0590 <= code <= 0x05F4:
        return "R"
    if 0x0600 <= code <= 0x06FF:
        t = _BIDI_ARABIC_TYPES[code & 0xFF]
        return "" if t == "-" else t
    if 0x0700 <= code <= 0x08AC or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        return "AL"
    return "L"


def pdfjs_bidi(s: str) -> str:
    raw = s.encode("utf-16-le", "surrogatepass")
    units = [int.from_bytes(raw[i : i + 2], "little") for i in range(0, len(raw), 2)]
    n = len(units)
    if n == 0:
        return s
    types = [_bidi_char_type(u) for u in units]
    num_bidi = sum(1 for t in types if t in ("R", "AL", "AN"))
    if num_bidi == 0:
        return s
    start_level = 0 if (num_bidi / n < 0.3 and n > 4) else 1
    levels = [start_level] * n
    e = "R" if start_level & 1 else "L"
    sor = eor = e
    last = sor
    for i in range(n):  # W1
        if types[i] == "NSM":
            types[i] = last
        else:
            last = types[i]
    last = sor
    for i in range(n):  # W2
        t = types[i]
        if t == "EN":
            types[i] = "AN" if last == "AL" else "EN"
        elif t in ("R", "L", "AL"):
            last = t
    types = ["R" if t == "AL" else t for t in types]  # W3
    for i in range(1, n - 1):  # W4
        if types[i] == "ES" and types[i - 1] == "EN" and types[i + 1] == "EN":
            types[i] = "EN"
        if types[i] == "CS" and types[i - 1] in ("EN", "AN") and types[i + 1] == types[i - 1]:
            types[i] = types[i - 1]
    for i in range(n):  # W5
        if types[i] == "EN":
            j = i - 1
            while j >= 0 and types[j] == "ET":
                types[j] = "EN"
                j -= 1
            j = i + 1
            while j < n and types[j] == "ET":
                types[j] = "EN"
                j += 1
    types = ["ON" if t in ("WS", "ES", "ET", "CS") else t for t in types]  # W6
    last = sor
    for i in range(n):  # W7
        t = types[i]
        if t == "EN":
            types[i] = "L" if last == "L" else "EN"
        elif t in ("R", "L"):
            last = t
    i = 0
    while i < n:  # N1
        if types[i] == "ON":
            end = i + 1
            while end < n and types[end] == "ON":
                end += 1
            before = types[i - 1] if i > 0 else sor
            after = types[end + 1] if end + 1 < n else eor
            before = before if before == "L" else "R"
            after = after if after == "L" else "R"
            if before == after:
                for j in range(i, end):
                    types[j] = before
            i = end - 1
        i += 1
    types = [e if t == "ON" else t for t in types]  # N2
    for i in range(n):  # I1, I2
        t = types[i]
        if levels[i] & 1 == 0:
            if t == "R":
                levels[i] += 1
            elif t in ("AN", "EN"):
                levels[i] += 2
        elif t in ("L", "AN", "EN"):
            levels[i] += 1
    highest = max(levels)
    lowest_odd = min([lv for lv in levels if lv & 1] or [99])
    chars = list(units)
    for level in range(highest, lowest_odd - 1, -1):  # L2
        start = -1
        for i in range(n):
            if levels[i] < level:
                if start >= 0:
                    chars[start:i] = chars[start:i][::-1]
                    start = -1
            elif start < 0:
                start = i
        if start >= 0:
            chars[start:n] = chars[start:n][::-1]
    chars = [c for c in chars if c not in (0x3C, 0x3E)]  # pdf.js drops "<" and ">"
    data = b"".join(c.to_bytes(2, "little") for c in chars)
    return data.decode("utf-16-le", "replace")


def char_unicode_category(s: str) -> tuple[bool, bool, bool]:
    """pdf.js getCharUnicodeCategory: /^(\\s)|(\\p{Mn})|(\\p{Cf})$/u on the glyph's unicode."""
    for i, ch in enumerate(s):
        if i == 0 and ch in JS_WS_CHARS:
            return (True, False, False)
        if unicodedata.category(ch) == "Mn":
            return (False, True, False)
        if i == len(s) - 1 and unicodedata.category(ch) == "Cf":
            return (False, False, True)
    return (False, False, False)
