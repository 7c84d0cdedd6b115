"""`invoke edit`: the web editor on one computer. Starts the editor's local backend (decap-server,
which reads and writes the files under content/ directly) and the preview of `invoke serve`
(tools/serve.py) with the editor included in the build; Ctrl+C stops both.

Both listen on 127.0.0.1 only: nobody else on the network can open the editor or write files.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from gongkai.errors import EditorStartError

from .serve import port_free, serve_and_watch
from .testenv import ensure_decap_server

INSTRUCTIONS = """\
网页编辑器已启动：请用浏览器打开 http://localhost:{port}/admin/ ，点“登录”即可编辑（不需要账号）。
  · 在“公开事项”中新建或打开一个事项，填写后点“发布”→“立即发布”，文件就保存到 content/items/ 下；
  · 网站预览 http://localhost:{port}/ 会在保存后自动重新生成，打开的页面随之刷新；文件有错误时，预览页面列出问题（文件、行号和说明）；
  · 保存后请照常运行 python3 -m invoke validate，检查无误后用 git 提交并发起合并请求，由科室和政务公开办审核。
编辑结束后在这里按 Ctrl+C 关闭编辑器和预览。"""


def backend_answers(port: int) -> bool:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1", data=json.dumps({"action": "info"}).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return json.load(response).get("type") == "local_fs"
    except (OSError, ValueError):
        return False


def start_backend(root: Path, port: int, server: Path | None = None, seconds: float = 30) -> subprocess.Popen:
    """decap-server (installed on demand unless `server` is given) in file mode for the project at
    `root`, on 127.0.0.1:`port`."""
    if not port_free(port):
        raise EditorStartError(f"端口 {port} 已被其他程序占用：请关闭它，或用 --backend-port 指定另一个端口。")
    server = server or ensure_decap_server(root)
    env = dict(os.environ, GIT_REPO_DIRECTORY=str(root), PORT=str(port), BIND_HOST="127.0.0.1", MODE="fs",
               LOG_LEVEL="warn")
    # cwd: decap-server reads a .env file from its working folder; its own folder has none.
    proc = subprocess.Popen(["node", str(server)], cwd=server.parents[3], env=env)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise EditorStartError(f"网页编辑器的本机后台没有启动（退出码 {proc.returncode}），请查看上面的提示。")
        if backend_answers(port):
            return proc
        time.sleep(0.2)
    stop(proc)
    raise EditorStartError(f"网页编辑器的本机后台 {seconds:.0f} 秒内没有响应。")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def build_command(backend_port: int) -> list[str]:
    """The preview build with the editor in local mode (same as `pelican content -s pelicanconf.py`)."""
    return [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-e",
            'GONGKAI_EDITOR="local"', f"GONGKAI_EDITOR_LOCAL_PORT={backend_port}"]


def edit(root: Path, port: int = 8000, backend_port: int = 8081) -> None:
    root = Path(root).resolve()
    if port == backend_port:
        raise EditorStartError("预览端口和编辑器后台端口不能相同。")
    backend = start_backend(root, backend_port)
    try:
        print(INSTRUCTIONS.format(port=port), flush=True)
        serve_and_watch(root, port, build_command(backend_port))
    finally:
        stop(backend)
        print("网页编辑器已关闭。")
