"""Every editor mistake from the foundation issue, each with the exact words and line the editor reads.

Unit layer: load_catalogue on a throw-away project. The same cases are run end to end through
`invoke validate` and the Pelican build in test_build.py.
"""
from __future__ import annotations

import json

import pytest
from conftest import EXAMPLES, REPO

from gongkai.catalogue import load_catalogue
from gongkai.settings import Paths


def with_rules(loaded):
    """(catalogue, the files' problems and what the per-item rules found)."""
    catalogue, files, rules = loaded
    return catalogue, files + rules


SCHEMA_KEYS = list(json.loads((REPO / "schema/item.schema.json").read_text(encoding="utf-8"))["properties"])
MINIMAL = (EXAMPLES / "minimal_item.md").read_text(encoding="utf-8")
BAD = "content/items/社会救助/bad.md"


def variant(old: str, new: str) -> str:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new, 1)


QUOTE_HINT = "值以英文引号开头时，引号会被当作括住整个值的符号，结束的引号后面不能再有文字：请改用中文引号“”（invoke fix --write 可自动修复）"
NEW_INDEX = ("索引号: 11530000MB0123456X/2024-00001", "索引号: 11530000MB0123456X/2024-00002")

# name -> (file text or bytes, expected report lines for the bad file)
MISTAKES = {
    "gbk_from_notepad": (variant(*NEW_INDEX).encode("gbk"), [
        f"{BAD}:3: 文件不是 UTF-8 编码（看起来是 GBK/GB2312，常见于 Windows 记事本或 WPS 保存的文本）。"
        "请用记事本“另存为”，编码选择“UTF-8”；或运行 invoke fix --write 自动转换"]),
    "fullwidth_colon": (variant("事项名称: 城乡", "事项名称：城乡").replace(*NEW_INDEX), [
        f"{BAD}:3: 事项名称: 字段名后用了中文全角冒号“：”，应为英文冒号加一个空格“: ”（invoke fix --write 可自动修复）"]),
    "fullwidth_space": (variant("发布日期: 2024", "发布日期:\u30002024").replace(*NEW_INDEX), [
        f"{BAD}:19: 发布日期: 这一行用了中文全角空格，字段部分只认半角空格：请改为半角空格（invoke fix --write 可自动修复）"]),
    "tab_indent": (variant("  - 《社会救助暂行办法》", "\t- 《社会救助暂行办法》").replace(*NEW_INDEX), [
        f"{BAD}:11: 公开依据: 这一行用了制表符（Tab）缩进，字段部分只能用空格缩进：请把 Tab 换成两个空格（invoke fix --write 可自动修复）"]),
    "duplicate_key": (variant("公开方式: 主动", "公开方式: 主动\n公开方式: 依申请").replace(*NEW_INDEX), [
        f"{BAD}:19: 公开方式: 字段重复出现（第 18 行已有同名字段），只有最后一个会生效：请删除或合并其中一个"]),
    "impossible_date": (variant("发布日期: 2024-03-05", "发布日期: 2024-02-30").replace(*NEW_INDEX), [
        f"{BAD}:19: 发布日期: 不是有效的日期：应为真实存在的日期，格式 YYYY-MM-DD（例如 2024-03-15），实际为文本“2024-02-30”"]),
    "missing_closing_fence": (variant("---\n按乡镇", "按乡镇").replace(*NEW_INDEX), [
        f"{BAD}:1: 字段部分缺少结束行：请在最后一个字段之后单独一行写 ---，再写正文"]),
    "not_a_mapping": ("---\n- 城乡最低生活保障对象名单\n- 示例县民政局\n---\n", [
        f"{BAD}:2: 内容应是一行一个“字段名: 值”，实际读到的是列表"]),
    "number_for_text": (variant("发布日期: 2024-03-05", "发布日期: 2024-03-05\n文号: 37").replace(*NEW_INDEX), [
        f"{BAD}:20: 文号: 应为文本，实际为数字 37。请加引号，写成 \"37\""]),
    "subcategory_elsewhere": (variant("二级事项: 最低生活保障", "二级事项: 部门预决算").replace(*NEW_INDEX), [
        f"{BAD}:6: 二级事项: “部门预决算”没有登记在 schema/categories.yaml 中“社会救助”下。"
        "可选：最低生活保障、临时救助。如确需新增，请先在登记表中添加"]),
    "unregistered_unit": (variant("公开主体: 示例县民政局", "公开主体: 示例县民证局").replace(*NEW_INDEX), [
        f"{BAD}:15: 公开主体: “示例县民证局”没有登记在 schema/units.yaml。是不是“示例县民政局”？如确需新增，请先在登记表中添加"]),
    "missing_attachment": (variant("发布日期: 2024-03-05", "发布日期: 2024-03-05\n附件:\n  - 名称: 名单\n    文件: attachments/名单.pdf").replace(*NEW_INDEX), [
        f"{BAD}:22: 附件 第 1 项的文件: 找不到附件文件 content/attachments/名单.pdf：请确认文件已提交，路径相对于 content/，大小写一致"]),
    "misspelt_key": (variant("发布日期: 2024-03-05", "发布时间: 2024-03-05").replace(*NEW_INDEX), [
        f"{BAD}:19: 发布时间: 不是允许的字段，是不是“发布日期”？允许的字段有：{'、'.join(SCHEMA_KEYS)}"]),
    # A renamed required key is the missing one, not the closest spelling among all (五公开), and
    # the "缺少必填字段" line it explains is not repeated.
    "renamed_required_key": (variant("公开主体: 示例县民政局", "公开单位: 示例县民政局").replace(*NEW_INDEX), [
        f"{BAD}:15: 公开单位: 不是允许的字段，是不是“公开主体”？允许的字段有：{'、'.join(SCHEMA_KEYS)}"]),
    # Chinese titles quote terms ("放管服"改革): an ASCII quote opening a value then quotes the
    # whole value for YAML, which PyYAML reports as an indentation problem ("expected <block end>").
    "quote_then_text": (variant("事项名称: 城乡最低生活保障对象名单", '事项名称: "城乡低保"对象名单').replace(*NEW_INDEX), [
        f"{BAD}:3: 事项名称: {QUOTE_HINT}"]),
    "quote_then_text_in_a_list": (variant("  - 保障人数和月保障金额", "  - '保障人数'和月保障金额").replace(*NEW_INDEX), [
        f"{BAD}:9: 公开内容: {QUOTE_HINT}"]),
    # "：" in a text is ordinary punctuation: blamed only where it stands for a key's ": ".
    "fullwidth_colon_in_a_text_beside_a_quote": (variant("  - 保障人数和月保障金额", "  - 保障人数：按月统计").replace(
        "事项名称: 城乡最低生活保障对象名单", '事项名称: "城乡低保"对象名单').replace(*NEW_INDEX), [
        f"{BAD}:3: 事项名称: {QUOTE_HINT}"]),
    "fullwidth_colon_key_beside_one_in_a_text": (variant("  - 保障人数和月保障金额", "  - 保障人数：按月统计").replace(
        "公开对象: 全社会", "公开对象：全社会").replace(*NEW_INDEX), [
        f"{BAD}:17: 公开对象: 字段名后用了中文全角冒号“：”，应为英文冒号加一个空格“: ”（invoke fix --write 可自动修复）"]),
    # Without its space, YAML reads "发布日期:2024-03-05" as text and stumbles on the next line.
    # The "电话:…" entry is text all the same, and is not blamed.
    "no_space_after_colon": (variant("发布日期: 2024-03-05", "发布日期:2024-03-05").replace(
        "  - 保障人数和月保障金额", "  - 电话:0871-1234").replace(*NEW_INDEX), [
        f"{BAD}:19: 发布日期: 字段名后的冒号“:”后面要加一个空格，写成“字段名: 值”（invoke fix --write 可自动修复）"]),
    # A key indented by one space joins the block above: its indentation is the one problem
    # (the key is not also called missing).
    "key_indented_by_a_space": (variant("公开主体: 示例县民政局", " 公开主体: 示例县民政局").replace(*NEW_INDEX), [
        f"{BAD}:15: 公开时限: 缩进不一致：同一层的字段要左对齐，列表项“- ”前的空格数要一致"]),
    # PyYAML reads an unclosed quote on to the end of the fields and complains there (line 20).
    "unclosed_quote": (variant("事项名称: 城乡最低生活保障对象名单", '事项名称: "城乡最低生活保障对象名单').replace(*NEW_INDEX), [
        f"{BAD}:3: 事项名称: 引号没有成对出现：这一行的值以英文引号开头，却没有结束的引号。请补上结束的引号，或去掉开头的引号"]),
    "loose_date": (variant("发布日期: 2024-03-05", "发布日期: 2024年3月5日").replace(*NEW_INDEX), [
        f"{BAD}:19: 发布日期: 日期应写成 2024-03-05（格式 YYYY-MM-DD），实际为文本“2024年3月5日”（invoke fix --write 可自动修复）"]),
    "periodic_without_period": (variant("类型: 即时", "类型: 定期").replace(*NEW_INDEX), [
        f"{BAD}:12: 公开时限.周期: 缺少必填字段“周期”：应为 月度、季度、半年、年度 之一"]),
    # Issue 11: the common wrong writings (x-aliases in the schema) get the value meant.
    "alias_of_a_value": (variant("公开方式: 主动", "公开方式: 主动公开").replace("类型: 即时", "类型: 定期\n  周期: 季度更新")
                         .replace("公开对象: 全社会", "公开对象: 社会公众").replace(*NEW_INDEX), [
        f"{BAD}:14: 公开时限.周期: 应为 月度、季度、半年、年度 之一，实际为文本“季度更新”。是不是“季度”？",
        f"{BAD}:18: 公开对象: 应为 全社会、特定群体、内部 之一，实际为文本“社会公众”。是不是“全社会”？",
        f"{BAD}:19: 公开方式: 应为 主动、依申请 之一，实际为文本“主动公开”。是不是“主动”？"]),
    # The list reads as one text: the message is on the broken entry's line (11), not the key's (10).
    "dash_without_space_in_a_one_entry_list": (variant("  - 《社会救助暂行办法》", "  -《社会救助暂行办法》").replace(*NEW_INDEX), [
        f"{BAD}:11: 公开依据: 应为列表（每行以“- ”开头），实际为文本“-《社会救助暂行办法》”。列表项的“-”后要加一个空格，写成“- 内容”"]),
    "dash_without_space_in_the_first_entry": (variant("  - 保障对象户主姓名（部分隐去）", "  -救助对象和范围").replace(*NEW_INDEX), [
        f"{BAD}:8: 公开内容: 应为列表（每行以“- ”开头），实际为文本“-救助对象和范围 - 保障人数和月保障金额”。"
        "列表项的“-”后要加一个空格，写成“- 内容”"]),
    # A YAML syntax problem names the field its line belongs to, like every other message.
    "dash_without_space": (variant("  - 保障人数和月保障金额", "  -保障人数和月保障金额").replace(*NEW_INDEX), [
        f"{BAD}:9: 公开内容: 列表项的“-”后要加一个空格，写成“- 内容”（invoke fix --write 可自动修复）"]),
    # One run names every mistake: a YAML error on one line does not hide the other keys' problems.
    "syntax_error_and_more": (variant("索引号: 11530000MB0123456X/2024-00001", "索引号: 11530000MB0123456X/2024-00002: 副本")
                              .replace("公开对象: 全社会", "公开对象: 全体")
                              .replace("发布日期: 2024-03-05", "发布日期: 2024-03-05\n更新日期: 2024-03-01"), [
        f"{BAD}:4: 索引号: 这里不能出现“: ”（冒号加空格）。如果值里本身有冒号，请用引号把整个值括起来",
        f"{BAD}:17: 公开对象: 应为 全社会、特定群体、内部 之一，实际为文本“全体”",
        f"{BAD}:20: 更新日期: 更新日期 2024-03-01 早于发布日期 2024-03-05：更新日期不能早于发布日期"]),
    "index_format_and_dates": (variant("索引号: 11530000MB0123456X/2024-00001", "索引号: 11530000MB0123456X-2024-2")
                               .replace("发布日期: 2024-03-05", "发布日期: 2024-03-05\n更新日期: 2024-03-01"), [
        f"{BAD}:4: 索引号: 格式不对：应为机构代码/年份-序号，例如 11530000MB0123456X/2024-00012，实际为文本“11530000MB0123456X-2024-2”",
        f"{BAD}:20: 更新日期: 更新日期 2024-03-01 早于发布日期 2024-03-05：更新日期不能早于发布日期"]),
    "mapping_for_text": (variant("公开主体: 示例县民政局", "公开主体:\n  名称: 示例县民政局").replace(*NEW_INDEX), [
        f"{BAD}:15: 公开主体: 应为文本，实际写成了带“字段: 值”的多行内容"]),
    "period_not_allowed": (variant("类型: 即时", "类型: 即时\n  周期: 季度").replace(*NEW_INDEX), [
        f"{BAD}:14: 公开时限.周期: 只有类型为“定期”时才能填写周期，请删除这一行或把类型改为定期"]),
    "updated_before_published": (variant("发布日期: 2024-03-05", "发布日期: 2024-03-05\n更新日期: 2024-03-01").replace(*NEW_INDEX), [
        f"{BAD}:20: 更新日期: 更新日期 2024-03-01 早于发布日期 2024-03-05：更新日期不能早于发布日期"]),
    "bad_index_format": (variant("索引号: 11530000MB0123456X/2024-00001", "索引号: 11530000MB0123456X-2024-1"), [
        f"{BAD}:4: 索引号: 格式不对：应为机构代码/年份-序号，例如 11530000MB0123456X/2024-00012，实际为文本“11530000MB0123456X-2024-1”"]),
    "bad_enum": (variant("公开对象: 全社会", "公开对象: 全体").replace(*NEW_INDEX), [
        f"{BAD}:17: 公开对象: 应为 全社会、特定群体、内部 之一，实际为文本“全体”"]),
    "list_written_as_text": (variant("公开依据:\n  - 《社会救助暂行办法》", "公开依据: 《社会救助暂行办法》").replace(*NEW_INDEX), [
        f"{BAD}:10: 公开依据: 应为列表（每行以“- ”开头），实际为文本“《社会救助暂行办法》”。列表要换行书写，每项一行，以“- ”开头"]),
    "no_opening_fence": (variant("---\n# The smallest", "# The smallest").replace(*NEW_INDEX), [
        f"{BAD}:1: 文件第一行必须是单独的 ---，其后写字段，字段写完后再单独一行 ---，然后是正文"]),
    "empty_front_matter": ("---\n---\n正文\n", [f"{BAD}:1: --- 与 --- 之间没有任何字段"]),
}


def problems_for(project, name: str):
    text = MISTAKES[name][0]
    path = project / BAD
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    _catalogue, problems = load_catalogue(Paths.for_root(project))[:2]
    return [str(p) for p in problems]


def test_example_items_are_valid(mini_project):
    catalogue, problems = load_catalogue(Paths.for_root(mini_project))[:2]
    assert problems == []
    assert sorted(i.index_no for i in catalogue.items) == [
        "11530000MB0123456X/2024-00001", "11530000MB0765432Y/2024-00003"]


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_each_editor_mistake_is_reported_with_file_line_and_hint(mini_project, name):
    assert problems_for(mini_project, name) == MISTAKES[name][1]


def test_bom_and_crlf_from_windows_are_accepted(mini_project):
    text = variant(*NEW_INDEX).replace("\n", "\r\n")
    (mini_project / BAD).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    catalogue, problems = load_catalogue(Paths.for_root(mini_project))[:2]
    assert problems == []
    assert len(catalogue.items) == 3


def test_missing_required_field(mini_project):
    (mini_project / BAD).write_text(variant("公开方式: 主动\n", "").replace(*NEW_INDEX), encoding="utf-8")
    _catalogue, problems = load_catalogue(Paths.for_root(mini_project))[:2]
    assert [str(p) for p in problems] == [f"{BAD}:1: 公开方式: 缺少必填字段“公开方式”：应为 主动、依申请 之一"]


def test_duplicate_index_names_both_files(mini_project):
    (mini_project / BAD).write_text(MINIMAL, encoding="utf-8")
    _catalogue, problems = load_catalogue(Paths.for_root(mini_project))[:2]
    assert [str(p) for p in problems] == [
        f"{BAD}:4: 索引号: 索引号“11530000MB0123456X/2024-00001”与 content/items/社会救助/低保名单.md:4 重复：每个事项的索引号必须唯一",
        "content/items/社会救助/低保名单.md:4: 索引号: 索引号“11530000MB0123456X/2024-00001”与 "
        f"{BAD}:4 重复：每个事项的索引号必须唯一",
    ]


def test_copied_item_with_the_same_title_and_number_names_both_files(mini_project):
    """Issue 11: a file copied under a new 索引号 and never changed (same 事项名称 and 文号)."""
    full = (EXAMPLES / "full_item.md").read_text(encoding="utf-8")
    copy = mini_project / "content/items/财政信息/副本.md"
    copy.write_text(full.replace("2024-00003", "2024-00009"), encoding="utf-8")
    _catalogue, problems = load_catalogue(Paths.for_root(mini_project))[:2]
    original = "content/items/财政信息/2024 年/部门预算.md"
    assert [str(p) for p in problems] == [
        f"{original}:3: 事项名称: 事项名称“示例县财政局2024年部门预算”和文号“示财预〔2024〕5号”都与 content/items/财政信息/副本.md:3 "
        "相同，像是复制后没有改的同一个事项：请改写其中一个，或删除重复的文件",
        "content/items/财政信息/副本.md:3: 事项名称: 事项名称“示例县财政局2024年部门预算”和文号“示财预〔2024〕5号”都与 "
        f"{original}:3 相同，像是复制后没有改的同一个事项：请改写其中一个，或删除重复的文件"]
    copy.write_text(full.replace("2024-00003", "2024-00009").replace("示财预〔2024〕5号", "示财预〔2024〕6号"), encoding="utf-8")
    assert load_catalogue(Paths.for_root(mini_project))[1] == []  # same title, another document: fine


def test_all_problems_are_reported_at_once(mini_project):
    (mini_project / BAD).write_text(MISTAKES["bad_enum"][0], encoding="utf-8")
    (mini_project / "content/items/社会救助/second.md").write_text(MISTAKES["impossible_date"][0].replace(
        "2024-00002", "2024-00009"), encoding="utf-8")
    _catalogue, problems = load_catalogue(Paths.for_root(mini_project))[:2]
    assert [p.field for p in problems] == ["公开对象", "发布日期"]


def test_stray_file_in_items_is_not_silently_dropped(mini_project):
    (mini_project / "content/items/社会救助/新事项.txt").write_text("---\n", encoding="utf-8")
    _catalogue, problems = load_catalogue(Paths.for_root(mini_project))[:2]
    assert [str(p) for p in problems] == [
        "content/items/社会救助/新事项.txt: 事项文件必须以 .md 结尾（例如 低保名单.md）；"
        "如果是附件，格式应为 pdf、ofd、doc、docx、xls、xlsx、wps、jpg、png"]


def test_empty_catalogue_does_not_pass_vacuously(mini_project):
    for path in (mini_project / "content/items").rglob("*.md"):
        path.unlink()
    _catalogue, problems = load_catalogue(Paths.for_root(mini_project))[:2]
    assert [str(p) for p in problems] == ["content/items: 没有找到任何事项文件（.md）"]


def test_registry_mistakes_are_located(mini_project):
    path = mini_project / "schema/units.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- 名称: 示例县民政局\n  审核人: [\"@x\"]\n", encoding="utf-8")
    _catalogue, problems = load_catalogue(Paths.for_root(mini_project))[:2]
    assert [str(p) for p in problems] == [
        "schema/units.yaml:9: 名称: 公开主体的名称“示例县民政局”重复（第 1 行已有），每个名称只能出现一次"]


def test_index_pattern_can_be_overridden_for_a_region(mini_project):
    regional = r"^([A-Z]{2}-\d{4}-\d{4}|[0-9A-Z]{18}/\d{4}-\d{5})$"
    (mini_project / BAD).write_text(variant("索引号: 11530000MB0123456X/2024-00001", "索引号: MZ-2024-0007"), encoding="utf-8")
    catalogue, problems = load_catalogue(Paths.for_root(mini_project), index_pattern=regional)[:2]
    assert problems == [] and len(catalogue.items) == 3
    (mini_project / BAD).write_text(variant("索引号: 11530000MB0123456X/2024-00001", "索引号: MZ-24-7"), encoding="utf-8")
    _catalogue, problems = load_catalogue(Paths.for_root(mini_project), index_pattern=regional)[:2]
    assert [str(p) for p in problems] == [
        f"{BAD}:4: 索引号: 格式不对：应为符合本地规则 {regional} 的索引号，实际为文本“MZ-24-7”"]


def test_parsing_on_several_cores_gives_the_serial_result(mini_project, monkeypatch):
    from gongkai import parallel

    for n in range(3, 9):
        (mini_project / f"content/items/社会救助/第{n}项.md").write_text(
            variant("2024-00001", f"2024-0000{n}"), encoding="utf-8")
    (mini_project / BAD).write_text(MISTAKES["bad_enum"][0], encoding="utf-8")
    serial = with_rules(load_catalogue(Paths.for_root(mini_project), render=True))
    monkeypatch.setattr(parallel, "MIN_JOBS_PER_WORKER", 2)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    spread = with_rules(load_catalogue(Paths.for_root(mini_project), render=True))
    assert [str(p) for p in spread[1]] == [str(p) for p in serial[1]] != []
    assert [(i.source, i.meta, i.html) for i in spread[0].items] == [(i.source, i.meta, i.html) for i in serial[0].items]


def test_an_item_the_schema_rejects_is_still_checked_against_registries_and_scanned(mini_project):
    text = (variant("二级事项: 最低生活保障", "二级事项: 低保").replace(*NEW_INDEX)
            .replace("发布日期: 2024-03-05", "发布日期: 2024-02-30").replace("按乡镇分列的名单每月更新。", "联系 13912345678"))
    (mini_project / BAD).write_text(text, encoding="utf-8")
    _catalogue, problems = with_rules(load_catalogue(Paths.for_root(mini_project)))
    assert [(p.line, p.field) for p in sorted(problems)] == [(6, "二级事项"), (19, "发布日期"), (21, "正文")]
    assert str(sorted(problems)[0]).endswith("“低保”没有登记在 schema/categories.yaml 中“社会救助”下。"
                                             "是不是“最低生活保障”？如确需新增，请先在登记表中添加")


# Each after a value of the same field that is right (定时发布: true, then 1).
WRONG_VALUES = [{"定时发布": True}, {"定时发布": 1}, {"定时发布": "true"}, {"公开主体": 1}, {"公开主体": "示例县\n民政局"},
                {"发布日期": "2024-02-30"}, {"发布日期": 20240301}, {"公开时限": {"类型": "尽快"}}, {"公开对象": True},
                {"公开依据": "《社会救助暂行办法》"}]


def test_values_found_valid_before_are_skipped_yet_every_problem_is_still_found():
    """schema._properties skips a value already found valid under the same subschema (most fields
    repeat from file to file). Compared with jsonschema's own `properties` on every example file
    and on wrong values put into each (a boolean written 1 after files with true, text with a line
    break, an impossible date…), all checked twice: the second pass meets only values seen before."""
    from jsonschema import Draft202012Validator, FormatChecker, validators

    from gongkai import schema
    from gongkai.frontmatter import read_source

    path = str(REPO / "schema" / "item.schema.json")
    plain = validators.extend(Draft202012Validator, {"pattern": schema._one_line_pattern, "type": schema._type_and_text})(
        schema.load_schema(path), format_checker=FormatChecker())
    memo = schema.compiled(path)
    sources = [read_source(p, p.name) for p in sorted((REPO / "content" / "items").rglob("*.md"))]
    metas = [s.meta for s in sources] + [{**s.meta, **wrong} for s in sources[:12] for wrong in WRONG_VALUES]
    schema._VALID.clear()
    expected = [[str(p) for p in schema.check(plain, m, {}, "x.md")] for m in metas]
    for _pass in range(2):
        assert [[str(p) for p in schema.check(memo, m, {}, "x.md")] for m in metas] == expected
    assert len(schema._VALID) > 50  # values were kept (and skipped on the second pass)
    assert sum(map(len, expected)) >= 12 * (len(WRONG_VALUES) - 1)  # every wrong value was reported
