"""The text of an attachment, located as an editor finds it again: PDF page, Word paragraph or
table cell, spreadsheet sheet!cell, CSV row and column, text line.

Each format is read by its maintained library (pypdf, python-docx, openpyxl, xlrd); what no
library reads (images, a PDF page without a text layer, .doc/.wps/.ofd) is returned as
Unchecked, for a person to look at. The file type is judged by its bytes, not its name: an .xls
that is really a zip workbook (saved from WPS/Excel "as xlsx" but named .xls) is read as .xlsx,
a .docx named .doc as .docx.

An attachment is committed by an editor, so nothing in it may crash, hang or exhaust the
machine: the work is bounded (LIMITS: pages, cells, unpacked size, text), the libraries' own
limits are on (pypdf's stream decompression cap), and whatever a library raises on hostile
bytes becomes an Unchecked with a Chinese reason, never a traceback. The caller
(secrecy.attachments) also runs this in a worker process with a time and memory limit.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

# Every bound on the work one attachment may cause. Attachments are at most 20 MB already
# (catalogue.boundary.MAX_BYTES); these keep what 20 MB can unfold into in proportion.
LIMITS = {
    "pages": 2_000,                  # PDF pages read (a 20 MB report has a few hundred)
    "content_bytes": 300_000_000,    # PDF page content streams, decompressed, all pages together
    "unpacked_bytes": 300_000_000,   # members of a .docx/.xlsx zip (and of those embedded in it), as declared
    "members": 10_000,               # files inside a .docx/.xlsx zip
    "cells": 3_000_000,              # filled spreadsheet/CSV cells, all sheets together
    "grid": 30_000_000,              # spreadsheet cells walked, empty ones between filled ones included
    "chars": 60_000_000,             # characters of text extracted from one file
}
# A page (or a document) with fewer visible characters than this and an image on it has no real
# text layer: a scan, perhaps with a stamped page number. Its image is not read.
MIN_TEXT_LAYER = 20

IMAGE, DAMAGED, OVER_LIMIT, FORMAT = "图片", "文件损坏或加密", "超过检查上限", "格式"

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: .doc/.xls/.wps, or an encrypted .docx/.xlsx
PDF_MAGIC = b"%PDF-"
EXCEL_MAX_ROW = 1_048_576
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}
TEXT_SUFFIXES = {".csv", ".txt"}
# Formats no maintained Python library reads as text: a person checks them.
UNREADABLE_FORMATS = {
    ".doc": "旧版 Word（.doc）文件无法自动检查，请在 Word 或 WPS 中另存为 .docx 或 .pdf 后附上",
    ".wps": "WPS 文字（.wps）文件无法自动检查，请在 WPS 中另存为 .docx 或 .pdf 后附上",
    ".ofd": "OFD 文件无法自动检查（没有可用的 OFD 文字提取组件），请同时提供 PDF 版本，或人工确认",
    ".xls": "这个 .xls 文件无法自动检查，请在 Excel 或 WPS 中另存为 .xlsx 后附上",
}


@dataclass(frozen=True)
class Piece:
    """Text at one place in the file. `first_line` set: the text spans lines, numbered from it
    (a .txt file), and a finding is located by line."""

    where: str
    text: str
    first_line: int | None = None


@dataclass(frozen=True)
class Unchecked:
    """What could not be read: why (IMAGE, DAMAGED, OVER_LIMIT, FORMAT), where, and a sentence
    telling the editor what it is."""

    reason: str
    where: str
    detail: str
    label: str = ""  # the reason as the report names it, when not the reason itself (".doc 格式")


@dataclass
class Extracted:
    pieces: list
    unchecked: list
    units: int = 0  # pages, cells or lines read: for the report and the benchmark


class Refused(Exception):
    """The file cannot be read as a whole: `unchecked` says why."""

    def __init__(self, unchecked: Unchecked):
        super().__init__(unchecked.detail)
        self.unchecked = unchecked


def over_limit(detail: str) -> Refused:
    return Refused(Unchecked(OVER_LIMIT, "", detail))


def damaged(detail: str) -> Refused:
    return Refused(Unchecked(DAMAGED, "", detail))


class Budget:
    """Counts what a file has unfolded into against LIMITS; over a limit, the file is refused."""

    WHAT = {"pages": "超过 {limit:,} 页", "content_bytes": "页面内容解压后超过 {mb} MB", "unpacked_bytes": "解压后超过 {mb} MB",
            "cells": "有内容的单元格超过 {limit:,} 个", "grid": "表格范围超过 {limit:,} 个单元格",
            "chars": "文字超过 {limit:,} 个字符"}

    def __init__(self, limits: dict | None = None):
        self.limits = dict(LIMITS, **(limits or {}))
        self.used = dict.fromkeys(self.limits, 0)
        self.nested = False  # reading a workbook or document embedded in another: embeds no further

    def spend(self, what: str, amount: int) -> None:
        self.used[what] += amount
        limit = self.limits[what]
        if self.used[what] > limit:
            said = self.WHAT[what].format(limit=limit, mb=limit // 1_000_000)
            raise over_limit(f"{said}，超过自动检查的上限：请拆分成几个较小的文件后附上")


# ---------------------------------------------------------------- the entry point

def extract(path: Path, limits: dict | None = None) -> Extracted:
    """Every piece of text in the file, and what could not be read (see extract_bytes)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return Extracted([], [damaged(f"无法读取文件（{exc.strerror or type(exc).__name__}）").unchecked])
    return extract_bytes(data, Path(path).suffix.lower(), limits)


def extract_bytes(data: bytes, suffix: str, limits: dict | None = None) -> Extracted:
    """The text of a file's bytes, read as the file type `suffix` (".pdf") says and the bytes
    confirm. Never raises for what the file holds (damaged, encrypted, hostile): that becomes
    an Unchecked."""
    budget = Budget(limits)
    try:
        reader = _reader(suffix, data)
        if isinstance(reader, Unchecked):
            return Extracted([], [reader])
        return reader(data, budget)
    except Refused as exc:
        return Extracted([], [exc.unchecked])
    except (MemoryError, RecursionError):
        return Extracted([], [over_limit("读取时占用的内存或嵌套层数超过上限：请拆分成几个较小的文件后附上").unchecked])
    except Exception as exc:  # noqa: BLE001 - a library failing on hostile bytes: the file is unreadable, not the build
        return Extracted([], [_library_failure(exc)])


def _library_failure(exc: Exception) -> Unchecked:
    """pypdf's own decompression cap is a limit; anything else a library raises on these bytes means damaged."""
    if type(exc).__name__ == "LimitReachedError":
        return over_limit("其中的数据流解压后超过上限（可能是压缩炸弹）：请重新导出或拆分后附上").unchecked
    return damaged(f"文件无法打开，可能已损坏（{type(exc).__name__}）：请确认文件能正常打开后重新附上").unchecked


def _reader(suffix: str, data: bytes):
    """The reader for these bytes, or an Unchecked saying why there is none."""
    if suffix in IMAGE_SUFFIXES:
        return Unchecked(IMAGE, "", "图片中的文字无法自动检查")
    if suffix in TEXT_SUFFIXES:
        return read_csv if suffix == ".csv" else read_txt
    if suffix == ".pdf":
        return read_pdf if PDF_MAGIC in data[:1024] else damaged_reader("不是有效的 PDF 文件")
    if data.startswith(ZIP_MAGIC):
        return _zip_reader(suffix, data)
    if data.startswith(CFB_MAGIC):
        if suffix == ".xls":
            return read_xls
        if suffix in (".docx", ".xlsx"):
            return damaged_reader("文件设置了打开密码（或是改了扩展名的旧版 Office 文件），无法读取："
                                  "请取消密码、另存为 .docx/.xlsx 后重新附上")
    if suffix in UNREADABLE_FORMATS:
        return Unchecked(FORMAT, "", UNREADABLE_FORMATS[suffix], f"{suffix} 格式")
    return damaged_reader(f"不是有效的 {suffix.lstrip('.')} 文件（可能已损坏，或是改了扩展名的其他文件）")


def damaged_reader(detail: str):
    def read(_data, _budget):
        raise damaged(detail)
    return read


def _zip_reader(suffix: str, data: bytes):
    """A zip is read for what it holds: a Word document, a workbook, or (OFD, anything else) not at all."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        return damaged_reader("压缩结构损坏，无法打开")
    if "word/document.xml" in names:
        return read_docx
    if "xl/workbook.xml" in names:
        return read_xlsx
    if suffix in UNREADABLE_FORMATS:
        return Unchecked(FORMAT, "", UNREADABLE_FORMATS[suffix], f"{suffix} 格式")
    return damaged_reader("不是有效的 Word 或 Excel 文件（压缩包中没有文档内容）")


def _check_zip(data: bytes, budget: Budget) -> None:
    """Refuse a zip bomb before any library unpacks it. zipfile never yields more than a member's
    declared size (and fails the CRC if the data says otherwise), so the declared sizes bound the work."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise damaged("压缩结构损坏，无法打开") from exc
    if len(infos) > budget.limits["members"]:
        raise over_limit(f"压缩包中有 {len(infos):,} 个文件，超过自动检查的上限：文件可能已损坏，请重新保存后附上")
    # Counted across the file and what is embedded in it: a bomb may hide one level down.
    budget.spend("unpacked_bytes", sum(info.file_size for info in infos))
    if any(info.flag_bits & 0x1 for info in infos):
        raise damaged("文件设置了打开密码，无法读取：请取消密码后重新附上")


# ---------------------------------------------------------------- PDF (pypdf)

def read_pdf(data: bytes, budget: Budget) -> Extracted:
    """Each page's text layer; pages without one (scans) are Unchecked, listed together."""
    import pypdf
    from pypdf.errors import FileNotDecryptedError, WrongPasswordError

    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        # An empty user password (only editing restricted) opens for everyone; anything else is locked.
        try:
            opened = reader.decrypt("")
        except (FileNotDecryptedError, WrongPasswordError, NotImplementedError) as exc:
            raise damaged("文件设置了打开密码，无法读取：请取消密码后重新附上") from exc
        if not opened:
            raise damaged("文件设置了打开密码，无法读取：请取消密码后重新附上")
    count = len(reader.pages)
    budget.spend("pages", count)
    pieces, scanned = [], []
    for number, page in enumerate(reader.pages, start=1):
        contents = page.get_contents()
        budget.spend("content_bytes", len(contents.get_data()) if contents is not None else 0)
        text = page.extract_text() or ""
        budget.spend("chars", len(text))
        if _visible_chars(text) < MIN_TEXT_LAYER and _has_images(page):
            scanned.append(number)
        if text.strip():
            pieces.append(Piece(f"第 {number} 页", text))
    unchecked = [Unchecked(IMAGE, _pages(scanned, count), "没有文字层（扫描件或图片），其中的文字无法自动检查")] if scanned else []
    return Extracted(pieces + _form_fields(reader, budget), unchecked, count)


def _form_fields(reader, budget: Budget) -> list[Piece]:
    """What was typed into a fillable form (申请表): kept in the fields, not always in the page text."""
    fields = reader.get_form_text_fields() or {}
    pieces = []
    for name, value in fields.items():
        if isinstance(value, str) and value.strip():
            _spend_text(budget, value)
            pieces.append(Piece(f"表单字段“{name}”", value))
    return pieces


def _visible_chars(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def _has_images(page) -> bool:
    try:
        return len(page.images) > 0
    except Exception:  # noqa: BLE001 - an unreadable image entry is still an image nobody read
        return True


def _pages(numbers: list[int], count: int) -> str:
    """第 2、5–7 页 (or 全部 N 页): runs of consecutive pages written as ranges."""
    if len(numbers) == count:
        return f"全部 {count} 页"
    runs, start = [], numbers[0]
    for previous, number in zip(numbers, numbers[1:] + [None]):
        if number != previous + 1:
            runs.append(str(start) if start == previous else f"{start}–{previous}")
            start = number
    shown = "、".join(runs[:20]) + ("等" if len(runs) > 20 else "")
    return f"第 {shown} 页"


# ---------------------------------------------------------------- Word (python-docx)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TEXT_TAGS = {f"{{{W}}}t": None, f"{{{W}}}delText": None, f"{{{W}}}tab": "\t", f"{{{W}}}br": "\n",
              f"{{{W}}}cr": "\n"}
# Parts other than the body, named as Word names them. Deleted (tracked) text is read too: it is
# in the published file, whatever Word shows.
_OTHER_PARTS = ((re.compile(r"/word/header\d*\.xml"), "页眉"), (re.compile(r"/word/footer\d*\.xml"), "页脚"),
                (re.compile(r"/word/footnotes\.xml"), "脚注"), (re.compile(r"/word/endnotes\.xml"), "尾注"),
                (re.compile(r"/word/comments\.xml"), "批注"))


def read_docx(data: bytes, budget: Budget) -> Extracted:
    """Body paragraphs and table cells in order, then headers, footers, notes, comments and the
    document properties."""
    import docx
    from docx.oxml.parser import parse_xml

    _check_zip(data, budget)
    document = docx.Document(io.BytesIO(data))
    pieces = list(_body_pieces(document.element.body, budget))
    for part in document.part.package.iter_parts():
        name = next((label for pattern, label in _OTHER_PARTS if pattern.fullmatch(str(part.partname))), None)
        if name:
            text = "\n".join(_paragraph_text(p) for p in parse_xml(part.blob).iter(f"{{{W}}}p"))
            _spend_text(budget, text)
            pieces += [Piece(name, text)] if text.strip() else []
    props = document.core_properties
    about = "\n".join(filter(None, (props.title, props.subject, props.keywords, props.comments, props.author,
                                     props.last_modified_by, props.category)))
    pieces += [Piece("文档属性", about)] if about.strip() else []
    unchecked = []
    text_chars = sum(_visible_chars(p.text) for p in pieces)
    if text_chars < MIN_TEXT_LAYER and any(n.startswith("word/media/") for n in _zip_names(data)):
        unchecked.append(Unchecked(IMAGE, "", "文档中只有图片（扫描件或照片），其中的文字无法自动检查"))
    return _with_embedded(Extracted(pieces, unchecked, len(pieces)), data, budget)


# A workbook pasted into a Word document (or a document into a workbook) as an object is a whole
# file inside the file, published with it: read like an attachment of its own, one level deep.
EMBEDDED = re.compile(r"(?:word|xl)/embeddings/([^/]+\.(?:xlsx|xlsm|docx|docm))", re.IGNORECASE)


def _with_embedded(extracted: Extracted, data: bytes, budget: Budget) -> Extracted:
    if budget.nested:
        return extracted
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        embedded = [(m.group(1), archive.read(m.group(0))) for m in map(EMBEDDED.fullmatch, archive.namelist()) if m]
    budget.nested = True
    for name, inner in embedded:
        where = f"嵌入的“{name}”"
        try:
            reader = read_xlsx if name.lower().endswith(("xlsx", "xlsm")) else read_docx
            found = reader(inner, budget)
        except Refused as exc:
            found = Extracted([], [exc.unchecked])
        except (MemoryError, RecursionError):
            raise
        except Exception as exc:  # noqa: BLE001 - as in extract_bytes: hostile bytes, reported
            found = Extracted([], [_library_failure(exc)])
        extracted.pieces += [Piece(f"{where} {p.where}", p.text, p.first_line) for p in found.pieces]
        extracted.unchecked += [Unchecked(u.reason, f"{where} {u.where}".strip(), u.detail, u.label) for u in found.unchecked]
    budget.nested = False
    return extracted


def _zip_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()


def _body_pieces(body, budget: Budget):
    """第 N 段 for paragraphs, 表格 N 第 r 行第 c 列 for cells (content controls opened up)."""
    paragraphs = tables = 0
    for element in _blocks(body):
        if element.tag == f"{{{W}}}p":
            paragraphs += 1
            text = _paragraph_text(element)
            _spend_text(budget, text)
            if text.strip():
                yield Piece(f"第 {paragraphs} 段", text)
        elif element.tag == f"{{{W}}}tbl":
            tables += 1
            for r, row in enumerate(element.iterchildren(f"{{{W}}}tr"), start=1):
                for c, cell in enumerate(row.iterchildren(f"{{{W}}}tc"), start=1):
                    text = "\n".join(_paragraph_text(p) for p in cell.iter(f"{{{W}}}p"))
                    budget.spend("cells", 1)
                    _spend_text(budget, text)
                    if text.strip():
                        yield Piece(f"表格 {tables} 第 {r} 行第 {c} 列", text)


def _blocks(parent):
    for element in parent.iterchildren():
        if element.tag == f"{{{W}}}sdt":  # a content control: its paragraphs and tables count as the body's
            for content in element.iterchildren(f"{{{W}}}sdtContent"):
                yield from _blocks(content)
        else:
            yield element


def _paragraph_text(paragraph) -> str:
    """Runs, tabs and breaks of one paragraph, text boxes inside it included."""
    out = []
    for node in paragraph.iter(*_TEXT_TAGS):
        fixed = _TEXT_TAGS[node.tag]
        out.append(fixed if fixed is not None else (node.text or ""))
    return "".join(out)


def _spend_text(budget: Budget, text: str) -> None:
    budget.spend("chars", len(text))


# ---------------------------------------------------------------- spreadsheets (openpyxl, xlrd)

def read_xlsx(data: bytes, budget: Budget) -> Extracted:
    """Every sheet (hidden ones too), every filled cell's value as saved (formulas' results), as
    Sheet1!C7. Read-only streaming mode: a sheet is never held in memory whole."""
    import openpyxl

    _check_zip(data, budget)
    # A file object, not a name: openpyxl refuses a name ending in .xls even when the file is a workbook.
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    pieces = []
    try:
        for sheet in book.worksheets:
            pieces += _sheet_title(sheet.title)
            # The <dimension> a file declares can claim a million rows: walk the cells that exist.
            sheet.reset_dimensions()
            for number, row in enumerate(sheet.iter_rows(), start=1):
                if number > EXCEL_MAX_ROW:
                    raise damaged(f"工作表“{sheet.title}”的行号超出 Excel 的范围，文件可能已损坏：请重新保存后附上")
                budget.spend("grid", len(row) + 1)
                for cell in row:
                    value = getattr(cell, "value", None)
                    if value is None or value == "":
                        continue
                    budget.spend("cells", 1)
                    text = cell_text(value)
                    _spend_text(budget, text)
                    pieces.append(Piece(f"{_sheet_ref(sheet.title)}!{cell.coordinate}", text))
    finally:
        book.close()
    return _with_embedded(Extracted(pieces, [], budget.used["cells"]), data, budget)


def read_xls(data: bytes, budget: Budget) -> Extracted:
    """A real .xls (BIFF, Excel 97–2003) through xlrd: every sheet, every filled cell."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.biffh.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise damaged("文件设置了打开密码，无法读取：请取消密码后重新附上") from exc
        raise
    pieces = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            pieces += _sheet_title(sheet.name)
            for r in range(sheet.nrows):
                row = sheet.row(r)
                budget.spend("grid", len(row) + 1)
                for c, cell in enumerate(row):
                    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) or cell.value == "":
                        continue
                    budget.spend("cells", 1)
                    value = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode) \
                        if cell.ctype == xlrd.XL_CELL_DATE else cell.value
                    text = cell_text(value)
                    _spend_text(budget, text)
                    pieces.append(Piece(f"{_sheet_ref(sheet.name)}!{xlrd.cellname(r, c)}", text))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return Extracted(pieces, [], budget.used["cells"])


def _sheet_title(title: str) -> list[Piece]:
    return [Piece(f"工作表名称“{title}”", title)] if title else []


def _sheet_ref(title: str) -> str:
    """Sheet1, or 'My Sheet' quoted as Excel writes a name with spaces or punctuation."""
    return title if re.fullmatch(r"[\w.]+", title) else "'" + title.replace("'", "''") + "'"


def cell_text(value) -> str:
    """A cell as a reader sees it: whole numbers without .0 (an ID typed as a number), dates ISO."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------- CSV and plain text

def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GBK/GB18030 as Excel and WPS save on Windows."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise damaged("既不是 UTF-8 也不是 GBK 编码的文本：请另存为 UTF-8 后重新附上") from exc


def read_csv(data: bytes, budget: Budget) -> Extracted:
    """Each filled cell, as 第 7 行第 3 列（C7）: the row and column an editor sees in Excel."""
    from openpyxl.utils.cell import get_column_letter

    text = decode(data)
    _spend_text(budget, text)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    pieces = []
    try:
        for r, row in enumerate(reader, start=1):
            for c, value in enumerate(row, start=1):
                if value.strip():
                    budget.spend("cells", 1)
                    pieces.append(Piece(f"第 {r} 行第 {c} 列（{get_column_letter(min(c, 18278))}{r}）", value))
    except csv.Error as exc:
        raise damaged(f"第 {reader.line_num} 行无法按 CSV 读取（引号不成对或单元格过长）") from exc
    return Extracted(pieces, [], budget.used["cells"])


def read_txt(data: bytes, budget: Budget) -> Extracted:
    """The whole text, located by line (a number wrapped onto the next line is still found)."""
    text = decode(data)
    _spend_text(budget, text)
    return Extracted([Piece("", text, first_line=1)] if text.strip() else [], [], text.count("\n") + 1)
