"""公开信息 (documents under an item, issue 12): every editor mistake in a document file, located
and in Chinese (the broken files are tests/examples/documents/); and, on the example site built
once per session, per-document freshness, the document pages, 解读 links, 政策文件库, downloads,
the annual report's counts, and that nothing 内部 reaches the output."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import EXAMPLES, load, make_mini_project, run_invoke

from gongkai.freshness.audit import audit
from gongkai.report import derived
from gongkai.site import documents as site_documents

FOLDER = "content/items/社会救助/低保名单"   # the mini project's item 低保名单.md and its documents' folder
ITEM = f"{FOLDER}.md"
FIELDS = "标题、索引号、发布机构、文件类型、成文日期、发布日期、文号、有效性、失效日期、替代文件、解读对象、公开对象、关键词、附件、保密审查"

# Each broken file (copied into FOLDER) -> exactly what `invoke validate` says about it.
CASES = {
    "repeats_item_fields.md": [
        f"{FOLDER}/repeats_item_fields.md:4: 公开时限: “公开时限”由所属事项 {ITEM} 决定，公开信息文件中不重复填写：请删除这一行",
        f"{FOLDER}/repeats_item_fields.md:7: 公开主体: “公开主体”由所属事项 {ITEM} 决定，公开信息文件中不重复填写：请删除这一行"
        "（发文单位与公开主体不同时，写“发布机构”）"],
    "misspelt_key.md": [f"{FOLDER}/misspelt_key.md:4: 发布机关: 不是允许的字段，是不是“发布机构”？允许的字段有：{FIELDS}"],
    "interpretation_without_target.md": [
        f"{FOLDER}/interpretation_without_target.md:4: 解读对象: 文件类型为政策解读时必须写解读对象：被解读文件的索引号"],
    "unknown_target.md": [
        f"{FOLDER}/unknown_target.md:5: 解读对象: 索引号“11530000MB0123456X/2024-00110”不是本目录中的任何一篇公开信息："
        "请照抄那篇公开信息文件开头的索引号。"],
    # The document a 解读 names is refused for its own mistakes: they are said on its own file (all
    # of them at once, its syntax error too), not again as "no such document" on the 解读.
    "target_refused.md": [
        f"{FOLDER}/target_refused.md:2: 标题: 值以英文引号开头时，引号会被当作括住整个值的符号，结束的引号后面不能再有文字："
        "请改用中文引号“”（invoke fix --write 可自动修复）",
        f"{FOLDER}/target_refused.md:5: 发布日期: 日期应写成 2024-07-01（格式 YYYY-MM-DD），实际为文本“2024年7月1日”"
        "（invoke fix --write 可自动修复）"],
    "interprets_refused_target.md": [],
    "repealed_without_date.md": [
        f"{FOLDER}/repealed_without_date.md:7: 失效日期: 有效性为失效或废止时必须写失效日期：文件失效或被废止的日期，YYYY-MM-DD"],
    "end_date_while_valid.md": [
        f"{FOLDER}/end_date_while_valid.md:6: 失效日期: 文件有效时不能填写失效日期：如已失效或废止，请把有效性改为失效或废止，否则删除这一行"],
    "formed_after_published.md": [
        f"{FOLDER}/formed_after_published.md:4: 成文日期: 成文日期 2024-10-09 晚于发布日期 2024-10-03：文件应先成文、后发布，请核对两个日期"],
    "unregistered_publisher.md": [
        f"{FOLDER}/unregistered_publisher.md:4: 发布机构: “示例县民证局”没有登记在 schema/units.yaml。是不是“示例县民政局”？"
        "如确需新增，请先在登记表中添加"],
    "duplicate_index.md": [
        f"{FOLDER}/duplicate_index.md:3: 索引号: 索引号“11530000MB0123456X/2024-00001”与 {ITEM}:4 重复：每个事项的索引号必须唯一"
        "（公开信息的索引号也不能与任何事项或其他公开信息相同）"],
    "audience_not_internal.md": [
        f"{FOLDER}/audience_not_internal.md:4: 公开对象: 公开对象由所属事项决定，不用填写；只有这一篇不上网（内部公开）时才写"
        "“公开对象: 内部”，否则请删除这一行",
        f"{FOLDER}/audience_not_internal.md:6: 文件类型: 应为 规章、行政规范性文件、政策解读、其他 之一，实际为文本“通知”"],
    "item_in_document_folder.md": [
        f"{FOLDER}/item_in_document_folder.md:2: 事项名称: 这是一个公开事项（有“事项名称”），不能放在事项 {ITEM} 的公开信息文件夹中："
        "事项文件请移到 content/items/社会救助/ 下；如果这是一篇公开信息，请把“事项名称”改为“标题”，并删除所属事项已有的字段"],
    "secret_in_body.md": [
        f"{FOLDER}/secret_in_body.md:6: 正文: 疑似手机号码“138****5678”：公开前请删除或脱敏；确需公开的，请在 保密审查 中登记"
        "（内容照抄原文中的完整号码）并注明审核人"],
    "valid_document.md": [],
    "internal_secret.md": [],  # marked 内部: never published, so not scanned
}
# Documents in the wrong place: (where it is put, relative to content/items/) -> the message.
MISPLACED = {
    "社会救助/一季度名单.md": "content/items/社会救助/一季度名单.md:2: 标题: 这是一篇公开信息（有“标题”，没有“事项名称”），"
    "必须放在所属事项文件旁边、与事项文件同名的文件夹中：它和事项文件放在了一起：请移到所属事项的文件夹中，"
    f"例如事项 {ITEM} 的公开信息放在 {FOLDER}/ 中",
    "社会救助/低保名录/一季度名单.md": "content/items/社会救助/低保名录/一季度名单.md:2: 标题: 这是一篇公开信息（有“标题”，没有“事项名称”），"
    "必须放在所属事项文件旁边、与事项文件同名的文件夹中：它所在的文件夹“content/items/社会救助/低保名录/”旁边没有同名的事项文件"
    "“content/items/社会救助/低保名录.md”，是不是要放在“content/items/社会救助/低保名单/”中？（例如事项 content/items/社会救助/低保名单.md "
    "的公开信息放在文件夹 content/items/社会救助/低保名单/ 中）",
    "社会救助/低保名单/2024/一季度名单.md": f"content/items/社会救助/低保名单/2024/一季度名单.md: 公开信息文件必须直接放在事项的公开信息文件夹 "
    f"{FOLDER}/ 中，不能再分子文件夹：请移到 {FOLDER}/ 下",
}


@pytest.fixture(scope="module")
def validated(tmp_path_factory) -> list[str]:
    """`invoke validate` on a mini project holding every broken document at once: its lines."""
    root = make_mini_project(tmp_path_factory.mktemp("documents") / "project")
    items = root / "content" / "items"
    (items / "社会救助" / "低保名单").mkdir()
    for name in CASES:
        shutil.copy2(EXAMPLES / "documents" / name, items / "社会救助" / "低保名单" / name)
    for place in MISPLACED:
        (items / place).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(EXAMPLES / "documents" / "valid_document.md", items / place)
    result = run_invoke(root, "validate")
    assert result.returncode == 1
    return result.stdout.splitlines()


@pytest.mark.parametrize("name", CASES)
def test_every_mistake_in_a_document_file_gets_its_located_chinese_message(validated, name):
    assert [line for line in validated if line.startswith(f"{FOLDER}/{name}:")] == CASES[name]


@pytest.mark.parametrize("place", MISPLACED)
def test_a_misplaced_document_is_told_where_it_belongs(validated, place):
    assert [line for line in validated if line.startswith(f"content/items/{place}:")] == [MISPLACED[place]]


def test_a_reference_never_suggests_its_own_file_and_a_list_for_an_index_is_reported(tmp_path):
    """Alone in its folder, unknown_target.md's nearest 索引号 is its own: never suggested. A
    document whose 索引号 is a list is refused with its message (a set of the refused ones' 索引号
    crashed on it: unhashable list), and a 解读 naming one of its entries is not told it is unknown."""
    root = make_mini_project(tmp_path / "project")
    folder = root / "content/items/社会救助/低保名单"
    folder.mkdir()
    for name in ("unknown_target.md", "index_as_list.md"):
        shutil.copy2(EXAMPLES / "documents" / name, folder / name)
    reading = (EXAMPLES / "documents/unknown_target.md").read_text(encoding="utf-8")
    (folder / "reading.md").write_text(reading.replace("2024-00105", "2019-98765").replace("2024-00110", "2024-00131"),
                                       encoding="utf-8")  # names the refused one: said there, not here
    done = run_invoke(root, "validate")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout.splitlines() == [
        f"{FOLDER}/index_as_list.md:3: 索引号: 应为文本，实际写成了列表",
        f"{FOLDER}/unknown_target.md:5: 解读对象: 索引号“11530000MB0123456X/2024-00110”不是本目录中的任何一篇公开信息："
        "请照抄那篇公开信息文件开头的索引号。",
        "共发现 2 个问题，涉及 2 个文件。请逐条修改后再运行 invoke validate。"]


def test_the_item_names_its_duplicate_too_and_nothing_else_is_reported(validated):
    reported = {line.split(":", 1)[0] for line in validated if line.startswith("content/")}
    expected = {f"{FOLDER}/{n}" for n, lines in CASES.items() if lines} | {f"content/items/{p}" for p in MISPLACED} | {ITEM}
    assert reported == expected


# ---------------------------------------------------------------- the example site

QUARTERLY = "11539901MB0C10118F/2024-00001"      # 青松镇高龄津贴发放名单: 定期·季度, three documents
INSTANT = "11539901MB0A20035K/2025-00003"        # 高龄津贴新增对象公示: 即时, six public documents
LATE = "11539901MB0A20035K/2026-00006"           # its 第4批: published 15 working days after 成文日期
POLICY, READING = "11539901MB0A20035K/2024-00007", "11539901MB0A20035K/2024-00008"
REPEALED, REPLACEMENT = "11539901MB0A20035K/2019-00004", "11539901MB0A20035K/2024-00009"
INTERNAL = {"11539901MB0A20035K/2026-00008": "DOCCANARY-内部标记-7F3A",   # marked 内部 itself
            "11539901MB0A20035K/2026-00002": "DOCCANARY-内部事项-9B1C"}   # under an 内部 item


def slug(index_no: str) -> str:
    return index_no.replace("/", "-")


def page(output: Path, kind: str, index_no: str) -> str:
    return (output / kind / slug(index_no) / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def project(example_site):
    return load(example_site)


def test_a_periodic_item_with_three_quarterly_documents_is_fresh_and_lists_them(project, example_output):
    verdict = project.freshness[QUARTERLY]
    assert verdict.status is None and verdict.detail == "按季度更新：上次更新 2026-10-12，下次应于 2027-01-12 前更新"
    html = page(example_output, "items", QUARTERLY)
    shown = [html.index(f'docs/{slug(f"11539901MB0C10118F/2026-0000{n}")}/') for n in (3, 2, 1)]
    assert shown == sorted(shown)  # newest first
    assert "公开信息（3 篇）" in html and '<h3 id="docs-2026">2026 年</h3>' in html


def test_one_late_instant_document_is_the_only_late_finding(project, example_site, example_output):
    item = next(i for i in project.catalogue.items if i.index_no == INSTANT)
    findings = audit(project.catalogue.items + project.catalogue.documents, project.freshness)
    ours = [f.index_no for f in findings if f.index_no in {INSTANT} | {d.index_no for d in item.documents}]
    assert ours == [LATE]
    assert project.freshness[INSTANT].detail == "每篇公开信息分别核对是否按时公开：共 7 篇，其中 1 篇超期公开"
    printed = run_invoke(example_site, "audit").stdout
    assert (f"| {LATE} | 示例县2026年第4批高龄津贴新增对象公示 | 示例县民政局 | 超期公开 | 成文日期 2026-07-03，应在 5 个工作日内"
            "（2026-07-10 前）公开，实际 2026-07-24 发布，超期 10 个工作日 | content/items/养老服务/高龄津贴新增对象公示/2026年第4批.md:5 |"
            in printed.splitlines())
    # The count line counts documents in 篇, apart from the items (issue 12: it said 项 for both).
    assert ("共发现 5 项逾期或超期事项：逾期未更新 4 项，超期公开 1 项；1 篇逾期或超期公开信息：超期公开 1 篇。"
            in printed.splitlines())
    stats = (example_output / "stats" / "index.html").read_text(encoding="utf-8")
    flagged = stats[stats.index('id="s-flagged-docs"'):]
    assert "超期公开的公开信息（1 篇）" in flagged and f"docs/{slug(LATE)}/" in flagged
    listed = page(example_output, "items", INSTANT).split('id="h-docs"')[1].split("</section>")[0]
    assert listed.count('<span class="badge badge-alert">超期公开</span>') == 1  # on the late one's row only
    late_row = listed[listed.index(f"docs/{slug(LATE)}/"):]
    assert late_row.index("超期公开") < late_row.index("</li>")


def test_an_interpretation_and_its_policy_link_each_other(example_output):
    policy, reading = page(example_output, "docs", POLICY), page(example_output, "docs", READING)
    assert f'href="../../docs/{slug(READING)}/">《示例县困难失能老年人护理补贴发放办法》政策解读</a>' in policy
    assert f'本文是对<a href="../../docs/{slug(POLICY)}/">' in reading


def test_a_repealed_document_shows_it_on_its_page_and_in_the_policy_library(example_output):
    html = page(example_output, "docs", REPEALED)
    assert "<strong>本文件已废止（2024-12-01）。</strong>" in html and f"docs/{slug(REPLACEMENT)}/" in html
    library = (example_output / "policies" / "index.html").read_text(encoding="utf-8")
    row = library[library.index(f"docs/{slug(REPEALED)}/"):]
    assert row[:row.index("</tr>")].endswith('<strong class="badge badge-invalid">已废止</strong> 2024-12-01</td>')
    repealed = (example_output / "policies" / "validity" / "repealed" / "index.html").read_text(encoding="utf-8")
    assert f"docs/{slug(REPEALED)}/" in repealed and f"docs/{slug(POLICY)}/" not in repealed
    assert f"docs/{slug(READING)}/" not in library  # a 政策解读 is not a policy


def test_internal_documents_appear_nowhere_in_the_output(example_output):
    words = [w.encode() for index_no, canary in INTERNAL.items() for w in (canary, slug(index_no), index_no)]
    leaks = [(p, w.decode()) for p in example_output.rglob("*") if p.is_file() for w in words if w in p.read_bytes()]
    assert leaks == []


def test_document_downloads_are_public_and_spreadsheet_safe(project, example_output):
    rows = list(csv.reader(io.StringIO((example_output / "downloads" / "documents.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == site_documents.CSV_COLUMNS
    assert len(rows) - 1 == len(project.catalogue.public_documents) == 13
    data = json.loads((example_output / "downloads" / "documents.json").read_text(encoding="utf-8"))
    assert data["公开信息数"] == 13 and all(f["说明"] for f in data["字段"])
    repealed = next(r for r in data["公开信息"] if r["索引号"] == REPEALED)
    assert (repealed["有效性"], repealed["失效日期"], repealed["所属事项"]) == ("废止", "2024-12-01", "示例县民政局行政规范性文件")


def test_the_annual_report_counts_section_two_from_documents(project):
    counted = derived.counted_documents(project.catalogue)
    found = derived.basis(counted, 2024)["行政规范性文件"]
    assert {k: sorted(d.number for d in v) for k, v in found.items()} == {
        "本年制发件数": ["示民规〔2024〕2号", "示民规〔2024〕5号"],
        "本年废止件数": ["示政办发〔2022〕7号", "示民规〔2019〕3号"],   # an item without documents keeps the item rule
        "现行有效件数": ["示民规〔2024〕2号", "示民规〔2024〕5号"]}
    assert not [d for d in counted if d.source.startswith("content/items/政策文件/示例县民政局行政规范性文件.md")]
    assert derived.counting_rule(project.catalogue).startswith(derived.DOCUMENT_RULE + "；没有公开信息的事项，")


def test_a_long_stream_is_paginated_by_year():
    def doc(n, year):
        return SimpleNamespace(published=SimpleNamespace(year=year), index_no=f"X/{year}-{n:05d}")
    documents = [doc(n, 2025) for n in range(230, 0, -1)] + [doc(n, 2024) for n in range(40, 0, -1)]
    item = SimpleNamespace(index_no="X/2024-00001", public_documents=documents)
    listed = site_documents.item_documents(item)
    assert len(listed.shown) == site_documents.ON_ITEM_PAGE and listed.total == 270
    assert listed.years == [(2025, 230, "items/X-2024-00001/2025/"), (2024, 40, "items/X-2024-00001/2024/")]
    pages = site_documents.archive_pages(item)
    assert [(p.year, p.page, len(p.documents), p.url) for p in pages] == [
        (2025, 1, 100, "items/X-2024-00001/2025/"), (2025, 2, 100, "items/X-2024-00001/2025/2/"),
        (2025, 3, 30, "items/X-2024-00001/2025/3/"), (2024, 1, 40, "items/X-2024-00001/2024/")]


def test_search_finds_documents_with_their_item_and_never_an_internal_one(project):
    from gongkai.search.export import record
    from gongkai.search.find import search

    found = search(project, "示民规〔2024〕5号").items
    assert found[0].index_no == REPLACEMENT  # the exact 文号 first
    assert record(found[0], project.freshness)[2] == "规范性文件 › 示例县民政局行政规范性文件"
    assert [e.index_no for e in search(project, "青松镇高龄津贴发放名单").items][:4] == [
        QUARTERLY, "11539901MB0C10118F/2026-00003", "11539901MB0C10118F/2026-00002", "11539901MB0C10118F/2026-00001"]
    for index_no, canary in INTERNAL.items():
        for query in (index_no, canary):
            outcome = search(project, query)
            # Nothing matches the whole query; partial matches (other words) never include it.
            assert outcome.partial or outcome.items == []
            assert index_no not in [e.index_no for e in outcome.items]


# ---------------------------------------------------------------- the review report

def doc_text(title: str, index_no: str, extra: str = "") -> str:
    return f"---\n标题: {title}\n索引号: {index_no}\n文件类型: 行政规范性文件\n发布日期: 2024-04-03\n{extra}---\n正文。\n"


def test_the_review_reports_documents_field_by_field_and_flags_validity_and_moves(tmp_path):
    import os
    import subprocess

    from gongkai_tools.review import review

    def git(*args):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                       env=dict(os.environ, GIT_AUTHOR_DATE="2024-06-01T10:00:00+08:00",
                                GIT_COMMITTER_DATE="2024-06-01T10:00:00+08:00"))

    root = make_mini_project(tmp_path / "project")
    budget = root / "content/items/财政信息/2024 年/部门预算"
    folder = root / FOLDER
    folder.mkdir()
    budget.mkdir()
    for name, title, n in (("a", "审核办法", 101), ("b", "资金管理办法", 102), ("c", "公示", 103)):
        (folder / f"{name}.md").write_text(doc_text(title, f"11530000MB0123456X/2024-00{n}"), encoding="utf-8")
    git("init", "-q", "-b", "main")
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "base")
    (folder / "a.md").write_text(doc_text("审核办法", "11530000MB0123456X/2024-00101", "有效性: 废止\n失效日期: 2024-06-01\n"),
                                 encoding="utf-8")
    (folder / "b.md").rename(budget / "b.md")
    (folder / "c.md").unlink()
    (folder / "d.md").write_text(doc_text("新办法", "11530000MB0123456X/2024-00104"), encoding="utf-8")
    lines = review(root, "main").split("\n")
    a, b = "11530000MB0123456X/2024-00101", "11530000MB0123456X/2024-00102"
    assert (f"- **有效性变更** 《审核办法》（索引号 {a}，文件 `{FOLDER}/a.md`）：有效 → 废止，失效日期 2024-06-01") in lines
    assert (f"- **公开信息移到其他事项** 《资金管理办法》（索引号 {b}，文件 `content/items/财政信息/2024 年/部门预算/b.md`）："
            f"所属事项 `{ITEM}` → `content/items/财政信息/2024 年/部门预算.md`，公开时限、渠道和主题分类随之改变") in lines
    assert (f"- **删除公开信息** 《公示》（索引号 11530000MB0123456X/2024-00103，文件 `{FOLDER}/c.md`）："
            "网页 docs/11530000MB0123456X-2024-00103/ 将从网站上消失") in lines
    assert "公开信息：新增 1、修改 1、移动 1、删除 1 篇。" in lines
    changed = lines[lines.index("### 修改公开信息（1）"):]
    assert "- 有效性：（无） → 废止" in changed and "- 失效日期：（无） → 2024-06-01" in changed
    added = lines[lines.index("### 新增公开信息（1）"):]
    assert f"- 文件：`{FOLDER}/d.md`" in added and "- 文件类型：行政规范性文件" in added
    assert lines.index("### 新增公开信息（1）") > lines.index(next(x for x in lines if x.startswith("## ⚠")))


# ---------------------------------------------------------------- invoke new --document

def test_new_document_asks_for_its_item_and_never_reuses_a_deleted_index(tmp_path):
    import subprocess

    root = make_mini_project(tmp_path / "project")
    folder = root / FOLDER
    folder.mkdir()
    (folder / "old.md").write_text(doc_text("旧名单", "11530000MB0123456X/2025-00007"), encoding="utf-8")
    for args in (("init", "-q"), ("add", "-A"), ("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "b")):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    (folder / "old.md").unlink()  # published once, then deleted: its number stays taken
    answers = "低保\n11530000MB0123456X/2024-00001\n2025年第一季度城乡低保对象名单\n\n"
    result = run_invoke(root, "new", "--document", "--date", "2025-04-03", input=answers)
    assert result.returncode == 0, result.stdout + result.stderr
    shown = result.stdout.splitlines()
    assert shown[1:3] == ["  1. 城乡最低生活保障对象名单（11530000MB0123456X/2024-00001，社会救助 › 最低生活保障）",
                          "  2. 示例县财政局2024年部门预算（11530000MB0765432Y/2024-00003，财政信息 › 部门预决算）"]
    assert "没有找到“低保”，请输入 1–2 之间的编号、索引号或完整的事项名称" in shown[3]
    written = folder / "2025年第一季度城乡低保对象名单.md"
    text = written.read_text(encoding="utf-8")
    assert "索引号: 11530000MB0123456X/2025-00008\n" in text and "标题: 2025年第一季度城乡低保对象名单\n" in text
    # The publish gate (issue 11): the body's placeholder is refused until the editor writes it.
    refused = run_invoke(root, "validate")
    shown_path = written.relative_to(root).as_posix()
    assert refused.returncode == 1 and refused.stdout.splitlines()[0] == (
        f"{shown_path}:{text.split(chr(10)).index('待填写：正文') + 1}: 正文: 还是占位文字“待填写：正文”（invoke new 写下的提示）："
        "请改写为实际内容，否则不能发布")
    written.write_text(text.replace("待填写：正文", "按乡镇分列的名单。"), encoding="utf-8")
    assert run_invoke(root, "validate").returncode == 0


def test_a_document_attachment_is_published_through_the_boundary(example_output):
    html = page(example_output, "docs", REPLACEMENT)
    link = html.split('<ul class="attachments"><li><a href="../../', 1)[1].split('"', 1)[0]
    assert link.startswith("files/") and link.endswith(".pdf") and (example_output / link).is_file()
    assert "示例县城乡最低生活保障标准（附表）</a>" in html


def test_home_feeds_and_sitemap_carry_public_documents(example_output):
    home = (example_output / "index.html").read_text(encoding="utf-8")
    latest = home.split('id="h-latest"', 1)[1].split("</section>", 1)[0]
    assert latest.index(f"docs/{slug('11539901MB0C10118F/2026-00003')}/") < latest.index(f"docs/{slug('11539901MB0A20035K/2026-00007')}/")
    assert 'href="./policies/">政策文件库：规章和行政规范性文件</a>' in latest
    feed = (example_output / "feeds" / "yanglao-fuwu.atom.xml").read_text(encoding="utf-8")
    assert f"docs/{slug(LATE)}/" in feed and "所属事项：高龄津贴新增对象公示" in feed
    sitemap = (example_output / "sitemap.xml").read_text(encoding="utf-8")
    assert f"docs/{slug(REPEALED)}/</loc><lastmod>2019-05-28</lastmod>" in sitemap and "policies/validity/repealed/</loc>" in sitemap


def test_documents_beside_an_item_file_that_is_never_read_are_reported(tmp_path):
    from gongkai.catalogue import load_catalogue
    from gongkai.settings import Paths

    root = make_mini_project(tmp_path / "project")
    folder = root / "content/items/社会救助"
    shutil.copy2(EXAMPLES / "minimal_item.md", folder / "readme.md")  # a name the catalogue skips
    (folder / "readme").mkdir()
    shutil.copy2(EXAMPLES / "documents" / "valid_document.md", folder / "readme" / "a.md")
    catalogue, problems = load_catalogue(Paths.for_root(root))[:2]
    assert [str(p) for p in problems] == [
        "content/items/社会救助/readme/a.md: 所在文件夹旁边的 content/items/社会救助/readme.md 不是会发布的事项文件"
        "（文件名以“.”或“~$”开头，或为 readme.md 等），这篇公开信息不会发布：请把事项文件改为普通的名称，文件夹也改为同名"]
    assert catalogue.public_documents == []


def test_a_document_page_is_reused_only_while_everything_it_shows_is_unchanged(project):
    from gongkai.site.pages import PageSpec, SiteData, page_key

    site = SiteData.build(project.catalogue, "示例", project.build_date, project.freshness, project.vocabulary,
                          project.document_schema)
    reuse = SimpleNamespace(key=lambda *parts: repr(parts))
    repealed = site.public_document(REPEALED)
    spec = PageSpec(repealed.save_as, "document", {"document": repealed})
    key = lambda: page_key(reuse, spec, project.freshness, lambda d: [], [], site)  # noqa: E731
    before = key()
    replacement, item = site.public_document(REPLACEMENT), repealed.item
    saved = replacement.meta, item.meta
    try:
        assert key() == before
        replacement.meta = dict(replacement.meta, 标题="改过的标题")  # shown on the repealed one's page
        assert key() != before
        replacement.meta = saved[0]
        item.meta = dict(item.meta, 事项名称="改过的事项名称")  # its breadcrumbs
        assert key() != before
    finally:
        replacement.meta, item.meta = saved


def test_the_document_schema_speaks_chinese_on_every_field():
    schema = json.loads((Path(__file__).resolve().parents[1] / "schema" / "document.schema.json").read_text(encoding="utf-8"))
    private = {"保密审查"}  # review bookkeeping: never published, so no public description
    for key, spec in schema["properties"].items():
        assert spec.get("title") and spec.get("description"), key
        assert key in private or spec.get("x-public-description"), key
    inherited = set(json.loads((Path(__file__).resolve().parents[1] / "schema" / "item.schema.json")
                               .read_text(encoding="utf-8"))["properties"]) - set(schema["properties"])
    from gongkai.catalogue import INHERITED
    assert set(INHERITED) <= inherited  # a field the item decides is never also a document's own


def test_the_policy_library_combines_its_filters_in_the_url(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(site_url + "/policies/?validity=valid&year=2024")
    visible = "() => Array.from(document.querySelectorAll('#policy-table tbody tr')).filter(r => !r.hidden).length"
    assert page.evaluate(visible) == 2 and page.text_content("#policy-count") == "2"
    page.select_option("select[name=validity]", "repealed")
    assert page.evaluate(visible) == 0 and page.url.endswith("/policies/?validity=repealed&year=2024")
    page.select_option("select[name=year]", "")
    assert page.evaluate(visible) == 1 and page.url.endswith("/policies/?validity=repealed")
    context.close()
    plain = browser.new_context(java_script_enabled=False).new_page()
    plain.goto(site_url + "/policies/?validity=repealed")
    assert plain.is_hidden("#policy-tools") and plain.locator("#policy-table tbody tr").count() == 3
    plain.context.close()


def test_the_example_archive_of_three_hundred_notices_builds_into_year_pages(tmp_path):
    """The example's 公示公告 stream (issue 12 item 8) as committed: 300 notices of 2017–2024
    beside the current ones. The item page stays light (its newest 20, then one link per year);
    each year has its own archive page, newest first; every notice has its page."""
    from conftest import copy_project, run_build

    root = copy_project(tmp_path / "archive", archive=True)
    folder = root / "content/items/养老服务/高龄津贴新增对象公示"
    assert len([p for p in folder.glob("20*批.md") if p.name < "2025"]) == 300
    assert run_build(root).returncode == 0
    out = root / "output"
    item = f"items/{slug(INSTANT)}/"
    page = (out / item / "index.html").read_text(encoding="utf-8")
    assert f"这里显示最新 {site_documents.ON_ITEM_PAGE} 篇，更早的请按年份查看。" in page
    assert [f"{year} 年（40 篇）" in page for year in range(2018, 2025)] == [True] * 7
    # The newest 20: the six of 2025–2026, then 2024's batches 40 back to 27.
    assert "2017 年（20 篇）" in page and "示例县2024年第27批" in page and "示例县2024年第26批" not in page
    year_2024 = (out / item / "2024/index.html").read_text(encoding="utf-8")
    assert "示例县2024年第40批高龄津贴新增对象公示" in year_2024 and "示例县2024年第1批高龄津贴新增对象公示" in year_2024
    assert year_2024.index("第40批") < year_2024.index("第1批高龄")  # newest first
    assert len(list((out / "docs").glob("*/index.html"))) >= 300 + 13
