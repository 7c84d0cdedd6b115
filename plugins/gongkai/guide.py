"""公开指南 pages (content/pages/*.md): read, checked and rendered by the catalogue, like items.

Pelican reads nothing from content/ (pelicanconf.py), so neither a reStructuredText include nor
Pelican's {attach}/{static} copying can publish a file from elsewhere on the build machine. A
page is a few `Key: value` lines (Title, Slug, optionally Status), a blank line, then Markdown,
rendered and sanitised like an item body. Its links keep Pelican's spelling: {attach} and
{static} name a file under content/, which goes through the publish boundary (Boundary.accept)
and is published at its files/<hash> URL; {filename} names another page. `Status: draft` pages
are checked but never published. `Date` (发布日期) and `Modified` (更新日期), optional, are shown in
the page's header, as every 政府信息公开 page is dated.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import body, limits
from .boundary import Boundary, source_refusal
from .errors import Problem
from .frontmatter import decode
from .model import parse_date
from .render import BodyRenderer

PAGE_SUFFIX = ".md"
KEYS = {"title": "Title", "slug": "Slug", "status": "Status", "date": "Date", "modified": "Modified"}
DATE_KEYS = ("date", "modified")
STATUSES = ("published", "draft")
HEADER = re.compile(r"^([A-Za-z]+)[ \t]*:[ \t]*(.*?)[ \t]*$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INTRASITE = re.compile(r"^[{|]([^|}]*)[|}](.*)$", re.DOTALL)
PAGE_TOP_LEVEL = 2  # a page's body sits directly under its <h1> title

NOT_MARKDOWN = ("content/pages/ 中只能放 Markdown（.md）格式的公开指南页面；不支持 reStructuredText、HTML 等格式，"
                "附件请放在 content/attachments/")
BAD_HEADER = ("文件开头每行写一个“字段: 值”（英文冒号），例如 Title: 政府信息公开指南；"
              "字段写完后空一行再写正文")
UNKNOWN_KEY = ("公开指南页面只能写 Title（标题）、Slug（网址名）、Date（发布日期）、Modified（更新日期）和 "
               "Status（draft 表示草稿，不发布）五个字段")
BAD_DATE = "{key}“{value}”不是有效日期：请写成 YYYY-MM-DD，例如 2024-03-05"
MODIFIED_BEFORE_DATE = "Modified（更新日期）{modified} 早于 Date（发布日期）{date}：请核对"
DUPLICATE_KEY = "字段重复出现（第 {line} 行已有）：请删除其中一个"
MISSING = {"title": "缺少 Title（页面标题）：请在文件开头写一行 Title: 页面标题",
           "slug": "缺少 Slug（网址名）：请在文件开头写一行 Slug: 网址名（小写英文字母、数字和连字符，例如 guide）"}
BLANK_TITLE = "Title 没有可以显示的文字：请写出页面标题"
BAD_SLUG = "Slug“{value}”只能由小写英文字母、数字和连字符（-）组成，例如 guide：它是页面的网址"
DUPLICATE_SLUG = "Slug“{value}”与 {others} 相同：每个页面的网址名必须唯一"
BAD_STATUS = "Status 只能是 published（发布，默认）或 draft（草稿，不发布），实际为“{value}”"
UNSUPPORTED_LINK = ("不支持的链接写法“{link}”：公开指南中只能用 {{attach}} 或 {{static}} 链接 content/ 中的附件，"
                    "用 {{filename}} 链接其他公开指南页面")
NOT_A_PAGE = "链接“{link}”指向的不是 content/pages/ 中的公开指南页面：请写成 {{filename}}/pages/文件名.md"
DRAFT_TARGET = "链接“{link}”指向的页面是草稿（Status: draft），不会发布：请先发布该页面或删除链接"


@dataclass(eq=False)
class GuidePage:
    source: str          # display path, e.g. content/pages/政府信息公开指南.md
    path: Path
    meta: dict = field(default_factory=dict)   # title / slug / status as written
    lines: dict = field(default_factory=dict)  # key -> line
    body: str = ""
    body_line: int = 1
    html: str = ""
    files: list = field(default_factory=list)  # boundary.Publishable linked from the body
    valid: bool = True

    title = property(lambda self: self.meta.get("title", ""))
    date = property(lambda self: parse_date(self.meta.get("date")))
    modified = property(lambda self: parse_date(self.meta.get("modified")))
    slug = property(lambda self: self.meta.get("slug", ""))
    is_public = property(lambda self: self.meta.get("status", "published") == "published")
    url = property(lambda self: f"{self.slug}/")
    save_as = property(lambda self: f"{self.slug}/index.html")


def page_files(pages_dir: Path, content: Path, display) -> tuple[list[Path], list[Problem]]:
    """The .md files in content/pages/; any other file, folder or symlink out of content/ is reported."""
    files, problems = [], []
    if not pages_dir.is_dir():
        return files, problems
    for path in sorted(pages_dir.rglob("*")):
        name = path.name.lower()
        if name.startswith((".", "~$")) or name in ("thumbs.db", "desktop.ini", "readme.md"):
            continue
        refusal = source_refusal(path, content)
        if refusal or (path.is_file() and path.suffix.lower() != PAGE_SUFFIX):
            problems.append(Problem(display(path), None, "", refusal or NOT_MARKDOWN))
        elif path.is_file():
            files.append(path)
    return files, problems


def read_page(path: Path, display: str) -> tuple[GuidePage, list[Problem]]:
    """The header lines and the Markdown body of one page file; problems collected, not raised."""
    page = GuidePage(display, path)
    raw, problem = limits.read_bounded(path, display)
    text, problem = decode(raw, display) if raw is not None else (None, problem)
    if problem:
        page.valid = False
        return page, [problem]
    lines = text.split("\n")
    end = next((n for n, line in enumerate(lines) if not line.strip()), len(lines))
    page.body, page.body_line = "\n".join(lines[end + 1:]), end + 2
    problems = [p for n, line in enumerate(lines[:end], start=1) for p in _header_line(page, n, line)]
    problems += check_meta(page)
    page.valid = not problems
    return page, problems


def _header_line(page: GuidePage, line_no: int, line: str) -> list[Problem]:
    match = HEADER.match(line)
    if not match:
        return [Problem(page.source, line_no, "", BAD_HEADER)]
    key = match.group(1).lower()
    if key not in KEYS:
        return [Problem(page.source, line_no, match.group(1), UNKNOWN_KEY)]
    if key in page.meta:
        return [Problem(page.source, line_no, KEYS[key], DUPLICATE_KEY.format(line=page.lines[key]))]
    page.meta[key], page.lines[key] = match.group(2), line_no
    return []


def check_meta(page: GuidePage) -> list[Problem]:
    problems = [Problem(page.source, 1, KEYS[k], message) for k, message in MISSING.items() if k not in page.meta]
    if "title" in page.meta and not _visible(page.title):
        problems.append(Problem(page.source, page.lines["title"], "Title", BLANK_TITLE))
    if "slug" in page.meta and not SLUG.match(page.slug):
        problems.append(Problem(page.source, page.lines["slug"], "Slug", BAD_SLUG.format(value=page.slug)))
    status = page.meta.get("status", "published")
    if status not in STATUSES:
        problems.append(Problem(page.source, page.lines["status"], "Status", BAD_STATUS.format(value=status)))
    for key in DATE_KEYS:
        if key in page.meta and parse_date(page.meta[key]) is None:
            problems.append(Problem(page.source, page.lines[key], KEYS[key], BAD_DATE.format(key=KEYS[key], value=page.meta[key])))
    if page.date and page.modified and page.modified < page.date:
        problems.append(Problem(page.source, page.lines["modified"], "Modified",
                                MODIFIED_BEFORE_DATE.format(modified=page.modified, date=page.date)))
    return problems


def _visible(text: str) -> bool:
    """Some character that is neither a space, a control nor an invisible format character."""
    return any(unicodedata.category(ch)[0] not in "ZC" for ch in text)


def check_unique(pages: list[GuidePage]) -> list[Problem]:
    groups = defaultdict(list)
    for page in pages:
        if page.slug:
            groups[page.slug.casefold()].append(page)
    problems = []
    for group in (g for g in groups.values() if len(g) > 1):
        for page in group:
            others = "、".join(f"{o.source}:{o.lines['slug']}" for o in group if o is not page)
            problems.append(Problem(page.source, page.lines["slug"], "Slug", DUPLICATE_SLUG.format(value=page.slug, others=others)))
    return problems


class LinkResolver:
    """Rewrites one page's {attach}/{static}/{filename} links as the renderer meets them."""

    def __init__(self, page: GuidePage, by_path: dict, boundary: Boundary, problems: list):
        self.page, self.by_path, self.boundary, self.problems = page, by_path, boundary, problems
        self.content = boundary.content
        self.lines = page.body.split("\n")

    def __call__(self, _tag: str, _attribute: str, value: str):
        match = INTRASITE.match(value)
        if not match:
            return value
        what, target = match.groups()
        parts = urlsplit(target)
        path = unquote(parts.path)
        if what in ("attach", "static"):
            return self._file(value, path)
        if what == "filename":
            return self._page(value, path, parts.fragment)
        return self._refuse(value, UNSUPPORTED_LINK.format(link=body.clip(value)))

    def _file(self, value: str, path: str):
        file, reason = self.boundary.accept(path, base=self.page.path.parent)
        if reason:
            return self._refuse(value, reason)
        self.page.files.append(file)
        return "../" + file.url

    def _page(self, value: str, path: str, fragment: str):
        start = self.content if path.startswith("/") else self.page.path.parent
        target = self.by_path.get((start / path.lstrip("/")).resolve())
        if target is None:
            return self._refuse(value, NOT_A_PAGE.format(link=body.clip(value)))
        if not target.is_public:
            return self._refuse(value, DRAFT_TARGET.format(link=body.clip(value)))
        return f"../{target.url}" + (f"#{fragment}" if fragment else "")

    def _refuse(self, value: str, message: str):
        self.problems.append(Problem(self.page.source, self.page.body_line + body.locate(self.lines, value),
                                     body.FIELD, message))
        return None


def load_pages(pages_dir: Path, boundary: Boundary, display) -> tuple[list[GuidePage], list[Problem]]:
    """Every page read, checked (header, slugs, body rules, links) and rendered; `display(path)`
    gives the path shown in messages. Pages with problems are returned with valid=False."""
    files, problems = page_files(pages_dir, boundary.content, display)
    read = [read_page(path, display(path)) for path in files]
    pages = [page for page, _ in read]
    problems += [p for _, found in read for p in found] + check_unique(pages)
    by_path = {page.path.resolve(): page for page in pages}
    renderer = BodyRenderer(PAGE_TOP_LEVEL)
    for page in pages:
        found = limits.body_problems(page.body, page.body_line, page.source)
        rendered = None
        if not found:  # a body over a limit never reaches the renderer
            links = LinkResolver(page, by_path, boundary, found)
            rendered, failed = limits.render_checked(lambda text, links=links: renderer.render(text, links), page.body,
                                                     page.body_line, page.source)
            found += failed + body.body_problems(page.source, page.body, page.body_line, rendered)
        page.html, page.valid = rendered.html if rendered else "", page.valid and not found
        problems += found
    return pages, problems
