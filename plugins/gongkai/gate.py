"""The publish gate: nothing unfinished reaches the public site.

Three kinds of unfinished item are refused by `invoke validate` and every build:
- text a tool wrote for the editor to replace (PLACEHOLDERS: `invoke new`, `invoke import`);
- a 索引号 made with the importer's temporary unit code (TEMP_CODE_PREFIX): the 索引号 makes the
  page's address, which may never change once published;
- dates after the build date (发布日期, 成文日期, 更新日期, 变更记录 日期), typos like 2042;
- in schema/units.yaml, the importer's temporary 机构代码 and placeholder reviewer (registry_problems).

A 发布日期 after the build date is allowed only with `定时发布: true` (SCHEDULED_KEY): the item is
checked like any other but held back from the public site (hold_scheduled: out of
Catalogue.public_items, so out of every page, count, feed, download and search) until the first
build on or after that date, which the daily scheduled CI build makes.

The placeholder and temporary-code rules read only the file, so they are per-item rules
(item_problems, cached with the file); the date rules depend on the build date, so they run on
every load (date_problems), never cached.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from .datafile import display
from .errors import Problem, dotted, quote
from .model import parse_date

# Every text a tool writes into an item for the editor to replace: the writers take them from here
# (tools/scaffold.py, tools/importer/), the gate refuses them. MARK covers edited leftovers
# ("待填写：低保对象") as well as the exact texts.
MARK = "待填写"
PLACEHOLDERS = {
    "公开内容": MARK + "：公开内容要素",
    "对象说明": MARK + "：哪些群体，例如低保对象及其家庭成员",
    "正文": MARK + "：正文",  # a 公开信息's body (invoke new --document)
}
# The importer's 机构代码 for a unit schema/units.yaml has no code for: TEMP- and six hex digits.
TEMP_CODE_PREFIX = "TEMP-"
# The reviewer the importer registers for a new unit when the office named none (pinyin of 待指定:
# the schema takes only ASCII handles).
REVIEWER_PLACEHOLDER = "@daizhiding"
UNITS_FILE = "schema/units.yaml"
SCHEDULED_KEY = "定时发布"
DATE_KEYS = ("成文日期", "发布日期", "更新日期")
NOTES_KEY = "变更记录"

PLACEHOLDER_LEFT = "还是占位文字“{text}”（invoke new 写下的提示）：请改写为实际内容，否则不能发布"
TEMP_INDEX = ("索引号“{value}”用的是 invoke import 生成的临时机构代码 {code}，不能发布：请在 schema/units.yaml 登记"
              "该单位的统一社会信用代码，再把索引号改为正式编号（发布后网页地址由索引号生成，不能再改）")
TEMP_UNIT_CODE = ("“{unit}”的机构代码 {code} 是 invoke import 生成的临时代码：请改为该单位的统一社会信用代码"
                  "（它的事项的索引号也要随之改正）")
REVIEWER_LEFT = ("“{unit}”的审核人还是 invoke import 写的占位账号 {handle}：请改为该单位审核人的账号"
                 "（合并请求据此请他们审核）")
FUTURE = "{value} 晚于今天（{day}）：日期不能是将来的日期，请改正"
FUTURE_PUBLISHED = ("{value} 晚于今天（{day}）：发布日期不能是将来的日期。如果要到这一天才在网站上公开，"
                    "请另加一行“定时发布: true”")
FUTURE_SCHEDULED = "{value} 晚于发布日期 {published}：定时发布的事项，其他日期不能晚于发布日期"


def _strings(value, path: tuple = ()):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, sub in value.items():
            yield from _strings(sub, path + (key,))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _strings(sub, path + (index,))


def _line(item, path: tuple) -> int | None:
    while path and path not in item.lines:
        path = path[:-1]
    return item.lines.get(path)


def item_problems(item) -> list[Problem]:
    """Per-item rule (catalogue.ITEM_RULES): placeholders anywhere in the front matter, and a
    temporary 索引号. Depends on the file only, so it is cached with it."""
    problems = []
    for path, text in _strings(item.meta):
        if MARK in text:
            problems.append(Problem(item.source, _line(item, path), dotted(path),
                                    PLACEHOLDER_LEFT.format(text=quote(text))))
    body = getattr(item, "body", "") or ""
    if any(text in body for text in PLACEHOLDERS.values()):
        line = next((item.body_line + n for n, text in enumerate(body.split("\n")) if MARK in text), item.body_line)
        problems.append(Problem(item.source, line, "正文", PLACEHOLDER_LEFT.format(text=quote(PLACEHOLDERS["正文"]))))
    index_no = item.meta.get("索引号")
    if isinstance(index_no, str) and index_no.upper().startswith(TEMP_CODE_PREFIX):
        code = index_no.split("/", 1)[0]
        problems.append(Problem(item.source, _line(item, ("索引号",)), "索引号",
                                TEMP_INDEX.format(value=quote(index_no), code=quote(code))))
    return problems


def registry_problems(catalogue, paths=None) -> list[Problem]:
    """GONGKAI_CHECKS-style check (catalogue, paths): what `invoke import` left in schema/units.yaml
    for the editor to replace, a temporary 机构代码 and the placeholder reviewer."""
    shown = display(paths.schema_dir / "units.yaml", paths.root) if paths else UNITS_FILE
    problems = []
    for unit in catalogue.units:
        if unit.code and unit.code.upper().startswith(TEMP_CODE_PREFIX):
            problems.append(Problem(shown, unit.line, "机构代码", TEMP_UNIT_CODE.format(unit=quote(unit.name),
                                                                                       code=quote(unit.code))))
        if REVIEWER_PLACEHOLDER in unit.reviewers:
            problems.append(Problem(shown, unit.line, "审核人", REVIEWER_LEFT.format(unit=quote(unit.name),
                                                                                      handle=REVIEWER_PLACEHOLDER)))
    return problems


def is_scheduled(meta: dict) -> bool:
    return meta.get(SCHEDULED_KEY) is True


def _dated(meta: dict):
    """(path, date) of every date the gate compares with the build date."""
    for key in DATE_KEYS:
        yield (key,), parse_date(meta.get(key))
    notes = meta.get(NOTES_KEY)
    for i, entry in enumerate(notes if isinstance(notes, list) else []):
        if isinstance(entry, dict):
            yield (NOTES_KEY, i, "日期"), parse_date(entry.get("日期"))


def date_problems(items, day: dt.date, schedulable: bool = True) -> list[Problem]:
    """Dates after the build date `day`. A scheduled item's 发布日期 may be later; its other dates
    then may not pass that 发布日期. Run on every load: the verdict changes with the date.
    `schedulable` False (公开信息, published with their item): no 定时发布 of their own."""
    problems = []
    for item in items:
        meta = item.meta
        published = parse_date(meta.get("发布日期"))
        scheduled = schedulable and is_scheduled(meta) and published is not None and published > day
        for path, date in _dated(meta):
            if date is None or date <= day:
                continue
            if scheduled and path == ("发布日期",):
                continue
            if scheduled and path != ("成文日期",):
                if date <= published:
                    continue
                message = FUTURE_SCHEDULED.format(value=date, published=published)
            else:
                wording = FUTURE_PUBLISHED if path == ("发布日期",) and schedulable else FUTURE
                message = wording.format(value=date, day=day)
            problems.append(Problem(item.source, _line(item, path), dotted(path), message))
    return problems


def release(items) -> None:
    """No item held (an Item may come from a cache shared by earlier loads in this process)."""
    for item in items:
        item.held = False


@contextmanager
def holding(items, day: dt.date) -> Iterator[None]:
    """Within the block, items are held as they will be once every check has run (hold_scheduled);
    after it, none is held again, so the checks still see every item."""
    hold_scheduled(items, day)
    try:
        yield
    finally:
        release(items)


def hold_scheduled(items, day: dt.date) -> list:
    """Mark the scheduled items whose 发布日期 is after `day` as held (model.Item.held): they stay
    out of Catalogue.public_items. Returns them (for the build's note)."""
    held = []
    for item in items:
        published = item.published
        item.held = bool(is_scheduled(item.meta) and published and published > day)
        if item.held:
            held.append(item)
    return held
