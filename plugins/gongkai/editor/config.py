"""The web editor's configuration (Decap CMS config.yml), generated from schema/ and the registries.

Nothing here is written by hand per field: labels, help text, required fields, patterns and
choices all come from the schema file of each collection and from schema/categories.yaml and
schema/units.yaml. A collection is one row of COLLECTIONS; the documents collection (公开信息)
will be a second row with its own schema file.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import CatalogueInvalid
from ..registry import load_categories, load_units

GENERATED = "plugins/gongkai/editor/cms-config.yml"  # relative to the project root
HEADER = ("# 网页编辑器（Decap CMS）的配置：由 python3 -m invoke editor-config 根据 schema/ 中的字段定义和登记表生成，"
          "请勿手工修改 / generated — do not edit\n"
          "# 生成网站时再加上 backend（代码托管平台）一节，见 README“管理员：网页编辑器”。\n")
BODY_HINT = "事项的说明文字，可以为空；可以写小标题、列表和表格。"
DATE_FORMAT = "YYYY-MM-DD"


@dataclass(frozen=True)
class CollectionSpec:
    """One kind of editor file: where it lives, how new files are named, which schema describes it."""

    name: str                 # Decap's collection name, also the custom format's suffix
    label: str
    label_singular: str
    schema: str               # file name under schema/
    folder: str               # under content/
    path: str                 # new file path inside the folder (Decap template)
    slug: str
    identifier: str           # the field that names an entry
    summary: str              # one line in the entry list
    # field -> registry: "categories" (一级), "subcategories" (二级, depends on 一级), "units"
    registries: dict = field(default_factory=dict)
    # fields (dotted, one level down) holding a path under content/: uploaded into content/attachments
    files: tuple = ()
    description: str = ""

    @property
    def format(self) -> str:
        return f"gongkai-{self.name}"


ITEMS = CollectionSpec(
    name="items", label="公开事项", label_singular="公开事项", schema="item.schema.json", folder="items",
    path="{{一级事项}}/{{slug}}", slug="{{事项名称}}", identifier="事项名称",
    summary="{{事项名称}}（{{一级事项}} / {{二级事项}}）",
    registries={"一级事项": "categories", "二级事项": "subcategories", "公开主体": "units"},
    files=("附件.文件",),
    description="政务公开事项标准目录中的公开事项。保存后生成 content/items/<一级事项>/<事项名称>.md。")

COLLECTIONS = (ITEMS,)


@dataclass(frozen=True)
class Registries:
    categories: dict          # 一级事项 -> [二级事项, ...], in registry order
    units: list

    @classmethod
    def load(cls, schema_dir: Path, root: Path) -> Registries:
        """Read on their own (CatalogueInvalid when they have problems)."""
        categories, problems = load_categories(schema_dir, root)
        units, unit_problems = load_units(schema_dir, root)
        if problems or unit_problems:
            raise CatalogueInvalid(problems + unit_problems)
        return cls.of(categories, units)

    @classmethod
    def of(cls, categories, units) -> Registries:
        return cls({c.name: [s.name for s in c.subcategories] for c in categories}, [u.name for u in units])

    @classmethod
    def of_project(cls, project) -> Registries:
        """The loaded project's registries (CatalogueInvalid when they have problems: the editor's
        choices would be wrong; problems in items do not matter here)."""
        if project.catalogue.registry_problems:
            raise CatalogueInvalid(project.catalogue.registry_problems)
        return cls.of(project.catalogue.categories, project.catalogue.units)


def load_schema(schema_dir: Path, spec: CollectionSpec) -> dict:
    return json.loads((schema_dir / spec.schema).read_text(encoding="utf-8"))


# ---- one schema property -> one Decap field -------------------------------------------------

def _common(key: str, prop: dict, required: bool) -> dict:
    out = {"name": key, "label": prop.get("title", key)}
    if prop.get("description"):
        out["hint"] = prop["description"]
    if not required:
        out["required"] = False
    return out


def _string_pattern(prop: dict) -> list | None:
    """Decap checks a string field with one regex and one message; the schema's pattern when it has
    one, else its length limits."""
    shown = prop.get("x-hint") or prop.get("description", "")
    if prop.get("pattern"):
        return [prop["pattern"], f"格式不对。{shown}"]
    low, high = prop.get("minLength", 0), prop.get("maxLength")
    if low > 1 or high:
        words = f"{low}–{high} 个字" if high else f"至少 {low} 个字"
        return [f"^[\\s\\S]{{{low},{high or ''}}}$", f"应为 {words}"]
    return None


def _string(prop: dict) -> dict:
    if prop.get("format") == "date":
        # Stored as the text 2024-03-05, as editors write it; no time part, no time zone shift.
        return {"widget": "datetime", "format": DATE_FORMAT, "date_format": DATE_FORMAT,
                "time_format": False, "picker_utc": True}
    out = {"widget": "text" if prop.get("maxLength", 0) > 120 else "string"}
    pattern = _string_pattern(prop)
    if pattern:
        out["pattern"] = pattern
    return out


def _array(prop: dict, required: bool) -> dict:
    items = prop.get("items", {})
    if "enum" in items:
        out = {"widget": "select", "multiple": True, "options": list(items["enum"])}
        if required and prop.get("minItems"):
            out["min"] = prop["minItems"]
        return out
    out = {"widget": "list", "collapsed": False}
    if items.get("type") == "object":
        out["fields"] = _fields(items)
        first = next(iter(items.get("properties", {})), None)
        if first:
            out["summary"] = "{{fields." + first + "}}"
    else:
        out["field"] = {"name": "条目", "label": prop.get("title", ""), "widget": "string",
                        **({"pattern": _string_pattern(items)} if _string_pattern(items) else {})}
    if required and prop.get("minItems"):
        out["min"] = prop["minItems"]
    return out


def schema_field(key: str, prop: dict, required: bool) -> dict:
    out = _common(key, prop, required)
    if "enum" in prop:
        out.update(widget="select", options=list(prop["enum"]))
    elif prop.get("type") == "array":
        out.update(_array(prop, required))
    elif prop.get("type") == "object":
        out.update(widget="object", collapsed=False, fields=_fields(prop))
    elif prop.get("type") == "boolean":
        out.update(widget="boolean")
    else:
        out.update(_string(prop))
    return out


def _fields(schema: dict) -> list[dict]:
    required = set(schema.get("required", []))
    return [schema_field(key, prop, key in required) for key, prop in schema.get("properties", {}).items()]


# ---- registry-bound fields -----------------------------------------------------------------

def _registry_field(kind: str, base: dict, registries: Registries, spec: CollectionSpec) -> dict:
    base = {k: v for k, v in base.items() if k not in ("pattern",)}
    if kind == "categories":
        # gongkai-editor.js: a select that tells the 二级事项 select below it what was chosen.
        return {**base, "widget": "gongkai-category", "options": list(registries.categories)}
    if kind == "units":
        return {**base, "widget": "select", "options": list(registries.units)}
    if kind == "subcategories":
        parent = next(f for f, k in spec.registries.items() if k == "categories")
        # gongkai-editor.js: a select whose choices follow the 一级事项 chosen above it.
        return {**base, "widget": "gongkai-subcategory", "depends_on": parent,
                "options_by": {name: list(subs) for name, subs in registries.categories.items()}}
    raise ValueError(f"unknown registry kind {kind}")


FILE_WIDGET = {"widget": "file", "choose_url": False}  # value: public_folder/name, i.e. attachments/…


def _with_files(field: dict, dotted: tuple) -> dict:
    """A path field becomes an upload (Decap checks no pattern on it; invoke validate still does)."""
    inner = {d.split(".", 1)[1] for d in dotted if d.split(".", 1)[0] == field["name"]}
    if not inner:
        return field
    subs = [{**{k: v for k, v in f.items() if k != "pattern"}, **FILE_WIDGET} if f["name"] in inner else f
            for f in field["fields"]]
    return {**field, "fields": subs}


def collection(spec: CollectionSpec, schema: dict, registries: Registries, content_dir: str = "content",
               overrides: dict | None = None) -> dict:
    """One Decap collection: every schema property in schema order, then the Markdown body."""
    fields = []
    for f in _fields(schema):
        if f["name"] in spec.registries:
            f = _registry_field(spec.registries[f["name"]], f, registries, spec)
        if overrides and f["name"] in overrides:
            f = {**f, **overrides[f["name"]]}
        fields.append(_with_files(f, spec.files))
    fields.append({"name": "body", "label": "正文", "widget": "markdown", "required": False, "hint": BODY_HINT,
                   "modes": ["rich_text", "raw"], "editor_components": []})
    return {"name": spec.name, "label": spec.label, "label_singular": spec.label_singular,
            "description": spec.description, "folder": f"{content_dir}/{spec.folder}", "path": spec.path,
            "slug": spec.slug, "identifier_field": spec.identifier, "summary": spec.summary,
            "extension": "md", "format": spec.format, "create": True, "delete": False,
            # "/…" = from the top of the repository (Decap's default is next to the entry file).
            "media_folder": f"/{content_dir}/attachments", "public_folder": "attachments",
            "sortable_fields": [spec.identifier],
            # Decap's side preview is not the site; the real page is in `invoke edit`'s preview.
            "editor": {"preview": False}, "fields": fields}


def field_orders(schema: dict) -> dict:
    """Key order for the custom format (gongkai-editor.js): top level and one level down."""
    nested = {}
    for key, prop in schema.get("properties", {}).items():
        inner = prop.get("properties") or prop.get("items", {}).get("properties")
        if inner:
            nested[key] = list(inner)
    return {"order": list(schema.get("properties", {})), "nested": nested,
            "dates": [k for k, p in schema.get("properties", {}).items() if p.get("format") == "date"]}


def editor_config(schema_dir: Path, root: Path, content_dir: str = "content", index_pattern: str | None = None,
                  collections=COLLECTIONS, registries: Registries | None = None) -> dict:
    """Everything in config.yml except `backend` (which depends on where the site is published)."""
    registries = registries or Registries.load(schema_dir, root)
    overrides = {}
    if index_pattern:
        overrides["索引号"] = {"pattern": [index_pattern, "格式不对：不符合本地区的索引号规则"]}
    return {
        "locale": "zh_Hans",
        "media_folder": f"{content_dir}/attachments",
        "public_folder": "attachments",
        # Chinese file names as editors write them; only characters Windows forbids are replaced.
        "slug": {"encoding": "unicode", "clean_accents": False, "sanitize_replacement": "-"},
        "collections": [collection(spec, load_schema(schema_dir, spec), registries, content_dir, overrides)
                        for spec in collections],
    }


def formats(schema_dir: Path, collections=COLLECTIONS) -> dict:
    """{format name: key orders} embedded in admin/index.html for gongkai-editor.js."""
    return {spec.format: field_orders(load_schema(schema_dir, spec)) for spec in collections}


def to_yaml(config: dict) -> str:
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100000, default_flow_style=False)


def generated_text(project) -> str:
    """The committed cms-config.yml (GENERATED) for a loaded project."""
    root = project.paths.root
    return HEADER + to_yaml(editor_config(root / "schema", root, registries=Registries.of_project(project)))


def is_fresh(project) -> bool:
    target = project.paths.root / GENERATED
    return target.is_file() and target.read_text(encoding="utf-8") == generated_text(project)


def write_generated(project) -> bool:
    """Regenerate; True when the file changed."""
    text, target = generated_text(project), project.paths.root / GENERATED
    old = target.read_text(encoding="utf-8") if target.is_file() else None
    if old != text:
        target.write_text(text, encoding="utf-8")
    return old != text
