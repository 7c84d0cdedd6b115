"""`invoke import FILE`: bring an existing catalogue table (.xlsx or .csv in the State Council's
standard layout) into the repository as one item file per row.

Reading a table: cells as text (merged cells filled from their top-left value), one or two header
rows recognised by the names real catalogues use, then every row mapped through the cell parsers
in catalogue.tabular. A row is either written as a valid item file or listed in the report with
the reason: nothing is guessed silently. New 一级/二级事项 and 公开主体 are appended to the
registries as text, so the editors' comments and order stay as they were.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from catalogue import schema as schema_checks
from catalogue.errors import format_report
from catalogue.registry import load_categories, load_units
from catalogue.tabular import (CellError, channels_of, choose_audience, choose_method, combine_channels, join_name,
                               levels_from, parse_audience, parse_channels, parse_date_cell, parse_levels, parse_limit,
                               parse_method, split_basis, split_content, tick)
from catalogue.validate import Paths

from .tablefile import MAX_COLUMNS, ImportTableError, Sheet, read_sheets
from .yamlwrite import IndexAllocator, item_text, safe_file_name, scalar

__all__ = ["ImportTableError", "ImportReport", "import_table"]

PLACEHOLDER_REVIEWER = "@daizhiding"  # pinyin of 待指定: the schema only accepts ASCII handles
PLACEHOLDER_CODE_PREFIX = "TEMP-"


# ---------------------------------------------------------------- header names

def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text or "").replace("(", "（").replace(")", "）").rstrip("*＊")


# Top-level header names (normalised) -> field.
FIELD_NAMES = {
    "序号": "序号", "编号": "序号", "序列号": "序号",
    "公开事项": "公开事项", "事项": "公开事项",
    "一级事项": "一级事项", "一级目录": "一级事项", "一级": "一级事项",
    "二级事项": "二级事项", "二级目录": "二级事项", "二级": "二级事项",
    "事项名称": "事项名称", "三级事项": "事项名称",
    "公开内容（要素）": "公开内容", "公开内容": "公开内容", "公开要素": "公开内容", "公开内容要素": "公开内容",
    "公开依据": "公开依据", "依据": "公开依据",
    "公开时限": "公开时限", "时限": "公开时限",
    "公开主体": "公开主体", "主体": "公开主体", "责任主体": "公开主体", "公开责任主体": "公开主体",
    "公开渠道和载体": "公开渠道", "公开渠道及载体": "公开渠道", "公开渠道": "公开渠道", "公开载体": "公开渠道",
    "渠道和载体": "公开渠道",
    "公开对象": "公开对象", "对象": "公开对象",
    "公开方式": "公开方式", "方式": "公开方式",
    "公开层级": "公开层级", "层级": "公开层级",
    "文号": "文号", "发文字号": "文号", "成文日期": "成文日期", "发布日期": "发布日期", "公开日期": "发布日期",
    "索引号": "索引号", "网址": "网址", "备注": "备注",
}
# Fields whose header may be split into checkbox sub-columns (or, for 公开事项, into 一级/二级).
GROUPS = {"公开事项", "公开对象", "公开方式", "公开层级", "公开渠道"}
IGNORED_FIELDS = {"网址", "备注"}
AUDIENCE_SUBS = {"全社会": "全社会", "特定群体": "特定群体", "特定群众": "特定群体", "特定对象": "特定群体"}
METHOD_SUBS = {"主动": "主动", "主动公开": "主动", "依申请": "依申请", "依申请公开": "依申请"}


def _levels_option(sub: str):
    try:
        return parse_levels(sub) or None
    except CellError:
        return None


# group -> how a sub-column name becomes an option (None: not a sub-column of that group).
SUB_OPTIONS = {
    "公开对象": lambda sub: AUDIENCE_SUBS.get(sub),
    "公开方式": lambda sub: METHOD_SUBS.get(sub),
    "公开层级": _levels_option,
    "公开渠道": lambda sub: channels_of(sub) or None,
}


@dataclass(frozen=True)
class Column:
    """What one spreadsheet column holds: a text field, or one checkbox option of a field."""

    field: str
    option: object = None
    header: str = ""


@functools.lru_cache(maxsize=65536)  # every data row is tested as a possible repeated header
def classify(group: str, sub: str) -> Column | None:
    """(upper header, lower header) -> Column; None for a column we do not know."""
    group, sub = _norm(group), _norm(sub)
    if "/" in group and not sub and FIELD_NAMES.get(group.split("/", 1)[0]) in GROUPS:
        group, sub = group.split("/", 1)  # a flattened two-row header: 公开对象/全社会
    top = FIELD_NAMES.get(group)
    label = f"{group}/{sub}" if sub and sub != group else group
    if top and (not sub or sub == group or top not in GROUPS):
        return Column("二级事项" if top == "公开事项" else top, header=label if top in GROUPS else group)
    if top == "公开事项":
        inner = FIELD_NAMES.get(sub)
        return Column(inner, header=label) if inner in {"一级事项", "二级事项", "事项名称"} else None
    if top in SUB_OPTIONS:
        option = SUB_OPTIONS[top](sub)
        return Column(top, option, label) if option else None
    return _bare_sub(sub or group)


def _bare_sub(name: str) -> Column | None:
    """A sub-column name used as a top-level header (全社会, 依申请公开, 县级 …)."""
    if FIELD_NAMES.get(name) and FIELD_NAMES[name] not in GROUPS:
        return Column(FIELD_NAMES[name], header=name)
    for group in ("公开对象", "公开方式", "公开层级"):
        option = SUB_OPTIONS[group](name)
        if option:
            return Column(group, option, name)
    return None


# ---------------------------------------------------------------- finding the header

@dataclass
class Layout:
    columns: dict  # column index -> Column
    first_data_row: int  # 0-based
    ignored: list


def _row_score(row: list[str]) -> int:
    return sum(classify(cell, "") is not None for cell in row if cell)


def find_layout(grid: list[list[str]]) -> Layout | None:
    """The first row naming at least four known columns is the header; the row below is a second
    header row when it splits a group (公开对象 → 全社会 / 特定群体) into at least two sub-columns."""
    for index, row in enumerate(grid[:15]):
        if _row_score(row) < 4:
            continue
        below = grid[index + 1] if index + 1 < len(grid) else []
        groups = _filled_groups(row)
        two_rows = _is_sub_header(groups, below)
        groups = groups if two_rows else row  # a blank header in a one-row header is no column
        columns, ignored = {}, []
        for j, group in enumerate(groups):
            sub = below[j] if two_rows and j < len(below) else ""
            column = classify(group, sub) if (group or sub) else None
            if column:
                columns[j] = column
            elif group or sub:
                ignored.append("/".join(x for x in (group, sub) if x))
        return Layout(columns, index + (2 if two_rows else 1), ignored)
    return None


def _filled_groups(row: list[str]) -> list[str]:
    """A group header left blank to its right (a CSV of merged cells) carries over to those columns."""
    out, current = [], ""
    for cell in row:
        if cell:
            current = cell if FIELD_NAMES.get(_norm(cell)) in GROUPS else ""
            out.append(cell)
        else:
            out.append(current)
    return out


def _is_sub_header(groups: list[str], below: list[str]) -> bool:
    """Below a real header, columns that are not groups are blank (or repeat their merged header);
    a data row has text there."""
    counts: dict[str, int] = {}
    for j, group in enumerate(groups):
        sub = below[j] if j < len(below) else ""
        if sub and _norm(sub) != _norm(group) and FIELD_NAMES.get(_norm(group)) not in GROUPS | {None}:
            return False
        column = classify(group, sub) if sub and _norm(sub) != _norm(group) else None
        if column and FIELD_NAMES.get(_norm(group)) in GROUPS:
            counts[_norm(group)] = counts.get(_norm(group), 0) + 1
    return any(n >= 2 for n in counts.values())


# ---------------------------------------------------------------- rows -> records

@dataclass
class Record:
    """One data row: text per field, and (option, ticked, free text) per checkbox field."""

    row: int  # 1-based, as Excel shows it
    number: str
    text: dict = field(default_factory=dict)
    ticks: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"第 {self.row} 行" + (f"（序号 {self.number}）" if self.number else "")


FILL_DOWN = ("一级事项", "二级事项")


def records(grid: list[list[str]], layout: Layout) -> tuple[list[Record], list[str]]:
    """Data rows as Records. Blank 一级/二级事项 repeat the row above (merged cells saved as CSV);
    a cell reading 同上 repeats the cell above. Rows that only repeat one text (a title or note
    spanning the table) are skipped and listed."""
    out, skipped, previous = [], [], {}
    for index in range(layout.first_data_row, len(grid)):
        row = grid[index]
        cells = {j: (row[j] if j < len(row) else "") for j in layout.columns}
        filled = {v for v in cells.values() if v}
        if not filled:
            continue
        if sum(bool(v) for v in cells.values()) < 3 and len(filled) == 1 or _is_repeated_header(cells, layout):
            skipped.append(f"第 {index + 1} 行不是事项（只有“{next(iter(filled))[:20]}”），已跳过")
            continue
        cells = {j: previous.get(j, "") if v == "同上" else v for j, v in cells.items()}
        record = _record(index + 1, cells, layout, previous)
        previous = cells
        out.append(record)
    return out, skipped


def _is_repeated_header(cells: dict, layout: Layout) -> bool:
    return sum(classify(v, "") is not None for v in cells.values() if v) >= 4


def _record(row: int, cells: dict, layout: Layout, previous: dict) -> Record:
    record = Record(row, "")
    for j, column in layout.columns.items():
        value = cells[j]
        if column.field in FILL_DOWN and not value and previous.get(j):
            value = cells[j] = previous[j]
        if column.option is None:
            record.text[column.field] = value
        else:
            record.ticks.setdefault(column.field, []).append((column.option, *tick(value)))
    record.number = record.text.pop("序号", "")
    return record


# ---------------------------------------------------------------- record -> item fields

TITLE_HINT_MAX = 20
DELEGATED = re.compile(r"^(.+?)(?:或者|或)其?委托的?.+$", re.S)


def unit_of(text: str) -> tuple[str, str | None]:
    """"某局或者其委托的招标代理机构" -> ("某局", the whole phrase): the unit answers for the item,
    the agent acts for it; the phrase is kept in the item's body."""
    name = join_name(text)
    if not name:
        raise CellError("公开主体为空")
    delegated = DELEGATED.match(name)
    if delegated:
        return delegated.group(1).strip(), name
    if re.search(r"[、，,；;]", name):
        raise CellError(f"公开主体“{name}”写了多个单位，每个事项只能有一个公开主体：请拆成多行，或只保留牵头单位")
    return name, None


def _channels(record: Record) -> tuple[list[str], str | None]:
    if "公开渠道" in record.ticks:
        ticked = [(opt, text) for opt, on, text in record.ticks["公开渠道"] if on]
        names = [name for options, _t in ticked for name in options]
        notes = [text for options, text in ticked if text and options == ["其他"]]
        return combine_channels(names, notes)
    return parse_channels(_required(record, "公开渠道", "公开渠道和载体"))


def _audience(record: Record) -> tuple[str, str | None]:
    if "公开对象" in record.ticks:
        return choose_audience([(opt, text or None) for opt, on, text in record.ticks["公开对象"] if on])
    return parse_audience(_required(record, "公开对象"))


def _method(record: Record) -> str:
    if "公开方式" in record.ticks:
        return choose_method([opt for opt, on, _t in record.ticks["公开方式"] if on])
    return parse_method(_required(record, "公开方式"))


def _levels(record: Record) -> list[str]:
    if "公开层级" in record.ticks:
        return levels_from([level for options, on, _t in record.ticks["公开层级"] if on for level in options])
    return parse_levels(record.text.get("公开层级", ""))


def _required(record: Record, key: str, label: str | None = None) -> str:
    value = record.text.get(key, "").strip()
    if not value:
        raise CellError(f"{label or key}为空")
    return value


def _list(record: Record, key: str, label: str, split) -> list[str]:
    values = split(_required(record, key, label))
    if not values:
        raise CellError(f"{label}为空")
    return values


@dataclass
class Draft:
    """An item before it gets its 索引号 and file: the mapped fields, or the reasons it failed."""

    record: Record
    fields: dict = field(default_factory=dict)
    reasons: list = field(default_factory=list)
    unit_phrase: str | None = None


# Each step fills some fields from the record; a CellError becomes a reason and the row is listed.
STEPS = [
    ("一级事项", lambda r: {"一级事项": join_name(_required(r, "一级事项"))}),
    ("二级事项", lambda r: {"二级事项": join_name(r.text.get("二级事项", "") or _required(r, "事项名称", "二级事项"))}),
    ("公开内容", lambda r: {"公开内容": _list(r, "公开内容", "公开内容（要素）", split_content)}),
    ("公开依据", lambda r: {"公开依据": _list(r, "公开依据", "公开依据", split_basis)}),
    ("公开时限", lambda r: {"公开时限": parse_limit(_required(r, "公开时限")).as_meta()}),
    ("公开渠道", lambda r: dict(zip(("公开渠道", "渠道说明"), _channels(r)))),
    ("公开对象", lambda r: dict(zip(("公开对象", "对象说明"), _audience(r)))),
    ("公开方式", lambda r: {"公开方式": _method(r)}),
    ("公开层级", lambda r: {"公开层级": _levels(r)}),
    # Optional columns (the site's own CSV has them): an empty cell is simply left out.
    ("文号", lambda r: {"文号": join_name(r.text.get("文号", ""))}),
    ("成文日期", lambda r: {"成文日期": parse_date_cell(r.text.get("成文日期", ""), "成文日期")}),
    ("发布日期", lambda r: {"发布日期": parse_date_cell(r.text.get("发布日期", ""), "发布日期")}),
]


def draft(record: Record) -> Draft:
    result = Draft(record)
    for _name, step in STEPS:
        try:
            result.fields.update(step(record))
        except CellError as exc:
            result.reasons.append(str(exc))
    try:
        result.fields["公开主体"], result.unit_phrase = unit_of(record.text.get("公开主体", ""))
    except CellError as exc:
        result.reasons.append(str(exc))
    title = join_name(record.text.get("事项名称", ""))
    if title:
        result.fields["事项名称"] = title
    return result


def name_drafts(drafts: list[Draft]) -> None:
    """Without a 事项名称 column the 二级事项 is the item's name; when several rows share one, a
    short first 公开内容 element tells them apart: 最低生活保障（低保对象名单及相关信息）. (Rows
    that stay alike get （2） in their file name.)"""
    shared: dict[tuple, int] = {}
    for d in drafts:
        if "事项名称" not in d.fields and "二级事项" in d.fields:
            key = (d.fields.get("一级事项"), d.fields["二级事项"])
            shared[key] = shared.get(key, 0) + 1
    for d in drafts:
        if "事项名称" in d.fields or "二级事项" not in d.fields:
            continue
        name = d.fields["二级事项"]
        first = (d.fields.get("公开内容") or [""])[0]
        if shared[(d.fields.get("一级事项"), name)] > 1 and 0 < len(first) <= TITLE_HINT_MAX:
            name = f"{name}（{first}）"
        d.fields["事项名称"] = name


# ---------------------------------------------------------------- registries

def slug_of(name: str, taken: set[str]) -> str:
    """ASCII slug from the pinyin of a Chinese name, made unique with -2, -3 …"""
    from pypinyin import lazy_pinyin

    words = [re.sub(r"[^a-z0-9]+", "-", w.lower()).strip("-") for w in lazy_pinyin(name)]
    base = "-".join(w for w in words if w)
    if len(base) > 48:  # cut at a syllable boundary
        base = base[:49].rsplit("-", 1)[0]
    base = base.strip("-") or "fenlei"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def placeholder_code(unit: str) -> str:
    """A temporary 机构代码 (TEMP- and six hex digits of the name): valid, stable across imports,
    and visibly not a real 统一社会信用代码."""
    return PLACEHOLDER_CODE_PREFIX + hashlib.sha1(unit.encode("utf-8")).hexdigest()[:6].upper()


@dataclass
class Registries:
    """The registries as loaded, plus what this import adds to them (appended as text on write)."""

    categories: list
    units: list
    new_categories: dict = field(default_factory=dict)  # 一级事项 -> [二级事项] (new parent: key not in categories)
    new_units: dict = field(default_factory=dict)  # name -> 机构代码
    used_units: set = field(default_factory=set)  # units of the items actually written
    codes: dict = field(default_factory=dict)  # unit name -> 机构代码 used for 索引号

    def category(self, name):
        return next((c for c in self.categories if c.name == name), None)

    def add(self, parent: str, sub: str) -> None:
        existing = self.category(parent)
        if existing and existing.sub(sub):
            return
        subs = self.new_categories.setdefault(parent, [])
        if sub not in subs:
            subs.append(sub)


def load_registries(paths: Paths) -> Registries:
    problems, loaded = [], []
    for name, loader in (("categories", load_categories), ("units", load_units)):
        if (paths.schema_dir / f"{name}.yaml").is_file():
            values, found = loader(paths.schema_dir, paths.root)
            problems += found
            loaded.append(values)
        else:
            loaded.append([])
    if problems:
        raise ImportTableError("登记表有错误，请先修正（invoke validate）再导入：\n" + format_report(problems))
    return Registries(*loaded)


def assign_codes(drafts: list[Draft], registries: Registries, code: str | None, notes: list[str]) -> None:
    """机构代码 per 公开主体: the registered one; else --code when exactly one unit needs one; else a
    placeholder (reported). Units not registered are registered with that code."""
    known = {u.name: u for u in registries.units}
    needing = sorted({d.fields["公开主体"] for d in drafts if not d.reasons
                      and not (known.get(d.fields["公开主体"]) and known[d.fields["公开主体"]].code)})
    if code and len(needing) > 1:
        raise ImportTableError(f"表格中有 {len(needing)} 个单位需要机构代码（{'、'.join(needing)}），--code 只能指定一个："
                               "请先在 schema/units.yaml 中登记各单位的机构代码，再导入")
    for unit in {d.fields["公开主体"] for d in drafts if not d.reasons}:
        if known.get(unit) and known[unit].code:
            registries.codes[unit] = known[unit].code
            continue
        registries.codes[unit] = code or placeholder_code(unit)
        if unit not in known:
            registries.new_units[unit] = registries.codes[unit]
        elif not code:
            notes.append(f"公开主体“{unit}”在 schema/units.yaml 中没有机构代码，索引号暂用临时代码 {registries.codes[unit]}："
                         "建议先补登机构代码再导入")


def _read_text(path: Path) -> tuple[str, str, bool]:
    """(text with \\n, newline used by the file, had BOM)."""
    if not path.is_file():
        return "", "\n", False
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    return text.replace("\r\n", "\n"), newline, raw.startswith(b"\xef\xbb\xbf")


def _write_text(path: Path, text: str, newline: str, bom: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" if bom else "").encode() + text.replace("\n", newline).encode("utf-8"))


def append_categories(path: Path, registries: Registries, header: str) -> list[str]:
    """New 二级事项 go after the last line of their 一级事项's block; new 一级事项 at the end."""
    text, newline, bom = _read_text(path)
    lines = text.split("\n") if text else []
    taken = {c.slug for c in registries.categories}
    shown = []
    for parent, subs in registries.new_categories.items():
        existing = registries.category(parent)
        if existing:
            sub_taken = {s.slug for s in existing.subcategories}
            lines = _insert_subs(lines, existing, [(s, slug_of(s, sub_taken)) for s in subs])
            shown += [f"二级事项“{s}”（加在一级事项“{parent}”下）" for s in subs]
    new_parents = [(p, subs) for p, subs in registries.new_categories.items() if not registries.category(p)]
    if new_parents:
        block = _trim_end(lines) + ["", f"# {header}"]
        for parent, subs in new_parents:
            block += [f"- 名称: {scalar(parent)}", f"  slug: {slug_of(parent, taken)}", "  二级事项:"]
            sub_taken: set[str] = set()
            for sub in subs:
                block += [f"    - 名称: {scalar(sub)}", f"      slug: {slug_of(sub, sub_taken)}"]
            shown.append(f"一级事项“{parent}”，二级事项：{_quoted(subs)}")
        lines = block
    _write_text(path, "\n".join(_trim_end(lines)) + "\n", newline, bom)
    return shown


def _quoted(names: list[str]) -> str:
    """Names may contain 、 themselves (行政法规、规章), so each is quoted."""
    return "".join(f"“{n}”" for n in names)


def _trim_end(lines: list[str]) -> list[str]:
    lines = list(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _insert_subs(lines: list[str], category, subs: list[tuple[str, str]]) -> list[str]:
    """Insert after the category's last entry line, with the indentation its 二级事项 already use."""
    last_sub = category.subcategories[-1].line  # 1-based line of that entry's first key
    sample = lines[last_sub - 1]
    dash = sample.index("-") if sample.lstrip().startswith("-") else max(sample.index("名称") - 2, 0)
    key = sample.index("名称") if "名称" in sample else dash + 2
    end = last_sub
    while end < len(lines) and lines[end].strip() and (len(lines[end]) - len(lines[end].lstrip())) > dash:
        end += 1
    new = []
    for name, slug in subs:
        new += [" " * dash + "-" + " " * (key - dash - 1) + f"名称: {scalar(name)}", " " * key + f"slug: {slug}"]
    return lines[:end] + new + lines[end:]


def append_units(path: Path, registries: Registries, reviewers: list[str], header: str) -> list[str]:
    text, newline, bom = _read_text(path)
    lines = _trim_end(text.split("\n") if text else [])
    taken = {u.slug for u in registries.units}
    lines += ["", f"# {header}"]
    shown = []
    for name, code in registries.new_units.items():
        lines += [f"- 名称: {scalar(name)}", f"  slug: {slug_of(name, taken)}", f"  机构代码: {scalar(code)}",
                  f"  审核人: [{', '.join(json.dumps(r, ensure_ascii=False) for r in reviewers)}]"]  # @ needs quotes
        temporary = "（临时代码：请改为该单位的统一社会信用代码）" if code.startswith(PLACEHOLDER_CODE_PREFIX) else ""
        shown.append(f"{name}：机构代码 {code}{temporary}，审核人 {'、'.join(reviewers)}（请改为该单位的审核人）")
    _write_text(path, "\n".join(lines) + "\n", newline, bom)
    return shown


# ---------------------------------------------------------------- report

@dataclass
class ImportReport:
    """What an import did (or, with dry_run, would do), rendered in Chinese by text()."""

    source: str
    dry_run: bool = False
    rows: int = 0
    written: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    new_categories: list = field(default_factory=list)
    new_units: list = field(default_factory=list)
    unmapped: list = field(default_factory=list)  # (row label, [reasons])
    notes: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row became an item (written, or already present)."""
        return not self.unmapped

    def text(self) -> str:
        verb = "将写入" if self.dry_run else "已写入"
        out = [f"导入 {self.source}：共 {self.rows} 行事项，{verb} {len(self.written)} 个事项文件，"
               f"未导入 {len(self.unmapped)} 行，已存在未覆盖 {len(self.skipped)} 个。"]
        sections = [
            (f"{verb}的事项文件：", self.written),
            ("新登记的事项分类（schema/categories.yaml）：", self.new_categories),
            ("新登记的公开主体（schema/units.yaml）：", self.new_units),
            ("未导入的行（请修改表格后重新导入）：", [f"{label}：{'；'.join(reasons)}" for label, reasons in self.unmapped]),
            ("已存在、未覆盖的文件（确需覆盖请加 --force）：", self.skipped),
            ("提示：", self.notes),
        ]
        for title, entries in sections:
            if entries:
                out += ["", title] + [f"  {entry}" for entry in entries]
        if self.dry_run:
            out += ["", "试运行（--dry-run）：以上是将要进行的操作，没有写入或修改任何文件。"]
        return "\n".join(out)


# ---------------------------------------------------------------- the import

def _date(value) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ImportTableError(f"--date “{value}”不是有效日期，应写成 YYYY-MM-DD，例如 2024-03-05") from exc


def _table(path: Path) -> tuple[Sheet, Layout]:
    for sheet in read_sheets(path):
        layout = find_layout(sheet.rows)
        if layout:
            missing = [f for f in ("一级事项", "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道", "公开对象", "公开方式")
                       if f not in {c.field for c in layout.columns.values()}]
            if not missing and not {"二级事项", "事项名称"} & {c.field for c in layout.columns.values()}:
                missing.append("二级事项")
            if missing:
                raise ImportTableError(f"{path.name}：表头缺少这些列：{'、'.join(missing)}。"
                                       f"识别到的列：{'、'.join(c.header for c in layout.columns.values())}")
            return sheet, layout
    raise ImportTableError(f"{path.name}：没有找到表头。表头应包含 序号、公开事项（一级事项/二级事项）、公开内容（要素）、"
                           "公开依据、公开时限、公开主体、公开渠道和载体、公开对象、公开方式 等列名")


def formula_reasons(record: Record, layout: Layout, sheet: Sheet) -> list[str]:
    """A formula saved without its result (a file written by a program, never opened in Excel)
    has no value to import: the row is listed, not imported with a blank."""
    return [f"“{column.header}”列是公式，文件中没有保存计算结果：请在 Excel 或 WPS 中打开表格、保存后再重新导入"
            for j, column in layout.columns.items() if (record.row - 1, j) in sheet.uncomputed]


def import_table(path, root, *, date=None, force: bool = False, dry_run: bool = False, code: str | None = None,
                 reviewers: list[str] | None = None) -> ImportReport:
    """Import one .xlsx/.csv catalogue into the project at `root`; see the module docstring."""
    path, paths, day = Path(path), Paths.for_root(root), _date(date)
    sheet, layout = _table(path)
    rows, skipped_rows = records(sheet.rows, layout)
    report = ImportReport(path.name, dry_run, len(rows), notes=skipped_rows)
    if layout.ignored:
        report.notes.append(f"未识别的列（已忽略）：{'、'.join(layout.ignored)}")
    if sheet.ignored:
        report.notes.append(f"第 {MAX_COLUMNS} 列以后还有 {sheet.ignored} 个填了内容的单元格，超出导入范围，已忽略")
    drafts = [draft(r) for r in rows]
    for d in drafts:  # a blank formula explains the row's other complaints: ask for the results first
        d.reasons = formula_reasons(d.record, layout, sheet) or d.reasons
    name_drafts(drafts)
    registries = load_registries(paths)
    assign_codes(drafts, registries, code, report.notes)
    validator = schema_checks.compiled(str(paths.schema_dir / "item.schema.json"))
    planned = plan_files(drafts, paths, day, registries, validator, force, report)
    if not dry_run:
        for target, text in planned:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    register(paths, registries, report, dry_run, reviewers, f"{day.isoformat()} 由 invoke import 从 {path.name} 登记")
    return report


def plan_files(drafts, paths: Paths, day: dt.date, registries: Registries, validator, force: bool,
               report: ImportReport) -> list[tuple[Path, str]]:
    """(file, text) for every row that maps and validates; everything else goes into the report."""
    allocator, planned, used_paths = IndexAllocator(paths.items_dir), [], {}
    for d in drafts:
        target = _target(paths, d, used_paths)
        if d.reasons:
            report.unmapped.append((d.record.label, d.reasons))
            continue
        if target.exists() and not force:
            report.skipped.append(_display(target, paths))
            continue
        meta = item_meta(d, _index_no(d, target, allocator, registries, day), day, list(validator.schema["properties"]))
        problems = schema_checks.check(validator, meta, {}, d.record.label)
        if problems:
            report.unmapped.append((d.record.label, [f"{p.field}：{p.message}" if p.field else p.message for p in problems]))
            continue
        registries.add(meta["一级事项"], meta["二级事项"])
        registries.used_units.add(meta["公开主体"])
        planned.append((target, item_text(meta, _body(d))))
        report.written.append(_display(target, paths))
    return planned


def _target(paths: Paths, d: Draft, used: dict) -> Path:
    """content/items/<一级事项>/<事项名称>.md; a second row with the same name gets （2）.
    `used` maps each path taken to the next number to try for its name (linear in the rows)."""
    folder = paths.items_dir / safe_file_name(d.fields.get("一级事项", "未分类"))
    stem = safe_file_name(d.fields.get("事项名称", f"第{d.record.row}行"))
    first = target = folder / f"{stem}.md"
    n = used.get(first, 2)
    while target in used:
        target, n = folder / f"{stem}（{n}）.md", n + 1
    used[first] = n
    used.setdefault(target, 2)
    return target


def _index_no(d: Draft, target: Path, allocator: IndexAllocator, registries: Registries, day: dt.date) -> str:
    """The table's own 索引号 when it has one; the file's current one when overwriting; else the next free."""
    given = d.record.text.get("索引号", "").strip()
    if not given and target.exists():
        match = re.search(r"^索引号[ \t]*:[ \t]*['\"]?([^'\"\s#]+)", target.read_text(encoding="utf-8-sig", errors="replace"), re.M)
        given = match.group(1) if match else ""
    if given:
        allocator.reserve(given)
        return given
    return allocator.next(registries.codes[d.fields["公开主体"]], day.year)


def item_meta(d: Draft, index_no: str, day: dt.date, order: list[str]) -> dict:
    """The fields in the schema's order (the order editors see in every file), empty ones left out.
    发布日期 is the table's own when it has one, else the import date (--date)."""
    values = dict(d.fields, 索引号=index_no, 发布日期=d.fields.get("发布日期") or day.isoformat())
    return {key: values[key] for key in order if values.get(key) not in (None, "", [])}


def _body(d: Draft) -> str:
    return f"公开主体：{d.unit_phrase}。" if d.unit_phrase else ""


def register(paths: Paths, registries: Registries, report: ImportReport, dry_run: bool,
             reviewers: list[str] | None, header: str) -> None:
    """Append what the written items need to the registries (or, in a dry run, only list it)."""
    registries.new_units = {u: c for u, c in registries.new_units.items() if u in registries.used_units}
    reviewers = reviewers or office_reviewers(paths.root)
    if dry_run:
        report.new_categories += [f"一级事项“{p}”下：{_quoted(s)}" for p, s in registries.new_categories.items()]
        report.new_units += [f"{u}：机构代码 {c}，审核人 {'、'.join(reviewers)}" for u, c in registries.new_units.items()]
        return
    if registries.new_categories:
        report.new_categories += append_categories(paths.schema_dir / "categories.yaml", registries, header)
    if registries.new_units:
        report.new_units += append_units(paths.schema_dir / "units.yaml", registries, reviewers, header)


def office_reviewers(root: Path) -> list[str]:
    """New units are reviewed by the catalogue office (GONGKAI_OFFICE_REVIEWERS) until they name
    their own reviewers; without that setting, a placeholder handle the report asks to replace."""
    conf = Path(root) / "pelicanconf.py"
    if conf.is_file():
        from catalogue.settings import read_project_settings

        found = read_project_settings(Path(root)).get("GONGKAI_OFFICE_REVIEWERS") or []
        if found:
            return list(found)
    return [PLACEHOLDER_REVIEWER]


def _display(path: Path, paths: Paths) -> str:
    try:
        return path.resolve().relative_to(paths.root).as_posix()
    except ValueError:
        return path.as_posix()
