"""The annual report on the built example site: every number in the right cell of the national
layout (read back from the HTML, cell by cell, both by where it stands and by the headers a screen
reader announces), the CSV and JSON, the list page, the links, drafts and broken reports in a
build, and `invoke report-draft` on the example catalogue."""
from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REPO, copy_project, run_build, run_invoke
from test_annual_report import PUBLISHED, changed, line_no, project

from gongkai.report.checks import number_text
from gongkai.report.layout import FEE, S2, S3, S4, TABLES, get, load_format
from gongkai.report.source import read_report

EXAMPLE = {2024: REPO / "content/reports/2024年政府信息公开工作年度报告.md",
           2025: REPO / "content/reports/2025年政府信息公开工作年度报告.md"}
GROUP_LABELS = {"申请人情况", "法人或其他组织"}  # column headings that are not keys in the YAML


def report_meta(year: int) -> dict:
    report, problems = read_report(EXAMPLE[year], "x")
    assert problems == []
    return report.meta


class Tables(HTMLParser):
    """Every <table>: its rows (in thead or tbody) of cells with attributes and text."""

    def __init__(self):
        super().__init__()
        self.tables, self.table, self.cell, self.part = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.table = self.tables.setdefault(attrs.get("id", str(len(self.tables))), [])
        elif tag in ("thead", "tbody"):
            self.part = tag
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = {"tag": tag, "attrs": attrs, "text": "", "part": self.part}
            self.table[-1].append(self.cell)

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cell = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data


def grid(rows: list) -> dict:
    """(row, column) -> cell, with rowspan and colspan resolved as a browser lays the table out."""
    taken = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            cell["at"] = (r, c)
            for dr in range(int(cell["attrs"].get("rowspan", 1))):
                for dc in range(int(cell["attrs"].get("colspan", 1))):
                    taken[(r + dr, c + dc)] = cell
            c += int(cell["attrs"].get("colspan", 1))
    return taken


def headers_seen(taken: dict, cell: dict, width: int) -> set:
    """The headings a sighted reader finds for a number: the row headings to its left and the
    column headings above it (up to a heading that spans the whole table, in 二)."""
    r, c = cell["at"]
    left = {taken[(r, x)]["text"] for x in range(c) if taken.get((r, x), {}).get("tag") == "th"}
    above = set()
    for y in range(r - 1, -1, -1):
        head = taken.get((y, c))
        if head and head["tag"] == "th" and head["part"] == "thead" or head and head["tag"] == "th" and \
                head["attrs"].get("scope") in ("col", "colgroup"):
            above.add(head["text"])
            if int(head["attrs"].get("colspan", 1)) == width:
                break
    return left | above


@pytest.fixture(scope="module")
def page_2025(example_output) -> dict:
    parser = Tables()
    parser.feed((example_output / "reports/2025/index.html").read_text(encoding="utf-8"))
    return parser.tables


def test_every_number_is_in_the_right_cell(page_2025):
    meta = report_meta(2025)
    fmt = load_format(REPO / "schema")
    expected = {c.path: get(meta, c.path) for c in fmt.cells() if c.path[0] in TABLES}
    found = {}
    for number, key in enumerate(TABLES, start=2):
        rows = page_2025[f"t{number}"]
        taken = grid(rows)
        width = max(c for _r, c in taken) + 1
        ids = {cell["attrs"]["id"]: cell["text"] for row in rows for cell in row if "id" in cell["attrs"]}
        for row in rows:
            for cell in (c for c in row if c["tag"] == "td" and "num" in c["attrs"].get("class", "")):
                announced = {ids[i] for i in cell["attrs"]["headers"].split()}
                assert headers_seen(taken, cell, width) == announced, (key, cell)
                labels = announced - GROUP_LABELS
                path = next(p for p in expected if p[0] == key and set(p[1:]) == labels)
                assert path not in found
                found[path] = cell["text"]
    assert found == {path: number_text(value) for path, value in expected.items()}
    assert len(found) == 200


def test_the_layout_is_the_national_one(page_2025):
    t3 = page_2025["t3"]
    head = [[(c["text"], c["attrs"].get("colspan", "1"), c["attrs"].get("rowspan", "1")) for c in row] for row in t3[:3]]
    assert head == [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "3", "3"), ("申请人情况", "7", "1")],
        [("自然人", "1", "2"), ("法人或其他组织", "5", "1"), ("总计", "1", "2")],
        [("商业企业", "1", "1"), ("科研机构", "1", "1"), ("社会公益组织", "1", "1"), ("法律服务机构", "1", "1"), ("其他", "1", "1")]]
    first_cells = [(row[0]["text"], row[0]["attrs"].get("rowspan", "1")) for row in t3[3:] if row[0]["tag"] == "th"]
    assert first_cells[:4] == [("一、本年新收政府信息公开申请数量", "1"), ("二、上年结转政府信息公开申请数量", "1"),
                               ("三、本年度办理结果", "22"), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "1")]
    assert len(t3) == 3 + 25
    t4 = page_2025["t4"]
    assert [c["text"] for c in t4[0]] == ["行政复议", "行政诉讼"]
    assert [c["text"] for c in t4[1]] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"]
    assert len(t4[3]) == 15
    t2 = page_2025["t2"]
    assert [[c["text"] for c in row] for row in t2[:2]] == [["第二十条第（一）项"], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]]
    assert [(c["text"], c["attrs"].get("colspan")) for c in t2[5]] == [("信息内容", None), ("本年处理决定数量", "3")]


def test_numbers_never_run_together(page_2025, example_output):
    for rows in page_2025.values():
        for cell in (c for row in rows for c in row if c["tag"] == "td" and "num" in c["attrs"].get("class", "")):
            assert re.fullmatch(r"\d+(\.\d{1,4})?", cell["text"]), cell
    html = (example_output / "reports/2025/index.html").read_text(encoding="utf-8")
    assert '<td headers="' in html and re.search(r"</td><td", html)  # adjacent cells, one number each


def test_the_page_shows_text_sections_fee_and_downloads(example_output):
    html = (example_output / "reports/2025/index.html").read_text(encoding="utf-8")
    titles = re.findall(r'<h2 id="h-s\d">([^<]+)</h2>', html)
    assert titles == ["一、总体情况", S2, S3, S4, "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert "<h3>（一）主动公开</h3>" in html
    assert '本年度收取信息处理费 <span class="num">0</span> 元。' in html
    assert 'href="../../reports/2025/report-2025.csv"' in html and 'href="../../reports/2025/report-2025.json"' in html
    assert "<title>示例县人民政府2025年政府信息公开工作年度报告 - 示例县政务公开事项标准目录</title>" in html


def test_the_csv_has_one_number_per_row(example_output):
    raw = (example_output / "reports/2025/report-2025.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["年度", "表格", "行", "列", "数值", "单位"]
    meta = report_meta(2025)
    assert len(rows) == 1 + 200 + 1
    for year, table, row, column, value, _unit in rows[1:]:
        assert year == "2025" and re.fullmatch(r"\d+(\.\d+)?", value)
        if table in TABLES:
            keys = [k for k in row.split(" / ") + [column.split(" / ")[-1]] if k]
            assert number_text(get(meta[table], tuple(keys))) == value, (table, row, column)
    assert rows[1] == ["2025", S2, "第二十条第（一）项 / 规章", "本年制发件数", "0", "件"]
    assert ["2025", S3, "三、本年度办理结果 / （三）不予公开 / 4.保护第三方合法权益", "申请人情况 / 法人或其他组织 / 商业企业", "1", "件"] in rows
    assert ["2025", S2, "第二十条第（八）项 / 行政事业性收费", "本年收费金额（单位：万元）", "1702.1635", "万元"] in rows
    assert rows[-1] == ["2025", "六、其他需要报告的事项", "", FEE, "0", "元"]


def test_the_json_is_the_report_as_written(example_output):
    data = json.loads((example_output / "reports/2025/report-2025.json").read_text(encoding="utf-8"))
    meta = report_meta(2025)
    assert {k: data[k] for k in TABLES} == {k: meta[k] for k in TABLES}
    assert data["年度"] == 2025 and data["网址"] == "reports/2025/" and data[FEE] == 0
    assert list(data["正文"]) == ["前言", "一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def test_reports_are_listed_and_linked(example_output):
    listing = (example_output / "reports/index.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="../reports/(\d{4})/">', listing) == ["2025", "2024"]
    home = (example_output / "index.html").read_text(encoding="utf-8")
    assert '<a href="./reports/2025/">示例县人民政府2025年政府信息公开工作年度报告</a>' in home
    assert '<a href="./reports/">全部年度报告</a>' in home
    guide = (example_output / "guide/index.html").read_text(encoding="utf-8")
    assert '<a href="../reports/" rel="noopener noreferrer">政府信息公开工作年度报告</a>' in guide
    sitemap = (example_output / "sitemap.xml").read_text(encoding="utf-8")
    # absolute in every build (a local one uses GONGKAI_LOCAL_SITEURL)
    assert "<loc>http://localhost:8000/reports/</loc>" in sitemap and "<loc>http://localhost:8000/reports/2025/</loc>" in sitemap


# ---------------------------------------------------------------- builds with a draft, a broken report

def test_a_draft_is_checked_but_not_published(tmp_path):
    root = project(tmp_path, **{"2025年报告": changed("状态: 发布\n发布日期: 2026-01-22", "状态: 草稿")})
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    assert not (root / "output/reports/2025").exists()
    assert "还没有发布年度报告。" in (root / "output/reports/index.html").read_text(encoding="utf-8")
    assert "提醒：content/reports/2025年报告.md:" in result.stderr and "草稿（状态: 草稿），不会发布" in result.stderr


def test_a_broken_report_stops_the_build_and_keeps_the_previous_site(tmp_path):
    root = project(tmp_path, **{"2025年报告": PUBLISHED})
    assert run_build(root).returncode == 0
    before = (root / "output/reports/2025/index.html").read_bytes()
    text = changed("行政复议: {结果维持: 1,", "行政复议: {结果维持: 2,")
    (root / "content/reports/2025年报告.md").write_text(text, encoding="utf-8")
    result = run_build(root)
    assert result.returncode == 1
    assert (f"content/reports/2025年报告.md:{line_no(text, '行政复议:')}: {S4}: 行政复议：总计 = 3，"
            "结果维持+结果纠正+其他结果+尚未审结 = 2+1+0+1 = 4，两者应相等") in result.stderr
    assert (root / "output/reports/2025/index.html").read_bytes() == before


def test_a_report_may_attach_its_stamped_pdf_through_the_boundary(tmp_path):
    text = changed("## 六、其他需要报告的事项\n", "## 六、其他需要报告的事项\n\n[盖章版 PDF]({attach}../attachments/预算表.pdf)\n")
    root = project(tmp_path, **{"2025年报告": text})
    assert run_build(root).returncode == 0
    html = (root / "output/reports/2025/index.html").read_text(encoding="utf-8")
    url = re.search(r'<a href="\.\./\.\./(files/[0-9a-f]{16}\.pdf)"', html).group(1)
    assert (root / "output" / url).read_bytes() == (root / "content/attachments/预算表.pdf").read_bytes()


# ---------------------------------------------------------------- invoke report-draft on the example

@pytest.fixture
def example_copy(tmp_path) -> Path:
    root = copy_project(tmp_path / "example")
    EXAMPLE_2025 = root / "content/reports/2025年政府信息公开工作年度报告.md"
    EXAMPLE_2025.unlink()
    return root


def test_report_draft_fills_section_two_from_the_catalogue(example_copy):
    result = run_invoke(example_copy, "report-draft", "2025")
    assert result.returncode == 0, result.stdout + result.stderr
    target = example_copy / "content/reports/2025年政府信息公开工作年度报告.md"
    text = target.read_text(encoding="utf-8")
    assert "    规章: {本年制发件数: 0, 本年废止件数: 0, 现行有效件数: 0}\n" in text
    # 现行有效 3: the item 示政发〔2025〕9号 (no documents: the item rule) and two 公开信息 of 2024
    assert "    行政规范性文件: {本年制发件数: 1, 本年废止件数: 0, 现行有效件数: 3}\n" in text
    assert "  二、上年结转政府信息公开申请数量: {自然人: 3, 商业企业: 0, 科研机构: 0, 社会公益组织: 0, 法律服务机构: 1, 其他: 0, 总计: 4}\n" in text
    assert "    行政许可: {本年处理决定数量: }\n" in text
    assert "全年主动公开政府信息 14 条，其中制发行政规范性文件 1 件，年末现行有效行政规范性文件 3 件。" in text
    assert "报告机关: 示例县人民政府\n状态: 草稿\n" in text
    lines = result.stdout.split("\n")
    assert lines[0] == "已新建 content/reports/2025年政府信息公开工作年度报告.md（状态：草稿，不会发布）。已填写："
    assert ("  二、主动公开政府信息情况 第二十条第（一）项 行政规范性文件 本年制发件数 = 1：目录统计：成文日期在 2025 年的行政规范性文件 1 件："
            "示政发〔2025〕9号《示例县人民政府关于进一步做好稳就业工作的实施意见》") in lines
    assert ("  三、收到和处理政府信息公开申请情况 二、上年结转政府信息公开申请数量 总计 = 4：取自 2024 年报告“四、结转下年度继续办理”"
            "（content/reports/2024年政府信息公开工作年度报告.md）") in lines
    assert "  一、总体情况（正文）：本年主动公开政府信息 14 条（目录中发布日期在 2025 年的主动公开事项和公开信息）" in lines
    validated = run_invoke(example_copy, "validate")
    assert validated.returncode == 0, validated.stdout
    assert "草稿（状态: 草稿），不会发布：还有 188 格未填写" in validated.stdout


def test_report_draft_never_overwrites_edited_numbers(example_copy):
    assert run_invoke(example_copy, "report-draft", "2025").returncode == 0
    target = example_copy / "content/reports/2025年政府信息公开工作年度报告.md"
    text = target.read_text(encoding="utf-8")
    text = text.replace("行政规范性文件: {本年制发件数: 1, 本年废止件数: 0, 现行有效件数: 3}",
                        "行政规范性文件: {本年制发件数: 4, 本年废止件数: , 现行有效件数: 3}  # 含县政府办转发的文件")
    text = text.replace("行政许可: {本年处理决定数量: }", "行政许可: {本年处理决定数量: 5317}")
    target.write_bytes(("\ufeff" + text).replace("\n", "\r\n").encode("utf-8"))
    again = run_invoke(example_copy, "report-draft", "2025")
    assert again.returncode == 0, again.stdout
    assert again.stdout.split("\n")[:3] == [
        "已补填 content/reports/2025年政府信息公开工作年度报告.md 中的 1 格：",
        "  二、主动公开政府信息情况 第二十条第（一）项 行政规范性文件 本年废止件数 = 0：目录统计：2025 年废止或失效的行政规范性文件 0 件",
        "  二、主动公开政府信息情况 第二十条第（一）项 行政规范性文件 本年制发件数：保留已填写的 4（目录统计：成文日期在 2025 年的行政规范性文件 1 件："
        "示政发〔2025〕9号《示例县人民政府关于进一步做好稳就业工作的实施意见》，为 1；加 --force 改为该值）"]
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == raw.count(b"\n")
    edited = raw.decode("utf-8-sig").replace("\r\n", "\n")
    assert edited == text.replace("本年废止件数: , 现行", "本年废止件数: 0, 现行")  # only the empty cell changed
    forced = run_invoke(example_copy, "report-draft", "2025", "--force")
    assert "已补填 content/reports/2025年政府信息公开工作年度报告.md 中的 1 格：" in forced.stdout
    final = target.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    assert "行政规范性文件: {本年制发件数: 1, 本年废止件数: 0, 现行有效件数: 3}  # 含县政府办转发的文件" in final
    assert "行政许可: {本年处理决定数量: 5317}" in final


def test_report_draft_refuses_a_bad_year(example_copy):
    result = run_invoke(example_copy, "report-draft", "25")
    assert result.returncode == 1
    assert "年度应为 4 位数字，例如 python3 -m invoke report-draft 2025，实际为“25”" in result.stderr
