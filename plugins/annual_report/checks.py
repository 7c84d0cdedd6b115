"""Every rule a report must meet, located and in Chinese, collected and never raised one by one.

Errors (they stop `invoke validate` and the build): the schema (schema/report.schema.json), each
number as written, every cross-check of the national format, the body's three sections, the
publish rules of a body (limits, comments, images, links through the publish boundary) and the
保密审查 of a published report. Warnings (printed, never failing): the counts of 二 that differ
from what the catalogue says, a 上年结转 that differs from last year's 结转下年度, a late
发布日期, and what a draft still lacks.

Entry points: report_problems (GONGKAI_CHECKS) and report_warnings (GONGKAI_WARNINGS), both
taking (catalogue, paths); load_reports for the site and the audit.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

from catalogue import body as body_rules
from catalogue import boundary, limits, schema
from catalogue.errors import Problem, dotted, quote
from catalogue.frontmatter import describe
from catalogue.guide import INTRASITE
from catalogue.model import parse_date
from catalogue.render import BodyRenderer

from . import derived
from .layout import (CARRIED_IN, CARRIED_OUT, DOC_KINDS, DOCS, HANDLED, HANDLED_TOTAL, NEW, RESULTS, S2, S3, S4,
                     SCHEMA_NAME, TEXT_SECTIONS, TOTAL, Format, get, load_format, short)
from .source import Report, read_report, report_files

PLACEHOLDER = "【待填写"
FORM_TERM = "不予公开"
INT_TAG, FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
PLAIN_NUMBER = re.compile(r"^(0|[1-9][0-9]*)(\.[0-9]+)?$")

MISSING_CELL = "未填写：状态为“发布”的报告每一格都要填写数字，没有的填 0"
TEXT_CELL = "应填写数字，实际为文本“{value}”：{hint}"
CLEAN_HINT = "请写成 {clean}（只写阿拉伯数字，不加引号、逗号、空格或单位）"
DIGITS_HINT = "请只写阿拉伯数字，例如 12；没有的填 0"
OTHER_CELL = "应填写一个数字，实际为{found}"
NEGATIVE = "不能是负数，实际为 {value}"
NOT_WHOLE = "件数应为整数，实际为 {value}"
DECIMALS = "最多 {n} 位小数（单位：{unit}），实际为 {value}"
LEADING_ZERO = "“{raw}”以 0 开头，会被读成八进制数 {value}：请去掉开头的 0"
ODD_NUMBER = "“{raw}”会被读成 {value}：请只写阿拉伯数字和小数点，例如 1234 或 12.5"

BALANCE = ("{col}列：一+二 = {a}+{b} = {ab}，三（七）总计+四 = {c}+{d} = {cd}，两者应相等"
           "（本表勾稽关系：第一项加第二项之和，等于第三项加第四项之和）")
HANDLED_SUM = "“（七）总计”行{col}列 = {total}，（一）至（六）之和 = {parts} = {sum}，两者应相等（（三）至（六）各为其小项之和）"
ROW_SUM = "“{row}”行：总计 = {total}，{names} = {terms} = {sum}，两者应相等"
RESULT_SUM = "{row}：总计 = {total}，{names} = {terms} = {sum}，两者应相等"

SECTIONS_LISTED = "、".join(f"## {t}" for t in TEXT_SECTIONS)
SECTION_UNKNOWN = "“{title}”不是年度报告正文的章节{hint}正文只分三节，依次为 {listed}；节内的小标题用“### ”开头"
SECTION_TABLE = "“{title}”是表格，由文件开头字段中的数字生成，正文中不要再写这一节：请删除这一节（数字写在字段中）"
SECTION_MISSING = "正文缺少“## {title}”一节：正文依次写三节：{listed}"
SECTION_DUPLICATE = "“{title}”出现了两次（第 {line} 行已有）：请合并为一节"
SECTION_ORDER = "“{title}”应写在“{other}”之后：正文三节的顺序是 一、五、六"
SECTION_EMPTY = "“{title}”一节没有内容：状态为“发布”的报告每一节都要写"
PLACEHOLDER_LEFT = "还有待填写的内容“{text}”：状态为“发布”的报告不能留有“【待填写】”，请写好后删除这个标记"
DUPLICATE_YEAR = "年度 {year} 已有报告 {others}：每个年度只能有一份报告，请合并或删除其中一份"
EARLY_DATE = "发布日期 {date} 早于 {year} 年结束：年度报告在统计年度结束后（次年1月31日前）公布"
LINK_REFUSED = "年度报告正文中只能用 {{attach}} 链接 content/ 中的附件（例如 [报告 PDF 版]({{attach}}../attachments/2025年报.pdf)），不支持“{link}”"
SECRECY_ADVICE = "公开前请删除或脱敏（年度报告不能登记保密审查例外）"
MARKING_ADVICE = "涉密、内部或不予公开的信息不得上网公开，请删除"

DIFFERS = "报告填写 {reported}，目录统计为 {derived}（{basis}）：请核对；目录不全或统计口径不同的，请在正文中说明"
UNDATED = "目录中 {count} 件废止或失效的{kind}没有更新日期，无法确定是哪一年废止的，未计入统计：{names}"
CARRY_OVER = "“二、上年结转”与 {year} 年报告“四、结转下年度继续办理”不一致：{cells}。一般两者相等，请核对"
LATE = "发布日期 {date} 晚于条例第四十九条规定的 {deadline}（次年1月31日前公布）"
DRAFT_LEFT = "草稿（状态: 草稿），不会发布：还有 {cells} 格未填写、{marks} 处“【待填写】”。填写完整后把状态改为“发布”并写上发布日期"


def load_reports(paths, render: bool = True) -> tuple[list[Report], list[Problem]]:
    """Every report under content/reports/, checked; reports with problems have valid=False."""
    display = lambda p: _display(p, paths.root)  # noqa: E731
    files, problems = report_files(paths.content, display)
    fmt = load_format(paths.schema_dir)
    validator = schema.compiled(str(paths.schema_dir / SCHEMA_NAME))
    reports = []
    for path in files:
        report, found = read_report(path, display(path))
        if report.meta is not None:
            found += check_report(report, fmt, validator, paths.content, render)
        report.valid = report.valid and not found
        reports.append(report)
        problems += found
    return reports, problems + duplicate_years(reports)


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def check_report(report: Report, fmt: Format, validator, content: Path, render: bool = True) -> list[Problem]:
    cells = {dotted(c.path): c for c in fmt.cells()}
    checked = [p for p in schema.check(validator, report.meta, report.lines, report.source)
               if not (p.field in cells and _present(report.meta, cells[p.field].path))]
    problems = checked + cell_problems(report, fmt)
    problems += cross_checks(report, fmt) + date_problems(report)
    problems += section_problems(report) + body_problems(report, content, render)
    if report.is_published:
        problems += placeholder_problems(report) + secrecy_problems(report)
    return sorted(problems, key=lambda p: p.line or 0)  # in file order; on one line, in the order checked


def _present(meta, path: tuple) -> bool:
    parent = get(meta, path[:-1])
    return isinstance(parent, dict) and path[-1] in parent


# ---------------------------------------------------------------- numbers

def cell_problems(report: Report, fmt: Format) -> list[Problem]:
    problems = []
    for cell in fmt.cells():
        if not _present(report.meta, cell.path):
            continue  # the schema says the row or cell is missing
        message = cell_message(get(report.meta, cell.path), report.scalars.get(cell.path), cell, report.is_published)
        if message:
            problems.append(Problem(report.source, schema.line_of(report.lines, cell.path), dotted(cell.path), message))
    return problems


def cell_message(value, scalar, cell, published: bool) -> str | None:
    """What is wrong with one number as written, or None."""
    if value is None:
        return MISSING_CELL if published else None
    if isinstance(value, str):
        clean = _clean_number(value)
        return TEXT_CELL.format(value=quote(value), hint=CLEAN_HINT.format(clean=clean) if clean else DIGITS_HINT)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return OTHER_CELL.format(found=describe(value))
    return number_message(value, scalar, cell)


def number_message(value, scalar, cell) -> str | None:
    if value < 0:
        return NEGATIVE.format(value=number_text(value))
    if scalar is not None and scalar.tag in (INT_TAG, FLOAT_TAG) and not PLAIN_NUMBER.match(scalar.raw.lstrip("+")):
        template = LEADING_ZERO if re.match(r"^[+]?0[0-9]", scalar.raw) else ODD_NUMBER
        return template.format(raw=quote(scalar.raw), value=number_text(value))
    if cell.decimals == 0 and not isinstance(value, int):
        return NOT_WHOLE.format(value=number_text(value))
    if cell.decimals and _decimals(value) > cell.decimals:
        return DECIMALS.format(n=cell.decimals, unit=cell.unit, value=number_text(value))
    return None


def _decimals(value) -> int:
    exponent = Decimal(repr(value)).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 99


def _clean_number(text: str) -> str | None:
    """“１,２３４”, “12 件”, “3,000.5” -> the number the editor meant, when it is unmistakable."""
    folded = unicodedata.normalize("NFKC", text).strip()
    folded = re.sub(r"[,，\s]|件|万元|元$", "", folded)
    try:
        number = Decimal(folded)
    except InvalidOperation:
        return None
    return folded if PLAIN_NUMBER.match(folded) and number >= 0 else None


def number_text(value) -> str:
    """12, 12.5, 1234.5678: as the form shows it (no exponent, no trailing zeros)."""
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def valid_numbers(report: Report, fmt: Format) -> dict:
    """path -> number for every cell that is filled in and passes its checks."""
    found = {}
    for cell in fmt.cells():
        value = get(report.meta, cell.path)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and \
                number_message(value, report.scalars.get(cell.path), cell) is None:
            found[cell.path] = value
    return found


# ---------------------------------------------------------------- the format's own cross-checks

def cross_checks(report: Report, fmt: Format) -> list[Problem]:
    numbers = valid_numbers(report, fmt)
    checks = (_balance, _handled_sum, _row_sums, _result_sums)
    return [problem for check in checks for problem in check(report, fmt, numbers)]


def _columns(fmt: Format) -> list[str]:
    return [key for key, _spec in fmt.children(fmt.first_row_spec(fmt.table(S3)))]


def _terms(values) -> str:
    return "+".join(number_text(v) for v in values)


def _problem(report: Report, path: tuple, table: str, message: str) -> Problem:
    return Problem(report.source, schema.line_of(report.lines, path), table, message)


def _balance(report, fmt, numbers) -> list[Problem]:
    """Per column: 一 + 二 = 三（七）总计 + 四."""
    problems = []
    for col in _columns(fmt):
        paths = [(S3, NEW, col), (S3, CARRIED_IN, col), (S3, HANDLED, HANDLED_TOTAL, col), (S3, CARRIED_OUT, col)]
        if not all(p in numbers for p in paths):
            continue
        a, b, c, d = (numbers[p] for p in paths)
        if a + b != c + d:
            problems.append(_problem(report, paths[2], S3, BALANCE.format(col=col, a=a, b=b, ab=a + b, c=c, d=d, cd=c + d)))
    return problems


def _handled_sum(report, fmt, numbers) -> list[Problem]:
    """Per column: （七）总计 = （一）+（二）+（三）…（六）, each group the sum of its numbered rows."""
    problems = []
    handled = next(node for node in fmt.row_tree(fmt.table(S3)) if node.key == HANDLED)
    groups = [(row.key, [leaf.key for leaf in row.children]) for row in handled.children if row.key != HANDLED_TOTAL]
    for col in _columns(fmt):
        total_path = (S3, HANDLED, HANDLED_TOTAL, col)
        parts = []
        for key, leaves in groups:
            paths = [(S3, HANDLED, key, leaf, col) for leaf in leaves] or [(S3, HANDLED, key, col)]
            parts.append((short(key), sum(numbers[p] for p in paths) if all(p in numbers for p in paths) else None))
        if total_path not in numbers or any(v is None for _k, v in parts):
            continue
        total, found = numbers[total_path], sum(v for _k, v in parts)
        if total != found:
            shown = " + ".join(f"{name} {number_text(v)}" for name, v in parts)
            problems.append(_problem(report, total_path, S3, HANDLED_SUM.format(col=col, total=total, parts=shown, sum=found)))
    return problems


def _row_sums(report, fmt, numbers) -> list[Problem]:
    """Each row of 三: 总计 = 自然人 + the five 法人或其他组织 columns."""
    columns = [c for c in _columns(fmt) if c != TOTAL]
    problems = []
    for row in _leaf_paths(fmt.row_tree(fmt.table(S3)), (S3,)):
        paths = [row + (c,) for c in columns]
        total_path = row + (TOTAL,)
        if total_path in numbers and all(p in numbers for p in paths):
            values = [numbers[p] for p in paths]
            if numbers[total_path] != sum(values):
                problems.append(_problem(report, total_path, S3, ROW_SUM.format(
                    row=row_label(row), total=number_text(numbers[total_path]), names="+".join(columns),
                    terms=_terms(values), sum=number_text(sum(values)))))
    return problems


def _result_sums(report, fmt, numbers) -> list[Problem]:
    """行政复议 and both kinds of 行政诉讼: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结."""
    problems = []
    for row in _leaf_paths(fmt.row_tree(fmt.table(S4)), (S4,)):
        paths = [row + (r,) for r in RESULTS]
        total_path = row + (TOTAL,)
        if total_path in numbers and all(p in numbers for p in paths):
            values = [numbers[p] for p in paths]
            if numbers[total_path] != sum(values):
                problems.append(_problem(report, total_path, S4, RESULT_SUM.format(
                    row="".join(row[1:]) if len(row) == 2 else f"{row[1]}（{row[2]}）", total=number_text(numbers[total_path]),
                    names="+".join(RESULTS), terms=_terms(values), sum=number_text(sum(values)))))
    return problems


def _leaf_paths(nodes, prefix: tuple) -> list[tuple]:
    paths = []
    for node in nodes:
        paths += _leaf_paths(node.children, prefix + (node.key,)) if node.children else [prefix + (node.key,)]
    return paths


def row_label(path: tuple) -> str:
    """A row of 三 as messages name it: “一、本年新收…”, “（一）予以公开”, “（三）不予公开 1.属于国家秘密”."""
    parts = [p for p in path[1:] if p != HANDLED]
    return " ".join(short(p) for p in parts)


# ---------------------------------------------------------------- dates, sections, body

def date_problems(report: Report) -> list[Problem]:
    day, year = parse_date(report.meta.get("发布日期")), report.year
    if day and year and day <= dt.date(year, 12, 31):
        return [Problem(report.source, report.lines.get(("发布日期",)), "发布日期", EARLY_DATE.format(date=day, year=year))]
    return []


def _folded(title: str) -> str:
    return re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", title)).replace("(", "（").replace(")", "）")


TABLE_TITLES = {_folded(t): t for t in (S2, S3, S4)}
TEXT_TITLES = {_folded(t): t for t in TEXT_SECTIONS}


def section_problems(report: Report) -> list[Problem]:
    problems, seen, suggested = [], {}, set()
    for section in report.sections:
        folded = _folded(section.title)
        if folded in TABLE_TITLES or folded[:2] in ("二、", "三、", "四、"):
            problems.append(Problem(report.source, section.line, "正文", SECTION_TABLE.format(title=quote(section.title))))
        elif folded not in TEXT_TITLES:
            close = difflib.get_close_matches(folded, list(TEXT_TITLES), n=1, cutoff=0.4)
            hint = f"，是不是“## {TEXT_TITLES[close[0]]}”？" if close else "。"
            suggested.update(TEXT_TITLES[c] for c in close)
            problems.append(Problem(report.source, section.line, "正文",
                                    SECTION_UNKNOWN.format(title=quote(section.title), hint=hint, listed=SECTIONS_LISTED)))
        elif TEXT_TITLES[folded] in seen:
            problems.append(Problem(report.source, section.line, "正文", SECTION_DUPLICATE.format(
                title=TEXT_TITLES[folded], line=seen[TEXT_TITLES[folded]].line)))
        else:
            section.title = TEXT_TITLES[folded]  # “## 五、存在的主要问题及改进情况 ” and full-width spaces read alike
            seen[section.title] = section
    return problems + _order_problems(report, seen, suggested)


def _order_problems(report: Report, seen: dict, suggested: set) -> list[Problem]:
    """A section missing (unless a misspelt heading was already pointed at it), or out of order."""
    problems = []
    for title in TEXT_SECTIONS:
        if title not in seen and title not in suggested:
            problems.append(Problem(report.source, report.body_line, "正文", SECTION_MISSING.format(title=title, listed=SECTIONS_LISTED)))
    present = [t for t in TEXT_SECTIONS if t in seen]
    for before, after in zip(present, present[1:]):
        if seen[after].line < seen[before].line:
            problems.append(Problem(report.source, seen[after].line, "正文", SECTION_ORDER.format(title=after, other=before)))
    return problems


class _Links:
    """{attach}/{static} links to files under content/, through the publish boundary; nothing else."""

    def __init__(self, report: Report, content: Path, lines: list[str], first_line: int, problems: list):
        self.report, self.content, self.lines, self.first_line, self.problems = report, content, lines, first_line, problems

    def __call__(self, _tag: str, _attribute: str, value: str):
        match = INTRASITE.match(value)
        if not match:
            return value
        what, target = match.groups()
        if what in ("attach", "static"):
            file, reason = boundary.accept(target.split("#")[0], self.content, base=self.report.path.parent)
            if not reason:
                self.report.files.append(file)
                return "../../" + file.url
        else:
            reason = LINK_REFUSED.format(link=body_rules.clip(value))
        self.problems.append(Problem(self.report.source, self.first_line + body_rules.locate(self.lines, value),
                                     body_rules.FIELD, reason))
        return None


def body_problems(report: Report, content: Path, render: bool = True) -> list[Problem]:
    """The rules every published body obeys (limits, HTML comments, images from other hosts), and
    the rendering of each part, whose {attach} links pass the publish boundary."""
    problems = limits.body_problems(report.body, report.body_line, report.source)
    if problems:
        return problems
    renderer = BodyRenderer(3)
    for part in [report.preface] + report.sections:
        if not (render or body_rules.may_embed(part.text) or "{" in part.text):
            problems += body_rules.body_problems(report.source, part.text, part.first_line, None)
            continue
        found = []
        links = _Links(report, content, part.text.split("\n"), part.first_line, found)
        rendered, failed = limits.render_checked(lambda text: renderer.render(text, links), part.text,
                                                 part.first_line, report.source)
        found += failed + body_rules.body_problems(report.source, part.text, part.first_line, rendered)
        report.html[part.title] = rendered.html if rendered else ""
        problems += found
    return problems


def placeholder_problems(report: Report) -> list[Problem]:
    problems = [Problem(report.source, report.lines.get((key,)), key, PLACEHOLDER_LEFT.format(text=_placeholder(value)))
                for key, value in report.meta.items() if isinstance(value, str) and PLACEHOLDER in value]
    for number, line in enumerate(report.body.split("\n"), start=report.body_line):
        if PLACEHOLDER in line:
            problems.append(Problem(report.source, number, "正文", PLACEHOLDER_LEFT.format(text=_placeholder(line))))
    problems += [Problem(report.source, s.line, "正文", SECTION_EMPTY.format(title=s.title))
                 for s in report.sections if s.title in TEXT_SECTIONS and not s.text.strip()]
    return problems


def _placeholder(text: str) -> str:
    start = text.index(PLACEHOLDER)
    end = text.find("】", start)
    return quote(text[start:end + 1] if end > 0 else text[start:], 30)


def secrecy_problems(report: Report) -> list[Problem]:
    from secrecy import MARKING, findings_in_text  # the 保密审查 every published text goes through

    found = []
    for key in ("标题", "报告机关"):
        if isinstance(report.meta.get(key), str):
            found += findings_in_text(report.source, report.lines.get((key,)), key, report.meta[key])
    found += findings_in_text(report.source, report.body_line, "正文", report.body)
    # “不予公开” is a row of the national form (三（三）) that every report discusses, not a marking.
    found = [f for f in found if not (f.kind == MARKING and f.shown == FORM_TERM)]
    return [Problem(f.file, f.line, f.field, f"{f.label or '疑似' + f.kind}“{f.shown}”："
                    f"{MARKING_ADVICE if f.kind == MARKING else SECRECY_ADVICE}") for f in found]


def duplicate_years(reports: list[Report]) -> list[Problem]:
    groups = defaultdict(list)
    for report in reports:
        if report.year is not None:
            groups[report.year].append(report)
    problems = []
    for year, group in groups.items():
        for report in group if len(group) > 1 else ():
            others = "、".join(f"{o.source}:{o.lines.get(('年度',))}" for o in group if o is not report)
            problems.append(Problem(report.source, report.lines.get(("年度",)), "年度", DUPLICATE_YEAR.format(year=year, others=others)))
            report.valid = False
    return problems


# ---------------------------------------------------------------- entry points

def report_problems(catalogue, paths) -> list[Problem]:
    """GONGKAI_CHECKS (`annual_report.checks:report_problems`): run by validate and every build."""
    return load_reports(paths, render=False)[1]


def report_warnings(catalogue, paths) -> list[Problem]:
    """GONGKAI_WARNINGS (`annual_report.checks:report_warnings`): printed, never failing."""
    reports, _problems = load_reports(paths, render=False)
    fmt = load_format(paths.schema_dir)
    documents = derived.counted_documents(catalogue)
    by_year = {r.year: r for r in reports if r.year is not None}
    warnings = []
    for report in reports:
        if report.meta is None or report.year is None:
            continue
        warnings += derived_warnings(report, fmt, documents)
        warnings += carry_over_warnings(report, by_year.get(report.year - 1), fmt)
        warnings += late_warnings(report) + draft_warnings(report, fmt)
    return warnings


def derived_warnings(report: Report, fmt: Format, documents) -> list[Problem]:
    """The counts of 二 第二十条第（一）项 that differ from the catalogue, both numbers named."""
    found, numbers = derived.basis(documents, report.year), valid_numbers(report, fmt)
    warnings = []
    for kind in DOC_KINDS:
        for column, docs in found[kind].items():
            path = (S2, DOCS, kind, column)
            if path in numbers and numbers[path] != len(docs):
                warnings.append(Problem(report.source, schema.line_of(report.lines, path), dotted(path), DIFFERS.format(
                    reported=number_text(numbers[path]), derived=len(docs),
                    basis=derived.explain(found, kind, column, report.year))))
    undated = [d for d in found["undated"] if d.kind in DOC_KINDS]
    for kind in DOC_KINDS:
        mine = [d for d in undated if d.kind == kind]
        if mine:
            warnings.append(Problem(report.source, schema.line_of(report.lines, (S2, DOCS, kind)), dotted((S2, DOCS, kind)),
                                    UNDATED.format(count=len(mine), kind=kind, names="、".join(f"{d.label}（{d.source}）" for d in mine))))
    return warnings


def carry_over_warnings(report: Report, previous: Report | None, fmt: Format) -> list[Problem]:
    if previous is None or previous.meta is None:
        return []
    mine, theirs = valid_numbers(report, fmt), valid_numbers(previous, fmt)
    cells = []
    for col in _columns(fmt):
        here, there = (S3, CARRIED_IN, col), (S3, CARRIED_OUT, col)
        if here in mine and there in theirs and mine[here] != theirs[there]:
            cells.append(f"{col}列 {number_text(mine[here])}（{previous.year} 年报告为 {number_text(theirs[there])}）")
    if not cells:
        return []
    path = (S3, CARRIED_IN)
    return [Problem(report.source, schema.line_of(report.lines, path), dotted(path),
                    CARRY_OVER.format(year=previous.year, cells="，".join(cells)))]


def late_warnings(report: Report) -> list[Problem]:
    day = parse_date(report.meta.get("发布日期"))
    deadline = dt.date(report.year + 1, 1, 31)
    if day and day > deadline:
        return [Problem(report.source, report.lines.get(("发布日期",)), "发布日期", LATE.format(date=day, deadline=deadline))]
    return []


def draft_warnings(report: Report, fmt: Format) -> list[Problem]:
    if report.is_published:
        return []
    empty = sum(1 for cell in fmt.cells() if _present(report.meta, cell.path) and get(report.meta, cell.path) is None)
    marks = report.text.count(PLACEHOLDER)
    return [Problem(report.source, report.lines.get(("状态",)), "状态", DRAFT_LEFT.format(cells=empty, marks=marks))]
