"""`invoke report-draft YEAR`: a year's report pre-filled from what the repository already knows.

From the catalogue: the counts of 二 第二十条第（一）项 (derived.derived_counts) and the number of
主动公开 documents, written into the text of 一. From last year's report: 二、上年结转 (= its
四、结转下年度继续办理) and the 报告机关. Everything only the office knows is left empty, and the
text carries “【待填写：…】” marks that a published report may not keep.

An existing report is never rewritten: only its empty cells among those above are filled, in
place (comments, order and every other character stay as the editor left them). A filled cell
that differs from the catalogue is kept and named; `force=True` replaces those cells, and
nothing else.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import format_report
from ..project import load_project
from ..settings import settings_for
from . import derived
from .checks import PLACEHOLDER, number_text, valid_numbers
from .layout import (
    CARRIED_IN,
    CARRIED_OUT,
    DOC_KINDS,
    DOCS,
    FEE,
    IN_FORCE,
    MADE,
    OVERVIEW_PARTS,
    S2,
    S3,
    TABLES,
    TEXT_SECTIONS,
    Format,
    get,
    load_format,
    short,
)
from .source import Report, reports_dir

FILE_NAME = "{year}年政府信息公开工作年度报告.md"
TODO = "【待填写：{what}】"
INDENT = "  "


@dataclass
class Fill:
    path: tuple
    value: object
    why: str  # where the value comes from, in Chinese


@dataclass
class Outcome:
    lines: list = field(default_factory=list)
    code: int = 0

    def say(self, text: str) -> None:
        self.lines.append(text)


def draft_report(root: Path, year: int, force: bool = False, stream=None) -> int:
    """Write or complete content/reports/<year>…md; print what was filled and from where."""
    stream = stream or sys.stdout
    outcome = run(Path(root), year, force)
    print("\n".join(outcome.lines), file=stream)
    return outcome.code


def run(root: Path, year: int, force: bool) -> Outcome:
    outcome = Outcome()
    project = load_project(settings_for(root))
    paths, catalogue, problems = project.paths, project.catalogue, project.file_problems
    if problems:
        outcome.say(f"提醒：目录中有 {len(problems)} 个问题（python3 -m invoke validate 列出），有问题的事项没有计入统计。")
    reports = project.reports
    fmt = load_format(paths.schema_dir)
    mine = [r for r in reports if r.year == year]
    previous = next((r for r in reports if r.year == year - 1 and r.meta is not None), None)
    found = derived.basis(derived.counted_documents(catalogue), year)
    fills = catalogue_fills(found, year) + carry_over_fills(previous, fmt)
    if len(mine) > 1:
        outcome.say(f"{year} 年度已有 {len(mine)} 份报告（{'、'.join(r.source for r in mine)}）：请先合并为一份。")
        outcome.code = 1
    elif mine:
        update(mine[0], fills, force, outcome)
    else:
        create(root, paths, year, fmt, fills, found, previous, outcome)
    if outcome.code == 0:
        outcome.say("统计口径：" + derived.counting_rule(catalogue) + "。")
        outcome.say(NEXT_STEPS)
    return outcome


NEXT_STEPS = ("其余空格和正文中的“【待填写】”由本机关填写：二中行政许可、行政处罚、行政强制的处理决定数量和行政事业性收费金额"
              "向业务和财务部门核实；三取自依申请公开台账，四取自行政复议、行政诉讼台账。填写完整后把“状态: 草稿”改为"
              "“状态: 发布”，写上发布日期，再运行 python3 -m invoke validate。")


def catalogue_fills(found: dict, year: int) -> list[Fill]:
    return [Fill((S2, DOCS, kind, column), len(found[kind][column]), "目录统计：" + derived.explain(found, kind, column, year))
            for kind in DOC_KINDS for column in found[kind]]


def carry_over_fills(previous: Report | None, fmt: Format) -> list[Fill]:
    """二、上年结转 = last year's 四、结转下年度继续办理, column by column, when that report has them."""
    if previous is None:
        return []
    numbers = valid_numbers(previous, fmt)
    fills = []
    for path, value in numbers.items():
        if path[:2] == (S3, CARRIED_OUT):
            why = f"取自 {previous.year} 年报告“{CARRIED_OUT}”（{previous.source}）"
            fills.append(Fill((S3, CARRIED_IN) + path[2:], value, why))
    return fills


def _label(path: tuple) -> str:
    return " ".join(short(p) for p in path)


# ---------------------------------------------------------------- completing an existing report

def update(report: Report, fills: list[Fill], force: bool, outcome: Outcome) -> None:
    if report.meta is None:
        outcome.say(f"{report.source} 无法读取，没有改动。请先按下面的提示修改：")
        outcome.say(format_report(_syntax_problems(report)))
        outcome.code = 1
        return
    edits, kept = [], []
    for fill in fills:
        scalar, current = report.scalars.get(fill.path), get(report.meta, fill.path)
        if scalar is None:
            outcome.say(f"  {_label(fill.path)}：文件中没有这一格，未填写（{fill.why}）")
        elif current is None or (force and current != fill.value):
            edits.append((scalar, fill))
        elif current != fill.value:
            kept.append(f"  {_label(fill.path)}：保留已填写的 {number_text(current) if isinstance(current, (int, float)) else current}"
                        f"（{fill.why}，为 {fill.value}；加 --force 改为该值）")
    text = report.text
    for scalar, fill in sorted(edits, key=lambda e: -e[0].start):
        value = str(fill.value)
        if scalar.start == scalar.end and text[scalar.start - 1:scalar.start] == ":":
            value = " " + value
        text = text[:scalar.start] + value + text[scalar.end:]
    if edits:
        _write_like(report.path, text)
    outcome.say(f"已补填 {report.source} 中的 {len(edits)} 格：" if edits else f"{report.source} 没有需要补填的空格。")
    outcome.lines += [f"  {_label(f.path)} = {f.value}：{f.why}" for _s, f in sorted(edits, key=lambda e: e[0].start)]
    outcome.lines += kept


def _syntax_problems(report: Report):
    from .source import read_report

    return read_report(report.path, report.source)[1]


def _write_like(path: Path, text: str) -> None:
    """Write the edited text back with the file's own BOM and line ends."""
    raw = path.read_bytes()
    if b"\r\n" in raw:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b"") + data)


# ---------------------------------------------------------------- a new report

def create(root: Path, paths, year: int, fmt: Format, fills: list[Fill], found: dict, previous: Report | None,
           outcome: Outcome) -> None:
    folder = reports_dir(paths.content)
    target = folder / FILE_NAME.format(year=year)
    if target.exists():
        outcome.say(f"{target.relative_to(root).as_posix()} 已存在，但不是 {year} 年度的报告（年度字段不同或无法读取）："
                    "请检查该文件，或把它改名后再运行。")
        outcome.code = 1
        return
    body = previous.meta.get("报告机关") if previous else None
    body = body if isinstance(body, str) and PLACEHOLDER not in body else None
    values = {fill.path: fill.value for fill in fills}
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(render_new(year, fmt, values, found, body), encoding="utf-8")
    outcome.say(f"已新建 {target.relative_to(root).as_posix()}（状态：草稿，不会发布）。已填写：")
    outcome.lines += [f"  {_label(f.path)} = {f.value}：{f.why}" for f in fills]
    outcome.say(f"  一、总体情况（正文）：本年主动公开政府信息 {len(found[derived.PROACTIVE])} 条"
                f"（目录中发布日期在 {year} 年的主动公开事项{'和公开信息' if any(d.document for d in found[derived.PROACTIVE]) else ''}）")
    if body:
        outcome.say(f"  报告机关 = {body}：取自 {previous.year} 年报告")


HEADER = """# 政府信息公开工作年度报告（国办公开办函〔2021〕30号格式），由 invoke report-draft 生成的草稿。
# 每个数字写在对应的“列名: ”之后（一行是表格的一行）；冒号后留空表示还没有填写，没有的填 0。
# 第二部分规章、行政规范性文件的件数和第三部分“上年结转”已从目录和上一年度报告中统计，请核对。
# 全部填写后：状态改为“发布”，写上发布日期（例如 发布日期: {deadline}），运行 python3 -m invoke validate。"""


def render_new(year: int, fmt: Format, values: dict, found: dict, body: str | None) -> str:
    lines = ["---", HEADER.format(deadline=f"{year + 1}-01-20"), f"年度: {year}",
             f"标题: {body or TODO.format(what='报告机关')}{year}年政府信息公开工作年度报告",
             f"报告机关: {body or TODO.format(what='报告机关，例如 示例县人民政府')}", "状态: 草稿"]
    for key in TABLES:
        lines.append(f"{key}:")
        lines += _yaml_rows(fmt, fmt.table(key), (key,), values, INDENT)
    lines.append(f"{FEE}: {_cell(values.get((FEE,)))}")
    lines += ["---", render_body(year, found, body)]
    return "\n".join(lines) + "\n"


def _yaml_rows(fmt: Format, spec: dict, path: tuple, values: dict, indent: str) -> list[str]:
    """One line per table row, as a flow mapping of its columns; groups as nested keys."""
    out = []
    for key, child in fmt.children(spec):
        if child.get("x-row"):
            cells = ", ".join(f"{column}: {_cell(values.get(path + (key, column)))}" for column, _c in fmt.children(child))
            out.append(f"{indent}{key}: {{{cells}}}")
        else:
            out.append(f"{indent}{key}:")
            out += _yaml_rows(fmt, child, path + (key,), values, indent + INDENT)
    return out


def _cell(value) -> str:
    return "" if value is None else number_text(value)


def render_body(year: int, found: dict, body: str | None) -> str:
    who = body or "本机关"
    kinds = found["行政规范性文件"]
    overview = [
        f"本报告依据《中华人民共和国政府信息公开条例》第四十九条、第五十条和国务院办公厅政府信息与政务公开办公室印发的"
        f"年度报告格式编制，所列数据的统计期限为{year}年1月1日至{year}年12月31日。",
        "", f"## {TEXT_SECTIONS[0]}", "",
        f"{year}年，{who}{TODO.format(what='概述本年度政府信息公开工作的总体情况')}", "",
        f"### {OVERVIEW_PARTS[0]}", "",
        f"全年主动公开政府信息 {len(found[derived.PROACTIVE])} 条，其中制发行政规范性文件 {len(kinds[MADE])} 件，"
        f"年末现行有效行政规范性文件 {len(kinds[IN_FORCE])} 件。{TODO.format(what='主动公开的重点领域、政策解读和回应关切情况')}",
    ]
    for part, what in zip(OVERVIEW_PARTS[1:], ("申请的受理、办理和答复情况", "政府信息的制作、审查、发布和管理情况",
                                               "政府网站、政务新媒体等公开平台的建设情况", "考核、社会评议、责任追究和培训情况")):
        overview += ["", f"### {part}", "", TODO.format(what=what)]
    overview += ["", f"## {TEXT_SECTIONS[1]}", "", TODO.format(what="上一年度问题的改进情况，本年度存在的主要问题和改进措施"),
                 "", f"## {TEXT_SECTIONS[2]}", "",
                 TODO.format(what="信息处理费以外需要报告的事项，如人大代表建议和政协委员提案办理结果公开、年度政务公开工作要点落实情况；没有的写“无”")]
    return "\n".join(overview)
