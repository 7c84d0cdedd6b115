"""The example site as the public reads it (issue 13), in headless Chromium at 360 and 1280 px:
the 目录总表 fits and its filters live in the URL, labels are explained, 关怀模式 is remembered,
the phone item page starts with the content, and axe-core finds nothing on any page type in
either mode. Expected filter results come from the Python search over the same project.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from conftest import axe_violations
from playwright.sync_api import expect

from gongkai_tools.search import search_catalogue

WIDTHS = [360, 1280]
CARE_KEY = "gongkai-care"


@pytest.fixture(scope="module")
def urls(example_output):
    """One address of every page type, found in the built site's sitemap.xml."""
    sitemap = ET.fromstring((example_output / "sitemap.xml").read_bytes())
    locs = [e.text.split("://", 1)[1].split("/", 1)[1] for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]

    def first(pattern):
        return "/" + next(loc for loc in locs if re.fullmatch(pattern, loc))

    flagged = next(p for p in sorted((example_output / "items").iterdir())
                   if 'class="tip"' in (p / "index.html").read_text(encoding="utf-8"))
    return {
        "首页": "/", "一级事项": first(r"category/[^/]+/"), "二级事项": first(r"category/[^/]+/[^/]+/"),
        "公开主体索引": "/unit/", "公开主体": first(r"unit/[^/]+/"), "公开时限索引": "/limit/",
        "公开时限": "/limit/instant/", "五公开索引": "/five/", "五公开": first(r"five/[^/]+/"),
        "事项": f"/items/{flagged.name}/", "目录总表": "/table/", "统计": "/stats/", "数据下载": "/downloads/",
        "搜索": "/search/?q=" + quote("低保"), "公开指南": "/guide/", "公开制度": "/rules/", "依申请公开": "/apply/",
        "网站地图": "/sitemap/", "无障碍说明": "/care/", "404": "/404.html",
        "年度报告索引": "/reports/", "年度报告": first(r"reports/[^/]+/"),
        # 公开信息: an item with documents, a repealed document, 政策文件库 whole and filtered
        "有公开信息的事项": "/items/11539901MB0A20035K-2024-00006/", "公开信息": "/docs/11539901MB0A20035K-2019-00004/",
        "政策文件库": "/policies/", "政策文件库筛选": "/policies/validity/repealed/",
    }


def new_page(browser, site_url, width, care=False, js=True, touch=False):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN", java_script_enabled=js,
                                  has_touch=touch)
    if care:
        context.add_init_script(f"localStorage.setItem('{CARE_KEY}', '1')")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith((site_url, "data:", "blob:")) else errors.append(r.url))
    page.set_default_timeout(10000)
    return context, page, errors


def wait_for_filter(page):
    expect(page.locator("#table-tools")).not_to_have_attribute("aria-busy", "true")
    page.wait_for_function("() => !document.getElementById('table-tools').hasAttribute('aria-busy')")


def shown_links(page) -> list[str]:
    return page.eval_on_selector_all("#catalogue-table tbody.entry:not([hidden]) .col-name a",
                                     "links => links.map(a => a.getAttribute('href').replace(/^(\\.\\.\\/)+/, ''))")


# ---------------------------------------------------------------- axe on every page type, both modes

PAGE_TYPES = ["首页", "一级事项", "二级事项", "公开主体索引", "公开主体", "公开时限索引", "公开时限", "五公开索引", "五公开",
              "事项", "目录总表", "统计", "数据下载", "搜索", "公开指南", "公开制度", "依申请公开", "网站地图", "无障碍说明", "404",
              "年度报告索引", "年度报告", "有公开信息的事项", "公开信息", "政策文件库", "政策文件库筛选"]


@pytest.mark.parametrize("care", [False, True], ids=["普通", "关怀模式"])
@pytest.mark.parametrize("width", WIDTHS)
def test_axe_reports_no_wcag_aa_violations_on_any_page_type(browser, site_url, urls, width, care):
    context, page, errors = new_page(browser, site_url, width, care)
    found = {}
    for name in PAGE_TYPES:
        page.goto(site_url + urls[name])
        if name == "搜索":
            page.wait_for_selector("#search[data-state=done]")
        # what a tap opens is checked too: legends, tips, the item's facts, the table's rows
        page.evaluate("() => { document.querySelectorAll('details').forEach(d => d.open = true);"
                      " document.querySelectorAll('.detail-toggle').forEach((b, i) => { if (i < 3) b.click(); }); }")
        assert page.evaluate("() => document.documentElement.classList.contains('care')") == care
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    context.close()
    assert found == {} and errors == []


# ---------------------------------------------------------------- 目录总表: layout

@pytest.mark.parametrize("width", WIDTHS)
def test_table_fits_its_container_and_the_first_name_is_on_screen(browser, site_url, width):
    context, page, errors = new_page(browser, site_url, width)
    page.goto(f"{site_url}/table/")
    sizes = page.evaluate("""() => {
        const main = document.querySelector('main'), style = getComputedStyle(main);
        const name = document.querySelector('#catalogue-table tr.entry-main .col-name a').getBoundingClientRect();
        const rows = [...document.querySelectorAll('#catalogue-table tr.entry-main')].map(r => r.getBoundingClientRect().height);
        return {table: document.getElementById('catalogue-table').getBoundingClientRect().width,
                container: main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
                page: document.documentElement.scrollWidth, viewport: innerWidth,
                nameLeft: name.left, nameRight: name.right, tallest: Math.max(...rows)}
    }""")
    assert sizes["table"] <= sizes["container"] + 0.5
    assert sizes["page"] <= sizes["viewport"]  # nothing scrolls sideways
    assert 0 <= sizes["nameLeft"] and sizes["nameRight"] <= sizes["viewport"]
    if width == 1280:
        assert sizes["tallest"] < 160  # long columns are folded: rows were up to 454 px
    context.close()
    assert errors == []


def test_table_header_stays_on_screen_while_scrolling(browser, site_url):
    context, page, errors = new_page(browser, site_url, 1280)
    page.goto(f"{site_url}/table/")
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    top = page.evaluate("() => document.querySelector('#catalogue-table thead th.col-name').getBoundingClientRect().top")
    assert abs(top) < 1
    context.close()


def test_table_rows_unfold_with_a_real_button(browser, site_url):
    context, page, errors = new_page(browser, site_url, 360)
    page.goto(f"{site_url}/table/")
    entry = page.locator("#catalogue-table tbody.entry").first
    detail = entry.locator("tr.entry-detail")
    button = entry.get_by_role("button", name=re.compile("^展开详情"))
    expect(detail).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    button.focus()
    page.keyboard.press("Enter")
    expect(detail).to_be_visible()
    expect(detail).to_contain_text("公开依据")
    expect(entry.get_by_role("button", name=re.compile("^收起详情"))).to_have_attribute("aria-expanded", "true")
    context.close()
    assert errors == []


# ---------------------------------------------------------------- 目录总表: filters in the URL

def test_filter_in_the_url_is_applied_on_load_and_after_back(browser, site_url, example_output):
    data = json.loads((example_output / "downloads/catalogue.json").read_text(encoding="utf-8"))
    total = data["事项数"]
    wanted = sorted(r["网址"].split("/", 3)[3] for r in data["事项"] if r["一级事项"] == "行政许可")
    context, page, errors = new_page(browser, site_url, 1280)
    page.goto(f"{site_url}/table/?category={quote('行政许可')}")
    wait_for_filter(page)
    assert sorted(shown_links(page)) == wanted
    expect(page.locator("#table-category")).to_have_value("行政许可")
    expect(page.locator("#table-count")).to_have_text(f"（找到 {len(wanted)} 项，共 {total} 项）")
    expect(page.locator("#table-count")).to_have_attribute("aria-live", "polite")
    # a second filter adds a history entry; Back returns to the first (popstate)
    page.select_option("#table-method", "依申请")
    wait_for_filter(page)
    assert "method=" in page.url and len(shown_links(page)) < len(wanted)
    page.go_back()
    wait_for_filter(page)
    assert sorted(shown_links(page)) == wanted and page.locator("#table-method").input_value() == ""
    # open an item and come back: the filter is still the URL's
    page.locator("#catalogue-table tbody.entry:not([hidden]) .col-name a").first.click()
    page.wait_for_url(re.compile(r"/items/"))
    page.go_back()
    wait_for_filter(page)
    assert page.url.endswith(f"/table/?category={quote('行政许可')}")
    expect(page.locator("#table-category")).to_have_value("行政许可")
    assert sorted(shown_links(page)) == wanted
    context.close()
    assert errors == []


@pytest.mark.parametrize("query", ["低保", "養老", "社保", "公积金", "2023年决算"])
def test_table_text_filter_finds_what_search_finds(browser, site_url, example_site, query):
    """Synonyms (低保 = 最低生活保障), 繁→简 and the body: the same items as the search, from the same index."""
    # the table lists items only: the search's 公开信息 results are not rows of it
    expected = sorted(item.url for item in search_catalogue(example_site, query)[1].items if not hasattr(item, "item"))
    context, page, errors = new_page(browser, site_url, 1280)
    page.goto(f"{site_url}/table/?q={quote(query)}")
    wait_for_filter(page)
    assert expected and sorted(shown_links(page)) == expected
    expect(page.locator("#table-q")).to_have_value(query)
    context.close()
    assert errors == []


def test_typing_a_filter_writes_it_into_the_url(browser, site_url):
    context, page, errors = new_page(browser, site_url, 360)
    page.goto(f"{site_url}/table/")
    page.fill("#table-q", "最低生活保障")
    page.wait_for_url(re.compile(r"\?q=%E6%9C%80"))
    wait_for_filter(page)
    assert page.locator("#table-count").inner_text().startswith("（找到 ")
    context.close()
    assert errors == []


def test_table_says_when_nothing_matches(browser, site_url, example_output):
    total = json.loads((example_output / "downloads/catalogue.json").read_text(encoding="utf-8"))["事项数"]
    context, page, errors = new_page(browser, site_url, 360)
    page.goto(f"{site_url}/table/?q={quote('没有这样的事项')}&unit={quote('不存在的单位')}")
    wait_for_filter(page)
    expect(page.locator("#table-empty")).to_be_visible()
    expect(page.locator("#table-empty")).to_contain_text("没有符合条件的事项。请减少筛选条件或换一个关键词")
    expect(page.locator("#table-count")).to_have_text(f"（找到 0 项，共 {total} 项）")
    page.locator("#table-empty").get_by_role("link", name="清除全部筛选").click()
    wait_for_filter(page)
    expect(page.locator("#table-count")).to_have_text(f"（共 {total} 项）")
    assert page.url.endswith("/table/") and page.locator("#table-empty").is_hidden()
    context.close()
    assert errors == []


# ---------------------------------------------------------------- labels explained

def test_status_badge_explains_itself_by_tap_and_keyboard(browser, site_url, urls):
    context, page, errors = new_page(browser, site_url, 360, touch=True)
    page.goto(site_url + urls["事项"])
    tip = page.locator(".item-badges details.tip").first
    body = tip.locator(".tip-body")
    expect(body).to_be_hidden()
    tip.locator("summary").tap()
    expect(body).to_be_visible()
    expect(body).to_contain_text("应")
    tip.locator("summary").tap()
    expect(body).to_be_hidden()
    tip.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(body).to_be_visible()
    legend = page.locator(".item-badges details.legend")
    legend.locator("summary").click()
    expect(legend).to_contain_text("逾期未更新定期公开的事项，从上次更新之日")
    expect(legend).to_contain_text("即时信息形成或者变更后限期公开")
    context.close()
    assert errors == []


def test_only_overdue_and_late_use_the_alarming_colour(browser, site_url):
    context, page, errors = new_page(browser, site_url, 1280)
    page.goto(f"{site_url}/table/")
    colours = page.evaluate("""() => Object.fromEntries(['badge-long', 'badge-periodic', 'badge-instant', 'badge-alert']
        .map(c => [c, getComputedStyle(document.querySelector('.' + c)).color]))""")
    assert len(set(colours.values())) == 4
    assert colours["badge-instant"] != "rgb(138, 58, 0)"  # the orange that read as a warning
    context.close()


def test_limit_page_introduces_its_kind(browser, site_url):
    context, page, errors = new_page(browser, site_url, 360)
    page.goto(f"{site_url}/limit/instant/")
    expect(page.locator("p.intro")).to_have_text(
        "即时公开：信息形成或者变更后限期公开的信息，如公示、名单、许可结果。期限一般是 20 个工作日，目录中另写明期限的，按写明的期限。")
    page.get_by_role("navigation", name="当前位置").get_by_role("link", name="公开时限").click()
    page.wait_for_url(f"{site_url}/limit/")
    expect(page.locator("h1")).to_have_text("公开时限")
    context.close()


# ---------------------------------------------------------------- 关怀模式

TAP_TARGETS = ".site-nav a, .search-form button, .search-form input, .footer-links a, .care-label, .item-title, .breadcrumbs a"


def sizes(page) -> dict:
    return page.evaluate(f"""() => {{
        const body = getComputedStyle(document.body);
        const targets = [...document.querySelectorAll('{TAP_TARGETS}')].filter(e => e.offsetParent)
            .map(e => e.getBoundingClientRect().height);
        return {{font: parseFloat(body.fontSize), line: parseFloat(body.lineHeight), smallest: Math.min(...targets),
                 care: document.documentElement.classList.contains('care'),
                 checked: document.getElementById('care-toggle').checked}};
    }}""")


@pytest.mark.parametrize("width", WIDTHS)
def test_care_mode_is_remembered_across_pages(browser, site_url, width):
    context, page, errors = new_page(browser, site_url, width)
    page.goto(f"{site_url}/")
    before = sizes(page)
    assert before["font"] == 16 and not before["care"]
    page.get_by_label(re.compile("^关怀模式")).check()
    now = sizes(page)
    assert now["care"] and now["font"] >= 18 and now["line"] >= 1.8 * now["font"] and now["smallest"] >= 44
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="目录总表").click()
    page.wait_for_url(f"{site_url}/table/")
    again = sizes(page)
    assert again["care"] and again["checked"] and again["font"] >= 18 and again["smallest"] >= 44
    page.get_by_label(re.compile("^关怀模式")).uncheck()
    page.goto(f"{site_url}/stats/")
    assert sizes(page)["font"] == 16
    context.close()
    assert errors == []


def test_care_mode_larger_text_works_without_javascript(browser, site_url):
    context, page, errors = new_page(browser, site_url, 360, js=False)
    page.goto(f"{site_url}/")
    assert sizes(page)["font"] == 16
    page.get_by_label(re.compile("^关怀模式")).check()
    assert sizes(page)["font"] >= 18 and sizes(page)["smallest"] >= 44
    context.close()


# ---------------------------------------------------------------- pages on a phone

def test_phone_item_page_starts_with_the_content(browser, site_url, urls):
    context, page, errors = new_page(browser, site_url, 360)
    page.goto(site_url + urls["事项"])
    facts = page.locator("details.item-meta-box")
    expect(facts).not_to_have_attribute("open", "")
    expect(facts.locator("summary")).to_contain_text("发布 ")
    assert page.locator("#h-content").bounding_box()["y"] < 800  # was ~650 px of facts before the content
    facts.locator("summary").click()
    expect(facts.locator("dl")).to_contain_text("索引号")
    context.close()
    desk, page, errors = new_page(browser, site_url, 1280)
    page.goto(site_url + urls["事项"])
    expect(page.locator("details.item-meta-box")).to_have_attribute("open", "")
    desk.close()


def test_phone_numbers_are_tap_to_call(browser, site_url):
    context, page, errors = new_page(browser, site_url, 360)
    page.goto(f"{site_url}/apply/")
    assert page.locator("main a[href='tel:0879-1234567']").count() >= 2
    assert page.locator("footer a[href='tel:0879-1234567']").count() == 1
    context.close()


def test_downloads_page_reads_on_a_phone(browser, site_url):
    context, page, errors = new_page(browser, site_url, 360)
    page.goto(f"{site_url}/downloads/")
    first = page.locator(".fields-table tbody th").first
    assert first.inner_text().startswith("事项名称") and first.bounding_box()["width"] > 200  # not one character per line
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    expect(page.locator(".download-list")).to_contain_text(re.compile(r"catalogue\.csv，[\d.]+ KB，生成于 \d{4}-\d{2}-\d{2}"))
    expect(page.locator(".licence")).to_contain_text("使用许可：")
    context.close()


def test_guide_page_keeps_a_short_measure_and_its_date(browser, site_url):
    context, page, errors = new_page(browser, site_url, 1280)
    page.goto(f"{site_url}/guide/")
    width, font = page.evaluate("() => { const p = document.querySelector('.page p:not(.page-dates)');"
                                " return [p.getBoundingClientRect().width, parseFloat(getComputedStyle(p).fontSize)]; }")
    assert width / font <= 41  # about 40 Chinese characters a line
    expect(page.locator(".page-dates")).to_have_text(re.compile(r"发布日期：\d{4}-\d{2}-\d{2}"))
    context.close()


def test_application_form_is_downloadable_from_the_apply_page(browser, site_url):
    context, page, errors = new_page(browser, site_url, 1280)
    page.goto(f"{site_url}/apply/")
    link = page.get_by_role("link", name="《示例县政府信息公开申请表》")
    href = link.get_attribute("href")
    assert re.fullmatch(r"\.\./files/[0-9a-f]{16}\.docx", href)
    response = page.request.get(f"{site_url}/files/{href.rsplit('/', 1)[1]}")
    assert response.ok and response.body()[:2] == b"PK"  # a real Word (zip) file
    context.close()


def test_navigation_marks_the_current_section(browser, site_url, urls):
    context, page, errors = new_page(browser, site_url, 1280)
    nav = page.get_by_role("navigation", name="主导航")
    for address, current, kind in [("/table/", "目录总表", "page"), (urls["公开主体"], "公开主体", "true"),
                                   ("/unit/", "公开主体", "page"), ("/rules/", "公开制度", "page")]:
        page.goto(site_url + address)
        marked = nav.locator("a[aria-current]")
        expect(marked).to_have_count(1)
        expect(marked).to_have_text(current)
        expect(marked).to_have_attribute("aria-current", kind)
    page.goto(site_url + urls["事项"])
    expect(nav.locator("a[aria-current]")).to_have_count(0)
    context.close()
