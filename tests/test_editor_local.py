"""`invoke edit` as an editor runs it: the editor page and its local backend come up together on
127.0.0.1, and Ctrl+C stops both."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys

from conftest import BUILD_EPOCH, TOOLS, copy_project
from test_serve import fetch, free_port, wait_for

from gongkai_tools.editor import backend_answers, port_free
from gongkai_tools.testenv import decap_server_path


def test_invoke_edit_starts_editor_and_backend_and_ctrl_c_stops_both(tmp_path, user_cache_folder):
    assert decap_server_path(TOOLS).is_file(), "没有找到 decap-server：请运行 python -m invoke test"
    root = copy_project(tmp_path / "project")
    # the pinned install `invoke test` made, in this session's user cache folder: no network needed
    target = user_cache_folder / "gongkai" / "tools" / "decap-server"
    if not target.exists():
        shutil.copytree(TOOLS / "decap-server", target, symlinks=True)
    port, backend_port = free_port(), free_port()
    proc = subprocess.Popen([sys.executable, "-m", "invoke", "edit", "--port", str(port), "--backend-port", str(backend_port)],
                            cwd=root, env=dict(os.environ, SOURCE_DATE_EPOCH=BUILD_EPOCH), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        page = wait_for(lambda: fetch(f"http://127.0.0.1:{port}/admin/"))
        config = fetch(f"http://127.0.0.1:{port}/admin/config.yml") or ""
        home = fetch(f"http://127.0.0.1:{port}/") or ""
        answers = backend_answers(backend_port)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        output = proc.communicate(timeout=60)[0].decode("utf-8")
    assert page and "<title>网页编辑 · 示例县政务公开事项标准目录</title>" in page
    # The preview reloads its pages after each build (tools/serve.py), never the editor's page, where
    # the script only tells that a build runs or failed (no data-build: tests/test_serve.py).
    assert '<script src="/__preview/reload.js" data-build="' in home
    assert '<script src="/__preview/reload.js"></script>' in page
    assert f"proxy_url: http://localhost:{backend_port}/api/v1" in config
    assert answers
    assert f"网页编辑器已启动：请用浏览器打开 http://localhost:{port}/admin/ ，点“登录”即可编辑（不需要账号）。" in output
    assert output.rstrip().endswith("网页编辑器已关闭。")
    assert proc.returncode == 0 and port_free(port) and port_free(backend_port)


def test_invoke_edit_names_a_busy_backend_port(tmp_path):
    root = copy_project(tmp_path / "project", with_content=False)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "invoke", "edit", "--backend-port", str(taken)], cwd=root,
                                capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip() == f"端口 {taken} 已被其他程序占用：请关闭它，或用 --backend-port 指定另一个端口。"
