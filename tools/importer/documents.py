"""`invoke import-docs FILE`: bring a list of published documents, as old CMSs export it (标题,
发布日期, 文号, 发布机构 or 来源, 栏目, 原文链接 …; .xlsx, .csv or .tsv, UTF-8 or GBK), into the
repository as one 公开信息 file per row, in the folder of the 事项 it belongs to.

Where a row goes: `--item` (索引号 or 事项名称) puts every row under one 事项; `--map FILE` (a YAML
file: 栏目 → 事项, see MAP_EXAMPLE) places each row by its 栏目, `--item` then taking the rows
whose 栏目 the map does not name. A row that cannot be placed, or lacks what a document must have,
is listed with the reason, never guessed.

What a careful clerk does with a messy export, each said in the report (取值说明) and in a comment
at the top of the file written:
  - 发布日期 empty: taken from the 原文链接 when the CMS put the date in it (TRS …/202402/t20240204_86860.htm,
    gov.cn …/2024-02/04/content_…, Hanweb …/art/2024/2/4/art_…); otherwise the row is listed;
  - 文号 empty, 无, /, — : left out; 〔〕 written as [ ] or 【】 or （） is corrected;
  - titles: runs of spaces (double, full-width) become one space;
  - 发布机构 / 来源: a registered unit is used as is (a short name that exactly one registered unit
    ends with, e.g. 民政局 → 示例县民政局, is taken as that unit); a new name that looks like a unit
    (ends in 局, 处, 办公室, 中心 …) is registered as `invoke import` does; a media name (新华网,
    人民日报) is a reposted article: the row is listed for a decision, not imported; anything else
    (桌面, 本站, admin, a person's name: what the CMS kept in that column) is not registered, the row
    is imported under its 事项's 公开主体 and the value listed for the reviewer;
  - the same 文号 and title twice: one document exported from two 栏目, imported once; the same
    文号 with another title, or the same title again: imported, listed under 请核对;
  - 有效性 (现行有效, 已废止 … : the schema's own labels, VALIDITY_WORDS) and a 失效日期 / 废止日期
    column: see _validity. A value that cannot be read, 失效/废止 without its date, or 有效 with a
    date already passed, keeps the row out: written without it, the document would be published
    as 现行有效 (an absent 有效性 means 有效), a wrong statement about a rule in the 政策文件库;
  - 文件类型 (规范性文件 → 行政规范性文件, TYPE_WORDS): a value that cannot be read, or one needing a
    field the list has no column for, is left out, the row imported as 其他 (the default, which
    claims nothing) and listed under 请核对 for the clerk to correct in the file: the document
    itself is published correctly either way. A 政策解读 gets its 解读对象 from a 解读对象 column
    or the 《…》 in its title, when exactly one document (in the catalogue or anywhere in the list)
    has that 索引号, 文号 or title (_interpretations); otherwise it is such a row.
The values always come from schema/document.schema.json (its enum and labels); the word tables
below only say which writings stand for which of them (tests hold them to the vocabulary).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from gongkai import schema as schema_checks
from gongkai.errors import ImportTableError
from gongkai.project import load_project
from gongkai.settings import settings_for
from gongkai.vocabulary import Vocabulary

from ..scaffold import deleted_index_numbers
from ..yamlwrite import IndexAllocator, item_text, safe_file_name
from . import _display, register
from .header import _norm
from .registries import load_registries, placeholder_code
from .sheet import _check_file, _read_bytes, read_csv, read_sheets

MAP_EXAMPLE = """\
# 栏目 → 事项：冒号左边是导出表格“栏目”列中的栏目名称，右边是事项名称或索引号
通知公告: 高龄津贴新增对象公示
政策文件: 11530000MB0123456X/2024-00001
"""

# Header names (normalised: no spaces, full-width brackets) -> field.
COLUMNS = {
    "标题": "标题", "文件标题": "标题", "信息标题": "标题", "信息名称": "标题", "文件名称": "标题", "名称": "标题", "题名": "标题",
    "发布日期": "发布日期", "发布时间": "发布日期", "公开日期": "发布日期", "公开时间": "发布日期", "发布于": "发布日期",
    "日期": "发布日期", "上网日期": "发布日期",
    "成文日期": "成文日期", "成文时间": "成文日期", "印发日期": "成文日期",
    "文号": "文号", "发文字号": "文号", "文件编号": "文号", "发文文号": "文号",
    "发布机构": "发布机构", "发文机关": "发布机构", "发文单位": "发布机构", "发布单位": "发布机构", "发布部门": "发布机构",
    "来源": "发布机构", "信息来源": "发布机构", "文章来源": "发布机构",
    "栏目": "栏目", "所属栏目": "栏目", "栏目名称": "栏目", "信息分类": "栏目", "分类": "栏目",
    "原文链接": "原文链接", "链接": "原文链接", "原文地址": "原文链接", "网址": "原文链接", "url": "原文链接", "地址": "原文链接",
    "索引号": "索引号",
    "有效性": "有效性", "效力": "有效性", "效力状态": "有效性", "有效状态": "有效性", "时效性": "有效性",
    "文件类型": "文件类型", "文件类别": "文件类型",
    "解读对象": "解读对象", "解读文件": "解读对象", "被解读文件": "解读对象",
    "失效日期": "失效日期", "失效时间": "失效日期", "废止日期": "废止日期", "废止时间": "废止日期",
}
VALIDITY, DOC_TYPE, ENDED = "有效性", "文件类型", "失效日期"
# The date columns and the 有效性 each one implies when the list has no 有效性 of its own.
ENDED_COLUMNS = {"失效日期": "失效", "废止日期": "废止"}
# Writings of 有效性 and 文件类型 beyond the schema's own values and labels (x-library 现行有效,
# x-badges 已废止 …), each -> a value of document.schema.json.
VALIDITY_WORDS = {"现行": "有效", "作废": "废止", "已作废": "废止", "已过期": "失效", "过期": "失效"}
TYPE_WORDS = {"规范性文件": "行政规范性文件", "行政规范性": "行政规范性文件", "政府规章": "规章", "部门规章": "规章",
              "地方政府规章": "规章", "解读": "政策解读", "文件解读": "政策解读", "其它": "其他"}
NO_NUMBER = {"", "无", "暂无", "/", "-", "—", "——", "无文号", "null", "none", "n/a"}
YEAR_BRACKETS = re.compile(r"[\[【（(]\s*((?:19|20)\d{2})\s*[\]】）)]")
SPACES = re.compile(r"[\s\u3000]+")
DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
# Dates in the addresses CMSs give their pages: TRS (…/202402/t20240204_86860.htm), gov.cn
# (…/2024-02/04/content_5000000.htm), Hanweb (…/art/2024/2/4/art_1229_123.html).
LINK_DATES = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/content_"),
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/art_"),
)
UNIT_ENDINGS = ("局", "处", "科", "室", "办", "委", "委员会", "中心", "政府", "厅", "部", "院", "所", "站", "队", "街道", "镇", "乡",
                "村委会", "居委会", "社区", "管委会", "片区", "馆", "署", "会", "校", "学", "组", "团")
MEDIA = re.compile(r"(网|报|社|台|电视|广播|杂志|期刊|频道|客户端|公众号|微博|头条|新闻)$")
FILE_ONLY = "file"  # a derivation said in the file's comment only (the report lists it in its own section)
CHECK = "check"  # a value left out that the clerk should correct in the file: the report's 请核对
SHOWN_ROWS = 12
SHOWN_FILES = 30


@dataclass
class Row:
    """One data row of the list: its fields as text and what became of it."""

    number: int  # 1-based, as Excel shows it
    text: dict
    meta: dict = field(default_factory=dict)
    item: object = None
    reasons: list = field(default_factory=list)
    derived: list = field(default_factory=list)  # (what, where said): 发布日期 取自原文链接 …
    repeat_of: int | None = None  # the row this one repeats (the same document exported twice)
    # A 政策解读's 解读对象 as the list names it (its cell, or the 《…》 in its title), resolved to a
    # 索引号 once every row has one (_interpretations); None: not a 政策解读 waiting for that.
    interprets: tuple[str, str] | None = None  # (where it was read, what it says)

    @property
    def label(self) -> str:
        title = SPACES.sub(" ", self.text.get("标题", "")).strip()
        return f"第 {self.number} 行" + (f"（{title[:30]}{'…' if len(title) > 30 else ''}）" if title else "")


@dataclass
class DocumentsReport:
    """What an import-docs did (or, with dry_run, would do), rendered in Chinese by text()."""

    source: str
    dry_run: bool = False
    rows: int = 0
    written: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    new_units: list = field(default_factory=list)
    new_categories: list = field(default_factory=list)  # never filled: documents add no 事项分类 (register() reads it)
    unmapped: list = field(default_factory=list)  # (row label, [reasons])
    undecided: dict = field(default_factory=dict)  # value -> [row numbers]: not registered, imported under the 事项's unit
    repeats: list = field(default_factory=list)  # rows repeating an earlier row: imported once
    check: list = field(default_factory=list)  # duplicates to look at
    to_check: dict = field(default_factory=dict)  # "文件类型“通知”无法识别…" -> [row numbers]
    derived: dict = field(default_factory=dict)  # "发布日期 取自原文链接" -> [row numbers]
    notes: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unmapped

    def text(self) -> str:
        verb = "将写入" if self.dry_run else "已写入"
        shown = self.written if len(self.written) <= SHOWN_FILES else \
            self.written[:SHOWN_FILES] + [f"……共 {len(self.written)} 篇"]
        out = [f"导入 {self.source}：共 {self.rows} 行公开信息，{verb} {len(self.written)} 篇，"
               f"未导入 {len(self.unmapped)} 行，已存在未覆盖 {len(self.skipped)} 篇。"]
        sections = [
            (f"{verb}的公开信息：", shown),
            ("新登记的发布机构（schema/units.yaml）：", self.new_units),
            ("未导入的行（请修改表格后重新导入）：", [f"{label}：{'；'.join(reasons)}" for label, reasons in self.unmapped]),
            ("需要决定的发布机构（不像单位名称，没有登记；这些行已按所属事项的公开主体导入）：",
             [f"“{value}”：{rows_phrase(rows)}。如确是发文单位，请在 schema/units.yaml 中登记后加 --force 重新导入"
              for value, rows in self.undecided.items()]),
            ("重复的行（与前面一行是同一篇，只导入一次）：", self.repeats),
            ("请核对：", self.check + [f"{what}：{rows_phrase(rows)}" for what, rows in self.to_check.items()]),
            ("取值说明：", [f"{what}：{rows_phrase(rows)}" for what, rows in self.derived.items()]),
            ("已存在、未覆盖的文件（确需覆盖请加 --force）：", self.skipped),
            ("提示：", self.notes),
        ]
        for title, entries in sections:
            if entries:
                out += ["", title] + [f"  {entry}" for entry in entries]
        if self.dry_run:
            out += ["", "试运行（--dry-run）：以上是将要进行的操作，没有写入或修改任何文件。"]
        return "\n".join(out)


def rows_phrase(rows: list[int]) -> str:
    """第 2–5、9 行 (runs joined, at most SHOWN_ROWS runs, then 等 N 行)."""
    runs: list[list[int]] = []
    for n in sorted(set(rows)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    parts = [f"{a}" if a == b else f"{a}–{b}" for a, b in runs]
    more = f" 等，共 {len(set(rows))} 行" if len(parts) > SHOWN_ROWS else ""
    return f"第 {'、'.join(parts[:SHOWN_ROWS])} 行{more}"


# ---------------------------------------------------------------- cells

def clean_title(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def clean_number(text: str) -> str | None:
    """文号 as written on the document: None for 无 and the like; 〔〕 around the year."""
    text = SPACES.sub("", text)
    if text.lower() in NO_NUMBER:
        return None
    return YEAR_BRACKETS.sub(lambda m: f"〔{m.group(1)}〕", text)


def parse_date(text: str) -> str | None:
    """2024-02-04, 2024/2/4, 2024.2.4, 2024年2月4日, with or without a time -> YYYY-MM-DD; None if not a date."""
    import datetime as dt

    match = DATE.match(text.strip())
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def date_from_link(link: str) -> str | None:
    """The publication date a CMS wrote into the page's address, or None."""
    import datetime as dt

    for pattern in LINK_DATES:
        match = pattern.search(link)
        if match:
            try:
                return dt.date(*map(int, match.groups())).isoformat()
            except ValueError:
                return None
    return None


def kind_of_source(name: str, units: list) -> tuple[str, str | None]:
    """What a 发布机构/来源 cell names: ("unit", registered name), ("new", name), ("media", None)
    or ("other", None)."""
    registered = {u.name for u in units}
    if name in registered:
        return "unit", name
    ending = [u for u in registered if u.endswith(name)] if len(name) >= 2 else []
    if len(ending) == 1:
        return "unit", ending[0]
    if MEDIA.search(name) or re.search(r"新华|人民|央视|新闻", name):
        return "media", None
    if re.fullmatch(r"[\u4e00-\u9fff（）()·]{3,40}", name) and name.endswith(UNIT_ENDINGS):
        return "new", name
    return "other", None


# ---------------------------------------------------------------- reading the list

def _sheets(path: Path):
    if path.suffix.lower() in {".tsv", ".txt"}:
        _check_file(path)
        return [read_csv(_read_bytes(path), path.name)]
    return read_sheets(path)


def read_rows(path: Path) -> tuple[list[Row], list[str]]:
    """The rows of the first sheet with a header naming 标题 and at least one other known column;
    (rows, ignored header names)."""
    for sheet in _sheets(path):
        for index, header in enumerate(sheet.rows[:15]):
            columns = {j: COLUMNS[_norm(h).lower()] for j, h in enumerate(header) if _norm(h).lower() in COLUMNS}
            fields = list(columns.values())
            if "标题" in fields and len(set(fields)) >= 2:
                ignored = [h for j, h in enumerate(header) if h and j not in columns]
                rows = []
                for number, cells in enumerate(sheet.rows[index + 1:], start=index + 2):
                    text = {}
                    for j, name in columns.items():
                        value = cells[j] if j < len(cells) else ""
                        text[name] = text.get(name) or value
                    if any(text.values()):
                        rows.append(Row(number, text))
                return rows, ignored
    raise ImportTableError(f"{path.name}：没有找到表头。表头应包含“标题”，"
                           "以及 发布日期、文号、发布机构（或来源）、栏目、原文链接 中的至少一列")


def read_map(path: Path, catalogue) -> dict:
    """--map: {栏目: Item}; every line naming no 事项 is refused at once, with its line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportTableError(f"{path}：无法读取映射文件（{exc.strerror}）。映射文件的写法：\n{MAP_EXAMPLE}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f"第 {line + 1} 行" if line is not None else ""
        raise ImportTableError(f"{path.name}{where}：映射文件不是有效的 YAML。写法：\n{MAP_EXAMPLE}") from exc
    if not isinstance(data, dict) or not data:
        raise ImportTableError(f"{path.name}：映射文件应每行写“栏目: 事项名称或索引号”，例如：\n{MAP_EXAMPLE}")
    lines = {key: n for n, line in enumerate(text.splitlines(), start=1) for key in [line.split(":", 1)[0].strip()] if key}
    mapping, wrong = {}, []
    for column, target in data.items():
        try:
            mapping[_norm(str(column))] = find_item(catalogue, str(target or ""))
        except ImportTableError as exc:
            wrong.append(f"{path.name}:{lines.get(str(column), '?')}: 栏目“{column}”：{exc}")
    if wrong:
        raise ImportTableError("映射文件中有事项找不到：\n" + "\n".join(wrong))
    return mapping


def find_item(catalogue, answer: str):
    """The item named by its 索引号 or its 事项名称 (which must then be unique)."""
    answer = answer.strip()
    found = [i for i in catalogue.items if answer in (i.index_no, i.title)]
    if len(found) == 1:
        return found[0]
    if found:
        raise ImportTableError(f"有 {len(found)} 个事项名为“{answer}”，请改写它们的索引号："
                               + "、".join(f"{i.index_no}（{i.source}）" for i in found))
    raise ImportTableError(f"找不到事项“{answer}”：请写事项名称或索引号（invoke new --document 可列出全部事项）")


def _place(row: Row, mapping: dict, default) -> None:
    column = row.text.get("栏目", "")
    if mapping:
        key = _norm(column)
        last = _norm(re.split(r"[>›/\\]", column)[-1]) if column else ""
        row.item = mapping.get(key) or mapping.get(last) or default
        if row.item is None:
            row.reasons.append(f"栏目“{column}”在映射文件中没有对应的事项" if column
                               else "栏目为空，映射文件无法确定所属事项（可加 --item 指定）")
    elif default is not None:
        row.item = default
    else:
        row.reasons.append("没有指定所属事项：请加 --item 或 --map")


# ---------------------------------------------------------------- rows -> documents

def fill(row: Row, units: list, report: DocumentsReport, words: Vocabulary, day: str) -> None:
    """Row.meta from the cells (without 索引号), the reasons it cannot be imported, and how each
    value was derived. `words`: document.schema.json's vocabulary; `day`: the import's date (a
    失效日期 after it is a term still running)."""
    text = row.text
    title = clean_title(text.get("标题", ""))
    if title != text.get("标题", "").strip():
        row.derived.append(("标题中的多余空格已合并", None))
    if not title:
        row.reasons.append("标题为空")
    elif not 2 <= len(title) <= 200:
        row.reasons.append(f"标题应为 2–200 个字，现在是 {len(title)} 个字")
    row.meta["标题"] = title
    _dates(row, text)
    number = clean_number(text.get("文号", ""))
    if number:
        if number != SPACES.sub("", text["文号"]):
            row.derived.append(("文号中年份的括号已改为〔〕", None))
        row.meta["文号"] = number
    elif text.get("文号", "").strip():
        row.derived.append((f"文号“{text['文号'].strip()}”表示没有文号，未填写", None))
    _publisher(row, text.get("发布机构", "").strip(), units, report)
    _validity(row, text, words, day)
    _doc_type(row, text.get(DOC_TYPE, ""), words)


def value_words(field: str, words: Vocabulary) -> dict[str, str]:
    """{writing: value}: each value of `field` and the schema's labels for it (x-library 现行有效,
    x-badges 已废止), as the public site writes them and a similar site's export may."""
    known = {value: value for value in words.values(field)}
    for name in ("library", "badges"):
        known.update({label: value for value, label in words.annotation(field, name).items() if label})
    return known


def value_of(cell: str, field: str, words: Vocabulary, extra: dict) -> str | None:
    """The vocabulary value a cell stands for: value_words, or an importer word (`extra`); spaces
    ignored; None if none."""
    return {**value_words(field, words), **extra}.get(SPACES.sub("", cell))


def required_with(schema: dict, field: str, value: str) -> list[str]:
    """The fields document.schema.json requires once `field` is `value` (its allOf if/then:
    有效性 废止 -> 失效日期, 文件类型 政策解读 -> 解读对象)."""
    needed = []
    for rule in schema.get("allOf", []):
        condition = rule.get("if", {}).get("properties", {}).get(field, {})
        then = rule.get("then")
        if isinstance(then, dict) and (value == condition.get("const") or value in condition.get("enum", ())):
            needed += then.get("required", [])
    return needed


def _validity(row: Row, text: dict, words: Vocabulary, day: str) -> None:
    """有效性 and 失效日期 (from a 失效日期 or 废止日期 column). Doubtful rows are kept out (see the
    module docstring): an absent 有效性 publishes the document as 现行有效."""
    default = words.default(VALIDITY)
    cell = text.get(VALIDITY, "").strip()
    validity = value_of(cell, VALIDITY, words, VALIDITY_WORDS) if cell else None
    if cell and validity is None:
        labels = [w for w in value_words(VALIDITY, words) if w not in words.values(VALIDITY)]
        row.reasons.append(f"有效性“{cell}”无法识别：应为{'、'.join(words.values(VALIDITY))}之一"
                           f"（{'、'.join(labels)}也可以）")
        return
    column = next((c for c in ENDED_COLUMNS if text.get(c, "").strip() and ENDED_COLUMNS[c] in (validity, None)), None) \
        or next((c for c in ENDED_COLUMNS if text.get(c, "").strip()), None)
    ended_cell = text.get(column, "").strip() if column else ""
    ended = parse_date(ended_cell) if ended_cell else None
    if ended_cell and not ended:
        row.reasons.append(f"{column}“{ended_cell}”不是有效日期，应写成 YYYY-MM-DD")
        return
    if validity is None and ended and ended <= day:
        validity = ENDED_COLUMNS[column]
        row.derived.append((f"有效性 按{column}定为{validity}", None))
    validity = validity or default
    needs_date = ENDED in required_with(words.schema, VALIDITY, validity)
    formed = row.meta.get("成文日期")
    if needs_date and not ended:
        row.reasons.append(f"有效性为{validity}，但没有失效日期：请在表格中补上失效或废止日期（YYYY-MM-DD）")
    elif needs_date and ended > day:
        row.reasons.append(f"有效性为{validity}，但{column} {ended} 还没有到：请核对有效性和日期")
    elif needs_date and formed and ended < formed:
        row.reasons.append(f"{column} {ended} 早于成文日期 {formed}：请核对日期")
    elif not needs_date and ended and ended <= day:
        row.reasons.append(f"有效性为{validity}，但{column} {ended} 已过：请核对，已失效的写“失效”，已废止的写“废止”")
    elif not needs_date and ended:
        row.derived.append((f"{column}尚未到期，文件现行有效，不填写失效日期", None))
    if needs_date and ended:
        row.meta[ENDED] = ended
    if cell and validity != cell:
        row.derived.append((f"有效性“{cell}”即“{validity}”，是默认值，文件中不写" if validity == default
                            else f"有效性“{cell}”按“{validity}”填写", None))
    row.meta[VALIDITY] = validity


def _doc_type(row: Row, cell: str, words: Vocabulary) -> None:
    """文件类型; one that cannot be read or needs a field the list lacks is left out (其他) and
    listed under 请核对 (see the module docstring)."""
    cell = cell.strip()
    if not cell:
        return
    kind = value_of(cell, DOC_TYPE, words, TYPE_WORDS)
    default = words.default(DOC_TYPE)
    if kind is None:
        row.derived.append((f"文件类型“{cell}”无法识别（应为{'、'.join(words.values(DOC_TYPE))}之一），"
                            f"按“{default}”导入，请在文件中改正", CHECK))
        return
    missing = [name for name in required_with(words.schema, DOC_TYPE, kind) if name not in row.meta]
    named = _named_target(row)
    if missing == [INTERPRETS] and named:
        row.interprets = named  # settled by _interpretations, when every row has its 索引号
        return
    if missing:
        row.derived.append((f"文件类型“{cell}”要同时写{'、'.join(missing)}，表格中没有，按“{default}”导入，"
                            f"请在文件中补上{'、'.join(missing)}后写“文件类型: {kind}”", CHECK))
        return
    if kind != cell:
        row.derived.append((f"文件类型“{cell}”按“{kind}”填写", None))
    row.meta[DOC_TYPE] = kind


INTERPRETS = "解读对象"
QUOTED = re.compile(r"《([^《》]{2,200})》")


def _named_target(row: Row) -> tuple[str, str] | None:
    """What a 政策解读 row names as the document it interprets: its 解读对象 cell, else the first
    《…》 in its title (关于《示例县临时救助实施办法》的解读)."""
    cell = row.text.get(INTERPRETS, "").strip()
    if cell:
        return f"{INTERPRETS}列", cell
    quoted = QUOTED.search(row.meta.get("标题", ""))
    return ("标题中的书名号", quoted.group(1)) if quoted else None


def _interpretations(rows: list[Row], indexes: dict[int, str], documents: list, words: Vocabulary) -> None:
    """Each waiting 政策解读 row gets its 解读对象: the one document, already in the catalogue or in
    this list, whose 索引号, 文号 or exact 标题 the row names. None or several, and the row is imported
    as 其他 and listed under 请核对 (a wrong link would tell the public a wrong thing)."""
    known = [(d.index_no, d.meta.get("文号"), d.title) for d in documents if d.is_public]
    known += [(indexes[r.number], r.meta.get("文号"), r.meta["标题"]) for r in rows if r.number in indexes]
    for row in rows:
        if row.interprets is None or row.number not in indexes:
            continue
        where, named = row.interprets
        number, title = clean_number(named), clean_title(named)
        found = {index for index, doc_number, doc_title in known if index != indexes[row.number]
                 and (named == index or (number and number == doc_number) or title == doc_title)}
        kind, default = words.values(DOC_TYPE), words.default(DOC_TYPE)
        interpretation = next(k for k in kind if INTERPRETS in required_with(words.schema, DOC_TYPE, k))
        if len(found) == 1:
            row.meta[DOC_TYPE], row.meta[INTERPRETS] = interpretation, found.pop()
            cell = row.text.get(DOC_TYPE, "").strip()
            if cell != interpretation:
                row.derived.append((f"文件类型“{cell}”按“{interpretation}”填写", None))
            row.derived.append((f"解读对象取自{where}“{named}”：{row.meta[INTERPRETS]}", None))
        else:
            why = "找不到" if not found else f"对应 {len(found)} 篇"
            row.derived.append((f"政策解读的{where}“{named}”在本目录和本表中{why}被解读的文件，按“{default}”导入，"
                                f"请在文件中补上解读对象（被解读文件的索引号）后写“文件类型: {interpretation}”", CHECK))


def _dates(row: Row, text: dict) -> None:
    link = text.get("原文链接", "").strip()
    published_cell = text.get("发布日期", "").strip()
    published = parse_date(published_cell) if published_cell else None
    if published_cell and not published:
        row.reasons.append(f"发布日期“{published_cell}”不是有效日期，应写成 YYYY-MM-DD")
    elif not published:
        published = date_from_link(link)
        if published:
            row.derived.append(("发布日期 取自原文链接", None))
        else:
            row.reasons.append("发布日期为空，原文链接中也没有日期：请在表格中补上发布日期" if link
                               else "发布日期为空：请在表格中补上发布日期")
    formed_cell = text.get("成文日期", "").strip()
    formed = parse_date(formed_cell) if formed_cell else None
    if formed_cell and not formed:
        row.reasons.append(f"成文日期“{formed_cell}”不是有效日期，应写成 YYYY-MM-DD")
    if formed and published and formed > published:
        row.reasons.append(f"成文日期 {formed} 晚于发布日期 {published}：请核对两个日期")
    if formed:
        row.meta["成文日期"] = formed
    if published:
        row.meta["发布日期"] = published


def _publisher(row: Row, name: str, units: list, report: DocumentsReport) -> None:
    if not name or row.item is None or name == row.item.unit:
        return
    kind, unit = kind_of_source(name, units)
    if kind == "unit":
        if unit != name:
            row.derived.append((f"发布机构“{name}”按已登记的“{unit}”填写", None))
        if unit != row.item.unit:
            row.meta["发布机构"] = unit
    elif kind == "new":
        row.meta["发布机构"] = name
    elif kind == "media":
        row.reasons.append(f"来源“{name}”是媒体或网站，不是本机关的单位：转载的稿件一般不作为本机关的公开信息，未导入；"
                           "确需公开的，请把来源改为本机关的发文单位后重新导入")
    else:
        report.undecided.setdefault(name, []).append(row.number)
        row.derived.append((f"来源“{name}”不像单位名称，发布机构按所属事项的公开主体", FILE_ONLY))


def duplicates(rows: list[Row], existing: list, report: DocumentsReport) -> None:
    """The same 文号, title and date twice is one document exported twice (from two 栏目): imported
    once, the repeat listed. The same 文号 with another title (in the list or already in the
    catalogue), or a repeated title, is imported and listed under 请核对."""
    seen: dict[tuple, Row] = {}
    by_number: dict[str, list] = {}
    by_title: dict[str, list] = {}
    in_list = {(row.meta.get("文号"), row.meta.get("标题")) for row in rows}
    for document in existing:  # a document imported before from this list is no duplicate of itself
        number = document.meta.get("文号")
        if number and (number, document.title) not in in_list:
            by_number.setdefault(number, []).append(document.source)
    for row in rows:
        if row.reasons:
            continue
        number, title = row.meta.get("文号"), row.meta["标题"]
        key = (number, title, row.meta.get("发布日期"), row.item.source)
        if number and key in seen:
            row.repeat_of = seen[key].number
            continue
        seen[key] = row
        if number:
            by_number.setdefault(number, []).append(f"第 {row.number} 行")
        by_title.setdefault(title, []).append(row.number)
    report.check += [f"文号“{number}”重复：{'、'.join(where)}" for number, where in by_number.items() if len(where) > 1]
    report.check += [f"标题重复（{len(numbers)} 次）：“{title}”，{rows_phrase(numbers)}"
                     for title, numbers in by_title.items() if len(numbers) > 1]


def _target(folder: Path, title: str, used: set) -> Path:
    stem, n = safe_file_name(title), 2
    target = folder / f"{stem}.md"
    while target in used:
        target, n = folder / f"{stem}（{n}）.md", n + 1
    used.add(target)
    return target


def _given_index(row: Row, target: Path, allocator: IndexAllocator) -> str | None:
    """The list's own 索引号; else, when overwriting, the file's current one."""
    given = row.text.get("索引号", "").strip()
    if not given and target.exists():
        match = re.search(r"^索引号[ \t]*:[ \t]*['\"]?([^'\"\s#]+)", target.read_text(encoding="utf-8-sig", errors="replace"), re.M)
        given = match.group(1) if match else ""
    return given or None


def _shown(target: Path, paths) -> str:
    """content/items/… as the report shows it (targets are built under the root: no resolve per row)."""
    try:
        return target.relative_to(paths.root).as_posix()
    except ValueError:
        return _display(target, paths)


DOCUMENT_ORDER = ("标题", "索引号", "发布机构", "文件类型", "文号", "成文日期", "发布日期", "有效性", "失效日期", "解读对象")


def import_documents(path, root, *, item: str | None = None, map_file=None, force: bool = False, dry_run: bool = False,
                     reviewers: list[str] | None = None) -> DocumentsReport:
    """Import one document list into the project at `root`; see the module docstring."""
    import datetime as dt

    path, root = Path(path), Path(root)
    project = load_project(settings_for(root))
    paths, catalogue = project.paths, project.catalogue
    registries = load_registries(project)
    default = find_item(catalogue, item) if item else None
    mapping = read_map(Path(map_file), catalogue) if map_file else {}
    rows, ignored = read_rows(path)
    report = DocumentsReport(path.name, dry_run, len(rows))
    if ignored:
        report.notes.append(f"未识别的列（已忽略）：{'、'.join(ignored)}")
    words = Vocabulary(project.document_schema)
    for row in rows:
        _place(row, mapping, default)
        fill(row, catalogue.units, report, words, project.build_date.isoformat())
    duplicates(rows, catalogue.documents, report)
    allocator = IndexAllocator(paths.items_dir)
    for value in deleted_index_numbers(paths.root, paths.items_dir.relative_to(paths.root).as_posix()):
        allocator.reserve(value)
    validator = schema_checks.compiled(str(paths.document_schema), project.settings["GONGKAI_INDEX_PATTERN"])
    codes = {u.name: u.code for u in catalogue.units}
    allocated, used = [], set()
    for row in rows:
        if row.reasons:
            report.unmapped.append((row.label, row.reasons))
            continue
        if row.repeat_of:
            report.repeats.append(f"{row.label}：与第 {row.repeat_of} 行的文号、标题和发布日期相同")
            continue
        target = _target(paths.root / row.item.folder, row.meta["标题"], used)
        if target.exists() and not force:
            report.skipped.append(_shown(target, paths))
            continue
        publisher = row.meta.get("发布机构") or row.item.unit
        given = _given_index(row, target, allocator)
        if given:
            allocator.reserve(given)
        else:
            code = codes.get(publisher) or registries.new_units.get(publisher) or placeholder_code(publisher)
            if publisher not in codes:
                registries.new_units[publisher] = code
            elif not codes[publisher]:
                report.notes.append(f"单位“{publisher}”在 schema/units.yaml 中没有机构代码，索引号暂用临时代码 {code}：建议先补登机构代码")
            given = allocator.next(code, row.meta["发布日期"][:4])
        allocated.append((row, target, publisher, given))
    # A 解读 may name a policy further down the list: every row has its 索引号 first.
    _interpretations(rows, {row.number: given for row, _t, _p, given in allocated}, catalogue.documents, words)
    planned = []
    for row, target, publisher, given in allocated:
        meta = dict(row.meta, 索引号=given)
        # A schema default (有效性 有效, 文件类型 其他) is left out, as `invoke new --document` does.
        meta = {key: meta[key] for key in DOCUMENT_ORDER if meta.get(key) and meta[key] != words.defaults.get(key)}
        problems = schema_checks.check(validator, meta, {}, row.label)
        if problems:
            report.unmapped.append((row.label, [f"{p.field}：{p.message}" if p.field else p.message for p in problems]))
            continue
        if publisher in registries.new_units:
            registries.used_units.add(publisher)
        sections = {None: report.derived, CHECK: report.to_check}  # FILE_ONLY: the file's comment only
        for what, where in row.derived:
            if where in sections:
                sections[where].setdefault(what, []).append(row.number)
        comment = f"由 invoke import-docs 从 {path.name} 第 {row.number} 行导入"
        link = row.text.get("原文链接", "").strip()
        if link:
            comment += f"；原文链接 {link}"
        derived = "；".join(what for what, _how in row.derived)
        comments = {"标题": comment + (f"；{derived}" if derived else "")}
        planned.append((target, item_text(meta, "", comments=comments)))
        report.written.append(_shown(target, paths))
    imported = {row.number for row in rows if not row.reasons and not row.repeat_of}
    report.undecided = {v: kept for v, numbers in report.undecided.items() if (kept := [n for n in numbers if n in imported])}
    if not dry_run:
        for target, text in planned:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    register(paths, registries, report, dry_run, reviewers,
             f"{dt.date.today().isoformat()} 由 invoke import-docs 从 {path.name} 登记")
    return report


def import_documents_command(path: Path, root: Path, **options) -> int:
    """`invoke import-docs`: the report on stdout; 1 when a row was not imported."""
    report = import_documents(path, root, **options)
    print(report.text())
    return 0 if report.ok else 1
