"""`invoke serve` as an editor uses it: build, serve on localhost, rebuild after an edit."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from conftest import BUILD_EPOCH


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


def test_serve_builds_serves_and_rebuilds_on_change(mini_project):
    port = free_port()
    env = dict(os.environ, SOURCE_DATE_EPOCH=BUILD_EPOCH)
    proc = subprocess.Popen([sys.executable, "-m", "invoke", "serve", "--port", str(port)], cwd=mini_project,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    item_url = f"http://127.0.0.1:{port}/items/11530000MB0123456X-2024-00001/"
    try:
        assert "城乡最低生活保障对象名单" in (wait_for(lambda: fetch(item_url)) or "")
        missing = not_found(f"http://127.0.0.1:{port}/a/b/c/missing")
        assert missing.code == 404 and missing.headers["Content-Type"] == "text/html; charset=utf-8"
        page = missing.read().decode("utf-8")
        assert "<h1>页面不存在</h1>" in page and 'href="/theme/css/site.css"' in page and 'href="/table/"' in page
        path = mini_project / "content/items/社会救助/低保名单.md"
        path.write_text(path.read_text(encoding="utf-8").replace("城乡最低生活保障对象名单", "低保对象名单（已修改）"),
                        encoding="utf-8")
        assert wait_for(lambda: "低保对象名单（已修改）" in (fetch(item_url) or ""))
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        output = proc.communicate(timeout=30)[0].decode("utf-8")
    assert f"预览地址：http://localhost:{port}/" in output
    assert "检测到文件改动，重新生成……" in output
