"""Tasks: the editor's and reviewer's interface. `python -m invoke --list` shows them all (inside the
project's .venv; `python3 tools/run.py <task>` creates and uses it).

Each task is a few lines calling into the installed packages (gongkai_tools, gongkai); nothing reads
settings at import time. finish() is the one place a command's outcome becomes an exit status: the
code raises gongkai.errors.GongkaiError, never SystemExit.
"""
import subprocess
import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
HELP_FLAGS = ("--help", "-h")


def finish(command, *args, **kwargs) -> None:
    """Run `command`; its return value (an exit code, or None) or the Chinese message of the
    GongkaiError it raised (printed on stderr, exit status 1) ends the task."""
    from gongkai.errors import GongkaiError

    try:
        code = command(*args, **kwargs)
    except GongkaiError as exc:
        print(exc, file=sys.stderr)
        code = 1
    sys.exit(code or 0)


def _pelican(conf: str, *extra: str) -> int:
    """Run Pelican exactly as `pelican content -s <conf>` would, so both behave the same."""
    return subprocess.call([sys.executable, "-m", "pelican", "content", "-s", conf, *extra], cwd=ROOT)


@task
def validate(c):
    """检查全部事项和登记表，一次列出所有问题（有问题时退出码为 1）。"""
    from gongkai_tools.validate import validate_project

    finish(validate_project, ROOT)


@task(help={"publish": "使用 publishconf.py（绝对网址，正式发布）",
            "internal": "生成内网网站（internalconf.py，含内部事项）到 output-internal/，不能放到公开网站的服务器上"})
def build(c, publish=False, internal=False):
    """生成公开网站到 output/（失败时保留上一次的 output/）；加 --internal 生成内网网站到 output-internal/。"""
    if publish and internal:
        print("--publish 与 --internal 不能同时使用：内网网站（含内部事项）不能作为公开网站发布。", file=sys.stderr)
        sys.exit(1)
    finish(_pelican, "internalconf.py" if internal else "publishconf.py" if publish else "pelicanconf.py")


@task(help={"dry_run": "只列出将要上传和删除的文件，不写入对象存储"})
def publish(c, dry_run=False):
    """把 output/ 发布到对象存储（阿里云 OSS、腾讯云 COS、华为云 OBS、MinIO），只上传有变化的文件。"""
    from gongkai_tools.publish import publish as publish_site

    finish(publish_site, ROOT, dry_run=dry_run)


@task(help={"port": "端口，默认 8000"})
def serve(c, port=8000):
    """生成网站，在 http://localhost:8000 预览；文件改动后自动重新生成并刷新页面，有错误时页面上列出问题。"""
    from gongkai_tools.serve import serve_and_watch

    finish(serve_and_watch, ROOT, int(port))


@task
def test(c):
    """安装浏览器测试所需的组件，检查代码风格（ruff），运行全部测试。"""
    from gongkai_tools.testenv import run_tests

    finish(run_tests, ROOT)


@task
def docs(c):
    """根据 schema/item.schema.json 重新生成 README 中的字段说明。"""
    from gongkai.fieldref import render_readme

    readme = ROOT / "README.md"
    readme.write_text(render_readme(readme.read_text(encoding="utf-8"), ROOT / "schema/item.schema.json"), encoding="utf-8")
    print("已更新 README.md 的字段说明。")


@task(help={"strict": "发现逾期或超期事项、或上一年度报告缺失时以退出码 1 结束（用于持续集成）"})
def audit(c, strict=False):
    """列出所有逾期未更新（定期）和超期公开（即时）的事项，以及 1 月 31 日后仍未发布的上一年度报告。"""
    from gongkai_tools.validate import audit_command

    finish(audit_command, ROOT, strict=strict)


@task(name="report-draft", help={"year": "报告年度，例如 2025", "force": "用目录统计值覆盖已填写的规章、行政规范性文件件数和上年结转"})
def report_draft(c, year, force=False):
    """起草（或补填）某年度的政府信息公开工作年度报告：从目录统计的数字先填好，其余留给本机关填写。"""
    from gongkai_tools.report import draft_command

    finish(draft_command, ROOT, year, force=force)


@task
def scan(c):
    """保密审查：检查公开事项中的身份证号码、手机号码、银行卡号和密级标识。"""
    from gongkai_tools.scan import scan_project

    finish(scan_project, ROOT)


@task(help={"check": "只检查是否最新（持续集成用），不写文件"})
def codeowners(c, check=False):
    """根据 schema/units.yaml 生成 .github/CODEOWNERS 和 .gitlab/CODEOWNERS。"""
    from gongkai_tools.codeowners import codeowners_command

    finish(codeowners_command, ROOT, check=check)


@task(help={"title": "事项名称", "category": "一级事项", "subcategory": "二级事项", "unit": "公开主体",
            "limit": "公开时限类型：长期/定期/即时", "period": "周期（定期时）：月度/季度/半年/年度",
            "method": "公开方式：主动/依申请", "audience": "公开对象：全社会/特定群体/内部", "date": "发布日期 YYYY-MM-DD",
            "document": "新建公开信息（放在所属事项的文件夹中）", "item": "公开信息所属事项：名称或索引号",
            "kind": "公开信息的文件类型：规章/行政规范性文件/政策解读/其他", "number": "文号",
            "interprets": "政策解读所解读文件的索引号"})
def new(c, title=None, category=None, subcategory=None, unit=None, limit=None, period=None, method=None,
        audience=None, date=None, document=False, item=None, kind=None, number=None, interprets=None):
    """新建一个事项文件（加 --document 时新建一篇公开信息：先选所属事项），自动分配索引号，写好待填写的提示。"""
    from gongkai_tools.scaffold import new_command, new_document_command

    if document or item:
        return finish(new_document_command, ROOT, item=item, title=title, kind=kind, number=number,
                      publisher=unit, interprets=interprets, date=date)
    finish(new_command, ROOT, title=title, category=category, subcategory=subcategory, unit=unit, limit_type=limit,
           period=period, method=method, audience=audience, date=date)


@task(name="import", help={"file": "目录表格：.xlsx 或 .csv（UTF-8 / GBK）", "date": "发布日期，默认今天",
                           "force": "覆盖已存在的事项文件", "dry_run": "只显示报告，不写任何文件",
                           "code": "新登记单位的机构代码"})
def import_(c, file, date=None, force=False, dry_run=False, code=None):
    """把现有的政务公开目录表格导入为事项文件，并登记新的分类和单位。"""
    if file in HELP_FLAGS:  # invoke hands a flag to a missing positional argument: show the help instead
        finish(subprocess.call, [sys.executable, "-m", "invoke", "--help", "import"], cwd=ROOT)
    from gongkai_tools.importer import import_command

    finish(import_command, Path(file), ROOT, date=date, force=force, dry_run=dry_run, code=code)


@task(name="import-docs", help={"file": "公开信息列表：.xlsx、.csv 或 .tsv（UTF-8 / GBK），列如 标题、发布日期、文号、来源、栏目、原文链接",
                                "item": "全部导入到这个事项下：事项名称或索引号",
                                "map": "栏目与事项的对应表（YAML：每行“栏目: 事项名称或索引号”）",
                                "force": "覆盖已存在的公开信息文件", "dry_run": "只显示报告，不写任何文件"})
def import_docs(c, file, item=None, map=None, force=False, dry_run=False):  # noqa: A002 (--map is the option's name)
    """把旧网站导出的公开信息列表导入为公开信息文件（放在所属事项的文件夹中），并登记新的发布机构。"""
    from gongkai_tools.importer.documents import import_documents_command

    finish(import_documents_command, Path(file), ROOT, item=item, map_file=map, force=force, dry_run=dry_run)


@task(help={"path": "要修复的文件或文件夹，默认 content/items", "write": "写入修改（不加时只显示差异）"})
def fix(c, path="content/items", write=False):
    """修复机械性错误：GBK 编码、全角冒号和空格、Tab 缩进、--- 分隔行、“-”后的空格、2024-3-5 式日期。"""
    from gongkai_tools.fixer import fix_command

    finish(fix_command, ROOT, ROOT / path, write=write)


@task(help={"base": "对比的基准：分支名或提交号，例如 origin/main", "output": "写入文件（默认打印到屏幕；不超过评论的长度上限）",
            "full": "同时把完整报告写入这个文件（报告过长时评论中只有摘要）"})
def review(c, base, output=None, full=None):
    """审核报告：对比基准版本与当前工作区，列出新增、修改、移动、撤销的事项和各项检查结果。"""
    from gongkai_tools.review import review_cli

    finish(review_cli, ROOT, base, output, full=full)


@task(help={"query": "查询词，例如 \"低保 名单\"", "limit": "最多显示几个结果，默认 10"})
def search(c, query, limit=10):
    """按网站搜索的规则查找事项（同样的分词、同义词和排序）；新增事项前先查重。"""
    from gongkai_tools.search import search_cli

    finish(lambda: print(search_cli(ROOT, query, int(limit))))


@task(help={"port": "预览和编辑器的端口，默认 8000", "backend_port": "编辑器本机后台的端口，默认 8081"})
def edit(c, port=8000, backend_port=8081):
    """在本机用网页编辑器新建、修改事项（http://localhost:8000/admin/），同时预览网站；按 Ctrl+C 结束。"""
    from gongkai_tools.editor import edit as run_editor

    finish(run_editor, ROOT, int(port), int(backend_port))


@task(name="editor-config", help={"check": "只检查是否最新（持续集成用），不写文件"})
def editor_config(c, check=False):
    """根据 schema/ 和登记表重新生成网页编辑器的配置 plugins/gongkai/editor/cms-config.yml。"""
    from gongkai_tools.validate import editor_config_command

    finish(editor_config_command, ROOT, check=check)
