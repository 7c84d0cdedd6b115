"""Atom feeds of new and updated items, site-wide and per 一级事项 (feedgenerator, as Pelican uses)."""
from __future__ import annotations

import datetime as dt

from feedgenerator import Atom1Feed

from ..ordering import newest_first
from .data import absolute
from .pages import SiteData, updated_items

FEED_LENGTH = 50
CHINA = dt.timezone(dt.timedelta(hours=8))


class StableAtomFeed(Atom1Feed):
    """An empty feed is dated by the build date, not the wall clock, so rebuilds are identical."""

    build_date: dt.date

    def latest_post_date(self):
        return super().latest_post_date() if self.items else _at_midnight(self.build_date)


def _at_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), CHINA)


def feed_specs(site: SiteData):
    """(path, title, items, date-of-entry) for every feed."""
    new = newest_first(site.items, "published")
    updated = newest_first(updated_items(site.items), "updated")
    yield "feeds/new.atom.xml", "新发布的公开事项", new, "published"
    yield "feeds/updated.atom.xml", "更新的公开事项", updated, "updated"
    for category in site.categories:
        # Its items and the 公开信息 published under them (a category without documents: as before).
        documents = [d for d in site.documents if d.category == category.name]
        items = newest_first(site.by_category.get(category.name, []) + documents, "last_changed")
        yield f"feeds/{category.slug}.atom.xml", f"{category.name}：新发布和更新的事项", items, "last_changed"


def render_feed(site: SiteData, site_url: str, path: str, title: str, items, date_attr: str) -> bytes:
    feed = StableAtomFeed(title=f"{title} - {site.catalogue_title}", link=absolute(site_url, "") or "/",
                          feed_url=absolute(site_url, path), description=title, language="zh-CN")
    feed.build_date = site.build_date
    for item in items[:FEED_LENGTH]:
        url = absolute(site_url, item.url)
        feed.add_item(title=item.title, link=url, unique_id=url, description=_summary(item),
                      pubdate=_at_midnight(item.published), updateddate=_at_midnight(getattr(item, date_attr)),
                      categories=[item.category, item.subcategory])
    return feed.writeString("utf-8").encode("utf-8")


def _summary(item) -> str:
    if getattr(item, "item", None) is not None:  # a 公开信息: its publisher and the item it belongs to
        return f"{item.unit}｜{item.category} › {item.subcategory}｜所属事项：{item.item.title}"
    return f"{item.unit}｜{item.category} › {item.subcategory}｜公开内容：{'；'.join(item.meta['公开内容'])}"
