"""The example site in headless Chromium: the 目录总表's sort and filter, and axe-core (WCAG 2.1 AA)."""
from __future__ import annotations

import json

import pytest
from conftest import axe_violations

AXE_PAGES = {
    "首页": "/",
    "一级事项页": "/category/{category}/",
    "事项页": "/{item}",
    "目录总表": "/table/",
    "统计": "/stats/",
    "搜索": "/search/?q=低保",
    "公开指南": "/guide/",
}


def first_category_and_item(output):
    data = json.loads((output / "downloads/catalogue.json").read_text(encoding="utf-8"))
    first = data["事项"][0]
    html = (output / "index.html").read_text(encoding="utf-8")
    slug = html.split('href="./category/', 1)[1].split("/", 1)[0]
    return slug, first["网址"]


def visible_numbers(page):
    return page.eval_on_selector_all("#catalogue-table tbody tr:not([hidden])", "rows => rows.map(r => r.cells[0].textContent.trim())")


def test_table_sorts_by_column_and_back(page, site_url):
    page.goto(f"{site_url}/table/")
    assert visible_numbers(page)[:3] == ["1", "2", "3"]
    page.get_by_role("button", name="序号", exact=True).click()
    page.get_by_role("button", name="序号", exact=True).click()
    numbers = visible_numbers(page)
    assert numbers == sorted(numbers, key=int, reverse=True)
    assert page.locator("th[aria-sort=descending]").inner_text() == "序号"
    page.get_by_role("button", name="公开主体", exact=True).click()
    units = page.eval_on_selector_all("#catalogue-table tbody tr", "rows => rows.map(r => r.cells[7].textContent)")
    collated = page.evaluate("u => u.slice().sort(new Intl.Collator('zh-CN').compare)", units)
    assert units == collated
    assert page.locator("#table-status").inner_text() == "已按公开主体升序排列"


def test_table_filters_in_place(page, site_url, example_output):
    page.goto(f"{site_url}/table/")
    total = len(visible_numbers(page))
    page.select_option("#table-limit", "定期")
    periodic = page.eval_on_selector_all("#catalogue-table tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.limit)")
    assert periodic and set(periodic) == {"定期"} and len(periodic) < total
    assert page.locator("#table-status").inner_text() == f"显示 {len(periodic)} / {total} 项"
    page.select_option("#table-limit", "")
    page.fill("#table-filter", "养老")
    rows = page.eval_on_selector_all("#catalogue-table tbody tr:not([hidden])", "rows => rows.map(r => r.textContent)")
    assert rows and all("养老" in r for r in rows)


def test_table_is_complete_without_javascript(browser, site_url, example_output):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}/table/")
    data = json.loads((example_output / "downloads/catalogue.json").read_text(encoding="utf-8"))
    assert page.locator("#catalogue-table tbody tr").count() == data["事项数"]
    assert not page.locator("#table-tools").is_visible()
    context.close()


def test_guide_page_links_the_other_guide(page, site_url):
    """公开指南 pages are rendered by the catalogue; their {filename} links resolve to the page."""
    page.goto(f"{site_url}/guide/")
    assert page.locator("h1").inner_text() == "示例县政府信息公开指南"
    page.get_by_role("link", name="依申请公开指南", exact=True).first.click()
    page.wait_for_url(f"{site_url}/apply/")
    assert page.locator("h1").inner_text() == "示例县依申请公开指南"


@pytest.mark.parametrize("name", sorted(AXE_PAGES))
@pytest.mark.parametrize("width", [360, 1280])
def test_axe_reports_no_wcag_aa_violations(page, site_url, example_output, name, width):
    category, item = first_category_and_item(example_output)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url + AXE_PAGES[name].format(category=category, item=item))
    assert axe_violations(page) == []
