"""Loading the editor-maintained registries: schema/categories.yaml and schema/units.yaml."""
from __future__ import annotations

from pathlib import Path

from . import schema
from .errors import Problem, quote
from . import limits
from .frontmatter import Source, decode, load_yaml
from .model import Category, Subcategory, Unit, unit_slug


def read_yaml_file(path: Path, display: str) -> Source:
    """A whole-file YAML document with the same hints and line marks as item front matter."""
    if not path.is_file():
        return Source(problems=[Problem(display, None, "", "文件不存在")])
    raw, problem = limits.read_bounded(path, display, limits.MAX_REGISTRY_BYTES)
    text, problem = decode(raw, display) if raw is not None else (None, problem)
    if problem:
        return Source(problems=[problem])
    source = Source()
    load_yaml(text.split("\n"), first_line=1, display=display, into=source, expect=list)
    return source


def _checked(schema_dir: Path, name: str, root: Path) -> tuple[Source, list[Problem]]:
    path = schema_dir / f"{name}.yaml"
    display = _display(path, root)
    source = read_yaml_file(path, display)
    problems = list(source.problems)
    if source.meta is not None:
        validator = schema.compiled(str(schema_dir / f"{name}.schema.json"))
        problems += schema.check(validator, source.meta, source.lines, display)
    return source, problems


def load_categories(schema_dir: Path, root: Path) -> tuple[list[Category], list[Problem]]:
    source, problems = _checked(schema_dir, "categories", root)
    if problems:
        return [], problems
    display = _display(schema_dir / "categories.yaml", root)
    categories = []
    for i, entry in enumerate(source.meta):
        subs = [Subcategory(s["名称"], s["slug"], s.get("说明", ""), entry["名称"], source.lines.get((i, "二级事项", j)))
                for j, s in enumerate(entry["二级事项"])]
        categories.append(Category(entry["名称"], entry["slug"], entry.get("说明", ""), subs, source.lines.get((i,))))
        problems += _duplicates(subs, display, f"{entry['名称']} 下的二级事项")
    problems += _duplicates(categories, display, "一级事项")
    return categories, problems


def load_units(schema_dir: Path, root: Path) -> tuple[list[Unit], list[Problem]]:
    source, problems = _checked(schema_dir, "units", root)
    if problems:
        return [], problems
    units = [Unit(u["名称"], u.get("slug") or unit_slug(u["名称"]), list(u["审核人"]), u.get("机构代码"),
                  source.lines.get((i,))) for i, u in enumerate(source.meta)]
    return units, _duplicates(units, _display(schema_dir / "units.yaml", root), "公开主体")


def _duplicates(entries, display: str, what: str) -> list[Problem]:
    """Names and slugs must be unique: a slug is a URL, a name is what items refer to."""
    problems = []
    for attr, label in (("name", "名称"), ("slug", "slug")):
        seen = {}
        for entry in entries:
            value = getattr(entry, attr)
            if value in seen:
                problems.append(Problem(display, entry.line, label,
                    f"{what}的{label}“{quote(value)}”重复（第 {seen[value]} 行已有），每个{label}只能出现一次"))
            seen.setdefault(value, entry.line)
    return problems


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
