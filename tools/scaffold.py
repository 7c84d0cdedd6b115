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
