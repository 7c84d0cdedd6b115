"""The catalogue as a table: the one definition of its columns and of how every cell is written
and read back.

The site's CSV download writes rows with `item_row` (every cell through `spreadsheet_safe`);
`invoke import` reads cells back through `as_written` and the `parse_*` functions below. Both directions live here so that a downloaded CSV imports back into
the same items (tests/test_import.py checks the round trip). The parsers also accept the many
ways real county catalogues write the same thing (see /work/shared/reference/catalogue-facts.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# 事项名称 is not in the State Council layout (there 二级事项 is the item's name); it is added after
# 二级事项 so that a downloaded table keeps each item's own name.
# 文号, 成文日期 and 发布日期 follow the layout's columns: what a reader cites and sorts by.
CSV_COLUMNS = ["序号", "一级事项", "二级事项", "事项名称", "公开内容（要素）", "公开依据", "公开时限", "公开主体",
               "公开渠道和载体", "公开对象", "公开方式", "公开层级", "文号", "成文日期", "发布日期", "索引号", "网址"]

CHANNELS = ["政府网站", "政府公报", "两微一端", "发布会/听证会", "广播电视", "纸质媒体", "公开查阅点", "政务服务中心",
            "便民服务站", "入户/现场", "公示栏", "电子屏", "精准推送", "12345热线", "其他"]
LEVELS = ["省级", "市级", "县级", "乡级", "村级"]

# 周期 -> how tables write it ("定期（每季度）").
PERIOD_WORDS = {"月度": "每月", "季度": "每季度", "半年": "每半年", "年度": "每年"}
LIMIT_PHRASES = {"长期": "长期公开", "即时": "即时公开"}


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
    """Raised by a parse_* function when a cell cannot be mapped; the message is the reason, in Chinese."""


# ---------------------------------------------------------------- spreadsheet-safe cells

# Excel, WPS and LibreOffice run a cell starting with one of these as a formula (OWASP "CSV
# injection"), also after leading spaces. Leading quotes are counted so that a value that already
# starts with ' and a formula character gets one more, and as_written() undoes exactly one.
_FORMULA_START = re.compile(r"^'*(?:\s*[=+\-@]|[\t\r])")


def spreadsheet_safe(text: str) -> str:
    """A cell every spreadsheet shows as text: a single ' before anything it would run as a formula."""
    return "'" + text if _FORMULA_START.match(text) else text


def as_written(text: str) -> str:
    """A cell read back from a table: spreadsheet_safe() undone (and nothing else touched)."""
    return text[1:] if text.startswith("'") and _FORMULA_START.match(text) else text


# ---------------------------------------------------------------- writing a row

def item_row(item, number: int, url: str) -> list[str]:
    """One catalogue.model.Item as a row under CSV_COLUMNS (lists become lines inside the cell),
    every cell spreadsheet-safe."""
    meta = item.meta
    cells = [str(number), meta["一级事项"], meta["二级事项"], meta["事项名称"], "\n".join(meta["公开内容"]),
             "\n".join(meta["公开依据"]), limit_cell(meta["公开时限"]), meta["公开主体"],
             channels_cell(meta["公开渠道"], meta.get("渠道说明")), audience_cell(meta["公开对象"], meta.get("对象说明")),
             meta["公开方式"], "、".join(meta.get("公开层级", [])), meta.get("文号", ""), meta.get("成文日期", ""),
             meta["发布日期"], meta["索引号"], url]
    return [spreadsheet_safe(str(cell)) for cell in cells]


def limit_phrase(kind: str, period: str | None) -> str:
    if kind == "定期":
        return f"定期（{PERIOD_WORDS[period]}）"
    return LIMIT_PHRASES[kind]


def limit_cell(limit: dict) -> str:
    """The 说明 as the catalogue wrote it when the import rules read it back as the same type;
    otherwise the type's phrase first ("定期（每年）：预算批复后20日内") so nothing is lost."""
    kind, period, note = limit["类型"], limit.get("周期"), limit.get("说明")
    if not note:
        return limit_phrase(kind, period)
    if _PREFIXED.match(note) is None and classify_limit(note) == (kind, period):
        return note
    return f"{limit_phrase(kind, period)}：{note}"


def channels_cell(channels: list[str], note: str | None) -> str:
    text = "、".join(channels)
    return f"{text}（{note}）" if note else text


def audience_cell(audience: str, note: str | None) -> str:
    return f"{audience}（{note}）" if note else audience


# ---------------------------------------------------------------- 公开时限

# Stated rules, first match wins; the cell's own words are kept in 说明. Periodic words come first
# so "每季度结束后10个工作日内" is 定期/季度, not 即时.
LIMIT_RULES = [
    (r"每个?月|按月|月度", ("定期", "月度")),
    (r"每个?季度?|按季度?|季度", ("定期", "季度")),
    (r"每半年|半年度?", ("定期", "半年")),
    (r"每一?年|按年|年度", ("定期", "年度")),
    (r"常年|长期|经常性|常态", ("长期", None)),
    (r"[0-9０-９一二三四五六七八九十百]+\s*个?\s*(工作日|自然日|日|天|小时)", ("即时", None)),
    (r"实时|及时|随时|即时|立即|当日|当天", ("即时", None)),
    (r"形成或者?变更", ("即时", None)),
]
_LIMIT_RULES = [(re.compile(pattern), result) for pattern, result in LIMIT_RULES]
_PERIOD_BY_WORD = {word: period for period, word in PERIOD_WORDS.items()}
_PREFIXED = re.compile(r"^(长期公开|即时公开|定期(?:公开)?（(每月|每季度|每半年|每年)）)(?:[：:](.+))?$", re.S)


def classify_limit(text: str) -> tuple[str, str | None] | None:
    """(类型, 周期) by LIMIT_RULES, or None when no rule applies."""
    return next((result for rx, result in _LIMIT_RULES if rx.search(text)), None)


def parse_limit(text: str) -> Limit:
    """A free-text 公开时限 cell -> Limit; raises CellError (with the reason) when no rule applies."""
    text = text.strip()
    if not text:
        raise CellError("公开时限为空")
    prefixed = _PREFIXED.match(text)
    if prefixed:
        phrase, word, note = prefixed.groups()
        kind = "定期" if word else ("长期" if phrase.startswith("长期") else "即时")
        return Limit(kind, _PERIOD_BY_WORD.get(word), note.strip() if note else None)
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


def channels_of(phrase: str) -> list[str]:
    """Standard channels one phrase stands for; [] for a specific platform."""
    phrase = re.sub(r"\s+", "", phrase)
    if phrase in CHANNELS:
        return [phrase]
    return [channel for rx, channel in _CHANNEL_RULES if rx.search(phrase)]


def parse_channels(text: str) -> tuple[list[str], str | None]:
    """公开渠道和载体 -> (公开渠道, 渠道说明). Specific platforms go to 渠道说明, with 其他 added."""
    text = text.strip()
    exact = re.match(r"^(.*?)（(.*)）$", text, re.S)
    if exact and all(t in CHANNELS for t in exact.group(1).split("、")):  # our own download format
        return exact.group(1).split("、"), exact.group(2)
    ticked = ticked_labels(text)
    phrases = [label for label, _mark in ticked] if ticked is not None else \
        (split_top(text, lambda t, i, b: t[i] in _CHANNEL_SEPARATORS) or re.split(r"[\n、，,；;]", text))
    return combine_channels(phrases)


def combine_channels(phrases: list[str], extra_notes: list[str] = ()) -> tuple[list[str], str | None]:
    channels, notes = [], list(extra_notes)
    for phrase in (p.strip() for p in phrases):
        found = channels_of(phrase) if phrase else []
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


def level_of(word: str) -> str | None:
    word = _normal(word)
    if word in LEVELS:
        return word
    return LEVEL_WORDS.get(word[:-1] if word.endswith("级") else word)


def parse_levels(text: str) -> list[str]:
    """"县级、乡级" / "乡、村级" / "■县级 □乡级" -> 公开层级 (empty cell -> [])."""
    ticked = ticked_labels(text)
    words = [label for label, _m in ticked] if ticked is not None else \
        (split_top(text.strip(), lambda t, i, b: t[i] in "\n、，,；;/ ") or [text])
    return levels_from([w for w in words if w.strip()])


def levels_from(words: list[str]) -> list[str]:
    levels, unknown = [], []
    for word in words:
        level = level_of(word)
        if level is None:
            unknown.append(word.strip())
        elif level not in levels:
            levels.append(level)
    if unknown:
        raise CellError(f"公开层级“{'、'.join(unknown)}”无法识别：应为省级、市级、县级、乡级、村级（乡镇、街道算乡级，社区算村级）")
    return sorted(levels, key=LEVELS.index)
