"""The publish gate (gongkai.gate): placeholders from `invoke new` / `invoke import`, temporary
索引号 codes and dates after the build date are refused by `invoke validate` and the build; a
定时发布 item is absent from every public file until its date. (Build date in the tests:
2026-11-23, conftest.BUILD_EPOCH.)"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUILD_EPOCH, EXAMPLES, load, make_mini_project, run_build, run_invoke
from test_build import snapshot

from gongkai import gate
from gongkai_tools.importer import registries
from gongkai_tools.scaffold import new_item

MINIMAL = (EXAMPLES / "minimal_item.md").read_text(encoding="utf-8")
BAD = "content/items/社会救助/bad.md"
DAY = dt.date(2026, 11, 23)


def item_text(**changes) -> str:
    """The minimal item with another 索引号 and the given replacements (old text -> new text)."""
    text = MINIMAL.replace("2024-00001", "2024-00002")
    for old, new in changes.values():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


UNFINISHED = item_text(
    index=("11530000MB0123456X/2024-00002", "TEMP-392DF5/2026-00007"),
    content=("  - 保障人数和月保障金额", "  - " + gate.PLACEHOLDERS["公开内容"]),
    dates=("发布日期: 2024-03-05", "成文日期: 2042-01-01\n发布日期: 2042-11-20\n更新日期: 2042-11-21\n"
           "变更记录:\n  - 日期: 2042-11-21\n    说明: 更新名单"))
UNFINISHED_LINES = [
    f"{BAD}:4: 索引号: 索引号“TEMP-392DF5/2026-00007”用的是 invoke import 生成的临时机构代码 TEMP-392DF5，不能发布："
    "请在 schema/units.yaml 登记该单位的统一社会信用代码，再把索引号改为正式编号（发布后网页地址由索引号生成，不能再改）",
    f"{BAD}:9: 公开内容 第 2 项: 还是占位文字“待填写：公开内容要素”（invoke new 写下的提示）：请改写为实际内容，否则不能发布",
    f"{BAD}:19: 成文日期: 2042-01-01 晚于今天（2026-11-23）：日期不能是将来的日期，请改正",
    f"{BAD}:20: 发布日期: 2042-11-20 晚于今天（2026-11-23）：发布日期不能是将来的日期。如果要到这一天才在网站上公开，"
    "请另加一行“定时发布: true”",
    f"{BAD}:21: 更新日期: 2042-11-21 晚于今天（2026-11-23）：日期不能是将来的日期，请改正",
    f"{BAD}:23: 变更记录 第 1 项的日期: 2042-11-21 晚于今天（2026-11-23）：日期不能是将来的日期，请改正",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_mini_project(tmp_path_factory.mktemp("gate") / "project")
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    return root


def test_unfinished_item_fails_validate_and_build_and_keeps_the_site(built):
    bad = built / BAD
    bad.write_text(UNFINISHED, encoding="utf-8")
    before = snapshot(built / "output")
    try:
        validate, build = run_invoke(built, "validate"), run_build(built)
    finally:
        bad.unlink()
    assert validate.returncode == 1
    assert validate.stdout.splitlines()[:-1] == UNFINISHED_LINES
    assert build.returncode == 1 and all(line in build.stderr for line in UNFINISHED_LINES)
    assert "构建失败：目录有错误，未生成网站；上一次生成的 output/ 保持不变。" in build.stderr
    assert snapshot(built / "output") == before


CANARY = "定时发布金丝雀事项"
SCHEDULED = item_text(title=("事项名称: 城乡最低生活保障对象名单", f"事项名称: {CANARY}"),
                      published=("发布日期: 2024-03-05", "发布日期: 2027-01-04\n定时发布: true"),
                      body=("按乡镇分列的名单每月更新。", f"{CANARY}的正文。"))


def public_files_with(output: Path, *needles: str) -> list[str]:
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()
                  and any(n.encode("utf-8") in p.read_bytes() for n in needles))


def test_scheduled_item_is_absent_until_its_date_then_published(tmp_path):
    root = make_mini_project(tmp_path / "project")
    (root / BAD).write_text(SCHEDULED, encoding="utf-8")
    validate = run_invoke(root, "validate")
    assert validate.returncode == 0, validate.stdout
    assert validate.stdout.splitlines()[-1] == (
        "校验通过：共 3 个事项（其中内部公开 0 个、定时发布 1 个，暂不上公开网站），没有发现问题。")
    before = run_build(root)
    assert before.returncode == 0, before.stderr
    output = root / "output"
    assert public_files_with(output, CANARY, "2024-00002", "2027") == []
    stats = (output / "stats/index.html").read_text(encoding="utf-8")
    assert "截至 2026-11-23" in stats and "2027 年" not in stats
    shutil.rmtree(root / ".cache", ignore_errors=True)
    on_the_day = run_build(root, env={"SOURCE_DATE_EPOCH": "1799078400"})  # 2027-01-04 20:00 in China
    assert on_the_day.returncode == 0, on_the_day.stderr
    found = public_files_with(output, CANARY)
    assert {"items/11530000MB0123456X-2024-00002/index.html", "index.html", "feeds/new.atom.xml", "table/index.html",
            "downloads/catalogue.csv"} <= set(found), found
    assert any(name.startswith("search/") for name in found)
    assert "2027 年" in (output / "stats/index.html").read_text(encoding="utf-8")


SEARCH_WATCH = """
import runpy, sys, traceback
import gongkai_pelican.generator as generator
starting = generator.begin_search
def watched(items, *args):
    loading = any(frame.name == "load_project" for frame in traceback.extract_stack())
    print("search started while loading:", loading, [item.title for item in items])
    return starting(items, *args)
generator.begin_search = watched
sys.argv = ["pelican", "content", "-s", "pelicanconf.py"]
runpy.run_module("pelican", run_name="__main__")
"""


def test_the_search_starts_once_while_loading_without_the_scheduled_item(tmp_path):
    """The build starts its search index as soon as the texts are final (load_project's texts_final),
    before the checks that follow (attachments, history, freshness), with the items the site will
    show: a 定时发布 item is already held there, although those checks still see it. Had the list
    differed from the final one, the build would have started the search a second time."""
    root = make_mini_project(tmp_path / "project")
    (root / BAD).write_text(SCHEDULED, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", SEARCH_WATCH], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH})
    assert done.returncode == 0, done.stderr[-3000:]
    started = [line for line in done.stdout.splitlines() if line.startswith("search started")]
    assert started == ["search started while loading: True ['城乡最低生活保障对象名单', '示例县财政局2024年部门预算']"]


def test_texts_final_is_not_called_once_a_problem_stops_the_build(mini_project):
    """No search is started for a build that has already failed: a wrong date (the gate) here."""
    seen = []
    record = lambda catalogue, paths: seen.append(sorted(i.title for i in catalogue.site_items))
    load(mini_project, day=DAY, texts_final=record)
    assert seen == [["城乡最低生活保障对象名单", "示例县财政局2024年部门预算"]]
    (mini_project / BAD).write_text(item_text(published=("发布日期: 2024-03-05", "发布日期: 2026-11-25")),
                                    encoding="utf-8")
    assert load(mini_project, day=DAY, texts_final=record).steps["gate"] != []
    assert len(seen) == 1


def test_date_verdict_is_not_cached_with_the_file(mini_project):
    """The parse cache keys on the file's content; the date rule runs on every load."""
    (mini_project / BAD).write_text(item_text(published=("发布日期: 2024-03-05", "发布日期: 2026-11-25")),
                                    encoding="utf-8")
    early = load(mini_project, cache=True, day=DAY)
    late = load(mini_project, cache=True, day=DAY + dt.timedelta(days=2))
    assert [str(p) for p in early.problems] == [
        f"{BAD}:19: 发布日期: 2026-11-25 晚于今天（2026-11-23）：发布日期不能是将来的日期。如果要到这一天才在网站上公开，"
        "请另加一行“定时发布: true”"]
    assert late.problems == []


def test_scheduled_item_dates_may_not_pass_its_publication_date():
    from gongkai.frontmatter import parse_text
    from gongkai.model import Item

    source = parse_text(item_text(published=("发布日期: 2024-03-05",
                                             "成文日期: 2026-12-01\n发布日期: 2027-01-04\n定时发布: true\n"
                                             "更新日期: 2027-02-01")), "x.md")
    item = Item("x.md", source.meta, lines=source.lines)
    assert [str(p) for p in gate.date_problems([item], DAY)] == [
        "x.md:19: 成文日期: 2026-12-01 晚于今天（2026-11-23）：日期不能是将来的日期，请改正",
        "x.md:22: 更新日期: 2027-02-01 晚于发布日期 2027-01-04：定时发布的事项，其他日期不能晚于发布日期"]
    assert gate.hold_scheduled([item], DAY) == [item] and gate.hold_scheduled([item], dt.date(2027, 1, 4)) == []


def test_writers_use_the_gate_table(tmp_path):
    """`invoke new` and `invoke import` write the texts the gate refuses, from the one table."""
    root = make_mini_project(tmp_path / "project")
    path = new_item(root, title="新建未填写的事项", category="社会救助", subcategory="最低生活保障", unit="示例县民政局",
                    limit_type="即时", audience="特定群体", date="2024-03-05")
    shown = path.relative_to(root).as_posix()
    assert registries.placeholder_code("某单位").startswith(gate.TEMP_CODE_PREFIX)
    validate = run_invoke(root, "validate")
    assert validate.returncode == 1
    assert validate.stdout.splitlines()[:-1] == [
        f"{shown}:8: 公开内容 第 1 项: 还是占位文字“待填写：公开内容要素”（invoke new 写下的提示）：请改写为实际内容，否则不能发布",
        f"{shown}:22: 对象说明: 还是占位文字“待填写：哪些群体，例如低保对象及其家庭成员”（invoke new 写下的提示）："
        "请改写为实际内容，否则不能发布"]


def test_scheduled_item_is_reviewed_before_it_is_held_back(mini_project):
    """先审查、后公开: a scheduled item's attachment goes through the 保密审查 now, not on its date."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "电话"])
    book.active.append(["张三", "13812345678"])
    book.save(mini_project / "content/attachments/名单.xlsx")
    (mini_project / BAD).write_text(SCHEDULED.replace("发布日期: 2027-01-04", "发布日期: 2027-01-04\n附件:\n  - 名称: 名单\n"
                                                      "    文件: attachments/名单.xlsx"), encoding="utf-8")
    project = load(mini_project, day=DAY)
    found = [str(p) for p in project.problems]
    assert any("content/attachments/名单.xlsx" in p and "138****5678" in p for p in found), found
    assert [i.title for i in project.catalogue.items if i.held] == [CANARY]
    assert CANARY not in [i.title for i in project.catalogue.public_items]
