"""Writing item files the way an editor would: plain YAML, Chinese keys in schema order, one list
entry per line, and a short Chinese comment above any field still to be filled in. Also the
索引号 sequence allocation and file naming shared by `invoke new` and `invoke import`.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from catalogue.frontmatter import Loader, decode

INDENT = "  "
# Characters Windows forbids in file names, plus control characters.
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_INDEX_LINE = re.compile(r"^索引号[ \t]*:[ \t]*['\"]?([^'\"\s#]+)", re.M)


def scalar(text) -> str:
    """A value as plain YAML when it reads back as the same text, else double-quoted (JSON)."""
    text = str(text)
    if text and text == text.strip() and "\n" not in text:
        try:
            if yaml.load(f"k: {text}\n", Loader=Loader) == {"k": text}:
                return text
        except yaml.YAMLError:
            pass
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


def safe_file_name(name: str, limit: int = 80) -> str:
    """A file or folder name from a Chinese title, valid on Windows and Linux."""
    name = _UNSAFE_NAME.sub("-", name.replace("\n", "")).strip(" .-")
    return name[:limit].rstrip(" .-") or "未命名"


class IndexAllocator:
    """Next free 索引号 sequence per (机构代码, 年份): one past the highest in use, so a number
    once published (and perhaps deleted since) is never given to another item."""

    def __init__(self, items_dir: Path):
        self.used: set[str] = set(existing_index_numbers(items_dir))

    def next(self, code: str, year: int | str) -> str:
        prefix = f"{code}/{year}-"
        numbers = [n[len(prefix):] for n in self.used if n.startswith(prefix) and n[len(prefix):].isdigit()]
        width = max([5] + [len(n) for n in numbers])
        value = f"{prefix}{max([0] + [int(n) for n in numbers]) + 1:0{width}d}"
        self.used.add(value)
        return value

    def reserve(self, value: str) -> None:
        self.used.add(value)


def existing_index_numbers(items_dir: Path) -> list[str]:
    """索引号 of every item file, read by a line pattern (fast, and works for files that do not validate)."""
    found = []
    for path in sorted(items_dir.rglob("*.md")) if items_dir.is_dir() else []:
        text, _problem = decode(path.read_bytes(), str(path))
        if text is None:
            text = path.read_bytes().decode("gb18030", errors="replace")
        found += _INDEX_LINE.findall(text)
    return found
