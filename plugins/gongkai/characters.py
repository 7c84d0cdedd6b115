"""Characters an editor never means to type, named once for every check and every message.

They arrive by copy and paste (from PDFs, web pages, other systems' exports), through YAML
escapes ("\\f", "\\x01", "\\e") or from spreadsheet cells, and each one breaks something
downstream: YAML refuses raw control characters, XML feeds refuse them, a line break in a
single-line field forges a section in the review report, a direction override makes the page
show text in another order than the file holds.
"""
from __future__ import annotations

import re
import unicodedata

# What YAML cannot read and no text means: C0 controls but tab and line feed, DEL, C1 controls,
# and the two non-characters. (\r never reaches here: files are read with universal newlines.)
UNREADABLE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff"
# Direction overrides and isolates (the "Trojan Source" characters): U+202A–U+202E, U+2066–U+2069.
BIDI = "\u202a-\u202e\u2066-\u2069"
# Line and paragraph separators: line breaks to a browser's JavaScript and to some editors.
SEPARATORS = "\u2028\u2029"

# Not allowed in a Markdown body (tab and line feed are).
BODY_FORBIDDEN = re.compile(f"[{UNREADABLE}{BIDI}{SEPARATORS}]")
# Not allowed in a field value: a field is one line of text (a list holds several lines)...
VALUE_FORBIDDEN = re.compile(f"[\t\n\r{UNREADABLE}{BIDI}{SEPARATORS}]")
# ...unless the schema declares it `x-multiline` (prose copied from a catalogue, e.g. 时限说明).
MULTILINE_FORBIDDEN = re.compile(f"[\t\r{UNREADABLE}{BIDI}{SEPARATORS}]")
# Shown escaped in messages, so a message is always one visible line.
HIDDEN = VALUE_FORBIDDEN

NAMES = {
    "\x00": "空字符 NUL", "\t": "制表符（Tab）", "\n": "换行", "\r": "回车符", "\x0b": "垂直制表符",
    "\x0c": "换页符", "\x1b": "转义符 ESC", "\x7f": "删除符 DEL", "\x85": "下一行符 NEL",
    "\u2028": "行分隔符", "\u2029": "段分隔符", "\ufffe": "非字符", "\uffff": "非字符",
    "\u202a": "LRE 从左到右嵌入", "\u202b": "RLE 从右到左嵌入", "\u202c": "PDF 结束方向格式",
    "\u202d": "LRO 从左到右强制", "\u202e": "RLO 从右到左强制", "\u2066": "LRI 从左到右隔离",
    "\u2067": "RLI 从右到左隔离", "\u2068": "FSI 首字方向隔离", "\u2069": "PDI 结束方向隔离",
}
# Characters that take no room on the page: a value made only of these (and spaces) is empty.
ZERO_WIDTH = set("\u00ad\u034f\u115f\u1160\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064"
                 "\u3164\ufeff\uffa0\u2800")


def label(char: str) -> str:
    """"U+000C（换页符）": the code point an editor can search for, and what it is."""
    code = f"U+{ord(char):04X}"
    return f"{code}（{NAMES.get(char, '控制字符')}）"


def is_bidi(char: str) -> bool:
    return bool(re.match(f"[{BIDI}]", char))


def has_visible(text: str) -> bool:
    """True when something in `text` shows on the page (not only spaces or zero-width characters)."""
    if text[:1].isalnum():  # the usual case, a letter, digit or 汉字 first, without the loop
        return True
    return any(not (c.isspace() or c in ZERO_WIDTH or unicodedata.category(c) in ("Cf", "Cc", "Zs"))
               for c in text)


def visible(text: str) -> str:
    """`text` with every line break or hidden character written out (\\n, \\x01, \\u202e)."""
    return HIDDEN.sub(lambda m: _escape(m.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    return {10: "\\n", 9: "\\t", 13: "\\r"}.get(code, f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
