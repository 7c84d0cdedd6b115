"""What the browser tests need beyond requirements-dev.txt: Debian's chromium, axe-core (npm) and
the web editor's local backend, decap-server (npm; `invoke edit` uses it too); and run_tests(),
what `invoke test` runs: those installed, then ruff, then pytest.

Installed on demand so that one command sets up and runs the whole suite on a fresh machine or CI.
The npm packages go into the user's cache folder (platformdirs, like the cache-signing secret),
never into the project: a file a commit placed under .cache/ would otherwise be run (decap-server
by `invoke edit`) or loaded into every tested page (axe.min.js). Each is checked against the
integrity hash npm recorded for it before use.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from gongkai.errors import MissingTool

AXE_VERSION = "4.14.1"
# sha256 of axe-core 4.14.1's axe.min.js as npm installs it (npm checked the tarball's integrity).
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
PINNED = Path(__file__).resolve().parent / "decap-server"


def chromium_path() -> str | None:
    return next((p for p in map(shutil.which, CHROMIUM_CANDIDATES) if p), None)


def tools_dir(root: Path | None = None) -> Path:
    """Where the npm tools live: the user's cache folder (~/.cache/gongkai/tools on Linux,
    %LOCALAPPDATA%\\gongkai\\tools on Windows), never inside the project, where a commit could place
    them. MissingTool when the cache folder is inside the project (XDG_CACHE_HOME pointing there)."""
    import platformdirs

    folder = platformdirs.user_cache_path("gongkai", appauthor=False) / "tools"
    if root is not None and Path(os.path.realpath(folder)).is_relative_to(os.path.realpath(root)):
        raise MissingTool(f"用户缓存文件夹 {folder} 在项目文件夹之内：提交到仓库的文件可能被当作工具运行。"
                          "请把 XDG_CACHE_HOME 设为项目以外的文件夹")
    return folder


def axe_path(folder: Path | None = None) -> Path:
    return (folder or tools_dir()) / "node" / "node_modules" / "axe-core" / "axe.min.js"


def decap_server_path(folder: Path | None = None) -> Path:
    return (folder or tools_dir()) / "decap-server" / "node_modules" / "decap-server" / "dist" / "index.js"


def ensure_decap_server(root: Path) -> Path:
    """decap-server and its whole dependency tree at the versions in tools/decap-server/package-lock.json
    (`npm ci`: integrity-checked, nothing newer), installed once into the user's cache folder."""
    folder = tools_dir(root)
    target = folder / "decap-server"
    lock = (PINNED / "package-lock.json").read_bytes()
    if decap_server_path(folder).is_file() and (target / "package-lock.json").is_file() \
            and (target / "package-lock.json").read_bytes() == lock:
        return decap_server_path(folder)
    npm = shutil.which("npm")  # npm.cmd on Windows: run by its full path
    if not npm:
        raise MissingTool("网页编辑器的本机后台（decap-server）需要 Node.js：请先安装 Node.js（含 npm），再运行一次。")
    if target.exists():
        shutil.rmtree(target)  # a half-finished or older install: start clean
    target.mkdir(parents=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(PINNED / name, target / name)
    print("正在安装网页编辑器的本机后台 decap-server（只需一次）……", flush=True)
    subprocess.check_call([npm, "ci", "--silent", "--no-audit", "--no-fund", "--omit=dev"], cwd=target)
    return decap_server_path(folder)


def ensure_axe(root: Path) -> Path:
    """axe-core (the accessibility checks the browser tests inject) in the user's cache folder."""
    folder = tools_dir(root)
    path = axe_path(folder)
    if not path.is_file():
        npm = shutil.which("npm")
        if not npm:
            raise MissingTool("需要 Node.js 的 npm 来安装 axe-core（无障碍检查），请先安装 Node.js。")
        subprocess.check_call([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                               str(folder / "node"), f"axe-core@{AXE_VERSION}"])
    return checked_axe(path)


def checked_axe(path: Path) -> Path:
    """`path` if it holds exactly the pinned axe-core, else MissingTool (never load an altered file)."""
    if hashlib.sha256(path.read_bytes()).hexdigest() != AXE_SHA256:
        raise MissingTool(f"{path} 与 axe-core {AXE_VERSION} 的发布文件不一致：请删除 {path.parents[2]} 后重新运行 invoke test")
    return path


def ensure_browser_deps(root: Path) -> None:
    if chromium_path() is None:
        _apt_install("chromium")
    ensure_axe(root)
    ensure_decap_server(root)


def run_tests(root: Path) -> int:
    """`invoke test`: what the browser tests need, then ruff (the style rules in pyproject.toml),
    then the whole pytest suite; the first failure's exit code."""
    ensure_browser_deps(root)
    checked = subprocess.call([sys.executable, "-m", "ruff", "check", "--quiet", "."], cwd=root)
    # One worker per core; --dist loadscope keeps each module's tests (and its module-scoped built
    # site) on one worker, so nothing is built twice but the session-wide example site.
    return checked or subprocess.call([sys.executable, "-m", "pytest", "-q", "-n", "auto", "--dist", "loadscope"],
                                      cwd=root)


def _apt_install(package: str) -> None:
    if getattr(os, "geteuid", lambda: 1)() != 0 or not shutil.which("apt-get"):  # root on Debian/Ubuntu only
        raise MissingTool(f"浏览器测试需要 {package}：请用系统的包管理器安装（Debian/Ubuntu: sudo apt-get install {package}）。")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.check_call(["apt-get", "update", "-qq"], env=env)
    subprocess.check_call(["apt-get", "install", "-y", "-qq", package], env=env)
