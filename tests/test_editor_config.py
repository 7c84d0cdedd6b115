"""The web editor's generated configuration and the admin files a build writes (plugins/gongkai/editor/, written by gongkai_pelican)."""
from __future__ import annotations

import hashlib
import json

import pytest
import yaml
from conftest import REPO, copy_project, load, run_build, run_invoke

from gongkai.editor import admin
from gongkai.editor.config import GENERATED, ITEMS, CollectionSpec, editor_config, formats, generated_text
from gongkai.registry import load_categories, load_units

SCHEMA = json.loads((REPO / "schema/item.schema.json").read_text(encoding="utf-8"))
GITLAB = {"name": "gitlab", "repo": "gongkai/catalogue", "base_url": "https://git.example.gov.cn", "app_id": "abc123"}


def committed() -> dict:
    return yaml.safe_load((REPO / GENERATED).read_text(encoding="utf-8"))


def fields_by_name(fields: list) -> dict:
    return {f["name"]: f for f in fields}


# ---- the committed file ---------------------------------------------------------------------

def test_generated_config_is_up_to_date():
    text = (REPO / GENERATED).read_text(encoding="utf-8")
    assert text == generated_text(load(REPO)), "编辑器配置已过期：请运行 python3 -m invoke editor-config"
    assert text.startswith("# 网页编辑器（Decap CMS）的配置：由 python3 -m invoke editor-config")
    assert "generated — do not edit" in text.splitlines()[0]


def test_every_schema_field_is_in_the_editor_with_its_chinese_label_help_and_required_flag():
    items = committed()["collections"][0]
    fields = fields_by_name(items["fields"])
    assert list(fields) == list(SCHEMA["properties"]) + ["body"]
    for key, prop in SCHEMA["properties"].items():
        assert fields[key]["label"] == prop["title"]
        assert fields[key]["hint"] == prop["description"]
        assert fields[key].get("required", True) is (key in SCHEMA["required"]), key
        inner = prop.get("properties") or prop.get("items", {}).get("properties") or {}
        sub_fields = fields_by_name(fields[key].get("fields", []))
        assert list(sub_fields) == list(inner), key
        inner_required = set(prop.get("required") or prop.get("items", {}).get("required") or [])
        for sub, sub_prop in inner.items():
            assert sub_fields[sub]["label"] == sub_prop["title"]
            assert sub_fields[sub].get("required", True) is (sub in inner_required), f"{key}.{sub}"


def enums(schema: dict, path=""):
    for key, prop in schema.get("properties", {}).items():
        for values in (prop.get("enum"), prop.get("items", {}).get("enum")):
            if values:
                yield f"{path}{key}", values
        yield from enums(prop, f"{path}{key}.")
        yield from enums(prop.get("items", {}), f"{path}{key}[].")


def field_at(fields: list, dotted: str) -> dict:
    head, _, rest = dotted.replace("[]", "").partition(".")
    found = fields_by_name(fields)[head]
    return field_at(found["fields"], rest) if rest else found


def test_every_enum_value_is_a_choice():
    fields = committed()["collections"][0]["fields"]
    found = list(enums(SCHEMA))
    assert len(found) >= 8  # 公开时限.类型/周期, 公开渠道, 公开对象, 公开方式, 公开层级, 五公开, 有效性, 保密审查[].类型
    for dotted, values in found:
        field = field_at(fields, dotted)
        assert field["widget"] == "select" and field["options"] == values, dotted
    assert fields_by_name(fields)["公开渠道"]["multiple"] is True
    assert fields_by_name(fields)["公开渠道"]["min"] == 1


def test_every_registered_category_subcategory_and_unit_is_a_choice():
    fields = fields_by_name(committed()["collections"][0]["fields"])
    categories, _ = load_categories(REPO / "schema", REPO)
    units, _ = load_units(REPO / "schema", REPO)
    assert fields["一级事项"]["widget"] == "gongkai-category"
    assert fields["一级事项"]["options"] == [c.name for c in categories]
    assert fields["二级事项"]["widget"] == "gongkai-subcategory"
    assert fields["二级事项"]["depends_on"] == "一级事项"
    assert fields["二级事项"]["options_by"] == {c.name: [s.name for s in c.subcategories] for c in categories}
    assert fields["公开主体"]["options"] == [u.name for u in units]
    assert len(units) > 5 and sum(len(c.subcategories) for c in categories) > 20


def test_dates_patterns_lists_nested_object_and_attachments():
    config = committed()
    fields = fields_by_name(config["collections"][0]["fields"])
    for key in ("成文日期", "发布日期", "更新日期"):
        assert fields[key]["widget"] == "datetime"
        assert fields[key]["format"] == fields[key]["date_format"] == "YYYY-MM-DD"
        assert fields[key]["time_format"] is False
    assert fields["索引号"]["pattern"][0] == SCHEMA["properties"]["索引号"]["pattern"]
    assert fields["索引号"]["pattern"][1] == "格式不对。机构代码/年份-序号，例如 11530000MB0123456X/2024-00012"
    assert fields["事项名称"]["pattern"] == ["^[\\s\\S]{2,120}$", "应为 2–120 个字"]
    assert fields["公开内容"]["widget"] == "list" and fields["公开内容"]["field"]["widget"] == "string"
    assert fields["公开时限"]["widget"] == "object"
    assert fields_by_name(fields["附件"]["fields"])["文件"]["widget"] == "file"
    assert fields_by_name(fields["附件"]["fields"])["名称"]["widget"] == "string"
    assert (config["media_folder"], config["public_folder"]) == ("content/attachments", "attachments")
    assert config["locale"] == "zh_Hans"
    items = config["collections"][0]
    assert (items["folder"], items["path"], items["format"]) == ("content/items", "{{一级事项}}/{{slug}}", "gongkai-items")


def test_vendored_files_are_the_recorded_npm_files():
    sources = json.loads((REPO / "plugins/gongkai/editor/vendor/SOURCES.json").read_text(encoding="utf-8"))
    assert set(sources) == {"decap-cms", "js-yaml"}
    for package, info in sources.items():
        for name, digest in info["files"].items():
            data = (REPO / "plugins/gongkai/editor/vendor" / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest, f"{name} 与 {package} {info['version']} 不一致"


# ---- staleness through the task -------------------------------------------------------------

def test_editor_config_check_fails_when_a_unit_is_registered_and_passes_after_regeneration(tmp_path):
    root = copy_project(tmp_path / "project")
    assert run_invoke(root, "editor-config", "--check").returncode == 0
    units = root / "schema/units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + "- 名称: 示例县新设局\n  审核人:\n    - \"@xinshe\"\n",
                     encoding="utf-8")
    stale = run_invoke(root, "editor-config", "--check")
    assert stale.returncode == 1
    assert stale.stderr.strip() == "plugins/gongkai/editor/cms-config.yml 已过期：请运行 python3 -m invoke editor-config 并提交。"
    done = run_invoke(root, "editor-config")
    assert done.stdout.strip() == "已更新 plugins/gongkai/editor/cms-config.yml。"
    assert "示例县新设局" in (root / GENERATED).read_text(encoding="utf-8")
    assert run_invoke(root, "editor-config", "--check").returncode == 0


def test_a_second_collection_comes_from_its_own_schema_file(tmp_path):
    root = copy_project(tmp_path / "project", with_content=False)
    (root / "schema/document.schema.json").write_text(json.dumps({
        "type": "object", "required": ["标题"],
        "properties": {"标题": {"title": "标题", "description": "文件标题。", "type": "string"},
                       "发布机构": {"title": "发布机构", "description": "登记的单位。", "type": "string"},
                       "成文日期": {"title": "成文日期", "description": "YYYY-MM-DD", "type": "string", "format": "date"}}},
        ensure_ascii=False), encoding="utf-8")
    documents = CollectionSpec(name="documents", label="公开信息", label_singular="公开信息", schema="document.schema.json",
                               folder="documents", path="{{slug}}", slug="{{标题}}", identifier="标题",
                               summary="{{标题}}", registries={"发布机构": "units"})
    config = editor_config(root / "schema", root, collections=(ITEMS, documents))
    second = config["collections"][1]
    assert (second["name"], second["folder"], second["format"]) == ("documents", "content/documents", "gongkai-documents")
    assert [f["name"] for f in second["fields"]] == ["标题", "发布机构", "成文日期", "body"]
    assert fields_by_name(second["fields"])["发布机构"]["options"] == fields_by_name(config["collections"][0]["fields"])["公开主体"]["options"]
    assert formats(root / "schema", (ITEMS, documents))["gongkai-documents"]["order"] == ["标题", "发布机构", "成文日期"]


# ---- settings --------------------------------------------------------------------------------

def settings(**extra) -> dict:
    return {"GONGKAI_EDITOR": "internal", "GONGKAI_EDITOR_BACKEND": {}, "GONGKAI_PUBLIC_BUILD": False,
            "GONGKAI_EDITOR_LOCAL_PORT": 8081, **extra}


@pytest.mark.parametrize("given, message", [
    (settings(GONGKAI_EDITOR="on"), "pelicanconf.py: GONGKAI_EDITOR: 应为 none、internal、public、local 之一，实际为“on”"),
    (settings(), "pelicanconf.py: GONGKAI_EDITOR_BACKEND: name 应为 gitlab、gitea、github 之一（代码托管平台），实际为“”；"
                 "网页编辑器打开时需要知道在哪个仓库保存"),
    (settings(GONGKAI_EDITOR_BACKEND={**GITLAB, "app_id": ""}),
     "pelicanconf.py: GONGKAI_EDITOR_BACKEND: gitlab 需要填写 app_id（见 README“管理员：网页编辑器”）"),
    (settings(GONGKAI_EDITOR_BACKEND={**GITLAB, "auth_type": "oauth"}),
     "pelicanconf.py: GONGKAI_EDITOR_BACKEND: GitLab 的 auth_type 应为 pkce（推荐）或 implicit：其他方式要经过 Netlify 的服务器"),
    (settings(GONGKAI_EDITOR_BACKEND={**GITLAB, "base_url": "git.example.gov.cn"}),
     "pelicanconf.py: GONGKAI_EDITOR_BACKEND: base_url 应为完整网址，例如 https://git.example.gov.cn，实际为“git.example.gov.cn”"),
])
def test_wrong_editor_settings_are_named(given, message):
    assert [str(p) for p in admin.check(given)] == [message]


def test_where_the_editor_is_published():
    builds = {"local": {}, "intranet": {"GONGKAI_INTRANET": True}, "public": {"GONGKAI_PUBLIC_BUILD": True}}
    table = {(mode, build): admin.wanted(settings(GONGKAI_EDITOR=mode, **extra))
             for mode in admin.MODES for build, extra in builds.items()}
    assert {key for key, wanted in table.items() if wanted} == {
        ("internal", "intranet"), ("public", "local"), ("public", "intranet"), ("public", "public"), ("local", "local")}
    assert admin.check(settings(GONGKAI_EDITOR="internal", GONGKAI_PUBLIC_BUILD=True)) == []


def test_gitlab_backend_block_uses_pkce_merge_requests_and_the_api_of_the_same_host():
    block = admin.backend_block(settings(GONGKAI_EDITOR_BACKEND=GITLAB))
    assert block["publish_mode"] == "editorial_workflow"
    backend = block["backend"]
    assert (backend["auth_type"], backend["branch"], backend["api_root"]) == ("pkce", "main", "https://git.example.gov.cn/api/v4")
    assert backend["commit_messages"]["create"] == "新增{{collection}}：{{slug}}"
    assert admin.origins(block) == ["https://git.example.gov.cn"]
    gitea = admin.backend_block(settings(GONGKAI_EDITOR_BACKEND={**GITLAB, "name": "gitea", "branch": "bianji"}))
    assert (gitea["publish_mode"], gitea["backend"]["api_root"]) == ("simple", "https://git.example.gov.cn/api/v1")


# ---- builds ----------------------------------------------------------------------------------

def test_default_build_has_no_editor(example_output):
    assert not (example_output / "admin").exists()


def test_internal_build_writes_the_editor_and_the_public_build_leaves_it_out(tmp_path):
    root = copy_project(tmp_path / "project")
    extra = ["-e", 'GONGKAI_EDITOR="internal"', f"GONGKAI_EDITOR_BACKEND={json.dumps(GITLAB)}"]
    result = run_build(root, *extra, conf="internalconf.py")  # the intranet site only
    assert result.returncode == 0, result.stdout + result.stderr
    local = run_build(root, *extra)
    assert local.returncode == 0 and not (root / "output/admin").exists()
    admin_dir = root / "output-internal/admin"
    assert sorted(p.name for p in admin_dir.iterdir()) == sorted(
        ["index.html", "config.yml", "LICENSES.txt", "decap-cms.js", "decap-cms.js.LICENSE.txt", "js-yaml.min.js",
         "gongkai-editor.js"])
    config = yaml.safe_load((admin_dir / "config.yml").read_text(encoding="utf-8"))
    assert config["backend"]["name"] == "gitlab" and config["publish_mode"] == "editorial_workflow"
    assert config["collections"] == committed()["collections"]
    page = (admin_dir / "index.html").read_text(encoding="utf-8")
    assert "connect-src &#39;self&#39; blob: data: https://git.example.gov.cn;" in page
    assert '<script src="decap-cms.js?v=' in page and "<title>网页编辑 · 示例县政务公开事项标准目录（内网）</title>" in page
    assert json.loads(page.split('id="gongkai-editor-formats">')[1].split("</script>")[0]) == formats(REPO / "schema")
    assert (admin_dir / "decap-cms.js").read_bytes() == (REPO / "plugins/gongkai/editor/vendor/decap-cms.js").read_bytes()
    site_url = {"GONGKAI_SITEURL": "https://gk.example.gov.invalid"}
    published = run_build(root, *extra, conf="publishconf.py", env=site_url)
    assert published.returncode == 0, published.stdout + published.stderr
    assert not (root / "output/admin").exists()
    public = run_build(root, "-e", 'GONGKAI_EDITOR="public"', f"GONGKAI_EDITOR_BACKEND={json.dumps(GITLAB)}",
                       conf="publishconf.py", env=site_url)
    assert public.returncode == 0 and (root / "output/admin/index.html").is_file()


def test_editor_without_backend_stops_the_build_and_keeps_the_previous_site(tmp_path):
    root = copy_project(tmp_path / "project")
    assert run_build(root).returncode == 0
    before = (root / "output/index.html").read_bytes()
    result = run_build(root, "-e", 'GONGKAI_EDITOR="internal"')  # checked by the local build too
    assert result.returncode == 1
    assert ("pelicanconf.py: GONGKAI_EDITOR_BACKEND: name 应为 gitlab、gitea、github 之一（代码托管平台），实际为“”；"
            "网页编辑器打开时需要知道在哪个仓库保存") in result.stderr
    assert (root / "output/index.html").read_bytes() == before and not (root / "output/admin").exists()

