"""Generated documents must match their sources."""
from pathlib import Path

from gongkai.fieldref import render_readme

REPO = Path(__file__).resolve().parents[1]


def test_readme_field_reference_is_up_to_date():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    fresh = render_readme(readme, REPO / "schema/item.schema.json")
    assert readme == fresh, "README 的字段说明已过期：请运行 python3 -m invoke docs"


def test_field_reference_lists_every_schema_field():
    import json

    schema = json.loads((REPO / "schema/item.schema.json").read_text(encoding="utf-8"))
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for key in schema["properties"]:
        assert f"| `{key}` |" in readme
