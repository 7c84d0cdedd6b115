"""The national format (国办公开办函〔2021〕30号) as data, read from schema/report.schema.json.

The schema is the one place that names every section, row and column: this module only reads it
(property order = the order on the form, `x-row` marks a table row, `x-parent` the 法人或其他组织
column group, `x-layout` how a table is drawn), so the report page, the CSV, the JSON, the draft
and the checks cannot disagree about a label.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

SCHEMA_NAME = "report.schema.json"

# Keys the cross-checks name. A test checks each of them against the schema.
S2, S3, S4 = "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"
DOCS = "第二十条第（一）项"
DOC_KINDS = ("规章", "行政规范性文件")
MADE, REPEALED, IN_FORCE = "本年制发件数", "本年废止件数", "现行有效件数"
NEW, CARRIED_IN, HANDLED, CARRIED_OUT = ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
                                         "三、本年度办理结果", "四、结转下年度继续办理")
HANDLED_TOTAL = "（七）总计"
TOTAL = "总计"
RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结")
FEE = "收取信息处理费（元）"
TABLES = (S2, S3, S4)

# Body sections: the text parts of the report, in order, as level-2 Markdown headings.
TEXT_SECTIONS = ("一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
SECTION_ORDER = ("一、总体情况", S2, S3, S4, "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
# Sub-headings the draft writes under 一 (the format's list of what 总体情况 covers).
OVERVIEW_PARTS = ("（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障")


@dataclass
class Node:
    """A row or column heading: a leaf (one row / one column of numbers) or a group of them."""

    key: str
    children: list = field(default_factory=list)

    @property
    def leaves(self) -> list["Node"]:
        return [leaf for child in self.children for leaf in child.leaves] if self.children else [self]

    @property
    def depth(self) -> int:
        return 1 + max((c.depth for c in self.children), default=0)


@dataclass(frozen=True)
class Cell:
    """One number on the form: where it is in the YAML, its unit and how many decimals it may have."""

    path: tuple
    unit: str
    decimals: int  # 0: a whole number of 件


class Format:
    """The report schema, with the questions the rest of the plugin asks about it."""

    def __init__(self, schema: dict):
        self.schema = schema

    def resolve(self, spec: dict) -> dict:
        while "$ref" in spec:
            spec = {**self.schema["$defs"][spec["$ref"].rsplit("/", 1)[1]], **{k: v for k, v in spec.items() if k != "$ref"}}
        return spec

    def table(self, key: str) -> dict:
        return self.resolve(self.schema["properties"][key])

    def children(self, spec: dict) -> list[tuple[str, dict]]:
        return [(k, self.resolve(v)) for k, v in self.resolve(spec).get("properties", {}).items()]

    def is_number(self, spec: dict) -> bool:
        """A number on the form: declared with its unit (年度 is a number, but not a cell of the form)."""
        return "x-unit" in spec

    def cells(self, key: str | None = None) -> list[Cell]:
        """Every number on the form (or in one table), in the form's order."""
        roots = [key] if key else [k for k, v in self.schema["properties"].items() if self.resolve(v).get("properties")
                                   or self.is_number(self.resolve(v))]
        found = []
        for root in roots:
            found += self._cells((root,), self.table(root))
        return found

    def _cells(self, path: tuple, spec: dict) -> list[Cell]:
        if self.is_number(spec):
            return [Cell(path, spec.get("x-unit", ""), spec.get("x-decimals", 0))]
        return [cell for key, child in self.children(spec) for cell in self._cells(path + (key,), child)]

    # ------------------------------------------------------------ trees for drawing the tables

    def row_tree(self, spec: dict) -> list[Node]:
        """Rows of a table: an `x-row` property is one row, any other object a group of rows."""
        return [Node(k) if child.get("x-row") else Node(k, self.row_tree(child)) for k, child in self.children(spec)]

    def columns_of(self, row_spec: dict) -> list[Node]:
        """The columns of a row definition, with `x-parent` turned into a heading over its columns."""
        nodes, groups = [], {}
        for key, child in self.children(row_spec):
            parent = child.get("x-parent")
            if parent is None:
                nodes.append(Node(key))
            elif parent in groups:
                groups[parent].children.append(Node(key))
            else:
                groups[parent] = Node(parent, [Node(key)])
                nodes.append(groups[parent])
        return nodes

    def one_row_columns(self, spec: dict) -> list[Node]:
        """四: every row of the schema becomes a group of columns over a single row of numbers."""
        return [Node(k, self.columns_of(child)) if child.get("x-row") else Node(k, self.one_row_columns(child))
                for k, child in self.children(spec)]

    def first_row_spec(self, spec: dict) -> dict:
        for _key, child in self.children(spec):
            return child if child.get("x-row") else self.first_row_spec(child)
        raise ValueError("table without rows")


@lru_cache(maxsize=None)
def _load(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_format(schema_dir: Path) -> Format:
    return Format(_load(str(Path(schema_dir) / SCHEMA_NAME)))


def short(key: str) -> str:
    """“（二）部分公开（区分处理的，只计这一情形，不计其他情形）” -> “（二）部分公开”: a row named in a message."""
    if key.endswith("）") and "（" in key[1:]:
        head = key[: key.rindex("（")]
        return head if head and not head.endswith("第") else key
    return key


def get(data, path: tuple):
    """The value at `path` in the report data, or None when any part is missing or not a mapping."""
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data
