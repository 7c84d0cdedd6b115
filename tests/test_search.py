"""Search: normalisation, tokens, synonyms, Whoosh statistics, ranking, exported files, command line.

The browser side (theme/static/js/search-core.js) runs the same case table in
tests/test_search_browser.py.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import REPO, VOCABULARY, load, make_mini_project, run_build

from gongkai.model import Item
from gongkai.render import BodyRenderer
from gongkai.search import analysis
from gongkai.search.analysis import compact, fold_map, normalise, tokens
from gongkai.search.documents import FIELDS, plain_text
from gongkai.search.export import EXACT_PREFIX, build_search_data, export, shard_count, shard_of, weighted_postings
from gongkai.search.query import marked_pieces, parse_query, query_tokens, ranked, required_of, results
from gongkai.search.synonyms import SynonymTable, load_synonyms
from gongkai.search.whoosh_index import build_stats
from gongkai_tools.search import search_catalogue, search_cli

CASES = json.loads((Path(__file__).parent / "search_cases.json").read_text(encoding="utf-8"))
CASE_TABLE = SynonymTable.build(CASES["synonyms"])


# ---------- normalisation and tokens: the shared case table ----------

@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["input"] or "empty")
def test_case_table_normalisation_and_tokens(case):
    assert normalise(case["input"]) == case["normalised"]
    assert tokens(case["input"]) == case["tokens"]
    assert tokens(case["input"], unigrams=False) == case["long_tokens"]
    assert compact(case["input"]) == case["compact"]


@pytest.mark.parametrize("case", CASES["queries"], ids=lambda c: c["input"])
def test_case_table_queries(case):
    parsed = parse_query(case["input"], CASE_TABLE)
    clauses = [[{"text": a.text, "parts": [{"tokens": list(p.tokens), "required": p.required} for p in a.parts],
                 "phrases": [list(p) for p in a.phrases]} for a in c.alternatives] for c in parsed.clauses]
    assert (clauses, parsed.exact_key, list(parsed.tried)) == (case["clauses"], case["exact"], case["tried"])


@pytest.mark.parametrize("case", CASES["highlights"], ids=lambda c: c["query"])
def test_case_table_highlights(case):
    assert marked_pieces(case["text"], parse_query(case["query"], CASE_TABLE)) == case["marked"]


def clause_texts(query):
    return [[a.text for a in c.alternatives] for c in parse_query(query, CASE_TABLE).clauses]


@pytest.mark.parametrize(("typed", "spaced"), [("2023年决算", "2023 决算"), ("2025年部门预算", "2025 部门预算"),
                                               ("2023年度决算", "2023 决算"), ("低保名单", "低保 名单")])
def test_typed_without_spaces_means_the_spaced_query(typed, spaced):
    """The clauses differ only in how the words are joined: the same parts, so the same documents."""
    typed_parts = [[a.parts for a in c.alternatives] for c in parse_query(typed, CASE_TABLE).clauses]
    spaced_parts = [[a.parts for a in c.alternatives] for c in parse_query(spaced, CASE_TABLE).clauses]
    flatten = lambda clauses: sorted(str(sorted(p.tokens)) for alts in clauses for a in alts[:1] for p in a)  # noqa: E731
    assert flatten(typed_parts) == flatten(spaced_parts)


def test_a_unit_leaving_one_character_stays():
    assert clause_texts("2023年报") == [["2023"], ["年报"]]
    assert clause_texts("2024年3月低保") == [["2024"], ["3"], ["低保", "最低生活保障"]]


def test_case_table_covers_what_the_issue_names():
    inputs = {c["input"] for c in CASES["cases"]}
    assert {"ＡＢＣ１２３", "養老機構", "示民〔2024〕37号", "示民［2024］37号", "示民(2024)37号"} <= inputs


def test_full_width_case_and_punctuation():
    assert normalise("ＡＢＣ１２３") == "abc123"
    assert tokens("Ｈｅｌｌｏ，ＷＯＲＬＤ！") == ["hello", "world"]
    assert tokens("“三公”经费") == tokens("三公 经费")


def test_run_pattern_agrees_with_character_kinds():
    """runs() uses a regular expression for speed; char_kind() states the rule (and is what the
    browser test compares with search-core.js)."""
    for code in range(0x20, 0x30000):
        ch = chr(code)
        if not 0xD800 <= code <= 0xDFFF:
            found = analysis.runs(ch)
            assert (found[0][0] if found else None) == analysis.char_kind(ch), hex(code)


def test_lone_han_character_kept_in_long_fields():
    # 37号: the 号 must stay searchable even where unigrams are dropped
    assert tokens("37号", unigrams=False) == ["37", "号"]


def test_fold_map_is_generated_from_opencc_data():
    fold = fold_map()
    assert (fold["養"], fold["機"], fold["構"], fold["後"], fold["險"]) == ("养", "机", "构", "后", "险")
    assert len(fold) > 2500
    assert all(ord(c) <= 0xFFFF for pair in fold.items() for c in pair)
    assert not set(fold.values()) & set(fold), "chains are followed: folding twice changes nothing"


def test_fold_map_reads_the_dictionary_files(tmp_path, monkeypatch):
    (tmp_path / "TSCharacters.txt").write_text("甲\t乙 丙\n丁\t戊\n", encoding="utf-8")
    (tmp_path / "STCharacters.txt").write_text("己\t庚 己\n", encoding="utf-8")
    monkeypatch.setattr(analysis, "opencc_dir", lambda: tmp_path)
    fold_map.cache_clear()
    try:
        assert fold_map() == {"甲": "乙", "丁": "戊", "庚": "己"}
    finally:
        fold_map.cache_clear()


def test_normalise_is_idempotent_over_the_fold_map():
    text = "".join(fold_map()) + "ＡＢＣ（）"
    assert normalise(normalise(text)) == normalise(text)


def test_plain_text_drops_markdown():
    body = "## 标题\n\n| 类别 | 金额 |\n|---|---:|\n| 城市 | 780 |\n\n- **申请**：[指南](https://x.invalid/a)\n"
    assert plain_text(body) == "标题 类别 金额 城市 780 申请：指南"


def test_masked_names_render_as_written():
    """Markdown would read 李*华、王*芳 as 李<em>华、王</em>芳, i.e. the full names 李华、王芳."""
    html = BodyRenderer()("公示对象：李*华、王*芳、杨**。\n\n评审专家 刘*、赵*；**申请**：请于**3月31日**前提交")
    assert "<p>公示对象：李*华、王*芳、杨**。</p>" in html
    assert "<p>评审专家 刘*、赵*；<strong>申请</strong>：请于<strong>3月31日</strong>前提交</p>" in html


def test_example_page_keeps_the_experts_masked(example_output):
    pages = [p.read_text(encoding="utf-8") for p in (example_output / "items").glob("*/index.html")]
    page = next(t for t in pages if "评审专家" in t)
    assert "刘*、赵*、孔*、施*、张*（采购人代表）" in page and "<em>、" not in page


def test_plain_text_keeps_masked_names():
    body = ("| 村 | 姓名 |\n|---|---|\n| 松林村 | 李*华 |\n| 石门村 | 杨** |\n\n"
            "评审专家：刘*、赵*（代表）；**申请**：王××、李○○、陈＊＊、某某；__注__：见附件")
    assert plain_text(body) == ("村 姓名 松林村 李*华 石门村 杨** 评审专家：刘*、赵*（代表）；"
                                "申请：王××、李○○、陈＊＊、某某；注：见附件")


# ---------- synonyms ----------

def test_project_synonyms_are_valid_and_hold_the_required_groups():
    table, problems = load_synonyms(REPO / "schema", REPO)
    assert problems == []
    groups = {frozenset(g) for g in table.groups}
    for required in (["低保", "最低生活保障"], ["社保", "社会保险"], ["公积金", "住房公积金"],
                     ["公租房", "公共租赁住房"]):
        assert any(set(required) <= g for g in groups), required
    assert any({"医保", "医疗保险"} <= g for g in groups)
    assert any({"三公经费", "因公出国(境)费", "公务用车购置及运行费", "公务接待费"} <= g for g in groups)
    assert len(table.groups) >= 25


def _synonyms(tmp_path, text):
    schema_dir = tmp_path / "schema"
    schema_dir.mkdir()
    (schema_dir / "synonyms.schema.json").write_text(
        (REPO / "schema/synonyms.schema.json").read_text(encoding="utf-8"), encoding="utf-8")
    (schema_dir / "synonyms.yaml").write_text(text, encoding="utf-8")
    return load_synonyms(schema_dir, tmp_path)


def test_synonym_group_of_one_term(tmp_path):
    _table, problems = _synonyms(tmp_path, "- [低保, 最低生活保障]\n- [社保]\n")
    assert [str(p) for p in problems] == ["schema/synonyms.yaml:2: [2]: 至少要有 2 项"]


def test_synonym_listed_twice_after_normalisation(tmp_path):
    _table, problems = _synonyms(tmp_path, "- [双随机一公开, 双随机抽查]\n- [低保, 最低生活保障]\n- [双随机、一公开, 抽查]\n")
    assert [str(p) for p in problems] == [
        "schema/synonyms.yaml:3: [3][1]: “双随机、一公开”与第 1 行的“双随机一公开”是同一个词（搜索时忽略标点、空格、全半角、"
        "大小写和繁简体）：每个词只能出现一次，请删除一个或把两组合并"]


def test_synonym_of_punctuation_only(tmp_path):
    _table, problems = _synonyms(tmp_path, "- [低保, “”]\n")
    assert [str(p) for p in problems] == ["schema/synonyms.yaml:1: [1][2]: ““””去掉标点和空格后不足两个字，不能作为同义词"]


def test_synonyms_not_a_list(tmp_path):
    table, problems = _synonyms(tmp_path, "低保: 最低生活保障\n")
    assert table.groups == () and len(problems) == 1 and problems[0].path == "schema/synonyms.yaml"


def test_synonyms_check_for_validate(mini_project):
    (mini_project / "schema/synonyms.yaml").write_text("- [社保]\n", encoding="utf-8")
    assert [p.message for p in load(mini_project).problems] == ["至少要有 2 项"]


def test_expansion_both_ways_and_longest_term_first():
    assert parse_query("低保", CASE_TABLE).tried == ("最低生活保障",)
    assert parse_query("最低生活保障", CASE_TABLE).tried == ("低保",)
    assert parse_query("社保卡", CASE_TABLE).tried == ("社会保障卡",)  # not 社会保险卡
    assert parse_query("养老", CASE_TABLE).tried == ()


def test_punctuated_term_typed_alone_expands():
    parsed = parse_query("因公出国（境）费", CASE_TABLE)
    assert len(parsed.clauses) == 1 and parsed.tried == ("三公经费", "公务接待费")


def test_required_tokens_two_thirds():
    assert [required_of(n) for n in (1, 2, 3, 4, 5, 6, 9)] == [1, 2, 2, 3, 4, 4, 6]


# ---------- Whoosh statistics ----------

DOCS = [{"title": "养老机构名录", "body": "养老机构 养老"}, {"title": "低保名单", "body": "名单 名单"}]


def _docs(rows):
    return [{f.name: row.get(f.name, "") for f in FIELDS} for row in rows]


def test_whoosh_statistics():
    stats = build_stats(_docs(DOCS), workers=1)
    assert stats.doc_count == 2
    assert list(stats.lengths["title"]) == [11, 7]  # 6 unigrams + 5 bigrams; 4 + 3
    assert list(stats.lengths["body"]) == [4, 2]     # long field: bigrams only (养老 机构 养老 + 老机)
    ids, freqs = stats.postings["body"]["养老"]
    assert (list(ids), list(freqs)) == ([0], [2])
    assert "养" not in stats.postings["body"] and "养" in stats.postings["title"]


def test_whoosh_in_two_processes_gives_the_same_statistics():
    docs = _docs(DOCS) * 3
    one, two = build_stats(docs, workers=1), build_stats(docs, workers=2)
    assert weighted_postings(one) == weighted_postings(two)
    assert {f: list(v) for f, v in one.lengths.items()} == {f: list(v) for f, v in two.lengths.items()}


# ---------- ranking ----------

def item(title, index_no, body="", **meta) -> Item:
    base = {"事项名称": title, "索引号": index_no, "一级事项": "社会救助", "二级事项": "临时救助",
            "公开内容": ["公开要素"], "公开依据": ["《社会救助暂行办法》"], "公开时限": {"类型": "即时"},
            "公开主体": "示例县民政局", "公开对象": "全社会", "发布日期": "2024-03-05"}
    return Item(f"content/items/{title}.md", {**base, **meta}, body)


ITEMS = [
    item("社会救助资金使用情况", "11530000MB0123456X/2024-00001", "本县最低生活保障资金按月发放。"),
    item("城乡最低生活保障对象名单", "11530000MB0123456X/2024-00002", 二级事项="最低生活保障"),
    item("关于调整保障标准的通知", "11530000MB0123456X/2024-00003", "经研究决定调整标准。", 文号="示民〔2024〕37号"),
    item("養老機構名錄", "11530000MB0123456X/2024-00004", "全县养老机构。"),
]


def titles(query, items=ITEMS, table=CASE_TABLE):
    data = build_search_data(items, workers=1)
    return [items[h.doc].title for h in ranked(parse_query(query, table), data.postings, data.doc_count)]


def test_title_match_ranks_before_body_match():
    assert titles("最低生活保障") == ["城乡最低生活保障对象名单", "社会救助资金使用情况"]


def test_abbreviation_finds_the_full_term():
    assert titles("低保") == ["城乡最低生活保障对象名单", "社会救助资金使用情况"]
    assert titles("低保", table=SynonymTable.build([])) == []


def test_exact_document_number_in_any_bracket_comes_first():
    for typed in ("示民〔2024〕37号", "示民[2024]37号", "示民(2024)37号", "示民（2024）37号", "示民【2024】37号"):
        assert titles(typed)[0] == "关于调整保障标准的通知", typed


def test_exact_index_number_comes_first():
    assert titles("11530000MB0123456X/2024-00002") == ["城乡最低生活保障对象名单"]


def test_traditional_text_and_query_meet():
    assert titles("养老机构") == ["養老機構名錄"]
    assert titles("養老機構") == ["養老機構名錄"]


def test_every_clause_must_match():
    assert titles("低保 名单") == ["城乡最低生活保障对象名单"]
    assert titles("低保 量子") == []


BUDGETS = [
    item("示例县2023年一般公共预算决算", "11530000MB0123456X/2024-00011", "2023年度收支决算。"),
    item("示例县2024年度县级部门决算", "11530000MB0123456X/2024-00012", "2024年部门决算。"),
    item("社会保险基金收支情况", "11530000MB0123456X/2024-00013", "基金按月结算。"),
    item("人力资源和社会保障局机构概况", "11530000MB0123456X/2024-00014", "负责失业、养老、工伤保障。"),
    item("社保卡办理指南", "11530000MB0123456X/2024-00015", "持卡办理。"),
    item("就业登记指南", "11530000MB0123456X/2024-00016", "同时办理社会保险登记。"),
    item("失业登记指南", "11530000MB0123456X/2024-00017", "同时办理社保转移。"),
]


def test_numbers_typed_against_the_words():
    for typed in ("2023年决算", "2023 决算", "2023年度决算", "2023决算"):
        assert titles(typed, BUDGETS) == ["示例县2023年一般公共预算决算"], typed
    assert titles("2024年部门决算", BUDGETS) == ["示例县2024年度县级部门决算"]


def test_a_synonym_term_needs_all_its_bigrams_and_typed_words_rank_first():
    """社会保险 is not found in 人力资源和社会保障局 through 社会 + 会保 (before, two thirds of a
    term's bigrams were enough: 社保 found 28 of the example's 82 items). Matches in 事项名称 first,
    then 社保 as typed above the synonym only."""
    assert titles("社保", BUDGETS) == ["社保卡办理指南", "社会保险基金收支情况", "失业登记指南", "就业登记指南"]
    assert titles("社会保险", BUDGETS) == ["社会保险基金收支情况", "社保卡办理指南", "就业登记指南", "失业登记指南"]


def test_partial_matches_only_when_nothing_matches_every_word():
    data = build_search_data(BUDGETS, workers=1)

    def found(query):
        hits, partial = results(parse_query(query, CASE_TABLE), data.postings, data.doc_count)
        return [BUDGETS[h.doc].title for h in hits], partial

    assert found("2023年决算") == (["示例县2023年一般公共预算决算"], False)
    assert found("2023年决算 量子") == (["示例县2023年一般公共预算决算", "示例县2024年度县级部门决算"], True)
    assert found("量子计算机") == ([], True)
    assert found("！！") == ([], False)


def test_query_tokens_include_the_exact_key():
    parsed = parse_query("示民[2024]37号", CASE_TABLE)
    assert query_tokens(parsed) == ["示民", "2024", "37", "号", EXACT_PREFIX + "示民202437号"]


# ---------- exported files ----------

def test_shards_hold_their_tokens_and_counts_are_powers_of_two():
    assert shard_of("低保", 1) == 0
    assert [shard_count(n) for n in (0, 12000, 12001, 10**9)] == [8, 8, 16, 8192]
    assert shard_of("低保", 1024) == shard_of("低保", 1024 * 4) % 1024


def test_export_layout_and_meta():
    from gongkai.model import Catalogue, Category, Subcategory, Unit

    catalogue = Catalogue([Category("社会救助", "shehui", "", [Subcategory("临时救助", "linshi", "", "社会救助"),
                                                       Subcategory("最低生活保障", "dibao", "", "社会救助")])],
                          [Unit("示例县民政局", "minzheng", [])], ITEMS)
    data = build_search_data(ITEMS, workers=1)
    files = export(data, catalogue, CASE_TABLE, {}, VOCABULARY)
    meta = json.loads(files["index-meta.json"])
    folder = meta["data"]
    assert re.fullmatch(r"data-[0-9a-f]{10}/", folder)
    assert (meta["docs"], meta["chunk"], meta["facets"]["category"], meta["facets"]["limit"]) == (4, 8, ["社会救助"], ["即时"])
    assert meta["fold"]["from"].index("養") == meta["fold"]["to"].index("养")
    assert meta["说明"] == "由 search_index 插件在构建时生成，请勿手工修改"
    shards = {p: json.loads(c) for p, c in files.items() if p.startswith(folder + "s/")}
    assert all("低保" not in s for s in shards.values())
    assert "名单" in shards[f"{folder}s/{shard_of('名单', meta['shards']):x}.json"]
    records = json.loads(files[f"{folder}d/0.json"])
    assert records[2][9] == "示民〔2024〕37号" and records[2][0] == "items/11530000MB0123456X-2024-00003/"


# ---------- the build and the command line ----------

INTERNAL = """---
事项名称: 机关内部考勤管理办法
索引号: 11530000MB0123456X/2024-00009
一级事项: 社会救助
二级事项: 临时救助
公开内容: [签到规定]
公开依据: [《中华人民共和国公务员法》]
公开时限: {类型: 长期}
公开主体: 示例县民政局
公开渠道: [其他]
公开对象: 内部
公开方式: 主动
发布日期: 2024-02-26
文号: 示民〔2024〕99号
---
考勤结果每月汇总。
"""


def with_search(root: Path) -> Path:
    conf = root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") +
                    '\nGONGKAI_SEARCH = True  # the search page and index (on by default)\n', encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built_mini(tmp_path_factory):
    root = with_search(make_mini_project(tmp_path_factory.mktemp("search") / "project"))
    (root / "content/items/社会救助/考勤.md").write_text(INTERNAL, encoding="utf-8")
    result = run_build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def test_build_writes_page_and_index(built_mini):
    search = built_mini / "output/search"
    meta = json.loads((search / "index-meta.json").read_text(encoding="utf-8"))
    assert meta["docs"] == 2
    assert (search / meta["data"]).is_dir()
    page = (search / "index.html").read_text(encoding="utf-8")
    assert "搜索功能需要启用浏览器的 JavaScript。" in page and 'href="../table/"' in page


def test_internal_items_never_reach_the_index(built_mini):
    text = "".join(p.read_text(encoding="utf-8") for p in (built_mini / "output/search").rglob("*.json"))
    assert "城乡最低生活保障对象名单" in text
    for secret in ("考勤", "示民〔2024〕99号", "11530000MB0123456X/2024-00009", "示民202499号"):
        assert secret not in text


def test_cli_lists_rank_title_index_number_and_file(built_mini):
    assert search_cli(built_mini, "低保") == (
        "搜索“低保”：找到 1 个公开事项（已同时搜索同义词：最低生活保障）\n"
        "1. 城乡最低生活保障对象名单  11530000MB0123456X/2024-00001  content/items/社会救助/低保名单.md")


def test_cli_labels_partial_matches(built_mini):
    assert search_cli(built_mini, "低保名单 量子") == (
        "搜索“低保名单 量子”：没有同时包含全部词语的结果，以下是部分匹配的结果，共 1 个公开事项（已同时搜索同义词：最低生活保障名单）\n"
        "1. 城乡最低生活保障对象名单  11530000MB0123456X/2024-00001  content/items/社会救助/低保名单.md")


def test_cli_limit_and_no_results(built_mini):
    assert search_cli(built_mini, "示例县", limit=1).splitlines()[2] == "只显示前 1 个；用 --limit 2 显示全部。"
    assert search_cli(built_mini, "考勤管理") == "没有找到与“考勤管理”相关的公开事项。"


def test_cli_ranks_like_the_build(built_mini):
    _project, outcome = search_catalogue(built_mini, "示财预[2024]5号")
    assert [i.title for i in outcome.items][:1] == ["示例县财政局2024年部门预算"]


def test_cli_notes_catalogue_problems(tmp_path):
    root = make_mini_project(tmp_path / "project")
    (root / "content/items/社会救助/坏.md").write_text("---\n事项名称: 坏\n---\n", encoding="utf-8")
    assert search_cli(root, "低保").splitlines()[-1].startswith("注意：目录中有 ")


def test_bad_synonyms_stop_the_build(tmp_path):
    root = with_search(make_mini_project(tmp_path / "project"))
    (root / "schema/synonyms.yaml").write_text("- [低保, 最低生活保障]\n- [社保]\n", encoding="utf-8")
    result = run_build(root)
    assert result.returncode == 1
    assert "schema/synonyms.yaml:2: [2]: 至少要有 2 项" in result.stderr
    assert not (root / "output/search").exists()
