"""`invoke new`: a new item file that passes the schema at once (its placeholders are refused by the
publish gate until replaced: tests/test_gate.py), the next free 索引号, never an overwrite."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLES, registry_project

from gongkai.catalogue import load_catalogue
from gongkai.errors import format_report
from gongkai.settings import Paths
from gongkai_tools.scaffold import ScaffoldError, ask_new_item, new_item

REPO = Path(__file__).resolve().parents[1]
CATEGORIES = (EXAMPLES / "categories.yaml").read_text(encoding="utf-8")
UNITS = """\
- 名称: 示例县民政局
  机构代码: 11530000MB0123456X
  审核人: ["@mz-shenhe"]
- 名称: 示例县财政局
  机构代码: 11530000MB0765432Y
  审核人: ["@cz-shenhe"]
- 名称: 示例县档案馆
  审核人: ["@da-shenhe"]
"""
LOW_INCOME = dict(title="城乡低保对象名单", category="社会救助", subcategory="最低生活保障", unit="示例县民政局",
                  limit_type="即时", date="2024-03-05")


@pytest.fixture
def project(tmp_path) -> Path:
    root = registry_project(tmp_path / "project", CATEGORIES, UNITS)
    return root


def validated(root: Path) -> dict:
    catalogue, problems = load_catalogue(Paths.for_root(root))[:2]
    assert not problems, format_report(problems)
    return {item.title: item.meta for item in catalogue.items}


def test_new_item_validates_with_comments_on_fields_to_fill(project):
    path = new_item(project, **LOW_INCOME)
    assert path == project / "content/items/社会救助/城乡低保对象名单.md"
    meta = validated(project)["城乡低保对象名单"]
    assert meta["索引号"] == "11530000MB0123456X/2024-00001"
    assert meta["公开时限"] == {"类型": "即时", "说明": "自该信息形成或者变更之日起20个工作日内"}
    assert (meta["公开方式"], meta["公开对象"], meta["发布日期"]) == ("主动", "全社会", "2024-03-05")
    text = path.read_text(encoding="utf-8")
    assert "# 待填写：公开内容要素，每行一项，以“- ”开头；请替换下面的示例行\n公开内容:\n  - 待填写：公开内容要素\n" in text
    assert "# 待补充：法律、法规、规章或文件，每行一项；下面一行只是起点\n公开依据:\n" in text
    assert "# 请核对：说明默认是《政府信息公开条例》第二十六条的时限，另有规定时照规定改写\n公开时限:\n" in text
    assert "# 请核对：可选 政府网站、政府公报" in text


def test_periodic_item_for_a_group_has_period_and_group_placeholder(project):
    path = new_item(project, title="部门预算公开", category="财政信息", subcategory="部门预决算", unit="示例县财政局",
                    limit_type="定期", period="年度", audience="特定群体", method="依申请", date="2024-03-05")
    meta = validated(project)["部门预算公开"]
    assert meta["公开时限"] == {"类型": "定期", "周期": "年度"}
    assert (meta["公开对象"], meta["对象说明"], meta["公开方式"]) == ("特定群体", "待填写：哪些群体，例如低保对象及其家庭成员", "依申请")
    assert "# 待填写：写明是哪些群体\n对象说明:" in path.read_text(encoding="utf-8")
    assert "# 请核对：说明默认是" not in path.read_text(encoding="utf-8")


def test_sequence_is_per_unit_code_and_year_and_continues_after_the_highest(project):
    old = project / "content/items/社会救助/旧.md"
    old.parent.mkdir(parents=True)
    old.write_text("---\n索引号: '11530000MB0123456X/2024-00041'\n---\n", encoding="utf-8")
    (project / "content/items/社会救助/去年.md").write_text("---\n索引号: 11530000MB0123456X/2023-00090\n---\n", encoding="utf-8")
    first = new_item(project, **LOW_INCOME)
    second = new_item(project, **dict(LOW_INCOME, title="临时救助对象名单", subcategory="临时救助"))
    other_unit = new_item(project, title="部门决算公开", category="财政信息", subcategory="部门预决算",
                          unit="示例县财政局", limit_type="长期", date="2024-03-05")
    next_year = new_item(project, **dict(LOW_INCOME, title="低保标准", date="2025-01-02"))
    numbers = [p.read_text(encoding="utf-8").split("索引号: ")[1].split("\n")[0] for p in (first, second, other_unit, next_year)]
    assert numbers == ["11530000MB0123456X/2024-00042", "11530000MB0123456X/2024-00043",
                       "11530000MB0765432Y/2024-00001", "11530000MB0123456X/2025-00001"]


def test_refuses_to_overwrite(project):
    path = new_item(project, **LOW_INCOME)
    path.write_text(path.read_text(encoding="utf-8") + "编辑写的正文。\n", encoding="utf-8")
    with pytest.raises(ScaffoldError) as excinfo:
        new_item(project, **LOW_INCOME)
    assert str(excinfo.value) == ("文件已存在：content/items/社会救助/城乡低保对象名单.md。为免覆盖已有内容，没有写入："
                                  "请换一个事项名称，或直接编辑这个文件")
    assert path.read_text(encoding="utf-8").endswith("编辑写的正文。\n")


def test_wrong_answers_are_all_reported(project):
    with pytest.raises(ScaffoldError) as excinfo:
        new_item(project, title="甲", category="社会救助", subcategory="部门预决算", unit="示例县档案馆",
                 limit_type="即时", period="季度", method="公开", date="2024-03-05")
    assert str(excinfo.value) == "\n".join([
        "无法新建事项：",
        "  事项名称应为 2–120 个字，现在是 1 个字",
        "  二级事项“部门预决算”不在“社会救助”下，可选：最低生活保障、临时救助",
        "  公开主体“示例县档案馆”在 schema/units.yaml 中没有机构代码，无法生成索引号：请先补登“机构代码”",
        "  公开方式“公开”无效，可选：主动、依申请",
        "  只有公开时限为定期时才能选择周期"])
    assert not any((project / "content/items").iterdir())


def test_interactive_questions_offer_registry_choices(project):
    answers = iter(["低保审批结果", "1", "9", "最低生活保障", "示例县民政局", "2", "3", "", "2"])
    asked, said = [], []

    def ask(prompt):
        asked.append(prompt)
        return next(answers)

    path = ask_new_item(project, ask=ask, say=said.append, date="2024-03-05")
    meta = validated(project)["低保审批结果"]
    assert (meta["二级事项"], meta["公开主体"], meta["公开时限"]) == ("最低生活保障", "示例县民政局", {"类型": "定期", "周期": "半年"})
    assert (meta["公开方式"], meta["公开对象"]) == ("主动", "特定群体")
    assert said[:4] == ["一级事项：", "  1. 社会救助", "  2. 财政信息", "二级事项："]
    assert "没有“9”这个选项，请输入 1–2 之间的编号" in said
    assert "请输入编号或名称（直接回车选“主动”）：" in asked
    assert said[-2] == "已新建：content/items/社会救助/低保审批结果.md" and path.is_file()


def test_invoke_new_says_once_where_the_file_is(tmp_path):
    """Issue 11: `invoke new` printed 已新建 twice."""
    from conftest import make_mini_project, run_invoke

    root = make_mini_project(tmp_path / "site")
    done = run_invoke(root, "new", "--title", "临时救助对象名单", "--category", "社会救助", "--subcategory", "最低生活保障",
                      "--unit", "示例县民政局", "--limit", "即时", "--method", "主动", "--audience", "全社会",
                      "--date", "2024-03-05")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "已新建：content/items/社会救助/临时救助对象名单.md",
        "请打开文件，按“# 待填写”“# 请核对”的提示补全内容，然后运行 invoke validate 检查（还有“待填写”的文件不能通过校验，也不会发布）。"]


def test_invoke_import_help_works(tmp_path):
    """Issue 11: `invoke import --help` took --help for the table's file name and exited 1."""
    from conftest import make_mini_project, run_invoke

    done = run_invoke(make_mini_project(tmp_path / "site"), "import", "--help")
    assert done.returncode == 0 and done.stderr == ""
    assert "把现有的政务公开目录表格导入为事项文件" in done.stdout and "--dry-run" in done.stdout


def test_a_title_with_ascii_quotes_is_written_single_quoted_and_reads_back(project):
    """A clerk types `"放管服"改革事项清单`: the file says it as an editor would write it (nothing
    escaped), and it validates as that title."""
    path = new_item(project, **{**LOW_INCOME, "title": '"放管服"改革事项清单'})
    assert "\n事项名称: '\"放管服\"改革事项清单'\n" in path.read_text(encoding="utf-8")
    assert '"放管服"改革事项清单' in validated(project)


@pytest.mark.parametrize("text, written", [
    ('"放管服"改革事项清单', "'\"放管服\"改革事项清单'"),
    ("it's \"q\"", "it's \"q\""),  # plain reads back: no quotes at all
    ("\"q\" 和 'r'", "'\"q\" 和 ''r'''"),
    ("\"D:\\公开\\名单.xlsx\"", "'\"D:\\公开\\名单.xlsx\"'"),
    ('"q" \u0007', '"\\"q\\" \\u0007"'),  # a control character: only double quotes can write it
    ("- a", '"- a"'),
    ("低保名单", "低保名单"),
])
def test_scalar_writes_each_text_so_that_it_reads_back(text, written):
    import yaml

    from gongkai.frontmatter import Loader
    from gongkai_tools.yamlwrite import scalar

    assert scalar(text) == written
    assert yaml.load(f"k: {written}\n", Loader=Loader) == {"k": text}
