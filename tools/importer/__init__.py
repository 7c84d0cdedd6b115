"""`invoke import FILE`: bring an existing catalogue table (.xlsx or .csv in the State Council's
standard layout) into the repository as one item file per row.

Reading a table: cells as text (sheet.py; merged cells filled from their top-left value), one or
two header rows recognised by the names real catalogues use (header.py), then every row mapped
through the cell parsers (cells.py) into item fields (rows.py); new registry entries are appended
as text (registries.py). The project is loaded with gongkai.project.load_project: its registries,
its vocabulary and its schema decide what a row may become. A row is either written as a valid item file or listed in the report with
the reason: nothing is guessed silently. New 一级/二级事项 and 公开主体 are appended to the
registries as text, so the editors' comments and order stay as they were.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from gongkai import schema as schema_checks
from gongkai.errors import ImportTableError
from gongkai.gate import REVIEWER_PLACEHOLDER
from gongkai.project import load_project
from gongkai.settings import Paths, settings_for

from ..yamlwrite import IndexAllocator, item_text, safe_file_name
from .header import Layout, find_layout
from .registries import Registries, _quoted, append_categories, append_units, assign_codes, load_registries
from .rows import Draft, Record, draft, name_drafts, records
from .sheet import MAX_COLUMNS, Sheet, read_sheets

__all__ = ["ImportReport", "ImportTableError", "import_command", "import_table"]

PLACEHOLDER_REVIEWER = REVIEWER_PLACEHOLDER  # the publish gate refuses it until replaced


# ---------------------------------------------------------------- report

@dataclass
class ImportReport:
    """What an import did (or, with dry_run, would do), rendered in Chinese by text()."""

    source: str
    dry_run: bool = False
    rows: int = 0
    written: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    new_categories: list = field(default_factory=list)
    new_units: list = field(default_factory=list)
    unmapped: list = field(default_factory=list)  # (row label, [reasons])
    notes: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row became an item (written, or already present)."""
        return not self.unmapped

    def text(self) -> str:
        verb = "将写入" if self.dry_run else "已写入"
        out = [f"导入 {self.source}：共 {self.rows} 行事项，{verb} {len(self.written)} 个事项文件，"
               f"未导入 {len(self.unmapped)} 行，已存在未覆盖 {len(self.skipped)} 个。"]
        sections = [
            (f"{verb}的事项文件：", self.written),
            ("新登记的事项分类（schema/categories.yaml）：", self.new_categories),
            ("新登记的公开主体（schema/units.yaml）：", self.new_units),
            ("未导入的行（请修改表格后重新导入）：", [f"{label}：{'；'.join(reasons)}" for label, reasons in self.unmapped]),
            ("已存在、未覆盖的文件（确需覆盖请加 --force）：", self.skipped),
            ("提示：", self.notes),
        ]
        for title, entries in sections:
            if entries:
                out += ["", title] + [f"  {entry}" for entry in entries]
        if self.dry_run:
            out += ["", "试运行（--dry-run）：以上是将要进行的操作，没有写入或修改任何文件。"]
        return "\n".join(out)


# ---------------------------------------------------------------- the import

def _date(value) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ImportTableError(f"--date “{value}”不是有效日期，应写成 YYYY-MM-DD，例如 2024-03-05") from exc


def _table(path: Path, words) -> tuple[Sheet, Layout]:
    for sheet in read_sheets(path):
        layout = find_layout(sheet.rows, words)
        if layout:
            missing = [f for f in ("一级事项", "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道", "公开对象", "公开方式")
                       if f not in {c.field for c in layout.columns.values()}]
            if not missing and not {"二级事项", "事项名称"} & {c.field for c in layout.columns.values()}:
                missing.append("二级事项")
            if missing:
                raise ImportTableError(f"{path.name}：表头缺少这些列：{'、'.join(missing)}。"
                                       f"识别到的列：{'、'.join(c.header for c in layout.columns.values())}")
            return sheet, layout
    raise ImportTableError(f"{path.name}：没有找到表头。表头应包含 序号、公开事项（一级事项/二级事项）、公开内容（要素）、"
                           "公开依据、公开时限、公开主体、公开渠道和载体、公开对象、公开方式 等列名")


def formula_reasons(record: Record, layout: Layout, sheet: Sheet) -> list[str]:
    """A formula saved without its result (a file written by a program, never opened in Excel)
    has no value to import: the row is listed, not imported with a blank."""
    return [f"“{column.header}”列是公式，文件中没有保存计算结果：请在 Excel 或 WPS 中打开表格、保存后再重新导入"
            for j, column in layout.columns.items() if (record.row - 1, j) in sheet.uncomputed]


def import_table(path, root, *, date=None, force: bool = False, dry_run: bool = False, code: str | None = None,
                 reviewers: list[str] | None = None) -> ImportReport:
    """Import one .xlsx/.csv catalogue into the project at `root`; see the module docstring."""
    path, day = Path(path), _date(date)
    project = load_project(settings_for(Path(root)))
    paths, words = project.paths, project.vocabulary
    sheet, layout = _table(path, words)
    rows, skipped_rows = records(sheet.rows, layout, words)
    report = ImportReport(path.name, dry_run, len(rows), notes=skipped_rows)
    if layout.ignored:
        report.notes.append(f"未识别的列（已忽略）：{'、'.join(layout.ignored)}")
    if sheet.ignored:
        report.notes.append(f"第 {MAX_COLUMNS} 列以后还有 {sheet.ignored} 个填了内容的单元格，超出导入范围，已忽略")
    drafts = [draft(r, words) for r in rows]
    for d in drafts:  # a blank formula explains the row's other complaints: ask for the results first
        d.reasons = formula_reasons(d.record, layout, sheet) or d.reasons
    name_drafts(drafts)
    registries = load_registries(project)
    assign_codes(drafts, registries, code, report.notes)
    validator = schema_checks.compiled(str(paths.item_schema))
    planned = plan_files(drafts, paths, day, registries, validator, force, report)
    if not dry_run:
        for target, text in planned:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    register(paths, registries, report, dry_run, reviewers, f"{day.isoformat()} 由 invoke import 从 {path.name} 登记")
    return report


def plan_files(drafts, paths: Paths, day: dt.date, registries: Registries, validator, force: bool,
               report: ImportReport) -> list[tuple[Path, str]]:
    """(file, text) for every row that maps and validates; everything else goes into the report."""
    allocator, planned, used_paths = IndexAllocator(paths.items_dir), [], {}
    for d in drafts:
        target = _target(paths, d, used_paths)
        if d.reasons:
            report.unmapped.append((d.record.label, d.reasons))
            continue
        if target.exists() and not force:
            report.skipped.append(_display(target, paths))
            continue
        meta = item_meta(d, _index_no(d, target, allocator, registries, day), day, list(validator.schema["properties"]))
        problems = schema_checks.check(validator, meta, {}, d.record.label)
        if problems:
            report.unmapped.append((d.record.label, [f"{p.field}：{p.message}" if p.field else p.message for p in problems]))
            continue
        registries.add(meta["一级事项"], meta["二级事项"])
        registries.used_units.add(meta["公开主体"])
        planned.append((target, item_text(meta, _body(d))))
        report.written.append(_display(target, paths))
    return planned


def _target(paths: Paths, d: Draft, used: dict) -> Path:
    """content/items/<一级事项>/<事项名称>.md; a second row with the same name gets （2）.
    `used` maps each path taken to the next number to try for its name (linear in the rows)."""
    folder = paths.items_dir / safe_file_name(d.fields.get("一级事项", "未分类"))
    stem = safe_file_name(d.fields.get("事项名称", f"第{d.record.row}行"))
    first = target = folder / f"{stem}.md"
    n = used.get(first, 2)
    while target in used:
        target, n = folder / f"{stem}（{n}）.md", n + 1
    used[first] = n
    used.setdefault(target, 2)
    return target


def _index_no(d: Draft, target: Path, allocator: IndexAllocator, registries: Registries, day: dt.date) -> str:
    """The table's own 索引号 when it has one; the file's current one when overwriting; else the next free."""
    given = d.record.text.get("索引号", "").strip()
    if not given and target.exists():
        match = re.search(r"^索引号[ \t]*:[ \t]*['\"]?([^'\"\s#]+)", target.read_text(encoding="utf-8-sig", errors="replace"), re.M)
        given = match.group(1) if match else ""
    if given:
        allocator.reserve(given)
        return given
    return allocator.next(registries.codes[d.fields["公开主体"]], day.year)


def item_meta(d: Draft, index_no: str, day: dt.date, order: list[str]) -> dict:
    """The fields in the schema's order (the order editors see in every file), empty ones left out.
    发布日期 is the table's own when it has one, else the import date (--date)."""
    values = dict(d.fields, 索引号=index_no, 发布日期=d.fields.get("发布日期") or day.isoformat())
    return {key: values[key] for key in order if values.get(key) not in (None, "", [])}


def _body(d: Draft) -> str:
    return f"公开主体：{d.unit_phrase}。" if d.unit_phrase else ""


def register(paths: Paths, registries: Registries, report: ImportReport, dry_run: bool,
             reviewers: list[str] | None, header: str) -> None:
    """Append what the written items need to the registries (or, in a dry run, only list it)."""
    registries.new_units = {u: c for u, c in registries.new_units.items() if u in registries.used_units}
    reviewers = reviewers or office_reviewers(paths.root)
    if dry_run:
        report.new_categories += [f"一级事项“{p}”下：{_quoted(s)}" for p, s in registries.new_categories.items()]
        report.new_units += [f"{u}：机构代码 {c}，审核人 {'、'.join(reviewers)}" for u, c in registries.new_units.items()]
        return
    if registries.new_categories:
        report.new_categories += append_categories(paths.schema_dir / "categories.yaml", registries, header)
    if registries.new_units:
        report.new_units += append_units(paths.schema_dir / "units.yaml", registries, reviewers, header)


def office_reviewers(root: Path) -> list[str]:
    """New units are reviewed by the catalogue office (GONGKAI_OFFICE_REVIEWERS) until they name
    their own reviewers; without that setting, a placeholder handle the report asks to replace."""
    return list(settings_for(Path(root))["GONGKAI_OFFICE_REVIEWERS"] or [PLACEHOLDER_REVIEWER])


def _display(path: Path, paths: Paths) -> str:
    try:
        return path.resolve().relative_to(paths.root).as_posix()
    except ValueError:
        return path.as_posix()


def import_command(path: Path, root: Path, **options) -> int:
    """`invoke import`: the report on stdout; 1 when a row was not imported."""
    report = import_table(path, root, **options)
    print(report.text())
    return 0 if report.ok else 1
