"""The public site as data: what pages exist (pages.py: SiteData, listings, page specs), the
non-HTML files (data.py: CSV/JSON downloads, sitemap, robots.txt, attachments through the publish
boundary) and the Atom feeds (feeds.py). Plain functions of a loaded project; gongkai_pelican
renders the pages with the theme's templates and writes everything.

Only catalogue.site_items enter SiteData, so 内部 items cannot reach any page of the public site.
"""
