"""`invoke review --base REF`: the reviewers' report, on a throw-away git repository.

The base commit holds the small test catalogue plus three items; a branch then adds, changes,
moves, removes, re-numbers and un-publishes items and edits both registries. Every assertion is a
line a reviewer reads.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from conftest import BUILD_EPOCH, make_mini_project

from gongkai_tools.review import ADDED, REMOVED, BaseUnknown, FieldChange, describe_change, diff_generic, fenced, review, review_cli
from gongkai_tools.review.render import note_text

DIBAO = "content/items/社会救助/低保名单.md"
BUDGET = "content/items/财政信息/2024 年/部门预算.md"
BUDGET_MOVED = "content/items/财政信息/部门预算.md"
TEMP = "content/items/社会救助/临时救助"
REMOVED_ITEM = f"{TEMP}/临时救助对象.md"
RENUMBERED = f"{TEMP}/临时救助标准.md"
HIDDEN = f"{TEMP}/救助台账.md"
NEW = f"{TEMP}/临时救助申请指南.md"
BROKEN = f"{TEMP}/未完成的事项.md"
ORG = "11530000MB0123456X"


def item_text(title: str, index_no: str, audience: str = "全社会", extra: str = "", body: str = "") -> str:
    return (f"---\n事项名称: {title}\n索引号: {index_no}\n一级事项: 社会救助\n二级事项: 临时救助\n"
            "公开内容:\n  - 救助对象\n  - 救助金额\n公开依据:\n  - 《社会救助暂行办法》\n"
            "公开时限:\n  类型: 长期\n公开主体: 示例县民政局\n公开渠道: [政府网站]\n"
            f"公开对象: {audience}\n公开方式: 主动\n{extra}---\n{body}")


def git(root, *args) -> str:
    env = dict(os.environ, GIT_AUTHOR_DATE="2024-06-01T10:00:00+08:00", GIT_COMMITTER_DATE="2024-06-01T10:00:00+08:00")
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout.strip()


def edit(root, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text, (path, old)
    file.write_text(text.replace(old, new), encoding="utf-8")


def write(root, path: str, text: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text, encoding="utf-8")


def make_base(root) -> None:
    make_mini_project(root)
    write(root, REMOVED_ITEM, item_text("临时救助对象名单", f"{ORG}/2024-00005", extra="发布日期: 2024-04-01\n"))
    write(root, RENUMBERED, item_text("临时救助标准", f"{ORG}/2024-00006", extra="发布日期: 2024-04-02\n"))
    write(root, HIDDEN, item_text("临时救助工作台账", f"{ORG}/2024-00008", extra="发布日期: 2024-04-03\n"))
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "测试")
    git(root, "config", "user.email", "test@example.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "初始目录")


ACK = ("保密审查:\n  - 内容: \"13912345678\"\n    类型: 手机号码\n    审核人: \"@mz-shenhe\"\n"
       "    日期: 2024-06-01\n    说明: 民政局对外公布的救助热线\n")


def make_changes(root) -> None:
    """Everything a pull request can do, on a branch, partly committed and partly not."""
    git(root, "checkout", "-q", "-b", "change")
    edit(root, DIBAO, "  - 保障人数和月保障金额\n", "  - 保障标准\n  - 保障金额\n")
    edit(root, DIBAO, "说明: 自该信息形成或者变更之日起20个工作日内", "说明: 自该信息形成之日起10个工作日内")
    edit(root, DIBAO, "发布日期: 2024-03-05\n", "发布日期: 2024-03-05\n" + ACK)
    edit(root, DIBAO, "按乡镇分列的名单每月更新。", "按乡镇分列的名单每月10日前更新。\n咨询电话：13912345678。")
    (root / BUDGET).rename(root / BUDGET_MOVED)
    (root / REMOVED_ITEM).unlink()
    edit(root, RENUMBERED, f"{ORG}/2024-00006", f"{ORG}/2024-00007")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "修改低保名单，调整财政目录")
    edit(root, HIDDEN, "公开对象: 全社会", "公开对象: 内部")
    write(root, NEW, item_text("临时救助申请指南", f"{ORG}/2024-00009", extra="发布日期: 2024-06-01\n",
                               body="申请人须提供身份证号码，例如 11010519491231002X。\n"))
    write(root, BROKEN, item_text("未完成的事项", f"{ORG}/2024-00010"))
    edit(root, "schema/units.yaml", "- 名称: 示例县财政局", "- 名称: 示例县人力资源和社会保障局\n  slug: renshe\n"
         "  审核人: [\"@rs-shenhe\"]\n- 名称: 示例县财政局")
    edit(root, "schema/units.yaml", '审核人: ["@mz-shenhe"]', '审核人: ["@mz-shenhe", "@mz-fuze"]')
    edit(root, "schema/categories.yaml", "slug: caizheng\n", "slug: caizheng-xinxi\n")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    root = tmp_path_factory.mktemp("review") / "project"
    make_base(root)
    make_changes(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
        report = review(root, "main")
    return root, report


@pytest.fixture(scope="module")
def report(scenario):
    return scenario[1].split("\n")


def section(lines: list[str], heading: str) -> list[str]:
    """The lines under one ## heading, up to the next ## heading."""
    start = lines.index(heading)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start + 1:end]


def test_header_names_the_base_commit(scenario, report):
    root, _ = scenario
    short = git(root, "rev-parse", "--short=7", "main")
    assert report[:4] == ["# 目录变更审查报告", "", f"- 基准版本：`main`（提交 `{short}`：初始目录）",
                          "- 对比版本：当前工作区（即将合并的内容，含未提交的修改）"]


def test_summary_counts(report):
    assert section(report, "## 概要") == [
        "", "| 新增 | 修改 | 移动 | 撤销 | 登记表变更 | 指南页面 |", "| --- | --- | --- | --- | --- | --- |", "| 2 | 3 | 1 | 1 | 3 | 0 |", "",
        "“修改”含索引号变更；既移动又修改的事项在“修改”和“移动”中各计一次。", ""]


def test_removal_renumbering_unpublishing_and_slug_change_are_flagged_at_the_top(report):
    heading = "## ⚠ 需要特别确认的变更（4）"
    assert report.index(heading) < report.index("## 新增事项（2）")
    assert section(report, heading) == [
        "", "以下变更会让已公开的网页消失或改变网址，或改变事项是否上网公开，请审核人逐条确认：", "",
        f"- **撤销** 《临时救助对象名单》（索引号 {ORG}/2024-00005，文件 `{REMOVED_ITEM}`）："
        f"网页 items/{ORG}-2024-00005/ 将从网站上消失",
        f"- **索引号变更** 《临时救助标准》（文件 `{RENUMBERED}`）：{ORG}/2024-00006 → {ORG}/2024-00007："
        f"网址 items/{ORG}-2024-00006/ 改为 items/{ORG}-2024-00007/，旧网址将失效",
        f"- **转为内部** 《临时救助工作台账》（文件 `{HIDDEN}`）：公开对象 全社会 → 内部，网页 items/{ORG}-2024-00008/ 将从网站上撤下",
        "- **登记表** `schema/categories.yaml`：一级事项“财政信息”的 slug caizheng → caizheng-xinxi：网址 category/caizheng/ "
        "改为 category/caizheng-xinxi/（其下二级事项的网址随之改变），旧网址将失效",
        ""]


def test_changed_item_field_by_field_with_list_entries_and_body_diff(report):
    lines = section(report, "## 修改事项（3）")
    start = lines.index("### 《城乡最低生活保障对象名单》")
    assert lines[start:] == [
        "### 《城乡最低生活保障对象名单》", "",
        f"- 文件：`{DIBAO}`",
        f"- 索引号：{ORG}/2024-00001（网址 items/{ORG}-2024-00001/）",
        "- 公开的变更记录：本次没有新增，事项网页的“变更记录”不会显示这次修改（需要让公众知道的，请在 变更记录 中加一条日期和说明）",
        "- 公开内容：", f"  - {ADDED} 保障标准", f"  - {ADDED} 保障金额", f"  - {REMOVED} 保障人数和月保障金额",
        "- 公开时限.说明：自该信息形成或者变更之日起20个工作日内 → 自该信息形成之日起10个工作日内",
        "- 保密审查：",
        f"  - {ADDED} 内容：139\\*\\*\\*\\*5678；类型：手机号码；审核人：@mz-shenhe；日期：2024-06-01；说明：民政局对外公布的救助热线",
        "- 正文：有修改（＋2 行，－1 行）", "",
        "```diff", "@@ -1 +1,2 @@", "-按乡镇分列的名单每月更新。", "+按乡镇分列的名单每月10日前更新。", "+咨询电话：139****5678。", "```",
        ""]
    start = lines.index("### 《临时救助工作台账》")
    assert lines[start:start + 7] == [
        "### 《临时救助工作台账》", "", f"- 文件：`{HIDDEN}`", f"- 索引号：{ORG}/2024-00008（内部事项，不上公开网站）",
        "- 公开对象：全社会 → 内部 **⚠ 将从公开网站撤下**", "- 正文：未修改", ""]


def test_renumbered_item_shows_the_index_change_as_a_field(report):
    lines = section(report, "## 修改事项（3）")
    start = lines.index("### 《临时救助标准》")
    assert lines[start + 2:start + 7] == [
        f"- 文件：`{RENUMBERED}`", f"- 索引号：{ORG}/2024-00007（网址 items/{ORG}-2024-00007/）",
        "- 公开的变更记录：本次没有新增，事项网页的“变更记录”不会显示这次修改（需要让公众知道的，请在 变更记录 中加一条日期和说明）",
        f"- 索引号：{ORG}/2024-00006 → {ORG}/2024-00007", "- 正文：未修改"]


def test_moved_and_removed_items(report):
    assert section(report, "## 移动事项（1，内容未改）") == [
        "", f"- 《示例县财政局2024年部门预算》：`{BUDGET}` → `{BUDGET_MOVED}`（索引号不变，网址不变）", ""]
    assert section(report, "## 撤销事项（1）") == ["", f"- 《临时救助对象名单》（索引号 {ORG}/2024-00005）：`{REMOVED_ITEM}`", ""]


def test_new_items_list_every_field_and_the_body_masked(report):
    lines = section(report, "## 新增事项（2）")
    start = lines.index("### 《临时救助申请指南》")
    assert lines[start:start + 22] == [
        "### 《临时救助申请指南》", "", f"- 文件：`{NEW}`", f"- 索引号：{ORG}/2024-00009（网址 items/{ORG}-2024-00009/）",
        "- 一级事项：社会救助", "- 二级事项：临时救助", "- 公开内容：救助对象、救助金额", "- 公开依据：《社会救助暂行办法》",
        "- 公开时限.类型：长期", "- 公开主体：示例县民政局", "- 公开渠道：政府网站", "- 公开对象：全社会", "- 公开方式：主动",
        "- 发布日期：2024-06-01", "- 正文：1 行", "", "```markdown", "申请人须提供身份证号码，例如 1101**********002X。", "```",
        "", "### 《未完成的事项》", ""]
    assert "11010519491231002X" not in "\n".join(report)


def test_registry_changes(report):
    assert section(report, "## 登记表变更") == [
        "", "### `schema/categories.yaml`", "",
        "- ⚠ 一级事项“财政信息”的 slug caizheng → caizheng-xinxi：网址 category/caizheng/ 改为 category/caizheng-xinxi/"
        "（其下二级事项的网址随之改变），旧网址将失效",
        "", "### `schema/units.yaml`", "",
        "- 新增公开主体“示例县人力资源和社会保障局”（网址 unit/renshe/）",
        f"- 公开主体“示例县民政局”的审核人：{ADDED} @mz-fuze", ""]


def test_validation_lists_problems_of_changed_files_only(report):
    assert section(report, "## 校验") == [
        "", f"- {BROKEN}:1: 发布日期: 缺少必填字段“发布日期”", "",
        "共 1 个问题：合并前必须改正。", ""]


def test_audit_of_changed_items(report):
    lines = section(report, "## 时限检查（逾期未更新、超期公开）")
    assert lines[:2] == ["", "检查日期：2026-11-23，检查本次改动的 5 个有效事项。"]
    assert lines[-2:] == ["共发现 1 项逾期或超期事项：逾期未更新 1 项，超期公开 0 项。", ""]
    assert lines[5:7] == ["| 11530000MB0765432Y/2024-00003 | 示例县财政局2024年部门预算 | 示例县财政局 | 逾期未更新 | "
                          "按年度更新：上次更新 2024-03-01，应于 2025-03-01 前更新，已逾期 632 天 | "
                          f"{BUDGET_MOVED}:28 |", ""]


def test_secrecy_findings_and_every_acknowledgement_with_its_reviewer(report):
    lines = section(report, "## 保密审查")
    assert lines[:4] == ["", "### 发现的问题", "",
                         f"- {NEW}:19: 正文: 疑似居民身份证号码“1101" + "\\*" * 10 + "002X”"
                         "：公开前请删除或脱敏；确需公开的，请在 保密审查 中登记（内容照抄原文中的完整号码）并注明审核人"]
    assert lines[5:] == [
        "### 保密审查登记（1 条）", "", "请逐条核对：登记的内容确需公开，审核人确有权确认。", "",
        "| 事项 | 类型 | 内容 | 审核人 | 日期 | 说明 | 本次新增 | 位置 |", "| --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| 城乡最低生活保障对象名单 | 手机号码 | 139\\*\\*\\*\\*5678 | @mz-shenhe | 2024-06-01 | 民政局对外公布的救助热线 | 是 | {DIBAO}:22 |",
        ""]


def test_no_personal_number_appears_in_full(report):
    text = "\n".join(report)
    assert "13912345678" not in text and "11010519491231002X" not in text


def test_unknown_base_is_said_clearly_and_fails(scenario, capsys):
    root, _ = scenario
    assert review_cli(root, "no-such-branch") == 1
    assert capsys.readouterr().out.split("\n") == [
        "# 目录变更审查报告", "", "**无法生成审查报告：找不到基准版本 `no-such-branch`。**", "",
        "已尝试从 origin 获取（git fetch --depth=1 origin no-such-branch，以及 git fetch --deepen），仍然找不到。请检查：", "",
        "- 分支名或提交号是否拼写正确（例如 main、origin/main 或完整的提交号）；",
        "- 在 CI 中检出代码时是否取得了目标分支（GitHub Actions 可设置 fetch-depth: 0，GitLab 可设置 GIT_DEPTH: 0）。", ""]


def test_outside_a_repository(tmp_path, capsys):
    assert review_cli(tmp_path, "main") == 1
    assert "当前目录不在 git 仓库中，无法取得基准版本。请检查：" in capsys.readouterr().out


def test_output_file(scenario, tmp_path, capsys):
    root, report = scenario
    target = tmp_path / "审查报告.md"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
        assert review_cli(root, "main", output=target) == 0
    assert target.read_text(encoding="utf-8") == report
    assert capsys.readouterr().err == f"审查报告已写入 {target}\n"


def test_shallow_ci_clone_fetches_the_base(scenario, tmp_path):
    """CI checks out only the pull request's branch, one commit deep; the base is fetched on demand."""
    root = tmp_path / "origin"
    shutil.copytree(scenario[0], root)  # a copy: the shared scenario keeps its uncommitted changes
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "其余修改")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", "--branch", "change", f"file://{root}", str(clone))
    with pytest.raises(subprocess.CalledProcessError):
        git(clone, "rev-parse", "--verify", "main^{commit}")
    report = review(clone, "origin/main").split("\n")
    assert report[2].startswith("- 基准版本：`origin/main`（提交 ") and report[2].endswith("：初始目录）")
    assert "| 2 | 3 | 1 | 1 | 3 | 0 |" in report


def test_nothing_changed(tmp_path):
    root = tmp_path / "project"
    make_base(root)
    lines = review(root, "main").split("\n")
    assert "| 0 | 0 | 0 | 0 | 0 | 0 |" in lines
    assert section(lines, "## 需要特别确认的变更") == ["", "无：没有撤销、索引号变更、公开范围变化或网址变更。", ""]
    assert section(lines, "## 登记表变更") == ["", "登记表（分类、公开主体、同义词、节假日）没有变化。", ""]
    assert "## 新增事项" not in "\n".join(lines)


def test_list_change_that_only_reorders():
    assert describe_change(FieldChange("公开渠道", ("政府网站", "公示栏"), ("公示栏", "政府网站"))) == "顺序调整"
    assert describe_change(FieldChange("文号", "示民〔2024〕1号", None)) == "示民〔2024〕1号 → （删除）"
    assert describe_change(FieldChange("文号", None, "示民〔2024〕1号")) == "（无） → 示民〔2024〕1号"


def test_generic_registry_entries():
    old = [{"词": "低保", "同义词": ["最低生活保障"]}]
    new = old + [{"词": "医保", "同义词": ["医疗保险"]}]
    assert [note_text(n) for n in diff_generic(old, new)] == [f"{ADDED} 词：医保；同义词：医疗保险"]
    assert [note_text(n) for n in diff_generic(new, old)] == [f"{REMOVED} 词：医保；同义词：医疗保险"]


def test_fence_outgrows_backticks_in_the_body():
    assert fenced(["```python", "x"], "markdown") == ["````markdown", "```python", "x", "````"]


def test_base_unknown_is_a_catalogue_error():
    from gongkai.errors import GongkaiError

    assert issubclass(BaseUnknown, GongkaiError)


def test_a_file_broken_beyond_reading_is_a_change_not_a_removal(tmp_path):
    root = tmp_path / "project"
    make_base(root)
    edit(root, RENUMBERED, "2024-04-02\n---\n", "2024-04-02\n")  # the closing --- deleted
    lines = review(root, "main").split("\n")
    assert "| 0 | 1 | 0 | 0 | 0 | 0 |" in lines
    assert section(lines, "## 修改事项（1）") == [
        "", "### 《临时救助标准》", "", f"- 文件：`{RENUMBERED}`", "- 文件无法读取，字段比较从略：见下文“校验”一节", ""]
    assert section(lines, "## 校验")[1] == (f"- {RENUMBERED}:1: 字段部分缺少结束行：请在最后一个字段之后单独一行写 ---，再写正文")
    assert "## 撤销事项" not in "\n".join(lines)


def test_an_internal_item_made_public_and_a_schema_edit(tmp_path):
    root = tmp_path / "project"
    make_base(root)
    edit(root, HIDDEN, "公开对象: 全社会", "公开对象: 内部")
    git(root, "commit", "-q", "-am", "台账改为内部")
    edit(root, HIDDEN, "公开对象: 内部", "公开对象: 特定群体")
    edit(root, "schema/item.schema.json", "公开事项的名称，2–120 个字。", "公开事项的名称。")
    lines = review(root, "main").split("\n")
    assert f"- **转为公开** 《临时救助工作台账》（文件 `{HIDDEN}`）：公开对象 内部 → 特定群体，**⚠ 将在公开网站上公开**：请确认已完成保密审查" in lines
    assert "- 公开对象：内部 → 特定群体 **⚠ 将在公开网站上公开**" in lines
    assert section(lines, "## 登记表变更") == [
        "", "### `schema/item.schema.json`", "", "- 文件有修改：字段或校验规则可能改变，请由技术人员核对文件差异", ""]


def test_large_changes_list_only_names_beyond_the_first_items(monkeypatch):
    from gongkai_tools.review import render as module
    from gongkai_tools.review.snapshot import Entry

    monkeypatch.setattr(module, "DETAILED_ITEMS", 1)
    entries = [Entry(f"content/items/{n}.md", {"事项名称": n, "索引号": f"{ORG}/2024-0000{i}"}, "")
               for i, n in enumerate(["甲事项", "乙事项", "丙事项"], 1)]
    assert module.added_section(entries, order=[]) == [
        "## 新增事项（3）", "", "### 《甲事项》", "", "- 文件：`content/items/甲事项.md`",
        f"- 索引号：{ORG}/2024-00001（网址 items/{ORG}-2024-00001/）", "- 正文：（无）", "",
        "以上 1 项列出详情；其余 2 项只列名称，完整内容请查看文件差异，或在本地运行 invoke review：", "",
        "- 《乙事项》：`content/items/乙事项.md`", "- 《丙事项》：`content/items/丙事项.md`"]


# ---------------------------------------------------------------- attacks (issue 9): through `invoke review`

from conftest import run_invoke  # noqa: E402


def git_in(root, *args, data: bytes | None = None) -> str:
    return subprocess.run(["git", *args], cwd=root, input=data, check=True, capture_output=True).stdout.decode().strip()


def refs(root) -> str:
    """Every branch and tag with its commit (our own refs/gongkai-review/ namespace aside)."""
    return "\n".join(line for line in git_in(root, "for-each-ref", "--format=%(refname) %(objectname)").split("\n")
                     if not line.startswith("refs/gongkai-review/"))


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A shallow CI-style clone (origin = a base project) with a local branch `work` holding an
    unpublished commit: what a fetch with a refspec could force-reset."""
    top = tmp_path_factory.mktemp("attack")
    origin = top / "origin"
    make_base(origin)
    copy = top / "clone"
    git(top, "clone", "-q", "--depth=1", f"file://{origin}", str(copy))
    git(copy, "config", "user.name", "测试")
    git(copy, "config", "user.email", "test@example.invalid")
    git(copy, "checkout", "-q", "-b", "work")
    write(copy, NEW, item_text("临时救助申请指南", f"{ORG}/2024-00009", extra="发布日期: 2024-06-01\n"))
    git(copy, "add", "-A")
    git(copy, "commit", "-q", "-m", "未发布的修改")
    git(copy, "checkout", "-q", "-b", "other")
    return copy


@pytest.mark.parametrize("base, reason", [
    ("--upload-pack=touch pwned.txt;", "不能以“-”开头（会被 git 当作选项）"),
    ("HEAD:content", "不能包含“:”"),
    ("+main:work", "不能以“+”开头"),
    ("main work", "不能包含空格、换行或控制字符"),
    ("main..work", "不能包含“..”"),
    ("refs/heads/.hidden", "每一段不能以“.”开头或以“.lock”结尾"),
])
def test_a_base_that_git_could_read_as_an_option_or_refspec_is_refused(clone, base, reason):
    before = refs(clone)
    done = run_invoke(clone, "review", f"--base={base}")
    assert done.returncode == 1
    lines = done.stdout.split("\n")
    assert lines[2].startswith("**无法生成审查报告：基准版本 `") and lines[2].endswith("` 无效。**")
    assert lines[4] == f"不是有效的分支名或提交号：{reason.replace('*', chr(92) + '*')}。请检查：".replace("“.”", "“.”")
    assert not (clone / "pwned.txt").exists() and not list(clone.parent.rglob("pwned.txt"))
    assert refs(clone) == before  # no branch created (content) and none reset (work)
    assert git_in(clone, "log", "-1", "--format=%s", "work") == "未发布的修改"


def test_a_fetched_base_lands_in_our_own_namespace_only(clone):
    before = refs(clone)
    done = run_invoke(clone, "review", "--base", "origin/no-such-branch")
    assert done.returncode == 1 and "找不到基准版本 `origin/no-such-branch`" in done.stdout
    git(clone.parent / "origin", "branch", "release", "main")  # not in the shallow clone: fetched from origin
    fetched = run_invoke(clone, "review", "--base", "release")
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    assert "| 1 | 0 | 0 | 0 | 0 | 0 |" in fetched.stdout.split("\n")
    assert refs(clone) == before
    assert git_in(clone, "rev-parse", "refs/gongkai-review/base") == git_in(clone.parent / "origin", "rev-parse", "main")


def tree_with(root, entries: list[str]) -> str:
    return git_in(root, "mktree", data=("\n".join(entries) + "\n").encode())


def hostile_base(root) -> str:
    """A commit whose content/items/ holds a path climbing out with `..` entries (git mktree
    accepts them) and a symbolic link; returns its id."""
    blob = git_in(root, "hash-object", "-w", "--stdin", data=b"---\n\xe4\xba\x8b: x\n---\n")
    link = git_in(root, "hash-object", "-w", "--stdin", data=b"/etc/passwd")
    climb = tree_with(root, [f"100644 blob {blob}\tpwned.md"])
    for _ in range(3):  # with the one in items/: content/items/../../../../pwned.md
        climb = tree_with(root, [f"040000 tree {climb}\t.."])
    items = git_in(root, "ls-tree", "main:content/items").split("\n")
    items = tree_with(root, items + [f"040000 tree {climb}\t..", f"120000 blob {link}\tlink.md"])
    content = [line if not line.endswith("\titems") else f"040000 tree {items}\titems"
               for line in git_in(root, "ls-tree", "main:content").split("\n")]
    top = [line if not line.endswith("\tcontent") else f"040000 tree {tree_with(root, content)}\tcontent"
           for line in git_in(root, "ls-tree", "main").split("\n")]
    commit = git_in(root, "commit-tree", tree_with(root, top), "-p", "main", "-m", "恶意基准")
    git_in(root, "update-ref", "refs/heads/evil", commit)
    return commit


def test_a_base_tree_with_dot_dot_entries_writes_nothing_outside(tmp_path):
    root = tmp_path / "project"
    make_base(root)
    hostile_base(root)
    temp = tmp_path / "tmp"
    temp.mkdir()
    done = run_invoke(root, "review", "--base", "evil", env={"TMPDIR": str(temp)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(tmp_path.rglob("pwned.md")) == [] and list(temp.iterdir()) == []
    assert ("- ⚠ 基准版本中有 2 个文件的名称不安全（含 ..、绝对路径、反斜杠）或是符号链接，比较时已跳过："
            "`content/items/../../../../pwned.md`、`content/items/link.md`") in done.stdout.split("\n")


def test_tree_paths_that_could_leave_the_folder_are_refused():
    from gongkai.git import safe_relative

    assert [p for p in ["a/b.md", "财政 信息/2024 年/x.md", "..", "a/../b", "/etc/x", "a/./b", "a//b", "a/b/",
                        "a\\..\\b", "C:x", "a/. ./b", "a/.../b", "a/..."] if safe_relative(p)] == \
        ["a/b.md", "财政 信息/2024 年/x.md"]


def test_ref_rules():
    from gongkai.git import ref_problem

    assert [r for r in ["main", "origin/main", "feature/x-1", "v1.0", "HEAD", "HEAD~2", "main^", "0a1b2c3d"]
            if ref_problem(r)] == []
    assert [ref_problem(r) for r in ["", "-x", "main:x", "ma\u200bin", "a.lock", "a/", "a@{1}", "@", "a*", "x.", "~1"]] == [
        "不能为空", "不能以“-”开头（会被 git 当作选项）", "不能包含“:”", "不能包含空格、换行或控制字符",
        "每一段不能以“.”开头或以“.lock”结尾", "不能以“/”开头或结尾，也不能有连续的“/”", "不能包含“@{”，也不能只是“@”",
        "不能包含“@{”，也不能只是“@”", "不能包含 \\ ? * [ ~ ^（~ 和 ^ 只能写在末尾，如 main~1）", "不能以“.”结尾",
        "缺少分支名或提交号"]


HOSTILE_TITLE = ('"低保名单\\n\\n## ⚠ 需要特别确认的变更（0）\\n\\n无\\n![x](https://evil.example/t.png)'
                 '<img src=https://evil.example/i.png> [点此](https://evil.example/) www.evil.example `x` *a* | b"')


def test_hostile_values_cannot_forge_sections_links_images_or_html(tmp_path):
    root = tmp_path / "project"
    make_base(root)
    path = f"{TEMP}/a`b.md"
    write(root, path, item_text("占位", f"{ORG}/2024-00011", extra="发布日期: 2024-06-01\n").replace(
        "事项名称: 占位", f"事项名称: {HOSTILE_TITLE}"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "标题 <img src=https://evil.example/c.png> ![x](https://evil.example/s.png)")
    edit(root, path, "公开对象: 全社会", "公开对象: 内部")
    done = run_invoke(root, "review", "--base", "HEAD")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split("\n")
    shown = ("低保名单 ⏎  ⏎ \\#\\# ⚠ 需要特别确认的变更（0） ⏎  ⏎ 无 ⏎ \\!\\[x\\](https:\\/\\/evil.example/t.png)"
             "\\<img src=https:\\/\\/evil.example/i.png\\> \\[点此\\](https:\\/\\/evil.example/) www\\.evil.example "
             "\\`x\\` \\*a\\* \\| b")
    assert f"### 《{shown}》" in lines
    assert f"- **转为内部** 《{shown}》（文件 ``{path}``）：公开对象 全社会 → 内部，网页 items/{ORG}-2024-00011/ 将从网站上撤下" in lines
    assert lines[2] == ("- 基准版本：`HEAD`（提交 `" + git(root, "rev-parse", "--short=7", "HEAD") + "`：标题 "
                        "\\<img src=https:\\/\\/evil.example/c.png\\> \\!\\[x\\](https:\\/\\/evil.example/s.png)）")
    assert [line for line in lines if line.startswith("## ")] == [
        "## 概要", "## ⚠ 需要特别确认的变更（1）", "## 修改事项（1）", "## 登记表变更", "## 校验",
        "## 时限检查（逾期未更新、超期公开）", "## 保密审查"]
    # Nothing a Markdown renderer would turn into an image, a link or HTML is left unescaped.
    text = done.stdout
    assert not re.search(r"(?<!\\)!(?<!\\)\[|(?<!\\)<img|(?<!\\)\]\(|https://|(?<!\\)www\.evil", text)


def test_escaping_keeps_every_value_on_one_line():
    from gongkai_tools.review.render import code, md

    assert md("a\r\nb\u2028c\x00d\u202ee") == "a ⏎ b ⏎ c\ufffdd\ufffde"
    assert md("<script>&amp;[x]~~y~~ $x$ #h") == "\\<script\\>\\&amp;\\[x\\]\\~\\~y\\~\\~ \\$x\\$ \\#h"
    assert md("电话 13812345678") == "电话 138\\*\\*\\*\\*5678"
    assert code("a``b") == "```a``b```" and code("x`") == "`` x` ``" and code("a\nb") == "`a⏎b`"
    assert code("content/items/张三13812345678.md") == "`content/items/张三138****5678.md`"


SECRET = f"{TEMP}/内部考勤.md"
SECRET_BODY = "本办法适用于局机关全体干部职工的考勤、请假和加班管理，由办公室负责每月汇总考勤记录。\n"


def internal_base(root) -> None:
    """The base project plus one 内部 item with a body of its own."""
    make_base(root)
    write(root, SECRET, item_text("机关内部考勤管理办法", f"{ORG}/2024-00020", audience="内部",
                                  extra="发布日期: 2024-04-05\n", body=SECRET_BODY))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "内部事项")


def test_an_internal_item_moved_renumbered_and_made_public_is_flagged(tmp_path):
    root = tmp_path / "project"
    internal_base(root)
    moved = "content/items/社会救助/考勤管理.md"
    text = (root / SECRET).read_text(encoding="utf-8")
    (root / SECRET).unlink()
    write(root, moved, text.replace(f"{ORG}/2024-00020", f"{ORG}/2024-00021").replace("公开对象: 内部", "公开对象: 全社会")
          .replace("机关内部考勤管理办法", "考勤管理办法"))
    done = run_invoke(root, "review", "--base", "main")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split("\n")
    assert "| 0 | 1 | 1 | 0 | 0 | 0 |" in lines  # one item changed and moved: not 撤销 + 新增
    where = f"文件 `{moved}`，由 `{SECRET}` 移动而来，按内容认定为同一事项（相似度 93%）"
    assert section(lines, "## ⚠ 需要特别确认的变更（2）")[3:] == [
        f"- **索引号变更** 《考勤管理办法》（{where}）：{ORG}/2024-00020 → {ORG}/2024-00021：网址 items/{ORG}-2024-00020/ "
        f"改为 items/{ORG}-2024-00021/，旧网址将失效",
        f"- **转为公开** 《考勤管理办法》（{where}）：公开对象 内部 → 全社会，**⚠ 将在公开网站上公开**：请确认已完成保密审查", ""]
    assert "- 公开对象：内部 → 全社会 **⚠ 将在公开网站上公开**" in lines


def test_public_items_carrying_internal_content_are_flagged(tmp_path):
    """A new public item at the internal item's old path, and one copying its body, while the
    internal item itself moves away under its own 索引号."""
    root = tmp_path / "project"
    internal_base(root)
    (root / SECRET).rename(root / f"{TEMP}/考勤（内部）.md")
    write(root, SECRET, item_text("考勤公示", f"{ORG}/2024-00030", extra="发布日期: 2024-06-01\n", body="本月考勤情况。\n"))
    copy = "content/items/社会救助/办事指南.md"
    write(root, copy, item_text("办事指南", f"{ORG}/2024-00031", extra="发布日期: 2024-06-01\n",
                                body="办事须知如下。\n" + SECRET_BODY))
    edit(root, DIBAO, "按乡镇分列的名单每月更新。", "按乡镇分列的名单每月更新。\n" + SECRET_BODY)
    lines = run_invoke(root, "review", "--base", "main").stdout.split("\n")
    source = f"《机关内部考勤管理办法》（索引号 {ORG}/2024-00020，文件 `{SECRET}`）"
    assert section(lines, "## ⚠ 需要特别确认的变更（3）")[3:] == [
        f"- **内部内容公开** 《考勤公示》（文件 `{SECRET}`）：文件与基准版本中的内部事项相同——{source}，"
        "**⚠ 将在公开网站上公开**：请确认已完成保密审查",
        f"- **内部内容公开** 《办事指南》（文件 `{copy}`）：内容与基准版本中的内部事项相似（相似度 76%）——{source}，"
        "**⚠ 将在公开网站上公开**：请确认已完成保密审查",
        f"- **内部内容公开** 《城乡最低生活保障对象名单》（文件 `{DIBAO}`）：修改后内容与基准版本中的内部事项相似（相似度 67%）——"
        f"{source}，**⚠ 将在公开网站上公开**：请确认已完成保密审查", ""]


def test_guide_page_edits_are_listed_with_their_diff(tmp_path):
    root = tmp_path / "project"
    make_base(root)
    edit(root, "content/pages/guide.md", "示例。", "示例。\n\n咨询电话：13812345678。")
    (root / "content/pages/apply.md").unlink()
    write(root, "content/pages/new.md", "Title: 办事指引\nSlug: new\n\n新页面。\n")
    (root / "content/pages/link.md").symlink_to("/etc/passwd")
    lines = run_invoke(root, "review", "--base", "main").stdout.split("\n")
    assert "| 0 | 0 | 0 | 0 | 0 | 4 |" in lines
    assert "- **删除指南页面** `content/pages/apply.md`（依申请公开指南）：该页面将从网站上消失" in lines
    assert section(lines, "## 指南页面变更（4）") == [
        "", "### 删除 `content/pages/apply.md`（依申请公开指南）", "", f"- 正文：{ADDED}0 行，{REMOVED}6 行", "",
        "```diff", "@@ -1,6 +0,0 @@", "-Title: 依申请公开指南", "-Slug: apply", "-", "-## 申请方式", "-", "-示例。", "```",
        "", "### 修改 `content/pages/guide.md`（政府信息公开指南）", "", f"- 正文：{ADDED}2 行，{REMOVED}0 行", "",
        "```diff", "@@ -5,2 +5,4 @@", " ", " 示例。", "+", "+咨询电话：138****5678。", "```",
        "", "### 新增 `content/pages/link.md`（link）", "", "- ⚠ 这是符号链接（快捷方式），不会被读取，也不能发布：请改为普通文件",
        "", "### 新增 `content/pages/new.md`（办事指引）", "", f"- 正文：{ADDED}4 行，{REMOVED}0 行", "",
        "```diff", "@@ -0,0 +1,4 @@", "+Title: 办事指引", "+Slug: new", "+", "+新页面。", "```", ""]
    assert "root:" not in "\n".join(lines)


def test_a_report_too_long_for_a_comment_keeps_the_summary_and_alerts_and_says_where_the_rest_is(tmp_path, monkeypatch):
    from gongkai_tools.review import render

    root = tmp_path / "project"
    make_base(root)
    for n in range(30):
        write(root, f"{TEMP}/旧{n:02d}.md", item_text(f"旧事项{n:02d}", f"{ORG}/2023-{n + 100:05d}", extra="发布日期: 2023-04-01\n"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "旧事项")
    for n in range(30):
        (root / f"{TEMP}/旧{n:02d}.md").unlink()
    body = "".join(f"第{line}行：救助对象名单按月公示。\n" for line in range(60))
    for n in range(40):
        write(root, f"{TEMP}/新{n:02d}.md", item_text(f"新事项{n:02d}", f"{ORG}/2024-{n + 100:05d}",
                                                     extra="发布日期: 2024-06-01\n", body=body))
    monkeypatch.setattr(render, "LIMIT", 8000)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    assert review_cli(root, "main", output=tmp_path / "review.md", full=tmp_path / "review-full.md") == 0
    text = (tmp_path / "review.md").read_text(encoding="utf-8")
    full = (tmp_path / "review-full.md").read_text(encoding="utf-8")
    lines = text.split("\n")
    assert len(text) <= 8000 < len(full) and full == review(root, "main")
    assert lines[5] == (f"> **报告过长，完整报告见 CI 构建产物 `review-full.md`。** 完整报告 {len(full):,} 字，超过 8,000 字的上限："
                        "概要和“需要特别确认的变更”完整列出，其余各节只列出前面的部分。")
    assert section(lines, "## ⚠ 需要特别确认的变更（30）") == section(full.split("\n"), "## ⚠ 需要特别确认的变更（30）")
    assert "| 40 | 0 | 0 | 30 | 0 | 0 |" in lines
    assert sum(line.startswith("```") for line in lines) % 2 == 0  # no code block left open
    assert any(re.fullmatch(r"（本节过长，其余 \d+ 行从略：见完整报告。）", line) for line in lines)
    assert "## 保密审查" in lines and "## 校验" in lines


def test_cutting_never_leaves_a_code_block_open():
    from gongkai_tools.review.render import _cut

    lines = ["## 节", "", "### 甲", "", "````diff", "+```", "+x", "````", "", "### 乙", "", "```diff", "+y", "```"]
    assert _cut(lines, 60) == ["## 节", "", "### 甲", "", "（本节过长，其余 10 行从略：见完整报告。）"]
    assert _cut(lines, 95) == lines[:10] + ["", "（本节过长，其余 3 行从略：见完整报告。）"]
    assert _cut(lines, 1000) == lines


def test_when_even_the_alerts_do_not_fit_the_report_says_so():
    from gongkai_tools.review.render import Section, assemble

    alerts = ["## ⚠ 需要特别确认的变更（300）", ""] + [f"- **撤销** 《事项{n}》" for n in range(300)]
    text, full = assemble([Section(["# 目录变更审查报告"]), Section(["## 概要", "", "| 1 |"]), Section(alerts),
                           Section(["## 新增事项（1）", "", "详情"], 5)], "review-full.md", limit=2000)
    lines = text.split("\n")
    assert len(text) <= 2000 and full.count("**撤销**") == 300 and 0 < text.count("**撤销**") < 300
    assert lines[2].endswith("**需要特别确认的变更太多，这里只列出前面的部分：其余各条请务必在完整报告中逐条确认。**")
    last = max(i for i, line in enumerate(lines) if line.startswith("- **撤销**"))
    assert lines[last + 2] == "（本节过长，其余 " + str(300 - text.count("**撤销**")) + " 行从略：见完整报告。）"
    assert "## 概要" in lines and "## 新增事项（1）" in lines


def test_scheduled_publication_is_flagged_for_the_reviewer():
    """Issue 11: a 定时发布 item goes public on its date after the merge, unseen: the reviewer is told now."""
    from gongkai_tools.review.compare import Comparison, Pair
    from gongkai_tools.review.render import alerts
    from gongkai_tools.review.snapshot import Entry

    meta = {"事项名称": "年度预算", "索引号": f"{ORG}/2026-00001", "发布日期": "2027-01-04", "定时发布": True}
    added = Entry("content/items/财政/预算.md", meta, "")
    same = Pair(Entry("a.md", dict(meta), ""), Entry("a.md", dict(meta), ""))
    moved = Pair(Entry("b.md", dict(meta), ""), Entry("b.md", {**meta, "发布日期": "2027-02-01"}, ""))
    assert alerts(Comparison([added], [], [same, moved]), {}, []) == [
        "- **定时发布** 《年度预算》（文件 `content/items/财政/预算.md`）：发布日期 2027-01-04 之前不在公开网站上，"
        "当天由每天的定时发布自动公开，不再经过审核：**⚠ 请现在就按公开的内容审核**",
        "- **定时发布** 《年度预算》（文件 `b.md`）：发布日期 2027-02-01 之前不在公开网站上，"
        "当天由每天的定时发布自动公开，不再经过审核：**⚠ 请现在就按公开的内容审核**"]
