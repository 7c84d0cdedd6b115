"""How long an editor waits in the browser after saving: `invoke serve` on a generated catalogue,
an item page open in headless Chromium; the item is broken (an impossible 发布日期), and the time
until the open page shows "网站未更新" is measured; then fixed, and the time until it shows the
item again. Run by hand (needs chromium, as the browser tests do):

    .venv/bin/python benchmarks/preview_bench.py 100 1000

The wait is the rebuild (one changed item, the rest from the cache) plus up to one second of the
page's polling and the reload.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent

from generate_catalogue import generate  # noqa: E402

from gongkai_tools.testenv import chromium_path  # noqa: E402

ROUNDS = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def measure(n: int) -> None:
    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "project", n)
        item = next((root / "content/items").rglob("*.md"))
        text = item.read_text(encoding="utf-8")
        index_no = next(line for line in text.splitlines() if line.startswith("索引号: ")).split(": ", 1)[1]
        date = next(line for line in text.splitlines() if line.startswith("发布日期: "))
        port = free_port()
        env = dict(os.environ, SOURCE_DATE_EPOCH="1795406400", XDG_CACHE_HOME=str(Path(tmp) / "cache"))
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "invoke", "serve", "--port", str(port)], cwd=root, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        url = f"http://127.0.0.1:{port}/items/{index_no.replace('/', '-')}/"
        try:
            while not answers(url):
                time.sleep(0.2)
            print(f"{n:>6} items: first build and preview ready in {time.perf_counter() - start:6.1f} s")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page()
                page.goto(url)
                heading = page.locator("h1")
                for _ in range(ROUNDS):
                    title = heading.inner_text()
                    start = time.perf_counter()
                    item.write_text(text.replace(date, "发布日期: 2024-02-30"), encoding="utf-8")
                    expect(heading).to_contain_text("网站未更新", timeout=600_000)
                    broken = time.perf_counter() - start
                    start = time.perf_counter()
                    item.write_text(text, encoding="utf-8")
                    expect(heading).to_have_text(title, timeout=600_000)
                    print(f"        save → problem shown {broken:6.1f} s; fix → item shown {time.perf_counter() - start:6.1f} s")
                browser.close()
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=60)


if __name__ == "__main__":
    for size in map(int, sys.argv[1:] or ["100"]):
        measure(size)
