"""The example site in headless Chromium: the 目录总表's sort and filter, guide links. (axe-core on
every page type: tests/test_browser_reading.py.)"""
from __future__ import annotations

import json

from playwright.sync_api import expect

from gongkai_tools.search import search_catalogue

VISIBLE = "#catalogue-table tbody.entry:not([hidden]) tr.entry-main"


def visible_numbers(page):
    return page.eval_on_selector_all(VISIBLE, "rows => rows.map(r => r.cells[0].textContent.trim())")


def test_table_sorts_by_column_and_back(page, site_url):
    page.goto(f"{site_url}/table/")
    assert visible_numbers(page)[:3] == ["1", "2", "3"]
    page.get_by_role("button", name="序号", exact=True).click()
    page.get_by_role("button", name="序号", exact=True).click()
    numbers = visible_numbers(page)
    assert numbers == sorted(numbers, key=int, reverse=True)
    assert page.locator("th[aria-sort=descending]").inner_text() == "序号"
    page.get_by_role("button", name="公开主体", exact=True).click()
    units = page.eval_on_selector_all(VISIBLE, "rows => rows.map(r => r.querySelector('.col-unit').textContent)")
    collated = page.evaluate("u => u.slice().sort(new Intl.Collator('zh-CN').compare)", units)
    assert units == collated
    assert page.locator("#table-status").inner_text() == "已按公开主体升序排列"


def test_table_filters_in_place(page, site_url, example_site):
    page.goto(f"{site_url}/table/")
    total = len(visible_numbers(page))
    page.select_option("#table-limit", "定期")
    expect(page.locator("#table-count")).not_to_have_text(f"（共 {total} 项）")
    periodic = page.eval_on_selector_all("#catalogue-table tbody.entry:not([hidden])", "rows => rows.map(r => r.dataset.limit)")
    assert periodic and set(periodic) == {"定期"} and len(periodic) < total
    expect(page.locator("#table-count")).to_have_text(f"（找到 {len(periodic)} 项，共 {total} 项）")
    page.select_option("#table-limit", "")
    expect(page.locator("#table-count")).to_have_text(f"（共 {total} 项）")
    page.fill("#table-q", "养老")
    # the search's rule (tests/test_browser_reading.py compares the items themselves)
    found = len([i for i in search_catalogue(example_site, "养老")[1].items if not hasattr(i, "item")])  # items, not 公开信息
    expect(page.locator("#table-count")).to_have_text(f"（找到 {found} 项，共 {total} 项）")


def test_table_is_complete_without_javascript(browser, site_url, example_output):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}/table/")
    data = json.loads((example_output / "downloads/catalogue.json").read_text(encoding="utf-8"))
    assert page.locator("#catalogue-table tr.entry-main").count() == data["事项数"]
    # every item's long columns are there too, open
    assert page.locator("#catalogue-table tr.entry-detail:visible").count() == data["事项数"]
    assert not page.locator("#table-tools").is_visible()
    context.close()


def test_guide_page_links_the_other_guide(page, site_url):
    """公开指南 pages are rendered by the catalogue; their {filename} links resolve to the page."""
    page.goto(f"{site_url}/guide/")
    assert page.locator("h1").inner_text() == "示例县政府信息公开指南"
    page.get_by_role("link", name="依申请公开指南", exact=True).first.click()
    page.wait_for_url(f"{site_url}/apply/")
    assert page.locator("h1").inner_text() == "示例县依申请公开指南"
