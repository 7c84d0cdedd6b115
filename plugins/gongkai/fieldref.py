"""The README's field references, generated from schema/item.schema.json and (公开信息)
schema/document.schema.json (never written by hand)."""
from __future__ import annotations

import json
import re
from pathlib import Path

BEGIN = "<!-- 字段说明开始：由 invoke docs 根据 schema/item.schema.json 生成，请勿手工修改 / generated — do not edit -->"
END = "<!-- 字段说明结束 -->"
DOCUMENT_BEGIN = ("<!-- 公开信息字段说明开始：由 invoke docs 根据 schema/document.schema.json 生成，请勿手工修改 / "
                  "generated — do not edit -->")
DOCUMENT_END = "<!-- 公开信息字段说明结束 -->"


def field_reference(schema: dict) -> str:
    required = set(schema.get("required", []))
    lines = ["| 字段 | 必填 | 名称 | 说明 | 可选值 / 格式 |", "|---|---|---|---|---|"]
    for key, spec in schema["properties"].items():
        lines.append(f"| `{key}` | {'是' if key in required else '否'} | {spec.get('title', key)} | "
                     f"{_cell(spec.get('description', ''))} | {_cell(_values(spec))} |")
        for sub, sub_spec in spec.get("properties", {}).items():
            lines.append(f"| `{key}.{sub}` | {'是' if sub in spec.get('required', []) else '否'} | "
                         f"{sub_spec.get('title', sub)} | {_cell(sub_spec.get('description', ''))} | {_cell(_values(sub_spec))} |")
        for sub, sub_spec in spec.get("items", {}).get("properties", {}).items():
            lines.append(f"| `{key}[].{sub}` | 是 | {sub_spec.get('title', sub)} | "
                         f"{_cell(sub_spec.get('description', ''))} | {_cell(_values(sub_spec))} |")
    return "\n".join(lines)


def _values(spec: dict) -> str:
    enum = spec.get("enum") or spec.get("items", {}).get("enum")
    if enum:
        return "、".join(enum) + ("（可多选）" if spec.get("type") == "array" else "")
    if "const" in spec:
        return f"只能写 {spec['const']}"
    if spec.get("format") == "date":
        return "日期 YYYY-MM-DD"
    if "x-hint" in spec:
        return spec["x-hint"]
    if spec.get("x-multiline"):
        return "文本（可分多行）"
    return {"array": "列表", "object": "见下行", "string": "文本", "boolean": "true（是）或 false（否）"}.get(spec.get("type", ""), "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_readme(readme: str, schema_path: Path) -> str:
    """README text with the generated sections replaced by a fresh rendering: the items', and the
    documents' (from document.schema.json beside it) where the README has that section."""
    readme = _replace(readme, BEGIN, END, json.loads(schema_path.read_text(encoding="utf-8")))
    documents = schema_path.with_name("document.schema.json")
    if DOCUMENT_BEGIN in readme and documents.is_file():
        readme = _replace(readme, DOCUMENT_BEGIN, DOCUMENT_END, json.loads(documents.read_text(encoding="utf-8")))
    return readme


def _replace(readme: str, begin: str, end: str, schema: dict) -> str:
    block = f"{begin}\n{field_reference(schema)}\n{end}"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if not pattern.search(readme):
        raise ValueError("README.md 中缺少字段说明的生成标记")
    return pattern.sub(lambda _m: block, readme)
