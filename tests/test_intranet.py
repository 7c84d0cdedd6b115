"""The intranet site (issue 15 §4): `invoke build --internal` (internalconf.py) writes
output-internal/ with the 内部 items, marked on every page and listing, with its own search
index, downloads and caches; the public site never shows them, never shares their folder or
caches, and is byte for byte the same whether or not an intranet build ran before.

The canary is tests/examples/internal_item.md (公开对象: 内部, keyword 考勤汇总内部专用词)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES, make_mini_project, run_build, run_invoke
from test_build import snapshot

CANARY = ("机关干部考勤与请销假登记", "考勤汇总内部专用词", "11530000MB0123456X-2024-00032")
BANNER = "内部公开，仅限本单位工作人员"
CANARY_PAGE = "items/11530000MB0123456X-2024-00032/index.html"


def with_canary(root: Path) -> Path:
    make_mini_project(root)
    shutil.copy2(EXAMPLES / "internal_item.md", root / "content/items/社会救助/考勤登记.md")
    return root


def build(root: Path, internal: bool):
    result = run_build(root, conf="internalconf.py" if internal else "pelicanconf.py")
    assert result.returncode == 0, result.stdout + result.stderr
    return snapshot(root / ("output-internal" if internal else "output"))


def holding(files: dict, text: str) -> list[str]:
    return sorted(path for path, data in files.items() if text.encode("utf-8") in data)


@pytest.fixture(scope="module")
def both_orders(tmp_path_factory):
    """Two copies: public then intranet, and intranet then public; their outputs after each."""
    a = with_canary(tmp_path_factory.mktemp("public-first"))
    b = with_canary(tmp_path_factory.mktemp("intranet-first"))
    return {"public alone": build(a, False), "intranet after public": build(a, True),
            "intranet alone": build(b, True), "public after intranet": build(b, False), "roots": (a, b)}


def test_the_canary_is_on_the_intranet_site_and_nowhere_in_the_public_one(both_orders):
    for name in ("intranet alone", "intranet after public"):
        site = both_orders[name]
        assert CANARY_PAGE in site
        assert "search/index-meta.json" in site
        for text in CANARY:
            found = holding(site, text)
            assert "downloads/catalogue.json" in found, (name, text)
            assert text == CANARY[1] or "downloads/catalogue.csv" in found, (name, text)  # the CSV has no 关键词
            assert text == CANARY[1] or any(path.startswith("search/data-") for path in found), (name, text)
        # its own search index: the keyword's tokens are posted (the public index has none)
        assert any(p.startswith("search/data-") for p in holding(site, '"专用":')), name
    for name in ("public alone", "public after intranet"):
        for text in CANARY:
            assert holding(both_orders[name], text) == [], (name, text)
        assert holding(both_orders[name], '"专用":') == [], name


def test_the_public_site_is_byte_identical_whether_or_not_an_intranet_build_ran(both_orders):
    assert both_orders["public after intranet"] == both_orders["public alone"]
    assert both_orders["intranet after public"] == both_orders["intranet alone"]


def test_every_intranet_page_carries_the_banner_and_internal_items_the_badge(both_orders):
    site = both_orders["intranet alone"]
    pages = [path for path in site if path.endswith(".html")]
    assert len(pages) > 20 and [p for p in pages if BANNER.encode() not in site[p]] == []
    public = both_orders["public alone"]
    assert holding(public, BANNER) == [] and holding(public, "badge-internal\"") == []
    listing = site["category/shehui-jiuzhu/index.html"].decode("utf-8")
    row = listing.split(CANARY[0])[1].split("</li>")[0]
    assert '<span class="badge badge-internal">内部</span>' in row
    assert '<span class="badge badge-internal">内部</span>' in site[CANARY_PAGE].decode("utf-8")
    assert site[".gongkai-intranet"].decode("utf-8").startswith("内网网站（含内部事项）")


def test_the_two_builds_keep_separate_caches(both_orders):
    root = both_orders["roots"][0]
    public, intranet = root / ".cache/pelican", root / ".cache/pelican/intranet"
    assert (intranet / "gongkai-pages.cache").is_file() and (public / "gongkai-pages.cache").is_file()


def test_a_cache_file_is_valid_only_in_the_folder_it_was_written_in(tmp_path, monkeypatch):
    from gongkai import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user"))
    root = tmp_path / "project"
    intranet = root / ".cache/pelican/intranet/gongkai-pages.cache"
    intranet.parent.mkdir(parents=True)
    cache.save(intranet, "key", {"items/x/index.html": ("k", "h")}, root)
    assert cache.load(intranet, "key", root) == {"items/x/index.html": ("k", "h")}
    public = root / ".cache/pelican/gongkai-pages.cache"
    shutil.copy2(intranet, public)
    assert cache.load(public, "key", root) is None


def test_the_intranet_build_never_writes_into_the_public_output_and_the_reverse(tmp_path):
    root = with_canary(tmp_path / "project")
    build(root, False)
    before = snapshot(root / "output")
    wrong = run_build(root, "-e", 'OUTPUT_PATH="output"', conf="internalconf.py")
    assert wrong.returncode == 1
    assert ("构建失败：内网网站（含内部事项）不能生成到公开网站的输出文件夹 output/：请在 internalconf.py 中把 OUTPUT_PATH "
            "设为单独的文件夹，例如 output-internal。未生成网站，没有删除或写入任何文件。") in wrong.stderr
    assert snapshot(root / "output") == before
    build(root, True)
    intranet = snapshot(root / "output-internal")
    wrong = run_build(root, "-e", 'OUTPUT_PATH="output-internal"')
    assert wrong.returncode == 1
    assert ("构建失败：output-internal/ 是内网网站（含内部事项）的输出文件夹，公开网站不能写入这里：请把 OUTPUT_PATH "
            "改回公开网站的文件夹，例如 output。") in wrong.stderr
    assert snapshot(root / "output-internal") == intranet
    shutil.copytree(root / "output", root / "copy-of-public")
    wrong = run_build(root, "-e", 'OUTPUT_PATH="copy-of-public"', conf="internalconf.py")
    assert wrong.returncode == 1 and "copy-of-public/ 中是另一个网站（不是内网网站生成的），内网网站不会替换它" in wrong.stderr


def test_invoke_build_internal_and_its_refusal_next_to_publish(tmp_path):
    root = with_canary(tmp_path / "project")
    result = run_invoke(root, "build", "--internal")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "output-internal" / CANARY_PAGE).is_file() and not (root / "output").exists()
    both = run_invoke(root, "build", "--internal", "--publish")
    assert both.returncode == 1
    assert "--publish 与 --internal 不能同时使用：内网网站（含内部事项）不能作为公开网站发布。" in both.stderr
