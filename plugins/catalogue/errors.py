"""The catalogue's exception family and the located problem record every check reports."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing an editor must fix: where it is, which field, and what is wrong (in Chinese)."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class CatalogueError(Exception):
    """Base of every error the catalogue code raises on purpose."""


class SettingsError(CatalogueError):
    """Raised at start-up by settings.check() when a GONGKAI_* setting has the wrong type."""


class CatalogueInvalid(CatalogueError):
    """Raised by the build (and `invoke validate`) when items or registries have problems.

    Carries every problem found, so the editor sees them all at once.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_sort_key)
        super().__init__(format_report(self.problems))


def _sort_key(problem: Problem):
    return (problem.path, problem.line or 0, problem.field, problem.message)


def format_report(problems: list[Problem]) -> str:
    """All problems, one per line, then the count: what `invoke validate` prints."""
    lines = [str(p) for p in sorted(problems, key=_sort_key)]
    files = len({p.path for p in problems})
    lines.append(f"共发现 {len(problems)} 个问题，涉及 {files} 个文件。请逐条修改后再运行 invoke validate。")
    return "\n".join(lines)
