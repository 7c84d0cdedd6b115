"""The annual report (issue 14): the national format's cross-checks and every editor mistake in a
report file, each with the exact words and the line the editor reads; the counts the catalogue
derives; the warnings; `invoke report-draft`; `invoke audit`.

Reports come from tests/examples/report_published.md (a correct 2025 report) and
report_previous_year.md (its 2024), placed in a throw-away project.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO, make_mini_project, run_invoke

from gongkai.boundary import Boundary
from gongkai.catalogue import load_catalogue
from gongkai.report import derived
from gongkai.report.audit import report_finding
from gongkai.report.checks import load_reports as _load_reports
from gongkai.report.checks import report_warnings as _report_warnings
from gongkai.report.derived import CountedDocument, derived_counts
from gongkai.report.layout import (
    CARRIED_IN,
    CARRIED_OUT,
    DOC_KINDS,
    DOCS,
    FEE,
    HANDLED,
    HANDLED_TOTAL,
    NEW,
    RESULTS,
    S2,
    S3,
    S4,
    TOTAL,
    load_format,
)
from gongkai.settings import Paths


def load_reports(paths, render: bool = True):
    """The reports of a project, as load_project reads them."""
    return _load_reports(paths, Boundary.of(paths), render)


def report_warnings(catalogue, paths):
    """The 提醒 load_project prints for these reports."""
    return _report_warnings(catalogue, load_reports(paths, render=False)[0], paths.schema_dir)


PUBLISHED = (EXAMPLES / "report_published.md").read_text(encoding="utf-8")
PREVIOUS = (EXAMPLES / "report_previous_year.md").read_text(encoding="utf-8")
FILE = "content/reports/2025年报告.md"
SCHEMA = json.loads((REPO / "schema/report.schema.json").read_text(encoding="utf-8"))


def line_no(text: str, needle: str) -> int:
    """The 1-based line of the only line containing `needle`."""
    found = [n for n, line in enumerate(text.split("\n"), start=1) if needle in line]
    assert len(found) == 1, (needle, found)
    return found[0]


def changed(old: str, new: str, text: str = PUBLISHED) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def project(tmp_path: Path, **reports: str) -> Path:
    root = make_mini_project(tmp_path / "project")
    folder = root / "content/reports"
    folder.mkdir(parents=True)
    for name, text in reports.items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    return root


def problems_of(tmp_path: Path, text: str) -> list[str]:
    root = project(tmp_path, **{"2025年报告": text})
    _reports, problems = load_reports(Paths.for_root(root))
    return [str(p) for p in problems]


# ---------------------------------------------------------------- the format, from the schema

def test_every_key_the_checks_name_is_in_the_schema():
    fmt = load_format(REPO / "schema")
    paths = {c.path for c in fmt.cells()}
    columns = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", TOTAL]
    for column in columns:
        for row in (NEW, CARRIED_IN, CARRIED_OUT):
            assert (S3, row, column) in paths
        assert (S3, HANDLED, HANDLED_TOTAL, column) in paths
    for kind in DOC_KINDS:
        assert {(S2, DOCS, kind, c) for c in ("本年制发件数", "本年废止件数", "现行有效件数")} <= paths
    for result in RESULTS + (TOTAL,):
        assert (S4, "行政复议", result) in paths
    assert (FEE,) in paths
    assert len(paths) == 10 + 25 * 7 + 3 * 5 + 1  # 二 10, 三 25 rows × 7, 四 15, 信息处理费


def test_the_form_rows_are_those_of_the_national_format():
    results = SCHEMA["properties"][S3]["properties"][HANDLED]["properties"]
    assert list(results) == ["（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（三）不予公开",
                             "（四）无法提供", "（五）不予处理", "（六）其他处理", HANDLED_TOTAL]
    assert [len(results[k]["properties"]) for k in list(results)[2:6]] == [8, 3, 5, 3]


# ---------------------------------------------------------------- a correct report

def test_a_correct_report_has_no_problem(tmp_path):
    assert problems_of(tmp_path, PUBLISHED) == []


def test_the_example_reports_are_valid_and_consistent_with_the_catalogue():
    paths = Paths.for_root(REPO)
    reports, problems = load_reports(paths)
    assert problems == []
    assert sorted(r.year for r in reports) == [2024, 2025] and all(r.is_published for r in reports)
    catalogue, item_problems = load_catalogue(paths)[:2]
    assert item_problems == []
    assert report_warnings(catalogue, paths) == []


# ---------------------------------------------------------------- each cross-check, both sides shown

BALANCE_TAIL = "两者应相等（本表勾稽关系：第一项加第二项之和，等于第三项加第四项之和）"
NEW_ROW = "一、本年新收政府信息公开申请数量: {自然人: 35, 商业企业: 5, 科研机构: 1, 社会公益组织: 0, 法律服务机构: 2, 其他: 2, 总计: 45}"
HANDLED_ROW = "（七）总计: {自然人: 37, 商业企业: 4, 科研机构: 1, 社会公益组织: 0, 法律服务机构: 3, 其他: 2, 总计: 47}"


def test_one_plus_two_must_equal_three_total_plus_four_per_column(tmp_path):
    text = changed(NEW_ROW, NEW_ROW.replace("自然人: 35", "自然人: 36").replace("总计: 45", "总计: 46"))
    line = line_no(text, "（七）总计:")
    assert problems_of(tmp_path, text) == [
        f"{FILE}:{line}: {S3}: 自然人列：一+二 = 36+3 = 39，三（七）总计+四 = 37+1 = 38，{BALANCE_TAIL}",
        f"{FILE}:{line}: {S3}: 总计列：一+二 = 46+4 = 50，三（七）总计+四 = 47+2 = 49，{BALANCE_TAIL}"]


def test_seven_total_must_be_the_sum_of_one_to_six_with_their_numbered_rows(tmp_path):
    old = "1.属于国家秘密: {自然人: 0, 商业企业: 0, 科研机构: 0, 社会公益组织: 0, 法律服务机构: 0, 其他: 0, 总计: 0}"
    text = changed(old, old.replace("商业企业: 0", "商业企业: 2").replace("总计: 0", "总计: 2"))
    line = line_no(text, "（七）总计:")
    assert problems_of(tmp_path, text) == [
        f"{FILE}:{line}: {S3}: “（七）总计”行商业企业列 = 4，（一）至（六）之和 = （一）予以公开 2 + （二）部分公开 0 + "
        "（三）不予公开 3 + （四）无法提供 1 + （五）不予处理 0 + （六）其他处理 0 = 6，两者应相等（（三）至（六）各为其小项之和）",
        f"{FILE}:{line}: {S3}: “（七）总计”行总计列 = 47，（一）至（六）之和 = （一）予以公开 20 + （二）部分公开 5 + "
        "（三）不予公开 8 + （四）无法提供 10 + （五）不予处理 4 + （六）其他处理 2 = 49，两者应相等（（三）至（六）各为其小项之和）"]


def test_each_row_total_must_be_the_sum_of_its_six_columns(tmp_path):
    old = "3.其他: {自然人: 1, 商业企业: 0, 科研机构: 0, 社会公益组织: 0, 法律服务机构: 0, 其他: 0, 总计: 1}"
    text = changed(old, old.replace("商业企业: 0", "商业企业: 1"))
    line = line_no(text, "3.其他:")
    handled = line_no(text, "（七）总计:")
    assert problems_of(tmp_path, text) == [
        f"{FILE}:{line}: {S3}: “（六）其他处理 3.其他”行：总计 = 1，自然人+商业企业+科研机构+社会公益组织+法律服务机构+其他 = "
        "1+1+0+0+0+0 = 2，两者应相等",
        f"{FILE}:{handled}: {S3}: “（七）总计”行商业企业列 = 4，（一）至（六）之和 = （一）予以公开 2 + （二）部分公开 0 + "
        "（三）不予公开 1 + （四）无法提供 1 + （五）不予处理 0 + （六）其他处理 1 = 5，两者应相等（（三）至（六）各为其小项之和）"]


def test_review_and_lawsuit_totals_must_be_the_sum_of_their_four_results(tmp_path):
    text = changed("行政复议: {结果维持: 1, 结果纠正: 1, 其他结果: 0, 尚未审结: 1, 总计: 3}",
                   "行政复议: {结果维持: 1, 结果纠正: 1, 其他结果: 0, 尚未审结: 1, 总计: 4}")
    text = changed("复议后起诉: {结果维持: 1, 结果纠正: 0, 其他结果: 0, 尚未审结: 0, 总计: 1}",
                   "复议后起诉: {结果维持: 1, 结果纠正: 0, 其他结果: 0, 尚未审结: 2, 总计: 1}", text)
    assert problems_of(tmp_path, text) == [
        f"{FILE}:{line_no(text, '行政复议:')}: {S4}: 行政复议：总计 = 4，结果维持+结果纠正+其他结果+尚未审结 = 1+1+0+1 = 3，两者应相等",
        f"{FILE}:{line_no(text, '复议后起诉:')}: {S4}: 行政诉讼（复议后起诉）：总计 = 1，结果维持+结果纠正+其他结果+尚未审结 = "
        "1+0+0+2 = 3，两者应相等"]


def test_the_row_sum_in_the_issue_example_27_against_21(tmp_path):
    """The real 2020 county report whose 办理结果 rows add up to 27 while its 总计 says 21."""
    text = changed(HANDLED_ROW, HANDLED_ROW.replace("自然人: 37", "自然人: 31").replace("总计: 47", "总计: 41"))
    found = problems_of(tmp_path, text)
    assert any("“（七）总计”行自然人列 = 31，（一）至（六）之和 = " in p and "= 37，两者应相等" in p for p in found)
    assert any("自然人列：一+二 = 35+3 = 38，三（七）总计+四 = 31+1 = 32" in p for p in found)


# ---------------------------------------------------------------- numbers as editors write them

CELL = "行政强制: {本年处理决定数量: 9}"
CELL_FIELD = f"{S2}.第二十条第（六）项.行政强制.本年处理决定数量"
FEE_CELL = "行政事业性收费: {本年收费金额（单位：万元）: 1702.1635}"
FEE_FIELD = f"{S2}.第二十条第（八）项.行政事业性收费.本年收费金额（单位：万元）"


@pytest.mark.parametrize("written, message", [
    ("-9", "不能是负数，实际为 -9"),
    ('"1,234"', "应填写数字，实际为文本“1,234”：请写成 1234（只写阿拉伯数字，不加引号、逗号、空格或单位）"),
    ("９ 件", "应填写数字，实际为文本“９ 件”：请写成 9（只写阿拉伯数字，不加引号、逗号、空格或单位）"),
    ("九", "应填写数字，实际为文本“九”：请只写阿拉伯数字，例如 12；没有的填 0"),
    ("017", "“017”以 0 开头，会被读成八进制数 15：请去掉开头的 0"),
    ("1:30", "“1:30”会被读成 90：请只写阿拉伯数字和小数点，例如 1234 或 12.5"),
    ("9.5", "件数应为整数，实际为 9.5"),
    ("[9]", "应填写一个数字，实际为列表"),
    ("是", "应填写数字，实际为文本“是”：请只写阿拉伯数字，例如 12；没有的填 0"),
    ("true", "应填写一个数字，实际为是/否值（True）"),
    ("", "未填写：状态为“发布”的报告每一格都要填写数字，没有的填 0"),
])
def test_a_count_written_wrongly(tmp_path, written, message):
    text = changed(CELL, f"行政强制: {{本年处理决定数量: {written}}}")
    assert problems_of(tmp_path, text) == [f"{FILE}:{line_no(text, '行政强制:')}: {CELL_FIELD}: {message}"]


@pytest.mark.parametrize("written, message", [
    ("1702.16351", "最多 4 位小数（单位：万元），实际为 1702.16351"),
    ("-0.5", "不能是负数，实际为 -0.5"),
])
def test_an_amount_in_wanyuan_written_wrongly(tmp_path, written, message):
    text = changed(FEE_CELL, f"行政事业性收费: {{本年收费金额（单位：万元）: {written}}}")
    assert problems_of(tmp_path, text) == [f"{FILE}:{line_no(text, '行政事业性收费:')}: {FEE_FIELD}: {message}"]


def test_amounts_may_be_whole_or_have_up_to_four_decimals(tmp_path):
    for written in ("1702", "0", "0.5", "1702.1"):
        assert problems_of(tmp_path / written, changed(FEE_CELL, f"行政事业性收费: {{本年收费金额（单位：万元）: {written}}}")) == []


def test_a_draft_may_leave_cells_empty_but_its_filled_sums_are_checked(tmp_path):
    text = changed("状态: 发布\n发布日期: 2026-01-22", "状态: 草稿")
    text = changed(CELL, "行政强制: {本年处理决定数量: }", text)
    text = changed(NEW_ROW, NEW_ROW.replace("自然人: 35", "自然人: ").replace("商业企业: 5", "商业企业: 6"), text)
    # The row's own sum and the 自然人 column wait for the empty cell; the 商业企业 column is complete.
    assert problems_of(tmp_path, text) == [
        f"{FILE}:{line_no(text, '（七）总计:')}: {S3}: 商业企业列：一+二 = 6+0 = 6，三（七）总计+四 = 4+1 = 5，{BALANCE_TAIL}"]


def test_a_misspelt_row_or_column_is_named_with_the_right_one(tmp_path):
    text = changed("（五）不予处理:", "（五）不予处理理:")
    text = changed("4.保护第三方合法权益: {自然人: 2,", "4.保护第三方合法权益: {自然人 : 2, 自然人数: 1,", text)
    found = problems_of(tmp_path, text)
    row = line_no(text, "（五）不予处理理:")
    cell = line_no(text, "4.保护第三方合法权益:")
    assert f"{FILE}:{row}: {S3}.{HANDLED}.（五）不予处理理: 不是允许的字段，是不是“（五）不予处理”？允许的字段有：" \
           "（一）予以公开、（二）部分公开（区分处理的，只计这一情形，不计其他情形）、（三）不予公开、（四）无法提供、（五）不予处理、" \
           "（六）其他处理、（七）总计" in found
    assert f"{FILE}:{cell}: {S3}.{HANDLED}.（三）不予公开.4.保护第三方合法权益.自然人数: 不是允许的字段，是不是“自然人”？" \
           "允许的字段有：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计" in found


def test_a_missing_row_is_named(tmp_path):
    text = changed("      3.补正后申请内容仍不明确: {自然人: 0, 商业企业: 0, 科研机构: 0, 社会公益组织: 0, 法律服务机构: 0, 其他: 0, 总计: 0}\n", "")
    assert problems_of(tmp_path, text) == [
        f"{FILE}:{line_no(text, '（四）无法提供:')}: {S3}.{HANDLED}.（四）无法提供.3.补正后申请内容仍不明确: "
        "缺少必填字段“3.补正后申请内容仍不明确”"]


def test_a_published_report_needs_its_date_and_no_placeholder_left(tmp_path):
    text = changed("发布日期: 2026-01-22\n", "")
    text = changed("## 五、存在的主要问题及改进情况\n", "## 五、存在的主要问题及改进情况\n\n【待填写：上一年度问题的改进情况】\n", text)
    assert problems_of(tmp_path, text) == [
        f"{FILE}:1: 发布日期: 缺少必填字段“发布日期”",
        f"{FILE}:{line_no(text, '【待填写')}: 正文: 还有待填写的内容“【待填写：上一年度问题的改进情况】”："
        "状态为“发布”的报告不能留有“【待填写】”，请写好后删除这个标记"]


def test_a_report_dated_within_its_own_year_is_refused(tmp_path):
    text = changed("发布日期: 2026-01-22", "发布日期: 2025-12-30")
    assert problems_of(tmp_path, text) == [
        f"{FILE}:{line_no(text, '发布日期:')}: 发布日期: 发布日期 2025-12-30 早于 2025 年结束：年度报告在统计年度结束后（次年1月31日前）公布"]


# ---------------------------------------------------------------- the text sections

def test_the_body_sections_must_be_the_three_of_the_format(tmp_path):
    text = changed("## 五、存在的主要问题及改进情况", "## 五、存在问题及改进情况")
    text = changed("## 六、其他需要报告的事项", "## 三、收到和处理政府信息公开申请情况\n\n见上表。\n\n## 六、其他需要报告的事项", text)
    assert problems_of(tmp_path, text) == [
        f"{FILE}:{line_no(text, '## 五、')}: 正文: “五、存在问题及改进情况”不是年度报告正文的章节，是不是“## 五、存在的主要问题及改进情况”？"
        "正文只分三节，依次为 ## 一、总体情况、## 五、存在的主要问题及改进情况、## 六、其他需要报告的事项；节内的小标题用“### ”开头",
        f"{FILE}:{line_no(text, '## 三、')}: 正文: “三、收到和处理政府信息公开申请情况”是表格，由文件开头字段中的数字生成，"
        "正文中不要再写这一节：请删除这一节（数字写在字段中）"]


def test_a_missing_or_misplaced_section(tmp_path):
    one_start = PUBLISHED.index("## 一、总体情况")
    five_start = PUBLISHED.index("## 五、")
    six_start = PUBLISHED.index("## 六、")
    text = PUBLISHED[:one_start] + PUBLISHED[six_start:] + "\n" + PUBLISHED[one_start:five_start]
    body_line = line_no(text, "本报告依据")
    assert problems_of(tmp_path, text) == [
        f"{FILE}:{body_line}: 正文: 正文缺少“## 五、存在的主要问题及改进情况”一节：正文依次写三节：## 一、总体情况、"
        "## 五、存在的主要问题及改进情况、## 六、其他需要报告的事项",
        f"{FILE}:{line_no(text, '## 六、')}: 正文: “六、其他需要报告的事项”应写在“一、总体情况”之后：正文三节的顺序是 一、五、六"]


def test_a_heading_with_spaces_or_half_width_brackets_reads_as_the_section(tmp_path):
    text = changed("## 五、存在的主要问题及改进情况", "##  五、 存在的主要问题及改进情况 ")
    assert problems_of(tmp_path, text) == []


def test_body_rules_and_the_secrecy_review_apply(tmp_path):
    text = changed("## 六、其他需要报告的事项\n", "## 六、其他需要报告的事项\n\n<!-- 内部说明 -->\n联系人手机 13812345678。\n")
    assert problems_of(tmp_path, text) == [
        f"{FILE}:{line_no(text, '<!--')}: 正文: 正文中有 HTML 注释（<!-- … -->）：注释虽然不显示在网页上，但正文原文会随数据下载"
        "（catalogue.json）和搜索索引公开。请删除注释；给审核人的说明请写在合并请求中",
        f"{FILE}:{line_no(text, '联系人手机')}: 正文: 疑似手机号码“138****5678”：公开前请删除或脱敏（年度报告不能登记保密审查例外）"]


def test_the_words_bu_yu_gong_kai_are_a_row_of_the_form_not_a_marking(tmp_path):
    text = changed("## 六、其他需要报告的事项\n", "## 六、其他需要报告的事项\n\n不予公开 6 件，均说明了理由。\n")
    assert problems_of(tmp_path, text) == []


def test_only_attach_links_and_through_the_publish_boundary(tmp_path):
    text = changed("## 六、其他需要报告的事项\n", "## 六、其他需要报告的事项\n\n[盖章版]({attach}../attachments/预算表.pdf)；"
                   "[指南]({filename}/pages/guide.md)；[密钥](../../tasks.py)；[外]({attach}../../tasks.py)\n")
    line = line_no(text, "[盖章版]")
    assert problems_of(tmp_path, text) == [
        f"{FILE}:{line}: 正文: 年度报告正文中只能用 {{attach}} 链接 content/ 中的附件（例如 [报告 PDF 版]({{attach}}../attachments/2025年报.pdf)），"
        "不支持“{filename}/pages/guide.md”",
        f"{FILE}:{line}: 正文: “../../tasks.py”在 content/ 目录以外：附件和链接的文件必须放在 content/ 目录内，路径相对于 content/ 书写，"
        "不能用 .. 跳出 content/"]


# ---------------------------------------------------------------- files and years

def test_two_reports_for_one_year_are_both_named(tmp_path):
    root = project(tmp_path, a=PUBLISHED, b=PUBLISHED)
    _reports, problems = load_reports(Paths.for_root(root))
    line = line_no(PUBLISHED, "年度: 2025")
    assert [str(p) for p in problems] == [
        f"content/reports/a.md:{line}: 年度: 年度 2025 已有报告 content/reports/b.md:{line}：每个年度只能有一份报告，请合并或删除其中一份",
        f"content/reports/b.md:{line}: 年度: 年度 2025 已有报告 content/reports/a.md:{line}：每个年度只能有一份报告，请合并或删除其中一份"]


def test_a_stray_file_and_a_gbk_report(tmp_path):
    root = project(tmp_path)
    (root / "content/reports/2025年报告.docx").write_bytes(b"PK")
    (root / "content/reports/2024年报告.md").write_bytes(PREVIOUS.encode("gbk"))
    _reports, problems = load_reports(Paths.for_root(root))
    assert [str(p) for p in problems] == [
        "content/reports/2025年报告.docx: content/reports/ 中只能放年度报告的 .md 文件（每个年度一个，例如 2025年政府信息公开工作年度报告.md）；"
        "附件请放在 content/attachments/",
        "content/reports/2024年报告.md:2: 文件不是 UTF-8 编码（看起来是 GBK/GB2312，常见于 Windows 记事本或 WPS 保存的文本）。"
        "请用记事本“另存为”，编码选择“UTF-8”；或运行 invoke fix --write 自动转换"]


# ---------------------------------------------------------------- what the catalogue says

def doc(kind, formed, validity="有效", ended=None, published=None, number="示政发〔2025〕1号"):
    day = dt.date.fromisoformat
    return CountedDocument("文件", kind, day(formed) if formed else None, day(published or formed) if (published or formed) else None,
                           validity, day(ended) if ended else None, number, "x.md")


def test_derived_counts_made_repealed_and_in_force_by_year():
    documents = [doc("行政规范性文件", "2023-05-01"),                                   # in force since 2023
                 doc("行政规范性文件", "2024-02-01", "废止", "2025-03-01"),              # made 2024, repealed 2025
                 doc("行政规范性文件", "2025-06-01"),                                   # made 2025
                 doc("行政规范性文件", "2022-01-01", "失效", "2025-12-31"),              # lapsed on the last day of 2025
                 doc("行政规范性文件", "2021-01-01", "废止"),                            # repealed, year unknown
                 doc("行政规范性文件", None, published="2025-08-01"),                   # no 成文日期: 发布日期
                 doc("规章", "2025-01-10"),
                 doc("其他", "2025-04-01")]
    assert derived_counts(documents, 2024) == {
        "规章": {"本年制发件数": 0, "本年废止件数": 0, "现行有效件数": 0},
        "行政规范性文件": {"本年制发件数": 1, "本年废止件数": 0, "现行有效件数": 3}, "主动公开": 1}
    assert derived_counts(documents, 2025) == {
        "规章": {"本年制发件数": 1, "本年废止件数": 0, "现行有效件数": 1},
        "行政规范性文件": {"本年制发件数": 2, "本年废止件数": 2, "现行有效件数": 3}, "主动公开": 4}
    assert [d.formed for d in derived.basis(documents, 2025)["undated"]] == [dt.date(2021, 1, 1)]


def test_the_interim_rule_reads_items_without_documents():
    catalogue, _problems = load_catalogue(Paths.for_root(REPO))[:2]
    documents = derived.counted_documents(catalogue)
    # items without 公开信息 by the interim rule; the example's 公开信息 (tests/test_documents.py) by their own fields
    by_item = sorted((d.number, d.validity, d.validity_date) for d in documents if d.kind == "行政规范性文件" and not d.document)
    assert by_item == [("示政办发〔2022〕7号", "废止", dt.date(2024, 11, 20)), ("示政发〔2025〕9号", "有效", None)]
    assert derived_counts(documents, 2024)["行政规范性文件"] == {"本年制发件数": 2, "本年废止件数": 2, "现行有效件数": 2}
    assert derived_counts(documents, 2025)["行政规范性文件"] == {"本年制发件数": 1, "本年废止件数": 0, "现行有效件数": 3}
    internal = [i for i in catalogue.items if not i.is_public]
    assert internal and not {i.source for i in internal} & {d.source for d in documents}


# ---------------------------------------------------------------- warnings: printed, never failing

def test_a_report_whose_section_two_differs_from_the_catalogue_warns(tmp_path):
    root = project(tmp_path, **{"2025年报告": PUBLISHED})
    paths = Paths.for_root(root)
    catalogue, _problems = load_catalogue(paths)[:2]
    line = line_no(PUBLISHED, "行政规范性文件: {")
    field = f"{S2}.{DOCS}.行政规范性文件"
    assert [str(w) for w in report_warnings(catalogue, paths)] == [
        f"{FILE}:{line}: {field}.本年制发件数: 报告填写 1，目录统计为 0（成文日期在 2025 年的行政规范性文件 0 件）："
        "请核对；目录不全或统计口径不同的，请在正文中说明",
        f"{FILE}:{line}: {field}.现行有效件数: 报告填写 1，目录统计为 0（2025 年末现行有效的行政规范性文件 0 件）："
        "请核对；目录不全或统计口径不同的，请在正文中说明"]


def test_validate_prints_the_warning_and_passes(tmp_path):
    root = project(tmp_path, **{"2025年报告": PUBLISHED})
    result = run_invoke(root, "validate")
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith(f"提醒：{FILE}:{line_no(PUBLISHED, '行政规范性文件: {')}: {S2}.{DOCS}.行政规范性文件.本年制发件数: "
                                    "报告填写 1，目录统计为 0")
    assert result.stdout.rstrip().endswith("没有发现问题。另有 2 条提醒（不影响发布），见上。")


def test_the_carry_over_must_match_last_years_report(tmp_path):
    text = changed("二、上年结转政府信息公开申请数量: {自然人: 3,", "二、上年结转政府信息公开申请数量: {自然人: 4,")
    text = changed("一、本年新收政府信息公开申请数量: {自然人: 35,", "一、本年新收政府信息公开申请数量: {自然人: 34,", text)
    text = changed("二、上年结转政府信息公开申请数量: {自然人: 4, 商业企业: 0, 科研机构: 0, 社会公益组织: 0, 法律服务机构: 1, 其他: 0, 总计: 4}",
                   "二、上年结转政府信息公开申请数量: {自然人: 4, 商业企业: 0, 科研机构: 0, 社会公益组织: 0, 法律服务机构: 1, 其他: 0, 总计: 5}", text)
    text = changed("总计: 45}", "总计: 44}", text)
    root = project(tmp_path, **{"2025年报告": text, "2024年报告": PREVIOUS})
    paths = Paths.for_root(root)
    _reports, problems = load_reports(paths)
    assert problems == []
    catalogue, _ = load_catalogue(paths)[:2]
    carried = [str(w) for w in report_warnings(catalogue, paths) if "上年结转" in w.field]
    assert carried == [f"{FILE}:{line_no(text, '二、上年结转')}: {S3}.{CARRIED_IN}: “二、上年结转”与 2024 年报告“四、结转下年度继续办理”"
                       "不一致：自然人列 4（2024 年报告为 3），总计列 5（2024 年报告为 4）。一般两者相等，请核对"]


def test_a_draft_and_a_late_report_warn(tmp_path):
    draft = changed("状态: 发布\n发布日期: 2026-01-22", "状态: 草稿")
    draft = changed(CELL, "行政强制: {本年处理决定数量: }", draft)
    late = changed("发布日期: 2025-01-20", "发布日期: 2025-02-10", PREVIOUS)
    root = project(tmp_path, **{"2025年报告": draft, "2024年报告": late})
    paths = Paths.for_root(root)
    catalogue, _ = load_catalogue(paths)[:2]
    warnings = [str(w) for w in report_warnings(catalogue, paths) if w.field in ("状态", "发布日期")]
    assert warnings == [
        f"content/reports/2024年报告.md:{line_no(late, '发布日期')}: 发布日期: 发布日期 2025-02-10 晚于条例第四十九条规定的 2025-01-31（次年1月31日前公布）",
        f"{FILE}:{line_no(draft, '状态:')}: 状态: 草稿（状态: 草稿），不会发布：还有 1 格未填写、0 处“【待填写】”。"
        "填写完整后把状态改为“发布”并写上发布日期"]


# ---------------------------------------------------------------- invoke audit

@pytest.mark.parametrize("day, expected", [
    ("2026-01-31", (None, "提醒：2025 年度报告应于 2026-01-31 前发布（现在是 2026-01-31），已发布。")),
    ("2026-02-01", (None, "年度报告：2025 年度报告已发布（content/reports/2025年报告.md）。")),
])
def test_audit_clean(tmp_path, day, expected):
    root = project(tmp_path, **{"2025年报告": PUBLISHED})
    reports, problems = load_reports(Paths.for_root(root), render=False)
    assert report_finding(reports, problems, dt.date.fromisoformat(day)) == expected


def test_audit_finds_a_missing_draft_or_invalid_report_after_31_january(tmp_path):
    day = dt.date(2026, 2, 1)
    assert report_finding([], [], day) == (
        "2025 年度报告应于 2026-01-31 前发布，至 2026-02-01 content/reports/ 中还没有 2025 年度的报告："
        "运行 python3 -m invoke report-draft 2025 起草", "")
    assert report_finding([], [], dt.date(2026, 1, 15)) == (
        None, "提醒：2025 年度报告应于 2026-01-31 前发布（现在是 2026-01-15），尚未发布。")
    root = project(tmp_path, **{"2025年报告": changed("状态: 发布\n发布日期: 2026-01-22", "状态: 草稿")})
    reports, problems = load_reports(Paths.for_root(root), render=False)
    assert report_finding(reports, problems, day)[0] == (
        f"2025 年度报告应于 2026-01-31 前发布，至 2026-02-01 仍是草稿（{FILE}，状态: 草稿）：填写完整后把状态改为“发布”")
    (root / FILE).write_text(changed("行政复议: {结果维持: 1,", "行政复议: {结果维持: 2,"), encoding="utf-8")
    reports, problems = load_reports(Paths.for_root(root), render=False)
    finding = report_finding(reports, problems, day)[0]
    assert finding.split("\n") == [
        f"2025 年度报告应于 2026-01-31 前发布，至 2026-02-01 报告仍有 1 个问题（{FILE}），网站无法发布它：",
        f"{FILE}:{line_no(PUBLISHED, '行政复议:')}: {S4}: 行政复议：总计 = 3，结果维持+结果纠正+其他结果+尚未审结 = 2+1+0+1 = 4，两者应相等"]


def test_invoke_audit_reports_the_missing_report_and_strict_fails(tmp_path):
    root = project(tmp_path)  # built on 2026-11-23 (conftest.BUILD_EPOCH)
    result = run_invoke(root, "audit")
    assert result.returncode == 0
    assert "年度报告：发现 1 项问题。\n2025 年度报告应于 2026-01-31 前发布，至 2026-11-23 content/reports/ 中还没有 2025 年度的报告" \
           in result.stdout
    assert run_invoke(root, "audit", "--strict").returncode == 1
    (root / FILE).write_text(PUBLISHED, encoding="utf-8")
    result = run_invoke(root, "audit", "--strict")
    assert "年度报告：2025 年度报告已发布（content/reports/2025年报告.md）。" in result.stdout


def test_each_missing_key_is_named_once(tmp_path):
    """jsonschema raises one `required` error per missing key; each names its own key (it used to
    name the first missing key as many times as keys were missing, for items too)."""
    from gongkai import schema

    text = changed("报告机关: 示例县人民政府\n", "")
    text = changed("收取信息处理费（元）: 0\n", "", text)
    assert problems_of(tmp_path, text) == [f"{FILE}:1: 报告机关: 缺少必填字段“报告机关”",
                                           f"{FILE}:1: 收取信息处理费（元）: 缺少必填字段“收取信息处理费（元）”"]
    validator = schema.compiled(str(REPO / "schema/item.schema.json"))
    missing = [p.field for p in schema.check(validator, {"事项名称": "城乡低保"}, {}, "x.md")]
    assert sorted(missing) == sorted(k for k in validator.schema["required"] if k != "事项名称")
