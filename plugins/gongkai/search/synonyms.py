"""schema/synonyms.yaml: groups of equivalent terms that editors maintain, checked like the registries.

A term is compared in its compact form (normalised, punctuation and spaces removed), so 双随机一公开
and 双随机、一公开 are the same term and may not be listed twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..datafile import display, load_checked
from ..errors import Problem, quote
from .analysis import compact

FILE_NAME = "synonyms.yaml"


@dataclass(frozen=True)
class SynonymTable:
    """The groups as written, and each term's compact key -> index of its group."""

    groups: tuple[tuple[str, ...], ...]
    keys: dict

    @classmethod
    def build(cls, groups: list[list[str]], fold=None) -> SynonymTable:
        keys = {}
        for index, group in enumerate(groups):
            for term in group:
                keys.setdefault(compact(term, fold), index)
        return cls(tuple(tuple(g) for g in groups), keys)

    def longest_first(self) -> list[str]:
        """Keys by length (longest first), then text, so the longest term at a position wins."""
        return sorted(self.keys, key=lambda k: (-len(k), k))

    def others(self, key: str) -> list[str]:
        """The other terms of the group `key` belongs to, as written in the file."""
        group = self.groups[self.keys[key]]
        return [t for t in group if compact(t) != key]


EMPTY = SynonymTable((), {})


def load_synonyms(schema_dir: Path, root: Path) -> tuple[SynonymTable, list[Problem]]:
    """Read and check schema/synonyms.yaml; on any problem the table is empty."""
    path = schema_dir / FILE_NAME
    source, problems = load_checked(path, schema_dir / "synonyms.schema.json", root)
    if not problems:
        problems += overlaps(source.meta, source.lines, display(path, root))
    return (EMPTY, problems) if problems else (SynonymTable.build(source.meta), [])


def overlaps(groups: list[list[str]], lines: dict, display: str) -> list[Problem]:
    """A term that means nothing once normalised, or that appears twice, makes expansion ambiguous."""
    problems, seen = [], {}
    for i, group in enumerate(groups):
        for j, term in enumerate(group):
            key, line = compact(term), lines.get((i, j))
            field = f"第 {i + 1} 组第 {j + 1} 个词"
            if len(key) < 2:
                problems.append(Problem(display, line, field,
                    f"“{quote(term)}”去掉标点和空格后不足两个字，不能作为同义词"))
            elif key in seen:
                first_line, first_term = seen[key]
                problems.append(Problem(display, line, field,
                    f"“{quote(term)}”与第 {first_line} 行的“{quote(first_term)}”是同一个词（搜索时忽略标点、空格、全半角、"
                    "大小写和繁简体）：每个词只能出现一次，请删除一个或把两组合并"))
            else:
                seen[key] = (line, term)
    return problems
