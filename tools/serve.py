"""`invoke serve` (and the preview of `invoke edit`): build, serve output/ on localhost, rebuild when
a source file changes, and keep the open page in step with the last build.

- Reload: every page the preview sends carries a small script (RELOAD_JS, added to the HTTP
  response only, never to the files in output/ that get published) that asks the preview every
  second which build it is showing (BUILD_PATH) and reloads the page when that changes, that is
  when a build has finished (or the preview was restarted).
- Problems: while the last build failed, every page request is answered with the problem list
  (file, line, Chinese message: the lines `invoke validate` prints) instead of the stale site,
  which the build left untouched in output/. The web editor (/admin/) keeps working meanwhile, so
  the mistake can be fixed there; it is never reloaded (that would lose an edit), the script only
  shows there that the site was not updated, with a link to the problem list.

Builds run one at a time in this process's watch loop, each as its own `pelican` process, which
also takes the build lock (output.lock) against any other build; the build records its outcome
in a file the preview names (gongkai.buildreport).
- Missing pages, and folders without an index.html: answered with the site's own 404 page
  (SiteHandler), as a web server publishing the site is set up to; never a directory listing.
  The preview adds the reload script to it too, so a page opened before it was built appears
  by itself once a build makes it.
"""
from __future__ import annotations

import functools
import html
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from gongkai import buildreport
from gongkai.errors import Problem, ServeError

WATCHED = ("content", "schema", "theme", "plugins", "pelicanconf.py")
PELICAN = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"]
# The preview's own addresses: no page of the site starts with "__" (site/pages.py SECTIONS, slugs).
PREFIX = "/__preview/"
BUILD_PATH = PREFIX + "build"
SCRIPT_PATH = PREFIX + "reload.js"
# Pages never replaced by the problem list nor reloaded: the web editor (invoke edit), where the
# script only tells that a build runs or failed.
UNTOUCHED = ("/admin/",)
# Lines of a crashed build's output shown when it recorded no problems.
OUTPUT_TAIL = 40

READY = "预览地址：http://localhost:{port}/  （修改文件后自动重新生成，打开的页面随之刷新；按 Ctrl+C 结束）"
CHANGED = "检测到文件改动，重新生成……"
UPDATED = "已更新，打开的预览页面会自动刷新。"
PORT_TAKEN = "端口 {port} 已被其他程序占用（也许另一个预览还开着）：请关闭它，或用 --port 指定另一个端口。"
FAILED = "生成失败：预览页面已改为列出上面的问题，上一次生成的网站保持不变；改正并保存后会自动重新生成。"

RELOAD_JS = """\
// 预览自动刷新（只在 invoke serve 的预览中加入，不会发布）。网站的页面（有 data-build）：生成结束后重新载入；
// 网页编辑器（没有 data-build）：从不重新载入，只在页角提示正在生成、生成失败。
(function () {
  var me = document.currentScript, shown = me.getAttribute("data-build"), editor = shown === null;
  var url = me.src.replace(/reload\\.js$/, "build");
  var STYLE = "position:fixed;right:1rem;z-index:99999;padding:.5rem 1rem;color:#fff;border-radius:4px;font-size:1rem;";
  function notice(id, text, style, link) {
    var box = document.getElementById(id);
    if (!text) { if (box) { box.parentNode.removeChild(box); } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = id;
      box.setAttribute("role", "status");
      box.style.cssText = STYLE + style;
      document.body.appendChild(box);
    }
    box.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = "/"; a.target = "_blank"; a.textContent = link; a.style.color = "#fff";
      box.appendChild(document.createTextNode(" ")); box.appendChild(a);
    }
  }
  function check() {
    fetch(url, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (state) {
      if (!editor && state.build !== shown) { location.reload(); return; }
      notice("gongkai-preview-building", state.building ? "正在重新生成网站……" + (editor ? "" : "完成后本页自动刷新") : "",
             "bottom:1rem;background:#1a1a1a;");
      if (editor) {
        notice("gongkai-preview-problems", state.ok ? "" : "网站未更新：" +
               (state.problems ? "发现 " + state.problems + " 个问题。" : "生成失败。"),
               "bottom:4rem;background:#a4000f;", "在预览中查看");
      }
      setTimeout(check, 1000);
    }, function () { setTimeout(check, 2000); });
  }
  setTimeout(check, editor ? 0 : 1000);
})();
"""


@dataclass
class Failure:
    """Why the last build made no site: its located problems, or (none located) its message."""

    problems: list[Problem] = field(default_factory=list)
    message: str = ""


class Preview:
    """What the preview shows: which build (a name that changes whenever a build ends, and differs
    between runs of the preview) and, while the last build failed, why."""

    def __init__(self):
        self._run, self._count, self.failure, self.building = secrets.token_hex(4), 0, None, False
        self._lock = threading.Lock()

    def started(self) -> None:
        self.building = True

    @property
    def build(self) -> str:
        return self.state()[0]

    def state(self) -> tuple[str, Failure | None, bool]:
        """(build, failure, building), read together: a request never mixes two builds."""
        with self._lock:
            return f"{self._run}-{self._count}", self.failure, self.building

    def finished(self, failure: Failure | None) -> None:
        with self._lock:
            self.failure, self._count, self.building = failure, self._count + 1, False


def run_build(root: Path, command: list[str], report: Path) -> Failure | None:
    """One build, its output passed through to the terminal; None if it made the site."""
    report.unlink(missing_ok=True)
    env = dict(os.environ, PYTHONIOENCODING="utf-8", **{buildreport.REPORT_ENV: str(report)})
    with subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          encoding="utf-8", errors="replace") as proc:
        lines = []
        for line in proc.stdout:
            print(line, end="", flush=True)
            lines.append(line)
    if proc.returncode == 0:
        return None
    result = buildreport.read(report)
    if result and not result.ok:
        return Failure(result.problems, result.message)
    return Failure([], "".join(lines[-OUTPUT_TAIL:]).strip() or f"生成程序意外结束（退出码 {proc.returncode}）。")


def inject_reload(page: bytes, build: str | None) -> bytes:
    """The page with the reload script before its last </body> (at the end if it has none);
    without `build` (the web editor) the script only shows the build's state, never reloads."""
    shown = f' data-build="{html.escape(build)}"' if build is not None else ""
    tag = f'<script src="{SCRIPT_PATH}"{shown}></script>'.encode()
    at = page.lower().rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


KEPT = "上一次成功生成的网站仍完整保留在 output/ 中，没有被改动。"
NONE_KEPT = "目前还没有成功生成过网站。"


def problem_page(failure: Failure, build: str, path: str, kept: bool = True) -> bytes:
    """The page every request gets while the last build failed (Chinese, self-contained); `kept`:
    whether an earlier site is in output/."""
    if failure.problems:
        heading = f"网站未更新：发现 {len(failure.problems)} 个问题"
        body = "<ol class=\"problems\">" + "".join(_problem_item(p) for p in failure.problems) + "</ol>"
    else:
        heading = "网站未更新：生成失败"
        body = f"<pre>{html.escape(failure.message)}</pre>"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading}</title>
<style>
body {{ font-family: sans-serif; margin: 0; padding: 1.5rem; line-height: 1.6; color: #1a1a1a; background: #fff; }}
main {{ max-width: 60rem; margin: 0 auto; }}
h1 {{ color: #a4000f; font-size: 1.6rem; }}
.problems li {{ margin: .5rem 0; }}
.where {{ font-family: monospace; font-weight: bold; }}
pre {{ white-space: pre-wrap; background: #f4f4f4; padding: 1rem; }}
</style>
</head>
<body>
<main>
<h1>{heading}</h1>
<p>最近一次生成没有成功，所以预览不显示网站，而是列出需要修改的地方（文件:行号: 字段: 问题，与 invoke validate 的结果相同）：</p>
{body}
<p>{KEPT if kept else NONE_KEPT}请按提示修改文件并保存：重新生成成功后，本页会自动显示您要打开的页面（{html.escape(path)}）。</p>
</main>
</body>
</html>
""".encode()


def _problem_item(problem: Problem) -> str:
    """One problem as `invoke validate` prints it (str(Problem)), the location in bold."""
    text = str(problem)
    where = f"{problem.path}:{problem.line}" if problem.line else problem.path
    where = where if text.startswith(where) else ""
    return f'<li><span class="where">{html.escape(where)}</span>{html.escape(text[len(where):])}</li>'


# ---------------------------------------------------------------- missing pages: the site's own 404

NOT_FOUND_PAGE = "404.html"


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves output/. A missing page gets output/404.html with status 404 (its links start at the
    site's root, so it works for /a/b/c/missing too), never Python's English error page."""

    def list_directory(self, path):
        # A folder without index.html (theme/css/, a year's folder) is no page of the site: the
        # published site's server lists no folders either, and the listing would be in English.
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def not_found_body(self, page: bytes) -> bytes:
        """The 404 page as sent; the preview adds its reload script (PreviewHandler)."""
        return page

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / NOT_FOUND_PAGE
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            return super().send_error(code, message, explain)
        body = self.not_found_body(page.read_bytes())
        self.send_response(code, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None


def site_handler(output: Path):
    """The request handler `invoke serve` serves output/ with."""
    return functools.partial(SiteHandler, directory=str(output))


class PreviewHandler(SiteHandler):
    """output/ as SimpleHTTPRequestHandler serves it, plus the preview's reload and problem page."""

    preview: Preview

    def do_GET(self):
        if self.preview_request():
            return
        super().do_GET()

    def preview_request(self) -> bool:
        """Answer the request the preview's way if it is one of its cases; False otherwise."""
        path = unquote(urlsplit(self.path).path)
        build, failure, building = self.preview.state()
        if path == BUILD_PATH:
            state = {"build": build, "ok": failure is None, "building": building,
                     "problems": len(failure.problems) if failure else 0}
            self.send_body(json.dumps(state).encode(), "application/json")
        elif path == SCRIPT_PATH:
            self.send_body(RELOAD_JS.encode(), "text/javascript; charset=utf-8")
        elif (path + "/").startswith(UNTOUCHED):
            return self.send_page(path, None)
        elif failure and self.wants_page(path):
            kept = Path(self.directory, "index.html").is_file()
            page = inject_reload(problem_page(failure, build, path, kept), build)
            self.send_body(page, "text/html; charset=utf-8", status=503)
        else:
            return self.send_page(path, build)
        return True

    def not_found_body(self, page: bytes) -> bytes:
        # As every page the preview sends (send_page): in the web editor's folder it only shows
        # the build's state, elsewhere it reloads after a build, which may have made the page.
        path = unquote(urlsplit(self.path).path)
        self.cache_control = "no-store"  # made for this request (it names the build): never kept
        return inject_reload(page, None if (path + "/").startswith(UNTOUCHED) else self.preview.build)

    def wants_page(self, path: str) -> bool:
        return path.endswith(("/", ".html")) or "text/html" in self.headers.get("Accept", "")

    def send_page(self, path: str, build: str | None) -> bool:
        """An HTML page of output/ with the reload script added (inject_reload); False for anything
        else (including a folder without its trailing slash, which the base class redirects)."""
        file = Path(self.translate_path(self.path))  # it decodes (once) and drops "..", as the base class does
        if path.endswith("/"):
            file = file / "index.html"
        if file.suffix != ".html" or not file.is_file():
            return False
        try:
            page = file.read_bytes()
        except OSError:
            return False
        self.send_body(inject_reload(page, build), "text/html; charset=utf-8")
        return True

    def send_body(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.cache_control = "no-store"  # made for this request: never kept
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self):
        # A preview must show the newest build: the browser may keep files, but asks every time.
        self.send_header("Cache-Control", getattr(self, "cache_control", "no-cache"))
        super().end_headers()

    def log_request(self, code="-", size="-"):
        pass  # one English line per request (and per second for the reload check) helps nobody


def serve_and_watch(root: Path, port: int, command: list[str] | None = None) -> None:
    from watchfiles import watch  # installed with Pelican; used by `pelican --autoreload` too

    if not port_free(port):  # before the first build, which can take a while
        raise ServeError(PORT_TAKEN.format(port=port))
    command, preview = command or PELICAN, Preview()
    with tempfile.TemporaryDirectory(prefix="gongkai-preview-") as folder:
        report = Path(folder) / "build.json"  # outside the project: never served, never published
        try:
            preview.finished(run_build(root, command, report))
            server = preview_server(root / "output", port, preview)
        except KeyboardInterrupt:
            return
        print(READY.format(port=port), flush=True)
        try:
            for _changes in watch(*[root / p for p in WATCHED if (root / p).exists()]):
                print(CHANGED, flush=True)
                preview.started()
                failure = run_build(root, command, report)
                preview.finished(failure)
                print(FAILED if failure else UPDATED, flush=True)
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()


def port_free(port: int) -> bool:
    with socket.socket() as s:
        if os.name != "nt":  # as the servers bind: a port left in TIME_WAIT by the last run is free
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def preview_server(site: Path, port: int, preview: Preview) -> ThreadingHTTPServer:
    """The preview of `site` on 127.0.0.1:`port`, answering in a thread of its own."""
    handler = type("Handler", (PreviewHandler,), {"preview": preview})
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
