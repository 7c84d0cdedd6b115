"""Reading the cells of a catalogue table: 公开时限, 公开内容, 公开依据, 公开渠道和载体, 公开对象,
公开方式, 公开层级, tick marks and names broken across lines, in the many ways real county
catalogues write them (see /work/shared/reference/catalogue-facts.md). The allowed values come
from the vocabulary (schema/item.schema.json); the words that mean them are this module's tables.

A cell that cannot be mapped raises CellError with the reason, in Chinese; the importer lists the
row in its report instead of guessing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.table import classify_limit, prefixed
from gongkai.vocabulary import CHANNEL, LEVEL, LIMIT, PERIOD, Vocabulary


@dataclass(frozen=True)
class Limit:
    """A 公开时限 read from a cell; None fields mean "not given"."""

    kind: str
    period: str | None = None
    note: str | None = None

    def as_meta(self) -> dict:
        meta = {"类型": self.kind}
        if self.period:
            meta["周期"] = self.period
        if self.note:
            meta["说明"] = self.note
        return meta


class CellError(ValueError):
    """Raised by a parse_* function when a cell cannot be mapped; the message is the reason, in
    Chinese. Internal to the importer: each one becomes a line of the import report."""


# ---------------------------------------------------------------- 公开时限

def parse_limit(text: str, words: Vocabulary) -> Limit:
    """A free-text 公开时限 cell -> Limit; raises CellError (with the reason) when no rule applies."""
    text = text.strip()
    if not text:
        raise CellError("公开时限为空")
    written = prefixed(words).match(text)
    if written:
        phrase, word, note = written.groups()
        kind = "定期" if word else next(k for k, p in words.annotation(LIMIT, "table").items() if p == phrase)
        period = next((p for p, w in words.annotation(PERIOD, "table").items() if w == word), None)
        return Limit(kind, period, note.strip() if note else None)
    found = classify_limit(text)
    if found is None:
        raise CellError(f"公开时限“{text}”无法按规则归入长期、定期或即时（规则见 README“从现有目录表格迁移”）："
                        "请在表格中写明，如“常年公开”“每季度”“信息形成之日起20个工作日内”，再重新导入")
    return Limit(found[0], found[1], text)


# ---------------------------------------------------------------- dates

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date_cell(text: str, label: str) -> str | None:
    """A date cell (2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日) as YYYY-MM-DD; None when empty;
    raises CellError when it is not a real date."""
    import datetime as dt

    text = text.strip()
    if not text:
        return None
    match = _DATE.match(text)
    try:
        return dt.date(*map(int, match.groups())).isoformat() if match else _not_a_date(text, label)
    except ValueError:
        return _not_a_date(text, label)


def _not_a_date(text: str, label: str):
    raise CellError(f"{label}“{text}”不是有效日期：请写成 2024-03-05 或 2024年3月5日")


# ---------------------------------------------------------------- splitting cells

OPEN_BRACKETS, CLOSE_BRACKETS = "《〈<（(〔［[【﹝{", "》〉>）)〕］]】﹞}"
_CJK = re.compile(r"[\u4e00-\u9fff]")


_ISSUER_END = "部厅局委办院会署府室"
_NOT_ISSUER_START = ("关于", "印发", "转发", "的", "和", "与", "及", "等", "《", "<", "〈", "（", "(")


def _join_broken(left: str, right: str) -> str:
    """A line break inside a title: between two issuers (中共中央办公厅⏎国务院办公厅…) it stands for
    the space such titles use; anywhere else (…办公厅⏎关于…, 8⏎号) it is dropped."""
    if left and right and left[-1] in _ISSUER_END and _CJK.match(right[0]) and not right.startswith(_NOT_ISSUER_START):
        return " "
    return ""


def split_top(text: str, is_break) -> list[str] | None:
    """Split `text` where is_break(text, i, buffer) says so, never inside brackets; line breaks
    inside brackets are joined. None when brackets do not balance (callers fall back)."""
    parts, buffer, depth, i = [], "", 0, 0
    while i < len(text):
        char = text[i]
        if depth == 0 and is_break(text, i, buffer):
            parts.append(buffer)
            buffer = "" if char in "\n、，,；;" else char
        elif char == "\n" and depth > 0:
            rest = text[i + 1:].lstrip()
            buffer = buffer.rstrip() + _join_broken(buffer.rstrip(), rest)
            i += len(text[i + 1:]) - len(rest)
        else:
            depth += (char in OPEN_BRACKETS) - (char in CLOSE_BRACKETS and depth > 0)
            buffer += char
        i += 1
    parts.append(buffer)
    return parts if depth == 0 else None


_NUMBERING = re.compile(r"^\s*(?:[0-9]{1,2}\s*[.、．]|[（(][0-9]{1,2}[）)]|[①-⑳])\s*")


def _clean(parts: list[str], numbered_dots: bool) -> list[str]:
    """Strip numbering ("1." "（2）" "③"), separators and, for numbered elements, the final 。."""
    out = []
    for position, part in enumerate(parts, start=1):
        part = part.strip()
        numbered = _NUMBERING.match(part)
        if numbered:
            part = part[numbered.end():]
        elif numbered_dots and re.match(rf"{position}(?=[\u4e00-\u9fff])", part):
            part = part[len(str(position)):]  # "7地点" in a list numbered 1. 2. … 8.
        part = part.strip().rstrip("；;，,、").rstrip()
        if numbered or numbered_dots:
            part = part.rstrip("。").rstrip()
        if part:
            out.append(part)
    return out


def _split_numbered_line(line: str) -> list[str]:
    """"1.甲；2.乙 3.丙" -> pieces, splitting only before the next number in sequence."""
    if not re.match(r"\s*1\s*[.、．]", line):
        return re.split(r"[；;]", line)
    parts, start, expected = [], 0, 2
    for match in re.finditer(r"(?<![0-9])([0-9]{1,2})\s*[.、．](?![0-9])", line):
        if int(match.group(1)) == expected and match.start() > start:
            parts.append(line[start:match.start()])
            start, expected = match.start(), expected + 1
    parts.append(line[start:])
    return [p for part in parts for p in re.split(r"[；;](?=\s*$)", part)]


def split_content(text: str) -> list[str]:
    """公开内容（要素）: a cell with line breaks splits only at the breaks; a one-line cell at ；
    and at "1. 2. 3." numbering. Numbering is stripped."""
    text = text.strip()
    lines = [line for line in text.split("\n") if line.strip()]
    parts = lines if len(lines) > 1 else _split_numbered_line(text)
    numbered = sum(bool(_NUMBERING.match(p)) for p in parts) >= 2
    return _clean(parts, numbered)


def _basis_break(text: str, i: int, buffer: str) -> bool:
    """公开依据 breaks: line breaks; 、，；before a new 《title》 or 【tag】; a new 《 or 【 right
    after a complete 《title》 (so "【法律】《甲法》【条例】《乙条例》" gives two laws, tags kept)."""
    char = text[i]
    if char == "\n":
        return True
    if char in "、，,；;":
        following = text[i + 1:].lstrip()
        # "《甲》、各地相关文件" splits too, but "《甲》第十条、第十一条" stays one entry.
        return bool(following) and (following[0] in "《【" or ("》" in buffer and following[0] not in "第0123456789"))
    return char in "《【" and "》" in buffer


def split_basis(text: str) -> list[str]:
    """公开依据: several laws in one cell -> one entry each; titles broken across lines are joined."""
    text = text.strip()
    parts = split_top(text, _basis_break)
    if parts is None:  # unbalanced 《》: fall back to line breaks only
        parts = text.split("\n")
    numbered = sum(bool(_NUMBERING.match(p)) for p in parts) >= 2
    return _clean(parts, numbered)


def join_name(text: str) -> str:
    """Names (一级/二级事项, 事项名称, 公开主体) broken across lines inside a cell: 公共法律⏎服务 -> 公共法律服务."""
    lines = [line.strip() for line in text.strip().split("\n") if line.strip()]
    out = lines[0] if lines else ""
    for line in lines[1:]:
        out += (" " if re.match(r"[A-Za-z0-9]", out[-1:]) and re.match(r"[A-Za-z0-9]", line) else "") + line
    return out


# ---------------------------------------------------------------- tick marks

TICKED, UNTICKED = "√✓✔■☑●▇█", "□☐○×✗"
_MARKS = re.compile(f"([{TICKED}{UNTICKED}])")


def tick(cell: str) -> tuple[bool, str]:
    """A checkbox cell -> (ticked, free text after the mark). Text without a mark counts as ticked
    (a 特定群体 column that names the group); 否/无 and □ do not."""
    cell = cell.strip()
    if not cell or cell[0] in UNTICKED or cell in {"否", "无", "/", "-", "—"}:
        return False, ""
    if cell[0] in TICKED:
        return True, cell[1:].strip()
    return True, cell


def ticked_labels(cell: str) -> list[tuple[str, str]] | None:
    """"■政府网站 □政府公报 ■两微一端" -> [(label, ...)] of ticked labels; None if the cell has no marks."""
    if not _MARKS.search(cell):
        return None
    pieces = _MARKS.split(cell)  # [before, mark, label, mark, label, …]
    pairs = zip(pieces[1::2], pieces[2::2])
    return [(label.strip(" \n、，,；;"), mark) for mark, label in pairs if mark in TICKED and label.strip(" \n、，,；;")]


# ---------------------------------------------------------------- 公开渠道和载体

# Which standard channel(s) a phrase means; all matching rules apply ("…公示栏(电子屏)" -> both).
CHANNEL_RULES = [
    (r"政府网站|门户网站|网站$", "政府网站"),
    (r"公报", "政府公报"),
    (r"两微一端|微博|微信|公众号|客户端|新媒体|APP|App", "两微一端"),
    (r"发布会|听证会", "发布会/听证会"),
    (r"广播|电视", "广播电视"),
    (r"纸质媒体|报纸|报刊|杂志|宣传册|宣传单|明白纸|手册", "纸质媒体"),
    (r"查阅点|查阅室|查阅场所|阅览室|档案馆|图书馆", "公开查阅点"),
    (r"政务服务中心|行政服务中心|政务大厅|办事大厅", "政务服务中心"),
    (r"便民服务", "便民服务站"),
    (r"入户|现场", "入户/现场"),
    (r"公示栏|公告栏|宣传栏|公开栏|公示牌|信息栏", "公示栏"),
    (r"电子屏|显示屏|LED", "电子屏"),
    (r"精准推送|短信", "精准推送"),
    (r"12345", "12345热线"),
    (r"^(其他|其它)$", "其他"),
]
_CHANNEL_RULES = [(re.compile(pattern), channel) for pattern, channel in CHANNEL_RULES]
_CHANNEL_SEPARATORS = "\n、，,；;"


def channels_of(phrase: str, words: Vocabulary) -> list[str]:
    """Standard channels one phrase stands for; [] for a specific platform."""
    phrase = re.sub(r"\s+", "", phrase)
    if phrase in words.values(CHANNEL):
        return [phrase]
    return [channel for rx, channel in _CHANNEL_RULES if rx.search(phrase)]


def parse_channels(text: str, words: Vocabulary) -> tuple[list[str], str | None]:
    """公开渠道和载体 -> (公开渠道, 渠道说明). Specific platforms go to 渠道说明, with 其他 added."""
    text = text.strip()
    exact = re.match(r"^(.*?)（(.*)）$", text, re.S)
    if exact and all(t in words.values(CHANNEL) for t in exact.group(1).split("、")):  # our own download format
        return exact.group(1).split("、"), exact.group(2)
    ticked = ticked_labels(text)
    phrases = [label for label, _mark in ticked] if ticked is not None else \
        (split_top(text, lambda t, i, b: t[i] in _CHANNEL_SEPARATORS) or re.split(r"[\n、，,；;]", text))
    return combine_channels(phrases, words)


def combine_channels(phrases: list[str], words: Vocabulary, extra_notes: list[str] = ()) -> tuple[list[str], str | None]:
    channels, notes = [], list(extra_notes)
    for phrase in (p.strip() for p in phrases):
        found = channels_of(phrase, words) if phrase else []
        if phrase and not found:
            notes.append(phrase)
        channels += [c for c in found if c not in channels]
    if notes and "其他" not in channels:
        channels.append("其他")
    if not channels:
        raise CellError("公开渠道和载体为空")
    return channels, ("、".join(notes) or None)


# ---------------------------------------------------------------- 公开对象, 公开方式, 公开层级

AUDIENCE_WORDS = {"全社会": "全社会", "社会公众": "全社会", "公众": "全社会", "特定群体": "特定群体", "特定群众": "特定群体",
                  "特定对象": "特定群体", "特定人群": "特定群体", "内部": "内部"}
METHOD_WORDS = {"主动": "主动", "主动公开": "主动", "依申请": "依申请", "依申请公开": "依申请"}
LEVEL_WORDS = {"省": "省级", "市": "市级", "州": "市级", "县": "县级", "区": "县级", "县区": "县级", "县（区）": "县级",
               "县（市、区）": "县级", "县（市）": "县级", "乡": "乡级", "镇": "乡级", "乡镇": "乡级", "乡（镇）": "乡级",
               "街道": "乡级", "乡镇（街道）": "乡级", "村": "村级", "社区": "村级", "村（居）": "村级", "居": "村级",
               "村（社区）": "村级"}


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def parse_audience(text: str) -> tuple[str, str | None]:
    """"全社会" / "特定群众" / "特定群体（低保对象）" / "■全社会 □特定群体" -> (公开对象, 对象说明)."""
    ticked = ticked_labels(text)
    if ticked is not None:
        return choose_audience([(_normal(label).split("（")[0], None) for label, _m in ticked])
    match = re.match(r"^\s*([^（(：:]+?)\s*(?:[（(](.*)[）)]|[：:](.*))?\s*$", text, re.S)
    word = AUDIENCE_WORDS.get(_normal(match.group(1))) if match else None
    if word is None:
        raise CellError(f"公开对象“{text.strip()}”无法识别：应为全社会、特定群体（可在括号中写明群体）或内部")
    note = (match.group(2) or match.group(3) or "").strip() or None
    return word, note


def choose_audience(ticks: list[tuple[str, str | None]]) -> tuple[str, str | None]:
    """Ticked 公开对象 options -> one value. Both ticked means open to everyone: 全社会 wins."""
    words = {AUDIENCE_WORDS.get(label): note for label, note in ticks if AUDIENCE_WORDS.get(label)}
    for word in ("全社会", "特定群体", "内部"):
        if word in words:
            return word, (words[word] if word == "特定群体" else None)
    raise CellError("公开对象没有勾选任何一项（全社会或特定群体）")


def parse_method(text: str) -> str:
    """"主动" / "依申请公开" / "■主动 □依申请" -> 公开方式. Both ticked -> 主动 (what is
    published proactively can also be requested, not the other way round)."""
    ticked = ticked_labels(text)
    labels = [_normal(label) for label, _m in ticked] if ticked is not None else \
        [_normal(p) for p in re.split(r"[、，,；;/\n]", text) if p.strip()]
    return choose_method(labels, text)


def choose_method(labels: list[str], text: str = "") -> str:
    words = {METHOD_WORDS.get(label) for label in labels}
    if None in words or not words:
        shown = text.strip() or "、".join(labels)
        raise CellError(f"公开方式“{shown}”无法识别：应为主动或依申请" if shown else "公开方式没有勾选任何一项（主动或依申请）")
    return "主动" if "主动" in words else "依申请"


def level_of(word: str, words: Vocabulary) -> str | None:
    word = _normal(word)
    if word in words.values(LEVEL):
        return word
    return LEVEL_WORDS.get(word[:-1] if word.endswith("级") else word)


def parse_levels(text: str, words: Vocabulary) -> list[str]:
    """"县级、乡级" / "乡、村级" / "■县级 □乡级" -> 公开层级 (empty cell -> [])."""
    ticked = ticked_labels(text)
    found = [label for label, _m in ticked] if ticked is not None else \
        (split_top(text.strip(), lambda t, i, b: t[i] in "\n、，,；;/ ") or [text])
    return levels_from([w for w in found if w.strip()], words)


def levels_from(found: list[str], words: Vocabulary) -> list[str]:
    levels, unknown = [], []
    for word in found:
        level = level_of(word, words)
        if level is None:
            unknown.append(word.strip())
        elif level not in levels:
            levels.append(level)
    if unknown:
        raise CellError(f"公开层级“{'、'.join(unknown)}”无法识别：应为{'、'.join(words.values(LEVEL))}（乡镇、街道算乡级，社区算村级）")
    return sorted(levels, key=words.values(LEVEL).index)
