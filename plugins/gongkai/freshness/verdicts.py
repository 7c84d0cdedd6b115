"""The 公开时限 badge of every item, from the freshness plugin's verdicts (逾期未更新, 超期公开)."""
from __future__ import annotations

import logging

from catalogue.build import fail
from freshness.status import assess_all as assess_items
from freshness.workdays import load_calendar

logger = logging.getLogger(__name__)


def freshness_for(context: dict, day) -> dict:
    """{索引号: Freshness}, worked out once per build and shared through the context, so every
    generator (pages, search) shows the same verdict whatever order Pelican runs them in. Runs at
    generate_output, after the history plugin has filled in 更新日期 from git."""
    if "freshness" not in context:
        context["freshness"] = assess_all(context["catalogue"], day, context["catalogue_paths"])
    return context["freshness"]


def assess_all(catalogue, day, paths) -> dict:
    """{索引号: Freshness}; a broken schema/holidays.yaml stops the build like any registry."""
    calendar, problems = load_calendar(paths.schema_dir, paths.root)
    if problems:
        fail(problems)
    verdicts = assess_items(catalogue.items, day, calendar)
    for warning in calendar.warnings():
        logger.warning(warning)
    return verdicts
