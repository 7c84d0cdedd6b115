"""End to end through the public entry points: `invoke validate`, `invoke build`, plain `pelican`."""
from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUILD_EPOCH, EXAMPLES, copy_project, make_mini_project, run_build, run_invoke
from test_validation import BAD, MISTAKES

from gongkai.catalogue import source_files
from gongkai.settings import Paths


@pytest.fixture(scope="module")
def built_mini(tmp_path_factory) -> Path:
    root = make_mini_project(tmp_path_factory.mktemp("built") / "project")
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    return root


def replace_parts(dest: Path, source: Path) -> None:
    for part in ("content", "schema"):
        shutil.rmtree(dest / part, ignore_errors=True)
        shutil.copytree(source / part, dest / part)


def snapshot(output: Path) -> dict:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_mistake_fails_validate_and_build_and_keeps_previous_site(built_mini, name):
    text, expected = MISTAKES[name]
    bad = built_mini / BAD
    bad.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    before = snapshot(built_mini / "output")
    try:
        validate = run_invoke(built_mini, "validate")
        build = run_build(built_mini)
    finally:
        bad.unlink()
    assert validate.returncode == 1
    assert validate.stdout.splitlines()[:-1] == expected
    assert validate.stdout.splitlines()[-1].startswith(f"共发现 {len(expected)} 个问题，涉及 1 个文件。")
    assert build.returncode == 1
    assert all(line in build.stderr for line in expected)
    assert "构建失败：目录有错误，未生成网站；上一次生成的 output/ 保持不变。" in build.stderr
    assert "Traceback" not in build.stderr + build.stdout
    assert snapshot(built_mini / "output") == before
    assert not list(built_mini.glob("output.staging*"))


def test_unreadable_page_fails_the_build_instead_of_being_skipped(built_mini):
    page = built_mini / "content/pages/broken.md"
    page.write_text("Title: 坏页面\nDate: 不是日期\n\n正文\n", encoding="utf-8")
    try:
        build = run_build(built_mini)
    finally:
        page.unlink()
    assert build.returncode == 1
    assert build.stderr.splitlines()[:2] == [
        "content/pages/broken.md:1: Slug: 缺少 Slug（网址名）：请在文件开头写一行 Slug: 网址名（小写英文字母、数字和连字符，例如 guide）",
        "content/pages/broken.md:2: Date: Date“不是日期”不是有效日期：请写成 YYYY-MM-DD，例如 2024-03-05"]
    assert "Traceback" not in build.stderr


def test_one_page_per_public_item_at_its_stable_url(example_site):
    items = source_files(Paths.for_root(example_site))[0]  # item files (公开信息 files sit in their items' folders)
    internal = [p for p in items if "公开对象: 内部" in p.read_text(encoding="utf-8")]
    pages = list((example_site / "output/items").glob("*/index.html"))
    assert len(items) >= 60 and len(internal) >= 1
    assert len(pages) == len(items) - len(internal)


def test_url_does_not_change_when_title_or_folder_changes(built_mini, tmp_path):
    moved = tmp_path / "moved"
    copy_project(moved, with_content=False)
    replace_parts(moved, built_mini)
    source = moved / "content/items/社会救助/低保名单.md"
    text = source.read_text(encoding="utf-8").replace("事项名称: 城乡最低生活保障对象名单", "事项名称: 低保对象名单（新标题）")
    (moved / "content/items/新 文件夹").mkdir()
    (moved / "content/items/新 文件夹/改名后.md").write_text(text, encoding="utf-8")
    source.unlink()
    assert run_build(moved).returncode == 0
    page = moved / "output/items/11530000MB0123456X-2024-00001/index.html"
    assert "低保对象名单（新标题）" in page.read_text(encoding="utf-8")


def test_plain_pelican_and_invoke_build_write_identical_sites(built_mini, tmp_path):
    other = tmp_path / "again"
    copy_project(other, with_content=False)
    replace_parts(other, built_mini)
    result = run_invoke(other, "build")
    assert result.returncode == 0, result.stderr
    left, right = snapshot(built_mini / "output"), snapshot(other / "output")
    assert left.keys() == right.keys()
    assert [k for k in left if left[k] != right[k]] == []
    assert filecmp.cmp(built_mini / "output/index.html", other / "output/index.html", shallow=False)


def test_validate_passes_on_the_example_catalogue(example_site):
    items, documents, _problems = source_files(Paths.for_root(example_site))
    internal = sum("公开对象: 内部" in p.read_text(encoding="utf-8") for p in items)
    result = run_invoke(example_site, "validate")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == (f"校验通过：共 {len(items)} 个事项（其中内部公开 {internal} 个，不上公开网站）、"
                                     f"{len(documents)} 篇公开信息，没有发现问题。")


def test_publish_build_uses_absolute_urls(built_mini, tmp_path):
    site = tmp_path / "publish"
    copy_project(site, with_content=False)
    replace_parts(site, built_mini)
    result = run_invoke(site, "build", "--publish", env={"GONGKAI_SITEURL": "https://gk.example.gov.invalid"})
    assert result.returncode == 0, result.stderr
    # What was built, in Chinese, instead of Pelican's "Done: Processed 0 articles …"
    assert result.stdout.startswith("已生成网站：2 个事项页面、") and "Processed" not in result.stdout + result.stderr
    # The preview's reload script (tools/serve.py) never enters the site that is published.
    assert not [p for p in (site / "output").rglob("*.html") if "__preview" in p.read_text(encoding="utf-8")]
    html = (site / "output/items/11530000MB0123456X-2024-00001/index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="https://gk.example.gov.invalid/theme/css/site.css">' in html
    assert 'href="../' not in html
    feed = (site / "output/feeds/new.atom.xml").read_text(encoding="utf-8")
    assert "<id>https://gk.example.gov.invalid/items/11530000MB0123456X-2024-00001/</id>" in feed
    assert "Sitemap: https://gk.example.gov.invalid/sitemap.xml" in (site / "output/robots.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("value, said", [
    (None, ""), ("", ""), ("gk.example.gov.invalid", "（现在的值“gk.example.gov.invalid”不是以 https:// 或 http:// 开头的网址）")])
def test_publish_build_without_a_site_url_stops_in_chinese(built_mini, value, said):
    """No placeholder address: the published downloads, feeds and sitemap need the real one."""
    before = snapshot(built_mini / "output")
    env = {k: v for k, v in os.environ.items() if k != "GONGKAI_SITEURL"}
    if value is not None:
        env["GONGKAI_SITEURL"] = value
    result = subprocess.run([sys.executable, "-m", "invoke", "build", "--publish"], cwd=built_mini, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip() == ("正式发布（invoke build --publish）需要网站的公开地址：请设置环境变量 GONGKAI_SITEURL，"
                                     f"例如 GONGKAI_SITEURL=https://gongkai.example.gov.cn{said}。持续集成中请在流水线变量里设置。")
    assert snapshot(built_mini / "output") == before


def test_secrecy_finding_fails_validate_and_build(built_mini):
    bad = built_mini / BAD
    text = MISTAKES["bad_enum"][0].replace("公开对象: 全体", "公开对象: 全社会").replace(
        "按乡镇分列的名单每月更新。", "咨询电话 13812345678。")
    bad.write_text(text, encoding="utf-8")
    try:
        validate, build = run_invoke(built_mini, "validate"), run_build(built_mini)
    finally:
        bad.unlink()
    expected = (f"{BAD}:21: 正文: 疑似手机号码“138****5678”：公开前请删除或脱敏；"
                "确需公开的，请在 保密审查 中登记（内容照抄原文中的完整号码）并注明审核人")
    assert validate.returncode == 1 and expected in validate.stdout.splitlines()
    assert build.returncode == 1 and expected in build.stderr


def assert_equals_a_fresh_build(incremental: Path, fresh: Path) -> dict:
    """The output of `incremental` is byte for byte what a build from scratch of its content and
    schema writes (no cache, no previous output); returns that output."""
    copy_project(fresh, with_content=False)
    replace_parts(fresh, incremental)
    assert run_build(fresh).returncode == 0
    left, right = snapshot(incremental / "output"), snapshot(fresh / "output")
    assert left.keys() == right.keys()
    assert [k for k in left if left[k] != right[k]] == []
    return left


def test_rebuild_reusing_unchanged_pages_equals_a_fresh_build(built_mini, tmp_path):
    """A one-item rebuild links unchanged pages from the last build; the result must be exactly
    what a build from scratch (no cache, no previous output) writes."""
    incremental = tmp_path / "incremental"
    copy_project(incremental, with_content=False)
    replace_parts(incremental, built_mini)
    for extra in ("withdrawn_item.md", "periodic_overdue.md", "instant_late.md"):
        shutil.copy2(EXAMPLES / extra, incremental / "content/items/社会救助" / extra)
    assert run_build(incremental).returncode == 0
    path = incremental / "content/items/社会救助/periodic_overdue.md"
    path.write_text(path.read_text(encoding="utf-8").replace("临时救助资金季度支出情况", "临时救助资金季度支出（更正）"),
                    encoding="utf-8")
    assert run_build(incremental).returncode == 0
    assert_equals_a_fresh_build(incremental, tmp_path / "fresh")
    neighbour = (incremental / "output/items/11530000MB0123456X-2019-00007/index.html").read_text(encoding="utf-8")
    assert "临时救助资金季度支出（更正）" in neighbour

    # A body-only edit: no listing shows a body, so the listing pages are the previous build's
    # files (hard-linked: the same inode), and the whole site is still what a fresh build writes.
    listings = ["index.html", "table/index.html", "category/shehui-jiuzhu/index.html", "stats/index.html"]
    before = {name: (incremental / "output" / name).stat().st_ino for name in listings}
    search_before = search_files(incremental / "output")
    path.write_text(path.read_text(encoding="utf-8") + "\n本季度支出明细见附件。\n", encoding="utf-8")
    assert run_build(incremental).returncode == 0
    assert {name: (incremental / "output" / name).stat().st_ino for name in listings} == before
    left = assert_equals_a_fresh_build(incremental, tmp_path / "fresh-2")
    assert [k for k, v in left.items() if "本季度支出明细见附件。".encode() in v and k.startswith("items/")]
    # The search files: each one whose bytes did not change is the previous build's file (linked),
    # each one that changed (the edited item's postings and result record) is written anew.
    search_after = search_files(incremental / "output")
    same_bytes = {name for name, (_inode, data) in search_after.items() if search_before.get(name, (0, b""))[1] == data}
    linked = {name for name, (inode, _data) in search_after.items() if search_before.get(name, (0, b""))[0] == inode}
    assert linked == same_bytes and linked and len(linked) < len(search_after)
    assert "index-meta.json" not in linked  # it names the new data folder


def test_a_page_changed_in_output_by_hand_is_rendered_again(built_mini, tmp_path):
    """A page is reused only while output/ holds the very file the last build wrote (its inode,
    size and modification time, as git's index knows work-tree files). Changed in place (same
    inode, same size), or replaced by a copy with the same size and time (cp -p, rsync -t), it
    is written anew: the rebuild equals a fresh build."""
    project = tmp_path / "hand"
    copy_project(project, with_content=False)
    replace_parts(project, built_mini)
    assert run_build(project).returncode == 0
    pages = sorted((project / "output/items").glob("*/index.html"))
    edited, replaced = pages[0], pages[1]
    for page in (edited, replaced):
        assert b"<h1" in page.read_bytes()
    inode = edited.stat().st_ino
    with edited.open("r+b") as handle:  # in place, as an editor saving the file
        data = handle.read()
        handle.seek(0)
        handle.write(data.replace(b"<h1", b"<h2", 1))
    times = replaced.stat()
    other = replaced.with_name("copy.html")
    other.write_bytes(replaced.read_bytes().replace(b"<h1", b"<h2", 1))
    os.utime(other, ns=(times.st_atime_ns, times.st_mtime_ns))
    os.replace(other, replaced)
    assert (edited.stat().st_ino, edited.stat().st_size) == (inode, len(data))
    assert replaced.stat().st_mtime_ns == times.st_mtime_ns and replaced.stat().st_size == times.st_size
    assert run_build(project).returncode == 0
    for page in (edited, replaced):
        assert page.read_bytes().count(b"<h1") == 1
    assert_equals_a_fresh_build(project, tmp_path / "fresh")


def search_files(output: Path) -> dict[str, tuple[int, bytes]]:
    """{path under search/ with the data folder's name left out: (inode, bytes)} of the index files."""
    return {"/".join(p.relative_to(output / "search").parts[1:]) if p.parent != output / "search"
            else p.name: (p.stat().st_ino, p.read_bytes()) for p in (output / "search").rglob("*.json")}


def test_a_new_build_date_rewrites_the_pages_that_state_it(built_mini, tmp_path):
    """Every page states the day its verdicts were checked (本次核对日期): a build on a later day
    must not reuse an item page from the day before."""
    project = tmp_path / "dated"
    copy_project(project, with_content=False)
    replace_parts(project, built_mini)
    assert run_build(project).returncode == 0
    later = str(int(BUILD_EPOCH) + 86400)
    assert run_build(project, env={"SOURCE_DATE_EPOCH": later}).returncode == 0
    stale = [p.relative_to(project / "output").as_posix() for p in (project / "output").rglob("*.html")
             if "本次核对日期 2026-11-23".encode() in p.read_bytes()]
    assert stale == []
    assert "本次核对日期 2026-11-24".encode() in (project / "output/table/index.html").read_bytes()


def test_build_says_in_chinese_what_it_built_and_what_it_warns(mini_project):
    """The core's warnings print as they are written (no "WARNING" column, no source file), and the
    summary replaces Pelican's English one."""
    budget = mini_project / "content/items/财政信息/2024 年/部门预算.md"
    text = budget.read_text(encoding="utf-8").replace("类型: 定期\n  周期: 年度", "类型: 即时")
    budget.write_text(text.replace("成文日期: 2024-02-01", "成文日期: 2099-02-01")
                      .replace("'2024-02-20'", "'2099-02-20'").replace('"2024-03-01"', '"2099-03-01"')
                      .replace("预算批复后20日内", "20个工作日内"), encoding="utf-8")
    # Built in 2099 (dates after the build date are refused): a year chinesecalendar does not know.
    result = run_invoke(mini_project, "build", env={"SOURCE_DATE_EPOCH": "4083969600"})  # 2099-06-01
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "警告：2099 年的节假日安排未知（chinesecalendar 和 schema/holidays.yaml 都没有），按周一至周五计算工作日。"
        "请在 schema/holidays.yaml 中补充 2099 年的放假和调休安排。"]
    assert re.fullmatch(r"已生成网站：2 个事项页面、\d+ 个列表页面、1 个年度报告页面，共 \d+ 个网页、\d+ 个文件，用时 \d+\.\d 秒。\n",
                        result.stdout)
