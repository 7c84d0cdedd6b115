"""Finding personal numbers and secrecy markings in text.

Pure functions over strings. The text is first read as a reader sees it (gongkai.textnorm.fold:
HTML entities decoded, NFKC, invisible characters removed), with offsets kept so that every hit is
reported and masked where it was written.

Numbers: maximal digit runs ("groups"; Chinese numerals too) joined by short separators (spaces,
- . / · – — ( ), Markdown * _ ` ~, HTML tags, one line break) form a cluster; every run of consecutive groups of the right
length is tried against each kind's checksum or plausibility test, because the catalogue is full
of numbers that look alike (索引号, 文号, dates, amounts, landlines) and every false alarm teaches
reviewers to wave the scan through. A run is not a number of its own when the cluster continues
it: by a decimal point, or by a short group after the same separator it uses inside (the start
of "138 0013 8000 1234" is no mobile number).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from gongkai.textnorm import Folded, fold

ID_CARD, MOBILE, BANK_CARD, MARKING = "居民身份证号码", "手机号码", "银行卡号", "密级标识"
KINDS = (ID_CARD, MOBILE, BANK_CARD, MARKING)
# An 18-digit number that reads like an ID (region, birth date) with a wrong check character: a
# typing slip in a real ID is still a real ID. Acknowledged as a 居民身份证号码.
ID_BAD_CHECK = "疑似身份证号码，校验位不符"


@dataclass(frozen=True)
class Match:
    """One hit: where it is in the text as written, what was written there, its canonical value
    (digits only; a marking without spacing) and its masked form. `label` names it in reports."""

    kind: str
    start: int
    end: int
    text: str
    value: str
    shown: str
    label: str = ""

    @property
    def called(self) -> str:
        return self.label or f"疑似{self.kind}"


# 索引号 (e.g. 11530000MB0123456X/2024-00012) carries an 18-character code that may be all digits;
# it is blanked before the number checks so that its digits are never taken for a card or an ID.
INDEX_NO = re.compile(r"[0-9A-Z-]{9,18}/(?:[0-9]{6}|[0-9]{4})-[0-9]{3,6}")
BLANK = "#"  # neither a digit, a letter nor a separator

# A digit run; an X ends an ID. Digits of other scripts are folded to ASCII by fold().
GROUP = re.compile(r"(?<![0-9])[0-9]+(?:[Xx](?![0-9A-Za-z]))?")
LETTER = re.compile(r"[A-Za-z]")
_SEP = r"[ \t\r\-./\u00b7\u2010-\u2015\u2022\u2212\u30fb()*_`~]"
JOINER = re.compile(f"{_SEP}{{1,4}}|{_SEP}{{0,4}}\\n{_SEP}{{0,4}}")
# Tags and comments between digit groups are not shown: <b>138</b>1234 reads as 1381234.
TAGS = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>\n]{0,200}>", re.S)
# Digits written as Chinese numerals (一三八…): three or more in a row are read as digits, one for
# one, so "二〇二四年" stays a year and offsets are kept.
CHINESE_DIGITS = re.compile("[〇零一二三四五六七八九幺]{3,}")
CHINESE_TABLE = str.maketrans("〇零一二三四五六七八九幺", "001234567891")
SHORT_GROUP = 4  # digits in a group that may continue a grouped number (6222 0200 1234 5671 2345)
DECIMAL_POINT = "."

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# GB/T 2260 province-level codes: the first two digits of every resident ID (81-83: Hong Kong,
# Macao and Taiwan residents' residence permits).
PROVINCES = frozenset([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                       50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83])
# ISO/IEC 7812 major industry identifiers of payment cards: 3 (JCB, Amex), 4-5 (Visa, Mastercard),
# 6 (UnionPay 62...), 9 (older domestic cards such as 9558...). Codes starting 0-2 or 7-8 are not cards.
CARD_FIRST_DIGITS = "34569"
MOBILE_DIGITS = re.compile(r"(?:0086|86)?1[3-9][0-9]{9}")

# Markings. Between the characters of a marking word: spaces or Markdown markers ("绝 密", "机**密**").
_FILL = r"[ \t*_`~]{0,3}"
FILLERS = re.compile(r"[ \t*_`~]")


def _spaced(word: str) -> str:
    return _FILL.join(re.escape(ch) for ch in word)


_GRADE = "|".join(_spaced(w) for w in ("绝密", "机密", "秘密"))
# Always a marking: a grade with its star (★ ☆, or ＊ / a lone * standing for it) or written "…级".
MARKING_ALWAYS = re.compile(f"(?P<grade>{_GRADE})(?:(?P<gap>[ \\t]*)(?P<star>[★☆*])|(?P<fill>{_FILL})(?P<level>级))")
# A marking unless the clause is about secrecy rather than marked with it ("涉及国家机密的除外").
# 拒绝/杜绝… end in 绝 and 不涉密 is the opposite of a marking.
MARKING_WORDS = re.compile("|".join([f"(?<![拒杜断根隔谢]){_spaced('绝密')}", f"{_spaced('机密')}(?!性)",
                                     _spaced("工作秘密"), _spaced("内部资料"), _spaced("不予公开"),
                                     f"(?<![不非无]){_spaced('涉密')}"]))
# A cue earlier in the same clause makes it prose; "…的除外" after it too. A cue after the word
# ("机密文件，依法办理") says nothing about the word.
PROSE_CUES = ("涉及", "保守", "泄露", "泄漏", "规定", "依法", "依照", "商业", "技术", "予以公开", "部分公开",
              "告知", "情形", "是否")
PROSE_AFTER = ("除外",)
CLAUSE_END = re.compile(r"[。；;！!？?，,：:\n]")


def id_card_ok(number: str) -> bool:
    """GB 11643: a real birth date (1900 to this year) and the mod-11 check character."""
    return _birth_ok(number[6:14]) and _check_char(number) == number[17].upper()


def _check_char(number: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS)) % 11]


def _birth_ok(yyyymmdd: str) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return 1900 <= born.year and born <= dt.date.today()


def _region_ok(number: str) -> bool:
    return int(number[:2]) in PROVINCES


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


# ---------------------------------------------------------------- numbers

@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    digits: str


@dataclass(frozen=True)
class _Hit:
    """A hit in the folded text; rank decides which of two overlapping hits is kept."""

    rank: int
    start: int
    end: int
    kind: str
    value: str
    shown: str
    label: str = ""


def _clusters(text: str):
    """Lists of groups, each joined to the next by a separator; and the separators between them."""
    groups, gaps = [], []
    for m in GROUP.finditer(text):
        group = _Group(m.start(), m.end(), m.group().upper())
        if groups:
            gap = TAGS.sub("", text[groups[-1].end:m.start()])
            if gap == "" or JOINER.fullmatch(gap):
                groups.append(group)
                gaps.append(gap)
                continue
            yield groups, gaps
        groups, gaps = [group], []
    if groups:
        yield groups, gaps


def _continues(gap: str, neighbour: _Group, inside: set[str]) -> bool:
    """Does the neighbouring group make the candidate part of a longer number?"""
    return gap in ("", DECIMAL_POINT) or (gap in inside and len(neighbour.digits) <= SHORT_GROUP)


def _windows(groups: list[_Group], gaps: list[str]):
    """(first, last, digits, continued) for each run of consecutive groups up to 19 digits;
    `continued` when a neighbouring group makes it part of a longer number."""
    for i in range(len(groups)):
        digits = ""
        for j in range(i, len(groups)):
            if digits.endswith("X"):
                break  # an X ends a number
            digits += groups[j].digits
            if len(digits) > 19:
                break
            inside = set(gaps[i:j])
            continued = (i > 0 and _continues(gaps[i - 1], groups[i - 1], inside)) or \
                (j < len(groups) - 1 and _continues(gaps[j], groups[j + 1], inside))
            yield i, j, digits, continued


def _classify(digits: str, glued: bool, continued: bool) -> tuple | None:
    """(rank, kind, value, shown, label) of a digit run, or None. An ID whose check character
    proves it counts wherever it stands; anything else only standing on its own, and glued to
    letters only a mobile number (TEL13912345678)."""
    n = len(digits)
    if n < 11 or "X" in digits[:-1]:
        return None
    if n == 18 and digits[0] != "0" and _region_ok(digits) and _birth_ok(digits[6:14]):
        if _check_char(digits) == digits[17]:
            return 0, ID_CARD, digits, mask_id(digits), ""
        return None if glued or continued else (3, ID_CARD, digits, mask_id(digits), ID_BAD_CHECK)
    if "X" in digits or continued:
        return None
    if n == 15 and digits[0] != "0" and _region_ok(digits) and _birth_ok("19" + digits[6:12]) and not glued:
        return 0, ID_CARD, digits, mask_id(digits), ""
    if 16 <= n <= 19 and digits[0] in CARD_FIRST_DIGITS and luhn_ok(digits) and not glued:
        return 1, BANK_CARD, digits, mask_card(digits), ""
    if MOBILE_DIGITS.fullmatch(digits):
        return 2, MOBILE, digits[-11:], mask_mobile(digits[-11:]), ""
    return None


def _number_hits(text: str) -> list[_Hit]:
    hits = []
    for groups, gaps in _clusters(text):
        for i, j, digits, continued in _windows(groups, gaps):
            first, last = groups[i], groups[j]
            # A letter directly before or after: part of a code such as 91530100MA6K…
            glued = bool(LETTER.match(text[first.start - 1:first.start]) or LETTER.match(text[last.end:last.end + 1]))
            found = _classify(digits, glued, continued)
            if found:
                rank, kind, value, shown, label = found
                hits.append(_Hit(rank, _start(text, first.start, last.end), last.end, kind, value, shown, label))
    return hits


def _start(text: str, start: int, end: int) -> int:
    """Take in a + before a country code and an opening bracket the number closes: (+86)138…, (138)1234…"""
    if text[start - 1:start] == "+":
        start -= 1
    if text[start - 1:start] == "(" and text.count(")", start, end) > text.count("(", start, end):
        start -= 1
    return start


# ---------------------------------------------------------------- markings

def _marking_hits(text: str, folded: Folded) -> list[_Hit]:
    hits = []
    for m in MARKING_ALWAYS.finditer(text):
        if m.group("star") == "*" and not _literal_star(text, m.start("star"), folded):
            continue
        mark = m.group("star") or m.group("level")
        hits.append(_Hit(4, m.start(), m.end(), MARKING, FILLERS.sub("", m.group("grade")) + mark, m.group()))
    for m in MARKING_WORDS.finditer(text):
        if not any(h.start <= m.start() < h.end for h in hits) and not _in_prose(text, m):
            hits.append(_Hit(4, m.start(), m.end(), MARKING, FILLERS.sub("", m.group()), m.group()))
    return hits


def _literal_star(text: str, at: int, folded: Folded) -> bool:
    """＊ is always shown as typed; a * is Markdown emphasis unless it is the only one in its line."""
    start, _end = folded.span(at, at + 1)
    if folded.original[start] != "*":
        return True
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    return text.count("*", line_start, len(text) if line_end < 0 else line_end) == 1


def _in_prose(text: str, match: re.Match) -> bool:
    """True when the clause around the word talks about secrecy instead of carrying a marking."""
    before = text[:match.start()]
    ends = [e.end() for e in CLAUSE_END.finditer(before)]
    clause_start = ends[-1] if ends else 0
    after = CLAUSE_END.search(text, match.end())
    clause_rest = text[match.end():after.start() if after else len(text)]
    return any(cue in text[clause_start:match.start()] for cue in PROSE_CUES) or \
        any(cue in clause_rest for cue in PROSE_AFTER)


# ---------------------------------------------------------------- the entry point

# Most texts (a name, a date, a list entry) have none of these: nothing more to look at.
ANY_CANDIDATE = re.compile(r"[0-9〇零一二三四五六七八九幺绝机秘涉工内不]")


SHORT_TEXT = 200  # characters: a field's value, a list entry (what repeats from file to file)


def find_sensitive(text: str) -> list[Match]:
    """Every hit in `text` (one line or many), at most one per span, in the order they appear.
    start/end index `text` as given, so a caller can mask or locate each hit.

    Short texts are remembered (_short_text_hits): a catalogue's files repeat their 公开主体,
    公开方式, 公开渠道 and list entries; a long text (a body) is seldom seen twice and would make
    the memory hold megabytes."""
    return list(_short_text_hits(text) if len(text) <= SHORT_TEXT else _hits(text))


@functools.lru_cache(maxsize=8192)
def _short_text_hits(text: str) -> tuple[Match, ...]:
    return tuple(_hits(text))


def _hits(text: str) -> list[Match]:
    folded = fold(text)
    if not ANY_CANDIDATE.search(folded.text):
        return []
    scanned = INDEX_NO.sub(lambda m: BLANK * len(m.group()), folded.text)
    scanned = CHINESE_DIGITS.sub(lambda m: m.group().translate(CHINESE_TABLE), scanned)
    kept: list[_Hit] = []
    for hit in sorted(_number_hits(scanned) + _marking_hits(scanned, folded),
                      key=lambda h: (h.rank, h.start, h.start - h.end)):
        if not any(hit.start < k.end and k.start < hit.end for k in kept):
            kept.append(hit)
    found = []
    for hit in kept:
        start, end = folded.span(hit.start, hit.end)
        found.append(Match(hit.kind, start, end, text[start:end], hit.value, hit.shown, hit.label))
    return sorted(found, key=lambda m: m.start)
