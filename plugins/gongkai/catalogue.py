"""Load and check the whole catalogue: every item file, both registries, the 公开指南 pages, and
the cross-file rules JSON Schema cannot state. Problems are collected, never raised one by one.

Each item file is read, schema-checked, rendered (for a build) and put through the per-item rules
(ITEM_RULES: 保密审查, 变更记录 dates, 公开时限 limits, placeholders) in one job, cached per file by content
(cache.ParseCache) and spread over the cores (parallel.py). project.load_project() runs this as
its first step.
"""
from __future__ import annotations

import difflib
import importlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from . import body, guide, limits, schema
from .boundary import Boundary, walk_sources
from .cache import ParseCache, derive_key
from .datafile import display
from .errors import Problem, dotted, quote
from .frontmatter import read_source
from .model import INTERNAL, Catalogue, Document, Item, parse_date
from .registry import load_categories, load_units
from .search.documents import plain_text
from .settings import Paths

ITEM_SUFFIXES = {".md"}
IGNORED_NAMES = {"thumbs.db", "desktop.ini", "readme.md"}
# The rules every item file is put through after its schema check, as 'module:function' names (a
# worker process imports them itself). An office's own come from GONGKAI_ITEM_CHECKS.
ITEM_RULES = ("gongkai.secrecy.scan:item_problems", "gongkai.history.notes:item_problems",
              "gongkai.freshness.limits:item_problems", "gongkai.gate:item_problems")
NOT_AN_ITEM = "事项文件必须以 .md 结尾（例如 低保名单.md）；如果是附件，格式应为 {names}"

# 公开信息 (documents): a .md file in the folder named after its item file, beside it
# (content/items/社会救助/低保名单.md -> content/items/社会救助/低保名单/2024-Q1.md). Where the file is
# says which item it belongs to, so an editor cannot mistype it and moving a document between
# items is a moved file, which the review report shows.
DOCUMENT_RULES = ("gongkai.secrecy.scan:document_problems", "gongkai.gate:item_problems")
LAYOUT = "例如事项 content/items/社会救助/低保名单.md 的公开信息放在文件夹 content/items/社会救助/低保名单/ 中"
DOCUMENT_MISPLACED = "这是一篇公开信息（有“标题”，没有“事项名称”），必须放在所属事项文件旁边、与事项文件同名的文件夹中：{why}"
NO_ITEM_BESIDE = "它所在的文件夹“{folder}/”旁边没有同名的事项文件“{folder}.md”{hint}（" + LAYOUT + "）"
AMONG_ITEMS = "它和事项文件放在了一起：请移到所属事项的文件夹中，例如事项 {item} 的公开信息放在 {folder}/ 中"
# A required field that an `if` in document.schema.json asks for: the line of the field that asks.
REQUIRED_BY = {"解读对象": ("文件类型", "文件类型为政策解读时必须写解读对象：被解读文件的索引号"),
               "失效日期": ("有效性", "有效性为失效或废止时必须写失效日期：文件失效或被废止的日期，YYYY-MM-DD")}
ITEM_IN_DOCUMENTS = ("这是一个公开事项（有“事项名称”），不能放在事项 {item} 的公开信息文件夹中：事项文件请移到 {parent}/ 下；"
                     "如果这是一篇公开信息，请把“事项名称”改为“标题”，并删除所属事项已有的字段")
NESTED_DOCUMENT = "公开信息文件必须直接放在事项的公开信息文件夹 {folder}/ 中，不能再分子文件夹：请移到 {folder}/ 下"
# Fields a document inherits from its item and must not repeat (公开对象 is allowed only as 内部).
INHERITED = ("一级事项", "二级事项", "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道", "渠道说明",
             "对象说明", "公开方式", "公开层级", "五公开")
INHERITED_MESSAGE = "由所属事项 {item} 决定，公开信息文件中不重复填写：请删除这一行{extra}"
INHERITED_EXTRA = {"公开主体": "（发文单位与公开主体不同时，写“发布机构”）"}


def item_files(paths: Paths, boundary: Boundary | None = None, documents: bool = False) -> tuple[list[Path], list[Problem]]:
    """Every item file under content/items/ at any depth (with `documents`, the 公开信息 files in
    the items' folders too: source_files tells them apart); stray non-item files are reported."""
    boundary = boundary or Boundary.of(paths)
    files, problems = [], []
    for path, refusal, is_file in walk_sources(paths.items_dir, paths.content):
        if refusal:
            problems.append(Problem(_relative(path, paths.root), None, "", refusal))
            continue
        if not is_file or _ignored(path):
            continue
        suffix = path.suffix.lower()
        if suffix in ITEM_SUFFIXES:
            files.append(path)
        elif suffix not in boundary.suffixes:
            problems.append(Problem(display(path, paths.root), None, "", NOT_AN_ITEM.format(names=boundary.names)))
    if not documents:
        owners = {}
        files = [f for f in files if _document_folder(f.parent, paths.items_dir, owners) is None]
    if not files and not problems:
        problems.append(Problem(display(paths.items_dir, paths.root), None, "", "没有找到任何事项文件（.md）"))
    return files, problems


def source_files(paths: Paths, boundary: Boundary | None = None):
    """(item files, document files, problems): every .md under content/items/, a document being a
    file in a folder that has a same-named item file beside it."""
    files, problems = item_files(paths, boundary, documents=True)
    items, documents, owners = [], [], {}
    for file in files:
        folder = _document_folder(file.parent, paths.items_dir, owners)
        if folder is None:
            items.append(file)
        elif folder == file.parent:
            documents.append(file)
        else:
            shown = _relative(folder, paths.root)
            problems.append(Problem(_relative(file, paths.root), None, "", NESTED_DOCUMENT.format(folder=shown)))
    return items, documents, problems


def _document_folder(folder: Path, top: Path, known: dict) -> Path | None:
    """The outermost folder at or above `folder` (below `top`) with an item file of its name
    beside it: the documents' folder `folder` lies in, or None (an item folder)."""
    if folder in known:
        return known[folder]
    if folder == top or top not in folder.parents:
        return None
    outer = _document_folder(folder.parent, top, known)
    known[folder] = outer or (folder if (folder.parent / (folder.name + ".md")).is_file() else None)
    return known[folder]


def _ignored(path: Path) -> bool:
    name = path.name.lower()
    return name.startswith((".", "~$")) or name in IGNORED_NAMES


def parse_item(path: Path, shown: str, validator) -> tuple[Item | None, list[Problem]]:
    """One file on its own: syntax, then schema. Cross-file rules come later."""
    source = read_source(path, shown, recover=True)
    if source.meta is None:
        return None, source.problems
    if "标题" in source.meta and "事项名称" not in source.meta:
        return None, source.problems + [misplaced_document(path, shown, source.lines.get(("标题",)))]
    problems = source.problems + schema.check(validator, source.meta, source.lines, shown, source.unread)
    item = Item(shown, source.meta, source.body, source.lines, source.body_line, valid=not problems,
                defaults=schema.defaults(validator.schema))
    return item, problems


def misplaced_document(path: Path, shown: str, line: int | None) -> Problem:
    """A document outside any item's folder: say where it should go (a did-you-mean on a misnamed
    folder, or an item beside it when it was put among the item files)."""
    folder, parent = path.parent, shown.rsplit("/", 1)[0]
    close = difflib.get_close_matches(folder.name, [p.stem for p in folder.parent.glob("*.md")], n=1, cutoff=0.5)
    beside = sorted(p.stem for p in folder.glob("*.md") if p != path)
    if close:
        why = NO_ITEM_BESIDE.format(folder=parent, hint=f"，是不是要放在“{parent.rsplit('/', 1)[0]}/{close[0]}/”中？")
    elif beside:
        why = AMONG_ITEMS.format(item=f"{parent}/{beside[0]}.md", folder=f"{parent}/{beside[0]}")
    else:
        why = NO_ITEM_BESIDE.format(folder=parent, hint="")
    return Problem(shown, line, "标题", DOCUMENT_MISPLACED.format(why=why))


def item_of(shown: str) -> str:
    """The item file a document's folder names: content/items/a/低保名单/x.md -> content/items/a/低保名单.md."""
    return shown.rsplit("/", 1)[0] + ".md"


def _asked_by(problem: Problem, lines: dict) -> Problem:
    """A field the schema requires because of another one: say why, on that one's line."""
    if problem.field in REQUIRED_BY and problem.message.startswith("缺少必填字段"):
        key, message = REQUIRED_BY[problem.field]
        return Problem(problem.path, lines.get((key,), problem.line), problem.field, message)
    return problem


def parse_document(path: Path, shown: str, validator) -> tuple[Document | None, list[Problem]]:
    """One 公开信息 file on its own: syntax, the fields its item decides, then its schema."""
    source = read_source(path, shown, recover=True)  # as items: one run names the other keys' problems too
    if source.meta is None:
        return None, source.problems
    meta, lines, item = source.meta, source.lines, item_of(shown)
    if "事项名称" in meta and "标题" not in meta:
        parent = item.rsplit("/", 1)[0]
        return None, source.problems + [Problem(shown, lines.get(("事项名称",)), "事项名称",
                                                ITEM_IN_DOCUMENTS.format(item=item, parent=parent))]
    repeated = [Problem(shown, lines.get((key,)), key, f"“{key}”" + INHERITED_MESSAGE.format(
        item=item, extra=INHERITED_EXTRA.get(key, ""))) for key in meta if key in INHERITED]
    own = {k: v for k, v in meta.items() if k not in INHERITED}
    problems = source.problems + repeated + [_asked_by(p, lines) for p in schema.check(validator, own, lines, shown, source.unread)]
    document = Document(shown, own, source.body, lines, source.body_line, valid=not problems,
                        defaults=schema.defaults(validator.schema), item_source=item)
    return document, problems


@dataclass
class ItemWork:
    """What happens to one file: parse, check the schema, render the body, run the per-item rules.
    Returns (item or None, the file's own problems, what the rules found).

    Holds only names and flags, so it can be sent to a worker process, which builds its own
    validator and renderer on first use."""

    schema_path: str
    index_pattern: str | None = None
    render: bool = False
    checks: tuple = ITEM_RULES
    document: bool = False  # a 公开信息 file (parse_document) rather than an item

    def __call__(self, job: tuple[Path, str]):
        file, shown = job
        validator, renderer, checks = self._tools()
        item, problems = (parse_document if self.document else parse_item)(file, shown, validator)
        if item:
            rendered, failed = None, []
            if (self.render or body.may_embed(item.body)) and limits.renderable(problems):
                rendered, failed = limits.render_checked(renderer.render, item.body, item.body_line, shown)
            found = body.body_problems(item.source, item.body, item.body_line, rendered) + failed
            item.valid, problems = item.valid and not found, problems + found
        if item and item.valid:
            if self.render:
                item.html, item.plain = rendered.html, plain_text(item.body)
            return item, problems, [p for check in checks for p in check(item)]
        return item, problems, (_checks_on_invalid(item, checks) if item else [])

    def _tools(self):
        tools = getattr(self, "_cached_tools", None)
        if tools is None:
            from .render import BodyRenderer

            tools = (schema.compiled(self.schema_path, self.index_pattern), BodyRenderer(),
                     [resolve(name) for name in self.checks])
            self._cached_tools = tools
        return tools

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_cached_tools"}


# What a per-item check may trip over in front matter that broke the schema (a missing key, a
# number where text belongs); the schema problems are reported already.
MALFORMED = (KeyError, TypeError, AttributeError, ValueError)


def _checks_on_invalid(item: Item, checks) -> list[Problem]:
    """Run the per-item checks (e.g. 保密审查) on an item the schema rejected, where they can run."""
    found = []
    for check in checks:
        try:
            found += check(item)
        except MALFORMED:
            pass
    return found


def resolve(name: str):
    """'package.module:function' -> the function (rules are named, so a worker imports them itself)."""
    module, _, func = name.partition(":")
    return getattr(importlib.import_module(module), func)


def load_catalogue(paths: Paths, index_pattern: str | None = None, cache_path: Path | None = None,
                   render: bool = False, extra_checks: tuple = ()) -> tuple[Catalogue, list[Problem], list[Problem]]:
    """Read and check everything: (the catalogue of valid items, the files' own problems, what the
    per-item rules found). Items the schema rejected are kept in catalogue.rejected.

    `render` fills item.html; ITEM_RULES and `extra_checks` (GONGKAI_ITEM_CHECKS) run once per
    file; with a cache, only for files changed since the last build."""
    boundary = Boundary.of(paths)
    categories, problems = load_categories(paths.schema_dir, paths.root)
    units, unit_problems = load_units(paths.schema_dir, paths.root)
    problems += unit_problems
    registry_problems = list(problems)
    schema_file = paths.item_schema
    schema.compiled(str(schema_file), index_pattern)  # a broken schema fails here, once, not per file
    work = ItemWork(str(schema_file), index_pattern, render, ITEM_RULES + tuple(extra_checks))
    schemas = sorted((p.name, p.read_bytes()) for p in paths.schema_dir.glob("*.json"))
    # The package's code is in every key; an office's own check may live elsewhere, so its source too.
    checks = [Path(importlib.import_module(name.partition(":")[0]).__file__).read_bytes() for name in extra_checks]
    parsed = ParseCache(cache_path, derive_key("items", schemas, checks, repr(work)), paths.root)
    files, document_files, file_problems = source_files(paths, boundary)
    problems += file_problems
    items, rejected, rule_problems = [], [], []
    jobs = [(f, _relative(f, paths.root)) for f in files]
    for (_file, shown), (item, item_problems, found) in zip(jobs, parsed.results(jobs, work)):
        problems += item_problems
        rule_problems += found
        if item:
            item.origin = parsed.origin(shown)
            (items if item.valid else rejected).append(item)
    parsed.save()
    pages, page_problems = guide.load_pages(paths.pages_dir, boundary, lambda p: _relative(p, paths.root))
    problems += page_problems
    catalogue = Catalogue(categories, units, items, pages, rejected, registry_problems)
    found = load_documents(catalogue, paths, document_files, index_pattern, cache_path, render, problems)
    # A document under an 内部 item is never published, so its 保密审查 findings do not apply.
    rule_problems += [p for document, problems_of in found if document.is_public for p in problems_of]
    problems += cross_check(catalogue, boundary, registries_ok=bool(categories and units))
    return catalogue, problems, rule_problems


def load_documents(catalogue: Catalogue, paths: Paths, files: list[Path], index_pattern, cache_path, render,
                   problems: list[Problem]) -> list:
    """Parse every 公开信息 file (cached apart from items: the same file may change kind when an
    item file appears beside its folder), link each to its item; [(document, what its rules found)]."""
    if not files:
        return []
    work = ItemWork(str(paths.document_schema), index_pattern, render, DOCUMENT_RULES, document=True)
    schema.compiled(work.schema_path, index_pattern)
    store = cache_path.with_name(cache_path.stem + "-documents" + cache_path.suffix) if cache_path else None
    parsed = ParseCache(store, derive_key("documents", paths.document_schema.read_bytes(), repr(work)), paths.root)
    found, jobs = [], [(f, _relative(f, paths.root)) for f in files]
    for (_file, shown), (document, document_problems, rules) in zip(jobs, parsed.results(jobs, work)):
        problems += document_problems
        if document:
            document.origin = parsed.origin(shown)
            (catalogue.documents if document.valid else catalogue.rejected_documents).append(document)
            found.append((document, rules))
    parsed.save()
    catalogue.link_documents()
    problems += unowned(catalogue)
    return found


NOT_AN_ITEM_BESIDE = ("所在文件夹旁边的 {item} 不是会发布的事项文件（文件名以“.”或“~$”开头，或为 readme.md 等），"
                      "这篇公开信息不会发布：请把事项文件改为普通的名称，文件夹也改为同名")


def unowned(catalogue: Catalogue) -> list[Problem]:
    """Documents whose folder's item file is never read as an item (a skipped name): said once
    per document, never silently unpublished. (An item that fails its schema is reported itself.)"""
    known = {i.source for i in catalogue.items + catalogue.rejected}
    return [Problem(d.source, None, "", NOT_AN_ITEM_BESIDE.format(item=d.item_source))
            for d in catalogue.documents + catalogue.rejected_documents if d.item_source not in known]


def _relative(file: Path, root: Path) -> str:
    """Display path; item_files() walks the resolved items folder, so resolving again is rarely needed."""
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return display(file, root)


def cross_check(catalogue: Catalogue, boundary: Boundary, registries_ok: bool = True) -> list[Problem]:
    """Rules across files. Items the schema rejected still take part where their values are text,
    so an editor is not sent back a second time for a problem that could be named now."""
    problems = []
    rejected = catalogue.rejected
    for item in catalogue.items:
        if registries_ok:
            problems += check_registered(item, catalogue)
        problems += check_dates(item) + check_attachments(item, boundary)
    for item in rejected:
        if registries_ok:
            problems += check_registered(item, catalogue)
        problems += check_dates(item)
    textual = [i for i in rejected + catalogue.rejected_documents if isinstance(i.meta.get("索引号"), str)]
    for document in catalogue.documents + catalogue.rejected_documents:
        if registries_ok:
            problems += check_publisher(document, catalogue)
    targets = Targets(catalogue)
    for document in catalogue.documents:
        problems += check_document_dates(document) + check_attachments(document, boundary)
        problems += check_references(document, targets)
    problems += check_unique(catalogue.items + catalogue.documents + textual)
    return _dedupe(problems)


def check_publisher(document: Document, catalogue: Catalogue) -> list[Problem]:
    name = document.meta.get("发布机构")
    if isinstance(name, str) and catalogue.unit(name) is None:
        return [_unregistered(document, "发布机构", [u.name for u in catalogue.units], "schema/units.yaml")]
    return []


def check_document_dates(document: Document) -> list[Problem]:
    formed, published, ended = document.formed, document.published, document.ended
    problems = []
    if formed and published and formed > published:
        problems.append(Problem(document.source, document.lines.get(("成文日期",)), "成文日期",
                                f"成文日期 {formed} 晚于发布日期 {published}：文件应先成文、后发布，请核对两个日期"))
    if ended and formed and ended < formed:
        problems.append(Problem(document.source, document.lines.get(("失效日期",)), "失效日期",
                                f"失效日期 {ended} 早于成文日期 {formed}：请核对日期"))
    return problems


# Fields naming another document by its 索引号, and what the named one must be.
REFERENCES = {"解读对象": "被解读的文件", "替代文件": "替代文件"}


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


class Targets:
    """The documents a 解读对象 or 替代文件 may name, by 索引号, looked up at once (a body's thousands
    of 政策解读 each scanned every document: quadratic at 50,000). `rejected`: the 索引号 of documents
    refused for problems of their own."""

    def __init__(self, catalogue: Catalogue):
        self.valid: dict = {}
        for document in catalogue.documents:
            self.valid.setdefault(document.index_no, document)  # the first, as Catalogue.document
        self.rejected = set()
        for document in catalogue.rejected_documents:  # 索引号 as written: text, or by mistake a list of texts
            written = document.meta.get("索引号")
            self.rejected |= {w for w in (written if isinstance(written, list) else [written]) if isinstance(w, str)}
        self.documents = catalogue.documents
        self._public: list | None = None

    def public(self) -> list[str]:
        """The 索引号 a did-you-mean may suggest: never an 内部 one."""
        if self._public is None:
            self._public = [d.index_no for d in self.documents if d.own_public]
        return self._public


def check_references(document: Document, targets: Targets) -> list[Problem]:
    """解读对象 and 替代文件 name another 公开信息 of this catalogue (by 索引号), with a did-you-mean."""
    problems = []
    for key, what in REFERENCES.items():
        value = document.meta.get(key)
        if value is None:
            continue
        line = document.lines.get((key,))
        if value == document.index_no:
            problems.append(Problem(document.source, line, key, f"{what}不能是这篇公开信息自己（{quote(value)}）"))
            continue
        target = targets.valid.get(value)
        if target is None and value in targets.rejected:
            continue  # it is there, refused for its own problems (reported): not "no such document" too
        if target is None:
            known = targets.public()
            close = [c for c in difflib.get_close_matches(value, known, n=3, cutoff=0.8) if c != document.index_no][:2]
            # 索引号 differ in a few digits: suggest one only when it is clearly the nearest
            unique = close and (len(close) == 1 or _ratio(value, close[0]) > _ratio(value, close[1]))
            hint = f"是不是“{close[0]}”？" if unique else "请照抄那篇公开信息文件开头的索引号。"
            problems.append(Problem(document.source, line, key, f"索引号“{quote(value)}”不是本目录中的任何一篇公开信息：{hint}"))
        elif key == "解读对象" and target.meta.get("公开对象") == INTERNAL and document.own_public:
            problems.append(Problem(document.source, line, key, f"被解读的文件 {target.source} 是内部公开的，公开的解读不能链接到它"))
    return problems


def check_registered(item: Item, catalogue: Catalogue) -> list[Problem]:
    """一级/二级事项 and 公开主体 must be in the registries (with a did-you-mean)."""
    problems, meta = [], item.meta
    text = {key: isinstance(meta.get(key), str) for key in ("一级事项", "二级事项", "公开主体")}
    category = catalogue.category(meta.get("一级事项"))
    if category is None:
        if text["一级事项"]:
            problems.append(_unregistered(item, "一级事项", [c.name for c in catalogue.categories], "schema/categories.yaml"))
    elif text["二级事项"] and category.sub(meta["二级事项"]) is None:
        names = [s.name for s in category.subcategories]
        problems.append(_unregistered(item, "二级事项", names, f"schema/categories.yaml 中“{category.name}”下"))
    if text["公开主体"] and catalogue.unit(meta["公开主体"]) is None:
        problems.append(_unregistered(item, "公开主体", [u.name for u in catalogue.units], "schema/units.yaml"))
    return problems


def _unregistered(item: Item, key: str, names: list[str], where: str) -> Problem:
    value = item.meta[key]
    close = difflib.get_close_matches(value, names, n=1, cutoff=0.5)
    hint = f"是不是“{close[0]}”？" if close else f"可选：{'、'.join(names[:12])}{'等' if len(names) > 12 else ''}。"
    return Problem(item.source, item.lines.get((key,)), key,
                   f"“{quote(value)}”没有登记在 {where}。{hint}如确需新增，请先在登记表中添加")


def check_dates(item: Item) -> list[Problem]:
    """更新日期 before 发布日期; for a rejected item too (parse_date reads only valid dates)."""
    published, updated = parse_date(item.meta.get("发布日期")), parse_date(item.meta.get("更新日期"))
    if updated and published and updated < published:
        return [Problem(item.source, item.lines.get(("更新日期",)), "更新日期",
                        f"更新日期 {item.meta['更新日期']} 早于发布日期 {item.meta['发布日期']}：更新日期不能早于发布日期")]
    return []


def check_attachments(item: Item, boundary: Boundary) -> list[Problem]:
    """Every 附件 must pass the publish boundary (Boundary.accept), the same test the copy makes."""
    problems = []
    for i, attachment in enumerate(item.meta.get("附件", [])):
        _file, reason = boundary.accept(attachment["文件"])
        if reason:
            problems.append(Problem(item.source, item.lines.get(("附件", i, "文件")), dotted(("附件", i, "文件")), reason))
    return problems


def check_unique(items: list[Item]) -> list[Problem]:
    """Both files are named, so the editor can decide which one to change."""
    problems = _collisions(items, lambda i: i.index_no,
                           lambda i, others: f"索引号“{quote(i.index_no)}”与 {others} 重复：每个事项的索引号必须唯一"
                           + ("（公开信息的索引号也不能与任何事项或其他公开信息相同）" if _any_document(items) else ""))
    problems += _collisions(items, lambda i: i.slug.casefold(),
        lambda i, others: f"索引号“{quote(i.index_no)}”与 {others} 会生成同一个网页地址 items/{quote(i.slug)}/：请改用不同的索引号",
        distinct_only=True)
    # Same title and 文号: a file copied and not changed (two real items may share a title, not a 文号).
    return problems + _collisions([i for i in items if _text(i, "事项名称") and _text(i, "文号")],
        lambda i: (i.meta["事项名称"].strip(), "".join(i.meta["文号"].split())), COPIED, distinct_only=True, field="事项名称")


COPIED = ("事项名称“{title}”和文号“{number}”都与 {others} 相同，像是复制后没有改的同一个事项："
          "请改写其中一个，或删除重复的文件")


def _text(item: Item, key: str) -> bool:
    return isinstance(item.meta.get(key), str) and bool(item.meta[key].strip())


def _any_document(items) -> bool:
    return any(isinstance(i, Document) for i in items)


def _collisions(items: list[Item], key, message, distinct_only: bool = False, field: str = "索引号") -> list[Problem]:
    groups = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    problems = []
    for group in groups.values():
        if len(group) < 2 or (distinct_only and len({i.index_no for i in group}) == 1):
            continue  # identical 索引号 are already reported as duplicates
        for item in group:
            others = "、".join(f"{o.source}:{o.lines.get((field,))}" for o in group if o is not item)
            text = (message.format(title=quote(item.meta["事项名称"]), number=quote(item.meta["文号"]), others=others)
                    if isinstance(message, str) else message(item, others))
            problems.append(Problem(item.source, item.lines.get((field,)), field, text))
    return problems


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
