"""The catalogue as a table: the one definition of its columns and of how every cell is written.

The site's CSV download writes rows with `item_row` (every cell through `spreadsheet_safe`);
`invoke import` reads cells back (gongkai_tools.importer.cells) through `as_written` and the
same 公开时限 rules (`classify_limit`), so that a downloaded CSV imports back into the same items
(tests/test_import.py checks the round trip). The words a table uses for each value ("长期公开",
"定期（每季度）") are the vocabulary's `x-table` annotations (schema/item.schema.json).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .vocabulary import LIMIT, PERIOD, Vocabulary

# 事项名称 is not in the State Council layout (there 二级事项 is the item's name); it is added after
# 二级事项 so that a downloaded table keeps each item's own name.
# 文号, 成文日期 and 发布日期 follow the layout's columns: what a reader cites and sorts by.
CSV_COLUMNS = ["序号", "一级事项", "二级事项", "事项名称", "公开内容（要素）", "公开依据", "公开时限", "公开主体",
               "公开渠道和载体", "公开对象", "公开方式", "公开层级", "文号", "成文日期", "发布日期", "索引号", "网址"]


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

def item_row(item, number: int, url: str, words: Vocabulary) -> list[str]:
    """One model.Item as a row under CSV_COLUMNS (lists become lines inside the cell), every cell
    spreadsheet-safe."""
    meta = item.meta
    cells = [str(number), meta["一级事项"], meta["二级事项"], meta["事项名称"], "\n".join(meta["公开内容"]),
             "\n".join(meta["公开依据"]), limit_cell(meta["公开时限"], words), meta["公开主体"],
             channels_cell(meta["公开渠道"], meta.get("渠道说明")), audience_cell(meta["公开对象"], meta.get("对象说明")),
             meta["公开方式"], "、".join(meta.get("公开层级", [])), meta.get("文号", ""), meta.get("成文日期", ""),
             meta["发布日期"], meta["索引号"], url]
    return [spreadsheet_safe(str(cell)) for cell in cells]


def limit_phrase(kind: str, period: str | None, words: Vocabulary) -> str:
    """"长期公开", "即时公开", "定期（每季度）": the type as a table writes it."""
    phrase = words.annotation(LIMIT, "table")[kind]
    return f"{phrase}（{words.annotation(PERIOD, 'table')[period]}）" if period else phrase


def limit_cell(limit: dict, words: Vocabulary) -> str:
    """The 说明 as the catalogue wrote it when the import rules read it back as the same type;
    otherwise the type's phrase first ("定期（每年）：预算批复后20日内") so nothing is lost."""
    kind, period, note = limit["类型"], limit.get("周期"), limit.get("说明")
    if not note:
        return limit_phrase(kind, period, words)
    if prefixed(words).match(note) is None and classify_limit(note) == (kind, period):
        return note
    return f"{limit_phrase(kind, period, words)}：{note}"


def channels_cell(channels: list[str], note: str | None) -> str:
    text = "、".join(channels)
    return f"{text}（{note}）" if note else text


def audience_cell(audience: str, note: str | None) -> str:
    return f"{audience}（{note}）" if note else audience


# ---------------------------------------------------------------- reading a 公开时限 cell

# Stated rules, first match wins; the cell's own words are kept in 说明. Periodic words come first
# so "每季度结束后10个工作日内" is 定期/季度, not 即时. (Their results are vocabulary values:
# tests/test_vocabulary.py.)
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


def classify_limit(text: str) -> tuple[str, str | None] | None:
    """(类型, 周期) by LIMIT_RULES, or None when no rule applies."""
    return next((result for rx, result in _LIMIT_RULES if rx.search(text)), None)


def prefixed(words: Vocabulary) -> re.Pattern:
    """A cell written as limit_cell() writes it: "长期公开", "定期（每季度）：…" (groups: the type's
    phrase, the period's word, the note)."""
    return _prefixed(tuple(words.annotation(LIMIT, "table").items()), tuple(words.annotation(PERIOD, "table").values()))


@lru_cache(maxsize=4)
def _prefixed(types, periods) -> re.Pattern:
    plain = "|".join(re.escape(p) for kind, p in types if kind != "定期")
    periodic = re.escape(dict(types)["定期"])
    return re.compile(rf"^({plain}|{periodic}(?:公开)?（({'|'.join(map(re.escape, periods))})）)(?:[：:](.+))?$", re.S)
