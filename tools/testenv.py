"""What the browser tests need beyond requirements-dev.txt: Debian's chromium and axe-core (npm).

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


def ensure_browser_deps(root: Path) -> None:
    if chromium_path() is None:
        _apt_install("chromium")
    if not axe_path(root).is_file():
        if not shutil.which("npm"):
            raise SystemExit("需要 Node.js 的 npm 来安装 axe-core（无障碍检查），请先安装 Node.js。")
        subprocess.check_call(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                               str(root / ".cache" / "node"), f"axe-core@{AXE_VERSION}"])


def _apt_install(package: str) -> None:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(f"浏览器测试需要 {package}：请用系统的包管理器安装（Debian/Ubuntu: sudo apt-get install {package}）。")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.check_call(["apt-get", "update", "-qq"], env=env)
    subprocess.check_call(["apt-get", "install", "-y", "-qq", package], env=env)
