"""`invoke review --base REF`: the reviewers' report, on a throw-away git repository.

The base commit holds the small test catalogue plus three items; a branch then adds, changes,
moves, removes, re-numbers and un-publishes items and edits both registries. Every assertion is a
line a reviewer reads.
"""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import BUILD_EPOCH, make_mini_project
from tools.review import (ADDED, REMOVED, BaseUnknown, FieldChange, describe_change, diff_generic, fenced,
                          review, review_cli)

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
        "", "| 新增 | 修改 | 移动 | 撤销 | 登记表变更 |", "| --- | --- | --- | --- | --- |", "| 2 | 3 | 1 | 1 | 3 |", "",
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
        f"  - {ADDED} 内容：139****5678；类型：手机号码；审核人：@mz-shenhe；日期：2024-06-01；说明：民政局对外公布的救助热线",
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
                         f"- {NEW}:19: 正文: 疑似居民身份证号码“1101**********002X”：公开前请删除或脱敏；"
                         "确需公开的，请在 保密审查 中登记（内容照抄原文中的完整号码）并注明审核人"]
    assert lines[5:] == [
        "### 保密审查登记（1 条）", "", "请逐条核对：登记的内容确需公开，审核人确有权确认。", "",
        "| 事项 | 类型 | 内容 | 审核人 | 日期 | 说明 | 本次新增 | 位置 |", "| --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| 城乡最低生活保障对象名单 | 手机号码 | 139****5678 | @mz-shenhe | 2024-06-01 | 民政局对外公布的救助热线 | 是 | {DIBAO}:22 |",
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
    assert "| 2 | 3 | 1 | 1 | 3 |" in report


def test_nothing_changed(tmp_path):
    root = tmp_path / "project"
    make_base(root)
    lines = review(root, "main").split("\n")
    assert "| 0 | 0 | 0 | 0 | 0 |" in lines
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
    assert [n.text for n in diff_generic(old, new)] == [f"{ADDED} 词：医保；同义词：医疗保险"]
    assert [n.text for n in diff_generic(new, old)] == [f"{REMOVED} 词：医保；同义词：医疗保险"]


def test_fence_outgrows_backticks_in_the_body():
    assert fenced(["```python", "x"], "markdown") == ["````markdown", "```python", "x", "````"]


def test_base_unknown_is_a_catalogue_error():
    from catalogue.errors import CatalogueError

    assert issubclass(BaseUnknown, CatalogueError)


def test_a_file_broken_beyond_reading_is_a_change_not_a_removal(tmp_path):
    root = tmp_path / "project"
    make_base(root)
    edit(root, RENUMBERED, "2024-04-02\n---\n", "2024-04-02\n")  # the closing --- deleted
    lines = review(root, "main").split("\n")
    assert "| 0 | 1 | 0 | 0 | 0 |" in lines
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
    assert f"- **转为公开** 《临时救助工作台账》（文件 `{HIDDEN}`）：公开对象 内部 → 特定群体，将在网站上公开：请确认已完成保密审查" in lines
    assert "- 公开对象：内部 → 特定群体 **⚠ 将在公开网站上公开**" in lines
    assert section(lines, "## 登记表变更") == [
        "", "### `schema/item.schema.json`", "", "- 文件有修改：字段或校验规则可能改变，请由技术人员核对文件差异", ""]


def test_large_changes_list_only_names_beyond_the_first_items(monkeypatch):
    from tools import review as module

    monkeypatch.setattr(module, "DETAILED_ITEMS", 1)
    entries = [module.Entry(f"content/items/{n}.md", {"事项名称": n, "索引号": f"{ORG}/2024-0000{i}"}, "")
               for i, n in enumerate(["甲事项", "乙事项", "丙事项"], 1)]
    assert module.added_section(entries, order=[]) == [
        "## 新增事项（3）", "", "### 《甲事项》", "", "- 文件：`content/items/甲事项.md`",
        f"- 索引号：{ORG}/2024-00001（网址 items/{ORG}-2024-00001/）", "- 正文：（无）", "",
        "以上 1 项列出详情；其余 2 项只列名称，完整内容请查看文件差异，或在本地运行 invoke review：", "",
        "- 《乙事项》：`content/items/乙事项.md`", "- 《丙事项》：`content/items/丙事项.md`"]
