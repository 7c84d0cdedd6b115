"""JSON Schema checks with Chinese, line-located messages.

The schema files in schema/ are the single source of truth: field names, titles and enums come
from them, and every jsonschema error is translated here through one table of keyword handlers.
"""
from __future__ import annotations

import difflib
import json
import re
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from . import limits
from .errors import Problem, dotted, quote
from .frontmatter import UNREAD_ALL, found, loose_date

TYPE_NAMES = {"string": "文本", "array": "列表（每行以“- ”开头）", "object": "带“字段: 值”的多行内容（下一行起缩进两格书写）",
              "integer": "整数", "number": "数字", "boolean": "true（是）或 false（否）"}


@cache
def load_schema(path: str, index_pattern: str | None = None) -> dict:
    """Read a schema file once; the 索引号 pattern may be overridden for a region's own rule."""
    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    if index_pattern and "索引号" in schema.get("properties", {}):
        schema["properties"]["索引号"]["pattern"] = index_pattern
        schema["properties"]["索引号"]["x-hint"] = f"符合本地规则 {index_pattern} 的索引号"
    return schema


def _one_line_pattern(validator, pattern, instance, schema):
    """`pattern` as every schema here means it: the whole value, on one line.

    jsonschema runs patterns with Python's re.search, where `$` also matches before a final line
    break, so "11530000MB0123456X/2024-00012\\n" passed `^…$`. Every pattern in schema/ (and a
    region's GONGKAI_INDEX_PATTERN) describes a one-line token, so text with a line break never
    matches; the reader reports the line break itself (limits.value_problems)."""
    if validator.is_type(instance, "string") and ("\n" in instance or not re.search(pattern, instance)):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_check_type = Draft202012Validator.VALIDATORS["type"]


def _type_and_text(validator, types, instance, schema):
    """`type`, and for every text value the one rule on its characters (limits.text_message):
    no control or direction characters, nothing only invisible, one line unless `x-multiline`.
    Attached to `type` so that every string field in every schema gets it without a keyword."""
    yield from _check_type(validator, types, instance, schema)
    if isinstance(instance, str) and "string" in ([types] if isinstance(types, str) else types):
        message = limits.text_message(instance, multiline=schema.get("x-multiline", False))
        if message:
            yield ValidationError(message, validator="x-text")


# Values found valid under a subschema, by (subschema, format checker, the value frozen). Most fields
# repeat across a catalogue's files (公开主体, 公开方式, 公开时限, 公开渠道…): measured on 10,000
# generated items, 92 % of the property checks found a value already found valid, and a file's
# check went from 0.21 to 0.04 ms. Only a value with no error is kept: an invalid one is checked
# every time, so every message and its place are those of a full check. The subschema and the
# checker are kept beside the entry, so their ids are never reused while it exists.
_VALID: dict = {}
VALID_KEPT = 20_000  # entries (a few MB); then the memo starts again


def _frozen(value):
    """A hashable copy of a YAML value that tells types apart (True from 1, "1" from 1); None for
    a type YAML rarely makes (!!binary, !!set): not kept."""
    kind = type(value)
    if kind in (str, int, float, bool) or value is None:
        return kind, value
    if kind is list:
        items = tuple(_frozen(v) for v in value)
        return None if None in items else (kind, items)
    if kind is dict:
        items = tuple((type(k), k, _frozen(v)) for k, v in value.items())  # a key is hashable already
        return None if any(item[2] is None for item in items) else (kind, items)
    return None


def _properties(validator, properties, instance, schema):
    """jsonschema's `properties`, skipping a property whose value was found valid before."""
    if not validator.is_type(instance, "object"):
        return
    checker = validator.format_checker
    for name, subschema in properties.items():
        if name not in instance:
            continue
        value = _frozen(instance[name])
        key = (id(subschema), id(checker), value)
        if value is not None and key in _VALID:
            continue
        errors = list(validator.descend(instance[name], subschema, path=name, schema_path=name))
        if errors:
            yield from errors
        elif value is not None:
            if len(_VALID) >= VALID_KEPT:
                _VALID.clear()
            _VALID[key] = (subschema, checker)


Validator = validators.extend(Draft202012Validator, {"pattern": _one_line_pattern, "type": _type_and_text,
                                                     "properties": _properties})


@cache
def compiled(path: str, index_pattern: str | None = None) -> Draft202012Validator:
    """The validator is compiled once per process, not once per file."""
    schema = load_schema(path, index_pattern)
    Validator.check_schema(schema)
    return Validator(schema, format_checker=FormatChecker())


_DEFAULTS: dict[int, tuple] = {}


def defaults(schema: dict) -> dict:
    """The top-level fields with a `default` ({"有效性": "有效"}), one shared dict per schema."""
    entry = _DEFAULTS.get(id(schema))
    if entry is None or entry[0] is not schema:
        entry = _DEFAULTS[id(schema)] = (schema, {k: v["default"] for k, v in schema.get("properties", {}).items()
                                                  if "default" in v})
    return entry[1]


def check(validator: Draft202012Validator, data, lines: dict, display: str, unread: frozenset | None = None) -> list[Problem]:
    """Every schema violation in `data`, each placed on the line of the offending key. `unread`:
    top-level keys whose lines had a syntax error (frontmatter.recover_keys): not "missing"."""
    errors = list(validator.iter_errors(data))
    if unread:
        errors = [e for e in errors if not _unread_required(e, unread)]
    # A value whose characters are refused gets that one message, not also "too short" or "format".
    refused = {tuple(e.absolute_path) for e in errors if e.validator == "x-text"}
    errors = [e for e in errors if e.validator == "x-text" or tuple(e.absolute_path) not in refused]
    suggested = {(tuple(e.absolute_path), s) for e in errors if e.validator == "additionalProperties"
                 for s in _suggestions(e)}
    problems = []
    for error in errors:
        if error.validator == "required" and _missing_is_suggested(error, suggested):
            continue  # a misspelt key already says "是不是“发布日期”？" on its own line
        problems.extend(_translate(error, lines, display, validator.schema))
    return sorted(problems, key=lambda p: (p.line or 0, p.field))


def _unread_required(error, unread: frozenset) -> bool:
    if error.validator != "required" or tuple(error.absolute_path):
        return False
    return UNREAD_ALL <= unread or any(error.message.startswith(repr(key)) for key in unread)


def _suggestions(error) -> list:
    return [m for key in _extra_keys(error) for m in _meant(error, key)]


def _meant(error, key) -> list:
    """The field an unknown key most likely stands for: first among the required fields the
    file lacks (a renamed key: 公开单位 is 公开主体, not the closer-spelt 五公开), else among all."""
    allowed = list(error.schema.get("properties", {}))
    missing = [k for k in error.schema.get("required", []) if k not in error.instance]
    return closest(str(key), missing) or closest(str(key), allowed)


def closest(word: str, options: list, cutoff: float = 0.4) -> list:
    """The most similar option (difflib's ratio), as a list of at most one. Of equally similar
    options the first in schema order wins (difflib would take the last in code-point order:
    "发布时间" -> "定时发布" instead of "发布日期")."""
    scored = []
    for option in options:
        matcher = difflib.SequenceMatcher(None, word, option)
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff and matcher.ratio() >= cutoff:
            scored.append((matcher.ratio(), option))
    best = max((score for score, _o in scored), default=None)
    return [next(o for score, o in scored if score == best)] if scored else []


def _missing_is_suggested(error, suggested: set) -> bool:
    path = tuple(error.absolute_path)
    return all((path, key) in suggested for key in error.validator_value if key not in error.instance)


def line_of(lines: dict, path: tuple) -> int | None:
    """The line of the deepest part of `path` that exists in the file."""
    path = tuple(path)
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path)


def _translate(error, lines: dict, display: str, root: dict | None = None) -> list[Problem]:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        return [_unknown_key(error, path, key, lines, display) for key in _extra_keys(error)]
    if error.validator == "required":
        # jsonschema raises one error per missing key, each carrying the whole list: name this one.
        missing = [k for k in error.validator_value if k not in error.instance] or error.validator_value
        key = next((k for k in missing if error.message.startswith(repr(k))), missing[0])
        options = _enum_of(root, path + (key,))
        allowed = f"：应为 {'、'.join(options)} 之一" if options else ""
        return [Problem(display, line_of(lines, path), dotted(path + (key,)), f"缺少必填字段“{key}”{allowed}")]
    if error.validator == "not" and "required" in error.validator_value:
        path += tuple(error.validator_value["required"][:1])  # point at the key that must go
    handler = HANDLERS.get(error.validator, _fallback)
    message = error.schema.get("x-message") if isinstance(error.schema, dict) else None
    return [Problem(display, line_of_value(lines, path, error), dotted(path), message or handler(error))]


def line_of_value(lines: dict, path: tuple, error) -> int | None:
    """The line to report `error` on: the key's, except for a list written as text because an
    entry lacks the space after its dash ("-救助对象和范围"): that entry's line, which the reader
    kept as the first entry's (frontmatter._walk), for the editor to go straight to it."""
    if _dash_list(error) and path + (0,) in lines:
        return lines[path + (0,)]
    return line_of(lines, path)


def _dash_list(error) -> bool:
    return error.validator == "type" and "array" in (
        [error.validator_value] if isinstance(error.validator_value, str) else error.validator_value) \
        and isinstance(error.instance, str) and error.instance.startswith("-")


def _enum_of(root: dict | None, path: tuple) -> list:
    """The allowed values of the field at `path` (list positions skipped), if it has an enum."""
    spec = root or {}
    for part in path:
        if isinstance(part, int):
            spec = spec.get("items", {})
        else:
            spec = spec.get("properties", {}).get(part, {})
    return list(spec.get("enum", []))


def _extra_keys(error) -> list:
    allowed = set(error.schema.get("properties", {}))
    return [k for k in error.instance if k not in allowed]


def _unknown_key(error, path, key, lines, display) -> Problem:
    allowed = list(error.schema.get("properties", {}))
    close = _meant(error, key)
    hint = f"，是不是“{close[0]}”？" if close else "。"
    return Problem(display, line_of(lines, path + (key,)), dotted(path + (key,)),
                   f"不是允许的字段{hint}允许的字段有：{'、'.join(allowed)}")


def _type(error) -> str:
    expected = error.validator_value
    names = "或".join(TYPE_NAMES.get(t, t) for t in ([expected] if isinstance(expected, str) else expected))
    message = f"应为{names}，{found(error.instance)}"
    if expected == "string" and isinstance(error.instance, (int, float)) and not isinstance(error.instance, bool):
        message += f"。请加引号，写成 \"{quote(error.instance)}\""
    if expected == "array" and isinstance(error.instance, str):
        message += ("。列表项的“-”后要加一个空格，写成“- 内容”" if _dash_list(error)
                    else "。列表要换行书写，每项一行，以“- ”开头")
    return message


def _enum(error) -> str:
    """The allowed values, and for a common wrong writing (the schema's x-aliases beside the enum:
    主动公开 -> 主动) the value meant."""
    options = "、".join(map(str, error.validator_value))
    meant = alias_of(error.schema, error.instance)
    return f"应为 {options} 之一，{found(error.instance)}" + (f"。是不是“{meant}”？" if meant else "")


def alias_of(spec: dict, value) -> str | None:
    """The enum value a wrong writing stands for, from `x-aliases` ({value: [wrong writings]})."""
    if not isinstance(value, str) or not isinstance(spec, dict):
        return None
    written = "".join(value.split())
    return next((right for right, wrong in spec.get("x-aliases", {}).items() if written in wrong), None)


def _pattern(error) -> str:
    hint = error.schema.get("x-hint", f"符合 {error.validator_value} 的文本")
    return f"格式不对：应为{hint}，{found(error.instance)}"


def _format(error) -> str:
    if error.validator_value == "date":
        meant = loose_date(error.instance)
        if meant:  # 2024/3/5, 2024年3月5日: say the one date meant, and that fix writes it
            return f"日期应写成 {meant.isoformat()}（格式 YYYY-MM-DD），{found(error.instance)}（invoke fix --write 可自动修复）"
        return f"不是有效的日期：应为真实存在的日期，格式 YYYY-MM-DD（例如 2024-03-15），{found(error.instance)}"
    return f"格式不对：应为 {error.validator_value}，{found(error.instance)}"


HANDLERS = {
    "x-text": lambda e: e.message,
    "type": _type,
    "enum": _enum,
    "const": lambda e: f"应为“{e.validator_value}”，{found(e.instance)}",
    "pattern": _pattern,
    "format": _format,
    "minLength": lambda e: f"至少要 {e.validator_value} 个字，实际 {len(e.instance)} 个",
    "maxLength": lambda e: f"最多 {e.validator_value} 个字，实际 {len(e.instance)} 个",
    "minItems": lambda e: f"至少要有 {e.validator_value} 项",
    "uniqueItems": lambda e: "列表中有重复的项，请删除重复的一行",
}


def _fallback(error) -> str:
    return f"不符合规定（{error.message}）"
