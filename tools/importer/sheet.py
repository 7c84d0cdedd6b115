"""Reading a catalogue table (.xlsx or .csv) into rows of text cells, whatever the file holds.

A table comes from outside the repository, so nothing in it may crash, hang or exhaust the
machine: a missing file, a folder, a password-protected or damaged workbook, a merged range
covering a million rows, formulas saved without their results — each becomes a Chinese message
(ImportTableError) or a reported cell, never a traceback. Workbooks are read as a stream (openpyxl
read-only mode), merged ranges are clipped to the cells that really exist, and the number of
cells kept is capped.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.errors import ImportTableError
from gongkai.table import as_written

MAX_COLUMNS = 200            # a catalogue has 10–40; anything further right is ignored (and said so)
MAX_CELLS = 6_000_000        # cells kept in memory (100,000 rows of 40 columns fit)
MAX_UNPACKED = 1_000_000_000  # bytes a workbook may unpack to (a few KB can claim gigabytes)
EXCEL_MAX_ROW = 1_048_576
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: an encrypted .xlsx, or a renamed .xls
ZIP_MAGIC = b"PK\x03\x04"
RESAVE = "请在 Excel 或 WPS 中打开后“另存为”.xlsx，再重新导入"


@dataclass
class Sheet:
    """One worksheet as text. Rows are 0-based lists (possibly ragged); `uncomputed` holds the
    (row, column) of formulas saved without their result; `ignored` counts filled cells beyond
    MAX_COLUMNS."""

    name: str
    rows: list = field(default_factory=list)
    uncomputed: set = field(default_factory=set)
    ignored: int = 0


def cell_text(value) -> str:
    """A cell value as the text an item gets: numbers without .0, dates ISO, CRLF as \\n, trimmed,
    and the ' our own CSV download puts before formula characters removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    text = as_written(value) if isinstance(value, str) else str(value)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of the file (a CSV has one)."""
    _check_file(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [read_csv(_read_bytes(path), path.name)]
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(path)
    raise ImportTableError(f"{path.name}：只能导入 .xlsx 或 .csv 文件。"
                           "如果是 .xls、.et 或 .wps 表格，请在 Excel 或 WPS 中“另存为”.xlsx 后再导入")


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise ImportTableError(f"{path}：这是一个文件夹，不是表格文件。请指定一个 .xlsx 或 .csv 文件")
    if not path.is_file():
        raise ImportTableError(f"{path}：找不到这个文件。请检查文件名和所在的文件夹"
                               "（可以把文件拖进命令行窗口，得到完整的路径）")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportTableError(f"{path.name}：无法读取（{exc.strerror}）。请确认文件没有在其他程序中打开，并且有读取权限") from exc


# ---------------------------------------------------------------- CSV

def read_csv(raw: bytes, name: str = "表格") -> Sheet:
    """UTF-8 (with or without BOM), else GBK/GB18030 as saved by Excel or WPS on Windows."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ImportTableError("CSV 文件既不是 UTF-8 也不是 GBK 编码：请在 Excel 中另存为“CSV UTF-8”后再导入") from exc
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    sheet, cells = Sheet(name), 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            sheet.ignored += sum(bool(c.strip()) for c in row[MAX_COLUMNS:])
            sheet.rows.append([cell_text(c) for c in row[:MAX_COLUMNS]])
            cells = _count(cells, len(sheet.rows[-1]), name)
    except csv.Error as exc:
        raise ImportTableError(f"{name}：第 {reader.line_num} 行无法按 CSV 读取（单元格过长或引号不成对：{exc}）。"
                               "请在 Excel 或 WPS 中打开后另存为“CSV UTF-8”或 .xlsx，再重新导入") from exc
    return sheet


def _count(cells: int, more: int, name: str) -> int:
    cells += more
    if cells > MAX_CELLS:
        raise ImportTableError(f"{name}：表格太大（超过 {MAX_CELLS:,} 个单元格），请拆分成几个文件分批导入")
    return cells


# ---------------------------------------------------------------- .xlsx

def read_xlsx(path: Path) -> list[Sheet]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    _check_workbook(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [_read_sheet(sheet, path.name) for sheet in book.worksheets]
        finally:
            book.close()
    except ImportTableError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, IndexError, AttributeError,
            OSError, EOFError, SyntaxError) as exc:  # SyntaxError: XML ParseError
        raise ImportTableError(f"{path.name}：无法作为 .xlsx 文件读取，文件可能已损坏（{type(exc).__name__}）。{RESAVE}") from exc


def _check_workbook(path: Path) -> None:
    """Refuse what openpyxl would only fail on late, or not at all: encrypted, not a zip, a zip bomb."""
    head = _read_head(path)
    if head.startswith(CFB_MAGIC):
        raise ImportTableError(f"{path.name}：文件设置了打开密码（或是改了扩展名的旧版 .xls 文件），无法读取。"
                               "请在 Excel 或 WPS 中取消密码（文件 → 信息 → 保护工作簿）并另存为 .xlsx，再重新导入")
    if not head.startswith(ZIP_MAGIC):
        raise ImportTableError(f"{path.name}：不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）。{RESAVE}")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportTableError(f"{path.name}：不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）。{RESAVE}") from exc
    if unpacked > MAX_UNPACKED:
        raise ImportTableError(f"{path.name}：解压后超过 {MAX_UNPACKED // 1_000_000:,} MB，不像是一份目录表格。"
                               "请拆分成几个文件分批导入，或另存为 .csv")


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(8)
    except OSError as exc:
        raise ImportTableError(f"{path.name}：无法读取（{exc.strerror}）。请确认文件没有在其他程序中打开，并且有读取权限") from exc


def _cell_parser():
    # openpyxl's own streaming sheet parser (the one its read-only worksheets use), told to keep
    # cached results (data_only) and to note which cells hold a formula: openpyxl's public API
    # gives either the result or the formula, never both. Pinned openpyxl==3.1.5.
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class CellParser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            cell["formula"] = element.find(FORMULA_TAG) is not None
            return cell

    return CellParser


def _read_sheet(worksheet, name: str) -> Sheet:
    """One worksheet streamed row by row: only filled cells are kept, rows beyond Excel's last
    row are refused, merged ranges are filled within the cells that exist."""
    book, sheet, cells = worksheet.parent, Sheet(worksheet.title), 0
    with worksheet._get_source() as source:
        parser = _cell_parser()(source, worksheet._shared_strings, data_only=True, epoch=book.epoch,
                                date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for number, row_cells in parser.parse():
            if not 1 <= number <= EXCEL_MAX_ROW:
                raise ImportTableError(f"{name}：工作表“{worksheet.title}”的行号 {number} 超出 Excel 的范围，文件可能已损坏。{RESAVE}")
            row = _row(row_cells, number, sheet)
            if row:
                sheet.rows.extend([] for _ in range(number - len(sheet.rows)))
                cells = _count(cells, len(row), name)
                sheet.rows[number - 1] = row
        merges = parser.merged_cells.mergeCell if parser.merged_cells else []
    _fill_merged(sheet, [m.ref for m in merges], name, cells)
    return sheet


def _row(row_cells: list, number: int, sheet: Sheet) -> list[str]:
    found = {}
    for cell in row_cells:
        column, text = cell["column"], cell_text(cell["value"])
        if column > MAX_COLUMNS:
            sheet.ignored += bool(text)
            continue
        if cell["formula"] and cell["value"] is None:
            sheet.uncomputed.add((number - 1, column - 1))
        if text:
            found[column - 1] = text
    row = [""] * (max(found) + 1) if found else []
    for column, text in found.items():
        row[column] = text
    return row


def _fill_merged(sheet: Sheet, refs: list[str], name: str, cells: int) -> None:
    """Every cell a merged range covers gets its top-left value (一级事项 spanning rows, a header
    spanning columns), within the rows and columns that hold data. Ranges may not overlap."""
    from openpyxl.utils.cell import range_boundaries

    height = len(sheet.rows)
    width = min(max((len(r) for r in sheet.rows), default=0), MAX_COLUMNS)
    area = 0
    for ref in refs:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        min_col, min_row = min_col or 1, min_row or 1
        max_col, max_row = min(max_col or width, width), min(max_row or height, height)
        if min_row > max_row or min_col > max_col:
            continue
        area += (max_row - min_row + 1) * (max_col - min_col + 1)
        if area > height * width:
            raise ImportTableError(f"{name}：工作表“{sheet.name}”中的合并单元格相互重叠，文件可能已损坏。{RESAVE}")
        top = sheet.rows[min_row - 1]
        value = top[min_col - 1] if min_col <= len(top) else ""
        for r in range(min_row - 1, max_row):
            row = sheet.rows[r]
            if len(row) < max_col:
                cells = _count(cells, max_col - len(row), name)
                row.extend([""] * (max_col - len(row)))
            row[min_col - 1:max_col] = [value] * (max_col - min_col + 1)
