"""How much work one editor-written file may cause, declared once, each limit with its message.

A file that crosses a limit is refused with a located Chinese message before the expensive step
runs: the size before the file is read, YAML anchors and nesting before PyYAML composes (deep
nesting overflows its C stack; one alias expands a 283-byte file to a gigabyte), characters
before YAML reads them, and the Markdown constructs Python-Markdown handles in quadratic time or
by deep recursion before a body is rendered. Ordinary files are far inside every limit; the
checks are linear and mostly a few `str.count` calls.
"""
from __future__ import annotations

import os
import re
import signal
import threading
from contextlib import contextmanager

import yaml

from .characters import BODY_FORBIDDEN, MULTILINE_FORBIDDEN, VALUE_FORBIDDEN, has_visible, is_bidi, label
from .errors import Problem, RenderTooSlow

MB = 1024 * 1024

# ---------------------------------------------------------------- the limits

MAX_ITEM_BYTES = 1 * MB          # an item file: its fields and a body of a few pages, not a data table
MAX_REGISTRY_BYTES = 5 * MB      # categories.yaml, units.yaml, holidays.yaml, synonyms.yaml
MAX_YAML_DEPTH = 12              # the deepest real structure is 4 (一级事项 → 二级事项 → entry → value)
MAX_HTML_DEPTH = 32              # nested HTML elements in a body (Python-Markdown recurses per level)
MAX_BLOCK_DEPTH = 20             # nested lists and quotes in a body (indentation and ">")
MAX_BRACKET_WORK = 500_000       # characters Markdown scans looking for the "]" of every "["
MAX_TAG_WORK = 500_000           # characters the HTML parser scans looking for the ">" of every "<a"
MAX_MARKUP_LINES = 100           # heading/rule/definition/abbreviation lines in one paragraph
MAX_MARKUP_WORK = 20_000_000     # those lines times the paragraph's length (Markdown re-reads the rest per line)
RENDER_SECONDS = 60              # last resort for anything the checks above do not foresee

SIZE_WORDS = {MAX_ITEM_BYTES: ("事项文件", "长名单和大表格请做成附件（附件字段），正文只写说明"),
              MAX_REGISTRY_BYTES: ("登记表", "请检查文件是否被误替换")}

YAML_ANCHOR = ("值以“&”或“*”开头时表示引用别处的内容，事项文件和登记表中不允许这样写：请把内容直接写出来；"
               "如果文字本身以 & 或 * 开头，请用引号把整个值括起来")
YAML_DEPTH = (f"列表或“字段: 值”嵌套超过 {MAX_YAML_DEPTH} 层（字段里不会有这么深的结构）："
              "请检查这一行的方括号“[ ]”、花括号“{ }”和缩进")
YAML_NUMBER = "数字太长，无法读取：如果这是文字（例如编号），请用引号括起来"
UNREADABLE_LINE = "这一行含有不可见的{what} {label}，无法读取：请删除它（常见于从其他系统复制的文字）"
VALUE_BREAK = "不能换行：请写在一行内（不要用“|”或“>”分行书写）；有几项内容时写成列表，每项一行，以“- ”开头"
VALUE_CONTROL = "第 {pos} 个字处有不可见的{what} {label}：请删除它（常见于从其他系统复制的文字）"
VALUE_BIDI = "第 {pos} 个字处有文字方向控制符 {label}，它会让网页上显示的文字顺序与文件中的不同：请删除它"
VALUE_INVISIBLE = "只有空格或不可见的字符（如零宽空格）：请填写实际内容"
BODY_CHARACTER = "这一行有不可见的{what} {label}{more}：请删除它（常见于从其他系统复制的文字）"
BODY_BIDI = "这一行有文字方向控制符 {label}{more}，它会让网页上显示的文字顺序与文件中的不同：请删除它"
BODY_HTML_DEPTH = f"HTML 标签嵌套超过 {MAX_HTML_DEPTH} 层（到这一行）：请删除多余的 <div> 等标签，正文用 Markdown 书写即可"
BODY_BLOCK_DEPTH = f"列表或引用嵌套超过 {MAX_BLOCK_DEPTH} 层：请减少这一行开头的缩进或“>”"
BODY_BRACKETS = ("方括号“[”太多又没有配对的“]”（从这一行起），生成网页会极慢：请删除多余的“[”，"
                 "需要原样显示时写成“\\[”")
BODY_TAGS = "“<”后接字母却没有对应的“>”的地方太多（从这一行起），生成网页会极慢：请删除多余的“<”，或写成“&lt;”"
BODY_MARKUP = ("这一段（从这一行起，到下一个空行为止）有 {count} 行标题、分隔线、定义或缩写，"
               f"超过 {MAX_MARKUP_LINES} 行或过长，生成网页会极慢：请在它们之间加空行")
BODY_TOO_COMPLEX = (f"正文过于复杂，{RENDER_SECONDS} 秒内无法生成网页（{{reason}}）：请简化正文"
                    "（减少嵌套和成串的特殊符号），或把内容做成附件")
BODY = "正文"


def size_words(size: int) -> str:
    """"3.4 MB", "1 MB", "120 KB"."""
    if size < MB / 10:
        return f"{size / 1024:.0f} KB"
    return f"{size // MB} MB" if size % MB == 0 else f"{size / MB:.1f} MB"


# ---------------------------------------------------------------- reading a file

def read_bounded(path, display: str, limit: int = MAX_ITEM_BYTES) -> tuple[bytes | None, Problem | None]:
    """The file's bytes, or a problem when it is larger than `limit` (never read beyond it, even
    if it grows meanwhile; asking for exactly its size keeps small files as cheap as read_bytes)."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        raw = handle.read(min(size, limit) + 1)
        if size < len(raw) <= limit:  # it grew after fstat: read on, still never beyond the limit
            raw += handle.read(limit + 1 - len(raw))
    if len(raw) <= limit:
        return raw, None
    what, hint = SIZE_WORDS.get(limit, ("文件", "请减小文件"))
    size = max(size, len(raw))
    return None, Problem(display, None, "",
                         f"文件有 {size_words(size)}，超过{what} {size_words(limit)} 的上限：{hint}")


def unreadable_lines(lines: list[str], first_line: int, display: str) -> list[Problem]:
    """Raw control characters YAML cannot read (NUL, DEL, ESC…): the first such line, located."""
    text = "\n".join(lines)
    found = BODY_FORBIDDEN.search(text)
    if not found:
        return []
    char = found.group()
    what = "文字方向控制符" if is_bidi(char) else "控制字符"
    line = first_line + text.count("\n", 0, found.start())
    return [Problem(display, line, "", UNREADABLE_LINE.format(what=what, label=label(char)))]


# ---------------------------------------------------------------- YAML structure, before composing

_EventLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BLOCK_PREFIX = re.compile(r"\n[ ?-]+")  # searched in "\n" + text: faster than a MULTILINE ^
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def yaml_structure(text: str, first_line: int, display: str) -> list[Problem]:
    """Anchors/aliases and nesting deeper than MAX_YAML_DEPTH, found on the event stream.

    Editors never need anchors, and refusing them outright is the only rule that stops every
    expansion attack. The event stream is read only when a cheap bound says it could matter:
    nesting is at most the widest block prefix plus the number of opening brackets."""
    if "&" not in text and "*" not in text and _depth_bound(text) <= MAX_YAML_DEPTH:
        return []
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_EventLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                return [Problem(display, event.start_mark.line + first_line, "", YAML_ANCHOR)]
            depth += isinstance(event, _OPEN) - isinstance(event, _CLOSE)
            if depth > MAX_YAML_DEPTH:
                return [Problem(display, event.start_mark.line + first_line, "", YAML_DEPTH)]
    except yaml.YAMLError:
        return []  # a syntax error: the real load reports it, at the same place, before any deeper level
    return []


def _depth_bound(text: str) -> int:
    widest = max(map(len, _BLOCK_PREFIX.findall("\n" + text)), default=1) - 1
    return 2 + widest + text.count("[") + text.count("{")


# ---------------------------------------------------------------- field values (schema.py applies this)

def text_message(text: str, multiline: bool = False) -> str | None:
    """What is wrong with one text value, or None: it must be visible text without control or
    direction characters, on one line unless its field is declared `x-multiline` in the schema."""
    forbidden = MULTILINE_FORBIDDEN if multiline else VALUE_FORBIDDEN
    found = forbidden.search(text)
    if found:
        char, pos = found.group(), found.start() + 1
        if char in "\n\r\u2028\u2029" and not multiline:
            return VALUE_BREAK
        if is_bidi(char):
            return VALUE_BIDI.format(pos=pos, label=label(char))
        what = "制表符" if char == "\t" else "控制字符"
        return VALUE_CONTROL.format(pos=pos, what=what, label=label(char))
    if text and not has_visible(text):
        return VALUE_INVISIBLE
    return None


# ---------------------------------------------------------------- Markdown bodies, before rendering

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_BRACKET = re.compile(r"[\[\]]")
_TAG_OR_END = re.compile(r"<[A-Za-z]|>")
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*?(/?)>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
# Line starts, searched in "\n" + text (a literal "\n" is found much faster than a MULTILINE ^).
_DEEP_PREFIX = re.compile(rf"\n[ \t>]{{{MAX_BLOCK_DEPTH + 1},}}")
_MARKUP_LINE = re.compile(r"\n {0,3}(?:#|\*\[|\[\^|:[ \t]|(?:=+|-+|(?:[*_][ \t]*){3,})[ \t]*(?=\n|\Z))")


def body_problems(body: str, body_line: int, display: str) -> list[Problem]:
    """What a body may not contain or do to the renderer; each check returns (offset, message)."""
    problems = []
    for check in BODY_CHECKS:
        found = check(body)
        if found:
            offset, message = found
            problems.append(Problem(display, body_line + body.count("\n", 0, offset), BODY, message))
    return problems


def _characters(body: str):
    found = BODY_FORBIDDEN.search(body)
    if not found:
        return None
    char = found.group()
    lines = len({body.count("\n", 0, m.start()) for m in BODY_FORBIDDEN.finditer(body)})
    more = f"（共 {lines} 行有这类字符，这里是第一处）" if lines > 1 else ""
    if is_bidi(char):
        return found.start(), BODY_BIDI.format(label=label(char), more=more)
    return found.start(), BODY_CHARACTER.format(what="控制字符", label=label(char), more=more)


def _html_depth(body: str):
    stack, open_counts = [], {}
    for match in _HTML_TAG.finditer(body):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            if open_counts.get(name):
                while True:
                    top = stack.pop()
                    open_counts[top] -= 1
                    if top == name:
                        break
        elif name not in _VOID and not self_closing:
            stack.append(name)
            open_counts[name] = open_counts.get(name, 0) + 1
            if len(stack) > MAX_HTML_DEPTH:
                return match.start(), BODY_HTML_DEPTH
    return None


def _block_depth(body: str):
    for match in _DEEP_PREFIX.finditer("\n" + body):
        prefix = match.group()[1:]
        if prefix.count(">") + len(prefix.replace(">", "").expandtabs(4)) // 4 > MAX_BLOCK_DEPTH:
            return match.start(), BODY_BLOCK_DEPTH
    return None


def _paragraphs(body: str):
    """(offset, text) of each paragraph: the unit Markdown's inline and block passes work on."""
    start = 0
    for gap in _PARAGRAPH_BREAK.finditer(body):
        yield start, body[start:gap.start()]
        start = gap.end()
    yield start, body[start:]


def _bracket_work(body: str):
    """Markdown scans from every "[" to its matching "]", or to the paragraph's end if none."""
    work = 0
    for start, text in _paragraphs(body):
        if "[" not in text:
            continue
        opened = []
        for match in _BRACKET.finditer(text):
            if match.group() == "[":
                opened.append(match.start())
            elif opened:
                work += match.start() - opened.pop()
        work += sum(len(text) - position for position in opened)
        if work > MAX_BRACKET_WORK:
            return start + (opened[0] if opened else text.index("[")), BODY_BRACKETS
    return None


def _tag_work(body: str):
    """The HTML parser scans from every "<" followed by a letter to the next ">"."""
    work, pending, total, first = 0, 0, 0, 0
    for match in _TAG_OR_END.finditer(body):
        if match.group() != ">":
            first = match.start() if pending == 0 else first
            pending, total = pending + 1, total + match.start()
            continue
        work += pending * match.start() - total
        if work > MAX_TAG_WORK:
            return first, BODY_TAGS
        pending, total = 0, 0
    if work + pending * len(body) - total > MAX_TAG_WORK:
        return first, BODY_TAGS
    return None


def _markup_work(body: str):
    """Headings, rules, definitions and abbreviations are taken one line at a time, and Markdown
    searches the rest of the paragraph again after each; too many lines also recurse too deep."""
    work = 0
    for start, text in _paragraphs(body):
        count = len(_MARKUP_LINE.findall("\n" + text))
        work += count * len(text)
        if count > MAX_MARKUP_LINES or work > MAX_MARKUP_WORK:
            return start, BODY_MARKUP.format(count=count)
    return None


BODY_CHECKS = (_characters, _html_depth, _block_depth, _bracket_work, _tag_work, _markup_work)


# ---------------------------------------------------------------- rendering, the last resort

@contextmanager
def render_guard(seconds: float | None = None):
    """Stop a render that runs longer than `seconds` (RENDER_SECONDS) on the main thread, where
    signals arrive (the build's worker processes run their jobs there too). Elsewhere, no limit."""
    seconds = seconds or RENDER_SECONDS
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(_signum, _frame):
        raise RenderTooSlow()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def renderable(problems: list[Problem]) -> bool:
    """False once body_problems() refused the body: it must never reach the renderer."""
    return not any(p.field == BODY for p in problems)


def render_checked(render, body: str, body_line: int, display: str):
    """(render(body), []), or (None, [a located problem]) when it runs too long or recurses too deep."""
    try:
        with render_guard():
            return render(body), []
    except RenderTooSlow:
        reason = "超时"
    except RecursionError:
        reason = "嵌套过深"
    return None, [Problem(display, body_line, BODY, BODY_TOO_COMPLEX.format(reason=reason))]
