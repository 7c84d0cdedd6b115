"""What issue 13 adds to the built site, read from the files: facet indexes and breadcrumbs, the
网站地图, dated guide pages, downloads written for the public (descriptions, sizes, licence,
columns, absolute addresses), meta descriptions, feedback channels and tap-to-call numbers."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO, TINY_PDF, make_mini_project, run_build

from gongkai.site.phones import tel_links

SCHEMA = json.loads((REPO / "schema/item.schema.json").read_text(encoding="utf-8"))
# Words that speak to editors, not to readers of the data.
EDITOR_WORDS = re.compile(r"schema/|content/|\.ya?ml|invoke|以“- ”开头|每行一项|YYYY|登记|提交|commit|审核人|不要再改")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = make_mini_project(tmp_path_factory.mktemp("public") / "project")
    shutil.copy2(EXAMPLES / "periodic_overdue.md", root / "content/items/社会救助/季度支出.md")
    (root / "content/pages/guide.md").write_text(
        "Title: 政府信息公开指南\nSlug: guide\nDate: 2024-01-15\nModified: 2025-01-02\n\n"
        "## 联系方式\n\n电话0879-1234567，传真 0879 7654321，12345热线。\n", encoding="utf-8")
    (root / "content/pages/rules.md").write_text("Title: 政府信息公开制度\nSlug: rules\n\n## 主动公开制度\n\n示例。\n",
                                                 encoding="utf-8")
    conf = root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") +
                    '\nGONGKAI_FEEDBACK_FORM_URL = "https://liuyan.example.gov.invalid/form?from=gk"\n'
                    'GONGKAI_DATA_LICENCE = "测试许可：可自由使用。"\n', encoding="utf-8")
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    return root


def read(site: Path, path: str) -> str:
    return (site / "output" / path).read_text(encoding="utf-8")


def description(html: str) -> str:
    return unescape(re.search(r'<meta name="description" content="([^"]*)">', html).group(1))


# ---------------------------------------------------------------- sections and navigation

def test_facet_indexes_list_every_value_with_its_count(site):
    units = read(site, "unit/index.html")
    assert re.findall(r'<tr><td><a href="\.\./unit/(minzheng|caizheng)/">(.+?)</a></td><td>(\d+) 项</td></tr>', units) == [
        ("minzheng", "示例县民政局", "2"), ("caizheng", "示例县财政局", "1")]
    limits = read(site, "limit/index.html")
    assert '<td><a href="../limit/periodic/">定期</a></td><td>2 项</td><td>按固定周期更新的信息' in limits
    assert '<details class="legend">' in limits
    assert (site / "output/five/index.html").is_file()


@pytest.mark.parametrize("page, crumb", [("unit/minzheng/index.html", '<a href="../../unit/">公开主体</a>'),
                                         ("limit/periodic/index.html", '<a href="../../limit/">公开时限</a>'),
                                         ("five/result/index.html", '<a href="../../five/">五公开</a>')])
def test_facet_breadcrumbs_lead_to_their_index(site, page, crumb):
    assert f"<li>{crumb}</li>" in read(site, page)


def test_sitemap_page_links_every_listing_and_guide_page(site):
    html = read(site, "sitemap/index.html")
    for link in ("../category/shehui-jiuzhu/", "../category/shehui-jiuzhu/dibao/", "../unit/minzheng/",
                 "../limit/periodic/", "../five/result/", "../guide/", "../rules/", "../apply/", "../table/",
                 "../downloads/", "../care/"):
        assert f'href="{link}"' in html, link
    assert '<a href="./sitemap/">网站地图</a>' in read(site, "index.html")  # from every page's footer


def test_navigation_links_published_guide_pages_only(site, tmp_path):
    nav = read(site, "stats/index.html").split('aria-label="主导航"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r">([^<>]+)</a>", nav) == ["首页", "目录总表", "公开主体", "公开指南", "公开制度", "依申请公开", "统计"]
    assert '<a href="../stats/" aria-current="page">统计</a>' in nav


def test_guide_page_shows_its_dates(site):
    html = read(site, "guide/index.html")
    assert ('<p class="page-dates"><span>发布日期：<time datetime="2024-01-15">2024-01-15</time></span>'
            '<span>更新日期：<time datetime="2025-01-02">2025-01-02</time></span></p>') in html
    assert "page-dates" not in read(site, "rules/index.html")


# ---------------------------------------------------------------- meta descriptions

def test_every_page_has_its_own_description(site):
    item = read(site, "items/11530000MB0765432Y-2024-00003/index.html")
    assert description(item) == "示例县财政局2024年部门预算。公开内容：部门收支总表；一般公共预算\"三公\"经费支出表。公开主体：示例县财政局。"
    assert description(read(site, "category/shehui-jiuzhu/index.html")) == "最低生活保障、特困供养、临时救助等，共 2 项。"
    assert description(read(site, "category/shehui-jiuzhu/dibao/index.html")) == "最低生活保障：示例县政务公开事项标准目录中的公开事项，共 1 项。"
    assert description(read(site, "guide/index.html")).startswith("政府信息公开指南：联系方式 电话0879-1234567")
    pages = [p for p in (site / "output").rglob("*.html") if "admin" not in p.parts]
    seen = {}
    for path in pages:
        text = description(path.read_text(encoding="utf-8"))
        assert 10 <= len(text) <= 151 and "<" not in text, path
        seen.setdefault(text, []).append(path)
    assert [paths for paths in seen.values() if len(paths) > 1] == []


# ---------------------------------------------------------------- downloads for the public

def test_every_public_field_has_a_plain_description_and_the_page_shows_it(site):
    """The schema keeps two descriptions: `description` for editors (README, validate), and
    `x-public-description` for readers of the downloads. A new field without one fails here."""
    page = read(site, "downloads/index.html")
    document = json.loads(read(site, "downloads/catalogue.json"))
    described = {f["键"]: f["说明"] for f in document["字段"]}
    for key, spec in SCHEMA["properties"].items():
        if key == "保密审查":  # review bookkeeping: never public
            assert "x-public-description" not in spec and key not in described
            continue
        public = spec.get("x-public-description", "")
        assert public and not EDITOR_WORDS.search(public), key
        assert described[key] == public and f"<td>{public}</td>" in unescape(page).replace("&#34;", '"')
    assert not [d for d in described.values() if EDITOR_WORDS.search(d)]


def test_downloads_page_states_sizes_dates_and_licence(site):
    page = read(site, "downloads/index.html")
    for name in ("catalogue.csv", "catalogue.json"):
        size = (site / "output/downloads" / name).stat().st_size
        assert f"{name}，{size / 1024:.1f} KB，生成于 <time datetime=\"2026-11-23\">2026-11-23</time>" in page
    assert '<p class="licence"><strong>使用许可：</strong>测试许可：可自由使用。</p>' in page
    assert json.loads(read(site, "downloads/catalogue.json"))["许可"] == "测试许可：可自由使用。"


def test_csv_has_dates_and_document_number_and_absolute_addresses(site):
    rows = list(csv.DictReader(io.StringIO((site / "output/downloads/catalogue.csv").read_bytes().decode("utf-8-sig"))))
    budget = next(r for r in rows if r["索引号"] == "11530000MB0765432Y/2024-00003")
    assert (budget["文号"], budget["成文日期"], budget["发布日期"]) == ("示财预〔2024〕5号", "2024-02-01", "2024-02-20")
    assert all(r["网址"].startswith("http://localhost:8000/items/") for r in rows)


def test_json_attachments_are_public_addresses_not_repository_paths(site):
    record = next(r for r in json.loads(read(site, "downloads/catalogue.json"))["事项"]
                  if r["索引号"] == "11530000MB0765432Y/2024-00003")
    [attachment] = record["附件"]
    assert re.fullmatch(r"http://localhost:8000/files/[0-9a-f]{16}\.pdf", attachment["网址"])
    # conftest's TINY_PDF is a valid empty PDF of between 0.15 and 0.25 KB.
    assert 0.15 * 1024 <= len(TINY_PDF) < 0.25 * 1024
    assert (attachment["名称"], attachment["格式"], attachment["大小"]) == ("部门预算公开表", "PDF", "0.2 KB")
    assert "attachments/" not in read(site, "downloads/catalogue.json")


# ---------------------------------------------------------------- feedback and telephone numbers

def test_item_offers_the_form_and_the_mail_address(site):
    html = read(site, "items/11530000MB0765432Y-2024-00003/index.html")
    actions = html.split('<ul class="item-actions">', 1)[1].split("</ul>", 1)[0]
    assert ('<li><a href="https://liuyan.example.gov.invalid/form?from=gk&amp;%E7%B4%A2%E5%BC%95%E5%8F%B7=11530000MB0765432Y'
            '%2F2024-00003&amp;') in actions and ">在线留言反馈</a></li>" in actions
    assert '<li><a href="mailto:gongkai@shilixian.gov.invalid?subject=' in actions and ">发邮件反馈</a>" in actions
    footer = html.split('<footer class="site-footer">', 1)[1]
    assert '<a href="https://liuyan.example.gov.invalid/form?from=gk">在线留言</a>' in footer


def test_guide_pages_and_footer_link_office_numbers(site):
    guide = read(site, "guide/index.html")
    assert ('电话<a href="tel:0879-1234567">0879-1234567</a>，传真 <a href="tel:0879-7654321">0879 7654321</a>，'
            '<a href="tel:12345">12345</a>热线') in guide
    assert '<dd><a href="tel:0879-1234567">0879-1234567</a>（工作日 9:00—17:00）</dd>' in guide


@pytest.mark.parametrize("text, linked", [
    ("0879-1234567", '<a href="tel:0879-1234567">0879-1234567</a>'),
    ("索引号 11530000MB0123456X/2024-00012", "索引号 11530000MB0123456X/2024-00012"),  # never inside a longer number
    ("示民〔2024〕12345号", "示民〔2024〕12345号"),  # a 文号, not the hotline
    ("拨打12345政务服务便民热线", '拨打<a href="tel:12345">12345</a>政务服务便民热线'),
    ("热线：12345", '热线：<a href="tel:12345">12345</a>'),
    ("2024-12345", "2024-12345"),
    ("<b>0871 65123456</b>", "&lt;b&gt;<a href=\"tel:0871-65123456\">0871 65123456</a>&lt;/b&gt;"),  # text is escaped
])
def test_tel_links_on_text(text, linked):
    assert str(tel_links(text)) == linked


def test_tel_links_leave_tags_and_links_alone():
    from markupsafe import Markup

    html = Markup('<p title="0879-1234567">电话 0879-1234567，<a href="x">0879-7654321</a></p>')
    assert str(tel_links(html)) == ('<p title="0879-1234567">电话 <a href="tel:0879-1234567">0879-1234567</a>，'
                                    '<a href="x">0879-7654321</a></p>')
