"""CODEOWNERS generation: rules per host, escaping, staleness, and the committed files being current."""
from __future__ import annotations

import io

import pytest
from conftest import REPO

from gongkai.model import Catalogue, Item, Unit
from gongkai_tools.codeowners import GITHUB, GITLAB, HEADER, codeowners_command, escape, generate, generate_files, is_stale, write

OFFICE = ["@gongkai-ban"]


def _item(source: str, unit: str) -> Item:
    return Item(source, {"公开主体": unit, "公开对象": "全社会"})


@pytest.fixture
def catalogue() -> Catalogue:
    units = [Unit("示例县民政局", "minzheng", ["@mz-a", "@mz-b"]), Unit("示例县财政局", "caizheng", ["@cz"]),
             Unit("示例县林草局", "lincao", ["@lc"])]
    items = [_item("content/items/财政信息/2024 年/部门预算.md", "示例县财政局"),
             _item("content/items/社会救助/低保名单.md", "示例县民政局"),
             _item("content/items/社会救助/临时救助.md", "示例县民政局"),
             _item("content/items/其他/未登记.md", "示例县不存在局")]
    return Catalogue([], units, items)


@pytest.mark.parametrize("path, pattern", [
    ("content/items/a.md", "/content/items/a.md"),
    ("content/items/2024 年/部门 预算.md", "/content/items/2024\\ 年/部门\\ 预算.md"),
    ("content/items/全角\u3000空格.md", "/content/items/全角\\\u3000空格.md"),
    ("content/items/[草稿]*?.md", "/content/items/\\[草稿\\]\\*\\?.md"),
    ("content/items/a\\b.md", "/content/items/a\\\\b.md"),
])
def test_escape(path, pattern):
    assert escape(path) == pattern


def test_github_lists_each_item_with_its_units_reviewers(catalogue):
    text = generate(catalogue, OFFICE, "示例县政务公开办", "github")
    lines = text.splitlines()
    assert lines[0] == HEADER == "# 由 invoke codeowners 生成，请勿手工修改 / generated — do not edit"
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules == [
        "/content/ @gongkai-ban",
        "/schema/ @gongkai-ban",
        "/.github/ @gongkai-ban",
        "/.gitlab/ @gongkai-ban",
        "/.gitlab-ci.yml @gongkai-ban",
        "/content/items/社会救助/临时救助.md @mz-a @mz-b",
        "/content/items/社会救助/低保名单.md @mz-a @mz-b",
        "/content/items/财政信息/2024\\ 年/部门预算.md @cz",
        "/content/items/其他/未登记.md @gongkai-ban",
    ]
    assert "# 示例县不存在局（未登记，暂由政务公开办审核）" in lines
    assert "# 示例县林草局" not in lines  # a unit without items adds nothing


def test_gitlab_requires_both_sections(catalogue):
    lines = generate(catalogue, OFFICE, "示例县政务公开办", "gitlab").splitlines()
    office, units = lines.index("[示例县政务公开办]"), lines.index("[公开主体]")
    assert lines[office + 1] == "/content/ @gongkai-ban" and office < units
    assert "/content/items/社会救助/低保名单.md @mz-a @mz-b" in lines[units:]


def test_files_for_both_hosts(catalogue):
    files = generate_files(catalogue, OFFICE, "政务公开办")
    assert list(files) == [".github/CODEOWNERS", ".gitlab/CODEOWNERS"] == [GITHUB, GITLAB]


def test_write_then_staleness(tmp_path, catalogue):
    files = generate_files(catalogue, OFFICE, "政务公开办")
    assert is_stale(tmp_path, files) == [GITHUB, GITLAB]
    assert write(tmp_path, files) == [GITHUB, GITLAB]
    assert is_stale(tmp_path, files) == [] and write(tmp_path, files) == []
    assert (tmp_path / GITHUB).read_bytes() == files[GITHUB].encode("utf-8")
    # A Windows checkout with CRLF line ends is not out of date.
    (tmp_path / GITLAB).write_bytes(files[GITLAB].replace("\n", "\r\n").encode("utf-8"))
    assert is_stale(tmp_path, files) == []
    catalogue.items.append(_item("content/items/新事项.md", "示例县林草局"))
    assert is_stale(tmp_path, generate_files(catalogue, OFFICE, "政务公开办")) == [GITHUB, GITLAB]


def test_command_writes_checks_and_detects_a_moved_item(mini_project):
    out = io.StringIO()
    assert codeowners_command(mini_project, check=True, stream=out) == 1
    assert out.getvalue() == (".github/CODEOWNERS、.gitlab/CODEOWNERS 不是最新的（事项或审核人有变动）："
                              "请运行 invoke codeowners 重新生成并一起提交。\n")
    out = io.StringIO()
    assert codeowners_command(mini_project, stream=out) == 0
    assert out.getvalue() == "已更新 .github/CODEOWNERS、.gitlab/CODEOWNERS，请一起提交。\n"
    assert "/content/items/财政信息/2024\\ 年/部门预算.md @cz-shenhe" in (mini_project / GITHUB).read_text(encoding="utf-8")
    out = io.StringIO()
    assert codeowners_command(mini_project, check=True, stream=out) == 0
    assert out.getvalue() == ".github/CODEOWNERS、.gitlab/CODEOWNERS 是最新的。\n"
    items = mini_project / "content" / "items"
    (items / "社会救助" / "低保名单.md").rename(items / "低保名单.md")
    assert codeowners_command(mini_project, check=True, stream=io.StringIO()) == 1


def test_command_refuses_a_broken_catalogue(mini_project):
    (mini_project / "content" / "items" / "坏.md").write_text("没有字段\n", encoding="utf-8")
    out = io.StringIO()
    assert codeowners_command(mini_project, stream=out) == 1
    assert out.getvalue().splitlines()[-1] == "目录有错误，未生成 CODEOWNERS：请先修正以上问题。"
    assert not (mini_project / GITHUB).exists()


def test_command_refuses_an_empty_office(mini_project):
    conf = mini_project / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\nGONGKAI_OFFICE_REVIEWERS = []\n", encoding="utf-8")
    out = io.StringIO()
    assert codeowners_command(mini_project, stream=out) == 1
    assert out.getvalue() == ("pelicanconf.py 的 GONGKAI_OFFICE_REVIEWERS 为空：请填写政务公开办的账号，"
                              "例如 [\"@gongkai-ban\"]。\n")


def test_committed_codeowners_are_current():
    """Fails when an item was added, moved or removed, or a reviewer changed, without `invoke codeowners`."""
    out = io.StringIO()
    assert codeowners_command(REPO, check=True, stream=out) == 0, out.getvalue()
