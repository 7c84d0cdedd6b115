"""The search page of the built example site in headless Chromium: the real search box, the real
search-core.js and search.js, the real index files. Expected results come from the Python side
(gongkai.search.find, through gongkai_tools.search.search_catalogue) over the same project, so the two languages are held to the
same answers, and the exact words a user reads are asserted.
"""
from __future__ import annotations

import functools
import json
import threading
import unicodedata
from http.server import ThreadingHTTPServer
from urllib.parse import quote

import pytest
from conftest import REPO, _QuietHandler, axe_violations, copy_project, run_build
from playwright.sync_api import expect

from gongkai.catalogue import load_catalogue
from gongkai.search.analysis import char_kind, normalise
from gongkai.settings import Paths
from gongkai_tools.search import search_catalogue

CASES = json.loads((REPO / "tests/search_cases.json").read_text(encoding="utf-8"))
DOCUMENT_NUMBER = "示民〔2024〕37号"


@pytest.fixture(scope="session")
def search_root(example_site, tmp_path_factory):
    """The example site if its build already has search (PLUGINS wired), else a copy that adds it."""
    if (example_site / "output/search/index.html").is_file():
        return example_site
    root = copy_project(tmp_path_factory.mktemp("search-site"))
    conf = root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") +
                    '\nGONGKAI_SEARCH = True  # the search page and index (on by default)\n', encoding="utf-8")
    result = run_build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="session")
def search_url(search_root):
    handler = functools.partial(_QuietHandler, directory=str(search_root / "output"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def spage(browser, search_url):
    """A fresh page that fails the test if anything but the local server is requested."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    foreign, errors = [], []
    page.on("request", lambda r: None if r.url.startswith((search_url, "data:", "blob:")) else foreign.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(10000)
    yield page
    context.close()
    assert not foreign, f"the site requested other hosts: {foreign}"
    assert not errors, f"script errors: {errors}"


@pytest.fixture(scope="session")
def python_search(search_root):
    """Python's answer for a query: the ranked public items."""
    return functools.lru_cache(maxsize=None)(lambda q: search_catalogue(search_root, q)[1])


def open_search(page, url, query, **filters):
    params = "&".join(f"{k}={quote(v)}" for k, v in {"q": query, **filters}.items())
    page.goto(f"{url}/search/?{params}")
    page.wait_for_selector("#search[data-state=done]")


def titles(page):
    return page.locator(".search-result .result-title").all_inner_texts()


def found(n, query):
    return f"找到 {n} 个与“{query}”相关的事项。"


# ---------- the same normalisation as Python ----------

def test_case_table_in_the_browser(spage, search_url):
    open_search(spage, search_url, "")
    got = spage.evaluate("""async (data) => {
        const S = GongkaiSearch;
        const meta = await (await fetch(document.getElementById('search').dataset.meta)).json();
        const fold = S.makeFold(meta.fold), table = new S.SynonymTable(data.synonyms, fold);
        return {
          cases: data.cases.map(c => ({input: c.input, normalised: S.normalise(c.input, fold),
            tokens: S.tokens(c.input, fold), long_tokens: S.tokens(c.input, fold, false), compact: S.compact(c.input, fold)})),
          queries: data.queries.map(q => { const p = S.parseQuery(q.input, table, fold); return {input: q.input,
            clauses: p.clauses.map(c => c.alternatives.map(a => ({text: a.text,
              parts: a.parts.map(x => ({tokens: x.tokens, required: x.required})), phrases: a.phrases}))),
            exact: p.exactKey, tried: p.tried}; }),
          highlights: data.highlights.map(h => ({query: h.query, text: h.text,
            marked: S.markedPieces(h.text, S.parseQuery(h.query, table, fold), fold)}))
        };
    }""", CASES)
    assert got["cases"] == CASES["cases"]
    assert got["queries"] == CASES["queries"]
    assert got["highlights"] == CASES["highlights"]


def test_every_character_normalises_alike(spage, search_url):
    """Every character Python's Unicode database knows, up to the CJK extensions."""
    chars = [chr(c) for c in range(0x20, 0x30000) if unicodedata.category(chr(c)) not in ("Cn", "Cs")]
    open_search(spage, search_url, "")
    got = spage.evaluate("""async (chars) => {
        const S = GongkaiSearch;
        const meta = await (await fetch(document.getElementById('search').dataset.meta)).json();
        const fold = S.makeFold(meta.fold);
        return [chars.map(c => S.normalise(c, fold)), chars.map(c => S.charKind(c))];
    }""", chars)
    differ = [c for c, n, k in zip(chars, *got) if (n, k) != (normalise(c), char_kind(c))]
    assert differ == []


# ---------- searching as a user does ----------

def test_header_search_box_plain_two_character_query(spage, search_url, python_search):
    spage.goto(f"{search_url}/")
    spage.fill("#site-search", "养老")
    spage.press("#site-search", "Enter")
    spage.wait_for_selector("#search[data-state=done]")
    expected = python_search("养老").items
    assert spage.url.endswith("/search/?q=" + quote("养老"))
    expect(spage.locator("#search-status")).to_have_text(found(len(expected), "养老"))
    assert titles(spage) == [i.title for i in expected[:10]]
    assert spage.locator(".search-result").first.locator(".result-title mark").first.inner_text() == "养老"
    assert spage.input_value("#search-q") == "养老"


def test_traditional_characters_find_simplified_text(spage, search_url):
    open_search(spage, search_url, "")
    spage.fill("#search-q", "養老機構")
    spage.press("#search-q", "Enter")
    expect(spage.locator("#search-status")).to_contain_text("相关的事项")
    first = spage.locator(".search-result").first
    assert "养老机构" in first.locator(".result-title").inner_text()
    assert first.locator(".result-title mark").first.inner_text() == "养老机构"


def document_number_item(root):
    catalogue, _ = load_catalogue(Paths.for_root(root))[:2]
    return next(i for i in catalogue.public_items if i.meta.get("文号") == DOCUMENT_NUMBER)


def test_abbreviation_finds_the_full_term(spage, search_url, search_root, python_search):
    target = document_number_item(search_root)
    assert "低保" not in target.title
    open_search(spage, search_url, "低保")
    expect(spage.locator("#search-tried")).to_have_text("已同时搜索同义词：最低生活保障")
    expect(spage.locator("#search-status")).to_have_text(found(len(python_search("低保").items), "低保"))
    assert target.title in titles(spage)


def test_exact_document_number_typed_with_square_brackets(spage, search_url, search_root):
    target = document_number_item(search_root)
    open_search(spage, search_url, "")
    spage.fill("#search-q", "示民[2024]37号")
    spage.press("#search-q", "Enter")
    first = spage.locator(".search-result").first
    expect(first.locator(".result-title")).to_have_text(target.title)
    assert "search-result-exact" in first.get_attribute("class")
    assert first.locator(".result-ids").inner_text().startswith(f"文号：{DOCUMENT_NUMBER}")


def test_filter_updates_url_and_back_removes_it(spage, search_url, python_search):
    expected = python_search("补贴").items
    unit = "示例县民政局"
    kept = [i for i in expected if i.unit == unit]
    assert 0 < len(kept) < len(expected)
    open_search(spage, search_url, "补贴")
    spage.select_option("#search-filters select[data-facet=unit]", unit)
    expect(spage.locator("#search-status")).to_have_text(f"找到 {len(kept)} 个与“补贴”相关的事项（筛选前共 {len(expected)} 个）。")
    assert f"unit={quote(unit)}" in spage.url
    assert set(spage.locator(".result-unit").all_inner_texts()) == {unit}
    assert titles(spage) == [i.title for i in kept[:10]]
    spage.go_back()
    expect(spage.locator("#search-status")).to_have_text(found(len(expected), "补贴"))
    assert "unit=" not in spage.url
    assert spage.input_value("#search-filters select[data-facet=unit]") == ""


def test_no_results_suggests_categories(spage, search_url, search_root):
    open_search(spage, search_url, "量子计算机")
    expect(spage.locator("#search-status")).to_have_text("没有找到与“量子计算机”相关的事项。")
    empty = spage.locator("#search-empty")
    expect(empty).to_be_visible()
    links = empty.locator(".category-grid a")
    assert links.count() >= 5
    assert links.first.get_attribute("href").startswith("../category/")
    assert empty.get_by_role("link", name="查看目录总表").get_attribute("href") == "../table/"
    assert spage.locator(".search-result").count() == 0


def test_no_results_shows_the_synonyms_tried(spage, search_url):
    open_search(spage, search_url, "环评 量子")
    expect(spage.locator("#search-status")).to_have_text("没有找到与“环评 量子”相关的事项。")
    expect(spage.locator("#search-tried")).to_have_text("已同时搜索同义词：环境影响评价")
    expect(spage.locator("#search-empty")).to_be_visible()


def test_query_matching_only_an_internal_item_finds_nothing(spage, search_url, search_root):
    catalogue, _ = load_catalogue(Paths.for_root(search_root))[:2]
    internal = [i.title for i in catalogue.items if not i.is_public and "考勤管理" in i.title]
    assert internal, "the example catalogue has an internal item about 考勤管理"
    open_search(spage, search_url, "考勤管理")
    expect(spage.locator("#search-status")).to_have_text("没有找到与“考勤管理”相关的事项。")
    assert spage.locator(".search-result").count() == 0


def test_back_button_returns_to_the_previous_query(spage, search_url, python_search):
    open_search(spage, search_url, "养老")
    spage.fill("#search-q", "低保")
    spage.press("#search-q", "Enter")
    expect(spage.locator("#search-status")).to_have_text(found(len(python_search("低保").items), "低保"))
    spage.go_back()
    expect(spage.locator("#search-status")).to_have_text(found(len(python_search("养老").items), "养老"))
    assert spage.input_value("#search-q") == "养老"


def test_more_results_by_keyboard(spage, search_url, python_search):
    expected = python_search("公开").items
    assert len(expected) > 10
    open_search(spage, search_url, "公开")
    assert spage.locator(".search-result").count() == 10
    spage.focus("#search-more")
    spage.keyboard.press("Enter")
    expect(spage.locator(".search-result")).to_have_count(min(20, len(expected)))
    assert spage.evaluate("document.activeElement.textContent") == expected[10].title


def test_results_are_announced(spage, search_url):
    open_search(spage, search_url, "养老")
    status = spage.locator("#search-status")
    assert (status.get_attribute("role"), status.get_attribute("aria-live")) == ("status", "polite")


@pytest.mark.parametrize("query", ["养老", "低保", "補貼", "公开 指南", "示民[2024]37号", "三公经费", "医保", "2024年 预算",
                                   "2025年预算", "社保", "低保名单", "公积金 量子"])
def test_browser_ranks_like_python(spage, search_url, python_search, query):
    open_search(spage, search_url, query)
    hrefs = spage.eval_on_selector_all(".search-result .result-title a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["../" + i.url for i in python_search(query).items[:10]]


@pytest.mark.parametrize("width", [360, 1280])
def test_typed_without_spaces_finds_what_the_spaced_query_finds(browser, search_url, python_search, width):
    """As people type: 2023年决算 (the year run into the word) and 2023 决算 give the same first
    result, at phone and desktop width, with the whole words highlighted in its title."""
    expected = python_search("2023 决算").items
    assert [i.url for i in python_search("2023年决算").items] == [i.url for i in expected]
    assert expected[0].title == "示例县2023年一般公共预算决算"
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    firsts = []
    for query in ("2023年决算", "2023 决算"):
        open_search(page, search_url, query)
        expect(page.locator("#search-status")).to_have_text(found(len(expected), query))
        first = page.locator(".search-result .result-title").first
        firsts.append(first.inner_text())
        assert first.locator("mark").all_inner_texts() == ["2023", "决算"]
    assert firsts == [expected[0].title] * 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_masked_names_stay_masked_in_the_snippet(browser, search_url, width):
    """The 公示 table lists 李*华 and 杨**: the snippet shows them as written, not 李 华 or 杨."""
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    open_search(page, search_url, "松林村")
    snippet = page.locator(".search-result .result-snippet").first.inner_text()
    assert "李*华" in snippet and "杨**" in snippet
    assert "李 华" not in snippet
    context.close()


def test_partial_matches_are_labelled(spage, search_url, python_search):
    outcome = python_search("公积金 量子")
    assert outcome.partial and outcome.items
    open_search(spage, search_url, "公积金 量子")
    expect(spage.locator("#search-status")).to_have_text(
        f"没有同时包含全部词语的结果，以下是部分匹配的结果：共 {len(outcome.items)} 个事项。")
    assert titles(spage) == [i.title for i in outcome.items[:10]]
    expect(spage.locator("#search-tried")).to_have_text("已同时搜索同义词：住房公积金")
    expect(spage.locator("#search-empty")).to_be_hidden()
    assert spage.locator(".search-result").first.locator(".result-title mark").all_inner_texts() == ["住房公积金"]


def test_highlight_marks_whole_phrases_not_characters(spage, search_url):
    open_search(spage, search_url, "低保")
    marks = set(spage.locator(".search-result mark").all_inner_texts())
    assert marks and marks <= {"低保", "最低生活保障"}, marks


def test_without_javascript_the_page_says_so(browser, search_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{search_url}/search/?q=低保")
    notice = page.locator(".search-noscript")
    expect(notice).to_contain_text("搜索功能需要启用浏览器的 JavaScript。")
    assert notice.get_by_role("link", name="目录总表").get_attribute("href") == "../table/"
    assert notice.get_by_role("link", name="首页").get_attribute("href") == "../"
    assert not page.locator("#search").is_visible()
    context.close()


@pytest.mark.parametrize("query", ["低保", "量子计算机"])
def test_axe_reports_no_wcag_aa_violations(spage, search_url, query):
    open_search(spage, search_url, query)
    assert axe_violations(spage) == []


def test_badges_carry_time_limit_and_status(spage, search_url, search_root):
    """An item with a freshness status (逾期未更新 or 超期公开) shows it beside its 公开时限 badge."""
    records = [r for p in sorted((search_root / "output/search").glob("data-*/d/*.json"))
               for r in json.loads(p.read_text(encoding="utf-8"))]
    flagged = next(r for r in records if r[6])
    open_search(spage, search_url, flagged[10])  # its 索引号: an exact match, shown first
    badges = spage.locator(".search-result").first.locator(".badges .badge")
    assert badges.all_inner_texts()[:2] == [flagged[5], flagged[6]]
    assert badges.nth(0).get_attribute("class") in {"badge badge-long", "badge badge-periodic", "badge badge-instant"}
    assert badges.nth(1).get_attribute("class") == "badge badge-alert"
