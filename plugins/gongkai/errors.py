"""The located problem every check reports, how problems are printed, and the exception family."""
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
    """How a message names a field, in words an editor reads without programming:
    ('公开渠道', 1) -> '公开渠道 第 2 项', ('附件', 0, '文件') -> '附件 第 1 项的文件',
    ('公开时限', '周期') -> '公开时限.周期'. List positions count from 1, as editors count. A key
    is quoted like a value, so a 200,000-character misspelt key names itself briefly."""
    out, after_position = "", False
    for part in path:
        if isinstance(part, int):
            out += f"{' ' if out else ''}第 {part + 1} 项"
        else:
            out += ("的" if after_position else "." if out else "") + quote(part)
        after_position = isinstance(part, int)
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


# ---------------------------------------------------------------- the exception family
#
# Everything the code raises on purpose is a GongkaiError. Nothing below catches one to exit: each
# entry point has ONE boundary that turns it into a message and an exit status (tasks.py for the
# commands, gongkai_pelican for a build). The message (str(exc)) is what the person reads, in Chinese.


class GongkaiError(Exception):
    """Base of every error the project raises on purpose; never raised itself."""


class SettingsError(GongkaiError):
    """Raised by settings.resolve() (at the start of a build or a command) when a GONGKAI_* setting
    has the wrong type or is unknown, or Pelican is told to read content/ itself; and by
    settings.read_project_settings() when pelicanconf.py / publishconf.py cannot be read."""


class CatalogueInvalid(GongkaiError):
    """Raised by project.load_project(strict=True) (every build) when items, 公开指南 pages or
    registries have problems, and by the editor configuration when the registries it reads do.

    Carries every problem found, sorted, so the editor sees them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_sort_key)
        super().__init__(format_report(self.problems))


class BoundaryRefused(CatalogueInvalid):
    """Raised by boundary.copy() and site.data.attachments() when a file that passed the publish
    boundary fails it when it is copied (it changed or became a link after the checks)."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__([problem])


class BuildRefused(GongkaiError):
    """Raised by output.begin()/commit() and output.build_lock(): the build (or `invoke publish`)
    cannot run or cannot swap output/ safely (a link named output, another build running too
    long, an unwritable folder). Nothing was written or deleted."""


class BuildDateError(GongkaiError):
    """Raised by freshness.status.build_date() when SOURCE_DATE_EPOCH is set but is not a whole
    number of seconds."""


class GitError(GongkaiError):
    """Raised by git.run_git() when git is missing or fails (git's first line of stderr) and by
    git.git() when git is missing; the history step treats it as "no history"."""


class BadRef(GongkaiError):
    """Raised by git.check_ref() for a ref that could be read as an option, a refspec or a range."""


class RenderTooSlow(GongkaiError):
    """Raised inside limits.render_guard() when one body takes longer than RENDER_SECONDS; caught
    by limits.render_checked(), which reports the body as too complex."""


class CommandError(GongkaiError):
    """A command cannot do what it was asked (its message says why and what to do). Raised only by
    the tools (gongkai_tools); the subclasses name the command."""


class ImportTableError(CommandError):
    """Raised by `invoke import` (gongkai_tools.importer) when the table as a whole cannot be read:
    no file, no header, a bad file type, too large, registries invalid. Problems with single rows
    go into the import report instead."""


class ScaffoldError(CommandError):
    """Raised by `invoke new` (gongkai_tools.scaffold) when the answers do not fit the registries,
    the unit has no 机构代码, or the file already exists."""


class BaseUnknown(CommandError):
    """Raised by `invoke review` (gongkai_tools.review.resolve_base) when the base ref is refused or
    not in the repository even after fetching; the review prints it as its report."""


class PublishError(CommandError):
    """Raised by `invoke publish` (gongkai_tools.publish): settings, credentials or the build are
    missing, or the object store refused a request."""


class EditorStartError(CommandError):
    """Raised by `invoke edit` (gongkai_tools.editor) when the local editor backend cannot start."""


class ServeError(CommandError):
    """Raised by `invoke serve` and `invoke edit` (gongkai_tools.serve) when the preview's port is
    taken."""


class MissingTool(CommandError):
    """Raised by gongkai_tools.testenv when a program the browser tests or `invoke edit` need
    (chromium, Node.js/npm) is missing and cannot be installed here."""


def _sort_key(problem: Problem):
    return (problem.path, problem.line or 0, problem.field, problem.message)


def format_report(problems: list[Problem]) -> str:
    """All problems, one per line, then the count: what `invoke validate` prints."""
    lines = [str(p) for p in sorted(problems, key=_sort_key)]
    files = len({p.path for p in problems})
    lines.append(f"共发现 {len(problems)} 个问题，涉及 {files} 个文件。请逐条修改后再运行 invoke validate。")
    return "\n".join(lines)
