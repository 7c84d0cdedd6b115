"""Rows of a catalogue table -> Records (text per field, ticks per checkbox field) -> Drafts (the
item fields a row maps to, or the reasons it does not), through the cell parsers (cells.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from gongkai.vocabulary import Vocabulary

from .cells import (
    CellError,
    choose_audience,
    choose_method,
    combine_channels,
    join_name,
    levels_from,
    parse_audience,
    parse_channels,
    parse_date_cell,
    parse_levels,
    parse_limit,
    parse_method,
    split_basis,
    split_content,
    tick,
)
from .header import Layout, classify

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


def records(grid: list[list[str]], layout: Layout, words: Vocabulary) -> tuple[list[Record], list[str]]:
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
        if sum(bool(v) for v in cells.values()) < 3 and len(filled) == 1 or _is_repeated_header(cells, words):
            skipped.append(f"第 {index + 1} 行不是事项（只有“{next(iter(filled))[:20]}”），已跳过")
            continue
        cells = {j: previous.get(j, "") if v == "同上" else v for j, v in cells.items()}
        record = _record(index + 1, cells, layout, previous)
        previous = cells
        out.append(record)
    return out, skipped


def _is_repeated_header(cells: dict, words: Vocabulary) -> bool:
    return sum(classify(v, "", words) is not None for v in cells.values() if v) >= 4


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


def _channels(record: Record, words: Vocabulary) -> tuple[list[str], str | None]:
    if "公开渠道" in record.ticks:
        ticked = [(opt, text) for opt, on, text in record.ticks["公开渠道"] if on]
        names = [name for options, _t in ticked for name in options]
        notes = [text for options, text in ticked if text and options == ["其他"]]
        return combine_channels(names, words, notes)
    return parse_channels(_required(record, "公开渠道", "公开渠道和载体"), words)


def _audience(record: Record) -> tuple[str, str | None]:
    if "公开对象" in record.ticks:
        return choose_audience([(opt, text or None) for opt, on, text in record.ticks["公开对象"] if on])
    return parse_audience(_required(record, "公开对象"))


def _method(record: Record) -> str:
    if "公开方式" in record.ticks:
        return choose_method([opt for opt, on, _t in record.ticks["公开方式"] if on])
    return parse_method(_required(record, "公开方式"))


def _levels(record: Record, words: Vocabulary) -> list[str]:
    if "公开层级" in record.ticks:
        return levels_from([level for options, on, _t in record.ticks["公开层级"] if on for level in options], words)
    return parse_levels(record.text.get("公开层级", ""), words)


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
    ("一级事项", lambda r, w: {"一级事项": join_name(_required(r, "一级事项"))}),
    ("二级事项", lambda r, w: {"二级事项": join_name(r.text.get("二级事项", "") or _required(r, "事项名称", "二级事项"))}),
    ("公开内容", lambda r, w: {"公开内容": _list(r, "公开内容", "公开内容（要素）", split_content)}),
    ("公开依据", lambda r, w: {"公开依据": _list(r, "公开依据", "公开依据", split_basis)}),
    ("公开时限", lambda r, w: {"公开时限": parse_limit(_required(r, "公开时限"), w).as_meta()}),
    ("公开渠道", lambda r, w: dict(zip(("公开渠道", "渠道说明"), _channels(r, w)))),
    ("公开对象", lambda r, w: dict(zip(("公开对象", "对象说明"), _audience(r)))),
    ("公开方式", lambda r, w: {"公开方式": _method(r)}),
    ("公开层级", lambda r, w: {"公开层级": _levels(r, w)}),
    # Optional columns (the site's own CSV has them): an empty cell is simply left out.
    ("文号", lambda r, w: {"文号": join_name(r.text.get("文号", ""))}),
    ("成文日期", lambda r, w: {"成文日期": parse_date_cell(r.text.get("成文日期", ""), "成文日期")}),
    ("发布日期", lambda r, w: {"发布日期": parse_date_cell(r.text.get("发布日期", ""), "发布日期")}),
]


def draft(record: Record, words: Vocabulary) -> Draft:
    result = Draft(record)
    for _name, step in STEPS:
        try:
            result.fields.update(step(record, words))
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


