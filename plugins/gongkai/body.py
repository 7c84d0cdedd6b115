"""Rules for what a body (an item's 正文, a 公开指南 page) may contain, beyond what rendering makes safe.

One rule each, checked for items and pages alike, located on the line where the editor wrote it:

- No HTML comments, and no <script>, <style>, <template>, <noscript> or <textarea> element. Neither
  is on the page (the renderer drops what the sanitiser does not allow), but the body's Markdown
  is published as it is written (the 正文 of catalogue.json, the search index), so "hidden" notes
  would be public.
- No images from other hosts. The site makes no request to any other host; the renderer drops
  such images (render.is_remote), and this check tells the editor which ones.
"""
from __future__ import annotations

import re

from .errors import Problem
from .render import Rendered

FIELD = "正文"
COMMENT = "<!--"
COMMENT_MESSAGE = ("正文中有 HTML 注释（<!-- … -->）：注释虽然不显示在网页上，但正文原文会随数据下载（catalogue.json）"
                   "和搜索索引公开。请删除注释；给审核人的说明请写在合并请求中")
REMOTE_IMAGE = ("正文引用了其他网站的图片“{url}”：本网站不从其他网站加载任何内容。"
                "请删除这张图片，或改为文字链接，例如 [图片说明](网址)")
# Elements whose text the page never shows (the sanitiser drops script and style with their
# content; the others are not allowed tags) but the raw 正文 would carry.
HIDDEN_ELEMENT = re.compile(r"<\s*(script|style|template|noscript|textarea)\b", re.IGNORECASE)
HIDDEN_MESSAGE = ("正文中有网页代码 <{tag}>：其中的文字不显示在网页上，但正文原文会随数据下载（catalogue.json）"
                  "和搜索索引公开。请删除它；正文只写要公开的文字、表格、链接和图片")
# Only a body with one of these can embed an image; others are not rendered by `invoke validate`.
IMAGE_HINT = re.compile(r"!\[|<img", re.IGNORECASE)


def may_embed(body: str) -> bool:
    return bool(IMAGE_HINT.search(body))


def body_problems(source: str, body: str, body_line: int, rendered: Rendered | None) -> list[Problem]:
    """Comments and remote images in one body; `rendered` is the body as the site renders it
    (None when may_embed() said there is nothing to render for)."""
    lines = body.split("\n")
    problems = [Problem(source, body_line + n, FIELD, COMMENT_MESSAGE) for n, text in enumerate(lines) if COMMENT in text]
    problems += [Problem(source, body_line + n, FIELD, HIDDEN_MESSAGE.format(tag=match.group(1).lower()))
                 for n, text in enumerate(lines) for match in HIDDEN_ELEMENT.finditer(text)]
    for url in rendered.remote_images if rendered else ():
        problems.append(Problem(source, body_line + locate(lines, url), FIELD, REMOTE_IMAGE.format(url=clip(url))))
    return problems


def locate(lines: list[str], text: str) -> int:
    """Index of the first line containing `text` (as rendered, so HTML entities may differ): 0 if none."""
    needle = text.strip()
    return next((n for n, line in enumerate(lines) if needle and needle in line), 0)


def clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
