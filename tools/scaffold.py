"""`invoke new`: write a new item file with a short Chinese comment above every field the editor
still has to fill in, and the next free 索引号 for the unit and year. Its placeholders pass the
schema (the file previews at once), but the publish gate (gongkai.gate) refuses them: validate
and the build fail until the editor has written the real content."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from gongkai.errors import ScaffoldError, format_report
from gongkai.gate import MARK, PLACEHOLDERS
from gongkai.project import load_project
from gongkai.settings import settings_for
from gongkai.vocabulary import AUDIENCE, CHANNEL, LIMIT, METHOD, PERIOD

from .yamlwrite import IndexAllocator, item_text, safe_file_name

# Placeholders pass the schema, so the file previews at once; the publish gate (gongkai.gate, the
# one table of them) refuses them until the editor has replaced them.
PLACEHOLDER_CONTENT = PLACEHOLDERS["公开内容"]
PLACEHOLDER_GROUP = PLACEHOLDERS["对象说明"]
DEFAULT_BASIS = "《中华人民共和国政府信息公开条例》"
STATUTORY_LIMIT = "自该信息形成或者变更之日起20个工作日内"

COMMENTS = {
    "公开内容": f"{MARK}：公开内容要素，每行一项，以“- ”开头；请替换下面的示例行",
    "公开依据": "待补充：法律、法规、规章或文件，每行一项；下面一行只是起点",
    "公开时限": "请核对：说明默认是《政府信息公开条例》第二十六条的时限，另有规定时照规定改写",
    "公开渠道": "请核对：可选 {channels}；具体平台写在“渠道说明”并选“其他”",
    "对象说明": f"{MARK}：写明是哪些群体",
}


class Choices:
    """What `invoke new` offers, from the loaded project: its registries and the vocabulary."""

    def __init__(self, project):
        if project.catalogue.registry_problems:
            raise ScaffoldError("登记表有错误，请先修正（invoke validate）：\n" + format_report(project.catalogue.registry_problems))
        self.project = project
        self.categories, self.units = project.catalogue.categories, project.catalogue.units
        words = project.vocabulary
        self.limits, self.periods = list(words.values(LIMIT)), list(words.values(PERIOD))
        self.methods, self.audiences = list(words.values(METHOD)), list(words.values(AUDIENCE))
        self.channels = "、".join(words.values(CHANNEL))


def _choices(root) -> Choices:
    return Choices(load_project(settings_for(Path(root))))


def _check(title, category, subcategory, unit, limit_type, period, method, audience, choices: Choices) -> list[str]:
    """Every wrong answer at once, each saying what is allowed."""
    categories, units, wrong = choices.categories, choices.units, []
    if not 2 <= len(title.strip()) <= 120:
        wrong.append(f"事项名称应为 2–120 个字，现在是 {len(title.strip())} 个字")
    found = next((c for c in categories if c.name == category), None)
    if found is None:
        wrong.append(f"一级事项“{category}”没有登记，可选：{'、'.join(c.name for c in categories)}")
    elif found.sub(subcategory) is None:
        wrong.append(f"二级事项“{subcategory}”不在“{category}”下，可选：{'、'.join(s.name for s in found.subcategories)}")
    registered = next((u for u in units if u.name == unit), None)
    if registered is None:
        wrong.append(f"公开主体“{unit}”没有登记，可选：{'、'.join(u.name for u in units)}")
    elif not registered.code:
        wrong.append(f"公开主体“{unit}”在 schema/units.yaml 中没有机构代码，无法生成索引号：请先补登“机构代码”")
    for value, allowed, label in ((limit_type, choices.limits, "公开时限类型"), (method, choices.methods, "公开方式"),
                                  (audience, choices.audiences, "公开对象")):
        if value not in allowed:
            wrong.append(f"{label}“{value}”无效，可选：{'、'.join(allowed)}")
    if limit_type == "定期" and period not in choices.periods:
        wrong.append(f"公开时限为定期时必须选择周期：{'、'.join(choices.periods)}")
    if limit_type != "定期" and period:
        wrong.append("只有公开时限为定期时才能选择周期")
    return wrong


def _meta(title, index_no, category, subcategory, unit, limit_type, period, method, audience, day) -> dict:
    limit = {"类型": limit_type}
    if period:
        limit["周期"] = period
    if limit_type == "即时":
        limit["说明"] = STATUTORY_LIMIT
    meta = {"事项名称": title.strip(), "索引号": index_no, "一级事项": category, "二级事项": subcategory,
            "公开内容": [PLACEHOLDER_CONTENT], "公开依据": [DEFAULT_BASIS], "公开时限": limit, "公开主体": unit,
            "公开渠道": ["政府网站"], "公开对象": audience}
    if audience == "特定群体":
        meta["对象说明"] = PLACEHOLDER_GROUP
    meta.update({"公开方式": method, "发布日期": day.isoformat()})
    return meta


def new_item(root, *, title: str, category: str, subcategory: str, unit: str, limit_type: str,
             period: str | None = None, method: str = "主动", audience: str = "全社会", date=None) -> Path:
    """Write content/items/<一级事项>/<事项名称>.md and return its path; never overwrites."""
    choices = _choices(root)
    paths, units = choices.project.paths, choices.units
    day = date if isinstance(date, dt.date) else (dt.date.fromisoformat(date) if date else dt.date.today())
    wrong = _check(title, category, subcategory, unit, limit_type, period, method, audience, choices)
    if wrong:
        raise ScaffoldError("无法新建事项：\n" + "\n".join(f"  {w}" for w in wrong))
    target = paths.items_dir / safe_file_name(category) / f"{safe_file_name(title)}.md"
    if target.exists():
        raise ScaffoldError(f"文件已存在：{target.relative_to(paths.root).as_posix()}。为免覆盖已有内容，没有写入："
                            "请换一个事项名称，或直接编辑这个文件")
    code = next(u.code for u in units if u.name == unit)
    index_no = IndexAllocator(paths.items_dir).next(code, day.year)
    meta = _meta(title, index_no, category, subcategory, unit, limit_type, period, method, audience, day)
    comments = {k: v.format(channels=choices.channels) for k, v in COMMENTS.items()
                if k in meta and (k != "公开时限" or limit_type == "即时")}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(item_text(meta, comments=comments), encoding="utf-8")
    return target


# ---------------------------------------------------------------- asking in Chinese

MAX_TRIES = 5


def _choose(ask, say, label: str, options: list[str], default: str | None = None) -> str:
    """Numbered choices; the editor types a number or the name (Enter takes the default)."""
    say(f"{label}：")
    for number, option in enumerate(options, start=1):
        say(f"  {number}. {option}")
    prompt = f"请输入编号或名称{f'（直接回车选“{default}”）' if default else ''}："
    for _ in range(MAX_TRIES):
        answer = ask(prompt).strip()
        if not answer and default:
            return default
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1]
        if answer in options:
            return answer
        say(f"没有“{answer}”这个选项，请输入 1–{len(options)} 之间的编号")
    raise ScaffoldError(f"{label}连续 {MAX_TRIES} 次输入无效，已取消")


def _ask_title(ask, say) -> str:
    for _ in range(MAX_TRIES):
        title = ask("事项名称（2–120 个字）：").strip()
        if 2 <= len(title) <= 120:
            return title
        say("事项名称应为 2–120 个字，请重新输入")
    raise ScaffoldError(f"事项名称连续 {MAX_TRIES} 次输入无效，已取消")


def ask_new_item(root, *, ask=input, say=print, date=None, **given) -> Path:
    """Ask for whatever `given` (title, category, subcategory, unit, limit_type, period, method,
    audience) lacks, offering the registries' entries as numbered choices; then new_item()."""
    choices = _choices(root)
    paths, categories, units = choices.project.paths, choices.categories, choices.units
    answers = dict(given)
    answers["title"] = answers.get("title") or _ask_title(ask, say)
    answers["category"] = answers.get("category") or _choose(ask, say, "一级事项", [c.name for c in categories])
    chosen = next((c for c in categories if c.name == answers["category"]), None)
    if chosen and not answers.get("subcategory"):
        answers["subcategory"] = _choose(ask, say, "二级事项", [s.name for s in chosen.subcategories])
    answers["unit"] = answers.get("unit") or _choose(ask, say, "公开主体", [u.name for u in units])
    answers["limit_type"] = answers.get("limit_type") or _choose(ask, say, "公开时限类型", choices.limits)
    if answers["limit_type"] == "定期" and not answers.get("period"):
        answers["period"] = _choose(ask, say, "更新周期", choices.periods)
    answers["method"] = answers.get("method") or _choose(ask, say, "公开方式", choices.methods, default=choices.methods[0])
    answers["audience"] = answers.get("audience") or _choose(ask, say, "公开对象", choices.audiences, default=choices.audiences[0])
    answers.setdefault("subcategory", "")
    path = new_item(root, date=date, **answers)
    say(f"已新建：{path.relative_to(paths.root).as_posix()}")
    say(f"请打开文件，按“# {MARK}”“# 请核对”的提示补全内容，然后运行 invoke validate 检查"
        f"（还有“{MARK}”的文件不能通过校验，也不会发布）。")
    return path


def new_command(root, **given) -> int:
    """`invoke new`: ask for what is missing, write the file, say where it is (once)."""
    ask_new_item(root, **given)
    return 0


# ---------------------------------------------------------------- 公开信息 (a document under an item)

DOCUMENT_TYPES_DEFAULT = "其他"
DOCUMENT_COMMENTS = {
    "成文日期": "请核对：文件签发（信息形成）的日期；即时公开的事项据此核对是否按时公开",
    "解读对象": "请核对：被解读文件的索引号",
}


def find_item(catalogue, answer: str):
    """The item an editor named: its number in the list, its 索引号 or its 事项名称 (exactly)."""
    items = catalogue.items
    answer = answer.strip()
    if answer.isdigit() and 1 <= int(answer) <= len(items):
        return items[int(answer) - 1]
    return next((i for i in items if answer in (i.index_no, i.title)), None)


def deleted_index_numbers(root: Path, folder: str) -> list[str]:
    """索引号 that ever appeared in a committed file under `folder` (git history): a number once
    published and deleted since is never given again. Empty outside a repository."""
    from gongkai import git
    from gongkai.errors import GitError

    try:
        if not git.is_repository(root):
            return []
        log = git.run_git(root, "log", "--all", "-p", "--format=", "-G", "^索引号", "--", folder)
    except GitError:  # no commits yet, or git missing: the files on disk still count
        return []
    return [m for line in log.splitlines() if line[:1] in "+-" for m in _index_in(line[1:])]


def _index_in(line: str) -> list[str]:
    from .yamlwrite import _INDEX_LINE

    return _INDEX_LINE.findall(line)


def new_document(root, *, item: str, title: str, kind: str = DOCUMENT_TYPES_DEFAULT, number: str | None = None,
                 formed: str | None = None, publisher: str | None = None, interprets: str | None = None, date=None) -> Path:
    """Write a 公开信息 file in the chosen item's folder (content/items/…/<事项文件名>/<标题>.md) with
    the next free 索引号 of its publisher (the item's 公开主体 unless given) for the year; never
    overwrites, never reuses a 索引号 of an item or document, existing or deleted."""
    project = _choices(root).project
    catalogue, paths = project.catalogue, project.paths
    day = date if isinstance(date, dt.date) else (dt.date.fromisoformat(date) if date else dt.date.today())
    chosen = find_item(catalogue, item or "")
    kinds = list(project.document_schema["properties"]["文件类型"]["enum"])
    wrong = []
    if chosen is None:
        wrong.append(f"找不到事项“{item}”：请写事项名称、索引号或 invoke new --document 列出的编号")
    if not 2 <= len(title.strip()) <= 200:
        wrong.append(f"标题应为 2–200 个字，现在是 {len(title.strip())} 个字")
    if kind not in kinds:
        wrong.append(f"文件类型“{kind}”无效，可选：{'、'.join(kinds)}")
    unit = catalogue.unit(publisher or (chosen.unit if chosen else ""))
    if unit is None:
        wrong.append(f"发布机构“{publisher}”没有登记，可选：{'、'.join(u.name for u in catalogue.units)}")
    elif not unit.code:
        wrong.append(f"发布机构“{unit.name}”在 schema/units.yaml 中没有机构代码，无法生成索引号：请先补登“机构代码”")
    if (kind == "政策解读") != bool(interprets):
        wrong.append("政策解读必须写被解读文件的索引号（--interprets），其他文件类型不写")
    elif interprets and catalogue.document(interprets) is None:
        wrong.append(f"被解读文件的索引号“{interprets}”不是本目录中的任何一篇公开信息")
    if wrong:
        raise ScaffoldError("无法新建公开信息：\n" + "\n".join(f"  {w}" for w in wrong))
    folder = paths.root / chosen.folder
    target = folder / f"{safe_file_name(title)}.md"
    if target.exists():
        raise ScaffoldError(f"文件已存在：{target.relative_to(paths.root).as_posix()}。为免覆盖已有内容，没有写入："
                            "请换一个标题，或直接编辑这个文件")
    allocator = IndexAllocator(paths.items_dir)
    for value in deleted_index_numbers(paths.root, paths.items_dir.relative_to(paths.root).as_posix()):
        allocator.reserve(value)
    meta = {"标题": title.strip(), "索引号": allocator.next(unit.code, day.year)}
    if kind != DOCUMENT_TYPES_DEFAULT:
        meta["文件类型"] = kind
    if interprets:
        meta["解读对象"] = interprets
    if publisher and publisher != chosen.unit:
        meta["发布机构"] = publisher
    if number:
        meta["文号"] = number.strip()
    meta["成文日期"] = formed or day.isoformat()
    meta["发布日期"] = day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(item_text(meta, PLACEHOLDERS["正文"], comments=DOCUMENT_COMMENTS), encoding="utf-8")
    return target


def ask_new_document(root, *, ask=input, say=print, date=None, **given) -> Path:
    """Ask which item (the items listed, by number, 索引号 or name), then the title and type."""
    project = _choices(root).project
    catalogue = project.catalogue
    answers = dict(given)
    if not answers.get("item"):
        say("公开信息属于哪个事项？（公开时限、渠道、对象和方式都按这个事项执行）")
        for number, item in enumerate(catalogue.items, start=1):
            say(f"  {number}. {item.title}（{item.index_no}，{item.category} › {item.subcategory}）")
        for _ in range(MAX_TRIES):
            answer = ask("请输入编号、索引号或事项名称：").strip()
            if find_item(catalogue, answer):
                answers["item"] = answer
                break
            say(f"没有找到“{answer}”，请输入 1–{len(catalogue.items)} 之间的编号、索引号或完整的事项名称")
        else:
            raise ScaffoldError(f"事项连续 {MAX_TRIES} 次输入无效，已取消")
    if not answers.get("title"):
        for _ in range(MAX_TRIES):
            answers["title"] = ask("标题（2–200 个字）：").strip()
            if 2 <= len(answers["title"]) <= 200:
                break
            say("标题应为 2–200 个字，请重新输入")
        else:
            raise ScaffoldError(f"标题连续 {MAX_TRIES} 次输入无效，已取消")
    kinds = list(project.document_schema["properties"]["文件类型"]["enum"])
    answers["kind"] = answers.get("kind") or _choose(ask, say, "文件类型", kinds, default=DOCUMENT_TYPES_DEFAULT)
    if answers["kind"] == "政策解读" and not answers.get("interprets"):
        answers["interprets"] = ask("被解读文件的索引号：").strip()
    if answers.get("number") is None and answers["kind"] != DOCUMENT_TYPES_DEFAULT:
        answers["number"] = ask("文号（没有的直接回车）：").strip() or None
    path = new_document(root, date=date, **answers)
    say(f"已新建：{path.relative_to(project.paths.root).as_posix()}")
    say("请打开文件，写好正文，核对成文日期，然后运行 invoke validate 检查。")
    return path


def new_document_command(root, **given) -> int:
    """`invoke new --document`: ask for what is missing, write the document file, say where it is."""
    ask_new_document(root, **{k: v for k, v in given.items() if v is not None})
    return 0
