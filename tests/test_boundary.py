"""The publish boundary (issue 9): nothing outside content/, and nothing the catalogue did not
accept, reaches output/. Each attack is replayed through the public entry points (`invoke
validate`, `invoke scan`, a full build) and must fail safely: the exact Chinese message with file
and line, a non-zero exit, the previous output/ byte for byte, and none of the secret in it.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO, copy_built, make_mini_project, run_build, run_invoke

from gongkai.errors import SettingsError
from gongkai.render import BodyRenderer, is_remote
from gongkai.settings import resolve
from gongkai.site.pages import SECTIONS
from gongkai.textsafe import UNSAFE, finalize, printable

GIT_SECRET = "AUTHORIZATION: basic c2VjcmV0LXRva2VuLTlmM2E="
INTERNAL_TITLE = "机关干部考勤与请销假登记"  # in the parse cache, never on the site
OUTSIDE_SECRET = "OUTSIDE-CONTENT-SECRET-7c1e"
FAILED = "构建失败：目录有错误，未生成网站；上一次生成的 output/ 保持不变。"
MINIMAL = (EXAMPLES / "minimal_item.md").read_text(encoding="utf-8")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=测试", "-c", "user.email=t@example.invalid", *args], cwd=root,
                   check=True, capture_output=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A built git checkout of the small catalogue (with an 内部 item), a CI token in .git/config
    and a secret file next to content/: the things a hostile page tried to publish."""
    root = make_mini_project(tmp_path_factory.mktemp("boundary") / "project")
    shutil.copy2(EXAMPLES / "internal_item.md", root / "content/items/社会救助/内部考勤.md")
    (root / "outside").mkdir()
    (root / "outside/secret.pdf").write_text(OUTSIDE_SECRET, encoding="utf-8")
    (root / "outside/item.md").write_text(MINIMAL.replace("2024-00001", "2024-00077").replace(
        "按乡镇分列", OUTSIDE_SECRET), encoding="utf-8")
    (root / "outside/page.md").write_text(f"Title: 外部\nSlug: outside\n\n{OUTSIDE_SECRET}\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "config", "http.https://example.invalid/.extraheader", GIT_SECRET)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "初始")
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    assert (root / ".cache/pelican/gongkai-items.cache").is_file()
    return root


def snapshot(output: Path) -> dict:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def secrets_in(output: Path) -> list[str]:
    needles = [GIT_SECRET, INTERNAL_TITLE, OUTSIDE_SECRET, "root:x:0:0"]
    return [f"{p.relative_to(output)}: {n}" for p in output.rglob("*") if p.is_file()
            for n in needles if n.encode("utf-8") in p.read_bytes()]


def attempt(root: Path, files: dict[str, str], links: dict[str, str] | None = None, scan: bool = False) -> dict:
    """Write the hostile files (and symlinks), run validate, scan and build, then remove them.
    Asserts what every attack must leave: exit 1 everywhere, no traceback, output/ untouched."""
    before = snapshot(root / "output")
    made = []
    try:
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
            made.append(root / name)
        for name, target in (links or {}).items():
            (root / name).symlink_to(target)
            made.append(root / name)
        runs = {"validate": run_invoke(root, "validate"), "build": run_build(root)}
        if scan:
            runs["scan"] = run_invoke(root, "scan")
    finally:
        for path in made:
            path.unlink()
    for name, run in runs.items():
        assert run.returncode == 1, (name, run.stdout, run.stderr)
        assert "Traceback" not in run.stdout + run.stderr, (name, run.stderr)
    assert FAILED in runs["build"].stderr
    assert snapshot(root / "output") == before
    assert not (root / "output.staging").exists()
    assert secrets_in(root / "output") == []
    return {name: (run.stdout if name != "build" else run.stderr).splitlines() for name, run in runs.items()}


def problem_lines(output: list[str]) -> list[str]:
    return [line for line in output if line.startswith("content/")]


OUT = "在 content/ 目录以外：附件和链接的文件必须放在 content/ 目录内，路径相对于 content/ 书写，不能用 .. 跳出 content/"


def test_page_links_out_of_content_are_refused_and_nothing_is_copied(built):
    page = ("Title: 申请表下载\nSlug: forms\n\n"
            "[a]({attach}/../../../../etc/passwd)\n"
            "[b]({attach}../../.git/config)\n"
            "[c]({attach}../../.cache/pelican/gongkai-items.cache)\n"
            "[d]({static}../../outside/secret.pdf) <a href='|static|/../pelicanconf.py'>e</a>\n"
            "[f]({filename}../../tasks.py) ![g]({static}../items/社会救助/低保名单.md)\n"
            "[h]({index}) [i]({category}社会救助)\n")
    out = attempt(built, {"content/pages/forms.md": page})
    where = "content/pages/forms.md"
    expected = [
        f"{where}:4: 正文: “/../../../../etc/passwd”{OUT}",
        f"{where}:5: 正文: “../../.git/config”{OUT}",
        f"{where}:6: 正文: “../../.cache/pelican/gongkai-items.cache”{OUT}",
        f"{where}:7: 正文: “../../outside/secret.pdf”{OUT}",
        f"{where}:7: 正文: “/../pelicanconf.py”{OUT}",
        f"{where}:8: 正文: “../items/社会救助/低保名单.md”不能发布：附件和链接的文件只能是 pdf、ofd、doc、docx、xls、xlsx、wps、jpg、png 格式",
        f"{where}:8: 正文: 链接“{{filename}}../../tasks.py”指向的不是 content/pages/ 中的公开指南页面：请写成 {{filename}}/pages/文件名.md",
        f"{where}:9: 正文: 不支持的链接写法“{{category}}社会救助”：公开指南中只能用 {{attach}} 或 {{static}} 链接 content/ 中的附件，用 {{filename}} 链接其他公开指南页面",
        f"{where}:9: 正文: 不支持的链接写法“{{index}}”：公开指南中只能用 {{attach}} 或 {{static}} 链接 content/ 中的附件，用 {{filename}} 链接其他公开指南页面",
    ]
    assert out["validate"] == expected + ["共发现 9 个问题，涉及 1 个文件。请逐条修改后再运行 invoke validate。"]
    assert problem_lines(out["build"]) == expected


@pytest.mark.parametrize("name, text", [
    ("content/pages/passwd.rst", "密码\n####\n\n.. include:: /etc/passwd\n\n.. raw:: html\n   :file: /etc/passwd\n"),
    ("content/pages/raw.html", "<html><head><title>x</title></head><body>x</body></html>\n"),
    ("content/pages/申请表.pdf", "%PDF-1.4\n"),
])
def test_only_markdown_pages_are_read(built, name, text):
    out = attempt(built, {name: text})
    expected = [f"{name}: content/pages/ 中只能放 Markdown（.md）格式的公开指南页面；"
                "不支持 reStructuredText、HTML 等格式，附件请放在 content/attachments/"]
    assert problem_lines(out["validate"]) == expected
    assert problem_lines(out["build"]) == expected


def test_a_page_links_an_attachment_and_another_page_through_the_boundary(built, tmp_path):
    site = tmp_path / "site"
    copy_built(built, site)
    (site / "content/pages/forms.md").write_text(
        "Title: 申请表下载\nSlug: forms\n\n"
        "[预算表]({attach}../attachments/预算表.pdf)，[同一个]({static}/attachments/预算表.pdf)，"
        "[指南]({filename}guide.md)，[外部网站](https://www.gov.cn/)\n", encoding="utf-8")
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    html = (site / "output/forms/index.html").read_text(encoding="utf-8")
    pdf = [p.name for p in (site / "output/files").iterdir()]
    assert len(pdf) == 1 and (site / "output/files" / pdf[0]).read_bytes() == (site / "content/attachments/预算表.pdf").read_bytes()
    assert (f'<p><a href="../files/{pdf[0]}" rel="noopener noreferrer">预算表</a>，'
            f'<a href="../files/{pdf[0]}" rel="noopener noreferrer">同一个</a>，'
            '<a href="../guide/" rel="noopener noreferrer">指南</a>，'
            '<a href="https://www.gov.cn/" rel="noopener noreferrer">外部网站</a></p>') in html
    assert "forms/</loc>" in (site / "output/sitemap.xml").read_text(encoding="utf-8")


def test_draft_page_is_never_published_and_links_nothing(built, tmp_path):
    site = tmp_path / "site"
    copy_built(built, site)
    (site / "content/pages/draft.md").write_text(
        "Title: 草稿\nSlug: draft-page\nStatus: draft\n\n草稿正文 [预算表]({attach}../attachments/预算表.pdf)\n",
        encoding="utf-8")
    (site / "content/items/财政信息/2024 年/部门预算.md").unlink()  # the only other user of 预算表.pdf
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    output = site / "output"
    assert not (output / "draft-page").exists() and not (output / "drafts").exists()
    assert not (output / "files").exists()
    assert [p for p in output.rglob("*") if p.is_file() and "草稿正文".encode() in p.read_bytes()] == []


def test_page_front_matter_is_checked(built):
    files = {
        "content/pages/a.md": "Title: 甲\nSlug: Guide Page\nAuthor: 办公室\nDate: 2024-13-01\n\n正文\n",
        "content/pages/b.md": "Title: \u200b\u200b\nSlug: items\nStatus: hidden\n\n正文\n",
        "content/pages/c.md": "Slug: apply\nTitle：全角冒号\n\n正文\n",
        "content/pages/d.md": "正文直接开始，没有字段\n",
    }
    out = attempt(built, files)
    assert problem_lines(out["validate"]) == [
        "content/pages/a.md:2: Slug: Slug“Guide Page”只能由小写英文字母、数字和连字符（-）组成，例如 guide：它是页面的网址",
        "content/pages/a.md:3: Author: 公开指南页面只能写 Title（标题）、Slug（网址名）、Date（发布日期）、Modified（更新日期）和 Status（draft 表示草稿，不发布）五个字段",
        "content/pages/a.md:4: Date: Date“2024-13-01”不是有效日期：请写成 YYYY-MM-DD，例如 2024-03-05",
        "content/pages/apply.md:2: Slug: Slug“apply”与 content/pages/c.md:1 相同：每个页面的网址名必须唯一",
        "content/pages/b.md:1: Title: Title 没有可以显示的文字：请写出页面标题",
        "content/pages/b.md:2: Slug: Slug“items”与网站自身的栏目 /items/ 冲突：请换一个网址名（不能用 items、docs、policies、category、unit、limit、five、table、stats、downloads、sitemap、care、search、feeds、files、theme、admin、reports）",
        "content/pages/b.md:3: Status: Status 只能是 published（发布，默认）或 draft（草稿，不发布），实际为“hidden”",
        "content/pages/c.md:1: Slug: Slug“apply”与 content/pages/apply.md:2 相同：每个页面的网址名必须唯一",
        "content/pages/c.md:1: Title: 缺少 Title（页面标题）：请在文件开头写一行 Title: 页面标题",
        "content/pages/c.md:2: 文件开头每行写一个“字段: 值”（英文冒号），例如 Title: 政府信息公开指南；字段写完后空一行再写正文",
        "content/pages/d.md:1: 文件开头每行写一个“字段: 值”（英文冒号），例如 Title: 政府信息公开指南；字段写完后空一行再写正文",
        "content/pages/d.md:1: Slug: 缺少 Slug（网址名）：请在文件开头写一行 Slug: 网址名（小写英文字母、数字和连字符，例如 guide）",
        "content/pages/d.md:1: Title: 缺少 Title（页面标题）：请在文件开头写一行 Title: 页面标题",
    ]


def test_personal_numbers_in_a_page_fail_validate_scan_and_build(built):
    page = ("Title: 政府信息公开指南（修订）\nSlug: guide-2025\n\n## 联系人\n\n王某，身份证110101199003071233，手机13812345678。\n"
            "李某，身份证&#49;10101199003071233，手机１３８ １２３４ ５６７８，\n证件 110101 19900307\n1233\n")
    out = attempt(built, {"content/pages/guide-2025.md": page}, scan=True)
    advice = "公开前请删除或脱敏（公开指南页面不能登记保密审查例外）"
    expected = [  # the same normalisation as items: entities, full-width digits, groups across a line break
        f"content/pages/guide-2025.md:6: 正文: 疑似居民身份证号码“1101**********1233”：{advice}",
        f"content/pages/guide-2025.md:6: 正文: 疑似手机号码“138****5678”：{advice}",
        f"content/pages/guide-2025.md:7: 正文: 疑似居民身份证号码“1101**********1233”：{advice}",
        f"content/pages/guide-2025.md:7: 正文: 疑似手机号码“138****5678”：{advice}",
        f"content/pages/guide-2025.md:8: 正文: 疑似居民身份证号码“1101**********1233”：{advice}"]
    assert problem_lines(out["validate"]) == expected
    assert problem_lines(out["scan"]) == expected
    assert problem_lines(out["build"]) == expected


def test_symlinks_out_of_content_are_refused(built):
    outside = (built / "outside").resolve()
    links = {"content/items/社会救助/外部事项.md": str(outside / "item.md"),
             "content/pages/外部页面.md": str(outside / "page.md"),
             "content/items/外部文件夹": str(outside),
             "content/attachments/外部.pdf": str(outside / "secret.pdf")}
    item = (MINIMAL.replace("2024-00001", "2024-00078")
            .replace("发布日期: 2024-03-05", "发布日期: 2024-03-05\n附件:\n  - 名称: 外部\n    文件: attachments/外部.pdf"))
    out = attempt(built, {"content/items/社会救助/带附件.md": item}, links)
    refused = "是指向 content/ 以外的符号链接（{}）：不会读取，也不会发布。请把文件本身放进 content/，不要用符号链接"
    assert problem_lines(out["validate"]) == [
        "content/items/外部文件夹: 这个文件夹是符号链接：其中的文件不会读取。请把文件本身放进 content/，不要用符号链接",
        f"content/items/社会救助/外部事项.md: 这个文件{refused.format(outside / 'item.md')}",
        f"content/items/社会救助/带附件.md:22: 附件 第 1 项的文件: “attachments/外部.pdf”是指向 content/ 以外的符号链接"
        f"（{outside / 'secret.pdf'}）：只能发布 content/ 中的文件，请把文件本身放进 content/，不要用符号链接",
        f"content/pages/外部页面.md: 这个文件{refused.format(outside / 'page.md')}",
    ]


COMMENT = ("正文中有 HTML 注释（<!-- … -->）：注释虽然不显示在网页上，但正文原文会随数据下载（catalogue.json）"
           "和搜索索引公开。请删除注释；给审核人的说明请写在合并请求中")


def test_html_comments_in_bodies_are_refused_so_they_reach_no_download(built):
    hidden = "内部审核意见：王某家庭收入 > 低保标准，请勿外传"
    item = MINIMAL.replace("2024-00001", "2024-00079") + f"\n<!-- {hidden} -->\n\n多行注释：<!--\n{hidden}\n-->\n"
    page = f"Title: 指南\nSlug: guide-new\n\n正文<!-- {hidden} -->\n"
    out = attempt(built, {"content/items/社会救助/注释.md": item, "content/pages/guide-new.md": page})
    expected = [f"content/items/社会救助/注释.md:23: 正文: {COMMENT}", f"content/items/社会救助/注释.md:25: 正文: {COMMENT}",
                f"content/pages/guide-new.md:4: 正文: {COMMENT}"]
    assert problem_lines(out["validate"]) == expected
    assert problem_lines(out["build"]) == expected
    # The previous site is kept, and the hidden text is in none of its pages, JSON, CSV or search index.
    for path in (built / "output").rglob("*"):
        if path.is_file():
            assert "王某家庭收入".encode() not in path.read_bytes(), path


HIDDEN = ("正文中有网页代码 <{}>：其中的文字不显示在网页上，但正文原文会随数据下载（catalogue.json）"
          "和搜索索引公开。请删除它；正文只写要公开的文字、表格、链接和图片")


def test_script_and_style_text_in_bodies_is_refused_so_it_reaches_no_download(built):
    """The sanitiser drops <script>/<style> with their text, so the page hides it; the raw 正文 in
    catalogue.json and the search index would not."""
    hidden = "王某家庭收入超标请勿外传"
    item = MINIMAL.replace("2024-00001", "2024-00081") + (
        f"\n<script>var note = '{hidden}';</script>\n\n< STYLE>/* {hidden} */</style>\n"
        f"<textarea>{hidden}</textarea>\n")
    page = f"Title: 指南\nSlug: guide-hidden\n\n正文<template>{hidden}</template>\n"
    out = attempt(built, {"content/items/社会救助/隐藏.md": item, "content/pages/guide-hidden.md": page})
    where = "content/items/社会救助/隐藏.md"
    expected = [f"{where}:23: 正文: " + HIDDEN.format("script"), f"{where}:25: 正文: " + HIDDEN.format("style"),
                f"{where}:26: 正文: " + HIDDEN.format("textarea"), "content/pages/guide-hidden.md:4: 正文: " + HIDDEN.format("template")]
    assert problem_lines(out["validate"]) == expected
    assert problem_lines(out["build"]) == expected
    for path in (built / "output").rglob("*"):
        if path.is_file():
            assert hidden.encode() not in path.read_bytes(), path


REMOTE = "正文引用了其他网站的图片“{}”：本网站不从其他网站加载任何内容。请删除这张图片，或改为文字链接，例如 [图片说明](网址)"


def test_images_from_other_hosts_are_refused_links_are_not(built):
    item = MINIMAL.replace("2024-00001", "2024-00080") + (
        "\n[国务院网站](https://www.gov.cn/) 是链接，可以。\n"
        "![统计图](https://evil.example/a.png)\n"
        '<img src="//evil.example/b.png" alt="b">\n'
        "![参考][r]\n\n[r]: http://evil.example/c.png\n")
    page = "Title: 指南\nSlug: guide-img\n\n<IMG SRC='\\\\evil.example\\d.png'>\n"
    out = attempt(built, {"content/items/社会救助/外链图片.md": item, "content/pages/guide-img.md": page})
    where = "content/items/社会救助/外链图片.md"
    assert problem_lines(out["validate"]) == [
        f"{where}:24: 正文: " + REMOTE.format("https://evil.example/a.png"),
        f"{where}:25: 正文: " + REMOTE.format("//evil.example/b.png"),
        f"{where}:28: 正文: " + REMOTE.format("http://evil.example/c.png"),
        "content/pages/guide-img.md:4: 正文: " + REMOTE.format("\\\\evil.example\\d.png"),
    ]


def test_the_renderer_itself_drops_scripts_and_styles_with_their_text():
    """Defence in depth: validate refuses these bodies, and the renderer still never emits them."""
    rendered = BodyRenderer().render("前<script>alert(1)</script><style>p{}</style>后 <iframe src=x>框</iframe>")
    assert rendered.html == "<p>前后 框</p>"


def test_the_renderer_itself_drops_remote_images():
    """Even a body that skipped validate (the build renders every body) loads nothing from elsewhere."""
    rendered = BodyRenderer().render('![a](https://evil.example/a.png)<img src="/\\evil.example/b"> ![c](tu.png)')
    assert rendered.html == '<p><img alt="a"><img> <img alt="c" src="tu.png"></p>'
    assert rendered.remote_images == ["https://evil.example/a.png", "/\\evil.example/b"]
    assert [is_remote(u) for u in ("HTTPS://x", "ht\ttps://x", " //x", "data:image/png;base64,AA", "a/b.png", "/files/a.png")] == \
        [True, True, True, True, False, False]


def test_categories_and_units_with_only_internal_items_are_not_shown(built, tmp_path):
    site = tmp_path / "site"
    copy_built(built, site)
    with open(site / "schema/categories.yaml", "a", encoding="utf-8") as registry:
        registry.write("- 名称: 人事管理内部类\n  slug: renshi\n  二级事项:\n    - 名称: 考勤内部子类\n      slug: kaoqin\n"
                       "- 名称: 空的一级事项\n  slug: kong\n  二级事项:\n    - 名称: 空的二级事项\n      slug: kong-sub\n")
    with open(site / "schema/units.yaml", "a", encoding="utf-8") as registry:
        registry.write("- 名称: 示例县人事内部科\n  slug: renshike\n  审核人: [\"@rs-shenhe\"]\n")
    internal = (EXAMPLES / "internal_item.md").read_text(encoding="utf-8")
    internal = (internal.replace("一级事项: 社会救助", "一级事项: 人事管理内部类").replace("二级事项: 最低生活保障", "二级事项: 考勤内部子类")
                .replace("公开主体: 示例县民政局", "公开主体: 示例县人事内部科").replace("2024-00032", "2024-00081"))
    (site / "content/items/人事").mkdir()
    (site / "content/items/人事/考勤.md").write_text(internal, encoding="utf-8")
    # A 二级事项 whose only item is 内部, under a category that has public items.
    (site / "content/items/财政信息/2024 年/部门预算.md").unlink()
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    output = site / "output"
    for gone in ("category/renshi", "category/kong", "unit/renshike", "category/caizheng", "feeds/renshi.atom.xml",
                 "feeds/caizheng.atom.xml", "five/decision", "limit/long"):
        assert not (output / gone).exists(), gone
    for path in output.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for word in ("人事管理内部类", "考勤内部子类", "示例县人事内部科", "空的一级事项", "空的二级事项", "财政信息", "部门预决算",
                         "renshi", "caizheng", "kaoqin", "kong-sub", "/kong/"):
                assert word.encode() not in data, (word, path)
            if path.suffix == ".html":
                assert " 0 项" not in data.decode() and ">0 项" not in data.decode(), path


def test_control_and_bidi_characters_never_reach_the_site(built, tmp_path):
    """In an item's fields and body they are refused by validate (tests/test_limits.py); what
    validation does not judge character by character (here a 公开指南 Title) is scrubbed on output."""
    site = tmp_path / "site"
    copy_built(built, site)
    item = site / "content/items/社会救助/低保名单.md"
    original = item.read_text(encoding="utf-8")
    item.write_text(original.replace("事项名称: 城乡最低生活保障对象名单", '事项名称: "城乡\\u202e单名象对障保活生低最\\u202c"')
                    + "\n正文\x01中\x1b[31m的\u2066控制\u2069字符\x7f。\n", encoding="utf-8")
    refused = run_build(site)
    assert refused.returncode == 1 and "content/items/社会救助/低保名单.md:3: 事项名称: 第 3 个字处有文字方向控制符" in refused.stderr
    item.write_text(original, encoding="utf-8")
    page = site / "content/pages/guide.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Title: 政府信息公开指南", "Title: 政府\u202e信息\u202c公开指南"),
                    encoding="utf-8")
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    found = [p.relative_to(site / "output").as_posix() for p in (site / "output").rglob("*")
             if p.is_file() and UNSAFE.search(p.read_bytes().decode("utf-8", "replace"))]
    assert found == []
    assert "<h1>政府信息公开指南</h1>" in (site / "output/guide/index.html").read_text(encoding="utf-8")


def test_printable_and_template_finalize():
    assert printable("a\x00b\tc\nd\x1b\x7f\x85e\u202af\u202eg\u2066h\u2069i\u200dj") == "ab\tc\ndefghi\u200dj"
    assert finalize(3) == 3 and finalize("x\u202ey") == "xy"
    assert str(finalize(__import__("markupsafe").Markup("<b>\u202e</b>"))) == "<b></b>"


def test_every_top_level_output_entry_is_a_section_or_a_page(built):
    """SECTIONS (the addresses a page Slug may not take) must list all that the site writes."""
    pages = {"guide", "apply"}
    assert sorted(p.name for p in (built / "output").iterdir() if p.name not in pages and p.name not in SECTIONS) == []


@pytest.mark.parametrize("name", ["PAGE_PATHS", "STATIC_PATHS", "ARTICLE_PATHS"])
def test_pelican_may_not_read_content(name):
    with pytest.raises(SettingsError) as raised:
        resolve({name: ["pages"]})
    assert str(raised.value) == f"pelicanconf.py 设置有误：{name} 必须为 []：content/ 中的文件只由 gongkai 读取和发布"


def test_a_symlinked_pages_or_items_folder_is_not_read(mini_project, tmp_path):
    from gongkai.catalogue import load_catalogue
    from gongkai.settings import Paths

    elsewhere = tmp_path / "elsewhere"
    shutil.move(mini_project / "content/pages", elsewhere)
    (mini_project / "content/pages").symlink_to(elsewhere)
    catalogue, problems = load_catalogue(Paths.for_root(mini_project))[:2]
    refused = "这个文件是指向 content/ 以外的符号链接（{}）：不会读取，也不会发布。请把文件本身放进 content/，不要用符号链接"
    assert [str(p) for p in problems] == [f"content/pages/{name}: " + refused.format(elsewhere.resolve() / name)
                                          for name in ("apply.md", "guide.md")]
    assert catalogue.pages == []


def test_accept_judges_the_resolved_file(tmp_path):
    from gongkai.boundary import Boundary
    from gongkai.settings import Paths

    content = tmp_path / "content"
    (tmp_path / "schema").mkdir()
    shutil.copy2(REPO / "schema/item.schema.json", tmp_path / "schema/item.schema.json")
    accept = lambda written, _content: Boundary.of(Paths.for_root(tmp_path)).accept(written)  # noqa: E731
    (content / "attachments/sub").mkdir(parents=True)
    (content / "attachments/a.pdf").write_bytes(b"%PDF")
    (content / "items").mkdir()
    (content / "items/x.md").write_text("---\n", encoding="utf-8")
    (tmp_path / "secret.pdf").write_bytes(b"secret")
    (content / "attachments/inside.pdf").symlink_to(content / "attachments/a.pdf")
    (content / "attachments/out.pdf").symlink_to(tmp_path / "secret.pdf")
    (content / "attachments/md.pdf").symlink_to(content / "items/x.md")
    (content / "attachments/dir").symlink_to(tmp_path)
    verdicts = {written: accept(written, content)[1] for written in (
        "attachments/a.pdf", "/attachments/a.pdf", "attachments/sub/../a.pdf", "attachments/inside.pdf",
        "../secret.pdf", "attachments/out.pdf", "attachments/dir/secret.pdf", "attachments/md.pdf",
        "items/x.md", "attachments/sub", "attachments/none.pdf", "attachments/a.pdf\n", "a\x00.pdf")}
    out = "在 content/ 目录以外：附件和链接的文件必须放在 content/ 目录内，路径相对于 content/ 书写，不能用 .. 跳出 content/"
    link = "是指向 content/ 以外的符号链接（{}）：只能发布 content/ 中的文件，请把文件本身放进 content/，不要用符号链接"
    kinds = "不能发布：附件和链接的文件只能是 pdf、ofd、doc、docx、xls、xlsx、wps、jpg、png 格式"
    secret = (tmp_path / "secret.pdf").resolve()
    assert verdicts == {
        "attachments/a.pdf": None, "/attachments/a.pdf": None, "attachments/sub/../a.pdf": None,
        "attachments/inside.pdf": None,
        "../secret.pdf": f"“../secret.pdf”{out}",
        "attachments/out.pdf": f"“attachments/out.pdf”{link.format(secret)}",
        "attachments/dir/secret.pdf": f"“attachments/dir/secret.pdf”{link.format(secret)}",
        "attachments/md.pdf": f"“attachments/md.pdf”{kinds}",
        "items/x.md": f"“items/x.md”{kinds}",
        "attachments/sub": "content/attachments/sub 不是文件：请写出具体的文件名",
        "attachments/none.pdf": "找不到附件文件 content/attachments/none.pdf：请确认文件已提交，路径相对于 content/，大小写一致",
        "attachments/a.pdf\n": "找不到附件文件 content/attachments/a.pdf\n：请确认文件已提交，路径相对于 content/，大小写一致",
        "a\x00.pdf": "找不到附件文件 content/a\x00.pdf：请确认文件已提交，路径相对于 content/，大小写一致",
    }
    inside, _ = accept("attachments/inside.pdf", content)
    assert inside.source == (content / "attachments/a.pdf").resolve() and inside.url.startswith("files/")


def test_walking_the_items_folder_lists_what_rglob_lists_and_refuses_what_leads_out(tmp_path):
    """walk_sources (the fast walk of content/items/) against the slow rule it replaced:
    sorted(rglob("*")) with source_refusal for every entry."""
    from gongkai.boundary import source_refusal, walk_sources

    content, outside = tmp_path / "content", tmp_path / "outside"
    for name in ("items/社会救助/低保.md", "items/社会救助/低保/2024-一季度.md", "items/b/a.md",
                 "items/社会救助/低保/附件/表.pdf", "items/a.md"):
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text("x", encoding="utf-8")
    (outside / "sub").mkdir(parents=True)
    (outside / "sub/秘密.md").write_text("x", encoding="utf-8")
    (outside / "外部.md").write_text("x", encoding="utf-8")
    (content / "items/b/外部文件夹").symlink_to(outside / "sub")
    (content / "items/b/外部.md").symlink_to(outside / "外部.md")
    (content / "items/b/内部链接.md").symlink_to(content / "items/a.md")

    def slow(folder):
        return [(p, source_refusal(p, content), p.is_file()) for p in sorted(folder.rglob("*"))]

    walked = walk_sources(content / "items", content)
    assert walked == slow(content / "items")
    refused = {p.name: why for p, why, _file in walked if why}
    assert list(refused) == ["外部.md", "外部文件夹"]
    assert refused["外部文件夹"].startswith("这个文件夹是符号链接")
    assert not any("秘密" in str(p) for p, _why, _file in walked)  # a symlinked folder is never entered

    # items/ itself a symlink out of content/: every file in it is refused, as before.
    shutil.move(content / "items", tmp_path / "moved")
    (content / "items").symlink_to(tmp_path / "moved")
    walked = walk_sources(content / "items", content)
    assert walked == slow(content / "items")
    assert all(why for p, why, _file in walked if p.suffix == ".md")
