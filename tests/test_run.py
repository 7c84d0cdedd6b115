"""tools/run.py, the README's two commands: the Chinese message when the platform lacks venv
support, and installs only when a lock file changed. (Creating .venv and installing from the
package index is what `python3 tools/run.py test` itself does on a fresh clone: CI runs it.)"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

from conftest import REPO

NO_VENV = ("无法创建虚拟环境：这个 Python 缺少 venv/ensurepip 组件。\n"
           "Debian、Ubuntu、统信UOS、银河麒麟等系统请先安装：sudo apt install python3-venv\n"
           "安装后重新运行：python3 tools/run.py serve")


def project_with_runner(root):
    (root / "tools").mkdir(parents=True)
    shutil.copy2(REPO / "tools/run.py", root / "tools/run.py")
    for name in ("requirements.lock", "requirements-dev.lock", "pyproject.toml"):
        shutil.copy2(REPO / name, root / name)
    return root


def test_without_ensurepip_one_chinese_message_names_the_package(tmp_path):
    """Debian/Ubuntu (统信UOS, 银河麒麟) without python3-venv: ensurepip cannot be imported."""
    root = project_with_runner(tmp_path / "project")
    blocker = tmp_path / "no-ensurepip"
    blocker.mkdir()
    (blocker / "ensurepip.py").write_text("raise ModuleNotFoundError(\"No module named 'ensurepip'\")\n", encoding="utf-8")
    # -S: no site packages, so the blocker is found first, as on a system without the package.
    done = subprocess.run([sys.executable, "-S", str(root / "tools/run.py"), "serve"], cwd=root, capture_output=True,
                          text=True, env={"PYTHONPATH": str(blocker), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1
    assert done.stderr.strip() == NO_VENV
    assert done.stdout == "" and not (root / ".venv").exists()


def load_runner(root):
    spec = importlib.util.spec_from_file_location("runner", root / "tools/run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_installs_only_when_a_lock_file_changed(tmp_path, monkeypatch):
    root = project_with_runner(tmp_path / "project")
    runner = load_runner(root)
    (root / ".venv").mkdir()
    calls = []
    monkeypatch.setattr(runner.subprocess, "call", lambda command, **_kw: calls.append(command) or 0)
    runner.install("runtime")
    assert [c[c.index("pip") + 1] for c in calls] == ["install", "install"]
    assert "--require-hashes" in calls[0] and calls[0][-2:] == ["-r", str(root / "requirements.lock")]
    assert "--no-deps" in calls[1] and calls[1][-3:] == ["--no-build-isolation", "-e", str(root)]
    calls.clear()
    runner.install("runtime")
    assert calls == []  # the stamp says this lock is installed
    runner.install("dev")
    assert calls[0][-1] == str(root / "requirements-dev.lock")  # the test tools need the dev lock
    calls.clear()
    runner.install("runtime")
    assert calls == []  # the dev lock includes the runtime one
    lock = root / "requirements-dev.lock"
    lock.write_text(lock.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    runner.install("dev")
    assert calls and calls[0][-1] == str(lock)  # changed: installed again
