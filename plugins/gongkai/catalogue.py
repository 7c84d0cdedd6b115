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
from .boundary import Boundary, source_refusal
from .cache import ParseCache, derive_key
from .datafile import display
from .errors import Problem, dotted, quote
from .frontmatter import read_source
from .model import Catalogue, Item, parse_date
from .registry import load_categories, load_units
from .settings import Paths

ITEM_SUFFIXES = {".md"}
IGNORED_NAMES = {"thumbs.db", "desktop.ini", "readme.md"}
# The rules every item file is put through after its schema check, as 'module:function' names (a
# worker process imports them itself). An office's own come from GONGKAI_ITEM_CHECKS.
ITEM_RULES = ("gongkai.secrecy.scan:item_problems", "gongkai.history.notes:item_problems",
              "gongkai.freshness.limits:item_problems", "gongkai.gate:item_problems")
NOT_AN_ITEM = "事项文件必须以 .md 结尾（例如 低保名单.md）；如果是附件，格式应为 {names}"


def item_files(paths: Paths, boundary: Boundary | None = None) -> tuple[list[Path], list[Problem]]:
    """Every item file under content/items/ at any depth; stray non-item files are reported."""
    boundary = boundary or Boundary.of(paths)
    files, problems = [], []
    for path in sorted(paths.items_dir.rglob("*")):
        refusal = source_refusal(path, paths.content)
        if refusal:
            problems.append(Problem(_relative(path, paths.root), None, "", refusal))
            continue
        if not path.is_file() or _ignored(path):
            continue
        suffix = path.suffix.lower()
        if suffix in ITEM_SUFFIXES:
            files.append(path)
        elif suffix not in boundary.suffixes:
            problems.append(Problem(display(path, paths.root), None, "", NOT_AN_ITEM.format(names=boundary.names)))
    if not files and not problems:
        problems.append(Problem(display(paths.items_dir, paths.root), None, "", "没有找到任何事项文件（.md）"))
    return files, problems


def _ignored(path: Path) -> bool:
    name = path.name.lower()
    return name.startswith((".", "~$")) or name in IGNORED_NAMES


def parse_item(path: Path, shown: str, validator) -> tuple[Item | None, list[Problem]]:
    """One file on its own: syntax, then schema. Cross-file rules come later."""
    source = read_source(path, shown, recover=True)
    if source.meta is None:
        return None, source.problems
    problems = source.problems + schema.check(validator, source.meta, source.lines, shown, source.unread)
    item = Item(shown, source.meta, source.body, source.lines, source.body_line, valid=not problems,
                defaults=schema.defaults(validator.schema))
    return item, problems


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

    def __call__(self, job: tuple[Path, str]):
        file, shown = job
        validator, renderer, checks = self._tools()
        item, problems = parse_item(file, shown, validator)
        if item:
            rendered, failed = None, []
            if (self.render or body.may_embed(item.body)) and limits.renderable(problems):
                rendered, failed = limits.render_checked(renderer.render, item.body, item.body_line, shown)
            found = body.body_problems(item.source, item.body, item.body_line, rendered) + failed
            item.valid, problems = item.valid and not found, problems + found
        if item and item.valid:
            if self.render:
                item.html = rendered.html
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
    files, file_problems = item_files(paths, boundary)
    problems += file_problems
    items, rejected, rule_problems = [], [], []
    jobs = [(f, _relative(f, paths.root)) for f in files]
    for item, item_problems, found in parsed.results(jobs, work):
        problems += item_problems
        rule_problems += found
        if item:
            (items if item.valid else rejected).append(item)
    parsed.save()
    pages, page_problems = guide.load_pages(paths.pages_dir, boundary, lambda p: _relative(p, paths.root))
    problems += page_problems
    catalogue = Catalogue(categories, units, items, pages, rejected, registry_problems)
    problems += cross_check(catalogue, boundary, registries_ok=bool(categories and units))
    return catalogue, problems, rule_problems


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
    textual = [i for i in rejected if isinstance(i.meta.get("索引号"), str)]
    problems += check_unique(catalogue.items + textual)
    return _dedupe(problems)


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
                           lambda i, others: f"索引号“{quote(i.index_no)}”与 {others} 重复：每个事项的索引号必须唯一")
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
