"""Load and check the whole catalogue: every item file, both registries, and the cross-file rules
JSON Schema cannot state. Problems are collected, never raised one by one."""
from __future__ import annotations

import difflib
import importlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from . import body, boundary, cache, guide, limits, schema
from .cache import derive_key
from .errors import Problem, quote
from .parallel import run_all
from .frontmatter import read_source
from .model import Catalogue, Item
from .registry import _display, load_categories, load_units

ITEM_SUFFIXES = {".md"}
ATTACHMENT_SUFFIXES = boundary.PUBLISHABLE_SUFFIXES
IGNORED_NAMES = {"thumbs.db", "desktop.ini", "readme.md"}


@dataclass(frozen=True)
class Paths:
    """Where things live; all derived from the project root unless a setting says otherwise."""

    root: Path
    content: Path
    schema_dir: Path
    items_dir: Path
    cache_dir: Path | None = None  # where checks may keep results between runs (None: they do not)

    @property
    def pages_dir(self) -> Path:
        """公开指南 pages: content/pages/."""
        return self.content / "pages"

    @classmethod
    def for_root(cls, root: Path, content: str = "content", schema_dir: str = "schema", items: str = "items"):
        root = Path(root).resolve()
        return cls(root, root / content, root / schema_dir, root / content / items)


def item_files(paths: Paths) -> tuple[list[Path], list[Problem]]:
    """Every item file under content/items/ at any depth; stray non-item files are reported."""
    files, problems = [], []
    for path in sorted(paths.items_dir.rglob("*")):
        refusal = boundary.source_refusal(path, paths.content)
        if refusal:
            problems.append(Problem(_relative(path, paths.root), None, "", refusal))
            continue
        if not path.is_file() or _ignored(path):
            continue
        suffix = path.suffix.lower()
        if suffix in ITEM_SUFFIXES:
            files.append(path)
        elif suffix not in ATTACHMENT_SUFFIXES:
            problems.append(Problem(_display(path, paths.root), None, "",
                "事项文件必须以 .md 结尾（例如 低保名单.md）；如果是附件，格式应为 pdf、ofd、doc、docx、xls、xlsx、wps、jpg、png"))
    if not files and not problems:
        problems.append(Problem(_display(paths.items_dir, paths.root), None, "", "没有找到任何事项文件（.md）"))
    return files, problems


def _ignored(path: Path) -> bool:
    name = path.name.lower()
    return name.startswith((".", "~$")) or name in IGNORED_NAMES


def parse_item(path: Path, display: str, validator) -> tuple[Item | None, list[Problem]]:
    """One file on its own: syntax, then schema. Cross-file rules come later."""
    source = read_source(path, display)
    if source.meta is None:
        return None, source.problems
    problems = source.problems + schema.check(validator, source.meta, source.lines, display)
    item = Item(display, source.meta, source.body, source.lines, source.body_line, valid=not problems)
    return item, problems


@dataclass
class ItemWork:
    """What happens to one file: parse, check the schema, render the body, run per-item checks.

    Holds only names and flags, so it can be sent to a worker process, which builds its own
    validator and renderer on first use."""

    schema_path: str
    index_pattern: str | None = None
    render: bool = False
    checks: tuple = ()

    def __call__(self, job: tuple[Path, str]):
        file, display = job
        validator, renderer, checks = self._tools()
        item, problems = parse_item(file, display, validator)
        if item:
            rendered, failed = None, []
            if (self.render or body.may_embed(item.body)) and limits.renderable(problems):
                rendered, failed = limits.render_checked(renderer.render, item.body, item.body_line, display)
            found = body.body_problems(item.source, item.body, item.body_line, rendered) + failed
            item.valid, problems = item.valid and not found, problems + found
        if item and item.valid:
            if self.render:
                item.html = rendered.html
            for check in checks:
                problems = problems + check(item)
        elif item:
            problems = problems + _checks_on_invalid(item, checks)
        return item, problems

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
    """'package.module:function' -> the function (checks are named in settings, not imported)."""
    module, _, func = name.partition(":")
    return getattr(importlib.import_module(module), func)


class ParseCache:
    """Per-file results keyed by the file's content hash, so a rebuild re-reads only the files that
    changed. Kept through catalogue.cache: signed, and the whole cache keyed on code, library
    versions, schema and settings."""

    def __init__(self, path: Path | None, key: str, project: Path):
        self.path, self.key, self.project, self.dirty = path, key, project, False
        stored = cache.load(path, key, project) if path else None
        self.entries = stored if isinstance(stored, dict) else {}

    def results(self, jobs: list[tuple[Path, str]], work: ItemWork) -> list:
        """(item, problems) per job: cached when the file's content is unchanged, else worked out (in parallel)."""
        hashes = [_content(file) for file, _display in jobs]
        misses = [i for i, (job, digest) in enumerate(zip(jobs, hashes))
                  if digest is None or self.entries.get(job[1], (None,))[0] != digest]
        fresh = {}
        for i, result in zip(misses, run_all(work, [jobs[i] for i in misses])):
            fresh[jobs[i][1]] = result
            # Kept only if the file did not change while it was parsed (an editor saving mid-build).
            if hashes[i] is not None and _content(jobs[i][0]) == hashes[i]:
                self.entries[jobs[i][1]], self.dirty = (hashes[i], result), True
        return [fresh[display] if display in fresh else self.entries[display][1] for _file, display in jobs]

    def save(self) -> None:
        if self.path and self.dirty:
            cache.save(self.path, self.key, self.entries, self.project)


def _content(file: Path) -> str | None:
    """None when unreadable: the file is then parsed, which reports why."""
    try:
        return cache.content_hash(file)
    except OSError:
        return None


def load_catalogue(paths: Paths, index_pattern: str | None = None, cache_path: Path | None = None,
                   render: bool = False, item_checks: tuple = ()) -> tuple[Catalogue, list[Problem]]:
    """Read and check everything; returns the catalogue of valid items and every problem found.

    `render` fills item.html, and `item_checks` ('module:function' names taking an item, e.g. the
    保密审查 scan) run once per file; with a cache, only for files changed since the last build."""
    categories, problems = load_categories(paths.schema_dir, paths.root)
    units, unit_problems = load_units(paths.schema_dir, paths.root)
    problems += unit_problems
    schema_file = paths.schema_dir / "item.schema.json"
    schema.compiled(str(schema_file), index_pattern)  # a broken schema fails here, once, not per file
    work = ItemWork(str(schema_file), index_pattern, render, tuple(item_checks))
    schemas = sorted((p.name, p.read_bytes()) for p in paths.schema_dir.glob("*.json"))
    # Plugin code is in every key; a per-item check may live elsewhere, so its module's source too.
    checks = [Path(importlib.import_module(name.partition(":")[0]).__file__).read_bytes() for name in item_checks]
    parsed = ParseCache(cache_path, derive_key("items", schemas, checks, repr(work)), paths.root)
    files, file_problems = item_files(paths)
    problems += file_problems
    items, rejected = [], []
    jobs = [(f, _relative(f, paths.root)) for f in files]
    for item, item_problems in parsed.results(jobs, work):
        problems += item_problems
        if item:
            (items if item.valid else rejected).append(item)
    parsed.save()
    pages, page_problems = guide.load_pages(paths.pages_dir, paths.content, lambda p: _relative(p, paths.root))
    problems += page_problems
    catalogue = Catalogue(categories, units, items, pages)
    problems += cross_check(catalogue, paths, registries_ok=bool(categories and units), rejected=rejected)
    return catalogue, problems


def _relative(file: Path, root: Path) -> str:
    """Display path; item_files() walks the resolved items folder, so resolving again is rarely needed."""
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return _display(file, root)


def cross_check(catalogue: Catalogue, paths: Paths, registries_ok: bool = True, rejected=()) -> list[Problem]:
    """Rules across files. Items the schema rejected still take part where their values are text,
    so an editor is not sent back a second time for a problem that could be named now."""
    problems = []
    for item in catalogue.items:
        if registries_ok:
            problems += check_registered(item, catalogue)
        problems += check_dates(item) + check_attachments(item, paths)
    for item in rejected:
        if registries_ok:
            problems += check_registered(item, catalogue)
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
    if item.updated and item.published and item.updated < item.published:
        return [Problem(item.source, item.lines.get(("更新日期",)), "更新日期",
                        f"更新日期 {item.meta['更新日期']} 早于发布日期 {item.meta['发布日期']}：更新日期不能早于发布日期")]
    return []


def check_attachments(item: Item, paths: Paths) -> list[Problem]:
    """Every 附件 must pass the publish boundary (boundary.accept), the same test the copy makes."""
    problems = []
    for i, attachment in enumerate(item.meta.get("附件", [])):
        _file, reason = boundary.accept(attachment["文件"], paths.content)
        if reason:
            problems.append(Problem(item.source, item.lines.get(("附件", i, "文件")), f"附件[{i + 1}].文件", reason))
    return problems


def check_unique(items: list[Item]) -> list[Problem]:
    """Both files are named, so the editor can decide which one to change."""
    problems = _collisions(items, lambda i: i.index_no,
                           lambda i, others: f"索引号“{quote(i.index_no)}”与 {others} 重复：每个事项的索引号必须唯一")
    return problems + _collisions(items, lambda i: i.slug.casefold(),
        lambda i, others: f"索引号“{quote(i.index_no)}”与 {others} 会生成同一个网页地址 items/{quote(i.slug)}/：请改用不同的索引号",
        distinct_only=True)


def _collisions(items: list[Item], key, message, distinct_only: bool = False) -> list[Problem]:
    groups = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    problems = []
    for group in groups.values():
        if len(group) < 2 or (distinct_only and len({i.index_no for i in group}) == 1):
            continue  # identical 索引号 are already reported as duplicates
        for item in group:
            others = "、".join(f"{o.source}:{o.lines.get(('索引号',))}" for o in group if o is not item)
            problems.append(Problem(item.source, item.lines.get(("索引号",)), "索引号", message(item, others)))
    return problems


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
