"""`invoke serve`: build, serve output/ on localhost, rebuild when a source file changes.

A failed rebuild prints the problems and keeps serving the previous site (the build is atomic).
"""
from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WATCHED = ("content", "schema", "theme", "plugins", "pelicanconf.py")


def serve_and_watch(root: Path, port: int, build) -> None:
    from watchfiles import watch  # installed with Pelican; used by `pelican --autoreload` too

    build()
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root / "output"))
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
