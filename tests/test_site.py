"""The built public site, read as a person (or a crawler) would: pages, counts, links, downloads."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import EXAMPLES, make_mini_project, run_build

from gongkai.catalogue import load_catalogue
from gongkai.settings import Paths

SCENARIOS = {"hostile_item.md": "社会救助/恶意正文.md", "internal_item.md": "社会救助/内部考勤.md",
             "withdrawn_item.md": "社会救助/旧细则.md", "periodic_overdue.md": "社会救助/季度支出.md",
             "instant_on_time.md": "社会救助/标准调整.md", "instant_late.md": "社会救助/发放公告.md"}
INTERNAL_INDEX = "11530000MB0123456X/2024-00032"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = make_mini_project(tmp_path_factory.mktemp("site") / "project")
    for example, target in SCENARIOS.items():
        shutil.copy2(EXAMPLES / example, root / "content/items" / target)
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    return root


def read(site: Path, path: str) -> str:
    return (site / "output" / path).read_text(encoding="utf-8")


def public_items(site: Path):
    catalogue, problems = load_catalogue(Paths.for_root(site))[:2]
    assert problems == []
    return catalogue.public_items


def rows_on(html: str) -> int:
    return html.count('<li class="item-row">')


LISTING_RULES = {
    "category/shehui-jiuzhu/": lambda i: i.category == "社会救助",
    "category/shehui-jiuzhu/linshi-jiuzhu/": lambda i: i.subcategory == "临时救助",
    "category/shehui-jiuzhu/dibao/": lambda i: i.subcategory == "最低生活保障",
    "category/caizheng/": lambda i: i.category == "财政信息",
    "unit/minzheng/": lambda i: i.unit == "示例县民政局",
    "unit/caizheng/": lambda i: i.unit == "示例县财政局",
    "limit/long/": lambda i: i.limit_type == "长期",
    "limit/periodic/": lambda i: i.limit_type == "定期",
    "limit/instant/": lambda i: i.limit_type == "即时",
    "five/result/": lambda i: i.meta.get("五公开") == "结果公开",
    "five/decision/": lambda i: i.meta.get("五公开") == "决策公开",
}


@pytest.mark.parametrize("url", sorted(LISTING_RULES))
def test_listing_counts_equal_matching_public_items(site, url):
    expected = len([i for i in public_items(site) if LISTING_RULES[url](i)])
    if not expected:  # an empty listing is not written (nor linked: tests/test_boundary.py)
        assert not (site / "output" / url).exists()
        return
    html = read(site, url + "index.html")
    assert rows_on(html) == expected
    assert f"共 <strong>{expected}</strong> 个事项" in html


def test_internal_item_appears_nowhere_in_the_output(site):
    needles = [INTERNAL_INDEX, INTERNAL_INDEX.replace("/", "-"), "机关干部考勤与请销假登记", "考勤汇总内部专用词"]
    for path in (site / "output").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for needle in needles:
                assert needle.encode("utf-8") not in data, f"{needle} leaked into {path}"
    assert "内部" not in read(site, "stats/index.html").split("按公开时限")[0]


def test_hostile_body_is_sanitised_and_safe_markup_kept(site):
    html = read(site, "items/11530000MB0123456X-2024-00031/index.html")
    body = html.split('<section class="body"', 1)[1].split("</section>", 1)[0]  # the page's own scripts come later
    for bad in ("<script", "onclick", "javascript:", "<iframe", "hacked", "evil.invalid"):
        assert bad not in body
    # Metadata is escaped by Jinja autoescape: the markup shows as text and never runs.
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "<h1>临时救助审批结果&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in html
    assert "<li>救助对象所在村（社区）&lt;img src=x onerror=alert(2)&gt;</li>" in html
    assert '<h3>审批结果</h3>' in body
    assert "<td>城关镇</td>" in body and "<li>列表项</li>" in body
    assert '<a href="https://www.gov.cn/" rel="noopener noreferrer">正常链接</a>' in body
    assert '<a rel="noopener noreferrer">恶意链接</a>' in body


def test_withdrawn_item_says_so_prominently(site):
    html = read(site, "items/11530000MB0123456X-2019-00007/index.html")
    assert '<div class="notice notice-invalid" role="note"><strong>本事项已废止。</strong>' in html
    listing = read(site, "category/shehui-jiuzhu/linshi-jiuzhu/index.html")
    assert '<span class="badge badge-invalid">已废止</span>' in listing


def test_item_page_shows_every_field_and_attachment(site):
    html = read(site, "items/11530000MB0765432Y-2024-00003/index.html")
    for label, value in [("索引号", "11530000MB0765432Y/2024-00003"), ("文号", "示财预〔2024〕5号"),
                         ("成文日期", "2024-02-01"), ("发布日期", "2024-02-20"), ("更新日期", "2024-03-01"),
                         ("有效性", "有效"), ("公开时限", "定期（年度）：预算批复后20日内"), ("公开方式", "主动"),
                         ("公开对象", "全社会"), ("公开渠道", "政府网站、其他（示例县预决算公开统一平台）"), ("公开层级", "县级")]:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in html
    # A PDF opens in the browser (no download=); Office files keep download= with the editor's name.
    assert re.search(r'<a href="\.\./\.\./files/[0-9a-f]{16}\.pdf">部门预算公开表</a> '
                     r'<span class="file-facts">（PDF，0\.2 KB，在浏览器中打开）</span>', html)
    assert '<li><a href="mailto:gongkai@shilixian.gov.invalid?subject=%E6%84%8F%E8%A7%81' in html
    assert '<span class="badge badge-periodic">定期·年度</span>' in html


def test_footer_shows_only_filled_settings(site):
    html = read(site, "index.html")
    assert "<dt>主办单位</dt><dd>示例县人民政府办公室</dd>" in html
    assert "ICP备案号" not in html and "网站标识码" not in html


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def test_every_internal_link_resolves_to_a_file(site):
    output = site / "output"
    broken = []
    for page in output.rglob("*.html"):
        if page.name == "404.html":
            continue  # served at arbitrary paths; its links are root-relative by design
        collector = LinkCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        for link in collector.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("#", "//")):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(output)} -> {link}")
    assert broken == []


def test_csv_download_opens_in_excel_and_lists_public_items(site):
    raw = (site / "output/downloads/catalogue.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "一级事项", "二级事项"] and "索引号" in rows[0]
    assert len(rows) - 1 == len(public_items(site))


def test_json_download_has_stable_keys_for_every_item(site):
    document = json.loads(read(site, "downloads/catalogue.json"))
    keys = [f["键"] for f in document["字段"]]
    assert document["事项数"] == len(document["事项"]) == len(public_items(site))
    assert all(list(record) == keys for record in document["事项"])
    assert "保密审查" not in keys and "网址" in keys


def test_json_download_lists_one_record_per_line_and_csv_rows_end_in_crlf(site):
    """The layout readers and diffs rely on (site/dataformat.py writes it record by record)."""
    lines = read(site, "downloads/catalogue.json").split("\n")
    assert lines[0].endswith('"事项": [') and lines[-2:] == ["]}", ""]
    assert [json.loads(line.rstrip(","))["索引号"] for line in lines[1:-2]] == \
        [r["索引号"] for r in json.loads(read(site, "downloads/catalogue.json"))["事项"]]
    raw = (site / "output/downloads/catalogue.csv").read_bytes()
    assert raw.endswith(b"\r\n")  # rows end in CRLF; a cell may hold its own line breaks (公开内容)


def test_an_empty_list_is_still_a_json_document():
    from gongkai.site.dataformat import csv_bytes, json_bytes

    assert json.loads(json_bytes({"名称": "空"}, "事项", [])) == {"名称": "空", "事项": []}
    assert csv_bytes(["序号"], []) == "\ufeff序号\r\n".encode("utf-8")


def test_feeds_sitemap_robots_and_404(site):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    new = ET.fromstring((site / "output/feeds/new.atom.xml").read_bytes())
    assert len(new.findall("a:entry", ns)) == len(public_items(site))
    assert all(e.text.startswith("http://localhost:8000/") for e in new.iter("{http://www.w3.org/2005/Atom}id"))
    per_category = ET.fromstring((site / "output/feeds/caizheng.atom.xml").read_bytes())
    assert [e.find("a:title", ns).text for e in per_category.findall("a:entry", ns)] == ["示例县财政局2024年部门预算"]
    sitemap = ET.fromstring((site / "output/sitemap.xml").read_bytes())
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    # Absolute in every build: a local build uses GONGKAI_LOCAL_SITEURL, where invoke serve shows it.
    assert "http://localhost:8000/items/11530000MB0765432Y-2024-00003/" in locs
    assert locs and all(loc and loc.startswith("http://localhost:8000/") for loc in locs)  # never <loc></loc>
    assert read(site, "robots.txt").startswith("User-agent: *")
    not_found = read(site, "404.html")
    # Served for any missing address, at any depth: links from the root even in a local build.
    assert "页面不存在" in not_found and 'href="/theme/css/site.css"' in not_found and 'href="../' not in not_found


def test_rebuild_of_the_same_commit_is_byte_identical(site):
    before = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    assert run_build(site).returncode == 0
    after = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    assert before.keys() == after.keys()
    assert [str(p) for p in before if before[p] != after[p]] == []


BADGE_CASES = {
    # 索引号 slug -> (badge label, status or None)
    "11530000MB0123456X-2026-00011": ("定期·季度", "逾期未更新"),
    "11530000MB0123456X-2024-00041": ("即时", None),
    "11530000MB0123456X-2024-00042": ("即时", "超期公开"),
    "11530000MB0123456X-2019-00007": ("长期", None),
    "11530000MB0765432Y-2024-00003": ("定期·年度", "逾期未更新"),  # updated 2024-03-01, due 2025-03-01
}


@pytest.mark.parametrize("slug", sorted(BADGE_CASES))
def test_badge_text_and_freshness_status(site, slug):
    label, status = BADGE_CASES[slug]
    html = read(site, f"items/{slug}/index.html")
    badges = html.split('<div class="item-badges"><span class="badges">', 1)[1].split('<details class="legend">', 1)[0]
    assert f'">{label}</span>' in badges
    if status:  # a disclosure (not a title=): its reason opens by tap, click or keyboard
        assert (f'<details class="tip"><summary><span class="badge badge-alert">{status}</span>'
                '<span class="visually-hidden">（原因）</span></summary><span class="tip-body">') in badges
    else:
        assert "badge-alert" not in badges


def test_status_details_name_the_dates(site):
    overdue = read(site, "items/11530000MB0123456X-2026-00011/index.html")
    late = read(site, "items/11530000MB0123456X-2024-00042/index.html")
    # One colon: the detail itself says "按季度更新：…".
    assert '<p class="notice notice-alert" role="note"><strong>逾期未更新。</strong>按季度更新：' in overdue
    assert "2026-06-30" in overdue.split("notice-alert", 1)[1].split("</p>", 1)[0]
    assert "2024-10-30" in late.split("notice-alert", 1)[1].split("</p>", 1)[0]


def test_stats_count_flagged_items(site):
    html = read(site, "stats/index.html")
    assert "公开时限状态异常（逾期未更新或超期公开）的 <strong>3</strong> 项" in html


def test_stats_page_counts_by_each_dimension(site):
    html = read(site, "stats/index.html")
    items = public_items(site)
    by_year = html.split('id="s-year"', 1)[1].split("</table>", 1)[0]
    years = sorted({i.published.year for i in items}, reverse=True)
    rows = re.findall(r"<tr><td>(\d{4}) 年</td><td>(\d+)</td></tr>", by_year)
    assert rows == [(str(y), str(sum(i.published.year == y for i in items))) for y in years]
    by_category = html.split('id="s-category"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<tr><td>(.+?)</td><td>(\d+)</td></tr>", by_category) == [
        ("社会救助", str(sum(i.category == "社会救助" for i in items))),
        ("财政信息", str(sum(i.category == "财政信息" for i in items)))]
