"""The annual report pages in headless Chromium: axe-core (WCAG 2.1 AA) at phone and desktop
widths, right-aligned tabular figures, the scrolling table region on a phone, and print (A4,
no navigation, each section on a new page)."""
from __future__ import annotations

import re

import pytest

from conftest import axe_violations

PAGES = {"年度报告列表": "/reports/", "2025 年度报告": "/reports/2025/", "2024 年度报告": "/reports/2024/"}


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("width", [360, 1280])
def test_report_pages_have_no_wcag_aa_violations(page, site_url, name, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url + PAGES[name])
    assert axe_violations(page) == []


def test_numbers_are_right_aligned_tabular_figures(page, site_url):
    page.goto(f"{site_url}/reports/2025/")
    styles = page.eval_on_selector_all("td.num", "cells => cells.map(c => [getComputedStyle(c).textAlign, "
                                       "getComputedStyle(c).fontVariantNumeric])")
    assert len(styles) == 200 and set(map(tuple, styles)) == {("right", "tabular-nums")}


def test_on_a_phone_the_wide_table_scrolls_inside_its_region(page, site_url):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{site_url}/reports/2025/")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 360
    region = page.locator("section#s3 .report-scroll")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    assert page.get_by_role("region", name="三、收到和处理政府信息公开申请情况").count() == 1


def test_print_hides_navigation_and_starts_each_section_on_a_new_page(page, site_url):
    page.goto(f"{site_url}/reports/2025/")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.site-header', '.breadcrumbs', '.report-downloads', '.site-footer']
        .map(s => getComputedStyle(document.querySelector(s)).display)""")
    assert hidden == ["none"] * 4
    breaks = page.eval_on_selector_all("section.report-section", "s => s.map(x => getComputedStyle(x).breakBefore)")
    assert breaks == ["auto"] + ["page"] * 5
    assert page.evaluate("getComputedStyle(document.querySelector('#t3 thead')).display") == "table-header-group"
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages >= 6  # six sections, each from the top of a page
