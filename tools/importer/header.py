"""Finding a catalogue table's header: the first row naming at least four known columns, and a
second header row when it splits a group (公开对象 → 全社会 / 特定群体) into checkbox sub-columns.
Each column becomes a Column: a text field, or one option of a field."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from gongkai.vocabulary import Vocabulary

from .cells import CellError, channels_of, parse_levels

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


def _levels_option(sub: str, words: Vocabulary):
    try:
        return parse_levels(sub, words) or None
    except CellError:
        return None


# group -> how a sub-column name becomes an option (None: not a sub-column of that group).
SUB_OPTIONS = {
    "公开对象": lambda sub, words: AUDIENCE_SUBS.get(sub),
    "公开方式": lambda sub, words: METHOD_SUBS.get(sub),
    "公开层级": _levels_option,
    "公开渠道": lambda sub, words: channels_of(sub, words) or None,
}


@dataclass(frozen=True)
class Column:
    """What one spreadsheet column holds: a text field, or one checkbox option of a field."""

    field: str
    option: object = None
    header: str = ""


@functools.lru_cache(maxsize=65536)  # every data row is tested as a possible repeated header
def classify(group: str, sub: str, words: Vocabulary) -> Column | None:
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
        option = SUB_OPTIONS[top](sub, words)
        return Column(top, option, label) if option else None
    return _bare_sub(sub or group, words)


def _bare_sub(name: str, words: Vocabulary) -> Column | None:
    """A sub-column name used as a top-level header (全社会, 依申请公开, 县级 …)."""
    if FIELD_NAMES.get(name) and FIELD_NAMES[name] not in GROUPS:
        return Column(FIELD_NAMES[name], header=name)
    for group in ("公开对象", "公开方式", "公开层级"):
        option = SUB_OPTIONS[group](name, words)
        if option:
            return Column(group, option, name)
    return None


# ---------------------------------------------------------------- finding the header

@dataclass
class Layout:
    columns: dict  # column index -> Column
    first_data_row: int  # 0-based
    ignored: list


def _row_score(row: list[str], words: Vocabulary) -> int:
    return sum(classify(cell, "", words) is not None for cell in row if cell)


def find_layout(grid: list[list[str]], words: Vocabulary) -> Layout | None:
    """The first row naming at least four known columns is the header; the row below is a second
    header row when it splits a group (公开对象 → 全社会 / 特定群体) into at least two sub-columns."""
    for index, row in enumerate(grid[:15]):
        if _row_score(row, words) < 4:
            continue
        below = grid[index + 1] if index + 1 < len(grid) else []
        groups = _filled_groups(row)
        two_rows = _is_sub_header(groups, below, words)
        groups = groups if two_rows else row  # a blank header in a one-row header is no column
        columns, ignored = {}, []
        for j, group in enumerate(groups):
            sub = below[j] if two_rows and j < len(below) else ""
            column = classify(group, sub, words) if (group or sub) else None
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


def _is_sub_header(groups: list[str], below: list[str], words: Vocabulary) -> bool:
    """Below a real header, columns that are not groups are blank (or repeat their merged header);
    a data row has text there."""
    counts: dict[str, int] = {}
    for j, group in enumerate(groups):
        sub = below[j] if j < len(below) else ""
        if sub and _norm(sub) != _norm(group) and FIELD_NAMES.get(_norm(group)) not in GROUPS | {None}:
            return False
        column = classify(group, sub, words) if sub and _norm(sub) != _norm(group) else None
        if column and FIELD_NAMES.get(_norm(group)) in GROUPS:
            counts[_norm(group)] = counts.get(_norm(group), 0) + 1
    return any(n >= 2 for n in counts.values())


