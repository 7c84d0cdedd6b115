"""变更记录 on item pages from git history; 更新日期 from the last commit; nothing outside git."""
from __future__ import annotations

import datetime as dt
import logging
import shutil
import subprocess

import pytest

from catalogue.model import Item
from conftest import make_mini_project, run_build
from history import gitlog
from history.gitlog import HistoryEntry, annotate, clean_subject, file_histories, parse_log

DIBAO = "content/items/社会救助/低保名单.md"
BUDGET = "content/items/财政信息/2024 年/部门预算.md"
BUDGET_MOVED = "content/items/财政信息/预算决算/部门预算.md"
DIBAO_PAGE = "output/items/11530000MB0123456X-2024-00001/index.html"
BUDGET_PAGE = "output/items/11530000MB0765432Y-2024-00003/index.html"
EMAIL = "zhang.editor@example.invalid"


def git(root, *args, date="2024-03-05T10:00:00+08:00"):
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "PATH": "/usr/bin:/bin:/usr/local/bin",
           "HOME": str(root), "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def commit_all(root, subject, date):
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", subject, date=date)


def with_history_plugin(root):
    """The history plugin is on by default: the project's own pelicanconf.py lists it."""
    assert '"history"' in (root / "pelicanconf.py").read_text(encoding="utf-8")


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
    commit_all(root, f"更新低保名单的更新时间 <{EMAIL}>", "2024-06-01T09:30:00+08:00")
    (root / BUDGET_MOVED).parent.mkdir(parents=True)
    git(root, "mv", BUDGET, BUDGET_MOVED)
    commit_all(root, "调整财政信息目录", "2024-07-15T16:00:00+08:00")
    return root


def page(root, path):
    return (root / path).read_text(encoding="utf-8")


def test_item_page_shows_each_commit_date_and_subject_and_no_email(repo):
    result = run_build(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    html = page(repo, DIBAO_PAGE)
    assert '<h2 id="h-history">变更记录</h2>' in html
    assert '<li><time datetime="2024-06-01">2024-06-01</time> 更新低保名单的更新时间</li>' in html
    assert '<li><time datetime="2024-03-05">2024-03-05</time> 新增低保名单和部门预算</li>' in html
    assert html.index("2024-06-01</time>") < html.index("2024-03-05</time>"), "newest first"
    assert "example.invalid" not in html and "张编辑" not in html


def test_history_follows_a_moved_file(repo):
    assert run_build(repo).returncode == 0
    html = page(repo, BUDGET_PAGE)
    assert '<li><time datetime="2024-07-15">2024-07-15</time> 调整财政信息目录</li>' in html
    assert '<li><time datetime="2024-03-05">2024-03-05</time> 新增低保名单和部门预算</li>' in html
    assert "更新低保名单" not in html


def test_last_commit_date_is_the_update_date_only_when_the_field_is_absent(repo):
    assert run_build(repo).returncode == 0
    # 低保名单 has no 更新日期: its last commit (2024-06-01) stands in.
    assert "<dt>更新日期</dt><dd>2024-06-01</dd>" in page(repo, DIBAO_PAGE)
    # 部门预算 states 更新日期 2024-03-01: the editor's date wins over the later move commit.
    assert "<dt>更新日期</dt><dd>2024-03-01</dd>" in page(repo, BUDGET_PAGE)


def test_change_note_heads_the_history(repo):
    edit(repo, DIBAO, "发布日期: 2024-03-05", "发布日期: 2024-03-05\n更新说明: 明确每月10日前更新名单")
    commit_all(repo, "补充更新说明", "2024-08-01T09:00:00+08:00")
    assert run_build(repo).returncode == 0
    html = page(repo, DIBAO_PAGE)
    assert "<p class=\"history-note\"><strong>更新说明（2024-08-01）：</strong>明确每月10日前更新名单</p>" in html
    assert html.index("history-note") < html.index('<li><time datetime="2024-08-01">2024-08-01</time> 补充更新说明</li>')


def test_uncommitted_changes_do_not_count(repo):
    edit(repo, DIBAO, "每月10日前", "每月15日前")
    assert run_build(repo).returncode == 0
    html = page(repo, DIBAO_PAGE)
    assert "<dt>更新日期</dt><dd>2024-06-01</dd>" in html
    assert html.count("<time datetime=") == 2


def test_outside_git_the_pages_have_no_history_and_no_update_date(repo, tmp_path):
    tarball = tmp_path / "tarball"
    shutil.copytree(repo, tarball, ignore=shutil.ignore_patterns(".git", "output", ".cache"))
    result = run_build(tarball)
    assert result.returncode == 0, result.stdout + result.stderr
    html = page(tarball, DIBAO_PAGE)
    assert "变更记录" not in html
    assert "<dt>更新日期</dt><dd>—</dd>" in html


def test_one_git_log_for_the_whole_catalogue(repo, monkeypatch):
    calls = []
    real_run = subprocess.run
    monkeypatch.setattr(gitlog.subprocess, "run", lambda cmd, **kw: calls.append(cmd) or real_run(cmd, **kw))
    histories = file_histories(repo, "content/items")
    assert len(calls) == 2  # rev-parse (shallow?) and one git log, whatever the number of items
    assert [e.subject for e in histories[DIBAO]] == ["更新低保名单的更新时间", "新增低保名单和部门预算"]
    assert [e.date for e in histories[BUDGET_MOVED]] == [dt.date(2024, 7, 15), dt.date(2024, 3, 5)]


def test_a_shallow_clone_drops_its_cut_off_commit_and_warns(repo, tmp_path, caplog):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{repo}", str(clone))
    with caplog.at_level(logging.WARNING, logger="history.gitlog"):
        histories = file_histories(clone, "content/items")
    assert histories == {}  # the only commit shows every file as added: not a real change
    assert "变更记录：当前是浅克隆（shallow clone），只能读到部分历史；发布网站时请完整克隆（CI 中设置 fetch-depth: 0）" in caplog.text


def test_no_repository_means_empty_history_and_an_info_line(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="history.gitlog"):
        assert file_histories(tmp_path, "content/items") == {}
    assert "变更记录：不在 git 仓库中，事项页不显示变更记录" in caplog.text


def test_missing_git_program_means_empty_history(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PATH", str(tmp_path))
    with caplog.at_level(logging.INFO, logger="history.gitlog"):
        assert file_histories(tmp_path, "content/items") == {}
    assert "变更记录：找不到 git 程序，事项页不显示变更记录" in caplog.text


def log_record(commit, date, subject, *changes):
    return f"\x1e{commit}\x1f{date}\x1f{subject}\0\n" + "".join(f"{c}\0" for c in changes)


def test_parse_log_follows_renames_and_forgets_deleted_namesakes():
    text = "".join([
        log_record("c4", "2024-05-04", "移到新目录", "R087", "items/旧/甲.md", "items/新/甲.md"),
        log_record("c3", "2024-05-03", "改甲", "M", "items/旧/甲.md"),
        log_record("c2", "2024-05-02", "新建甲", "A", "items/旧/甲.md", "D", "items/旧/乙.md"),
        log_record("c1", "2024-05-01", "另一个文件曾在此路径", "A", "items/旧/甲.md", "A", "items/旧/乙.md"),
    ])
    histories = parse_log(text)
    assert [e.subject for e in histories["items/新/甲.md"]] == ["移到新目录", "改甲", "新建甲"]
    assert histories["items/新/甲.md"][0] == HistoryEntry(dt.date(2024, 5, 4), "移到新目录")
    assert "items/旧/乙.md" not in histories
    assert "items/旧/甲.md" not in histories


def test_parse_log_skips_shallow_boundary_commits():
    text = log_record("new", "2024-05-02", "改", "M", "a.md") + log_record("cut", "2024-05-01", "全部", "A", "a.md")
    assert [e.subject for e in parse_log(text, {"cut"})["a.md"]] == ["改"]


@pytest.mark.parametrize("subject, shown", [
    ("更新名单 <zhang@example.invalid>", "更新名单"),
    ("由 li.si+gk@mail.example.cn 提交的修改", "由 提交的修改"),
    ("   ", "（无说明）"),
    ("Merge pull request #12 from zhang/dibao", "Merge pull request #12 from zhang/dibao"),
])
def test_subjects_never_show_email_addresses(subject, shown):
    assert clean_subject(subject) == shown


def item(published="2024-03-05", updated=None):
    meta = {"索引号": "11530000MB0123456X/2024-00001", "发布日期": published}
    if updated:
        meta["更新日期"] = updated
    return Item("content/items/a.md", meta)


def test_annotate_uses_a_commit_date_only_when_it_is_after_publication():
    later, first, stated = item(), item(), item(updated="2024-04-01")
    histories = {"content/items/a.md": [HistoryEntry(dt.date(2024, 6, 1), "改"), HistoryEntry(dt.date(2024, 3, 1), "新建", False)]}
    annotate([later, stated], histories)
    assert later.updated == dt.date(2024, 6, 1) and len(later.history) == 2
    assert stated.updated == dt.date(2024, 4, 1)
    annotate([first], {"content/items/a.md": [HistoryEntry(dt.date(2024, 3, 1), "改")]})
    assert first.updated is None and first.last_changed == dt.date(2024, 3, 5)


def test_adding_or_moving_a_file_is_no_update():
    imported = item()
    histories = {"content/items/a.md": [HistoryEntry(dt.date(2024, 8, 1), "整理目录", False),
                                        HistoryEntry(dt.date(2024, 6, 1), "改", True),
                                        HistoryEntry(dt.date(2024, 5, 1), "导入目录", False)]}
    annotate([imported], histories)
    assert imported.updated == dt.date(2024, 6, 1)
    annotate([imported], {"content/items/a.md": histories["content/items/a.md"][2:]})
    assert imported.updated is None


def test_parse_log_marks_additions_and_pure_moves_as_not_edited():
    text = "".join([
        log_record("c3", "2024-05-03", "移动", "R100", "old/a.md", "new/a.md"),
        log_record("c2", "2024-05-02", "移动并修改", "R091", "older/a.md", "old/a.md"),
        log_record("c1", "2024-05-01", "新建", "A", "older/a.md"),
    ])
    assert [(e.subject, e.edited) for e in parse_log(text)["new/a.md"]] == [("移动", False), ("移动并修改", True), ("新建", False)]
