"""Hostile and broken input (issue 9): every resource limit refuses with the exact Chinese words and
line an editor reads — through load_catalogue, `invoke validate`, a full build and the other
commands that read items — with no traceback, no hang, and the previous output/ left untouched.

The committed examples in tests/examples/refused/ are named after the attack they reproduce (each
says so in its first lines). Inputs that cannot be committed as readable text — raw control bytes,
megabytes, 30,000 nested brackets — are made here, in GENERATED.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO, VOCABULARY, make_mini_project, run_build, run_invoke
from test_build_integrity import left_overs

from gongkai import limits, schema
from gongkai.catalogue import load_catalogue
from gongkai.characters import has_visible, label
from gongkai.errors import Problem, dotted, quote
from gongkai.frontmatter import describe, parse_text
from gongkai.settings import Paths


def with_rules(loaded):
    """(catalogue, the files' problems and what the per-item rules found)."""
    catalogue, files, rules = loaded
    return catalogue, files + rules

REFUSED = EXAMPLES / "refused"
FOLDER = "content/items/社会救助"
ITEM_CHECKS = ("secrecy:item_problems", "freshness.limits:item_problems")
MINIMAL = (EXAMPLES / "minimal_item.md").read_text(encoding="utf-8")

LINE_BREAK = "不能换行：请写在一行内（不要用“|”或“>”分行书写）；有几项内容时写成列表，每项一行，以“- ”开头"
ATTACHMENT_HINT = ("相对于 content/ 的路径，用“/”分隔、不含“..”和“\\”，以 pdf、ofd、doc、docx、xls、xlsx、wps、jpg 或 png 结尾，"
                   "例如 attachments/2024/预算表.pdf")
UNREALISTIC = "超过三年（{most}），不合实际：请核对数字；条例规定的期限是 20 个工作日，目录中常见 5、10、15 或 20 个工作日"
COPIED = "：请删除它（常见于从其他系统复制的文字）"

# example file -> the exact lines `invoke validate` prints for it (after "content/items/社会救助/<file>:")
EXPECTED = {
    "yaml_alias_bomb.md": ["21: 值以“&”或“*”开头时表示引用别处的内容，事项文件和登记表中不允许这样写：请把内容直接写出来；"
                           "如果文字本身以 & 或 * 开头，请用引号把整个值括起来"],
    "yaml_deep_nesting.md": ["8: 列表或“字段: 值”嵌套超过 12 层（字段里不会有这么深的结构）：请检查这一行的方括号“[ ]”、花括号“{ }”和缩进"],
    "control_escape_in_list.md": [f"10: 公开内容 第 2 项: 第 5 个字处有不可见的控制字符 U+000C（换页符）{COPIED}"],
    "escape_character_in_title.md": [f"3: 事项名称: 第 9 个字处有不可见的控制字符 U+001B（转义符 ESC）{COPIED}"],
    "title_with_line_break.md": [f"4: 事项名称: {LINE_BREAK}"],
    "title_zero_width_only.md": ["3: 事项名称: 只有空格或不可见的字符（如零宽空格）：请填写实际内容"],
    "title_bidi_override.md": ["4: 事项名称: 第 5 个字处有文字方向控制符 U+202E（RLO 从右到左强制），"
                               "它会让网页上显示的文字顺序与文件中的不同：请删除它"],
    "index_trailing_newline.md": [f"5: 索引号: {LINE_BREAK}"],
    "attachment_path_newline.md": [f"22: 附件 第 1 项的文件: {LINE_BREAK}"],
    "attachment_path_escape.md": [f"22: 附件 第 1 项的文件: 格式不对：应为{ATTACHMENT_HINT}，实际为文本“../../.git/config.pdf”",
                                  f"24: 附件 第 2 项的文件: 格式不对：应为{ATTACHMENT_HINT}，实际为文本“attachments\\预算表.pdf”"],
    "unrealistic_calendar_limit.md": ["14: 公开时限.说明: 时限写的是 99999999 日，" + UNREALISTIC.format(most="1096 日")],
    "unrealistic_workday_limit.md": ["14: 公开时限.说明: 时限写的是 99999999 个工作日，" + UNREALISTIC.format(most="750 个工作日")],
    "body_nested_divs.md": ["53: 正文: HTML 标签嵌套超过 32 层（到这一行）：请删除多余的 <div> 等标签，正文用 Markdown 书写即可"],
    "body_unmatched_brackets.md": ["21: 正文: 方括号“[”太多又没有配对的“]”（从这一行起），生成网页会极慢：请删除多余的“[”，"
                                   "需要原样显示时写成“\\[”"],
    "body_unclosed_tags.md": ["21: 正文: “<”后接字母却没有对应的“>”的地方太多（从这一行起），生成网页会极慢："
                              "请删除多余的“<”，或写成“&lt;”"],
    "body_markup_lines.md": ["22: 正文: 这一段（从这一行起，到下一个空行为止）有 600 行标题、分隔线、定义或缩写，"
                             "超过 100 行或过长，生成网页会极慢：请在它们之间加空行"],
}


def _minimal(number: int, old: str = "", new: str = "") -> str:
    text = MINIMAL.replace("2024-00001", f"2024-{number:05d}")
    assert old in text
    return text.replace(old, new, 1)


LONG_INDEX = "X" * 200_000
GENERATED = {
    "raw_nul_in_fields.md": (_minimal(120, "公开主体: 示例", "公开主体: 示\x00例"),
                             ["15: 这一行含有不可见的控制字符 U+0000（空字符 NUL），无法读取" + COPIED]),
    "raw_del_in_fields.md": (_minimal(121, "二级事项: 最低", "二级事项: 最\x7f低"),
                             ["6: 这一行含有不可见的控制字符 U+007F（删除符 DEL），无法读取" + COPIED]),
    "raw_controls_in_body.md": (_minimal(122, "按乡镇分列的名单每月更新。", "名单\x01见附件\n\n\x1b[31m红字\x1b[0m"),
                                ["21: 正文: 这一行有不可见的控制字符 U+0001（控制字符）（共 2 行有这类字符，这里是第一处）" + COPIED]),
    "yaml_very_deep_nesting.md": (_minimal(123, "公开渠道: [政府网站, 公示栏]", "公开渠道: " + "[" * 30_000 + "]" * 30_000),
                                  ["16: 列表或“字段: 值”嵌套超过 12 层（字段里不会有这么深的结构）：请检查这一行的方括号“[ ]”、花括号“{ }”和缩进"]),
    "oversized_item.md": (_minimal(124) + ("按乡镇分列的名单。" * 100 + "\n") * 450,
                          [" 文件有 1.2 MB，超过事项文件 1 MB 的上限：长名单和大表格请做成附件（附件字段），正文只写说明"]),
    "huge_values.md": (_minimal(125, "索引号: 11530000MB0123456X/2024-00125", f"索引号: {LONG_INDEX}")
                       .replace("公开主体: 示例县民政局", "公开主体: " + "示" * 200_000),
                       ["4: 索引号: 格式不对：应为机构代码/年份-序号，例如 11530000MB0123456X/2024-00012，"
                        f"实际为文本“{'X' * 40}…（共 200000 个字符）”",
                        f"15: 公开主体: “{'示' * 40}…（共 200000 个字符）”没有登记在 schema/units.yaml。可选：示例县民政局、"
                        "示例县财政局。如确需新增，请先在登记表中添加"]),
    "huge_number.md": (_minimal(126, "发布日期: 2024-03-05", "发布日期: 2024-03-05\n文号: " + "9" * 5000),
                       ["20: 数字太长，无法读取：如果这是文字（例如编号），请用引号括起来"]),
}


def _report_lines(name: str, lines: list[str]) -> list[str]:
    """"21: …" is located on line 21; " 文件有…" (leading space) is about the whole file."""
    return [f"{FOLDER}/{name}:{line}" for line in lines]


ALL = {**{name: ((REFUSED / name).read_bytes(), lines) for name, lines in EXPECTED.items()},
       **{name: (text.encode("utf-8"), lines) for name, (text, lines) in GENERATED.items()}}
ALL_LINES = sorted(line for name, (_raw, lines) in ALL.items() for line in _report_lines(name, lines))


def test_every_refused_example_is_listed_here():
    assert sorted(p.name for p in REFUSED.glob("*.md")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(ALL))
def test_hostile_file_is_refused_with_the_exact_message_and_line(mini_project, name):
    (mini_project / FOLDER / name).write_bytes(ALL[name][0])
    _catalogue, problems = with_rules(load_catalogue(Paths.for_root(mini_project), render=True))
    assert [str(p) for p in problems] == _report_lines(name, ALL[name][1])


@pytest.fixture(scope="module")
def attacked(tmp_path_factory) -> Path:
    """A built mini project, then every hostile file added at once (each with its own 索引号)."""
    root = make_mini_project(tmp_path_factory.mktemp("attacked") / "project")
    assert run_build(root).returncode == 0
    for name, (raw, _lines) in ALL.items():
        (root / FOLDER / name).write_bytes(raw)
    return root


def _snapshot(output: Path) -> dict:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def test_validate_and_build_refuse_every_attack_at_once_and_keep_the_previous_site(attacked):
    before = _snapshot(attacked / "output")
    validate = run_invoke(attacked, "validate")
    build = run_build(attacked)
    assert validate.returncode == 1 and build.returncode == 1
    assert sorted(validate.stdout.splitlines()[:-1]) == ALL_LINES
    assert validate.stdout.splitlines()[-1] == f"共发现 {len(ALL_LINES)} 个问题，涉及 {len(ALL)} 个文件。请逐条修改后再运行 invoke validate。"
    assert [line for line in ALL_LINES if line not in build.stderr] == []
    assert "构建失败：目录有错误，未生成网站；上一次生成的 output/ 保持不变。" in build.stderr
    for result in (validate, build):
        assert "Traceback" not in result.stdout + result.stderr
    assert _snapshot(attacked / "output") == before
    # No staging or replaced folder is left (output.lock is the build lock, kept on purpose; the
    # failed build's folders may stay as one frame, emptied of its files: gongkai/output.py).
    assert left_overs(attacked) == []


def test_fix_reads_the_attacks_without_crashing(attacked):
    result = run_invoke(attacked, "fix")
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("command", [("scan",), ("codeowners", "--check"), ("audit",)])
def test_other_commands_report_the_attacks_instead_of_crashing(attacked, command):
    result = run_invoke(attacked, *command)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert f"{FOLDER}/yaml_very_deep_nesting.md:16" in result.stdout or command == ("scan",)
    if command == ("audit",):
        assert [line for line in ALL_LINES if line not in result.stdout] == []


# ---------------------------------------------------------------- messages

def test_quoted_values_are_short_and_show_hidden_characters():
    assert quote("示例县民政局") == "示例县民政局"
    assert quote("长" * 200_000) == "长" * 40 + "…（共 200000 个字符）"
    assert quote("名单\n## 审核意见") == "名单\\n## 审核意见"
    assert describe("长" * 100) == f"文本“{'长' * 40}…（共 100 个字符）”"
    assert dotted(("键" * 100, 0)) == f"{'键' * 40}…（共 100 个字符） 第 1 项"
    assert describe(10 ** 50) == f"数字 1{'0' * 39}…（共 51 个字符）"
    assert [describe(v) for v in (b"x", {1}, (1, 2))] == ["二进制数据（!!binary）", "集合（!!set）", "键值对（!!omap 或 !!pairs）"]


def test_a_problem_is_always_one_line_whatever_an_editor_wrote():
    problem = Problem("content/items/a.md", 3, "事项名称", "“名单\n\n## 审核意见：同意\u202e”没有登记")
    assert str(problem) == "content/items/a.md:3: 事项名称: “名单\\n\\n## 审核意见：同意\\u202e”没有登记"


def test_character_labels_and_visibility():
    assert label("\x0c") == "U+000C（换页符）"
    assert label("\x02") == "U+0002（控制字符）"
    assert label("\u2067") == "U+2067（RLI 从右到左隔离）"
    assert not has_visible("\u200b\u3000 \ufeff\u2060")
    assert has_visible("\u200b低保")


def _checked(field: tuple, value) -> list[str]:
    """The minimal example with one value replaced, through the item schema (lines as parsed)."""
    source = parse_text(MINIMAL, "a.md")
    target = source.meta
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value
    validator = schema.compiled(str(REPO / "schema/item.schema.json"))
    return [str(p) for p in schema.check(validator, source.meta, source.lines, "a.md")]


@pytest.mark.parametrize("value, message", [
    ("低保\t名单", f"第 3 个字处有不可见的制表符 U+0009（制表符（Tab））{COPIED}"),
    ("低保名单\n", LINE_BREAK),  # what a block scalar (| or >) leaves at the end
    ("低保\u2028名单", LINE_BREAK),
    ("低保\x85名单", f"第 3 个字处有不可见的控制字符 U+0085（下一行符 NEL）{COPIED}"),
    ("\u2066低保\u2069", "第 1 个字处有文字方向控制符 U+2066（LRI 从左到右隔离），它会让网页上显示的文字顺序与文件中的不同：请删除它"),
    (" \u3000", "只有空格或不可见的字符（如零宽空格）：请填写实际内容"),  # and not also "至少要 2 个字"
])
def test_a_one_line_field_holds_one_line_of_visible_text(value, message):
    assert _checked(("事项名称",), value) == [f"a.md:3: 事项名称: {message}"]


@pytest.mark.parametrize("value, message", [
    ("自该信息形成之日起\n20个工作日内", None),  # a catalogue's own line break, kept
    ("自该信息形成之日起\t20个工作日内", f"第 10 个字处有不可见的制表符 U+0009（制表符（Tab））{COPIED}"),
    ("自该信息形成之日起\u202820个工作日内", f"第 10 个字处有不可见的控制字符 U+2028（行分隔符）{COPIED}"),
])
def test_a_multiline_field_may_break_lines_but_not_hide_characters(value, message):
    assert _checked(("公开时限", "说明"), value) == ([f"a.md:14: 公开时限.说明: {message}"] if message else [])


def test_ordinary_text_passes_the_character_rule():
    for value in ("城乡低保（2024年）", "A&B 138****5678", "名单 表", "低保\u200b名单"):
        assert _checked(("事项名称",), value) == []


def test_multiline_fields_are_declared_in_the_schema_and_shown_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for field in ("公开时限.说明", "渠道说明", "对象说明", "保密审查[].说明"):
        assert f"| `{field}` |" in readme and readme.split(f"| `{field}` |")[1].split("\n")[0].endswith("| 文本（可分多行） |")
    assert "| `事项名称` |" in readme and readme.split("| `事项名称` |")[1].split("\n")[0].endswith("| 文本 |")


def test_registry_values_follow_the_same_rule(mini_project):
    units = mini_project / "schema/units.yaml"
    text = units.read_text(encoding="utf-8")
    units.write_text(text.replace("名称: 示例县民政局", '名称: "示例县民政局\\e"', 1), encoding="utf-8")
    _catalogue, problems = load_catalogue(Paths.for_root(mini_project))[:2]
    assert [str(p) for p in problems][:1] == [f"schema/units.yaml:1: 第 1 项的名称: 第 7 个字处有不可见的控制字符 U+001B（转义符 ESC）{COPIED}"]


# ---------------------------------------------------------------- YAML before composing

def test_registries_refuse_anchors_too(mini_project):
    units = mini_project / "schema/units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + "- &u\n  名称: 示例县教育局\n  审核人: [\"@x\"]\n- *u\n",
                     encoding="utf-8")
    _catalogue, problems = load_catalogue(Paths.for_root(mini_project))[:2]
    line = units.read_text(encoding="utf-8").splitlines().index("- &u\n  名称: 示例县教育局".split("\n")[0]) + 1
    assert [str(p) for p in problems][:1] == [f"schema/units.yaml:{line}: {limits.YAML_ANCHOR}"]


def test_ordinary_items_never_need_the_event_scan(monkeypatch):
    """The exact check runs only when a cheap bound says an item could break a limit."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("yaml.parse called for an ordinary item")

    monkeypatch.setattr(limits.yaml, "parse", refuse)
    files = [p for p in (REPO / "content/items").rglob("*.md")] + [EXAMPLES / "minimal_item.md"]
    ordinary = [p for p in files if "&" not in p.read_text(encoding="utf-8") and "*" not in p.read_text(encoding="utf-8")]
    assert len(ordinary) >= 50
    for path in ordinary:
        assert parse_text(path.read_text(encoding="utf-8"), path.name).problems == []


def test_a_file_of_colons_without_spaces_is_not_parsed_once_for_each(monkeypatch):
    """Whether a doubtful colon is to blame is found by parsing the fields with it mended (one parse
    each): a hostile file of 40,000 "电话1:0871" entries (1 MB) took 350 s. Past MAX_DOUBTFUL such
    lines, none is tried and the YAML error is reported as it is."""
    from gongkai import frontmatter

    parses = []
    outcome = frontmatter._outcome
    monkeypatch.setattr(frontmatter, "_outcome", lambda lines: parses.append(1) or outcome(lines))
    entries = [f"  - 电话{n}:0871-{n}" for n in range(40_000)]
    text = "\n".join(["---", '事项名称: "城乡低保"对象名单', "公开内容:", *entries, "---", "正文"])
    problems = parse_text(text, "x.md").problems
    assert [(p.line, p.field, p.message[:9]) for p in problems] == [(2, "事项名称", "值以英文引号开头时")] and parses == []
    few = "\n".join(["---", '事项名称: "城乡低保"对象名单', "公开内容:", *entries[:frontmatter.MAX_DOUBTFUL], "---", "正文"])
    assert [(p.line, p.field) for p in parse_text(few, "x.md").problems] == [(2, "事项名称")]
    assert len(parses) == frontmatter.MAX_DOUBTFUL + 1  # at most: all mended, then each one not


def test_mended_lines_are_never_handed_to_yaml_beyond_the_nesting_limit(monkeypatch):
    """Judging a colon parses the fields with the faulty lines mended: "键：" lines indented ever
    deeper read as one text, but mended ("键:") they nest one level each. The limit holds there too."""
    from gongkai import frontmatter

    written = ["公开内容:", *("  " * (n + 1) + f"键{n}：" for n in range(limits.MAX_YAML_DEPTH + 5))]
    deep = [frontmatter.mend_fullwidth_colon(line) for line in written]
    loaded = []
    monkeypatch.setattr(frontmatter.yaml, "load", lambda *a, **k: loaded.append(1))
    assert frontmatter._outcome(deep) == "refused" and loaded == []
    assert frontmatter._outcome(deep[:3]) is type(None) and loaded == [1]  # within the limit: read


def test_the_event_scan_lets_masked_numbers_and_ampersands_through():
    text = "关键词:\n  - A&B\n  - 138****5678\n  - \"*注\"\n"
    assert limits.yaml_structure(text, 2, "a.md") == []


@pytest.mark.parametrize("value, message", [
    ("*A 类对象", limits.YAML_ANCHOR),  # an alias to YAML
    ("*注 按月发放", "公开内容: 值以“*”或“&”开头时，请用引号把整个值括起来"),  # not even an alias name: a syntax error
])
def test_a_value_starting_with_an_asterisk_gets_the_quoting_hint(value, message):
    source = parse_text(_minimal(1, "  - 保障人数和月保障金额", f"  - {value}"), "a.md")
    assert [str(p) for p in source.problems] == [f"a.md:9: {message}"]


# ---------------------------------------------------------------- bodies

def _bodies() -> list[tuple[str, str]]:
    files = list((REPO / "content/items").rglob("*.md")) + [p for p in EXAMPLES.glob("*.md")]
    return [(p.name, p.read_text(encoding="utf-8").split("\n---\n", 1)[1]) for p in files]


def test_no_real_body_comes_near_a_body_limit():
    bodies = _bodies()
    assert len(bodies) >= 60
    assert [(name, str(p)) for name, body in bodies for p in limits.body_problems(body, 1, name)] == []


@pytest.mark.parametrize("body, line, message", [
    ("> " * 25 + "引用", 1, limits.BODY_BLOCK_DEPTH),
    ("正文\n\n" + "".join("    " * i + "- 项\n" for i in range(30)), 24, limits.BODY_BLOCK_DEPTH),
    ("<span>" * 40 + "x", 1, limits.BODY_HTML_DEPTH),
    ("说明\n\n" + "*[HTML]: 超文本\n" * 150, 3, limits.BODY_MARKUP.format(count=150)),
    ("说明\u202e文字", 1, "这一行有文字方向控制符 U+202E（RLO 从右到左强制），它会让网页上显示的文字顺序与文件中的不同：请删除它"),
])
def test_body_limits(body, line, message):
    assert [str(p) for p in limits.body_problems(body, 1, "a.md")] == [f"a.md:{line}: 正文: {message}"]


def test_closed_html_and_matched_brackets_are_cheap_at_any_length():
    body = ("<p>[链接](https://www.gov.cn/) <b>粗体</b></p>\n" * 20_000
            + "| 乡镇 | [名单](x) |\n|---|---|\n" + "| 城关镇 | [名单](x) |\n" * 5000)
    assert limits.body_problems(body, 1, "a.md") == []


def test_a_render_that_runs_too_long_is_stopped_with_a_located_message(monkeypatch):
    from gongkai.render import BodyRenderer

    monkeypatch.setattr(limits, "RENDER_SECONDS", 0.05)
    table = "| 乡镇 | 户数 |\n|---|---|\n" + "| 城关镇 | 12 |\n" * 20_000  # passes every check, renders in seconds
    assert limits.body_problems(table, 21, "a.md") == []
    html, problems = limits.render_checked(BodyRenderer(), table, 21, "a.md")
    assert html is None
    assert [str(p) for p in problems] == [
        "a.md:21: 正文: 正文过于复杂，60 秒内无法生成网页（超时）：请简化正文（减少嵌套和成串的特殊符号），或把内容做成附件"]


def test_a_render_that_recurses_too_deep_is_a_located_message():
    def recurse(_body):
        raise RecursionError

    html, problems = limits.render_checked(recurse, "正文", 21, "a.md")
    assert (html, [str(p) for p in problems]) == (None, [
        "a.md:21: 正文: 正文过于复杂，60 秒内无法生成网页（嵌套过深）：请简化正文（减少嵌套和成串的特殊符号），或把内容做成附件"])


def test_an_ordinary_body_renders_as_before_inside_the_guard():
    from gongkai.render import BodyRenderer

    renderer = BodyRenderer()
    body = (EXAMPLES / "full_item.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert limits.render_checked(renderer, body, 1, "a.md") == (renderer(body), [])


# ---------------------------------------------------------------- files

def test_an_oversized_file_is_never_read_beyond_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.md"
    path.write_bytes(b"-" * (limits.MAX_ITEM_BYTES + 10))
    reads = []
    real_open = open

    def spy(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        original = handle.read
        handle.read = lambda n=-1: reads.append(n) or original(n)
        return handle

    monkeypatch.setattr("builtins.open", spy)
    raw, problem = limits.read_bounded(path, "big.md")
    assert raw is None and reads == [limits.MAX_ITEM_BYTES + 1]
    assert str(problem) == "big.md: 文件有 1.0 MB，超过事项文件 1 MB 的上限：长名单和大表格请做成附件（附件字段），正文只写说明"


def test_size_words():
    assert [limits.size_words(n) for n in (5 * 1024, limits.MB, int(3.44 * limits.MB))] == ["5 KB", "1 MB", "3.4 MB"]


# ---------------------------------------------------------------- 公开时限 numbers

def test_stated_limits_beyond_three_years_are_unrealistic():
    from gongkai.freshness.limits import Limit, chinese_number, limit_from_text

    assert chinese_number("9" * 5000) == 10 ** 9  # int() would refuse more than 4,300 digits
    assert limit_from_text("750个工作日内").realistic and not limit_from_text("751个工作日内").realistic
    assert limit_from_text("1096日内").realistic and not limit_from_text("1097天内").realistic
    assert Limit(20).realistic


def test_the_verdict_never_counts_an_unrealistic_limit_out():
    """Even unvalidated (e.g. an own pelicanconf without the check), the build neither overflows
    a date nor counts 99,999,999 working days one by one."""
    import datetime as dt

    from gongkai.freshness.status import assess
    from gongkai.freshness.workdays import WorkCalendar

    meta = {"公开时限": {"类型": "即时", "说明": "自信息形成之日起99999999个工作日内"},
            "成文日期": "2024-03-01", "发布日期": "2024-03-05"}
    verdict = assess(meta, dt.date(2024, 6, 1), WorkCalendar(), VOCABULARY)
    assert (verdict.status, verdict.detail) == (None, "时限说明写的 99999999 个工作日不合实际，无法核对是否按时")
