"""Finding personal numbers and secrecy markings in one line of text.

Pure functions over strings. Each number kind is a regex for its shape plus a checksum or
plausibility test, because the catalogue is full of numbers that look alike (索引号, 文号, dates,
amounts, landlines) and every false alarm teaches reviewers to wave the scan through.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

ID_CARD, MOBILE, BANK_CARD, MARKING = "居民身份证号码", "手机号码", "银行卡号", "密级标识"
KINDS = (ID_CARD, MOBILE, BANK_CARD, MARKING)


@dataclass(frozen=True)
class Match:
    """One hit in a line: where it is, what was written, its canonical value and its masked form."""

    kind: str
    start: int
    end: int
    text: str
    value: str
    shown: str


# Digits typed with a Chinese input method are full-width; one character each, so offsets hold.
FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ＋－　", "0123456789Xx+- ")

# 索引号 (e.g. 11530000MB0123456X/2024-00012) carries an 18-character code that may be all digits;
# it is blanked before the number checks so that its digits are never taken for a card or an ID.
INDEX_NO = re.compile(r"[0-9A-Z-]{9,18}/(?:\d{6}|\d{4})-\d{3,6}")

# A number glued to letters or other digits is a code, not a card or an ID; "1234.56" is an amount.
_EDGE_BEFORE = r"(?<![0-9A-Za-z])(?<!\d\.)"
_EDGE_AFTER = r"(?![0-9A-Za-z])(?!\.\d)"
ID_RE = re.compile(_EDGE_BEFORE + r"[1-9]\d{16}[\dXx]" + _EDGE_AFTER)
BANK_RE = re.compile(_EDGE_BEFORE + r"(?:\d{16,19}|\d{4}(?P<sep>[ -])\d{4}(?:(?P=sep)\d{4}){2}(?:(?P=sep)\d{1,3})?)"
                     + _EDGE_AFTER)
# 3-4-4 with one separator throughout; an optional +86 / 0086 / 86- country prefix.
MOBILE_RE = re.compile(r"(?<!\d)(?<!\d\.)(?:\(?(?:\+|00)?86\)?[ -]?)?1[3-9]\d(?:(?P<sep>[ -])\d{4}(?P=sep)\d{4}|\d{8})"
                       r"(?!\d)(?!\.\d)")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# ISO/IEC 7812 major industry identifiers of payment cards: 3 (JCB, Amex), 4-5 (Visa, Mastercard),
# 6 (UnionPay 62...), 9 (older domestic cards such as 9558...). Codes starting 0-2 or 7-8 are not cards.
CARD_FIRST_DIGITS = "34569"

# Always a marking: a grade with its star (★ or ☆) or written as "…级".
MARKING_ALWAYS = re.compile(r"(?:绝密|机密|秘密)[ \t]*[★☆]|(?:绝密|机密|秘密)级")
# A marking unless the sentence is about secrecy rather than marked with it ("涉及国家机密的除外").
MARKING_WORDS = re.compile(r"绝密|机密(?!性)|工作秘密|内部资料|不予公开")
PROSE_CUES = ("涉及", "保守", "泄露", "泄漏", "除外", "规定", "依法", "依照", "商业", "技术",
              "予以公开", "部分公开", "告知", "情形", "是否")
SENTENCE_END = re.compile(r"[。；;！!？?]")


def id_card_ok(number: str) -> bool:
    """GB 11643: a real birth date (1900 to this year) and the mod-11 check character."""
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not 1900 <= born.year <= dt.date.today().year:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS))
    return ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def mask_id(value: str) -> str:
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str) -> str:
    return value[:3] + "****" + value[-4:]


def mask_card(value: str) -> str:
    """6222 **** **** 1234: first and last four, the middle starred in groups of four."""
    stars = "*" * (len(value) - 8)
    return " ".join([value[:4], *(stars[i:i + 4] for i in range(0, len(stars), 4)), value[-4:]])


def _digits(text: str) -> str:
    return re.sub(r"[^\dXx]", "", text).upper()


def _grouped_run_continues(line: str, match: re.Match) -> bool:
    """'138 0013 8000 1234' is part of a longer grouped number, not a phone or a card."""
    if not match.group("sep"):
        return False
    return bool(re.match(r"[ -]\d", line[match.end():]) or re.search(r"\d[ -]$", line[:match.start()]))


def _id_cards(line: str):
    for m in ID_RE.finditer(line):
        value = m.group().upper()
        if id_card_ok(value):
            yield Match(ID_CARD, m.start(), m.end(), m.group(), value, mask_id(value))


def _bank_cards(line: str):
    for m in BANK_RE.finditer(line):
        value = _digits(m.group())
        if value[0] in CARD_FIRST_DIGITS and luhn_ok(value) and not _grouped_run_continues(line, m):
            yield Match(BANK_CARD, m.start(), m.end(), m.group(), value, mask_card(value))


def _mobiles(line: str):
    for m in MOBILE_RE.finditer(line):
        value = _digits(m.group())[-11:]
        if not _grouped_run_continues(line, m):
            yield Match(MOBILE, m.start(), m.end(), m.group(), value, mask_mobile(value))


def _markings(line: str):
    always = list(MARKING_ALWAYS.finditer(line))
    for m in always:
        yield Match(MARKING, m.start(), m.end(), m.group(), re.sub(r"[ \t]", "", m.group()), m.group())
    for m in MARKING_WORDS.finditer(line):
        if not any(a.start() <= m.start() < a.end() for a in always) and not _in_prose(line, m):
            yield Match(MARKING, m.start(), m.end(), m.group(), m.group(), m.group())


def _in_prose(line: str, match: re.Match) -> bool:
    """True when the sentence around the word talks about secrecy instead of carrying a marking."""
    ends = [e.end() for e in SENTENCE_END.finditer(line)]
    start = max([e for e in ends if e <= match.start()], default=0)
    stop = min([e for e in ends if e > match.start()], default=len(line))
    sentence = line[start:stop]
    return any(cue in sentence for cue in PROSE_CUES)


# Order matters: an 18-digit ID may also pass Luhn, so IDs claim their span before cards do.
DETECTORS = (_id_cards, _bank_cards, _mobiles, _markings)


def find_sensitive(text: str) -> list[Match]:
    """Every hit in one line of text, at most one per span, in the order they appear."""
    line = INDEX_NO.sub(lambda m: "_" * len(m.group()), text.translate(FULLWIDTH))
    found: list[Match] = []
    for detector in DETECTORS:
        for hit in detector(line):
            if not any(hit.start < f.end and f.start < hit.end for f in found):
                found.append(Match(hit.kind, hit.start, hit.end, text[hit.start:hit.end], hit.value, hit.shown))
    return sorted(found, key=lambda m: m.start)
