"""Site settings for local builds (`invoke build`, `invoke serve`, `pelican content -s pelicanconf.py`).

Every GONGKAI_* setting is declared with its type, default and doc in plugins/gongkai/settings.py.
The commands (invoke validate, search, review …) read this file too, without Pelican.
"""
from jinja2 import StrictUndefined

SITENAME = "示例县政务公开事项标准目录"
SITEURL = ""
RELATIVE_URLS = True
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
DEFAULT_DATE = "fs"

# The installed package (pyproject.toml): the thin Pelican adapter over the gongkai core.
PLUGINS = ["gongkai_pelican"]

# Pelican reads nothing from content/: gongkai reads items and the 公开指南 pages
# (content/pages/*.md) and is the one place that decides what may enter output/ (see
# plugins/gongkai/boundary.py). No paths and no readers, so no reStructuredText include and no
# {attach}/{static} copy can publish a file from elsewhere on the machine.
ARTICLE_PATHS = []
PAGE_PATHS = []
STATIC_PATHS = []
READERS = {"md": None, "markdown": None, "mkd": None, "mdown": None, "rst": None, "html": None, "htm": None}
DIRECT_TEMPLATES = []
AUTHOR_SAVE_AS = CATEGORY_SAVE_AS = TAG_SAVE_AS = ""
ARCHIVES_SAVE_AS = AUTHORS_SAVE_AS = CATEGORIES_SAVE_AS = TAGS_SAVE_AS = ""
# Feeds are written by gongkai (items are not articles).
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None

# Autoescape on (Pelican's default is off); StrictUndefined so a misspelt variable fails the build.
# auto_reload off: every build (the preview's too) is a new process with a new environment, and
# on it Jinja would stat each template file at every include (20,000 stats at 2,000 items).
JINJA_ENVIRONMENT = {"undefined": StrictUndefined, "autoescape": True, "trim_blocks": True,
                     "lstrip_blocks": True, "extensions": [], "auto_reload": False}

# Pelican's reader cache is an unsigned pickle a commit could place: off (the build forces it off
# too). Items and pages are cached by gongkai instead, signed (GONGKAI_CACHE).
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
CACHE_PATH = ".cache/pelican"

# Printed as 提醒 by validate and the build, never failing: an office's own warnings, beside the
# project's (an annual report whose 二 differs from what the catalogue counts, …: gongkai.report).
GONGKAI_WARNINGS = []
GONGKAI_OFFICE_NAME = "示例县政务公开办"
GONGKAI_OFFICE_REVIEWERS = ["@shilixian-gongkaiban"]
GONGKAI_FEEDBACK_URL = "mailto:gongkai@shilixian.gov.invalid"
# An online form besides the mail address (both are offered; 索引号 and 事项名称 are appended).
GONGKAI_FEEDBACK_FORM_URL = "https://www.shilixian.gov.invalid/hudong/liuyan/"
GONGKAI_INTRO = ("本目录按照国务院办公厅基层政务公开标准化规范化要求编制，列出示例县各单位应当公开的政务信息事项："
                 "每个事项的公开内容、公开依据、公开时限、公开主体、公开渠道和载体、公开对象与公开方式。")
GONGKAI_FOOTER = {
    "主办单位": "示例县人民政府办公室",
    "联系方式": "0879-1234567（工作日 9:00—17:00）",
    "ICP备案号": "",
    "公安备案号": "",
    "网站标识码": "",
}
