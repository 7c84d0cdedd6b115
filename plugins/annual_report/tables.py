"""The report's tables 二、三、四 as the national form draws them, and their CSV and JSON.

Each table becomes rows of cells with their rowspan/colspan, and every header cell an id: every
number's <td> names all of its headers (row groups, row, column groups, column) in `headers`, so
a screen reader reads “三、本年度办理结果 （三）不予公开 1.属于国家秘密 法人或其他组织 商业企业: 0”. The
template only prints cells. Every number has a cell of its own, in the page and in the CSV, so
the numbers of a row never run together (a flattened “77132470” is 77 | 132 | 470).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from itertools import count

from catalogue.tabular import spreadsheet_safe

from .checks import number_text
from .layout import FEE, TABLES, Format, Node, get

SEPARATOR = " / "
CSV_COLUMNS = ["年度", "表格", "行", "列", "数值", "单位"]


@dataclass
class HtmlCell:
    text: str
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    id: str = ""
    headers: str = ""
    scope: str = ""
    numeric: bool = False
    css: str = ""


@dataclass(frozen=True)
class Point:
    """One number with the headings it stands under (for the CSV)."""

    table: str
    row: str
    column: str
    value: object
    unit: str


@dataclass
class Table:
    key: str
    id: str
    head: list = field(default_factory=list)  # rows of HtmlCell
    body: list = field(default_factory=list)
    points: list = field(default_factory=list)
    css: str = ""


@dataclass
class _Column:
    path: tuple      # the YAML keys below the row (grid) or below the table (one-row)
    header_ids: list
    labels: list


def build_tables(fmt: Format, data: dict) -> list[Table]:
    """二、三、四 of one report's data (the front matter), in the form's order."""
    tables = []
    for number, key in enumerate(TABLES, start=2):
        spec = fmt.table(key)
        table = Table(key, f"t{number}", css=f"report-table layout-{spec['x-layout']}")
        LAYOUTS[spec["x-layout"]](fmt, spec, data, table, count(1))
        tables.append(table)
    return tables


def _value(data, path: tuple):
    value = get(data, path)
    return value, number_text(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


def _unit(spec: dict) -> str:
    return spec.get("x-unit", "")


def _header_rows(nodes: list[Node], depth: int, table: Table, ids, yaml_keys: bool) -> tuple[list, list[_Column]]:
    """Column headings as `depth` rows of cells; a leaf above the last row spans down to it."""
    rows, columns = [[] for _ in range(depth)], []

    def place(node: Node, level: int, above: list, keys: tuple, labels: list):
        cell_id = f"{table.id}-h{next(ids)}"
        leaf = not node.children
        rows[level].append(HtmlCell(node.key, True, colspan=len(node.leaves), rowspan=depth - level if leaf else 1,
                                    id=cell_id, scope="col" if leaf else "colgroup"))
        mine = above + [cell_id]
        path = keys + (node.key,) if yaml_keys or leaf else keys
        if leaf:
            columns.append(_Column(path, mine, labels + [node.key]))
        for child in node.children:
            place(child, level + 1, mine, path, labels + [node.key])

    for node in nodes:
        place(node, 0, [], (), [])
    return rows, columns


def _grid(fmt: Format, spec: dict, data: dict, table: Table, ids) -> None:
    """三: a corner note, column headings over 申请人情况, row headings nested three deep."""
    row_spec = fmt.first_row_spec(spec)
    columns = fmt.columns_of(row_spec)
    if spec.get("x-column-title"):
        columns = [Node(spec["x-column-title"], columns)]
    depth = max(n.depth for n in columns)
    rows = fmt.row_tree(spec)
    width = max(n.depth for n in rows)
    head, leaves = _header_rows(columns, depth, table, ids, yaml_keys=False)
    head[0].insert(0, HtmlCell(spec.get("x-corner", ""), colspan=width, rowspan=depth, css="corner"))
    table.head = head
    units = {key: _unit(child) for key, child in fmt.children(row_spec)}
    placed = set()

    def walk(nodes: list[Node], level: int, path: tuple, open_groups: list):
        for node in nodes:
            if node.children:
                group = HtmlCell(node.key, True, rowspan=len(node.leaves), id=f"{table.id}-h{next(ids)}", scope="rowgroup")
                walk(node.children, level + 1, path + (node.key,), open_groups + [group])
                continue
            cells = [g for g in open_groups if g.id not in placed]  # a group heads the first row it spans
            placed.update(g.id for g in cells)
            row_head = HtmlCell(node.key, True, colspan=width - level, id=f"{table.id}-h{next(ids)}", scope="row")
            row_ids = [g.id for g in open_groups] + [row_head.id]
            cells = cells + [row_head]
            for column in leaves:
                key = path + (node.key,) + column.path
                value, text = _value(data, (table.key,) + key)
                cells.append(HtmlCell(text, headers=" ".join(row_ids + column.header_ids), numeric=True))
                table.points.append(Point(table.key, SEPARATOR.join(path + (node.key,)), SEPARATOR.join(column.labels),
                                          value, units[column.path[-1]]))
            table.body.append(cells)

    walk(rows, 0, (), [])


def _sections(fmt: Format, spec: dict, data: dict, table: Table, ids) -> None:
    """二: for each 第二十条 item a heading row, a row of column headings, then its rows."""
    widest = max(len(fmt.children(fmt.first_row_spec(child))) for _k, child in fmt.children(spec))
    for section_key, section in fmt.children(spec):
        section_cell = HtmlCell(section_key, True, colspan=widest + 1, id=f"{table.id}-h{next(ids)}", scope="colgroup",
                                css="section-head")
        columns = fmt.children(fmt.first_row_spec(section))
        span = widest // len(columns) if widest % len(columns) == 0 else 1
        label = HtmlCell(spec.get("x-row-label", ""), True, id=f"{table.id}-h{next(ids)}", scope="col")
        heads = [HtmlCell(key, True, colspan=span, id=f"{table.id}-h{next(ids)}", scope="col") for key, _c in columns]
        table.body += [[section_cell], [label] + heads]
        for row_key, row_spec in fmt.children(section):
            row_head = HtmlCell(row_key, True, id=f"{table.id}-h{next(ids)}", scope="row")
            cells = [row_head]
            for (column_key, column_spec), head in zip(fmt.children(row_spec), heads):
                value, text = _value(data, (table.key, section_key, row_key, column_key))
                cells.append(HtmlCell(text, colspan=span, headers=f"{section_cell.id} {row_head.id} {head.id}", numeric=True))
                table.points.append(Point(table.key, SEPARATOR.join((section_key, row_key)), column_key, value,
                                          _unit(column_spec)))
            table.body.append(cells)


def _one_row(fmt: Format, spec: dict, data: dict, table: Table, ids) -> None:
    """四: 行政复议 and 行政诉讼 as column groups over one row of numbers."""
    columns = fmt.one_row_columns(spec)
    depth = max(n.depth for n in columns)
    table.head, leaves = _header_rows(columns, depth, table, ids, yaml_keys=True)
    cells = []
    for column in leaves:
        value, text = _value(data, (table.key,) + column.path)
        cells.append(HtmlCell(text, headers=" ".join(column.header_ids), numeric=True))
        table.points.append(Point(table.key, SEPARATOR.join(column.path[:-1]), column.path[-1], value, "件"))
    table.body = [cells]


LAYOUTS = {"grid": _grid, "sections": _sections, "one-row": _one_row}


# ---------------------------------------------------------------- downloads

def report_csv(report, tables: list[Table]) -> bytes:
    """UTF-8 with BOM and CRLF (Excel and WPS open it with the Chinese intact): one number per
    row, with its table, row and column headings, every cell spreadsheet-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for table in tables:
        for point in table.points:
            writer.writerow([spreadsheet_safe(str(c)) for c in
                             (report.year, point.table, point.row, point.column, number_text(point.value), point.unit)])
    writer.writerow([spreadsheet_safe(str(c)) for c in (report.year, "六、其他需要报告的事项", "", FEE,
                                                         number_text(report.meta[FEE]), "元")])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_json(report, url: str) -> bytes:
    """The report as written (Chinese keys as on the form) with its text sections' Markdown."""
    meta = report.meta
    record = {"年度": report.year, "标题": meta["标题"], "报告机关": meta["报告机关"], "发布日期": meta["发布日期"], "网址": url}
    record.update({key: meta[key] for key in TABLES})
    record[FEE] = meta[FEE]
    record["正文"] = {part.title: part.text.strip() for part in [report.preface] + report.sections}
    return (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
