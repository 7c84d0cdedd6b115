"""Run an invoke task inside the project's own virtual environment, creating it first if needed:

    python3 tools/run.py serve        (Windows: py tools\\run.py serve)
    python3 tools/run.py test
    python3 tools/run.py validate     (any task, with its options: python3 tools/run.py search "低保")

Standard library only, so it runs on any Python 3.11+: a stock Debian/Ubuntu (统信UOS, 银河麒麟)
system Python that refuses `pip install` (PEP 668), Windows, macOS. It

1. creates .venv in the project when it is missing or broken (venv, with pip from ensurepip);
2. installs the locked requirements with `pip install --require-hashes` (requirements.lock, or
   requirements-dev.lock for `test`): every package of the whole tree pinned and checked against
   its hash; done only when the lock file changed since the last install (a stamp in .venv);
3. installs this project itself, editable and without dependencies (pyproject.toml);
4. runs `python -m invoke <task> <arguments>` with .venv's Python and exits with its status.

Inside the activated environment (`source .venv/bin/activate`, on Windows `.venv\\Scripts\\activate`)
`python -m invoke <task>` does the same as step 4.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
STAMP = VENV / "gongkai-installed.txt"
LOCKS = {"runtime": ROOT / "requirements.lock", "dev": ROOT / "requirements-dev.lock"}
# Tasks that need the test tools (pytest, playwright, ruff): everything else needs the runtime only.
DEV_TASKS = {"test"}
MIN_PYTHON = (3, 11)

NO_VENV = ("无法创建虚拟环境：这个 Python 缺少 venv/ensurepip 组件。\n"
           "Debian、Ubuntu、统信UOS、银河麒麟等系统请先安装：sudo apt install python3-venv\n"
           "安装后重新运行：python3 tools/run.py {task}")
OLD_PYTHON = "需要 Python {need} 或更高版本，当前是 {have}：请安装新版 Python 后重新运行。"
INSTALLING = "正在安装所需组件到项目的虚拟环境 .venv（只在第一次或依赖更新后进行）……"
FAILED = "安装失败（{what}）：请检查网络或软件源设置后重新运行；已安装的部分不影响下次重试。"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def has_ensurepip() -> bool:
    """Debian and Ubuntu ship venv without ensurepip until python3-venv is installed."""
    try:
        import ensurepip  # noqa: F401
    except ImportError:
        return False
    return True


def works(python: Path) -> bool:
    try:
        return subprocess.run([str(python), "-c", "import pip"], capture_output=True).returncode == 0
    except OSError:
        return False


def create_venv(task: str) -> None:
    """A fresh .venv with pip; a broken one (moved, Python upgraded) is replaced."""
    import venv

    if not has_ensurepip():
        raise SystemExit(_say(NO_VENV.format(task=task)))
    if VENV.exists():
        if not (VENV / "pyvenv.cfg").is_file():
            raise SystemExit(_say(f"{VENV} 已存在但不是虚拟环境：请把它改名或移走后重新运行。"))
        shutil.rmtree(VENV)
    print("正在创建项目的虚拟环境 .venv ……", flush=True)
    venv.EnvBuilder(with_pip=True).create(VENV)


def fingerprint(lock: Path) -> str:
    digest = hashlib.sha256(lock.read_bytes())
    digest.update((ROOT / "pyproject.toml").read_bytes())
    return digest.hexdigest()


def installed() -> set[str]:
    """The fingerprints of what the stamp says is installed (one line per lock)."""
    return set(STAMP.read_text(encoding="ascii").split()) if STAMP.is_file() else set()


def install(kind: str) -> None:
    """The locked tree (hash-checked) and the project itself, unless the stamp says it is there."""
    wanted = {fingerprint(LOCKS[kind])} if kind == "dev" else {fingerprint(LOCKS["runtime"]), fingerprint(LOCKS["dev"])}
    if installed() & wanted:
        return
    python = str(venv_python())
    print(INSTALLING, flush=True)
    steps = [("依赖", [python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--require-hashes",
                      "-r", str(LOCKS[kind])]),
             ("本项目", [python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps",
                       "--no-build-isolation", "-e", str(ROOT)])]
    for what, command in steps:
        if subprocess.call(command, cwd=ROOT):
            raise SystemExit(_say(FAILED.format(what=what)))
    STAMP.write_text(fingerprint(LOCKS[kind]) + "\n", encoding="ascii")


def _say(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def main(args: list[str]) -> int:
    if sys.version_info < MIN_PYTHON:
        return _say(OLD_PYTHON.format(need=".".join(map(str, MIN_PYTHON)), have=sys.version.split()[0]))
    task = args[0] if args else "--list"
    if not works(venv_python()):
        create_venv(task)
    install("dev" if task in DEV_TASKS else "runtime")
    return subprocess.call([str(venv_python()), "-m", "invoke", *(args or ["--list"])], cwd=ROOT)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
