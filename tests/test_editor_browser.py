"""The web editor in headless Chromium against its local backend (decap-server), as `invoke edit`
runs it: create an item through the form, edit one field of another, and the item file format.

Each test works on a copy of the project under tmp_path (a git repository, so the diff of a save
can be read); decap-server comes from .cache/decap-server, installed by `python -m invoke test`.
"""
from __future__ import annotations

import functools
import json
import subprocess
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import REPO, TINY_PDF, TOOLS, _QuietHandler, copy_project, run_build, run_invoke
from test_serve import free_port

from gongkai.frontmatter import parse_text
from gongkai.registry import load_categories, load_units
from gongkai_tools.editor import start_backend, stop
from gongkai_tools.testenv import decap_server_path
from gongkai_tools.yamlwrite import item_text, scalar

EDITED = "content/items/住房保障/个人住房公积金缴存明细.md"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@invalid", *args], cwd=root,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def editor(tmp_path, browser):
    """(project root, page logged in to the editor): the project built with the editor in local mode,
    served on one free port, decap-server on another; every request must stay on this machine."""
    server = decap_server_path(TOOLS)
    assert server.is_file(), "没有找到 decap-server：请运行 python -m invoke test，它会安装浏览器测试所需的组件"
    root = copy_project(tmp_path / "project")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    backend_port = free_port()
    built = run_build(root, "-e", 'GONGKAI_EDITOR="local"', f"GONGKAI_EDITOR_LOCAL_PORT={backend_port}")
    assert built.returncode == 0, built.stdout + built.stderr
    handler = functools.partial(_QuietHandler, directory=str(root / "output"))
    site = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    backend = start_backend(root, backend_port, server=server)
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    allowed = (f"http://localhost:{site.server_address[1]}/", f"http://localhost:{backend_port}/", "data:", "blob:")
    foreign, errors = [], []
    page.on("request", lambda r: None if r.url.startswith(allowed) else foreign.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        page.goto(f"http://localhost:{site.server_address[1]}/admin/")
        page.get_by_role("button", name="登录").click()
        page.get_by_role("heading", name="公开事项").wait_for()
        yield root, page
    finally:
        context.close()
        stop(backend)
        site.shutdown()
    assert not foreign, f"the editor requested other hosts: {foreign}"
    assert not errors, errors


def choose(page, label: str, value: str) -> None:
    """A Decap select (react-select): type the choice and take it."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(value)
    page.keyboard.press("Enter")


def publish(page) -> None:
    page.get_by_role("button", name="发布", exact=True).click()
    page.get_by_text("立即发布").click()
    page.get_by_text("已发布", exact=True).wait_for()


def upload_attachment(page, name: str, file: Path) -> None:
    """附件: a name, and a file uploaded through Decap's media library into content/attachments/."""
    page.get_by_role("button", name="新增附件").click()
    page.get_by_label("附件名称", exact=True).fill(name)
    page.get_by_role("button", name="选择文件").click()
    page.locator("input[type=file]").set_input_files(str(file))
    page.get_by_text(file.name).wait_for()
    page.get_by_role("button", name="选用已选中项目").click()


def test_create_an_item_through_the_form(editor, tmp_path):
    root, page = editor
    pdf = tmp_path / "临时救助审批表.pdf"
    pdf.write_bytes(TINY_PDF)
    categories, _ = load_categories(root / "schema", root)
    units, _ = load_units(root / "schema", root)
    category, unit = categories[3], units[1]
    sub = category.subcategories[-1]
    page.locator("a[href$='/new']").first.click()
    assert page.get_by_label("二级事项", exact=True).is_disabled()
    page.get_by_label("事项名称", exact=True).fill("网页编辑器新建的事项")
    page.get_by_label("索引号", exact=True).fill("11539901MB0A20035K/2026-09001")
    page.get_by_label("一级事项", exact=True).select_option(category.name)
    # the 二级事项 choices are exactly those registered under the chosen 一级事项
    offered = page.get_by_label("二级事项", exact=True).evaluate("s => Array.from(s.options).map(o => o.value)")
    assert offered == [""] + [s.name for s in category.subcategories]
    page.get_by_label("二级事项", exact=True).select_option(sub.name)
    page.get_by_role("button", name="新增公开内容（要素）").click()
    page.locator("input[id^='条目-field-']").last.fill("救助对象姓名（部分隐去）")
    page.get_by_role("button", name="新增公开依据").click()
    page.locator("input[id^='条目-field-']").last.fill("《社会救助暂行办法》")
    choose(page, "公开时限类型", "即时")
    page.get_by_label("时限说明 (可选)", exact=True).fill("自该信息形成或者变更之日起20个工作日内")
    choose(page, "公开主体", unit.name)
    choose(page, "公开渠道和载体", "政府网站")
    choose(page, "公开渠道和载体", "公示栏")
    choose(page, "公开对象", "全社会")
    choose(page, "公开方式", "主动")
    page.get_by_label("发布日期", exact=True).fill("2026-11-20")
    upload_attachment(page, "临时救助审批表", pdf)
    publish(page)

    path = root / "content/items" / category.name / "网页编辑器新建的事项.md"
    assert path.read_text(encoding="utf-8") == f"""---
事项名称: 网页编辑器新建的事项
索引号: 11539901MB0A20035K/2026-09001
一级事项: {category.name}
二级事项: {sub.name}
公开内容:
  - 救助对象姓名（部分隐去）
公开依据:
  - 《社会救助暂行办法》
公开时限:
  类型: 即时
  说明: 自该信息形成或者变更之日起20个工作日内
公开主体: {unit.name}
公开渠道:
  - 政府网站
  - 公示栏
公开对象: 全社会
公开方式: 主动
发布日期: 2026-11-20
附件:
  - 名称: 临时救助审批表
    文件: attachments/临时救助审批表.pdf
---
"""
    assert (root / "content/attachments/临时救助审批表.pdf").read_bytes() == TINY_PDF
    validated = run_invoke(root, "validate")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert validated.stdout.startswith("校验通过：")
    assert run_build(root).returncode == 0
    item_page = root / "output/items/11539901MB0A20035K-2026-09001/index.html"
    assert "网页编辑器新建的事项" in item_page.read_text(encoding="utf-8")


def test_editing_one_field_changes_only_that_line(editor):
    root, page = editor
    before = (root / EDITED).read_text(encoding="utf-8")
    title = parse_text(before, EDITED).meta["事项名称"]
    page.get_by_text(f"{title}（").click()
    page.get_by_label("事项名称", exact=True).fill(title + "（修订）")
    publish(page)
    diff = git(root, "diff", "--unified=0", "--", EDITED)
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == [f"-事项名称: {title}", f"+事项名称: {title}（修订）"]
    assert git(root, "-c", "core.quotepath=false", "status", "--porcelain", "--", "content") == f" M {EDITED}\n"
    assert run_invoke(root, "validate").returncode == 0


# ---- the item file format, run in the browser on every example file ---------------------------

ROUND_TRIP = """files => files.map(([name, text]) => {
    const format = window.gongkaiEditor.makeFormat(window.gongkaiEditor.formats['gongkai-items']);
    const data = format.fromFile(text);
    const again = format.toFile(JSON.parse(JSON.stringify(data)));
    delete data.__gongkai_source__;
    return [name, again === text, format.toFile(data)];
})"""


def example_files() -> list[tuple[str, str]]:
    # item files only: the web editor has no 公开信息 collection (docs/architecture.md)
    from gongkai.catalogue import source_files
    from gongkai.settings import Paths

    found = sorted(source_files(Paths.for_root(REPO))[0]) + sorted((REPO / "tests/examples").glob("*.md"))
    assert len(found) > 50
    return [(p.relative_to(REPO).as_posix(), p.read_text(encoding="utf-8")) for p in found]


def schema_ordered(meta: dict) -> dict:
    schema = json.loads((REPO / "schema/item.schema.json").read_text(encoding="utf-8"))["properties"]
    rank = {k: i for i, k in enumerate(schema)}

    def inner_order(key, value):
        sub = list(schema.get(key, {}).get("properties") or schema.get(key, {}).get("items", {}).get("properties") or [])
        if isinstance(value, dict):
            return {k: value[k] for k in sorted(value, key=lambda k: sub.index(k) if k in sub else len(sub))}
        if isinstance(value, list):
            return [inner_order(key, v) if isinstance(v, dict) else v for v in value]
        return value

    return {k: inner_order(k, meta[k]) for k in sorted(meta, key=lambda k: rank.get(k, len(rank)))}


def test_format_writes_unchanged_files_back_byte_for_byte_and_new_ones_as_tools_yamlwrite(editor):
    _root, page = editor
    files = example_files()
    results = page.evaluate(ROUND_TRIP, files)
    assert [name for name, same, _fresh in results if not same] == []
    for (name, text), (_n, _same, fresh) in zip(files, results):
        source = parse_text(text, name)
        assert fresh == item_text(schema_ordered(source.meta), source.body), name


TRICKY = ["yes", "No", "on", "y", "9:00", "010", "0x1F", "1e3", ".inf", "~", "null", "", "@zhangsan", "- a", "a: b",
          "a #b", "#x", "[x]", '"q"', "'q'", "2024-03-05", "12345热线", " 前有空格", "多行\n文字", "*", "&a", "!x", "%x",
          "|", ">", "?", "=", "<<", "1_000", "+1", "0879-1234567（工作日 9:00—17:00）", "示民〔2024〕37号", "a\\b",
          '"放管服"改革事项清单', "\"q\" 和 'r'", '"q" \u0007', '"D:\\x"']


def test_values_are_quoted_exactly_when_python_would_quote_them(editor):
    _root, page = editor
    written = page.evaluate("values => values.map(v => window.gongkaiEditor.scalar(v))", TRICKY)
    assert written == [scalar(v) for v in TRICKY]


WINDOWS_FILE = ("\ufeff---\r\n事项名称: 低保名单\r\n# 待填写：公开内容要素\r\n公开内容:\r\n  - 待填写：公开内容要素\r\n"
                "公开层级: [县级, 乡级]\r\n发布日期: '2024-03-05'\r\n---\r\n正文第一行。\r\n")
EDIT_ONE = """([text, changes]) => {
    const format = window.gongkaiEditor.makeFormat(window.gongkaiEditor.formats['gongkai-items']);
    return format.toFile(Object.assign(format.fromFile(text), changes));
}"""


def test_a_windows_file_keeps_bom_crlf_comments_and_styles_except_for_the_changed_field(editor):
    _root, page = editor
    written = page.evaluate(EDIT_ONE, [WINDOWS_FILE, {"公开内容": ["保障对象姓名"], "更新日期": "2024-06-01", "渠道说明": ""}])
    # the field's comment goes with the placeholder it described; 更新日期 lands in schema order
    assert written == ("\ufeff---\r\n事项名称: 低保名单\r\n公开内容:\r\n  - 保障对象姓名\r\n公开层级: [县级, 乡级]\r\n"
                       "发布日期: '2024-03-05'\r\n更新日期: 2024-06-01\r\n---\r\n正文第一行。\r\n")
    unchanged = page.evaluate(EDIT_ONE, [WINDOWS_FILE, {}])
    assert unchanged == WINDOWS_FILE
