"""Masked names in Markdown: 李*华, 王*芳, 杨**, 刘*、赵* (公示 lists hide part of a name).

Markdown reads those asterisks as emphasis: "李*华、王*芳" renders as 李<em>华、王</em>芳, which
reads 李华、王芳 — the full names the editor masked. So before rendering, and before the search
takes a body's text, an asterisk that masks a character is escaped:

- a single * right after a Han character (李*华, 张*): Chinese text is not set in italics, so
  this is never emphasis;
- a run of ** or more right after a Han character and not followed by a letter or digit (杨**,
  赵**、), unless it closes a ** opened earlier on the line (**申请**：).

Anything else (**申请**, 请于**3月31日**前, list bullets, code spans) is left to Markdown.
"""
from __future__ import annotations

import re

_STARS = re.compile(r"\*+")
_CODE = re.compile(r"(`+)(.*?)\1")


def _is_han(ch: str) -> bool:
    code = ord(ch)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x323AF


def mask_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of every asterisk run in `line` that masks characters (see above)."""
    code = [m.span() for m in _CODE.finditer(line)]
    spans, bold_open = [], False
    for m in _STARS.finditer(line):
        if any(start <= m.start() < end for start, end in code):
            continue
        before = line[m.start() - 1] if m.start() else " "
        after = line[m.end()] if m.end() < len(line) else " "
        if _is_han(before) and (len(m.group()) == 1 or not after.isalnum() and not bold_open):
            spans.append(m.span())
        elif len(m.group()) >= 2:
            bold_open = not bold_open
    return spans


def protect(markdown: str, mark: str = "\\*") -> str:
    """`markdown` with every masking asterisk replaced by `mark` (by default Markdown's escaped
    asterisk, shown as *)."""
    lines = []
    for line in markdown.split("\n"):
        for start, end in reversed(mask_spans(line)):
            line = line[:start] + mark * (end - start) + line[end:]
        lines.append(line)
    return "\n".join(lines)
