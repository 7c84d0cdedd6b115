"""Reading an editor-maintained YAML data file (categories, units, holidays, synonyms) and checking
it against its schema: one helper, so every registry gets the same limits, hints, line numbers and
Chinese messages as an item's front matter.
"""
from __future__ import annotations

from pathlib import Path

from . import limits, schema
from .errors import Problem
from .frontmatter import Source, decode, load_yaml


def display(path: Path, root: Path) -> str:
    """How a path is shown in messages: relative to the project, "/"-separated."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def read_yaml_file(path: Path, shown: str) -> Source:
    """A whole-file YAML list with the same hints and line marks as item front matter."""
    if not path.is_file():
        return Source(problems=[Problem(shown, None, "", "文件不存在")])
    raw, problem = limits.read_bounded(path, shown, limits.MAX_REGISTRY_BYTES)
    text, problem = decode(raw, shown) if raw is not None else (None, problem)
    if problem:
        return Source(problems=[problem])
    source = Source()
    load_yaml(text.split("\n"), first_line=1, display=shown, into=source, expect=list)
    return source


def load_checked(path: Path, schema_path: Path, root: Path) -> tuple[Source, list[Problem]]:
    """The file read and checked against its schema: (source, every problem found). source.meta is
    the data (None when it could not be read); use it only when there are no problems."""
    shown = display(path, root)
    source = read_yaml_file(Path(path), shown)
    problems = list(source.problems)
    if source.meta is not None:
        problems += schema.check(schema.compiled(str(schema_path)), source.meta, source.lines, shown)
    return source, problems
