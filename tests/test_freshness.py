"""Freshness: working days, the 即时 limit, 逾期未更新 / 超期公开, holidays.yaml, build date, audit.

All pure functions; no Pelican, except the last tests which run `invoke audit`'s logic on a
project copy in tmp_path.
"""
from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from conftest import BUILD_EPOCH, REPO, VOCABULARY

from gongkai.errors import BuildDateError
from gongkai.freshness import (
    Finding,
    Limit,
    WorkCalendar,
    add_months,
    add_workdays,
    assess,
    audit,
    build_date,
    chinese_number,
    format_audit,
    limit_from_text,
    load_calendar,
    load_holidays,
)
from gongkai.freshness.limits import CALENDAR_DAYS, WORKDAYS
from gongkai.freshness.status import CHINA, assess_all
from gongkai.model import Item
from gongkai_tools.validate import audit_project

D = dt.date.fromisoformat
BUILD_DAY = D("2026-11-23")  # what conftest.BUILD_EPOCH means in China
LIBRARY = WorkCalendar()     # chinesecalendar only, no holidays.yaml


# --- working days -------------------------------------------------------------------------------

@pytest.mark.parametrize("start, n, expected", [
    # National Day 10-01..10-07 off; 09-29 (Sun) and 10-12 (Sat) are make-up working days.
    ("2024-09-27", 20, "2024-10-30"),
    # Spring Festival 2025: 01-28..02-04 off, 01-26 (Sun) and 02-08 (Sat) worked.
    ("2025-01-20", 20, "2025-02-21"),
    # Spring Festival 2026: 02-15..02-23 off, 02-14 (Sat) worked.
    ("2026-02-10", 5, "2026-02-24"),
    # Formed on a holiday: the first working day after it.
    ("2024-10-01", 1, "2024-10-08"),
    ("2024-09-27", 0, "2024-09-27"),
])
def test_add_workdays_follows_the_state_council_schedule(start, n, expected):
    assert add_workdays(D(start), n) == D(expected)
    assert LIBRARY.unknown_years == set()


def test_workdays_between_counts_make_up_days_and_skips_holidays():
    assert LIBRARY.workdays_between(D("2024-09-27"), D("2024-10-08")) == 3  # 09-29, 09-30, 10-08
    assert LIBRARY.workdays_between(D("2024-10-08"), D("2024-09-27")) == 0


def test_year_unknown_to_both_sources_falls_back_to_monday_to_friday_and_warns():
    # 2099 so that a newer chinesecalendar (which will learn 2027 soon) cannot make this pass vacuously.
    calendar = WorkCalendar()
    assert calendar.add_workdays(D("2099-01-01"), 5) == D("2099-01-08")  # Thu 01-01 -> Thu 01-08
    assert calendar.unknown_years == {2099}
    assert calendar.warnings() == [
        "警告：2099 年的节假日安排未知（chinesecalendar 和 schema/holidays.yaml 都没有），按周一至周五计算工作日。"
        "请在 schema/holidays.yaml 中补充 2099 年的放假和调休安排。"]


def test_known_years_give_no_warning():
    calendar = WorkCalendar()
    calendar.add_workdays(D("2024-09-27"), 20)
    assert calendar.warnings() == []


# --- holidays.yaml ------------------------------------------------------------------------------

def _holidays(tmp_path: Path, text: str):
    schema_dir = tmp_path / "schema"
    schema_dir.mkdir(exist_ok=True)
    shutil.copy2(REPO / "schema" / "holidays.schema.json", schema_dir)
    (schema_dir / "holidays.yaml").write_text(text, encoding="utf-8")
    return load_calendar(schema_dir, tmp_path)


YEAR_2099 = """\
- 年份: 2099
  依据: 测试用的虚构通知
  放假:
    - 2099-01-01
    - 2099-01-19～2099-01-23
  调休上班:
    - 2099-01-17
"""


def test_shipped_holidays_file_is_valid_and_empty():
    table, problems = load_holidays(REPO / "schema", REPO)
    assert problems == []
    assert (table.years, table.off, table.work) == (frozenset(), frozenset(), frozenset())


def test_the_commented_example_in_holidays_yaml_is_valid(tmp_path):
    shipped = (REPO / "schema" / "holidays.yaml").read_text(encoding="utf-8").splitlines()
    start = shipped.index("# - 年份: 2027")
    end = shipped.index("#", start)
    example = "\n".join(line[2:] for line in shipped[start:end]) + "\n"
    calendar, problems = _holidays(tmp_path, example)
    assert problems == []
    assert calendar.table.years == {2027}
    # 02-05..02-11 off; 02-12 Fri works, 02-13 Sat rests, 02-14 Sun is a make-up day.
    assert [calendar.add_workdays(D("2027-02-04"), n) for n in (1, 2)] == [D("2027-02-12"), D("2027-02-14")]
    assert calendar.is_workday(D("2027-02-14")) and calendar.unknown_years == set()


def test_a_year_added_by_the_office_is_used_instead_of_the_fallback(tmp_path):
    calendar, problems = _holidays(tmp_path, YEAR_2099)
    assert problems == []
    # 2099-01-16 Fri; 01-17 Sat worked; 01-19..01-23 off; then 01-26 Mon.
    assert calendar.add_workdays(D("2099-01-16"), 2) == D("2099-01-26")
    assert calendar.warnings() == []


def test_an_office_entry_replaces_the_library_for_its_year(tmp_path):
    calendar, problems = _holidays(tmp_path, "- 年份: 2024\n  放假: [2024-01-01]\n")
    assert problems == []
    # The library says 10-01 is a holiday and 09-29 a make-up day; the office's 2024 says neither.
    assert calendar.is_workday(D("2024-10-01")) and not calendar.is_workday(D("2024-09-29"))
    assert calendar.is_workday(D("2025-01-26"))  # other years still come from the library


def test_a_new_year_break_may_start_in_the_previous_december(tmp_path):
    calendar, problems = _holidays(tmp_path, "- 年份: 2099\n  放假: [2098-12-31~2099-01-02]\n")
    assert problems == []
    assert not calendar.is_workday(D("2098-12-31"))


@pytest.mark.parametrize("text", ["[]\n", "# 只有注释\n\n# 没有任何条目\n"])
def test_no_entries_is_allowed(tmp_path, text):
    calendar, problems = _holidays(tmp_path, text)
    assert problems == [] and calendar.table.years == frozenset()


@pytest.mark.parametrize("text, expected", [
    ("- 年份: 2099\n  放假:\n    - 2099-02-30\n",
     "schema/holidays.yaml:3: 第 1 项的放假 第 1 项: 不是有效的日期：应为真实存在的日期，格式 YYYY-MM-DD（例如 2027-02-05），实际为文本“2099-02-30”"),
    ("- 年份: 2099\n  放假:\n    - 2099-01-01\n    - 2099-2-5\n",
     "schema/holidays.yaml:4: 第 1 项的放假 第 2 项: 格式不对：应为日期 YYYY-MM-DD（例如 2027-01-01），或用“~”连接的一段日期"
     "（例如 2027-02-05~2027-02-11），实际为文本“2099-2-5”"),
    ("- 年份: 2099\n  放假:\n    - 2099-02-11~2099-02-05\n",
     "schema/holidays.yaml:3: 第 1 项的放假 第 1 项: 结束日期 2099-02-05 早于开始日期 2099-02-11：请把较早的日期写在“~”前面"),
    ("- 年份: 2099\n  放假:\n    - 2099-02-05~2099-12-11\n",
     "schema/holidays.yaml:3: 第 1 项的放假 第 1 项: 一段放假最长 15 天，这一段有 310 天：请检查起止日期"),
    ("- 年份: 2099\n  放假:\n    - 2098-05-01\n",
     "schema/holidays.yaml:3: 第 1 项的放假 第 1 项: 日期 2098-05-01 不在 2099 年内（只有跨年的元旦假期可以写上一年 12 月的日期）"),
    ("- 年份: 2099\n  放假: [2099-01-01]\n  调休上班:\n    - 2099-01-14\n",
     "schema/holidays.yaml:4: 第 1 项的调休上班 第 1 项: 调休上班日应是周六或周日，2099-01-14 是周三"),
    ("- 年份: 2099\n  放假: [2099-01-01~2099-01-04]\n  调休上班: [2099-01-03]\n",
     "schema/holidays.yaml:3: 第 1 项的调休上班 第 1 项: 2099-01-03 同时写在“放假”和“调休上班”中，只能写在其中一处"),
    ("- 年份: 2099\n  放假: [2099-01-01]\n- 年份: 2099\n  放假: [2099-10-01]\n",
     "schema/holidays.yaml:3: 第 2 项的年份: 年份 2099 重复（第 1 行已有），每个年份只能写一项"),
    ("- 年份: '2099'\n  放假: [2099-01-01]\n",
     "schema/holidays.yaml:1: 第 1 项的年份: 应为不加引号的四位数字年份，例如 2027"),
    ("- 年份: 2099\n",
     "schema/holidays.yaml:1: 第 1 项的放假: 缺少必填字段“放假”"),
    ("- 年份: 2099\n  放假: [2099-01-01]\n  调休: [2099-01-03]\n",
     "schema/holidays.yaml:3: 第 1 项的调休: 不是允许的字段，是不是“调休上班”？允许的字段有：年份、放假、调休上班、依据"),
    ("年份: 2099\n放假: [2099-01-01]\n",
     "schema/holidays.yaml:1: 内容应是一个列表，每项以“- ”开头，实际读到的是带“字段: 值”的多行内容"),
])
def test_holidays_yaml_problems_name_file_line_and_field(tmp_path, text, expected):
    calendar, problems = _holidays(tmp_path, text)
    assert [str(p) for p in problems] == [expected]
    assert calendar.table.years == frozenset()  # a faulty file adds nothing


def test_missing_holidays_file_is_a_problem(tmp_path):
    (tmp_path / "schema").mkdir()
    _calendar, problems = load_calendar(tmp_path / "schema", tmp_path)
    assert [str(p) for p in problems] == ["schema/holidays.yaml: 文件不存在"]


# --- the 即时 limit -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, days, unit, stated", [
    ("自该信息形成或者变更之日起20个工作日内", 20, WORKDAYS, True),
    ("制定或获取信息之日起10个工作日内", 10, WORKDAYS, True),
    ("拟征收土地现状调查结束后5个工作日内，在村公示栏公开。", 5, WORKDAYS, True),
    ("5个工作日内公示", 5, WORKDAYS, True),
    ("制定或获取信息之日起120个工作日内", 120, WORKDAYS, True),
    ("信息形成之日起 14个工作日内", 14, WORKDAYS, True),
    ("20工作日", 20, WORKDAYS, True),
    ("二十个工作日", 20, WORKDAYS, True),
    ("十五个工作日内", 15, WORKDAYS, True),
    ("一百二十个工作日内", 120, WORKDAYS, True),
    ("制定或获取信息之日起10个工作日内，公示7个工作日", 10, WORKDAYS, True),
    ("预算批复后20日内", 20, CALENDAR_DAYS, True),
    ("7天内", 7, CALENDAR_DAYS, True),
    ("七日内", 7, CALENDAR_DAYS, True),
    ("收到后30个自然日内", 30, CALENDAR_DAYS, True),
    ("公示7个工作日", 20, WORKDAYS, False),
    ("公示期不少于5个工作日", 20, WORKDAYS, False),
    ("按进展情况及时公开", 20, WORKDAYS, False),
    ("0个工作日内", 20, WORKDAYS, False),
    ("", 20, WORKDAYS, False),
    (None, 20, WORKDAYS, False),
])
def test_limit_from_text(text, days, unit, stated):
    assert limit_from_text(text) == Limit(days, unit, stated)


@pytest.mark.parametrize("text, value", [
    ("12", 12), ("一", 1), ("两", 2), ("十", 10), ("十五", 15), ("二十", 20), ("三十", 30),
    ("一百二十", 120), ("一百零五", 105), ("工作", None),
])
def test_chinese_number(text, value):
    assert chinese_number(text) == value


# --- status per item ----------------------------------------------------------------------------

def periodic(period, published="2026-01-10", updated=None, **more):
    meta = {"公开时限": {"类型": "定期", "周期": period}, "发布日期": published, **more}
    return {**meta, "更新日期": updated} if updated else meta


def prompt(formed, published, note=None):
    limit = {"类型": "即时", **({"说明": note} if note else {})}
    return {"公开时限": limit, "发布日期": published, **({"成文日期": formed} if formed else {})}


@pytest.mark.parametrize("meta, label, css, status, detail", [
    ({"公开时限": {"类型": "长期"}, "发布日期": "2020-01-01"}, "长期", "badge-long", None, "长期公开"),
    (periodic("季度", updated="2026-03-31"), "定期·季度", "badge-periodic", "逾期未更新",
     "按季度更新：上次更新 2026-03-31，应于 2026-06-30 前更新，已逾期 146 天"),
    (periodic("季度", updated="2026-09-30"), "定期·季度", "badge-periodic", None,
     "按季度更新：上次更新 2026-09-30，下次应于 2026-12-30 前更新"),
    (periodic("月度", published="2026-10-23"), "定期·月度", "badge-periodic", None,
     "按月更新：发布于 2026-10-23，下次应于 2026-11-23 前更新"),  # due on the build day: not yet late
    (periodic("月度", published="2026-10-22"), "定期·月度", "badge-periodic", "逾期未更新",
     "按月更新：发布于 2026-10-22，应于 2026-11-22 前更新，已逾期 1 天"),
    (periodic("半年", published="2026-05-31"), "定期·半年", "badge-periodic", None,
     "每半年更新：发布于 2026-05-31，下次应于 2026-11-30 前更新"),
    (periodic("年度", published="2025-01-01", updated="2025-11-24"), "定期·年度", "badge-periodic", None,
     "按年度更新：上次更新 2025-11-24，下次应于 2026-11-24 前更新"),
    (periodic("年度", published="2020-01-01", 有效性="废止"), "定期·年度", "badge-periodic", None,
     "已废止，不再按期更新"),
    (prompt("2024-09-27", "2024-11-20"), "即时", "badge-instant", "超期公开",
     "成文日期 2024-09-27，应在 20 个工作日内（2024-10-30 前）公开，实际 2024-11-20 发布，超期 15 个工作日"),
    (prompt("2024-09-27", "2024-10-30"), "即时", "badge-instant", None,
     "成文日期 2024-09-27，应在 20 个工作日内（2024-10-30 前）公开，实际 2024-10-30 发布，按时公开"),
    # 10 working days: 09-29 and 10-12 count, 10-01..10-07 do not.
    (prompt("2024-09-27", "2024-10-17", "之日起10个工作日内"), "即时", "badge-instant", "超期公开",
     "成文日期 2024-09-27，应在 10 个工作日内（2024-10-16 前）公开，实际 2024-10-17 发布，超期 1 个工作日"),
    (prompt("2025-01-20", "2025-02-21"), "即时", "badge-instant", None,
     "成文日期 2025-01-20，应在 20 个工作日内（2025-02-21 前）公开，实际 2025-02-21 发布，按时公开"),
    (prompt("2024-09-23", "2024-10-01", "7日内"), "即时", "badge-instant", "超期公开",
     "成文日期 2024-09-23，应在 7 日内（2024-09-30 前）公开，实际 2024-10-01 发布，超期 1 天"),
    # Deadline Fri 2024-11-01 (5 working days after 10-25), published on Saturday: late by one day.
    (prompt("2024-10-25", "2024-11-02", "5个工作日内公示"), "即时", "badge-instant", "超期公开",
     "成文日期 2024-10-25，应在 5 个工作日内（2024-11-01 前）公开，实际 2024-11-02 发布，超期 1 天"),
    (prompt(None, "2024-11-20"), "即时", "badge-instant", None,
     "应自信息形成或变更之日起 20 个工作日内公开；未填写成文日期，无法核对是否按时"),
])
def test_assess(meta, label, css, status, detail):
    verdict = assess(meta, BUILD_DAY, LIBRARY, VOCABULARY)
    assert (verdict.label, verdict.css, verdict.status, verdict.detail) == (label, css, status, detail)
    assert verdict.status_css == ("badge-alert" if status else "")


def test_assess_exposes_due_date_and_limit():
    verdict = assess(prompt("2024-09-27", "2024-11-20", "120个工作日内"), BUILD_DAY, LIBRARY, VOCABULARY)
    assert (verdict.status, verdict.limit_days, verdict.due) == (None, 120, D("2025-03-26"))  # chinesecalendar.get_workdays()[119]
    overdue = assess(periodic("季度", updated="2026-03-31"), BUILD_DAY, LIBRARY, VOCABULARY)
    assert (overdue.due, overdue.late_by, overdue.limit_days) == (D("2026-06-30"), 146, None)


@pytest.mark.parametrize("day, months, expected", [
    ("2026-01-31", 1, "2026-02-28"), ("2024-01-31", 1, "2024-02-29"), ("2026-08-31", 1, "2026-09-30"),
    ("2026-11-30", 3, "2027-02-28"), ("2026-12-15", 1, "2027-01-15"), ("2024-02-29", 12, "2025-02-28"),
])
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(D(day), months) == D(expected)


# --- build date ---------------------------------------------------------------------------------

@pytest.mark.parametrize("epoch, expected", [
    (BUILD_EPOCH, "2026-11-23"),
    ("1727713800", "2024-10-01"),  # 2024-09-30 16:30 UTC is already 10-01 in Beijing
    (" 1727713799 ", "2024-10-01"),
    ("1727711999", "2024-09-30"),  # 15:59:59 UTC is 23:59:59 in Beijing
])
def test_build_date_from_source_date_epoch(epoch, expected):
    assert build_date({"SOURCE_DATE_EPOCH": epoch}) == D(expected)


@pytest.mark.parametrize("environ", [{}, {"SOURCE_DATE_EPOCH": ""}])
def test_build_date_without_epoch_is_today_in_china(environ):
    before = dt.datetime.now(CHINA).date()
    assert before <= build_date(environ) <= dt.datetime.now(CHINA).date()


def test_bad_source_date_epoch_is_refused_in_chinese():
    with pytest.raises(BuildDateError) as caught:
        build_date({"SOURCE_DATE_EPOCH": "2026-11-23"})
    assert str(caught.value) == "环境变量 SOURCE_DATE_EPOCH 应为整数秒数（Unix 时间戳，例如 1700000000），实际为“2026-11-23”"


# --- audit --------------------------------------------------------------------------------------

def item(index_no, title, meta, audience="全社会", unit="示例县民政局"):
    meta = {"索引号": index_no, "事项名称": title, "公开主体": unit, "公开对象": audience, **meta}
    lines = {("发布日期",): 18, ("更新日期",): 19}
    return Item(f"content/items/{title}.md", meta, lines={k: v for k, v in lines.items() if k[0] in meta})


AUDIT_ITEMS = [
    item("X/2024-00003", "临时救助发放情况", prompt("2024-09-27", "2024-11-20")),
    item("X/2024-00001", "低保资金季度报告", periodic("季度", updated="2026-03-31")),
    item("X/2024-00002", "考勤汇总", periodic("月度", published="2026-10-22"), audience="内部"),
    item("X/2024-00004", "按时的名单", prompt("2024-09-27", "2024-10-30")),
    item("X/2024-00005", "机构职能", {"公开时限": {"类型": "长期"}, "发布日期": "2020-01-01"}),
]


def test_audit_lists_every_late_item_including_internal_ones():
    findings = audit(AUDIT_ITEMS, assess_all(AUDIT_ITEMS, BUILD_DAY, LIBRARY, VOCABULARY))
    assert [(f.index_no, f.status, f.location, f.internal) for f in findings] == [
        ("X/2024-00001", "逾期未更新", "content/items/低保资金季度报告.md:19", False),
        ("X/2024-00002", "逾期未更新", "content/items/考勤汇总.md:18", True),
        ("X/2024-00003", "超期公开", "content/items/临时救助发放情况.md:18", False),
    ]


def test_format_audit_is_a_chinese_table_with_a_count():
    assert format_audit(audit(AUDIT_ITEMS, assess_all(AUDIT_ITEMS, BUILD_DAY, LIBRARY, VOCABULARY))) == "\n".join([
        "| 索引号 | 事项名称 | 公开主体 | 状态 | 说明 | 文件 |",
        "| --- | --- | --- | --- | --- | --- |",
        "| X/2024-00001 | 低保资金季度报告 | 示例县民政局 | 逾期未更新 | 按季度更新：上次更新 2026-03-31，应于 2026-06-30 前更新，"
        "已逾期 146 天 | content/items/低保资金季度报告.md:19 |",
        "| X/2024-00002 | 【内部】考勤汇总 | 示例县民政局 | 逾期未更新 | 按月更新：发布于 2026-10-22，应于 2026-11-22 前更新，"
        "已逾期 1 天 | content/items/考勤汇总.md:18 |",
        "| X/2024-00003 | 临时救助发放情况 | 示例县民政局 | 超期公开 | 成文日期 2024-09-27，应在 20 个工作日内（2024-10-30 前）公开，"
        "实际 2024-11-20 发布，超期 15 个工作日 | content/items/临时救助发放情况.md:18 |",
        "",
        "共发现 3 项逾期或超期事项：逾期未更新 2 项，超期公开 1 项；其中内部事项 1 项（不在公开网站显示）。",
    ])


def test_format_audit_counts_documents_apart_from_items():
    late = audit(AUDIT_ITEMS[:1], assess_all(AUDIT_ITEMS[:1], BUILD_DAY, LIBRARY, VOCABULARY))
    documents = [Finding(f"X/2024-0001{n}", "公示", "示例县民政局", "超期公开", "", "content/items/x/公示.md:5",
                         internal, "公开信息") for n, internal in ((1, False), (2, True))]
    assert format_audit(late + documents).splitlines()[-1] == (
        "共发现 1 项逾期或超期事项：逾期未更新 0 项，超期公开 1 项；2 篇逾期或超期公开信息：超期公开 2 篇；"
        "其中内部公开信息 1 篇（不在公开网站显示）。")


def test_format_audit_escapes_table_separators():
    late = [item("X/1", "甲|乙", prompt("2024-09-27", "2024-11-20"))]
    assert "| 甲\\|乙 |" in format_audit(audit(late, assess_all(late, BUILD_DAY, LIBRARY, VOCABULARY)))


def test_format_audit_when_nothing_is_late():
    clean = audit(AUDIT_ITEMS[3:], assess_all(AUDIT_ITEMS[3:], BUILD_DAY, LIBRARY, VOCABULARY))
    assert format_audit(clean) == "未发现逾期或超期事项。"
    assert format_audit(clean, documents=True) == "未发现逾期或超期的事项和公开信息。"


# --- `invoke audit` on a project copy -----------------------------------------------------------

def test_audit_project_prints_findings_and_strict_exits_1(mini_project):
    out = io.StringIO()
    assert audit_project(mini_project, stream=out, environ={"SOURCE_DATE_EPOCH": BUILD_EPOCH}) == 0
    text = out.getvalue()
    assert text.startswith("检查日期：2026-11-23，共检查 2 个事项。\n| 索引号 | 事项名称 |")
    assert ("| 11530000MB0765432Y/2024-00003 | 示例县财政局2024年部门预算 | 示例县财政局 | 逾期未更新 | "
            "按年度更新：上次更新 2024-03-01，应于 2025-03-01 前更新，已逾期 632 天 | "
            "content/items/财政信息/2024 年/部门预算.md:") in text
    assert text.endswith("共发现 1 项逾期或超期事项：逾期未更新 1 项，超期公开 0 项。\n")
    assert audit_project(mini_project, strict=True, stream=io.StringIO(),
                         environ={"SOURCE_DATE_EPOCH": BUILD_EPOCH}) == 1


def test_audit_project_clean_catalogue_exits_0_even_when_strict(mini_project):
    out = io.StringIO()
    code = audit_project(mini_project, strict=True, stream=out, environ={"SOURCE_DATE_EPOCH": "1710000000"})
    assert (code, out.getvalue()) == (0, "检查日期：2024-03-10，共检查 2 个事项。\n未发现逾期或超期事项。\n")


def test_audit_project_warns_about_an_unknown_year(mini_project):
    budget = mini_project / "content" / "items" / "财政信息" / "2024 年" / "部门预算.md"
    text = budget.read_text(encoding="utf-8").replace("类型: 定期\n  周期: 年度", "类型: 即时")
    budget.write_text(text.replace("成文日期: 2024-02-01", "成文日期: 2099-02-01")
                      .replace("'2024-02-20'", "'2099-02-20'").replace('"2024-03-01"', '"2099-03-01"')
                      .replace("预算批复后20日内", "20个工作日内"), encoding="utf-8")
    out = io.StringIO()
    # Built in 2099 (2099-03-02): the publish gate refuses dates after the build date.
    assert audit_project(mini_project, stream=out, environ={"SOURCE_DATE_EPOCH": "4076107200"}) == 0, out.getvalue()
    assert ("警告：2099 年的节假日安排未知（chinesecalendar 和 schema/holidays.yaml 都没有），按周一至周五计算工作日。"
            "请在 schema/holidays.yaml 中补充 2099 年的放假和调休安排。\n") in out.getvalue()


def test_audit_project_reports_a_faulty_holidays_file(mini_project):
    (mini_project / "schema" / "holidays.yaml").write_text("- 年份: 2099\n  放假: [2099-13-01]\n", encoding="utf-8")
    out = io.StringIO()
    assert audit_project(mini_project, stream=out, environ={"SOURCE_DATE_EPOCH": BUILD_EPOCH}) == 1
    assert out.getvalue().startswith("schema/holidays.yaml:2: 第 1 项的放假 第 1 项: 不是有效的日期")
