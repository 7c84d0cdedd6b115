"""The shape issue 10 asks for: a core that never imports Pelican, settings read the way Pelican
reads them, the vocabulary from the schema (every value annotated), the schema's own examples
valid, and one pipeline (load_project) whose steps each run once."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import REPO, VOCABULARY, load

from gongkai import schema as schema_checks
from gongkai import vocabulary
from gongkai.settings import PELICAN_DEFAULTS, read_project_settings

SCHEMA = json.loads((REPO / "schema/item.schema.json").read_text(encoding="utf-8"))


def test_importing_every_core_module_never_imports_pelican():
    code = ("import gongkai, importlib, pkgutil, sys\n"
            "names = [m.name for m in pkgutil.walk_packages(gongkai.__path__, 'gongkai.')]\n"
            "for name in names: importlib.import_module(name)\n"
            "print(len(names), sorted(m for m in sys.modules if m.split('.')[0] in ('pelican', 'docutils')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    count, loaded = done.stdout.split(" ", 1)
    assert int(count) >= 40 and loaded.strip() == "[]"


@pytest.mark.parametrize("publish", [False, True])
def test_settings_are_read_as_pelican_reads_them(publish):
    from pelican.settings import DEFAULT_CONFIG, read_settings

    ours = read_project_settings(REPO, publish=publish)
    theirs = read_settings(str(REPO / ("publishconf.py" if publish else "pelicanconf.py")))
    used = list(PELICAN_DEFAULTS) + ["THEME"] + [k for k in theirs if k.startswith("GONGKAI_")]
    assert {k: ours[k] for k in used} == {k: theirs[k] for k in used}
    assert {k: DEFAULT_CONFIG[k] for k in PELICAN_DEFAULTS} == PELICAN_DEFAULTS


# ---- the vocabulary ------------------------------------------------------------------------

# x-aliases ({value: [common wrong writings]}) on every field: validate's "是不是“主动”？".
ANNOTATIONS = {"公开时限.类型": {"slugs", "badges", "table"}, "公开时限.周期": {"slugs", "months", "phrases", "table"},
               "公开方式": {"slugs"}, "公开对象": {"slugs"}, "公开渠道": {"slugs"}, "公开层级": {"slugs"},
               "五公开": {"slugs"}, "有效性": {"slugs", "badges"}}
ANNOTATIONS = {field: names | {"aliases"} for field, names in ANNOTATIONS.items()}


@pytest.mark.parametrize("field", vocabulary.FIELDS)
def test_every_enum_value_has_each_annotation_of_its_field(field):
    spec = vocabulary.spec_of(SCHEMA, field)
    declared = {key[2:] for key in spec if key.startswith("x-") and isinstance(spec[key], dict)}
    assert declared == ANNOTATIONS[field]
    for name in declared:
        assert list(spec[f"x-{name}"]) == spec["enum"], (field, name)  # every value, in the enum's order
    slugs = list(spec["x-slugs"].values())
    assert len(set(slugs)) == len(slugs) and all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)
    wrong = [w for writings in spec["x-aliases"].values() for w in writings]
    assert len(set(wrong)) == len(wrong) and not set(wrong) & set(spec["enum"])  # one meaning each, never a value


def test_the_rules_and_the_importer_name_only_vocabulary_values():
    from gongkai.freshness.status import RULES
    from gongkai.model import INTERNAL
    from gongkai.table import LIMIT_RULES
    from gongkai_tools.importer.cells import AUDIENCE_WORDS, CHANNEL_RULES, LEVEL_WORDS, METHOD_WORDS

    assert set(RULES) == set(VOCABULARY.values(vocabulary.LIMIT))
    assert INTERNAL in VOCABULARY.values(vocabulary.AUDIENCE)
    assert VOCABULARY.default(vocabulary.VALIDITY) in VOCABULARY.values(vocabulary.VALIDITY)
    assert {kind for _rx, (kind, _period) in LIMIT_RULES} <= set(VOCABULARY.values(vocabulary.LIMIT))
    assert {p for _rx, (_kind, p) in LIMIT_RULES if p} <= set(VOCABULARY.values(vocabulary.PERIOD))
    assert {c for _rx, c in CHANNEL_RULES} <= set(VOCABULARY.values(vocabulary.CHANNEL))
    assert set(AUDIENCE_WORDS.values()) == set(VOCABULARY.values(vocabulary.AUDIENCE))
    assert set(METHOD_WORDS.values()) == set(VOCABULARY.values(vocabulary.METHOD))
    assert set(LEVEL_WORDS.values()) == set(VOCABULARY.values(vocabulary.LEVEL))


def test_attachment_file_types_are_named_in_one_place():
    """x-file-types on 附件.文件 is the list; the pattern and the descriptions (which JSON cannot
    compute) must say the same."""
    spec = vocabulary.spec_of(SCHEMA, vocabulary.FILE_FIELD)
    types = list(spec["x-file-types"])
    alternatives = re.search(r"\\\.\((.*)\)\$$", spec["pattern"]).group(1).split("|")
    assert alternatives == [v for t in types for v in (t, t.upper())]
    named = "、".join(spec["x-file-types-named"])
    assert set(spec["x-file-types-named"]) <= set(types)
    assert named in SCHEMA["properties"]["附件"]["description"]
    assert "、".join(spec["x-file-types-named"][:-1]) + " 或 " + spec["x-file-types-named"][-1] in spec["x-hint"]
    assert VOCABULARY.file_types[".jpeg"] == "JPG 图片" and VOCABULARY.file_type_names == named


def test_the_schemas_own_examples_are_valid():
    validator = schema_checks.compiled(str(REPO / "schema/item.schema.json"))
    examples = [(key, example) for key, spec in SCHEMA["properties"].items() for example in spec.get("examples", [])]
    assert len(examples) >= 8
    for key, example in examples:
        problems = [e.message for e in validator.evolve(schema=SCHEMA["properties"][key]).iter_errors(example)]
        assert problems == [], (key, example)


# ---- the pipeline --------------------------------------------------------------------------

def test_load_project_runs_each_step_once_and_keeps_every_problem_by_step(mini_project, monkeypatch):
    from gongkai import project as pipeline

    calls = []
    for name in ("load_catalogue", "annotate", "load_calendar", "assess_all", "load_synonyms"):
        real = getattr(pipeline, name)
        monkeypatch.setattr(pipeline, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k))
    (mini_project / "schema/synonyms.yaml").write_text("- [社保]\n", encoding="utf-8")
    project = load(mini_project)
    assert calls == ["load_catalogue", "annotate", "load_calendar", "assess_all", "load_synonyms"]
    assert [p.message for p in project.steps["synonyms"]] == ["至少要有 2 项"] == [p.message for p in project.problems]
    assert set(project.freshness) == {i.index_no for i in project.catalogue.items}


def test_parsed_items_share_equal_keys_once_unpickled_and_read_the_same():
    """model.Unpickled: items from the parse cache or a worker share one copy of each key and
    short value (a third of a large build's memory), and nothing about them reads differently."""
    import pickle

    from gongkai.model import Item

    def item(n):
        return Item(f"content/items/社会救助/{n}.md", {"事项名称": f"事项{n}", "公开主体": "示例县民政局",
                                                   "公开内容": ["很长的一段公开内容，超过二十四个字符，不会与别的事项共用一份"]},
                    "正文", {("事项名称",): 2, ("公开内容", 0): 4}, 6, defaults={"有效性": "有效"})

    first, second = (pickle.loads(pickle.dumps(item(n))) for n in (1, 2))
    assert vars(first) == vars(item(1)) and vars(second) == vars(item(2))
    assert [id(k) for k in first.meta] == [id(k) for k in second.meta]
    assert [id(k) for k in first.lines] == [id(k) for k in second.lines]
    assert first.meta["公开主体"] is second.meta["公开主体"] and first.defaults is second.defaults
    assert first.meta["事项名称"] == "事项1" and second.meta["事项名称"] == "事项2"


def test_an_items_origin_names_its_parse_and_changes_with_its_file_only(mini_project):
    """ParseCache.origin: what page reuse and the search key an item on instead of its parsed
    values. The same from the cache as parsed afresh, unique per file, changed for an edited file
    only; unknown (None) for a file that changed while it was parsed."""
    def origins(**options) -> dict:
        return {i.source: i.origin for i in load(mini_project, **options).catalogue.items}

    first = origins(cache=True)
    assert all(first.values()) and len(set(first.values())) == len(first) >= 2
    assert origins(cache=True) == first == origins()  # from the cache, and parsed without one
    edited = sorted(first)[1]
    path = mini_project / edited
    path.write_text(path.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    after = origins(cache=True)
    assert [source for source in first if first[source] != after[source]] == [edited]


def test_a_file_changed_while_it_is_parsed_has_no_origin(tmp_path):
    from gongkai.cache import ParseCache

    source = tmp_path / "a.md"
    source.write_text("一", encoding="utf-8")

    def work(job):
        job[0].write_text("二", encoding="utf-8")  # an editor saving mid-build
        return "parsed"

    parsed = ParseCache(None, "key", tmp_path)
    assert parsed.results([(source, "a.md")], work) == ["parsed"]
    assert parsed.origin("a.md") is None
    assert parsed.results([(source, "a.md")], lambda job: "again") == ["again"]
    assert parsed.origin("a.md") is not None
