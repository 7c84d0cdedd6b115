"""保密审查 of attachment contents: each format read and located, unreadable files reported for a
person, hostile files bounded, results cached by content, acknowledgements, and the whole path
through `invoke scan`, `invoke validate` and the build.

The fixture files are written by tests/fixtures/attachments/make_fixtures.py (numbers planted there).
"""
from __future__ import annotations

import io
import math
import os
import shutil
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import REPO, copy_project, load, make_mini_project, run_build, run_invoke
from test_build import snapshot

from gongkai.frontmatter import parse_text
from gongkai.model import Item
from gongkai.secrecy import attachments as att
from gongkai.secrecy import extract as ex
from gongkai.secrecy.isolate import CRASHED, FAILED, MEMORY, OK, TIMEOUT, run_isolated
from gongkai.secrecy.scan import UNCHECKED, scan_item
from gongkai_tools.scan import scan_project

FIXTURES = REPO / "tests" / "fixtures" / "attachments"
NUMBER = "公开前请删除或脱敏后重新附上；确需公开的，请在附上它的事项的 保密审查 中登记（内容照抄完整号码）并注明审核人"
MARKED = "涉密、内部或不予公开的信息不得上网公开，请删除后重新附上；确属误报的，请在附上它的事项的 保密审查 中登记并注明审核人"
CONFIRM = ("请打开文件人工确认不含身份证号码、手机号码、银行卡号等个人信息和密级标识；确认可以公开的，由审核人在附上它的事项的"
           " 保密审查 中登记：内容 \"{}\"，类型 无法检查的附件（文件改动后需重新确认）")


def found(name: str) -> list[tuple]:
    scan = att.scan_file(str(FIXTURES / name))
    return [(h.where, h.line, h.kind, h.shown, h.label) for h in scan.hits] + \
        [(u.where, u.reason, u.detail) for u in scan.unchecked]


# ---------------------------------------------------------------- each format, caught and located

def test_pdf_with_a_text_layer_is_read_page_by_page():
    assert found("低保名单.pdf") == [("第 2 页", None, "居民身份证号码", "1101**********1233", ""),
                                    ("第 2 页", None, "手机号码", "138****5678", "")]


def test_docx_table_cells_and_the_header_are_read():
    assert found("临时救助名单.docx") == [
        ("表格 1 第 2 行第 3 列", None, "居民身份证号码", "4401**********0017", ""),
        ("表格 1 第 2 行第 4 列", None, "银行卡号", "6222 **** **** *** 5679", ""),
        ("页眉", None, "密级标识", "内部资料", "")]


def test_xlsx_every_sheet_by_cell_numbers_included():
    """The data is on the second sheet; the mobile is stored as a number, not text."""
    assert found("高龄津贴名单.xlsx") == [("名单!C7", None, "居民身份证号码", "5329**********1231", ""),
                                       ("名单!D7", None, "手机号码", "139****5678", "")]


def test_xls_that_is_really_an_xlsx_is_read_as_one():
    assert (FIXTURES / "高龄津贴名单（另存）.xls").read_bytes()[:4] == b"PK\x03\x04"
    assert found("高龄津贴名单（另存）.xls") == [("Sheet2!C7", None, "居民身份证号码", "5329**********1231", ""),
                                           ("Sheet2!D7", None, "手机号码", "139****5678", "")]


def test_a_real_xls_workbook_is_read_with_xlrd():
    assert (FIXTURES / "银行卡名单.xls").read_bytes()[:8] == ex.CFB_MAGIC
    assert found("银行卡名单.xls") == [("名单!B3", None, "银行卡号", "6217 **** **** *** 7891", "")]


def test_gbk_csv_by_row_and_column():
    (FIXTURES / "公益岗位名单.csv").read_bytes().decode("gbk")  # really GBK, not UTF-8
    assert found("公益岗位名单.csv") == [("第 3 行第 2 列（B3）", None, "居民身份证号码", "1101**********1233", ""),
                                       ("第 3 行第 3 列（C3）", None, "手机号码", "158****1111", "")]


def test_txt_by_line_and_a_number_wrapped_over_two_lines_is_one_number():
    assert found("公益岗位公示.txt") == [("", 4, "手机号码", "139****5678", ""),
                                       ("", 6, "居民身份证号码", "5329**********1231", "")]


def test_what_was_typed_into_a_pdf_form_is_read():
    """The filled-in value of a form field is not in the page text; it is published all the same."""
    assert found("申请表（已填写）.pdf") == [("表单字段“phone”", None, "手机号码", "158****1111", "")]


def with_embedded(name: str, inner: bytes) -> bytes:
    """The Word fixture with a workbook pasted in as an object (word/embeddings/)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO((FIXTURES / "临时救助名单.docx").read_bytes())) as original, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as edited:
        for info in original.infolist():
            edited.writestr(info, original.read(info))
        edited.writestr(f"word/embeddings/{name}", inner)
    return out.getvalue()


def test_a_workbook_embedded_in_a_word_document_is_read():
    data = with_embedded("Microsoft_Excel_Worksheet.xlsx", (FIXTURES / "高龄津贴名单.xlsx").read_bytes())
    hits = att.hits_in(ex.extract_bytes(data, ".docx").pieces)
    assert [(h.where, h.shown) for h in hits if h.where.startswith("嵌入")] == [
        ("嵌入的“Microsoft_Excel_Worksheet.xlsx” 名单!C7", "5329**********1231"),
        ("嵌入的“Microsoft_Excel_Worksheet.xlsx” 名单!D7", "139****5678")]


def test_a_zip_bomb_embedded_one_level_down_is_refused_and_the_rest_still_read():
    result = ex.extract_bytes(with_embedded("bomb.xlsx", zip_bomb(".xlsx", 301)), ".docx")
    assert [(u.reason, u.where, u.detail) for u in result.unchecked] == [
        (ex.OVER_LIMIT, "嵌入的“bomb.xlsx”", "解压后超过 300 MB，超过自动检查的上限：请拆分成几个较小的文件后附上")]
    assert "表格 1 第 2 行第 3 列" in [p.where for p in result.pieces]


def test_scanned_pages_and_images_are_left_to_a_person():
    assert found("救助审批表扫描件.pdf") == [("第 2–3 页", "图片", "没有文字层（扫描件或图片），其中的文字无法自动检查")]
    assert found("现场照片.png") == [("", "图片", "图片中的文字无法自动检查")]


def test_the_same_normalisation_as_bodies():
    """Full-width digits, grouping and entities in a cell are read as the item scan reads them."""
    pieces = [ex.Piece("A1", "１３８ １２３４ ５６７８"), ex.Piece("A2", "&#49;10101199003071233"),
              ex.Piece("A3", "110101-19900307-1233")]
    assert [(h.where, h.shown) for h in att.hits_in(pieces)] == [
        ("A1", "138****5678"), ("A2", "1101**********1233"), ("A3", "1101**********1233")]


def test_cells_are_never_joined_into_one_number():
    """Pieces are scanned in batches; a number split across two cells is not one number, and each
    hit goes back to its own cell, in batches of any size."""
    pieces = [ex.Piece("A1", "138"), ex.Piece("B1", "12345678"), ex.Piece("C1", "秘密"), ex.Piece("D1", "★")]
    assert att.hits_in(pieces) == []
    many = [ex.Piece(f"A{n}", "无号码的说明文字" * 50) for n in range(1, 2000)] + [ex.Piece("A2000", "13912345678")]
    assert [(h.where, h.shown) for h in att.hits_in(many)] == [("A2000", "139****5678")]


def test_pages_are_written_as_ranges():
    assert ex._pages([2, 3, 4, 7, 9, 10], 12) == "第 2–4、7、9–10 页"
    assert ex._pages([1, 2], 2) == "全部 2 页"


# ---------------------------------------------------------------- damaged, encrypted, hostile

DAMAGED_OPEN = "文件设置了打开密码，无法读取：请取消密码后重新附上"


def unchecked(data: bytes, suffix: str, limits: dict | None = None) -> list[tuple]:
    result = ex.extract_bytes(data, suffix, limits)
    assert result.pieces == []
    return [(u.reason, u.detail) for u in result.unchecked]


def test_password_protected_pdf():
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(FIXTURES / "低保名单.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert unchecked(out.getvalue(), ".pdf") == [(ex.DAMAGED, DAMAGED_OPEN)]


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_restricted_only_by_an_owner_password_is_read(algorithm):
    """An empty open password (printing or copying restricted, common on published PDFs) opens for
    everyone: it is scanned."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(FIXTURES / "低保名单.pdf"))
    writer.encrypt(user_password="", owner_password="owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    result = ex.extract_bytes(out.getvalue(), ".pdf")
    assert [p.where for p in result.pieces] == ["第 1 页", "第 2 页"] and result.unchecked == []


def test_damaged_files():
    pdf = (FIXTURES / "低保名单.pdf").read_bytes()
    docx = (FIXTURES / "临时救助名单.docx").read_bytes()
    assert unchecked(b"not a pdf at all", ".pdf") == [(ex.DAMAGED, "不是有效的 PDF 文件")]
    assert unchecked(pdf[:200], ".pdf")[0][0] == ex.DAMAGED
    assert unchecked(docx[:5000], ".docx") == [(ex.DAMAGED, "压缩结构损坏，无法打开")]
    assert unchecked(b"<html>saved as web page</html>", ".xlsx") == [
        (ex.DAMAGED, "不是有效的 xlsx 文件（可能已损坏，或是改了扩展名的其他文件）")]


def test_password_protected_office_files_are_ole_not_zip():
    """Word and Excel save an encrypted .docx/.xlsx as an OLE2 container."""
    assert unchecked(ex.CFB_MAGIC + bytes(504), ".xlsx") == [
        (ex.DAMAGED, "文件设置了打开密码（或是改了扩展名的旧版 Office 文件），无法读取：请取消密码、另存为 .docx/.xlsx 后重新附上")]
    assert unchecked(ex.CFB_MAGIC + bytes(504), ".xls")[0][0] == ex.DAMAGED


def test_formats_nobody_reads_are_left_to_a_person():
    assert unchecked(ex.CFB_MAGIC + bytes(504), ".doc") == [
        (ex.FORMAT, "旧版 Word（.doc）文件无法自动检查，请在 Word 或 WPS 中另存为 .docx 或 .pdf 后附上")]
    ofd = io.BytesIO()
    with zipfile.ZipFile(ofd, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD/>")
    assert unchecked(ofd.getvalue(), ".ofd") == [
        (ex.FORMAT, "OFD 文件无法自动检查（没有可用的 OFD 文字提取组件），请同时提供 PDF 版本，或人工确认")]


def test_a_docx_named_doc_is_read_as_docx():
    result = ex.extract_bytes((FIXTURES / "临时救助名单.docx").read_bytes(), ".doc")
    assert "表格 1 第 2 行第 3 列" in [p.where for p in result.pieces]


def zip_bomb(suffix: str, megabytes: int) -> bytes:
    """A real .docx/.xlsx with one extra member of zeros: a few hundred KB claiming `megabytes` MB."""
    source = FIXTURES / ("临时救助名单.docx" if suffix == ".docx" else "高龄津贴名单.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source.read_bytes())) as original, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in original.infolist():
            bomb.writestr(info, original.read(info))
        with bomb.open("customXml/padding.xml", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


def test_zip_bombs_are_refused_before_unpacking():
    data = zip_bomb(".docx", 301)
    assert len(data) < 2_000_000
    started = time.perf_counter()
    assert unchecked(data, ".docx") == [(ex.OVER_LIMIT, "解压后超过 300 MB，超过自动检查的上限：请拆分成几个较小的文件后附上")]
    assert time.perf_counter() - started < 5  # refused from the zip directory, nothing unpacked
    assert unchecked(zip_bomb(".xlsx", 301), ".xlsx")[0][0] == ex.OVER_LIMIT


def test_too_many_zip_members():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for n in range(12):
            archive.writestr(f"x/{n}", "")
    assert unchecked(out.getvalue(), ".docx", {"members": 10}) == [
        (ex.OVER_LIMIT, "压缩包中有 13 个文件，超过自动检查的上限：文件可能已损坏，请重新保存后附上")]


def pdf_bomb() -> bytes:
    """One page whose content stream inflates from about 80 KB to 80 MB of spaces."""
    stream = zlib.compress(b" " * 80_000_000, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_decompression_bomb_is_stopped_by_pypdfs_cap():
    data = pdf_bomb()
    assert len(data) < 200_000
    assert unchecked(data, ".pdf") == [
        (ex.OVER_LIMIT, "其中的数据流解压后超过上限（可能是压缩炸弹）：请重新导出或拆分后附上")]


def test_page_cell_and_text_budgets():
    pdf = (FIXTURES / "低保名单.pdf").read_bytes()
    assert unchecked(pdf, ".pdf", {"pages": 1}) == [
        (ex.OVER_LIMIT, "超过 1 页，超过自动检查的上限：请拆分成几个较小的文件后附上")]
    xlsx = (FIXTURES / "高龄津贴名单.xlsx").read_bytes()
    assert unchecked(xlsx, ".xlsx", {"cells": 10}) == [
        (ex.OVER_LIMIT, "有内容的单元格超过 10 个，超过自动检查的上限：请拆分成几个较小的文件后附上")]
    assert unchecked(b"a" * 100, ".txt", {"chars": 50}) == [
        (ex.OVER_LIMIT, "文字超过 50 个字符，超过自动检查的上限：请拆分成几个较小的文件后附上")]


def test_a_sheet_claiming_rows_beyond_excel_is_refused():
    source = io.BytesIO((FIXTURES / "高龄津贴名单.xlsx").read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as edited:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'r="A2"', b'r="A2000000"').replace(b'<row r="2"', b'<row r="2000000"')
            edited.writestr(info, data)
    assert unchecked(out.getvalue(), ".xlsx") == [
        (ex.DAMAGED, "工作表“说明”的行号超出 Excel 的范围，文件可能已损坏：请重新保存后附上")]


def test_undecodable_text():
    assert unchecked(b"\xff\xfe\x00\xd8\x00\xd8", ".csv") == [
        (ex.DAMAGED, "既不是 UTF-8 也不是 GBK 编码的文本：请另存为 UTF-8 后重新附上")]


# ---------------------------------------------------------------- worker processes

def test_a_job_over_its_time_limit_is_stopped_and_the_rest_go_on():
    started = time.perf_counter()
    outcomes = run_isolated(time.sleep, [0.1, 30, 0.1], time_limit=3, workers=2)
    assert [o.status for o in outcomes] == [OK, TIMEOUT, OK]
    assert time.perf_counter() - started < 20


def test_a_crashing_or_failing_job_takes_only_itself():
    outcomes = run_isolated(os._exit, [3], time_limit=30)
    assert [o.status for o in outcomes] == [CRASHED]
    outcomes = run_isolated(math.sqrt, [4, -1, 9], time_limit=30, workers=1)
    assert [(o.status, o.value) for o in outcomes] == [(OK, 2.0), (FAILED, "ValueError"), (OK, 3.0)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="address-space limit (RLIMIT_AS)")
def test_a_job_over_the_memory_limit_is_reported():
    outcomes = run_isolated(bytearray, [8, 3 * 1024 ** 3], time_limit=30, memory_limit=1024 ** 3, workers=1)
    assert [o.status for o in outcomes] == [OK, MEMORY]


def test_a_time_out_is_reported_and_never_cached(tmp_path, monkeypatch):
    monkeypatch.setattr(att, "run_isolated", lambda func, jobs, *a: [type("O", (), {"status": TIMEOUT})()] * len(jobs))
    file = tmp_path / "慢.pdf"
    file.write_bytes(b"%PDF-1.4 slow")
    result = att.scan_files([file], tmp_path / ".cache", tmp_path)[file]
    assert not result.cacheable
    assert [(u.reason, u.label, u.detail) for u in result.unchecked] == [
        (ex.OVER_LIMIT, "处理超时", f"处理超过 {att.TIME_LIMIT} 秒仍未完成：文件可能已损坏或过于复杂，请重新保存或拆分后附上")]
    assert att.cache.load(tmp_path / ".cache" / att.CACHE_NAME, "any", tmp_path) is None


# ---------------------------------------------------------------- cache by content

def test_results_are_cached_by_content(tmp_path, monkeypatch):
    files = []
    for name in ("低保名单.pdf", "高龄津贴名单.xlsx"):
        shutil.copy2(FIXTURES / name, tmp_path / name)
        files.append(tmp_path / name)
    first = att.scan_files(files, tmp_path / ".cache", tmp_path)
    calls = []
    real = att.run_isolated
    monkeypatch.setattr(att, "run_isolated", lambda func, jobs, *a: calls.append(list(jobs)) or real(func, jobs, *a))
    assert att.scan_files(files, tmp_path / ".cache", tmp_path) == first
    assert calls == [[]]  # nothing extracted again
    # Same name, new content (same size and mtime): read again, by content hash.
    stat = files[0].stat()
    files[0].write_bytes((FIXTURES / "低保名单.pdf").read_bytes().replace(b"(opensource)", b"(OPENSOURCE)"))
    os.utime(files[0], ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = att.scan_files(files, tmp_path / ".cache", tmp_path)
    assert calls[-1] == [str(files[0])]
    assert again[files[0]].sha256 != first[files[0]].sha256


def test_a_cache_file_not_signed_here_is_never_unpickled(tmp_path):
    """A committed .cache file (a pickle that would run code) fails the signature: re-extracted."""
    shutil.copy2(FIXTURES / "低保名单.pdf", tmp_path / "a.pdf")
    store = tmp_path / ".cache" / att.CACHE_NAME
    store.parent.mkdir()
    store.write_bytes(att.cache.MAGIC + bytes(32) + b"cos\nsystem\n(S'touch pwned'\ntR.")
    result = att.scan_files([tmp_path / "a.pdf"], tmp_path / ".cache", tmp_path)
    assert not (tmp_path / "pwned").exists()
    assert [h.where for h in result[tmp_path / "a.pdf"].hits] == ["第 2 页", "第 2 页"]


# ---------------------------------------------------------------- acknowledgements

ITEM = """---
事项名称: 低保名单
索引号: 11530000MB0123456X/2024-00001
一级事项: 社会救助
二级事项: 最低生活保障
公开内容: [名单]
公开依据: [《社会救助暂行办法》]
公开时限: {{类型: 长期}}
公开主体: 示例县民政局
公开渠道: [政府网站]
公开对象: 全社会
公开方式: 主动
发布日期: 2024-03-05
附件:
  - 名称: 名单
    文件: attachments/名单.pdf
{acks}---
"""
ACK = """  - 内容: "{content}"
    类型: {kind}
    审核人: "@mz-shenhe"
    日期: 2024-03-01
    说明: 审核确认
"""


def make_item(*acks: tuple[str, str]) -> Item:
    text = ITEM.format(acks=("保密审查:\n" + "".join(ACK.format(content=c, kind=k) for c, k in acks)) if acks else "")
    parsed = parse_text(text, "content/items/x.md")
    assert not parsed.problems, parsed.problems
    return Item("content/items/x.md", parsed.meta, parsed.body, parsed.lines, parsed.body_line)


def in_attachment(kind: str, value: str) -> att.Finding:
    return att.Finding("content/attachments/名单.pdf", None, "第 2 页", kind, "", "", value)


def test_an_items_entry_approves_the_same_number_in_its_attachment_and_nothing_else():
    item = make_item(("110101199003071233", "居民身份证号码"))
    assert scan_item(item, [in_attachment("居民身份证号码", "110101199003071233")]) == []
    stale = scan_item(item, [in_attachment("居民身份证号码", "440106198512120017")])
    assert [f.message for f in stale] == [
        "登记的居民身份证号码“1101**********1233”在本事项中已找不到：内容已删除或改动的，请同时删除这条登记（或按新的保密审查结果重新登记）"]


def test_without_the_attachments_findings_an_entry_is_not_called_stale():
    """The per-item check (cached per item file) cannot see the attachments: it leaves the verdict
    to the attachment check, except for an entry that names no whole number."""
    assert scan_item(make_item(("110101199003071233", "居民身份证号码"))) == []
    assert [f.kind for f in scan_item(make_item(("138****5678", "手机号码")))] == ["保密审查登记不完整"]


def test_an_unreadable_file_is_approved_by_its_path_and_fingerprint():
    named = "attachments/名单.pdf#0123456789abcdef"
    item = make_item((named, UNCHECKED))
    assert scan_item(item, [in_attachment(UNCHECKED, named)]) == []
    changed = scan_item(item, [in_attachment(UNCHECKED, "attachments/名单.pdf#fedcba9876543210")])
    assert [(f.line, f.field, f.message) for f in changed] == [(18, "保密审查 第 1 项的内容", (
        "登记的无法检查的附件“attachments/名单.pdf#0123456789abcdef”不是本事项现在的附件：附件已删除或文件已改动的"
        "（改动后的文件要重新人工确认），请删除这条登记，或按 invoke scan 的提示重新登记"))]


def test_an_unreadable_file_entry_without_a_fingerprint_is_reported():
    item = make_item(("attachments/名单.pdf", UNCHECKED))
    assert [(f.field, f.message) for f in scan_item(item)] == [("保密审查 第 1 项的内容", (
        "登记内容“attachments/名单.pdf”不是“附件路径#文件指纹”的形式，这条登记不起作用：请照抄 invoke scan 报告中给出的内容，"
        "例如 \"attachments/2024/窗口分布图.png#3f2a9c0b1d2e4f56\""))]


# ---------------------------------------------------------------- through invoke scan, validate and the build

ATTACHED = ["低保名单.pdf", "临时救助名单.docx", "高龄津贴名单.xlsx", "高龄津贴名单（另存）.xls", "银行卡名单.xls",
            "救助审批表扫描件.pdf", "现场照片.png"]
ITEM_FILE = "content/items/社会救助/低保名单.md"


def attach_fixtures(root: Path) -> None:
    """The mini project's 低保名单 item attaches every publishable fixture; the guide links one of them."""
    folder = root / "content" / "attachments" / "名单"
    folder.mkdir(parents=True)
    for name in ATTACHED:
        shutil.copy2(FIXTURES / name, folder / name)
    item = root / ITEM_FILE
    entries = "".join(f"  - 名称: {Path(n).stem}\n    文件: attachments/名单/{n}\n" for n in ATTACHED)
    item.write_text(item.read_text(encoding="utf-8").replace("发布日期: 2024-03-05\n", "发布日期: 2024-03-05\n附件:\n" + entries),
                    encoding="utf-8")
    guide = root / "content" / "pages" / "guide.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n[高龄津贴名单]({attach}../attachments/名单/高龄津贴名单.xlsx)\n",
                     encoding="utf-8")


def fingerprint(root: Path, name: str) -> str:
    import hashlib

    data = (root / "content" / "attachments" / "名单" / name).read_bytes()
    return f"attachments/名单/{name}#{hashlib.sha256(data).hexdigest()[:16]}"


def expected_lines(root: Path) -> list[str]:
    a, at = "content/attachments/名单/", f"。附于：{ITEM_FILE}:"
    both = f"。附于：{ITEM_FILE}:26、content/pages/guide.md:8"
    return [
        f"{a}临时救助名单.docx: 表格 1 第 2 行第 3 列: 疑似居民身份证号码“4401**********0017”：{NUMBER}{at}24",
        f"{a}临时救助名单.docx: 表格 1 第 2 行第 4 列: 疑似银行卡号“6222 **** **** *** 5679”：{NUMBER}{at}24",
        f"{a}临时救助名单.docx: 页眉: 疑似密级标识“内部资料”：{MARKED}{at}24",
        f"{a}低保名单.pdf: 第 2 页: 疑似居民身份证号码“1101**********1233”：{NUMBER}{at}22",
        f"{a}低保名单.pdf: 第 2 页: 疑似手机号码“138****5678”：{NUMBER}{at}22",
        f"{a}救助审批表扫描件.pdf: 第 2–3 页: 无法检查（图片）：没有文字层（扫描件或图片），其中的文字无法自动检查。"
        + CONFIRM.format(fingerprint(root, "救助审批表扫描件.pdf")) + f"{at}32",
        f"{a}现场照片.png: 无法检查（图片）：图片中的文字无法自动检查。" + CONFIRM.format(fingerprint(root, "现场照片.png")) + f"{at}34",
        f"{a}银行卡名单.xls: 名单!B3: 疑似银行卡号“6217 **** **** *** 7891”：{NUMBER}{at}30",
        f"{a}高龄津贴名单.xlsx: 名单!C7: 疑似居民身份证号码“5329**********1231”：{NUMBER}{both}",
        f"{a}高龄津贴名单.xlsx: 名单!D7: 疑似手机号码“139****5678”：{NUMBER}{both}",
        f"{a}高龄津贴名单（另存）.xls: Sheet2!C7: 疑似居民身份证号码“5329**********1231”：{NUMBER}{at}28",
        f"{a}高龄津贴名单（另存）.xls: Sheet2!D7: 疑似手机号码“139****5678”：{NUMBER}{at}28",
    ]


@pytest.fixture(scope="module")
def attached(tmp_path_factory) -> Path:
    """A built mini project (the previous site), then the fixtures attached."""
    root = make_mini_project(tmp_path_factory.mktemp("attachments") / "project")
    assert run_build(root).returncode == 0
    attach_fixtures(root)
    return root


def test_invoke_scan_reports_every_finding_located_with_the_item_that_attaches_it(attached):
    result = run_invoke(attached, "scan")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == expected_lines(attached) + [
        "保密审查：发现 12 处问题，涉及 7 个文件。疑似敏感内容必须删除或脱敏后才能公开；确需公开的，由审核人确认后在该事项的 保密审查 中登记。"]


def test_invoke_validate_and_the_build_stop_and_keep_the_previous_site(attached):
    validate = run_invoke(attached, "validate")
    assert validate.returncode == 1
    assert validate.stdout.splitlines() == expected_lines(attached) + [
        "共发现 12 个问题，涉及 7 个文件。请逐条修改后再运行 invoke validate。"]
    before = snapshot(attached / "output")
    build = run_build(attached)
    assert build.returncode == 1
    assert all(line in build.stderr for line in expected_lines(attached))
    assert "构建失败：目录有错误，未生成网站；上一次生成的 output/ 保持不变。" in build.stderr
    assert "Traceback" not in build.stdout + build.stderr
    assert snapshot(attached / "output") == before
    assert not any(p.suffix in (".docx", ".xlsx", ".xls", ".png") for p in (attached / "output" / "files").glob("*"))


def test_acknowledged_findings_pass_and_the_build_publishes_the_files(tmp_path):
    root = make_mini_project(tmp_path / "project")
    attach_fixtures(root)
    guide = root / "content" / "pages" / "guide.md"  # a page cannot acknowledge: the link goes
    guide.write_text(guide.read_text(encoding="utf-8").split("\n[高龄津贴名单]")[0] + "\n", encoding="utf-8")
    acks = [("440106198512120017", "居民身份证号码"), ("6222020200112345679", "银行卡号"), ("内部资料", "密级标识"),
            ("110101199003071233", "居民身份证号码"), ("13812345678", "手机号码"), ("6217000001234567891", "银行卡号"),
            ("532901197001011231", "居民身份证号码"), ("13912345678", "手机号码"),
            (fingerprint(root, "救助审批表扫描件.pdf"), UNCHECKED), (fingerprint(root, "现场照片.png"), UNCHECKED)]
    item = root / ITEM_FILE
    item.write_text(item.read_text(encoding="utf-8").replace("---\n按乡镇", "保密审查:\n" + "".join(
        ACK.format(content=c, kind=k) for c, k in acks) + "---\n按乡镇"), encoding="utf-8")
    scan = run_invoke(root, "scan")
    assert scan.stdout == "保密审查：未发现问题（已检查 2 个公开事项、2 个公开指南页面和 8 个附件，内部事项不上网，不检查）。\n"
    assert scan.returncode == 0
    build = run_build(root)
    assert build.returncode == 0, build.stderr
    published = sorted(p.suffix for p in (root / "output" / "files").glob("*"))
    assert published == [".docx", ".pdf", ".pdf", ".pdf", ".png", ".xls", ".xls", ".xlsx"]
    # The photo is replaced: the approval was for the old picture, so a person must look again.
    photo = root / "content" / "attachments" / "名单" / "现场照片.png"
    old = fingerprint(root, "现场照片.png")
    photo.write_bytes(photo.read_bytes() + b"\0")
    scan = run_invoke(root, "scan")
    lines = scan.stdout.splitlines()
    assert lines[0] == ("content/attachments/名单/现场照片.png: 无法检查（图片）：图片中的文字无法自动检查。"
                        + CONFIRM.format(fingerprint(root, "现场照片.png")) + f"。附于：{ITEM_FILE}:34")
    assert lines[1] == (f"{ITEM_FILE}:{_line_of(item, old)}: 保密审查 第 10 项的内容: 登记的无法检查的附件“{old}”不是本事项现在的附件："
                        "附件已删除或文件已改动的（改动后的文件要重新人工确认），请删除这条登记，或按 invoke scan 的提示重新登记")
    assert fingerprint(root, "现场照片.png") != old and len(lines) == 3 and scan.returncode == 1


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1) if text in line)


def test_a_file_only_a_guide_page_links_cannot_be_acknowledged(mini_project):
    folder = mini_project / "content" / "attachments"
    shutil.copy2(FIXTURES / "现场照片.png", folder / "照片.png")
    shutil.copy2(FIXTURES / "低保名单.pdf", folder / "名单.pdf")
    guide = mini_project / "content" / "pages" / "guide.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n![照片]({attach}../attachments/照片.png)\n"
                     "[名单]({attach}../attachments/名单.pdf)\n", encoding="utf-8")
    out = io.StringIO()
    assert scan_project(mini_project, out) == 1
    page_only = "公开前请删除或脱敏后重新附上（公开指南页面和年度报告不能登记保密审查例外）"
    assert out.getvalue().splitlines()[:3] == [
        f"content/attachments/名单.pdf: 第 2 页: 疑似居民身份证号码“1101**********1233”：{page_only}。附于：content/pages/guide.md:9",
        f"content/attachments/名单.pdf: 第 2 页: 疑似手机号码“138****5678”：{page_only}。附于：content/pages/guide.md:9",
        "content/attachments/照片.png: 无法检查（图片）：图片中的文字无法自动检查。公开指南页面和年度报告不能登记保密审查例外："
        "请改为附上能自动检查的文件（例如有文字层的 PDF、.docx、.xlsx）。附于：content/pages/guide.md:8"]


def test_a_file_a_published_annual_report_links_is_scanned(tmp_path):
    """Annual reports (content/reports/) publish their {attach} links too: scanned, not acknowledgeable."""
    root = copy_project(tmp_path / "project")
    shutil.copy2(FIXTURES / "高龄津贴名单.xlsx", root / "content" / "attachments" / "2025" / "统计表.xlsx")
    report = root / "content" / "reports" / "2025年政府信息公开工作年度报告.md"
    report.write_text(report.read_text(encoding="utf-8") + "\n[统计表]({attach}../attachments/2025/统计表.xlsx)\n",
                      encoding="utf-8")
    line = _line_of(report, "统计表.xlsx")
    result = run_invoke(root, "scan")
    page_only = "公开前请删除或脱敏后重新附上（公开指南页面和年度报告不能登记保密审查例外）"
    where = f"。附于：content/reports/2025年政府信息公开工作年度报告.md:{line}"
    assert result.stdout.splitlines()[:2] == [
        f"content/attachments/2025/统计表.xlsx: 名单!C7: 疑似居民身份证号码“5329**********1231”：{page_only}{where}",
        f"content/attachments/2025/统计表.xlsx: 名单!D7: 疑似手机号码“139****5678”：{page_only}{where}"]
    assert result.returncode == 1


def test_attachments_of_internal_items_and_draft_pages_are_not_scanned(mini_project):
    folder = mini_project / "content" / "attachments"
    shutil.copy2(FIXTURES / "低保名单.pdf", folder / "名单.pdf")
    item = mini_project / ITEM_FILE
    item.write_text(item.read_text(encoding="utf-8").replace("公开对象: 全社会", "公开对象: 内部").replace(
        "发布日期: 2024-03-05\n", "发布日期: 2024-03-05\n附件:\n  - 名称: 名单\n    文件: attachments/名单.pdf\n"),
        encoding="utf-8")
    draft = mini_project / "content" / "pages" / "draft.md"
    draft.write_text("Title: 草稿\nSlug: draft\nStatus: draft\n\n[名单]({attach}../attachments/名单.pdf)\n", encoding="utf-8")
    project = load(mini_project)
    assert project.problems == []
    assert att.attachment_problems(project.catalogue, project.paths, project.boundary, project.reports) == []


def test_the_example_catalogues_attachments_all_pass():
    """Every attachment of the committed example (nine on items, the Word 申请表 linked from the
    依申请公开指南) is read (PDF text layers, workbooks, DOCX) or, for the one picture,
    acknowledged by its fingerprint after a person looked at it."""
    project = load(REPO)
    assert project.problems == []
    problems, per_item, count = att.attachment_findings(project.catalogue, project.paths, project.boundary,
                                                        project.reports)
    assert count == 10 and problems == []
    in_files = [(item.source, f.kind, f.file) for item, findings in per_item.items() for f in findings]
    assert in_files == [("content/items/行政许可/政务服务中心窗口设置及办事时间.md", UNCHECKED,
                         "content/attachments/images/政务服务中心窗口分布图.png")]
