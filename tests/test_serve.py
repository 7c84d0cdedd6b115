"""`invoke serve` as an editor uses it: build, serve on localhost, rebuild after an edit; the open
page reloads after each build and shows the problems while the last build failed."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer

from conftest import BUILD_EPOCH, axe_violations
from playwright.sync_api import expect

from gongkai import buildreport, output
from gongkai.errors import Problem
from gongkai_tools.serve import Failure, Preview, inject_reload, preview_server, problem_page, site_handler

ITEM = "content/items/社会救助/低保名单.md"  # tests/examples/minimal_item.md in the mini project
ITEM_PATH = "/items/11530000MB0123456X-2024-00001/"
RELOAD_TAG = '<script src="/__preview/reload.js"'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def not_found(url: str) -> urllib.error.HTTPError:
    try:
        urllib.request.urlopen(url, timeout=5)
    except urllib.error.HTTPError as error:
        return error
    raise AssertionError(f"{url} was found")


def wait_for(predicate, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    return None


def build_state(address: str, ended: int) -> dict | None:
    """What the page's script reads, once the preview's `ended`-th build has ended."""
    state = json.loads(fetch(address + "/__preview/build") or "{}")
    return state if state.get("build", "").endswith(f"-{ended}") else None


@contextlib.contextmanager
def serving(root):
    """`invoke serve` on a free port in `root`: yields (address, output so far); stopped by Ctrl+C."""
    port = free_port()
    env = dict(os.environ, SOURCE_DATE_EPOCH=BUILD_EPOCH)
    proc = subprocess.Popen([sys.executable, "-m", "invoke", "serve", "--port", str(port)], cwd=root,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    printed = []
    try:
        yield f"http://127.0.0.1:{port}", printed
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        printed.append(proc.communicate(timeout=30)[0].decode("utf-8"))


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_serve_builds_serves_and_rebuilds_on_change(mini_project):
    with serving(mini_project) as (address, printed):
        item_url = address + ITEM_PATH
        page = wait_for(lambda: fetch(item_url)) or ""
        assert "城乡最低生活保障对象名单" in page and RELOAD_TAG in page
        missing = not_found(f"{address}/a/b/c/missing")
        assert missing.code == 404 and missing.headers["Content-Type"] == "text/html; charset=utf-8"
        page = missing.read().decode("utf-8")
        assert "<h1>页面不存在</h1>" in page and 'href="/theme/css/site.css"' in page and 'href="/table/"' in page
        assert RELOAD_TAG in page  # the preview's 404 reloads after a build like every page
        folder = not_found(f"{address}/theme/css/")  # a folder without index.html: no listing
        assert folder.code == 404 and "<h1>页面不存在</h1>" in folder.read().decode("utf-8")
        edit(mini_project / ITEM, "城乡最低生活保障对象名单", "低保对象名单（已修改）")
        assert wait_for(lambda: "低保对象名单（已修改）" in (fetch(item_url) or ""))
        # The second build has ended (what the page's reload script asks for).
        state = wait_for(lambda: build_state(address, ended=2))
        assert state and state | {"build": ""} == {"build": "", "ok": True, "building": False, "problems": 0}
    output = printed[0]
    assert f"预览地址：http://localhost:{address.rsplit(':', 1)[1]}/" in output
    assert "检测到文件改动，重新生成……" in output
    # Pelican's English summary is replaced by what was built, in Chinese.
    assert output.count("已生成网站：2 个事项页面、") == 2 and "已更新，打开的预览页面会自动刷新。" in output
    assert "Processed" not in output and "Done" not in output
    # The reload script is added to what the preview sends, never to the site that gets published.
    built = [p for p in (mini_project / "output").rglob("*.html")]
    assert built and not [p for p in built if "__preview" in p.read_text(encoding="utf-8")]


def test_serve_names_a_busy_port(mini_project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "invoke", "serve", "--port", str(port)], cwd=mini_project,
                                capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr, result.stdout) == (
        1, f"端口 {port} 已被其他程序占用（也许另一个预览还开着）：请关闭它，或用 --port 指定另一个端口。\n", "")
    assert not (mini_project / "output").exists()  # refused before building


def test_open_page_shows_the_problems_of_a_failed_build_then_the_item_again(mini_project, browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    with serving(mini_project) as (address, printed):
        assert wait_for(lambda: fetch(address + ITEM_PATH))
        page.goto(address + ITEM_PATH)
        expect(page.locator("h1")).to_have_text("城乡最低生活保障对象名单")
        edit(mini_project / ITEM, "发布日期: 2024-03-05", "发布日期: 2024-02-30")
        # The page was opened once: it reloads by itself after the build and shows where the mistake is.
        expect(page.locator("h1")).to_have_text("网站未更新：发现 1 个问题", timeout=60000)
        expect(page.locator("ol.problems li")).to_have_text(
            f"{ITEM}:19: 发布日期: 不是有效的日期：应为真实存在的日期，格式 YYYY-MM-DD（例如 2024-03-15），"
            "实际为文本“2024-02-30”")
        expect(page.locator("main")).to_contain_text("上一次成功生成的网站仍完整保留在 output/ 中")
        assert axe_violations(page) == []
        # Every page of the preview says so, not only the one that was open.
        other = context.new_page()
        other.goto(address + "/")
        expect(other.locator("h1")).to_have_text("网站未更新：发现 1 个问题")
        edit(mini_project / ITEM, "发布日期: 2024-02-30", "发布日期: 2024-03-05")
        expect(page.locator("h1")).to_have_text("城乡最低生活保障对象名单", timeout=60000)
    context.close()
    assert "生成失败：预览页面已改为列出上面的问题，上一次生成的网站保持不变；改正并保存后会自动重新生成。" in printed[0]


def test_reload_script_shows_a_running_build_then_reloads(tmp_path, browser):
    """The script alone, against a preview whose builds the test plays (no real build): a page of
    the site reloads; the web editor's page never does, it only says that the site was not updated."""
    for name, title in (("index.html", "首页"), ("admin/index.html", "网页编辑")):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(f'<!DOCTYPE html><html lang="zh-CN"><body><h1>{title}</h1></body></html>',
                                     encoding="utf-8")
    preview = Preview()
    preview.finished(None)
    server = preview_server(tmp_path, 0, preview)
    address = f"http://127.0.0.1:{server.server_address[1]}"
    page, editor = browser.new_page(), browser.new_page()
    try:
        page.goto(address + "/")
        editor.goto(address + "/admin/")
        for each in (page, editor):
            each.evaluate("window.notReloaded = true")
        preview.started()
        expect(page.get_by_role("status")).to_have_text("正在重新生成网站……完成后本页自动刷新")
        expect(editor.get_by_role("status")).to_have_text("正在重新生成网站……")
        assert page.evaluate("window.notReloaded") is True
        preview.finished(Failure([Problem("content/items/a.md", 2, "索引号", "必填")]))
        expect(page.locator("h1")).to_have_text("网站未更新：发现 1 个问题")
        expect(page.locator("li")).to_have_text("content/items/a.md:2: 索引号: 必填")
        expect(editor.get_by_role("status")).to_have_text("网站未更新：发现 1 个问题。 在预览中查看")
        assert editor.get_by_role("link", name="在预览中查看").get_attribute("href") == "/"
        preview.finished(None)
        expect(page.locator("h1")).to_have_text("首页")
        expect(page.get_by_role("status")).to_have_count(0)
        expect(editor.get_by_role("status")).to_have_count(0)
        assert editor.evaluate("window.notReloaded") is True
    finally:
        page.close()
        editor.close()
        server.shutdown()


NOT_FOUND = '<!DOCTYPE html><html lang="zh-CN"><body><h1>页面不存在</h1></body></html>'


def fake_site(root):
    """output/ in small: a home page, the 404 page, a folder without index.html, the editor."""
    for name, text in (("index.html", "<body>首页</body>"), ("404.html", NOT_FOUND), ("theme/css/site.css", "p{}"),
                       ("admin/index.html", "<body>网页编辑</body>")):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_folders_without_index_get_the_404_page_never_a_listing(tmp_path):
    site = fake_site(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), site_handler(site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for path in ("/theme/", "/theme/css/", "/theme/css"):  # without the slash: redirected, then the same
            answer = not_found(address + path)
            assert (answer.code, answer.read().decode("utf-8")) == (404, NOT_FOUND), path
        assert fetch(address + "/theme/css/site.css") == "p{}"
    finally:
        server.shutdown()


def test_the_preview_adds_its_reload_script_to_404_pages_only_in_what_it_sends(tmp_path):
    site = fake_site(tmp_path)
    preview = Preview()
    preview.finished(None)
    server = preview_server(site, 0, preview)
    address = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for path in ("/a/b/missing", "/theme/css/"):
            answer = not_found(address + path)
            assert answer.code == 404 and answer.headers["Cache-Control"] == "no-store"
            assert answer.read().decode("utf-8") == NOT_FOUND.replace(
                "</body>", f'{RELOAD_TAG} data-build="{preview.build}"></script></body>'), path
        # In the web editor's folder the script never reloads (it would lose an edit).
        editor = not_found(address + "/admin/missing.html").read().decode("utf-8")
        assert editor == NOT_FOUND.replace("</body>", f"{RELOAD_TAG}></script></body>")
    finally:
        server.shutdown()
    assert (site / "404.html").read_text(encoding="utf-8") == NOT_FOUND  # never into output/


def test_reload_script_goes_before_the_end_of_the_body():
    assert inject_reload(b"<html><body><p>x</p></BODY></html>", "ab-1") == (
        b'<html><body><p>x</p><script src="/__preview/reload.js" data-build="ab-1"></script></BODY></html>')
    assert inject_reload(b"<p>x</p>", "ab-2").endswith(b'data-build="ab-2"></script>')


def test_problem_page_lists_validate_lines_and_escapes_what_editors_wrote():
    problems = [Problem("content/items/a.md", 3, "事项名称", "含有“<script>alert(1)</script>”"),
                Problem("Pelican", None, "", "生成页面时出错")]
    page = problem_page(Failure(problems), "ab-1", "/items/<x>/").decode()
    assert "<title>网站未更新：发现 2 个问题</title>" in page and "<h1>网站未更新：发现 2 个问题</h1>" in page
    assert ('<li><span class="where">content/items/a.md:3</span>: 事项名称: '
            "含有“&lt;script&gt;alert(1)&lt;/script&gt;”</li>") in page
    assert '<li><span class="where">Pelican</span>: 生成页面时出错</li>' in page
    assert "<script>" not in page and "/items/&lt;x&gt;/" in page
    assert "上一次成功生成的网站仍完整保留在 output/ 中，没有被改动。" in page
    crashed = problem_page(Failure([], "Traceback <boom>"), "ab-1", "/", kept=False).decode()
    assert "<h1>网站未更新：生成失败</h1>" in crashed and "<pre>Traceback &lt;boom&gt;</pre>" in crashed
    assert "目前还没有成功生成过网站。" in crashed and "output/ 中" not in crashed


def test_build_report_round_trip_and_summary(tmp_path):
    target = tmp_path / "build.json"
    problem = Problem("content/items/a.md", 3, "发布日期", "不是有效的日期")
    buildreport.write(buildreport.BuildResult(False, [problem], "消息"), environ={})
    assert not target.exists()  # nobody asked for a report
    buildreport.write(buildreport.BuildResult(False, [problem], "消息"), environ={buildreport.REPORT_ENV: str(target)})
    assert buildreport.read(target) == buildreport.BuildResult(False, [problem], "消息")
    target.write_text("{", encoding="utf-8")
    assert buildreport.read(target) is None and buildreport.read(tmp_path / "none.json") is None
    site = tmp_path / "site"
    for name in ("index.html", "items/a/index.html", "items/b/index.html", "items/b/2024/index.html",
                 "docs/c/index.html", "unit/x/index.html", "theme/site.css"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("x", encoding="utf-8")
    (site / "items/gone/2023").mkdir(parents=True)  # left empty in a frame (output.py): removed, not counted
    count = buildreport.PageCount()
    assert output._prune(site, count.folder) is False and not (site / "items/gone").exists()
    assert buildreport.summary(*count.result(), 1.44) == (
        "已生成网站：2 个事项页面、1 个公开信息页面、1 个列表页面，共 6 个网页、7 个文件，用时 1.4 秒。")
