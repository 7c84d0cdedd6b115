"""Shared fixtures: throw-away project copies, full builds, a local web server and a browser.

No test writes into the working tree: every build happens in a copy under pytest's tmp_path.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from gongkai import vocabulary
from gongkai.project import load_project
from gongkai.settings import settings_for
from gongkai_tools.serve import SiteHandler
from gongkai_tools.testenv import tools_dir

REPO = Path(__file__).resolve().parents[1]
# The npm tools `invoke test` installed in the user's cache folder, found before the session points
# XDG_CACHE_HOME at a throw-away folder (user_cache_folder below).
TOOLS = tools_dir()
# The vocabulary of the repository's schema, for unit tests that call rules directly.
VOCABULARY = vocabulary.load(REPO / "schema" / "item.schema.json")
# A fixed build date (2026-11-23 12:00 Asia/Shanghai) so freshness statuses are deterministic.
BUILD_EPOCH = "1795406400"
PROJECT_PARTS = ("schema", "theme", "plugins", "tools", "pelicanconf.py", "publishconf.py", "internalconf.py", "tasks.py",
                 "pyproject.toml")


# The example's 公示公告 archive (issue 12 item 8): 300 documents of 2017–2024 under one item. Test
# copies leave them out (they would add about half to every example build the suite makes);
# tests/test_documents.py builds the example with them once (copy_project(..., archive=True)).
ARCHIVE_FOLDER = "高龄津贴新增对象公示"
ARCHIVE_FILE = re.compile(r"20(1\d|2[0-4])年第\d+批\.md")


def copy_project(dest: Path, with_content: bool = True, archive: bool = False) -> Path:
    """A copy of the project's code, schema and theme (and the example content if asked, without
    the 公示公告 archive unless `archive`)."""
    dest.mkdir(parents=True, exist_ok=True)
    caches = shutil.ignore_patterns("__pycache__", "*.pyc")

    def ignore(folder: str, names: list[str]) -> set[str]:
        left_out = set(caches(folder, names))
        if not archive and Path(folder).name == ARCHIVE_FOLDER:
            left_out |= {n for n in names if ARCHIVE_FILE.fullmatch(n)}
        return left_out

    for part in PROJECT_PARTS + (("content",) if with_content else ()):
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, dest / part)
    return dest


# What a build leaves beside a project's sources: output/, its lock and the output.trash-* / .frame-*
# folders a detached `rm` is still deleting (gongkai.output.discard), and the build cache.
BUILD_LEFTOVERS = ("output", "output.*", ".cache")


def copy_built(source: Path, dest: Path, *also: str) -> Path:
    """A copy of a built project's sources without what its builds left (BUILD_LEFTOVERS): a folder
    the background deletion removes while it is copied would fail the copy at random."""
    shutil.copytree(source, dest, symlinks=True, ignore=shutil.ignore_patterns(*BUILD_LEFTOVERS, *also))
    return dest


def run_build(root: Path, *args: str, conf: str = "pelicanconf.py", env: dict | None = None):
    """`pelican content -s <conf>` in `root`, as a user runs it; returns the CompletedProcess."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, **(env or {})}
    return subprocess.run([sys.executable, "-m", "pelican", "content", "-s", conf, *args], cwd=root,
                          env=full_env, capture_output=True, text=True)


def load(root: Path, **options):
    """The project at `root` as every command loads it (gongkai.project.load_project)."""
    return load_project(settings_for(root), **options)


def run_invoke(root: Path, *args: str, env: dict | None = None, input: str | None = None):
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, **(env or {})}
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=root, env=full_env,
                          capture_output=True, text=True, input=input)


@pytest.fixture(scope="session", autouse=True)
def user_cache_folder(tmp_path_factory) -> Path:
    """Builds sign their caches with a secret kept in the user's cache folder (catalogue/cache.py);
    the tests' builds keep theirs in a throw-away folder, never the real one."""
    saved = os.environ.get("XDG_CACHE_HOME")
    folder = tmp_path_factory.mktemp("user-cache")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = saved


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The example catalogue built once per test session; returns the project copy's root."""
    root = copy_project(tmp_path_factory.mktemp("example"))
    result = run_build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="session")
def example_output(example_site) -> Path:
    return example_site / "output"


@pytest.fixture(scope="session")
def site_url(example_output):
    """The built example site served on a free localhost port (no other host is ever contacted)."""
    handler = functools.partial(_QuietHandler, directory=str(example_output))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(SiteHandler):  # as `invoke serve`: a missing address gets the site's 404 page
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (no browser download); `invoke test` installs it."""
    from playwright.sync_api import sync_playwright

    from gongkai_tools.testenv import chromium_path

    executable = chromium_path()
    assert executable, "没有找到 chromium：请运行 python -m invoke test，它会安装浏览器测试所需的组件"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-quic"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site_url):
    """A fresh page that fails the test if the site requests any host but the local server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    foreign = []
    page.on("request", lambda r: None if r.url.startswith((site_url, "data:", "blob:")) else foreign.append(r.url))
    page.set_default_timeout(10000)
    yield page
    context.close()
    assert not foreign, f"the site requested other hosts: {foreign}"


EXAMPLES = Path(__file__).resolve().parent / "examples"


def _tiny_pdf() -> bytes:
    """The smallest valid PDF (no pages, a correct cross-reference table): an attachment that
    must exist and have a size, and that the attachment 保密审查 can open (a damaged file fails it)."""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[]/Count 0>>"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj%sendobj\n" % (number, body)
    table = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"xref\n0 3\n0000000000 65535 f \n%strailer<</Size 3/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (
        table, len(out))


TINY_PDF = _tiny_pdf()


def make_mini_project(root: Path) -> Path:
    """A project copy with the two test registries and two valid items (tests/examples/)."""
    copy_project(root, with_content=False)
    for name in ("categories.yaml", "units.yaml"):
        shutil.copy2(EXAMPLES / name, root / "schema" / name)
    items = root / "content" / "items"
    (items / "社会救助").mkdir(parents=True)
    (items / "财政信息" / "2024 年").mkdir(parents=True)
    shutil.copy2(EXAMPLES / "minimal_item.md", items / "社会救助" / "低保名单.md")
    shutil.copy2(EXAMPLES / "full_item.md", items / "财政信息" / "2024 年" / "部门预算.md")
    (root / "content" / "attachments").mkdir(parents=True)
    (root / "content" / "attachments" / "预算表.pdf").write_bytes(TINY_PDF)
    pages = root / "content" / "pages"
    pages.mkdir(parents=True)
    (pages / "guide.md").write_text("Title: 政府信息公开指南\nSlug: guide\n\n## 公开范围\n\n示例。\n", encoding="utf-8")
    (pages / "apply.md").write_text("Title: 依申请公开指南\nSlug: apply\n\n## 申请方式\n\n示例。\n", encoding="utf-8")
    return root


@pytest.fixture
def mini_project(tmp_path) -> Path:
    return make_mini_project(tmp_path / "project")


def registry_project(root: Path, categories: str, units: str) -> Path:
    """Just enough project for the editor tools: the repository's schemas, the given registries
    (YAML text) and an empty content/items/."""
    (root / "schema").mkdir(parents=True)
    for schema in (REPO / "schema").glob("*.json"):
        shutil.copy2(schema, root / "schema" / schema.name)
    (root / "schema" / "categories.yaml").write_text(categories, encoding="utf-8")
    (root / "schema" / "units.yaml").write_text(units, encoding="utf-8")
    (root / "content" / "items").mkdir(parents=True)
    return root


AXE_RUN = """async () => {
    const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
    return r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '));
}"""


def axe_violations(page) -> list[str]:
    """WCAG 2.1 A/AA violations axe-core (installed by `invoke test`) finds on the open page."""
    from gongkai_tools.testenv import axe_path, checked_axe

    page.add_script_tag(path=str(checked_axe(axe_path(TOOLS))))  # only the pinned, hash-checked file
    return page.evaluate(AXE_RUN)
