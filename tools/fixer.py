"""`invoke fix [PATH]`: repair the mechanical mistakes validation reports, and only those.

- GBK (Windows Notepad, WPS) -> UTF-8;
- the `---` fences: garbled ones (——-, －－－, - - -), blank lines before the opening one, an
  opening one missing before a first line that is clearly a field, a closing one missing after
  the last field when the body clearly starts there;
- inside the front matter, and only when it does not load: tab indentation -> two spaces per tab,
  full-width spaces in indentation or after "key:", a full-width colon or a colon without its
  space ("发布日期:2024-03-05") after a known key (unless validation finds it ordinary text), a
  list dash without its space ("-审核审批程序" -> "- 审核审批程序");
- a value opened by an ASCII quote that goes on after the closing one (`"放管服"改革`, which YAML
  cannot read) -> Chinese quotes (`“放管服”改革`), only when the front matter does not load;
- dates of the item and document schemas' date fields written 2024-3-5, 2024/3/5, 2024.3.5 or
  2024年3月5日 -> 2024-03-05 (only real dates; always, since such a date loads as text and only the
  schema refuses it).

The line checks reuse the validator's own regexes (catalogue.frontmatter), so fix and validate
agree on what is wrong. A UTF-8 BOM and CRLF line ends are accepted by the validator and kept.
Anything else (a wrong value, an unknown key) is left to the editor.
"""
from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from gongkai import limits
from gongkai.frontmatter import (
    BLOCK_SCALAR_START,
    DASH_WITHOUT_SPACE,
    FENCE,
    FULLWIDTH_COLON_KEY,
    LOOSE_DAY,
    NO_SPACE_AFTER_COLON,
    QUOTE_THEN_TEXT,
    Loader,
    mend_dash,
    mend_fullwidth_colon,
    mend_fullwidth_space,
    mend_indent,
    mend_missing_space,
    ordinary_colons,
)

# A line of three or more dash-like characters (ASCII, full-width, em/en dashes), spaces allowed.
GARBLED_FENCE = re.compile(r"^[ \t\u3000]*(?:[-－—–―─ー][ \t\u3000]*){3,}$")
# A key line: a known key, optional spaces, then an ASCII or full-width colon.
KEY_LINE = re.compile(r"^([^\s:：#\-][^:：\s]{0,15})[ \t\u3000]*[:：]")


# key: 2024-3-5 / 2024/3/5 / 2024.3.5 / 2024年3月5日 (quoted or not, an entry's "- " allowed, a comment kept).
LOOSE_DATE = re.compile(r"^(?P<lead>[ \t]*(?:-[ \t]+)?)(?P<key>[^\s:#]+):[ \t]*(?P<q>['\"]?)" + LOOSE_DAY
                        + r"(?P=q)(?P<tail>[ \t]*(?:#.*)?)$")


def date_keys(schema: dict) -> set[str]:
    """Every key whose value is a date ("format": "date"), at any depth of the item schema."""
    found, stack = set(), [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found |= {k for k, v in node.get("properties", {}).items() if isinstance(v, dict) and v.get("format") == "date"}
            stack += [v for v in node.values() if isinstance(v, (dict, list))]
        elif isinstance(node, list):
            stack += node
    return found


def fix_dates(yaml_lines: list[str], first_line: int, keys: set[str], done: list) -> list[str]:
    """2024-3-5 and its cousins -> 2024-03-05 on the lines of date fields."""
    out = []
    for number, line in enumerate(yaml_lines, start=first_line):
        match = LOOSE_DATE.match(line)
        if match and match.group("key") in keys:
            try:
                day = dt.date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
            except ValueError:
                day = None  # not a real date: validate names it, the editor decides
            written = line[match.start("y"):match.start("tail")].rstrip("'\"")
            if day and written != day.isoformat():  # a right date in quotes is fine as it is
                done.append(f"第 {number} 行：日期“{written}”改为 {day.isoformat()}")
                line = f"{match.group('lead')}{match.group('key')}: {day.isoformat()}{match.group('tail')}"
        out.append(line)
    return out


def known_keys(schema: dict) -> tuple[set[str], set[str]]:
    """(top-level keys, keys that appear nested or in list entries), both from the item schema."""
    properties = schema["properties"]
    nested = {key for spec in properties.values() for key in _nested_properties(spec)}
    return set(properties), nested


def _keys_of(*schemas: dict) -> tuple[set[str], set[str]]:
    """known_keys of several schemas together."""
    both = [known_keys(schema) for schema in schemas if schema.get("properties")]
    return set().union(*(top for top, _ in both)), set().union(*(nested for _, nested in both))


def _nested_properties(spec: dict) -> list[str]:
    inner = spec.get("items", spec) if isinstance(spec.get("items", spec), dict) else spec
    return list(inner.get("properties", {}))


@dataclass
class FileFix:
    """One file's repair: the new text and what was done, in Chinese, for the diff header."""

    text: str
    encoding_changed: bool = False
    done: list = field(default_factory=list)


# ---------------------------------------------------------------- fences

def _is_key_line(line: str, top: set[str]) -> bool:
    match = KEY_LINE.match(line)
    return bool(match) and match.group(1) in top


def fix_fences(lines: list[str], keys: tuple[set, set], done: list) -> list[str]:
    top = keys[0]
    lines = list(lines)
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if first and _fence_like(lines[first]):
        lines = lines[first:]
        done.append("删除了开头 --- 之前的空行")
    if lines and not FENCE.match(lines[0]):
        if GARBLED_FENCE.match(lines[0]):
            done.append(f"第 1 行“{lines[0].strip()}”改为 ---")
            lines[0] = "---"
        elif _is_key_line(lines[0], top):
            lines.insert(0, "---")
            done.append("在文件开头补上了 ---")
        else:
            return lines  # not clearly an item: leave it alone
    return _fix_closing(lines, keys, done)


def _fence_like(line: str) -> bool:
    return bool(FENCE.match(line) or GARBLED_FENCE.match(line))


def _fix_closing(lines: list[str], keys: tuple[set, set], done: list) -> list[str]:
    end = _front_matter_end(lines, keys[0])
    if end < len(lines) and FENCE.match(lines[end]):
        return lines
    if end < len(lines) and GARBLED_FENCE.match(lines[end]):
        done.append(f"第 {end + 1} 行“{lines[end].strip()}”改为 ---")
        return lines[:end] + ["---"] + lines[end + 1:]
    if end < len(lines) and not _body_starts(lines[end]):
        return lines  # not clear where the fields end: the editor decides
    last = end
    while last > 1 and not lines[last - 1].strip():
        last -= 1
    if not _loads([_fix_line(line, keys) for line in lines[1:last]]):
        return lines  # the fields would not load even then: too unclear to add a fence
    done.append(f"在第 {last} 行（最后一个字段）之后补上了结束的 ---")
    return lines[:last] + ["---"] + lines[last:]


def _front_matter_end(lines: list[str], top: set[str]) -> int:
    """Index of the first line after the opening fence that is not a field, a continuation
    (indented or "- " entry), a comment inside the fields, or a blank line between fields."""
    index = 1
    while index < len(lines):
        line = lines[index]
        if _fence_like(line):
            return index
        if _is_key_line(line, top) or line[:1] in " \t\u3000" and line.strip() or line.startswith("- "):
            index += 1
        elif (not line.strip() or line.startswith("#")) and _more_fields_follow(lines, index, top):
            index += 1
        else:
            return _skip_blank(lines, index)
    return len(lines)


def _more_fields_follow(lines: list[str], index: int, top: set[str]) -> bool:
    following = next((line for line in lines[index + 1:] if line.strip() and not line.startswith("#")), "")
    return _is_key_line(following, top)


def _skip_blank(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _body_starts(line: str) -> bool:
    """Clearly Markdown, not a field: a heading, or text without any colon."""
    return line.startswith("#") or not re.search(r"[:：]", line)


# ---------------------------------------------------------------- lines inside the fields

def _loads(yaml_lines: list[str]) -> bool:
    text = "\n".join(yaml_lines) + "\n"
    if limits.unreadable_lines(yaml_lines, 1, "") or limits.yaml_structure(text, 1, ""):
        return False  # never hand YAML what validation refuses to read (deep nesting crashes PyYAML)
    try:
        return isinstance(yaml.load(text, Loader=Loader), dict)
    except (yaml.YAMLError, ValueError):
        return False


def fix_lines(yaml_lines: list[str], first_line: int, keys: tuple[set, set], done: list) -> list[str]:
    """Only when the fields do not load, and never inside a block scalar (| or >)."""
    if _loads(yaml_lines):
        return yaml_lines
    out, block_indent, ordinary = [], None, ordinary_colons(yaml_lines)
    for number, line in enumerate(yaml_lines, start=first_line):
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None and (not line.strip() or indent > block_indent):
            out.append(line)
            continue
        fixed = _fix_line(line, keys, colons=number - first_line not in ordinary)
        if fixed != line:
            done.append(f"第 {number} 行：{_what(line, fixed)}")
        block_indent = len(fixed) - len(fixed.lstrip(" ")) if BLOCK_SCALAR_START.search(fixed) else None
        out.append(fixed)
    return out


def _fix_line(line: str, keys: tuple[set, set], colons: bool = True) -> str:
    """The line's mechanical repairs (gongkai.frontmatter's mends); a colon only after a known key,
    and not where validation found it ordinary text (`colons` False: ordinary_colons)."""
    line = mend_indent(line)
    colon = FULLWIDTH_COLON_KEY.match(line)
    if colons and colon and _known(line, colon.group(1), keys):
        line = mend_fullwidth_colon(line)
    spaceless = NO_SPACE_AFTER_COLON.match(line)
    if colons and spaceless and _known(line, spaceless.group(1), keys):
        line = mend_missing_space(line)
    line = mend_dash(mend_fullwidth_space(line))
    quoted = QUOTE_THEN_TEXT.match(line)
    if quoted and quoted["lead"].strip():  # a key or a dash before it: never a continuation line
        inner = f"“{quoted['dq']}”" if quoted["dq"] is not None else f"‘{quoted['sq']}’"
        line = quoted["lead"] + inner + quoted["tail"]
    return line


def _known(line: str, key: str, keys: tuple[set, set]) -> bool:
    """Only a real key: a top-level one at the margin, a nested one (类型, 说明, 名称 …) indented."""
    top, nested = keys
    return key in top if not line[:1].isspace() else key in nested


def _what(before: str, after: str) -> str:
    """The repairs, named by what actually changed on the line."""
    found = [label for char, label in (("\t", "Tab 缩进改为空格"), ("\u3000", "全角空格改为半角空格"),
                                       ("：", "字段名后的全角冒号改为“: ”")) if after.count(char) < before.count(char)]
    if DASH_WITHOUT_SPACE.match(before) and not DASH_WITHOUT_SPACE.match(after):
        found.append("列表项的“-”后加了空格")
    if NO_SPACE_AFTER_COLON.match(before) and not NO_SPACE_AFTER_COLON.match(after):
        found.append("字段名后的冒号后加了空格")
    if QUOTE_THEN_TEXT.match(before) and not QUOTE_THEN_TEXT.match(after):
        found.append("值开头的英文引号改为中文引号")
    return "，".join(found)


# ---------------------------------------------------------------- one file, many files

def decode(raw: bytes) -> tuple[str | None, bool, bool]:
    """(text, had BOM, was GBK); text None when neither UTF-8 nor GBK."""
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    try:
        return body.decode("utf-8"), bom, False
    except UnicodeDecodeError:
        try:
            return body.decode("gb18030"), bom, True
        except UnicodeDecodeError:
            return None, bom, False


def fix_text(text: str, keys: tuple[set, set], dates: set[str] = frozenset()) -> tuple[str, list[str]]:
    """The repaired text (line ends as in the input) and what was changed."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").split("\n")
    done: list[str] = []
    lines = fix_fences(lines, keys, done)
    if lines and FENCE.match(lines[0]):
        close = next((i for i in range(1, len(lines)) if FENCE.match(lines[i])), None)
        if close is not None:
            fields = fix_dates(fix_lines(lines[1:close], 2, keys, done), 2, dates, done)
            lines = [lines[0]] + fields + lines[close:]
    return newline.join(lines), done


def fix_file(path: Path, keys: tuple[set, set], dates: set[str] = frozenset()) -> tuple[bytes, FileFix] | None:
    raw = path.read_bytes()
    text, bom, gbk = decode(raw)
    if text is None:
        return None
    fixed, done = fix_text(text, keys, dates)
    if gbk:
        done.insert(0, "GBK 编码转换为 UTF-8")
    data = (b"\xef\xbb\xbf" if bom else b"") + fixed.encode("utf-8")
    return (data, FileFix(fixed, gbk, done)) if data != raw else None


def _shown(path: Path) -> str:
    """Relative to the current folder when inside it, as editors run `invoke fix` from the project."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(Path.cwd())).as_posix()  # links not followed
    except ValueError:
        return path.as_posix().lstrip("/")


def item_paths(paths: list[Path]) -> list[tuple[Path, Path]]:
    """(file, the folder it was found in) for every .md file under the given paths."""
    found = []
    for path in map(Path, paths):
        if path.is_dir() and not path.is_symlink():
            found += [(p, path) for p in sorted(path.rglob("*.md")) if not p.name.startswith(".")]
        else:
            found.append((path, path.parent))
    return found


REFUSALS = [
    (lambda path, root: path.is_symlink(), "是符号链接（快捷方式），没有修复：请换成普通文件"),
    (lambda path, root: not _inside(path, root), "在项目文件夹以外，没有修复"),
]


def _inside(path: Path, root: Path) -> bool:
    """True when the file, with every link on its way resolved, is a regular file under `root`."""
    real, top = path.resolve(), root.resolve()
    return real.is_file() and (real == top or top in real.parents)


def _write(path: Path, data: bytes) -> None:
    """Overwrite the file itself, never what a link put in its place meanwhile points to."""
    handle = os.open(path, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(handle, "wb") as file:
        file.write(data)


def fix(paths: list[Path], write: bool, root: Path | None = None, schema: dict | None = None,
        document_schema: dict | None = None) -> tuple[str, list[Path]]:
    """A unified diff of every repair (with a Chinese list of what was done), and the files that
    change. Files are written only when `write` is true, and only regular files inside `root` (the
    project; by default the folder given) are read at all: a link or a file elsewhere is named.
    Field names are the item and document schemas' (by default those of the project the first path
    is in): the files under content/items/ are of both kinds."""
    if schema is None:
        near = _schema_near(paths[0])
        schema = json.loads(near.read_text(encoding="utf-8"))
        documents = near.with_name("document.schema.json")
        document_schema = json.loads(documents.read_text(encoding="utf-8")) if documents.is_file() else {}
    keys, dates, chunks, changed = _keys_of(schema, document_schema or {}), date_keys(schema) | date_keys(document_schema or {}), [], []
    for path, folder in item_paths(paths):
        refusal = next((text for test, text in REFUSALS if test(path, root or folder)), None)
        if refusal:
            chunks.append(f"# {_shown(path)}：{refusal}\n")
            continue
        before = decode(path.read_bytes())[0]
        if before is None:
            chunks.append(f"# {_shown(path)}：既不是 UTF-8 也不是 GBK 编码，无法自动修复，请用编辑器另存为 UTF-8\n")
            continue
        result = fix_file(path, keys, dates)
        if result is None:
            continue
        data, repair = result
        chunks.append(f"# {_shown(path)}：{'；'.join(repair.done)}\n")
        chunks += difflib.unified_diff(before.replace("\r\n", "\n").splitlines(keepends=True),
                                       repair.text.replace("\r\n", "\n").splitlines(keepends=True),
                                       f"a/{_shown(path)}", f"b/{_shown(path)}")
        changed.append(path)
        if write:
            _write(path, data)
    return "".join(chunk if chunk.endswith("\n") else chunk + "\n" for chunk in chunks), changed


def _schema_near(path: Path) -> Path:
    """schema/item.schema.json of the project a path is in (the nearest folder that has one)."""
    for folder in [Path(path).resolve(), *Path(path).resolve().parents]:
        if (folder / "schema" / "item.schema.json").is_file():
            return folder / "schema" / "item.schema.json"
    raise FileNotFoundError(f"{path} 不在项目中：找不到 schema/item.schema.json")


def fix_command(root: Path, target: Path, write: bool = False) -> int:
    """`invoke fix [--write]`: show (or write) the repairs under `target`, with the project's schema."""
    from gongkai.project import load_project
    from gongkai.settings import settings_for

    project = load_project(settings_for(root))
    diff, changed = fix([target], write=write, root=root, schema=project.schema, document_schema=project.document_schema)
    print(diff or "没有需要自动修复的问题。")
    if changed and not write:
        print(f"以上 {len(changed)} 个文件可以自动修复：加上 --write 写入。")
    if changed and write:
        print(f"已写入 {len(changed)} 个文件：{'、'.join(_shown(p) for p in changed)}。请再运行 invoke validate 检查。")
    return 0
