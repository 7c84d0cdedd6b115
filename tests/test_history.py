"""变更记录 on item pages: only the editor's reviewed notes (变更记录 in the item file), never commit
messages; 更新日期 from the last commit that edited the file; nothing of git outside git."""
from __future__ import annotations

import datetime as dt
import logging
import subprocess

import pytest
from conftest import copy_built, make_mini_project, run_build, run_invoke

from gongkai import git as git_helper
from gongkai.frontmatter import parse_text
from gongkai.history.gitlog import Commit, annotate, file_histories, parse_log
from gongkai.history.notes import ChangeNote, change_notes, item_problems, new_notes
from gongkai.model import Item

DIBAO = "content/items/社会救助/低保名单.md"
BUDGET = "content/items/财政信息/2024 年/部门预算.md"
BUDGET_MOVED = "content/items/财政信息/预算决算/部门预算.md"
HIDDEN = "content/items/社会救助/考勤管理办法.md"
DIBAO_PAGE = "output/items/11530000MB0123456X-2024-00001/index.html"
BUDGET_PAGE = "output/items/11530000MB0765432Y-2024-00003/index.html"
EMAIL = "zhang.editor@example.invalid"
NOTES = """变更记录:
  - 日期: 2024-06-01
    说明: 名单改为每月10日前更新
  - 日期: 2024-08-01
    说明: 增加青松镇的名单
"""


def git(root, *args, date="2024-03-05T10:00:00+08:00"):
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "PATH": "/usr/bin:/bin:/usr/local/bin",
           "HOME": str(root), "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def commit_all(root, subject, date):
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", subject, date=date)


def with_history_plugin(root):
    """The history step is part of every build: the project's own pelicanconf.py lists the adapter,
    whose load_project runs it."""
    assert '"gongkai_pelican"' in (root / "pelicanconf.py").read_text(encoding="utf-8")


def edit(root, path, old, new):
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path):
    """The mini project in git: added, then 低保名单 edited, then 部门预算 moved to another folder."""
    root = make_mini_project(tmp_path / "project")
    with_history_plugin(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "张编辑")
    git(root, "config", "user.email", EMAIL)
    commit_all(root, "新增低保名单和部门预算", "2024-03-05T10:00:00+08:00")
    edit(root, DIBAO, "按乡镇分列的名单每月更新。", "按乡镇分列的名单每月10日前更新。")
    commit_all(root, f"Holiday table problems fail validate and build <{EMAIL}>", "2024-06-01T09:30:00+08:00")
    (root / BUDGET_MOVED).parent.mkdir(parents=True)
    git(root, "mv", BUDGET, BUDGET_MOVED)
    commit_all(root, "调整财政信息目录", "2024-07-15T16:00:00+08:00")
    return root


def page(root, path):
    return (root / path).read_text(encoding="utf-8")


def published_text(root) -> str:
    """Every file of the built site as text: pages, downloads, feeds, the search index."""
    return "\n".join(f.read_bytes().decode("utf-8", "replace") for f in sorted((root / "output").rglob("*"))
                     if f.is_file())


# ---------------------------------------------------------------- the public history is curated

def test_a_leaky_commit_message_reaches_no_published_file(repo):
    """Issue 9 (6b): one commit touches an 内部 item and a public one; its message names the
    内部 item, an ID number and a mobile. None of it may appear anywhere on the site."""
    hidden = (repo / DIBAO).read_text(encoding="utf-8").replace("城乡最低生活保障对象名单", "示例县民政局考勤管理办法") \
        .replace("2024-00001", "2024-00009").replace("公开对象: 全社会", "公开对象: 内部")
    (repo / HIDDEN).write_text(hidden, encoding="utf-8")
    commit_all(repo, "新增考勤管理办法", "2024-08-01T09:00:00+08:00")
    edit(repo, HIDDEN, "按乡镇分列的名单每月10日前更新。", "考勤按月统计。")
    edit(repo, DIBAO, "每月10日前", "每月15日前")
    commit_all(repo, "更新内部事项《示例县民政局考勤管理办法》；低保户张三 110101199003071233 电话13812345678",
               "2024-09-01T09:00:00+08:00")
    result = run_build(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    site = published_text(repo)
    for secret in ("考勤管理办法", "110101199003071233", "1101**********1233", "13812345678", "138****5678", "张三",
                   "更新内部事项", "Holiday table problems", "调整财政信息目录", "新增低保名单", EMAIL, "张编辑"):
        assert secret not in site, secret
    html = page(repo, DIBAO_PAGE)
    assert "变更记录" not in html  # edited in git, but the editor wrote no note: nothing to show
    assert "<dt>更新日期</dt><dd>2024-09-01</dd>" in html  # the edit still counts as an update


def test_item_page_shows_the_editors_notes_newest_first(repo):
    edit(repo, DIBAO, "发布日期: 2024-03-05\n", "发布日期: 2024-03-05\n" + NOTES)
    commit_all(repo, "fix: notes", "2024-08-02T09:00:00+08:00")
    assert run_build(repo).returncode == 0
    html = page(repo, DIBAO_PAGE)
    start = html.index('<section class="history"')
    section = html[start:html.index("</section>", start) + len("</section>")]
    assert " ".join(section.split()) == (
        '<section class="history" aria-labelledby="h-history"><h2 id="h-history">变更记录</h2> '
        '<ol class="history-list"> '
        '<li><time datetime="2024-08-01">2024-08-01</time> 增加青松镇的名单</li> '
        '<li><time datetime="2024-06-01">2024-06-01</time> 名单改为每月10日前更新</li> '
        "</ol> </section>")
    assert "fix: notes" not in published_text(repo)


def test_adding_or_moving_an_item_is_no_change(repo):
    assert run_build(repo).returncode == 0
    html = page(repo, BUDGET_PAGE)
    assert "变更记录" not in html and "调整财政信息目录" not in html
    # 部门预算 states 更新日期 2024-03-01: the editor's date wins over the later move commit.
    assert "<dt>更新日期</dt><dd>2024-03-01</dd>" in html


def test_notes_are_in_the_file_so_a_build_outside_git_shows_them(repo, tmp_path):
    edit(repo, DIBAO, "发布日期: 2024-03-05\n", "发布日期: 2024-03-05\n" + NOTES)
    tarball = tmp_path / "tarball"
    copy_built(repo, tarball, ".git")
    result = run_build(tarball)
    assert result.returncode == 0, result.stdout + result.stderr
    html = page(tarball, DIBAO_PAGE)
    assert '<li><time datetime="2024-08-01">2024-08-01</time> 增加青松镇的名单</li>' in html
    assert "<dt>更新日期</dt><dd>2024-08-01</dd>" in html  # no git, no 更新日期 field: the newest note


def test_a_note_is_scanned_like_every_field(repo):
    edit(repo, DIBAO, "发布日期: 2024-03-05\n", "发布日期: 2024-03-05\n" + NOTES.replace("增加青松镇的名单",
                                                                                      "联系张三 138 1234 5678"))
    result = run_build(repo)
    assert result.returncode != 0
    assert ("content/items/社会救助/低保名单.md:24: 变更记录 第 2 项的说明: 疑似手机号码“138****5678”：公开前请删除或脱敏；"
            "确需公开的，请在 保密审查 中登记（内容照抄原文中的完整号码）并注明审核人") in result.stdout + result.stderr
    assert not (repo / DIBAO_PAGE).exists()


def test_note_dates_that_contradict_the_item_fail_validate(repo):
    edit(repo, DIBAO, "发布日期: 2024-03-05\n", "发布日期: 2024-03-05\n更新日期: 2024-07-01\n"
         + NOTES.replace("2024-06-01", "2024-01-10"))
    result = run_invoke(repo, "validate")
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "变更记录" in line]
    assert lines == [
        "content/items/社会救助/低保名单.md:22: 变更记录 第 1 项的日期: 2024-01-10 早于发布日期 2024-03-05："
        "变更记录只写发布以后的更新，新增事项不用写；请改正日期或删除这一条",
        "content/items/社会救助/低保名单.md:24: 变更记录 第 2 项的日期: 2024-08-01 晚于更新日期 2024-07-01："
        "请把更新日期改为 2024-08-01，或改正这一条的日期"]


def test_a_note_without_its_date_is_a_schema_problem(repo):
    edit(repo, DIBAO, "发布日期: 2024-03-05\n", "发布日期: 2024-03-05\n变更记录:\n  - 说明: 名单改为每月更新\n")
    result = run_invoke(repo, "validate")
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if "变更记录" in line] == [
        "content/items/社会救助/低保名单.md:21: 变更记录 第 1 项的日期: 缺少必填字段“日期”"]


# ---------------------------------------------------------------- notes as plain functions

def make_item(front: str) -> Item:
    parsed = parse_text("---\n" + front + "---\n", "a.md")
    assert not parsed.problems, parsed.problems
    return Item("a.md", parsed.meta, parsed.body, parsed.lines, parsed.body_line)


def test_change_notes_sort_newest_first_and_skip_what_the_schema_rejects():
    meta = {"变更记录": [{"日期": "2024-06-01", "说明": "甲"}, {"日期": "2024-09-01", "说明": " 乙 "},
                     {"日期": "2024-06-01", "说明": "丙"}, {"日期": "2024-02-30", "说明": "坏日期"},
                     {"说明": "无日期"}, "不是映射"]}
    assert change_notes(meta) == [ChangeNote(dt.date(2024, 9, 1), "乙"), ChangeNote(dt.date(2024, 6, 1), "甲"),
                                  ChangeNote(dt.date(2024, 6, 1), "丙")]
    assert change_notes({}) == [] and change_notes({"变更记录": None}) == []


def test_new_notes_are_the_ones_a_change_adds():
    before = {"变更记录": [{"日期": "2024-06-01", "说明": "甲"}]}
    after = {"变更记录": [{"日期": "2024-09-01", "说明": "乙"}, {"日期": "2024-06-01", "说明": "甲"}]}
    assert new_notes(before, after) == [ChangeNote(dt.date(2024, 9, 1), "乙")]
    assert new_notes(after, after) == [] and new_notes(None, before) == [ChangeNote(dt.date(2024, 6, 1), "甲")]


def test_item_problems_only_for_dates_that_contradict_the_item():
    good = make_item("发布日期: 2024-03-05\n更新日期: 2024-09-01\n变更记录:\n  - 日期: 2024-03-05\n    说明: 首次更新\n"
                     "  - 日期: 2024-09-01\n    说明: 再次更新\n")
    assert item_problems(good) == []
    without_update_date = make_item("发布日期: 2024-03-05\n变更记录:\n  - 日期: 2030-01-01\n    说明: 以后\n")
    assert item_problems(without_update_date) == []  # a future date is the publish gate's business
    malformed = make_item("发布日期: 2024-03-05\n变更记录: 不是列表\n")
    assert item_problems(malformed) == [] and change_notes(malformed.meta) == []


def test_the_review_report_shows_the_public_note_of_a_changed_item():
    from gongkai_tools.review import Entry, Pair, public_note_lines

    meta = {"公开对象": "全社会"}
    noted = dict(meta, 变更记录=[{"日期": "2024-09-01", "说明": "更新联系电话 13812345678"}])
    assert public_note_lines(Pair(Entry("a.md", meta, ""), Entry("a.md", noted, ""))) == [
        "- 公开的变更记录（将显示在事项网页上，请核对措辞）：", "  - 2024-09-01 更新联系电话 138\\*\\*\\*\\*5678"]  # escaped: Markdown-safe
    assert public_note_lines(Pair(Entry("a.md", noted, ""), Entry("a.md", noted, ""))) == [
        "- 公开的变更记录：本次没有新增，事项网页的“变更记录”不会显示这次修改（需要让公众知道的，请在 变更记录 中加一条日期和说明）"]
    hidden = dict(noted, 公开对象="内部")
    assert public_note_lines(Pair(Entry("a.md", meta, ""), Entry("a.md", hidden, ""))) == []


# ---------------------------------------------------------------- 更新日期 from git

def test_last_commit_date_is_the_update_date_only_when_the_field_is_absent(repo):
    assert run_build(repo).returncode == 0
    # 低保名单 has no 更新日期: its last commit (2024-06-01) stands in.
    assert "<dt>更新日期</dt><dd>2024-06-01</dd>" in page(repo, DIBAO_PAGE)
    assert "<dt>更新日期</dt><dd>2024-03-01</dd>" in page(repo, BUDGET_PAGE)


def test_uncommitted_changes_do_not_count(repo):
    edit(repo, DIBAO, "每月10日前", "每月15日前")
    assert run_build(repo).returncode == 0
    assert "<dt>更新日期</dt><dd>2024-06-01</dd>" in page(repo, DIBAO_PAGE)


def test_outside_git_there_is_no_update_date_from_git(repo, tmp_path):
    tarball = tmp_path / "tarball"
    copy_built(repo, tarball, ".git")
    result = run_build(tarball)
    assert result.returncode == 0, result.stdout + result.stderr
    html = page(tarball, DIBAO_PAGE)
    assert "变更记录" not in html
    facts = html.split('<span class="summary-facts">', 1)[1].split("</span>", 1)[0]
    assert "<dt>更新日期</dt>" not in html and "更新" not in facts  # no date: no row, nothing in the summary


def test_one_git_log_for_the_whole_catalogue_and_no_message_read(repo, monkeypatch):
    calls = []
    real_run = subprocess.run
    monkeypatch.setattr(git_helper.subprocess, "run", lambda cmd, **kw: calls.append(cmd) or real_run(cmd, **kw))
    histories = file_histories(repo, "content/items")
    assert len(calls) == 2  # rev-parse (shallow?) and one git log, whatever the number of items
    assert "--format=%x1e%H%x1f%cs" in calls[1] and calls[1][-2:] == ["--", "content/items"]
    assert histories[DIBAO] == [Commit(dt.date(2024, 6, 1), True), Commit(dt.date(2024, 3, 5), False)]
    assert [c.date for c in histories[BUDGET_MOVED]] == [dt.date(2024, 7, 15), dt.date(2024, 3, 5)]


def test_a_shallow_clone_drops_its_cut_off_commit_and_warns(repo, tmp_path, caplog):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{repo}", str(clone))
    with caplog.at_level(logging.WARNING, logger="gongkai.history.gitlog"):
        histories = file_histories(clone, "content/items")
    assert histories == {}  # the only commit shows every file as added: not a real change
    assert "更新日期：当前是浅克隆（shallow clone），只能读到部分历史；发布网站时请完整克隆（CI 中设置 fetch-depth: 0）" in caplog.text


def test_no_repository_means_no_dates_and_an_info_line(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="gongkai.history.gitlog"):
        assert file_histories(tmp_path, "content/items") == {}
    assert "更新日期：不在 git 仓库中，没有填写更新日期的事项页显示“—”" in caplog.text


def test_missing_git_program_means_no_dates(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PATH", str(tmp_path))
    with caplog.at_level(logging.INFO, logger="gongkai.history.gitlog"):
        assert file_histories(tmp_path, "content/items") == {}
    assert "更新日期：找不到 git 程序，没有填写更新日期的事项页显示“—”" in caplog.text


def log_record(commit, date, *changes):
    return f"\x1e{commit}\x1f{date}\0\n" + "".join(f"{c}\0" for c in changes)


def test_parse_log_follows_renames_and_forgets_deleted_namesakes():
    text = "".join([
        log_record("c4", "2024-05-04", "R087", "items/旧/甲.md", "items/新/甲.md"),
        log_record("c3", "2024-05-03", "M", "items/旧/甲.md"),
        log_record("c2", "2024-05-02", "A", "items/旧/甲.md", "D", "items/旧/乙.md"),
        log_record("c1", "2024-05-01", "A", "items/旧/甲.md", "A", "items/旧/乙.md"),
    ])
    histories = parse_log(text)
    assert [c.date.day for c in histories["items/新/甲.md"]] == [4, 3, 2]
    assert histories["items/新/甲.md"][0] == Commit(dt.date(2024, 5, 4))
    assert "items/旧/乙.md" not in histories
    assert "items/旧/甲.md" not in histories


def test_parse_log_skips_shallow_boundary_commits():
    text = log_record("new", "2024-05-02", "M", "a.md") + log_record("cut", "2024-05-01", "A", "a.md")
    assert parse_log(text, {"cut"})["a.md"] == [Commit(dt.date(2024, 5, 2))]


def test_parse_log_marks_additions_and_pure_moves_as_not_edited():
    text = "".join([
        log_record("c3", "2024-05-03", "R100", "old/a.md", "new/a.md"),
        log_record("c2", "2024-05-02", "R091", "older/a.md", "old/a.md"),
        log_record("c1", "2024-05-01", "A", "older/a.md"),
    ])
    assert [c.edited for c in parse_log(text)["new/a.md"]] == [False, True, False]


def item(published="2024-03-05", updated=None, notes=None):
    meta = {"索引号": "11530000MB0123456X/2024-00001", "发布日期": published}
    if updated:
        meta["更新日期"] = updated
    if notes:
        meta["变更记录"] = notes
    return Item("content/items/a.md", meta)


def test_annotate_uses_a_commit_date_only_when_it_is_after_publication():
    later, first, stated = item(), item(), item(updated="2024-04-01")
    histories = {"content/items/a.md": [Commit(dt.date(2024, 6, 1)), Commit(dt.date(2024, 3, 1), False)]}
    annotate([later, stated], histories)
    assert later.updated == dt.date(2024, 6, 1) and later.history == []
    assert stated.updated == dt.date(2024, 4, 1)
    annotate([first], {"content/items/a.md": [Commit(dt.date(2024, 3, 1))]})
    assert first.updated is None and first.last_changed == dt.date(2024, 3, 5)


def test_annotate_gives_the_notes_as_history_whatever_git_says():
    noted = item(notes=[{"日期": "2024-05-01", "说明": "改"}])
    annotate([noted], {})
    assert noted.history == [ChangeNote(dt.date(2024, 5, 1), "改")] and noted.updated == dt.date(2024, 5, 1)


def test_the_update_date_is_the_later_of_the_newest_note_and_the_last_edit():
    noted = item(notes=[{"日期": "2024-05-01", "说明": "改"}, {"日期": "2024-07-01", "说明": "再改"}])
    annotate([noted], {"content/items/a.md": [Commit(dt.date(2024, 6, 1)), Commit(dt.date(2024, 3, 5), False)]})
    assert noted.updated == dt.date(2024, 7, 1)
    annotate([noted], {"content/items/a.md": [Commit(dt.date(2024, 9, 1))]})
    assert noted.updated == dt.date(2024, 9, 1)
    stated = item(updated="2024-04-01", notes=[{"日期": "2024-04-01", "说明": "改"}])
    annotate([stated], {"content/items/a.md": [Commit(dt.date(2024, 9, 1))]})
    assert stated.updated == dt.date(2024, 4, 1)  # the editor's 更新日期 wins


def test_adding_or_moving_a_file_is_no_update():
    imported = item()
    histories = {"content/items/a.md": [Commit(dt.date(2024, 8, 1), False), Commit(dt.date(2024, 6, 1), True),
                                        Commit(dt.date(2024, 5, 1), False)]}
    annotate([imported], histories)
    assert imported.updated == dt.date(2024, 6, 1)
    annotate([imported], {"content/items/a.md": histories["content/items/a.md"][2:]})
    assert imported.updated is None
