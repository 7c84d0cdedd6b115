"""The catalogue's exception family and the located problem record every check reports."""
from __future__ import annotations

from dataclasses import dataclass

from .characters import visible

# Values are quoted in messages so the editor can find them, but a message stays one short line:
# a pasted 200,000-character value is cut, and hidden characters are written out (characters.py).
MAX_QUOTED_CHARS = 40


def quote(value, limit: int = MAX_QUOTED_CHARS) -> str:
    """A value as a message quotes it: at most `limit` characters, then how long it really is."""
    text = visible(str(value))
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…（共 {len(str(value))} 个字符）"


def dotted(path) -> str:
    """('附件', 0, '文件') -> '附件[1].文件': list positions counted from 1, as editors count.
    A key is quoted like a value, so a 200,000-character misspelt key names itself briefly."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{quote(part)}" if out else quote(part))
    return out


@dataclass(frozen=True, order=True)
class Problem:
    """One thing an editor must fix: where it is, which field, and what is wrong (in Chinese)."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return visible(text)  # one problem, one line: nothing an editor wrote can start another


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
