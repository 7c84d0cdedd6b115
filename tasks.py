"""Tasks: the editor's and reviewer's interface. `python -m invoke --list` shows them all.

Each task is a few lines calling into plugins/ or tools/; nothing reads settings at import time.
"""
import os
import subprocess
import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT)]


def _pelican(conf: str) -> int:
    """Run Pelican exactly as `pelican content -s <conf>` would, so both behave the same."""
    return subprocess.call([sys.executable, "-m", "pelican", "content", "-s", conf], cwd=ROOT)


@task
def validate(c):
    """检查全部事项和登记表，一次列出所有问题（有问题时退出码为 1）。"""
    from catalogue.cli import validate_project

    sys.exit(validate_project(ROOT))


@task(help={"publish": "使用 publishconf.py（绝对网址，正式发布）"})
def build(c, publish=False):
    """生成公开网站到 output/（失败时保留上一次的 output/）。"""
    code = _pelican("publishconf.py" if publish else "pelicanconf.py")
    if code:
        sys.exit(code)


@task(help={"port": "端口，默认 8000"})
def serve(c, port=8000):
    """生成网站，在 http://localhost:8000 预览，文件改动后自动重新生成。"""
    from tools.serve import serve_and_watch

    serve_and_watch(ROOT, int(port), lambda: _pelican("pelicanconf.py"))


@task
def test(c):
    """安装浏览器测试所需的组件，运行全部测试。"""
    from tools.testenv import ensure_browser_deps

    ensure_browser_deps(ROOT)
    sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-q"], cwd=ROOT))


@task
def docs(c):
    """根据 schema/item.schema.json 重新生成 README 中的字段说明。"""
    from catalogue.fieldref import render_readme

    readme = ROOT / "README.md"
    readme.write_text(render_readme(readme.read_text(encoding="utf-8"), ROOT / "schema/item.schema.json"), encoding="utf-8")
    print("已更新 README.md 的字段说明。")


@task(help={"strict": "发现逾期或超期事项时以退出码 1 结束（用于持续集成）"})
def audit(c, strict=False):
    """列出所有逾期未更新（定期）和超期公开（即时）的事项。"""
    from freshness.audit import audit_project

    sys.exit(audit_project(ROOT, strict=strict))


@task
def scan(c):
    """保密审查：检查公开事项中的身份证号码、手机号码、银行卡号和密级标识。"""
    from secrecy.cli import scan_project

    sys.exit(scan_project(ROOT))


@task(help={"check": "只检查是否最新（持续集成用），不写文件"})
def codeowners(c, check=False):
    """根据 schema/units.yaml 生成 .github/CODEOWNERS 和 .gitlab/CODEOWNERS。"""
    from tools.codeowners import codeowners_command

    sys.exit(codeowners_command(ROOT, check=check))
