"""The catalogue inside a Pelican build: load, check, render bodies, or stop the build.

Pelican logs a file it cannot read and carries on with exit 0. Here every problem is collected,
printed once as `path:line: 字段: message`, and the build stops before anything is written.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path

from pelican.generators import Generator

from . import settings as declared
from . import textsafe
from .errors import Problem, format_report
from .validate import Paths, load_catalogue, resolve

class BuildFailed(SystemExit):
    """Raised by the build when the catalogue has problems.

    A SystemExit (exit status 1), so Pelican does not wrap it in a traceback: the editor reads
    only the list of problems, already printed.
    """

    def __init__(self, count: int):
        super().__init__(1)
        self.count = count


def paths_from_settings(settings: dict) -> Paths:
    root = declared.project_root(settings)
    content = Path(settings["PATH"]).resolve()
    return Paths(root, content, root / settings["GONGKAI_SCHEMA_DIR"], content / settings["GONGKAI_ITEMS_DIR"])


def fail(problems: list[Problem], stream=None) -> None:
    stream = stream or sys.stderr
    print(format_report(problems), file=stream)
    print("构建失败：目录有错误，未生成网站；上一次生成的 output/ 保持不变。", file=stream)
    raise BuildFailed(len(problems))


def check_all(settings: dict, use_cache: bool = True, render: bool = False):
    """Everything `invoke validate` and the build check: items, registries, then the extra checks
    named in GONGKAI_ITEM_CHECKS (per item, e.g. the 保密审查 scan) and GONGKAI_CHECKS (whole
    catalogue). Returns (catalogue, paths, problems)."""
    paths = paths_from_settings(settings)
    cache = None
    if use_cache and settings["GONGKAI_CACHE"]:
        cache = Path(settings["CACHE_PATH"]) / "gongkai-items.cache"
    catalogue, problems = load_catalogue(paths, settings["GONGKAI_INDEX_PATTERN"], cache, render,
                                         tuple(settings["GONGKAI_ITEM_CHECKS"]))
    for name in settings["GONGKAI_CHECKS"]:
        problems += resolve(name)(catalogue, paths)
    return catalogue, paths, problems


WARNING_MARK = "提醒："


def collect_warnings(settings: dict, catalogue, paths) -> list[Problem]:
    """What the checks named in GONGKAI_WARNINGS find: printed, never a reason to fail."""
    return [w for name in settings["GONGKAI_WARNINGS"] for w in resolve(name)(catalogue, paths)]


def format_warnings(warnings: list[Problem]) -> str:
    return "\n".join(WARNING_MARK + str(w) for w in sorted(warnings, key=lambda p: (p.path, p.line or 0, p.field)))


def load_checked(settings: dict):
    """Load and check the catalogue for a build; stops the build on any problem."""
    catalogue, paths, problems = check_all(settings, render=True)
    if problems:
        fail(problems)
    return catalogue, paths


class CatalogueGenerator(Generator):
    """Puts the checked catalogue into the shared context; page-writing plugins read it there."""

    def generate_context(self):
        declared.resolve(self.settings)
        catalogue, paths = load_checked(self.settings)
        warnings = collect_warnings(self.settings, catalogue, paths)
        if warnings:
            print(format_warnings(warnings), file=sys.stderr)
        textsafe.scrub_catalogue(catalogue)  # what the site shows never carries controls or bidi overrides
        self.context["catalogue"] = catalogue
        self.context["catalogue_paths"] = paths


class ErrorCollector(logging.Handler):
    """Remembers every ERROR Pelican logs (e.g. a page it could not read) so the build can fail."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record):
        # Pelican logs read failures inside its `except` without the reason; take it from there.
        reason = sys.exc_info()[1]
        message = " ".join(record.getMessage().split())
        self.records.append(f"{message}（{reason}）" if reason and str(reason) not in message else message)

    def fail_if_any(self, *_args):
        if self.records:
            messages, self.records = self.records, []
            fail([Problem("Pelican", None, "", f"生成页面时出错：{m}") for m in messages])
