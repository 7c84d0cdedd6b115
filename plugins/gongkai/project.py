"""The one pipeline: load_project(settings) -> Project, used by the build and by every command.

    load      items, registries, 公开指南 pages, each item through its per-item rules (catalogue.py)
    gate      dates after the build date; 定时发布 items held back from the public site (gate.py)
    validate  cross-file rules, the pages' 保密审查 and addresses, an office's extra checks
    history   变更记录 notes and 更新日期 from git (history/)
    freshness the holiday table, then every item's 公开时限 verdict on the build date (freshness/)
    synonyms  schema/synonyms.yaml for the search (search/synonyms.py)
    reports   the 政府信息公开工作年度报告 (content/reports/), checked, and their 提醒 (report/)
    attachments the 保密审查 of every published file's text (secrecy/attachments.py, cached by hash)

Each step runs once, in this order, whoever asks: the site (gongkai_pelican), `invoke validate`,
`search`, `review` (for the base version and the working tree), `audit`, `scan`, `codeowners`,
`editor-config`, `import`, `new` and the benchmarks all see the same items, the same 更新日期,
the same verdicts and the same search order. Problems are collected into Project.problems (by
step in Project.steps); load_project(strict=True) raises CatalogueInvalid instead of returning a
project with problems, which is what a build wants.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import gate, textsafe, vocabulary
from .boundary import Boundary
from .catalogue import load_catalogue, resolve
from .errors import CatalogueInvalid, Problem
from .freshness.status import assess_all, build_date
from .freshness.workdays import WorkCalendar, load_calendar
from .history import annotate, file_histories
from .model import Catalogue
from .report.checks import load_reports, report_warnings
from .search.synonyms import EMPTY, SynonymTable, load_synonyms
from .secrecy.attachments import attachment_problems
from .secrecy.pages import page_problems
from .settings import Paths
from .settings import resolve as resolve_settings
from .site.pages import page_url_problems
from .vocabulary import Vocabulary

CACHE_FILE = "gongkai-items.cache"
STEPS = ("files", "rules", "gate", "checks", "holidays", "synonyms", "reports", "attachments")
WARNING_MARK = "提醒："


@dataclass(frozen=True)
class History:
    """Where the history step reads commits: the repository at `root`, as of `ref` (None: the
    checked-out HEAD). The review's base version is read from a copy, its history from the real
    repository at the base commit."""

    root: Path
    ref: str | None = None


@dataclass
class Project:
    """A loaded project: everything the site and the commands need, computed once."""

    settings: dict
    paths: Paths
    catalogue: Catalogue
    vocabulary: Vocabulary
    schema: dict                 # schema/item.schema.json as read
    boundary: Boundary
    build_date: dt.date
    calendar: WorkCalendar
    freshness: dict              # 索引号 -> freshness.Freshness, internal items included
    synonyms: SynonymTable
    reports: list = field(default_factory=list)   # report.source.Report, drafts and invalid ones too
    notices: list = field(default_factory=list)   # Problems printed as 提醒, never failing anything
    steps: dict = field(default_factory=dict)  # step name -> its problems (STEPS)
    document_schema: dict = field(default_factory=dict)  # schema/document.schema.json ({} when absent)

    @property
    def problems(self) -> list[Problem]:
        """Every problem, each once: what `invoke validate` prints and what stops a build."""
        return list(dict.fromkeys(p for step in STEPS for p in self.steps.get(step, [])))

    @property
    def file_problems(self) -> list[Problem]:
        """Files that could not be read or broke the schema or a cross-file rule (not the rules'
        findings): items they concern are missing from the catalogue."""
        return self.steps.get("files", [])

    def warnings(self) -> list[str]:
        """One line per year the holiday tables did not know (freshness counted Monday–Friday)."""
        return self.calendar.warnings()

    def notice_text(self) -> str:
        """The 提醒 lines validate and the build print (empty when there are none)."""
        return format_notices(self.notices)


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def format_notices(notices: list[Problem]) -> str:
    return "\n".join(WARNING_MARK + str(w) for w in sorted(notices, key=lambda p: (p.path, p.line or 0, p.field)))


def load_project(settings: dict, *, render: bool = False, cache: bool = False, day: dt.date | None = None,
                 history: History | None = None, strict: bool = False,
                 texts_final: Callable[[Catalogue, Paths], object] | None = None) -> Project:
    """Run the pipeline once (see the module docstring). `render` fills each item's HTML (a build);
    `cache` uses the signed parse cache (a build, with GONGKAI_CACHE); `day` is the build date
    (default: SOURCE_DATE_EPOCH, else today in China); `strict` raises CatalogueInvalid on any
    problem. `texts_final(catalogue, paths)` is called as soon as every text the site shows is
    final and nothing found so far stops the build, with the items held as they will be (gate):
    the build starts its search index there, beside the remaining steps."""
    settings = resolve_settings(settings)
    paths = Paths.from_settings(settings)
    day = day or build_date()
    words = vocabulary.load(paths.item_schema)
    steps: dict[str, list[Problem]] = {}

    cache_path = paths.cache_dir / CACHE_FILE if cache and paths.cache_dir else None
    catalogue, steps["files"], steps["rules"] = load_catalogue(
        paths, settings["GONGKAI_INDEX_PATTERN"], cache_path, render, tuple(settings["GONGKAI_ITEM_CHECKS"]))
    # Dates against the build date: never cached with the file (the verdict changes with the day).
    steps["gate"] = gate.date_problems(catalogue.items + catalogue.rejected, day) + gate.registry_problems(catalogue, paths)
    steps["gate"] += gate.date_problems(catalogue.documents + catalogue.rejected_documents, day, schedulable=False)
    gate.release(catalogue.items)  # every check below sees scheduled items as published (先审查、后公开)
    catalogue.intranet = settings["GONGKAI_INTRANET"]  # which items the site shows: Catalogue.site_items
    textsafe.scrub_catalogue(catalogue)  # what anyone is shown never carries controls or bidi overrides
    steps["checks"] = page_problems(catalogue) + page_url_problems(catalogue)
    steps["checks"] += [p for name in settings["GONGKAI_CHECKS"] for p in resolve(name)(catalogue, paths)]
    if texts_final and not any(steps.values()):
        with gate.holding(catalogue.items, day):
            texts_final(catalogue, paths)

    source = history or History(paths.root)
    folder = paths.items_dir.relative_to(paths.root).as_posix()
    annotate(catalogue.items, file_histories(source.root, folder, source.ref))

    calendar, steps["holidays"] = load_calendar(paths.schema_dir, paths.root)
    freshness = assess_all(catalogue.items, day, calendar, words)
    synonyms, steps["synonyms"] = load_synonyms(paths.schema_dir, paths.root)

    boundary = Boundary.of(paths)
    reports, steps["reports"] = load_reports(paths, boundary, render)
    steps["attachments"] = attachment_problems(catalogue, paths, boundary, reports)
    notices = report_warnings(catalogue, reports, paths.schema_dir)
    notices += [p for name in settings["GONGKAI_WARNINGS"] for p in resolve(name)(catalogue, paths)]

    # Last, so scheduled items were checked (attachments too) like every item before being held back.
    gate.hold_scheduled(catalogue.items, day)
    project = Project(settings, paths, catalogue, words, json.loads(paths.item_schema.read_text(encoding="utf-8")),
                      boundary, day, calendar, freshness, synonyms if not steps["synonyms"] else EMPTY, reports,
                      notices, steps, _read_json(paths.document_schema))
    if strict and project.problems:
        raise CatalogueInvalid(project.problems)
    return project
