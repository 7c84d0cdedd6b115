"""The web editor (Decap CMS) under /admin/: its configuration generated from schema/ and the
registries (config.py), and the files of output/admin/ (admin.py: page, config.yml, bundled
scripts). Plain functions; the Pelican adapter writes the files when GONGKAI_EDITOR asks for them.
"""
