"""Loading the editor-maintained registries: schema/categories.yaml and schema/units.yaml."""
from __future__ import annotations

from pathlib import Path

from .datafile import display, load_checked
from .errors import Problem, quote
from .model import Category, Subcategory, Unit
from .urls import unit_slug


def _checked(schema_dir: Path, name: str, root: Path):
    return load_checked(schema_dir / f"{name}.yaml", schema_dir / f"{name}.schema.json", root)


def load_categories(schema_dir: Path, root: Path) -> tuple[list[Category], list[Problem]]:
    source, problems = _checked(schema_dir, "categories", root)
    if problems:
        return [], problems
    shown = display(schema_dir / "categories.yaml", root)
    categories = []
    for i, entry in enumerate(source.meta):
        subs = [Subcategory(s["名称"], s["slug"], s.get("说明", ""), entry["名称"], source.lines.get((i, "二级事项", j)))
                for j, s in enumerate(entry["二级事项"])]
        categories.append(Category(entry["名称"], entry["slug"], entry.get("说明", ""), subs, source.lines.get((i,))))
        problems += _duplicates(subs, shown, f"{entry['名称']} 下的二级事项")
    problems += _duplicates(categories, shown, "一级事项")
    return categories, problems


def load_units(schema_dir: Path, root: Path) -> tuple[list[Unit], list[Problem]]:
    source, problems = _checked(schema_dir, "units", root)
    if problems:
        return [], problems
    units = [Unit(u["名称"], u.get("slug") or unit_slug(u["名称"]), list(u["审核人"]), u.get("机构代码"),
                  source.lines.get((i,))) for i, u in enumerate(source.meta)]
    return units, _duplicates(units, display(schema_dir / "units.yaml", root), "公开主体")


def _duplicates(entries, shown: str, what: str) -> list[Problem]:
    """Names and slugs must be unique: a slug is a URL, a name is what items refer to."""
    problems = []
    for attr, label in (("name", "名称"), ("slug", "slug")):
        seen = {}
        for entry in entries:
            value = getattr(entry, attr)
            if value in seen:
                problems.append(Problem(shown, entry.line, label,
                    f"{what}的{label}“{quote(value)}”重复（第 {seen[value]} 行已有），每个{label}只能出现一次"))
            seen.setdefault(value, entry.line)
    return problems
