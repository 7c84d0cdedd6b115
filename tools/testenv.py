"""What the browser tests need beyond requirements-dev.txt: Debian's chromium, axe-core (npm) and
the web editor's local backend, decap-server (npm; `invoke edit` uses it too).

Installed on demand so that one command sets up and runs the whole suite on a fresh machine or CI.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

AXE_VERSION = "4.14.1"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str | None:
    return next((p for p in map(shutil.which, CHROMIUM_CANDIDATES) if p), None)


def axe_path(root: Path) -> Path:
    return root / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"


def decap_server_path(root: Path) -> Path:
    return root / ".cache" / "decap-server" / "node_modules" / "decap-server" / "dist" / "index.js"


def ensure_decap_server(root: Path) -> Path:
    """decap-server and its whole dependency tree at the versions in tools/decap-server/package-lock.json
    (`npm ci`: integrity-checked, nothing newer), installed once into .cache/decap-server/."""
    pinned = root / "tools" / "decap-server"
    target = root / ".cache" / "decap-server"
    lock = (pinned / "package-lock.json").read_bytes()
    if decap_server_path(root).is_file() and (target / "package-lock.json").is_file() \
            and (target / "package-lock.json").read_bytes() == lock:
        return decap_server_path(root)
    npm = shutil.which("npm")  # npm.cmd on Windows: run by its full path
    if not npm:
        raise SystemExit("网页编辑器的本机后台（decap-server）需要 Node.js：请先安装 Node.js（含 npm），再运行一次。")
    target.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(pinned / name, target / name)
    print("正在安装网页编辑器的本机后台 decap-server（只需一次）……")
    subprocess.check_call([npm, "ci", "--silent", "--no-audit", "--no-fund", "--omit=dev"], cwd=target)
    return decap_server_path(root)


def ensure_browser_deps(root: Path) -> None:
    if chromium_path() is None:
        _apt_install("chromium")
    if not axe_path(root).is_file():
        if not shutil.which("npm"):
            raise SystemExit("需要 Node.js 的 npm 来安装 axe-core（无障碍检查），请先安装 Node.js。")
        subprocess.check_call(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                               str(root / ".cache" / "node"), f"axe-core@{AXE_VERSION}"])
    ensure_decap_server(root)


def _apt_install(package: str) -> None:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(f"浏览器测试需要 {package}：请用系统的包管理器安装（Debian/Ubuntu: sudo apt-get install {package}）。")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.check_call(["apt-get", "update", "-qq"], env=env)
    subprocess.check_call(["apt-get", "install", "-y", "-qq", package], env=env)
