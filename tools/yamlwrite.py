"""Writing item files the way an editor would: plain YAML, Chinese keys in schema order, one list
entry per line, and a short Chinese comment above any field still to be filled in. Also the
索引号 sequence allocation and file naming shared by `invoke new` and `invoke import`.
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import yaml

from gongkai.frontmatter import Loader, decode

INDENT = "  "
# Characters Windows forbids in file names, plus control characters.
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_INDEX_LINE = re.compile(r"^索引号[ \t]*:[ \t]*['\"]?([^'\"\s#]+)", re.M)


# A text holding " or \ reads better single-quoted ('"放管服"改革') than escaped ("\"放管服\"改革"),
# which single quotes allow for any one line of printable characters.
_SINGLE_QUOTABLE = re.compile(r'^[^\n\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]*["\\][^\n\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]*$')


def scalar(text) -> str:
    """A value as plain YAML when it reads back as the same text; else single-quoted when it holds
    a " or a backslash (what an editor would write: nothing escaped); else double-quoted (JSON). Written
    the same in the web editor (gongkai-editor.js scalar)."""
    return _scalar(str(text))


@functools.lru_cache(maxsize=65536)  # an import writes the same units and categories thousands of times
def _scalar(text: str) -> str:
    if text and text == text.strip() and "\n" not in text:
        try:
            if yaml.load(f"k: {text}\n", Loader=Loader) == {"k": text}:
                return text
        except yaml.YAMLError:
            pass
    if _SINGLE_QUOTABLE.match(text):
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def _block(text: str, indent: str) -> str | None:
    """Multi-line text as a literal block (|-), when every line survives that form unchanged."""
    lines = text.split("\n")
    if "\n" not in text or any(line != line.strip() for line in lines) or not lines[0]:
        return None
    return "|-\n" + "\n".join(f"{indent}{line}" if line else "" for line in lines)


def _value_lines(value, indent: str) -> list[str]:
    """Lines that follow "key:" for a list or mapping value."""
    out = []
    if isinstance(value, dict):
        for key, inner in value.items():
            out += _field(key, inner, indent)
    else:
        for entry in value:
            if isinstance(entry, dict):
                inner = _value_lines(entry, indent + INDENT)
                out.append(f"{indent}- {inner[0].lstrip()}")
                out += inner[1:]
            else:
                out.append(f"{indent}- {_block(str(entry), indent + INDENT) or scalar(entry)}")
    return out


def _field(key: str, value, indent: str = "") -> list[str]:
    if isinstance(value, (list, dict)):
        return [f"{indent}{key}:"] + _value_lines(value, indent + INDENT)
    return [f"{indent}{key}: {_block(str(value), indent + INDENT) or scalar(value)}"]


def item_text(meta: dict, body: str = "", comments: dict | None = None) -> str:
    """The whole item file: --- front matter --- body. `comments` puts a "# …" line above a key."""
    lines = ["---"]
    for key, value in meta.items():
        if comments and key in comments:
            lines.append(f"# {comments[key]}")
        lines += _field(key, value)
    lines.append("---")
    return "\n".join(lines) + "\n" + (body.strip() + "\n" if body.strip() else "")


# Device names Windows reserves, with or without an extension (CON, con.txt, COM1 …).
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$", re.I)
SAFE_PREFIX = "事项-"


def safe_file_name(name: str, limit: int = 80) -> str:
    """A file or folder name from a Chinese title that every system keeps and the build reads:
    no characters Windows forbids, no trailing dots or spaces, no reserved device name (CON, NUL,
    COM1 …), and no name the catalogue skips (README, ~$… Office lock files, hidden .files) —
    those get the prefix 事项-."""
    name = _UNSAFE_NAME.sub("-", name.replace("\n", "")).strip(" .-")
    name = name[:limit].rstrip(" .-") or "未命名"
    if _RESERVED.match(name.split(".")[0].rstrip(" ")) or _ignored(Path(f"{name}.md")):
        name = SAFE_PREFIX + name
    return name


def _ignored(path: Path) -> bool:
    from gongkai.catalogue import _ignored as ignored_by_the_build  # the build's own rule, not a copy

    return ignored_by_the_build(path)


class IndexAllocator:
    """Next free 索引号 sequence per (机构代码, 年份): one past the highest in use, so a number
    once published (and perhaps deleted since) is never given to another item. The highest number
    and its width are kept per prefix, so allocating n numbers takes time linear in n."""

    def __init__(self, items_dir: Path):
        self.used: set[str] = set()
        self._top: dict[str, tuple[int, int]] = {}  # "机构代码/年份-" -> (highest sequence, digits)
        for value in existing_index_numbers(items_dir):
            self.reserve(value)

    def next(self, code: str, year: int | str) -> str:
        prefix = f"{code}/{year}-"
        highest, width = self._top.get(prefix, (0, 5))
        value = f"{prefix}{highest + 1:0{width}d}"
        self.reserve(value)
        return value

    def reserve(self, value: str) -> None:
        self.used.add(value)
        prefix, dash, sequence = value.rpartition("-")
        if dash and sequence.isdigit():
            highest, width = self._top.get(prefix + dash, (0, 5))
            self._top[prefix + dash] = (max(highest, int(sequence)), max(width, len(sequence)))


def existing_index_numbers(items_dir: Path) -> list[str]:
    """索引号 of every item file, read by a line pattern (fast, and works for files that do not validate)."""
    found = []
    for path in sorted(items_dir.rglob("*.md")) if items_dir.is_dir() else []:
        text, _problem = decode(path.read_bytes(), str(path))
        if text is None:
            text = path.read_bytes().decode("gb18030", errors="replace")
        found += _INDEX_LINE.findall(text)
    return found
