"""`invoke fix`: the mechanical mistakes validation reports are repaired (only with write=True),
everything else is left alone."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import registry_project

from gongkai.catalogue import load_catalogue
from gongkai.errors import format_report
from gongkai.settings import Paths
from gongkai_tools.fixer import fix

REPO = Path(__file__).resolve().parents[1]
CATEGORIES = "- 名称: 社会救助\n  slug: shehui-jiuzhu\n  二级事项:\n    - 名称: 最低生活保障\n      slug: dibao\n"
UNITS = '- 名称: 示例县民政局\n  机构代码: 11530000MB0123456X\n  审核人: ["@mz-shenhe"]\n'
FIELDS = """\
事项名称: 城乡最低生活保障对象名单
索引号: 11530000MB0123456X/2024-00001
一级事项: 社会救助
二级事项: 最低生活保障
公开内容:
  - 保障对象户主姓名
  - 申请指南：包括申请条件和材料
公开依据:
  - 《社会救助暂行办法》
公开时限:
  类型: 即时
  说明: 自该信息形成或者变更之日起20个工作日内
公开主体: 示例县民政局
公开渠道: [政府网站, 公示栏]
公开对象: 全社会
公开方式: 主动
发布日期: 2024-03-05
"""
GOOD = f"---\n{FIELDS}---\n按乡镇分列的名单每月更新。\n"
# Every mechanical mistake at once, as Notepad on Windows would save it.
BROKEN = (FIELDS.replace("事项名称: ", "事项名称：").replace("  - 保障", "\t- 保障").replace("  - 申请", "\t- 申请")
          .replace("  - 《", "\u3000- 《").replace("  类型: ", "  类型：").replace("说明: ", "说明:\u3000"))


@pytest.fixture
def project(tmp_path) -> Path:
    root = registry_project(tmp_path / "project", CATEGORIES, UNITS)
    (root / "content" / "items" / "社会救助").mkdir()
    return root


def problems_of(root: Path) -> list:
    return load_catalogue(Paths.for_root(root))[1]


def test_broken_file_is_repaired_and_then_validates(project):
    item = project / "content/items/社会救助/低保名单.md"
    broken = f"——-\n{BROKEN}\n按乡镇分列的名单每月更新。\n".replace("\n", "\r\n").encode("gbk")
    item.write_bytes(broken)
    assert problems_of(project)  # the validator rejects it as it is
    diff, changed = fix([project / "content/items"], write=False)
    assert changed == [item] and item.read_bytes() == broken  # only shown, not written
    assert diff.splitlines()[0].endswith(
        "低保名单.md：GBK 编码转换为 UTF-8；第 1 行“——-”改为 ---；在第 18 行（最后一个字段）之后补上了结束的 ---；"
        "第 2 行：字段名后的全角冒号改为“: ”；第 7 行：Tab 缩进改为空格；第 8 行：Tab 缩进改为空格；第 10 行：全角空格改为半角空格；"
        "第 12 行：字段名后的全角冒号改为“: ”；第 13 行：全角空格改为半角空格")
    assert "\n-\t- 申请指南：包括申请条件和材料\n" in diff and "\n+  - 申请指南：包括申请条件和材料\n" in diff
    fix([project / "content/items"], write=True)
    assert not problems_of(project), format_report(problems_of(project))
    assert item.read_bytes() == f"---\n{FIELDS}---\n\n按乡镇分列的名单每月更新。\n".replace("\n", "\r\n").encode("utf-8")
    assert fix([item], write=True) == ("", [])


@pytest.mark.parametrize("written, repaired", [
    (f"－－－\n{FIELDS}- - -\n正文", GOOD.replace("按乡镇分列的名单每月更新。\n", "正文")),
    (f"{FIELDS}---\n正文", GOOD.replace("按乡镇分列的名单每月更新。\n", "正文")),
    (f"\n\n---\n{FIELDS}---\n", f"---\n{FIELDS}---\n"),
    (f"---\n{FIELDS}\n## 说明\n\n正文\n", f"---\n{FIELDS}---\n\n## 说明\n\n正文\n"),
], ids=["garbled-fences", "missing-opening", "blank-lines-first", "missing-closing-before-heading"])
def test_fences(project, written, repaired):
    item = project / "content/items/社会救助/低保名单.md"
    item.write_text(written, encoding="utf-8")
    fix([item], write=True)
    assert item.read_text(encoding="utf-8") == repaired
    assert not problems_of(project), format_report(problems_of(project))


def test_valid_files_bom_and_crlf_are_left_alone(project):
    item = project / "content/items/社会救助/低保名单.md"
    raw = b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8")
    item.write_bytes(raw)
    assert fix([project / "content"], write=True) == ("", [])
    assert item.read_bytes() == raw


def test_what_is_not_mechanical_stays_for_the_editor(project):
    item = project / "content/items/社会救助/低保名单.md"
    unclear = f"---\n{FIELDS}备注: 这一行不是字段\n正文第一行\n"  # where do the fields end?
    misspelt = f"---\n{FIELDS.replace('发布日期', '发布日其')}---\n"
    for text in (unclear, misspelt):
        item.write_text(text, encoding="utf-8")
        assert fix([item], write=True) == ("", [])
        assert item.read_text(encoding="utf-8") == text


def test_colon_in_a_value_is_not_a_key(project):
    """Only known keys get their full-width colon replaced, even when the fields do not load."""
    item = project / "content/items/社会救助/低保名单.md"
    tabbed = FIELDS.replace("  类型: ", "\t类型: ")
    item.write_text(f"---\n{tabbed}---\n", encoding="utf-8")
    fix([item], write=True)
    assert "  - 申请指南：包括申请条件和材料\n" in item.read_text(encoding="utf-8")
    assert not problems_of(project)


def test_undecodable_file_is_named_not_touched(project):
    item = project / "content/items/社会救助/乱码.md"
    item.write_bytes(b"---\n\xff\xfe\xfa\n---\n")
    diff, changed = fix([item], write=True)
    assert changed == [] and diff.endswith("乱码.md：既不是 UTF-8 也不是 GBK 编码，无法自动修复，请用编辑器另存为 UTF-8\n")
    assert item.read_bytes() == b"---\n\xff\xfe\xfa\n---\n"


def test_fix_write_never_follows_a_link_or_leaves_the_project(tmp_path):
    """Issue 9: `invoke fix --write` followed a symlink out of the repository and rewrote its target."""
    from conftest import make_mini_project, run_invoke

    root = make_mini_project(tmp_path / "site")
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "别人的文件.md"
    broken = f"{FIELDS.replace('事项名称: ', '事项名称：')}---\n正文\n".encode("gbk")
    target.write_bytes(broken)
    (root / "content/items/社会救助/链接.md").symlink_to(target)
    (root / "content/items/链接文件夹").symlink_to(outside, target_is_directory=True)
    done = run_invoke(root, "fix", "--write")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "# content/items/社会救助/链接.md：是符号链接（快捷方式），没有修复：请换成普通文件\n\n"
    elsewhere = run_invoke(root, "fix", "--path", str(target), "--write")
    assert elsewhere.stdout == f"# {target.as_posix().lstrip('/')}：在项目文件夹以外，没有修复\n\n"
    assert target.read_bytes() == broken


def test_fix_write_normalises_dates_and_dashes_and_says_what_it_wrote(tmp_path):
    """Issue 11: 2024-3-5, 2024/3/5 and 2024年3月5日 become 2024-03-05; "-审核" becomes "- 审核";
    `invoke fix --write` ends by naming the files it wrote."""
    from conftest import make_mini_project, run_invoke

    root = make_mini_project(tmp_path / "site")
    item = root / "content/items/社会救助/低保名单.md"
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("发布日期: 2024-03-05", "成文日期: 2024/3/1\n发布日期: 2024-3-5\n更新日期: 2024年3月6日")
                    .replace("  - 保障人数和月保障金额", "  -保障人数和月保障金额"), encoding="utf-8")
    assert run_invoke(root, "validate").returncode == 1
    done = run_invoke(root, "fix", "--write")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("# content/items/社会救助/低保名单.md：第 9 行：列表项的“-”后加了空格；第 19 行：日期“2024/3/1”改为 2024-03-01；"
                        "第 20 行：日期“2024-3-5”改为 2024-03-05；第 21 行：日期“2024年3月6日”改为 2024-03-06")
    assert lines[-1] == "已写入 1 个文件：content/items/社会救助/低保名单.md。请再运行 invoke validate 检查。"
    assert item.read_text(encoding="utf-8") == text.replace(
        "发布日期: 2024-03-05", "成文日期: 2024-03-01\n发布日期: 2024-03-05\n更新日期: 2024-03-06")
    assert run_invoke(root, "validate").returncode == 0


def test_a_quoted_term_opening_a_value_gets_chinese_quotes(project):
    """`事项名称: "城乡低保"对象名单` does not load (YAML takes the quotes as quoting the whole value):
    the quotes become Chinese ones. A value quoted whole, with a comment after it, stays; so does
    an entry whose "：" is ordinary text though 说明 is a key elsewhere (公开时限.说明)."""
    item = project / "content/items/社会救助/低保名单.md"
    fields = (FIELDS.replace("事项名称: 城乡最低生活保障对象名单", '事项名称: "城乡低保"对象名单')
              .replace("  - 保障对象户主姓名", "  - '保障对象'户主姓名\n  - 说明：按季度更新")
              .replace("  说明: 自该信息形成或者变更之日起20个工作日内", '  说明: "自该信息形成或者变更之日起20个工作日内"  # 法定时限'))
    item.write_text(f"---\n{fields}---\n正文\n", encoding="utf-8")
    assert [p.message[:20] for p in problems_of(project)] == ["值以英文引号开头时，引号会被当作括住整个"]
    diff, changed = fix([item], write=True)
    assert changed == [item]
    assert diff.splitlines()[0].endswith("低保名单.md：第 2 行：值开头的英文引号改为中文引号；第 7 行：值开头的英文引号改为中文引号")
    assert item.read_text(encoding="utf-8") == "---\n" + (
        fields.replace('"城乡低保"对象名单', "“城乡低保”对象名单").replace("'保障对象'户主姓名", "‘保障对象’户主姓名")) + "---\n正文\n"
    assert not problems_of(project), format_report(problems_of(project))


def test_dates_of_document_files_are_normalised_too(tmp_path):
    """失效日期 is a field of documents only (schema/document.schema.json): fix knows it as well."""
    from conftest import make_mini_project, run_invoke

    root = make_mini_project(tmp_path / "site")
    folder = root / "content/items/社会救助/低保名单"
    folder.mkdir()
    document = folder / "审核办法.md"
    document.write_text("---\n标题: 示例县城乡低保审核办法（2019年）\n索引号: 11530000MB0123456X/2019-00001\n"
                        "文件类型: 行政规范性文件\n发布日期: 2019/5/28\n有效性: 废止\n失效日期: 2024年3月5日\n---\n已废止。\n",
                        encoding="utf-8")
    before = run_invoke(root, "validate").stdout.splitlines()
    assert before[:2] == [
        "content/items/社会救助/低保名单/审核办法.md:5: 发布日期: 日期应写成 2019-05-28（格式 YYYY-MM-DD），实际为文本“2019/5/28”（invoke fix --write 可自动修复）",
        "content/items/社会救助/低保名单/审核办法.md:7: 失效日期: 日期应写成 2024-03-05（格式 YYYY-MM-DD），实际为文本“2024年3月5日”（invoke fix --write 可自动修复）"]
    done = run_invoke(root, "fix", "--write")
    assert done.stdout.splitlines()[0] == ("# content/items/社会救助/低保名单/审核办法.md：第 5 行：日期“2019/5/28”改为 2019-05-28；"
                                           "第 7 行：日期“2024年3月5日”改为 2024-03-05")
    assert "失效日期: 2024-03-05\n" in document.read_text(encoding="utf-8")
    assert run_invoke(root, "validate").returncode == 0


def test_a_colon_without_its_space_gets_one_after_a_known_key_only(project):
    """`发布日期:2024-03-05` reads as text and the fields do not load: a space is added after the
    colon of a known key; the text entry "电话:0871-1234" stays as it is."""
    item = project / "content/items/社会救助/低保名单.md"
    fields = FIELDS.replace("发布日期: 2024-03-05", "发布日期:2024-03-05").replace("  - 保障对象户主姓名", "  - 电话:0871-1234")
    item.write_text(f"---\n{fields}---\n正文\n", encoding="utf-8")
    assert [(p.line, p.message[:12]) for p in problems_of(project)] == [(18, "字段名后的冒号“:”后面")]
    diff, changed = fix([item], write=True)
    assert diff.splitlines()[0].endswith("低保名单.md：第 18 行：字段名后的冒号后加了空格")
    assert item.read_text(encoding="utf-8") == f"---\n{fields.replace('发布日期:2024', '发布日期: 2024')}---\n正文\n"
    assert not problems_of(project), format_report(problems_of(project))
