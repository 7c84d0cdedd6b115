"""Reading one annual report file: content/reports/<anything>.md, numbers in the front matter and
the text sections 一、五、六 in the Markdown body.

The front matter goes through the catalogue's own reader (catalogue.frontmatter: size limit, UTF-8
and GBK hints, tab and full-width colon hints, duplicate keys, line marks). On top of that the
YAML is composed once more to keep, for every number, the text exactly as written and where it
stands in the file: YAML reads 017 as 15 and 1:30 as 90, so the checks look at what the editor
typed, and `invoke report-draft` fills an empty cell in place without touching anything else.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from catalogue import boundary, limits
from catalogue.errors import Problem
from catalogue.frontmatter import FENCE, Loader, decode, parse_text

REPORTS_DIR = "reports"
MAX_REPORT_BYTES = 512 * 1024  # a report is a few pages of text and some 200 numbers
IGNORED_NAMES = {"thumbs.db", "desktop.ini", "readme.md"}
NOT_A_REPORT = ("content/reports/ 中只能放年度报告的 .md 文件（每个年度一个，例如 2025年政府信息公开工作年度报告.md）；"
                "附件请放在 content/attachments/")

HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
CODE_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
SECTION_LEVEL = 2  # "# " and "## " start a section of the report; "### " and deeper are sub-headings


@dataclass
class Scalar:
    """A value in the front matter as written: its text, YAML tag and character span in the file."""

    raw: str
    tag: str
    quoted: bool
    start: int
    end: int


@dataclass
class Section:
    title: str
    level: int
    line: int       # the heading's line in the file
    text: str = ""  # the Markdown under it, up to the next section heading
    first_line: int = 0  # file line of the first line of `text`


@dataclass(eq=False)
class Report:
    source: str  # display path, e.g. content/reports/2025年政府信息公开工作年度报告.md
    path: Path
    text: str = ""  # the decoded file (LF line ends)
    meta: dict | None = None
    lines: dict = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    scalars: dict = field(default_factory=dict)  # path -> Scalar, for every scalar in the front matter
    preface: Section | None = None  # text before the first section heading
    sections: list = field(default_factory=list)  # Section, in file order
    html: dict = field(default_factory=dict)  # section title (or "前言") -> rendered HTML
    files: list = field(default_factory=list)  # boundary.Publishable linked from the body
    valid: bool = True

    @property
    def year(self):
        year = (self.meta or {}).get("年度")
        return year if isinstance(year, int) and not isinstance(year, bool) else None

    is_published = property(lambda self: (self.meta or {}).get("状态") == "发布")
    title = property(lambda self: self.meta["标题"])
    body_of = property(lambda self: self.meta["报告机关"])
    published = property(lambda self: self.meta.get("发布日期"))
    url = property(lambda self: f"reports/{self.year}/")
    save_as = property(lambda self: f"reports/{self.year}/index.html")

    def section(self, title: str) -> Section | None:
        return next((s for s in self.sections if s.title == title), None)


def reports_dir(content: Path) -> Path:
    return Path(content) / REPORTS_DIR


def report_files(content: Path, display) -> tuple[list[Path], list[Problem]]:
    """Every .md under content/reports/ (any depth); other files and symlinks out of content/ are reported."""
    folder, files, problems = reports_dir(content), [], []
    if not folder.is_dir():
        return files, problems
    for path in sorted(folder.rglob("*")):
        name = path.name.lower()
        if name.startswith((".", "~$")) or name in IGNORED_NAMES:
            continue
        refusal = boundary.source_refusal(path, content)
        if refusal:
            problems.append(Problem(display(path), None, "", refusal))
        elif path.is_file() and path.suffix.lower() == ".md":
            files.append(path)
        elif path.is_file():
            problems.append(Problem(display(path), None, "", NOT_A_REPORT))
    return files, problems


def read_report(path: Path, display: str) -> tuple[Report, list[Problem]]:
    """The file read and split; problems of syntax collected (the schema and the rules come later)."""
    report = Report(display, path)
    raw, problem = limits.read_bounded(path, display, MAX_REPORT_BYTES)
    text, problem = decode(raw, display) if raw is not None else (None, problem)
    if problem:
        report.valid = False
        return report, [problem]
    return parse_report(text, report)


def parse_report(text: str, report: Report) -> tuple[Report, list[Problem]]:
    source = parse_text(text, report.source)
    report.text, report.meta, report.lines = text, source.meta, source.lines
    report.body, report.body_line = source.body, source.body_line
    if isinstance(report.meta, dict):
        report.scalars = scalars(text)
    report.preface, report.sections = split_sections(report.body, report.body_line)
    report.valid = not source.problems and isinstance(report.meta, dict)
    return report, source.problems


def scalars(text: str) -> dict:
    """path -> Scalar for every scalar of the front matter; offsets are into the whole file text.
    Only called once frontmatter.parse_text has loaded the same YAML without a problem."""
    lines = text.split("\n")
    close = next(i for i in range(1, len(lines)) if FENCE.match(lines[i]))
    start = len(lines[0]) + 1
    loader = Loader("\n".join(lines[1:close]) + "\n")
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    found: dict = {}
    _walk(root, (), start, found)
    return found


def _walk(node, path: tuple, offset: int, found: dict) -> None:
    if isinstance(node, yaml.ScalarNode):
        found[path] = Scalar(node.value, node.tag, node.style is not None, node.start_mark.index + offset,
                             node.end_mark.index + offset)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _walk(value, path + (key.value,), offset, found)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _walk(value, path + (index,), offset, found)


def split_sections(body: str, body_line: int) -> tuple[Section, list[Section]]:
    """The body cut at its "# " and "## " headings (not inside fenced code)."""
    preface = Section("前言", 0, body_line, first_line=body_line)
    sections, current, fence, chunk = [], preface, None, []
    for number, line in enumerate(body.split("\n"), start=body_line):
        marker = CODE_FENCE.match(line)
        if marker and (fence is None or marker.group(1)[0] == fence):
            fence = None if fence else marker.group(1)[0]
        heading = HEADING.match(line) if fence is None else None
        if heading and len(heading.group(1)) <= SECTION_LEVEL:
            current.text = "\n".join(chunk)
            current = Section(heading.group(2).strip(), len(heading.group(1)), number, first_line=number + 1)
            sections.append(current)
            chunk = []
        else:
            chunk.append(line)
    current.text = "\n".join(chunk)
    return preface, sections
