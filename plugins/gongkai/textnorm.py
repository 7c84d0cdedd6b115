"""Text normalisation shared by the search index and the 保密审查 scan: what a reader sees, not
how it was typed.

visible(): NFKC (full-width letters and digits, ideographic space, ＊ and （） become their
ASCII forms) and removal of invisible characters (zero-width space and joiners, soft hyphen,
word joiner, byte-order mark, bidi controls: Unicode's Default_Ignorable_Code_Point). Search
builds on it (plus lower case and traditional -> simplified, gongkai.search.analysis), and
theme/static/js/search-core.js mirrors it with the same INVISIBLE_RANGES.

fold(): the same for the scan, after decoding HTML entities (&#49; &#x31; &nbsp;) and with the
decimal digits of every script as ASCII digits (١٣٨ reads as 138), keeping a map back to the
original offsets so that a finding is located and masked in the text as written.
Markdown markers and separators between digit groups are the detector's business
(gongkai.secrecy.detect), because which groups form one number depends on the groups around them.
"""
from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

# Unicode 15 DerivedCoreProperties.txt, Default_Ignorable_Code_Point: rendered as nothing. The same
# list as INVISIBLE_RANGES in theme/static/js/search-core.js (tests/test_textnorm.py compares them).
INVISIBLE_RANGES = ((0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
                    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
                    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
                    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF))
INVISIBLE = re.compile("[" + "".join(f"\\U{low:08X}-\\U{high:08X}" for low, high in INVISIBLE_RANGES) + "]")
# Numeric and hexadecimal character references, and named ones (html.unescape knows which exist).
ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"


def visible(text: str) -> str:
    """NFKC, then invisible characters removed (NFKC keeps them)."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Folded:
    """A text as the scan reads it, and the way back to the text as written.

    Each anchor is one place where a piece of the original (an entity, an invisible character, a
    character NFKC expands, such as … or ⑴) became a piece of another length: (position in the
    folded text, its length there, start and end in the original). Between anchors the two texts
    correspond character for character.
    """

    original: str
    text: str
    anchors: tuple = ()
    _positions: tuple = ()

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of folded text[start:end] (start < end)."""
        return self._origin(start)[0], self._origin(end - 1)[1]

    def _origin(self, i: int) -> tuple[int, int]:
        k = bisect_right(self._positions, i) - 1
        if k < 0:
            return i, i + 1
        pos, length, start, end = self.anchors[k]
        if i < pos + length:
            return start, end
        at = end + i - pos - length
        return at, at + 1


def _digit(ch: str) -> str:
    """A decimal digit of any script as its ASCII digit; anything else as it is."""
    return str(unicodedata.decimal(ch)) if len(ch) == 1 and not ch.isascii() and ch.isdecimal() else ch


class _Forms:
    """Each character's visible() form, learnt once per process: most characters map to one
    character (str.translate does those at C speed); the rest become anchors."""

    def __init__(self):
        self.known: set[str] = set()
        self.table: dict[int, str] = {}
        self.special: set[str] = set()
        self.pattern = re.compile(ENTITY)

    def learn(self, text: str) -> None:
        new = set(text) - self.known
        if not new:
            return
        for ch in new:
            form = _digit(visible(ch))
            if len(form) != 1:
                self.special.add(ch)
            elif form != ch:
                self.table[ord(ch)] = form
        self.known |= new
        if self.special:
            chars = "".join(re.escape(c) for c in sorted(self.special))
            self.pattern = re.compile(f"{ENTITY}|[{chars}]")

    def form(self, piece: str) -> str:
        if piece.startswith("&"):
            decoded = html.unescape(piece)
            return piece.translate(self.table) if decoded == piece else "".join(map(_digit, visible(decoded)))
        return "".join(map(_digit, visible(piece)))


_FORMS = _Forms()


def fold(text: str) -> Folded:
    """visible() after decoding HTML entities, with the offsets back to `text` (see Folded)."""
    _FORMS.learn(text)
    if "&" not in text and _FORMS.special.isdisjoint(text):
        return Folded(text, text.translate(_FORMS.table))
    parts, anchors, done, length = [], [], 0, 0
    for m in _FORMS.pattern.finditer(text):
        plain = text[done:m.start()].translate(_FORMS.table)
        form = _FORMS.form(m.group())
        parts += [plain, form]
        length += len(plain)
        anchors.append((length, len(form), m.start(), m.end()))
        length += len(form)
        done = m.end()
    parts.append(text[done:].translate(_FORMS.table))
    return Folded(text, "".join(parts), tuple(anchors), tuple(a[0] for a in anchors))
