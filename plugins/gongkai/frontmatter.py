"""Reading one editor-written file: bytes -> text -> front matter + body -> data with line numbers.

Editors write these files by hand on Windows, so every mistake they commonly make is recognised
here and turned into a Chinese message that points at the line, never a traceback.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import limits
from .errors import Problem, dotted, quote

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_BaseLoader):
    """Safe YAML loader that keeps dates as text.

    PyYAML turns 2024-02-30 into a bare ValueError and 2024-03-01 into a date object; keeping the
    text lets the schema check every date the same way, quoted or not, and name the line.
    """


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

FENCE = re.compile(r"^---[ \t]*$")
FULLWIDTH_COLON_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?([^\s:：#'\"\-][^:：\s]{0,15})[ \t\u3000]*：")
# `发布日期:2024-03-05`: no space after the colon, so YAML reads the line as one text (not when "/"
# or ":" follows: a web address).
NO_SPACE_AFTER_COLON = re.compile(r"^[ \t]*(?:-[ \t]+)?([^\s:：#'\"\-\[{][^:：\s]{0,15}):(?=[^\s:/])")
FULLWIDTH_SPACE = re.compile(r"^[ \t]*\u3000|^[^#]*?:\u3000")
TAB_INDENT = re.compile(r"^ *\t")
DASH_WITHOUT_SPACE = re.compile(r"^[ \t]*-[^\s\-]")
BLOCK_SCALAR_START = re.compile(r":[ \t]*[|>][+-]?[ \t]*$")
# `key: "放管服"改革` or `- '双随机'抽查`: YAML takes a value's opening ASCII quote as quoting the whole
# value, so text after the closing quote is a syntax error. Chinese quotes are what the editor meant.
QUOTE_THEN_TEXT = re.compile(r"""^(?P<lead>[ \t]*(?:-[ \t]+)?(?:[^\s:#'"\-][^:#]*?:[ \t]+)?)"""
                             r"""(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')(?P<tail>[ \t]*[^\s#].*)$""")
# A date written 2024-3-5, 2024/3/5, 2024.3.5 or 2024年3月5日: validation names the date meant and
# `invoke fix` writes it (tools/fixer.py builds its line pattern from this one).
LOOSE_DAY = r"(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"

HINT_TAB = "这一行用了制表符（Tab）缩进，字段部分只能用空格缩进：请把 Tab 换成两个空格（invoke fix --write 可自动修复）"
HINT_FULLWIDTH_COLON = "字段名后用了中文全角冒号“：”，应为英文冒号加一个空格“: ”（invoke fix --write 可自动修复）"
HINT_FULLWIDTH_SPACE = "这一行用了中文全角空格，字段部分只认半角空格：请改为半角空格（invoke fix --write 可自动修复）"
HINT_NO_SPACE = "字段名后的冒号“:”后面要加一个空格，写成“字段名: 值”（invoke fix --write 可自动修复）"
HINT_DASH = "列表项的“-”后要加一个空格，写成“- 内容”（invoke fix --write 可自动修复）"
HINT_QUOTE_THEN_TEXT = ("值以英文引号开头时，引号会被当作括住整个值的符号，结束的引号后面不能再有文字："
                        "请改用中文引号“”（invoke fix --write 可自动修复）")
HINT_UNCLOSED_QUOTE = "引号没有成对出现：这一行的值以英文引号开头，却没有结束的引号。请补上结束的引号，或去掉开头的引号"

# PyYAML's problem text -> what an editor should do about it.
YAML_PROBLEMS = [
    ("mapping values are not allowed", "这里不能出现“: ”（冒号加空格）。如果值里本身有冒号，请用引号把整个值括起来"),
    ("could not find expected ':'", "缺少“: ”：每个字段应写成“字段名: 值”（英文冒号后加一个空格），列表项写成“- 内容”"),
    ("did not find expected key", "缩进不一致：同一层的字段要左对齐，列表项“- ”前的空格数要一致"),
    ("expected <block end>", "缩进不一致：同一层的字段要左对齐，列表项“- ”前的空格数要一致"),
    ("did not find expected '-' indicator", "缩进不一致：列表项“- ”前的空格数要一致"),
    ("found unexpected end of stream", "引号没有成对出现：请检查这一行及上一行的引号"),
    ("found unknown escape character", "双引号里的反斜杠“\\”有特殊含义：请改用单引号，或去掉反斜杠"),
    ("cannot start any token", "这一行不能以这个符号开头：如果是文字，请用引号把整个值括起来"),
    ("expected alphabetic or numeric character", "值以“*”或“&”开头时，请用引号把整个值括起来"),
]


@dataclass
class Source:
    """One parsed file: the front-matter data, its line numbers, the body, and what went wrong."""

    meta: object = None
    body: str = ""
    lines: dict = field(default_factory=dict)
    body_line: int = 1
    problems: list = field(default_factory=list)
    # After a YAML syntax error with recovery (load_yaml(recover=True)): the top-level keys whose
    # lines could not be read (UNREAD_ALL when a broken part names no key). None: all was read.
    unread: frozenset | None = None


UNREAD_ALL = frozenset({"*"})


def read_source(path: Path, display: str, max_bytes: int = limits.MAX_ITEM_BYTES, recover: bool = False) -> Source:
    """Read a YAML+Markdown file; problems are collected in the result, never raised. `recover`:
    after a YAML syntax error, the keys on the other lines are still read (load_yaml)."""
    raw, problem = limits.read_bounded(path, display, max_bytes)
    text, problem = decode(raw, display) if raw is not None else (None, problem)
    if problem:
        return Source(problems=[problem])
    return parse_text(text, display, recover)


def decode(raw: bytes, display: str) -> tuple[str | None, Problem | None]:
    """UTF-8 (with or without BOM, CRLF accepted); GBK files get a specific hint."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(display, line, "", _not_utf8_message(raw))
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def _not_utf8_message(raw: bytes) -> str:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return "文件不是 UTF-8 编码，无法读取。请用编辑器“另存为”，编码选择 UTF-8"
    return ("文件不是 UTF-8 编码（看起来是 GBK/GB2312，常见于 Windows 记事本或 WPS 保存的文本）。"
            "请用记事本“另存为”，编码选择“UTF-8”；或运行 invoke fix --write 自动转换")


def parse_text(text: str, display: str, recover: bool = False) -> Source:
    """Split the --- fences, load the YAML between them, and map every key to its file line."""
    lines = text.split("\n")
    if not lines or not FENCE.match(lines[0]):
        return Source(problems=[Problem(display, 1, "", "文件第一行必须是单独的 ---，其后写字段，字段写完后再单独一行 ---，然后是正文")])
    close = next((i for i in range(1, len(lines)) if FENCE.match(lines[i])), None)
    if close is None:
        return Source(problems=[Problem(display, 1, "", "字段部分缺少结束行：请在最后一个字段之后单独一行写 ---，再写正文")])
    yaml_lines = lines[1:close]
    source = Source(body="\n".join(lines[close + 1:]), body_line=close + 2)
    source.problems += limits.body_problems(source.body, source.body_line, display)
    if not any(s.strip() and not s.lstrip().startswith("#") for s in yaml_lines):
        source.problems.append(Problem(display, 1, "", "--- 与 --- 之间没有任何字段"))
        return source
    load_yaml(yaml_lines, first_line=2, display=display, into=source, recover=recover)
    return source


EXPECTED = {dict: "一行一个“字段名: 值”", list: "一个列表，每项以“- ”开头"}


def load_yaml(yaml_lines: list[str], first_line: int, display: str, into: Source, expect=dict,
              recover: bool = False) -> None:
    """Refuse what YAML must never see, compose (for line marks), check duplicate keys, then
    construct the data. (Every value's characters are checked with the schema, schema.py.)

    `recover`: after a syntax error, read the top-level keys whose lines are fine without the
    broken ones (recover_keys), so one run reports the other keys' problems too."""
    text = "\n".join(yaml_lines) + "\n"
    refused = (limits.unreadable_lines(yaml_lines, first_line, display)
               or limits.yaml_structure(text, first_line, display))
    if refused:
        into.problems.extend(refused)
        return
    loader, node = Loader(text), None
    try:
        node = loader.get_single_node()
        into.meta = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        into.problems.extend(_syntax_problems(exc, yaml_lines, first_line, display))
        if recover and expect is dict:
            recover_keys(yaml_lines, first_line, display, into)
        return
    except (ValueError, OverflowError):  # an unquoted number of thousands of digits: int() refuses it
        into.problems.append(Problem(display, _longest_number(node) + first_line, "", limits.YAML_NUMBER))
        return
    finally:
        loader.dispose()
    if not isinstance(into.meta, expect):
        into.problems.extend(_suspicious_lines(yaml_lines, first_line, display) or [Problem(
            display, first_line, "", f"内容应是{EXPECTED[expect]}，实际读到的是{describe(into.meta)}")])
        into.meta = None
        return
    into.lines[()] = max(first_line - 1, 1)
    _walk(node, (), first_line, display, into)


TOP_KEY = re.compile(r"^([^\s:：#'\"\-{\[][^:：]*?)[ \t\u3000]*[:：]")


def _blocks(yaml_lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each top-level key's lines: a line starting in column 0 (not a comment or
    a list dash) opens a block; indented, blank and comment lines belong to the block above."""
    starts = [i for i, text in enumerate(yaml_lines)
              if text[:1] not in ("", " ", "\t", "#", "-") or (text.startswith("-") and not text.startswith("- "))]
    if not starts or starts[0] != 0:
        starts = [0] + starts
    return list(zip(starts, starts[1:] + [len(yaml_lines)]))


def _readable_mapping(lines: list[str]) -> bool:
    if not any(s.strip() and not s.lstrip().startswith("#") for s in lines):
        return True
    try:
        return isinstance(yaml.load("\n".join(lines) + "\n", Loader=Loader), dict)
    except (yaml.YAMLError, ValueError, OverflowError):
        return False


def recover_keys(yaml_lines: list[str], first_line: int, display: str, into: Source) -> None:
    """After a syntax error: blank out each top-level key's block that does not read on its own,
    and read the rest (same line numbers). The broken keys go into `into.unread`, so the schema
    does not call them missing; the file stays invalid (its syntax problem is reported)."""
    kept, unread = list(yaml_lines), set()
    for start, end in _blocks(yaml_lines):
        if _readable_mapping(yaml_lines[start:end]):
            continue
        kept[start:end] = [""] * (end - start)
        key = TOP_KEY.match(yaml_lines[start])
        unread |= {key.group(1)} if key else UNREAD_ALL
        # A key indented by mistake (" 公开主体: …") is in the block above it: not "missing" either.
        unread |= {m.group(1) for m in map(TOP_KEY.match, (line.lstrip() for line in yaml_lines[start + 1:end])) if m}
    if kept == yaml_lines or not any(s.strip() and not s.lstrip().startswith("#") for s in kept):
        return
    rest = Source()
    load_yaml(kept, first_line, display, rest)
    if isinstance(rest.meta, dict):
        into.meta, into.lines, into.unread = rest.meta, rest.lines, frozenset(unread)
        into.problems.extend(rest.problems)


def _walk(node, path: tuple, first_line: int, display: str, into: Source) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + first_line
            if key in seen:
                into.problems.append(Problem(display, line, dotted(path + (key,)),
                    f"字段重复出现（第 {seen[key]} 行已有同名字段），只有最后一个会生效：请删除或合并其中一个"))
            seen.setdefault(key, line)
            into.lines.setdefault(path + (key,), line)
            if _dash_text(value_node) and value_node.start_mark.line != key_node.start_mark.line:
                # A list whose entry lacks the space after its dash ("  -救助对象和范围") reads as one
                # text; its line is kept as the would-be first entry's, so the schema's "应为列表"
                # points at the broken entry rather than at the key (schema.line_of_value).
                into.lines[path + (key, 0)] = value_node.start_mark.line + first_line
            _walk(value_node, path + (key,), first_line, display, into)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            into.lines[path + (index,)] = item.start_mark.line + first_line
            _walk(item, path + (index,), first_line, display, into)


def _dash_text(node) -> bool:
    """A plain (unquoted) text starting with "-": list entries written without the space."""
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value.startswith("-")


def _longest_number(root) -> int:
    """The 0-based line of the longest number in the composed nodes (nesting is bounded by now)."""
    stack, best = [root], (-1, 0)
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith((":int", ":float")):
            best = max(best, (len(node.value), node.start_mark.line))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return best[1]


def _syntax_problems(exc, yaml_lines, first_line, display) -> list[Problem]:
    suspicious = _suspicious_lines(yaml_lines, first_line, display)
    if suspicious:
        return suspicious
    mark, hint = _quote_problem(exc, yaml_lines)
    if hint is None:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or ""
        hint = next((h for needle, h in YAML_PROBLEMS if needle in problem), "这一行的写法有误：请对照示例检查冒号、缩进和引号")
    line = (mark.line + first_line) if mark else first_line
    owner = _owners(yaml_lines)[mark.line] if mark and mark.line < len(yaml_lines) else ""
    return [Problem(display, line, owner, hint)]


def _quote_problem(exc, yaml_lines: list[str]):
    """(mark, hint) for the two quote mistakes PyYAML blames elsewhere: a quote never closed (it
    reads on to the end and says so there: the opening line is meant), and text after a closing
    quote (it says "expected <block end>", which reads as an indentation problem). (None, None) else."""
    if exc.context == "while scanning a quoted scalar" and "end of stream" in (exc.problem or "") and exc.context_mark:
        return exc.context_mark, HINT_UNCLOSED_QUOTE
    mark = exc.problem_mark
    if mark and mark.line < len(yaml_lines) and QUOTE_THEN_TEXT.match(yaml_lines[mark.line]):
        return mark, HINT_QUOTE_THEN_TEXT
    return None, None


def _owners(yaml_lines: list[str]) -> list[str]:
    """For each line, the top-level field it belongs to ("" before the first, or in a file that is
    a list): a syntax problem is then `file:line: 公开内容: …` like every other message."""
    owners = [""] * len(yaml_lines)
    for start, end in _blocks(yaml_lines):
        key = TOP_KEY.match(yaml_lines[start])
        owners[start:end] = [key.group(1) if key else ""] * (end - start)
    return owners


def _suspicious_lines(yaml_lines, first_line, display) -> list[Problem]:
    """Lines with a tab indent, a full-width colon after a key, a colon without its space, a
    full-width space or a dash without its space.

    Only consulted once YAML has failed (or produced no mapping), and block scalars (| and >)
    are skipped, so a full-width colon inside ordinary text is never blamed; nor is one (or a
    colon without its space) elsewhere that does not change how the fields read (ordinary_colons).
    """
    found, owners = _candidates(yaml_lines), _owners(yaml_lines)
    ordinary = ordinary_colons(yaml_lines, found)
    return [Problem(display, index + first_line, owners[index], hint) for index, hint in found if index not in ordinary]


def _candidates(yaml_lines: list[str]) -> list[tuple[int, str]]:
    """(index, hint) of every line _line_hint finds fault with, outside block scalars."""
    found, block_indent = [], None
    for index, text in enumerate(yaml_lines):
        indent = len(text) - len(text.lstrip(" "))
        if block_indent is not None and (not text.strip() or indent > block_indent):
            continue
        block_indent = indent if BLOCK_SCALAR_START.search(text) else None
        hint = _line_hint(text)
        if hint:
            found.append((index, hint))
    return found


def ordinary_colons(yaml_lines: list[str], found: list[tuple[int, str]] | None = None) -> set[int]:
    """The lines whose full-width colon, or colon without its space, is ordinary text ("- 申请条件：…",
    "- 电话:0871-1234"), not a key's ": " mistyped: mending it (what `invoke fix` does), with
    every other faulty line mended too, does not change how the fields read. Neither validate
    blames them nor fix touches them; the YAML error then names the real mistake (a quote, say)."""
    found = _candidates(yaml_lines) if found is None else found
    doubtful = [index for index, hint in found if hint in (HINT_FULLWIDTH_COLON, HINT_NO_SPACE)]
    if len(doubtful) > MAX_DOUBTFUL:  # each is a parse of the whole fields: a hostile file is not parsed 40,000 times
        return set(doubtful)
    if not doubtful:
        return set()
    mended = list(yaml_lines)
    for index, _hint in found:
        mended[index] = mend_line(yaml_lines[index])
    outcome = _outcome(mended)
    return {index for index in doubtful if _outcome(mended[:index] + [yaml_lines[index]] + mended[index + 1:]) == outcome}


MAX_DOUBTFUL = 60  # more than any item has fields: past it, none is blamed and the YAML error is reported


def mend_indent(text: str) -> str:
    """Tabs and full-width spaces in the indentation -> two spaces each."""
    lead = re.match(r"^[ \t\u3000]*", text).group(0)
    return lead.replace("\t", "  ").replace("\u3000", "  ") + text[len(lead):]


def mend_fullwidth_colon(text: str) -> str:
    """`key：value` -> `key: value` (FULLWIDTH_COLON_KEY); other lines unchanged."""
    match = FULLWIDTH_COLON_KEY.match(text)
    if not match or ": " in text[: match.end()]:
        return text
    return text[: match.start(1)] + match.group(1) + ": " + text[match.end():].lstrip(" \u3000")


def mend_missing_space(text: str) -> str:
    """`key:value` -> `key: value` (NO_SPACE_AFTER_COLON); other lines unchanged."""
    match = NO_SPACE_AFTER_COLON.match(text)
    return text[: match.end()] + " " + text[match.end():] if match else text


def mend_fullwidth_space(text: str) -> str:
    """`key:\u3000value` -> `key: value`."""
    return re.sub(r"^([^#]*?):\u3000+", r"\1: ", text, count=1) if FULLWIDTH_SPACE.search(text) else text


def mend_dash(text: str) -> str:
    """`-审核审批程序` -> `- 审核审批程序` (DASH_WITHOUT_SPACE)."""
    return re.sub(r"^([ \t]*)-", r"\1- ", text, count=1) if DASH_WITHOUT_SPACE.match(text) else text


def mend_line(text: str) -> str:
    """Every mechanical repair of one line (tools/fixer.py makes them where the key is known)."""
    for mend in (mend_indent, mend_fullwidth_colon, mend_missing_space, mend_fullwidth_space, mend_dash):
        text = mend(text)
    return text


def _outcome(yaml_lines: list[str]):
    """How the fields read: the type loaded, or where and why YAML stops. Mended lines are never
    handed to YAML beyond what validation lets it read (mending "-a" lines can nest them deeply)."""
    text = "\n".join(yaml_lines) + "\n"
    if limits.yaml_structure(text, 1, ""):
        return "refused"
    try:
        return type(yaml.load(text, Loader=Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return (mark.line if mark else None, exc.problem)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        return type(exc)


def _line_hint(text: str) -> str | None:
    if TAB_INDENT.match(text):
        return HINT_TAB
    if FULLWIDTH_SPACE.search(text):
        return HINT_FULLWIDTH_SPACE
    if DASH_WITHOUT_SPACE.match(text):
        return HINT_DASH
    match = FULLWIDTH_COLON_KEY.match(text)
    if match and ": " not in text[: match.end()]:
        return HINT_FULLWIDTH_COLON
    if NO_SPACE_AFTER_COLON.match(text):
        return HINT_NO_SPACE
    return None


def loose_date(value) -> dt.date | None:
    """The real date a text such as 2024/3/5 or 2024年3月5日 stands for (LOOSE_DAY); None otherwise."""
    match = re.fullmatch(LOOSE_DAY, value.strip()) if isinstance(value, str) else None
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"])) if match else None
    except ValueError:
        return None  # 2024/2/30: no date is meant


def describe(value) -> str:
    """A Chinese word for what the editor actually wrote, used in 'expected X, found Y'."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"是/否值（{value}）"
    if isinstance(value, (int, float)):
        return f"数字 {quote(value)}"
    if isinstance(value, str):
        return f"文本“{quote(value)}”"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "带“字段: 值”的多行内容"
    return TAGGED.get(type(value).__name__, type(value).__name__)


def found(value) -> str:
    """"实际为…" for an expected-vs-found message; what was written over several lines is
    described as such ("实际写成了带“字段: 值”的多行内容")."""
    return f"实际写成了{describe(value)}" if isinstance(value, (dict, list)) else f"实际为{describe(value)}"


# What PyYAML's safe loader makes of explicit tags an editor may paste (!!binary, !!set…).
TAGGED = {"bytes": "二进制数据（!!binary）", "date": "日期对象（!!timestamp）", "datetime": "时间对象（!!timestamp）",
          "set": "集合（!!set）", "tuple": "键值对（!!omap 或 !!pairs）"}
