"""Editor plugin: the web editor (Decap CMS) under /admin/, when GONGKAI_EDITOR asks for it.

config.py generates the editor's configuration from schema/ and the registries; admin.py turns
it and the bundled scripts into the files of output/admin/. register() only wires them in.
"""
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from gongkai import settings as declared
from gongkai_pelican.build import fail

from . import admin


class EditorGenerator(Generator):
    def generate_context(self):
        # Settings mistakes stop the build before anything is written, with the catalogue's own.
        declared.resolve(self.settings)
        problems = admin.check(self.settings)
        if problems:
            fail(problems)

    def generate_output(self, writer):
        if admin.wanted(self.settings):
            root = declared.project_root(self.settings)
            admin.write_admin(Path(self.output_path), admin.admin_files(self.settings, root))


def _generators(_pelican):
    return EditorGenerator


def register():
    # get_generators: output is written into the catalogue plugin's staging folder, so the admin
    # files appear (or vanish) together with the site they belong to.
    signals.get_generators.connect(_generators)
