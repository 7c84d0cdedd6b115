"""The freshness verdict of one item: its 公开时限 badge, and 逾期未更新 / 超期公开 when it applies.

Pure functions of the item's front matter, the build date, a WorkCalendar and the vocabulary
(badge labels and classes, the months of each 周期, from schema/item.schema.json).
project.load_project() computes every item's verdict once, for the site and the commands.
"""
from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import os
from dataclasses import dataclass

from ..errors import BuildDateError
from ..model import parse_date
from ..vocabulary import LIMIT, PERIOD, VALIDITY, Vocabulary
from .limits import CALENDAR_DAYS, Limit, limit_from_text
from .workdays import WorkCalendar

OVERDUE, LATE = "逾期未更新", "超期公开"
STATUS_CSS = "badge-alert"
# China has kept UTC+8 without daylight saving since 1991, so a fixed offset needs no tz database.
CHINA = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Freshness:
    """What the badge shows and the audit reports for one item."""

    kind: str                      # 长期 / 定期 / 即时
    label: str                     # badge text, e.g. "定期·季度"
    css: str                       # badge CSS class, e.g. "badge-periodic"
    status: str | None = None      # None, 逾期未更新 or 超期公开
    detail: str = ""               # one Chinese sentence for the item page and the audit
    due: dt.date | None = None     # next update due (定期) or publication deadline (即时)
    limit: Limit | None = None     # the 即时 limit applied (stated in 说明 or the statutory 20)
    late_by: int = 0               # days overdue (定期), or working/calendar days late (即时)

    @property
    def status_css(self) -> str:
        return STATUS_CSS if self.status else ""

    @property
    def limit_days(self) -> int | None:
        return self.limit.days if self.limit else None


def build_date(environ=os.environ) -> dt.date:
    """SOURCE_DATE_EPOCH (UTC seconds) as a date in China when set, else today in China."""
    epoch = (environ.get("SOURCE_DATE_EPOCH") or "").strip()
    if not epoch:
        return dt.datetime.now(CHINA).date()
    try:
        return dt.datetime.fromtimestamp(int(epoch), CHINA).date()
    except (ValueError, OverflowError, OSError) as exc:
        raise BuildDateError(f"环境变量 SOURCE_DATE_EPOCH 应为整数秒数（Unix 时间戳，例如 1700000000），"
                             f"实际为“{epoch}”") from exc


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, the day clamped to the month's end (08-31 + 1 month = 09-30)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, month_calendar.monthrange(year, month)[1]))


def assess(meta: dict, today: dt.date, calendar: WorkCalendar, words: Vocabulary) -> Freshness:
    """The verdict for one item's front matter (Chinese keys, dates as YYYY-MM-DD text)."""
    limit = meta["公开时限"]
    kind = limit["类型"]
    css, label = f"badge-{words.slug(LIMIT, kind)}", words.badge(LIMIT, kind)
    if limit.get("周期"):
        label = f"{label}·{limit['周期']}"
    return RULES[kind](Freshness(kind, label, css), meta, today, calendar, words)


def _long_term(base: Freshness, meta: dict, today: dt.date, calendar: WorkCalendar, words: Vocabulary) -> Freshness:
    return _with(base, detail="长期公开")


def _periodic(base: Freshness, meta: dict, today: dt.date, calendar: WorkCalendar, words: Vocabulary) -> Freshness:
    period = meta["公开时限"].get("周期")
    months = words.annotation(PERIOD, "months").get(period)
    updated, published = parse_date(meta.get("更新日期")), parse_date(meta.get("发布日期"))
    last = updated or published
    if months is None or last is None:
        return base  # the schema reports a missing 周期 or a bad date
    in_force = words.default(VALIDITY)
    if meta.get(VALIDITY, in_force) != in_force:  # a repealed or expired document is no longer kept up to date
        return _with(base, detail=f"{words.badge(VALIDITY, meta[VALIDITY])}，不再按期更新")
    due = add_months(last, months)
    since = f"上次更新 {last}" if updated else f"发布于 {last}"
    phrase = words.annotation(PERIOD, "phrases")[period]
    if due < today:
        late = (today - due).days
        detail = f"{phrase}：{since}，应于 {due} 前更新，已逾期 {late} 天"
        return _with(base, status=OVERDUE, detail=detail, due=due, late_by=late)
    return _with(base, detail=f"{phrase}：{since}，下次应于 {due} 前更新", due=due)


def _prompt(base: Freshness, meta: dict, today: dt.date, calendar: WorkCalendar, words: Vocabulary) -> Freshness:
    limit = limit_from_text(meta["公开时限"].get("说明"))
    formed, published = parse_date(meta.get("成文日期")), parse_date(meta.get("发布日期"))
    if not limit.realistic:  # validation refuses it (limits.item_problems); never count that far
        return _with(base, detail=f"时限说明写的 {limit.words}不合实际，无法核对是否按时", limit=limit)
    if formed is None or published is None:
        detail = f"应自信息形成或变更之日起 {limit.words}内公开；未填写成文日期，无法核对是否按时"
        return _with(base, detail=detail, limit=limit)
    due = _due(limit, formed, calendar)
    head = f"成文日期 {formed}，应在 {limit.words}内（{due} 前）公开，实际 {published} 发布"
    if published <= due:
        return _with(base, detail=f"{head}，按时公开", due=due, limit=limit)
    late, unit = _lateness(limit, due, published, calendar)
    return _with(base, status=LATE, detail=f"{head}，超期 {late} {unit}", due=due, limit=limit, late_by=late)


def _due(limit: Limit, formed: dt.date, calendar: WorkCalendar) -> dt.date:
    """The last allowed day of publication."""
    if limit.unit == CALENDAR_DAYS:
        return formed + dt.timedelta(days=limit.days)
    return calendar.add_workdays(formed, limit.days)


def _lateness(limit: Limit, due: dt.date, published: dt.date, calendar: WorkCalendar) -> tuple[int, str]:
    """How late, in the limit's own unit; a working-day limit missed only by a weekend or holiday
    publication still counts as late, then measured in calendar days."""
    workdays = calendar.workdays_between(due, published) if limit.unit != CALENDAR_DAYS else 0
    return (workdays, "个工作日") if workdays else ((published - due).days, "天")


def _with(base: Freshness, **changes) -> Freshness:
    return Freshness(**{**base.__dict__, **changes})


# One rule per 公开时限 type (tests/test_vocabulary.py: one for every value of the schema's enum).
RULES = {"长期": _long_term, "定期": _periodic, "即时": _prompt}


def effective_meta(item) -> dict:
    """The front matter as the catalogue reads it: 更新日期 falls back to the last commit date
    (item.git_updated, set by the history step), so a 定期 item whose data was updated by a
    commit is not shown as 逾期未更新 beside an 更新日期 that says otherwise."""
    if "更新日期" in item.meta or not getattr(item, "git_updated", None):
        return item.meta
    return {**item.meta, "更新日期": item.git_updated.isoformat()}


def assess_all(items, today: dt.date, calendar: WorkCalendar, words: Vocabulary) -> dict:
    """{索引号: Freshness} for every item and every 公开信息 under it, internal ones included (the
    audit needs them); 索引号 are unique across items and documents."""
    verdicts = {}
    for item in items:
        documents = getattr(item, "documents", None)
        if documents:
            verdicts.update(assess_documents(item, today, calendar, words))
        else:
            verdicts[item.index_no] = assess(effective_meta(item), today, calendar, words)
    return verdicts


def assess_documents(item, today: dt.date, calendar: WorkCalendar, words: Vocabulary) -> dict:
    """An item with 公开信息 and each of them. A 定期 item is judged by its newest document (or its
    own 更新日期 when later); every 即时 document on its own 成文日期 -> 发布日期, the item itself
    carrying no status (each late document is its own finding); 长期 as before."""
    limit = item.meta["公开时限"]
    kind = limit["类型"]
    verdicts = {}
    for document in item.documents:
        meta = {"公开时限": limit, "发布日期": document.meta["发布日期"], "成文日期": document.meta.get("成文日期")}
        verdict = assess(meta, today, calendar, words)
        if kind != "即时":  # a 定期 or 长期 document is never late on its own: its item is judged
            verdict = _with(verdict, status=None, detail=f"发布于 {document.meta['发布日期']}", due=None, late_by=0)
        verdicts[document.index_no] = verdict
    meta = effective_meta(item)
    published = [d.published for d in item.documents if d.own_public]  # never judged by a 内部 one
    if kind == "定期" and published:
        newest = max(published)
        updated = parse_date(meta.get("更新日期"))
        meta = {**meta, "更新日期": max(newest, updated or newest).isoformat()}
        verdicts[item.index_no] = assess(meta, today, calendar, words)
    elif kind == "即时":
        late = sum(1 for d in item.documents if verdicts[d.index_no].status)
        base = assess(meta, today, calendar, words)
        tail = f"，其中 {late} 篇超期公开" if late else "，均按时公开"
        detail = f"每篇公开信息分别核对是否按时公开：共 {len(item.documents)} 篇{tail}"
        verdicts[item.index_no] = _with(base, status=None, detail=detail, due=None, late_by=0)
    else:
        verdicts[item.index_no] = assess(meta, today, calendar, words)
    return verdicts
