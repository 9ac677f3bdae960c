"""JavaScript semantics helpers (ports no single file; used by all the others).

OpenResume is TypeScript, and some of its results depend on how JavaScript
does things: ``Math.round`` (halves towards +Infinity), ``parseFloat`` and
``String(number)``, the ``\\s`` character class and ``trim()``, ``length`` in
UTF-16 code units, the key order of ``for (key in obj)`` (integer-like keys
first), ``Math.sign``, and ``item.text.match(regex)`` used as a feature
function. This module gives the port those semantics, so that each ported
module can stay close to its original.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any, Callable

from .types import TextItem


# Characters matched by JS /\s/ (WhiteSpace + LineTerminator) and removed by trim().
JS_WS_CHARS = (
    "\t\n\u000b\u000c\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
JS_S = "[" + re.escape(JS_WS_CHARS) + "]"  # JS \s
JS_NS = "[^" + re.escape(JS_WS_CHARS) + "]"  # JS \S
JS_D = "[0-9]"  # JS \d


def js_trim(s: str) -> str:
    return s.strip(JS_WS_CHARS)


def js_round(x: float) -> float:
    """Math.round: halves round towards +Infinity."""
    if math.isnan(x) or math.isinf(x):
        return x
    return math.floor(x + 0.5)


def js_len(s: str) -> int:
    """String.prototype.length (UTF-16 code units)."""
    return sum(2 if ord(c) > 0xFFFF else 1 for c in s)


def js_first_unit(s: str) -> str | None:
    """s[0] in JS; an astral char yields a lone surrogate (never equal to a list entry)."""
    if not s:
        return None
    return s[0] if ord(s[0]) <= 0xFFFF else "\ud800"


def js_last_unit(s: str) -> str | None:
    if not s:
        return None
    return s[-1] if ord(s[-1]) <= 0xFFFF else "\udc00"


def js_split_ws(s: str) -> list[str]:
    """str.split(/\\s/)"""
    return re.split(JS_S, s)


def js_sign(x: float) -> float:
    if x > 0:
        return 1
    if x < 0:
        return -1
    return 0


_PARSE_FLOAT_RE = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")


def js_parse_float(s: str) -> float:
    m = _PARSE_FLOAT_RE.match(s.lstrip(JS_WS_CHARS))
    if not m:
        return math.nan
    text = m.group(0)
    if text.lstrip("+-") == "Infinity":
        return -math.inf if text.startswith("-") else math.inf
    try:
        return float(text)
    except (ValueError, OverflowError):  # pragma: no cover
        return math.nan


def js_number_to_string(x: float) -> str:
    """String(number) following ECMAScript Number::toString."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    _, digit_tuple, exp = Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    stripped = digits.rstrip("0")
    exp += len(digits) - len(stripped)
    digits = stripped
    k = len(digits)
    n = k + int(exp)
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        es = ("+" if e >= 0 else "-") + str(abs(e))
        out = digits + "e" + es if k == 1 else digits[0] + "." + digits[1:] + "e" + es
    return sign + out


_ARRAY_INDEX_RE = re.compile(r"^(?:0|[1-9][0-9]*)$")


def js_keys(obj: dict[str, Any]) -> list[str]:
    """Order of `for (key in obj)`: array-index keys ascending, then insertion order."""
    idx = [k for k in obj if _ARRAY_INDEX_RE.match(k) and int(k) < 2**32 - 1]
    rest = [k for k in obj if k not in set(idx)]
    return sorted(idx, key=int) + rest


def js_match(pattern: str) -> Callable[[TextItem], Any]:
    """Feature function ``(item) => item.text.match(regex)``: [match] or None."""
    rx = re.compile(pattern)

    def fn(item: TextItem) -> Any:
        m = rx.search(item["text"])
        return [m.group(0)] if m else None

    return fn
