"""The catalogue's fixed vocabulary, read from schema/item.schema.json: the allowed values of the
enumerated fields and what the code needs to know about each value, as annotations beside the enum.

    "enum": ["长期", "定期", "即时"],
    "x-slugs": {"长期": "long", …},      ASCII name: URLs (limit/long/), CSS (badge-long), JSON keys
    "x-badges": {"长期": "长期", …},     what a badge says (有效性: "" = no badge, "已失效" …)
    "x-table": {"长期": "长期公开", …},  how a catalogue table writes it (CSV download, invoke import)
    "x-months" / "x-phrases" (周期)      months per period and how the 逾期 detail names it

Nothing else names these values: the site, the search index, the CSV, `invoke new` and the
importer ask a Vocabulary. The default of a field (有效性: 有效) is the schema's `default`;
the attachment file types are `x-file-types` on 附件.文件. tests/test_vocabulary.py checks that
every value has every annotation its field declares, and that the schema's pattern and
descriptions name the same file types.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# The enumerated fields, dotted ("公开时限.类型"); a list field's values are its items' enum.
FIELDS = ("公开时限.类型", "公开时限.周期", "公开方式", "公开对象", "公开渠道", "公开层级", "五公开", "有效性")
LIMIT, PERIOD, METHOD, AUDIENCE, CHANNEL, LEVEL, FIVE, VALIDITY = FIELDS
FILE_FIELD = "附件.文件"


def spec_of(schema: dict, dotted: str) -> dict:
    """The schema of a dotted field; for a list field, the schema of its entries."""
    spec = {"properties": schema["properties"]}
    for part in dotted.split("."):
        spec = spec.get("properties", spec.get("items", {}).get("properties", {}))[part]
    return spec.get("items", spec) if spec.get("type") == "array" else spec


@dataclass(frozen=True, eq=False)  # hashed by identity: one per schema file (load() caches it)
class Vocabulary:
    schema: dict

    def values(self, field: str) -> tuple[str, ...]:
        return tuple(spec_of(self.schema, field)["enum"])

    def annotation(self, field: str, name: str) -> dict:
        """{value: annotation} of `x-<name>` on `field`."""
        return dict(spec_of(self.schema, field).get(f"x-{name}", {}))

    def slugs(self, field: str) -> dict[str, str]:
        return self.annotation(field, "slugs")

    def slug(self, field: str, value: str) -> str:
        return self.slugs(field)[value]

    def badge(self, field: str, value: str) -> str:
        return self.annotation(field, "badges")[value]

    def default(self, field: str):
        return spec_of(self.schema, field).get("default")

    @property
    def defaults(self) -> dict:
        """Top-level fields with a schema `default` (有效性: 有效): an absent key means this."""
        return {k: v["default"] for k, v in self.schema["properties"].items() if "default" in v}

    @property
    def file_types(self) -> dict[str, str]:
        """{".pdf": "PDF", …}: every suffix an attachment or a linked file may have, with its label."""
        return {f".{suffix}": label for suffix, label in self.annotation(FILE_FIELD, "file-types").items()}

    @property
    def file_type_names(self) -> str:
        """"pdf、ofd、…、png": how messages name the allowed types (aliases such as jpeg left out)."""
        return "、".join(spec_of(self.schema, FILE_FIELD)["x-file-types-named"])


@lru_cache(maxsize=8)
def _load(path: str, _mtime_ns: int) -> Vocabulary:
    return Vocabulary(json.loads(Path(path).read_text(encoding="utf-8")))


def load(schema_path: Path) -> Vocabulary:
    """The vocabulary of an item schema file, read once per process (again if the file changes)."""
    path = Path(schema_path)
    return _load(str(path.resolve()), path.stat().st_mtime_ns)
