"""`invoke serve`: build, serve output/ on localhost, rebuild when a source file changes.

A failed rebuild prints the problems and keeps serving the previous site (the build is atomic).
A missing address is answered with the site's own 404 page (site_handler), as a web server
publishing the site is set up to.
"""
from __future__ import annotations

import functools
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WATCHED = ("content", "schema", "theme", "plugins", "pelicanconf.py")


def serve_and_watch(root: Path, port: int, build) -> None:
    from watchfiles import watch  # installed with Pelican; used by `pelican --autoreload` too

    build()
    handler = site_handler(root / "output")
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"预览地址：http://localhost:{port}/  （修改文件后自动重新生成，按 Ctrl+C 结束）")
    try:
        for _changes in watch(*[root / p for p in WATCHED if (root / p).exists()]):
            print("检测到文件改动，重新生成……")
            print("已更新。" if build() == 0 else "生成失败，网站仍显示上一次的结果。请按上面的提示修改。")
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


# ---------------------------------------------------------------- missing pages: the site's own 404

NOT_FOUND_PAGE = "404.html"


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves output/. A missing page gets output/404.html with status 404 (its links start at the
    site's root, so it works for /a/b/c/missing too), never Python's English error page."""

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / NOT_FOUND_PAGE
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
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
