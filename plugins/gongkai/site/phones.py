"""Telephone numbers as tap-to-call links (tel:) in the footer and the 公开指南 pages.

Only office numbers are linked: a landline with its area code (0879-1234567, 0871 65123456,
010-12345678) and the 12345 government hotline. Mobile numbers never appear on the site (the
保密审查 refuses them), and item bodies are not passed through this filter: a number there may
belong to a person. Works on plain text (escaped first) and on sanitised HTML, where it touches
only text outside tags and outside existing links.
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape

# Area code 0 + 2–3 digits, an optional separator, 7–8 digits, never inside a longer number or
# code (索引号, 文号, dates); the 12345 hotline only where the text says 热线 next to it, so the
# 12345 of a 文号 such as 示民〔2024〕12345号 stays text.
NOT_AFTER = r"(?<![0-9A-Za-z\-－/])"
PHONE = re.compile(NOT_AFTER + r"(0\d{2,3})([-－ ]?)(\d{7,8})(?![\d\-－])"
                   r"|(12345)(?=(?:政务服务)?(?:便民)?热线)|(?<=热线)([：:]?)(12345)(?!\d)")
TAG = re.compile(r"(<[^>]*>)")


def _link(match: re.Match) -> str:
    if match.group(4) or match.group(6):
        return f'{match.group(5) or ""}<a href="tel:12345">12345</a>'
    area, number = match.group(1), match.group(3)
    return f'<a href="tel:{area}-{number}">{match.group(0)}</a>'


def tel_links(value) -> Markup:
    """`value` with every office telephone number linked; plain text is escaped first."""
    html = str(value) if isinstance(value, Markup) else str(escape(value))
    out, in_link = [], 0
    for part in TAG.split(html):
        if TAG.fullmatch(part):
            name = part[1:].lstrip("/").split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
            if name == "a":
                in_link += -1 if part.startswith("</") else 1
            out.append(part)
        else:
            out.append(part if in_link else PHONE.sub(_link, part))
    return Markup("".join(out))
