"""Writes the public pages. Only catalogue.public_items ever reach a template: 内部 items stop here."""
from __future__ import annotations

from pelican.generators import Generator

from . import pages


class SiteGenerator(Generator):
    def generate_output(self, writer):
        catalogue = self.context["catalogue"]
        site = pages.SiteData.build(catalogue, self.settings)
        relative = self.settings["RELATIVE_URLS"]
        for spec in pages.page_specs(site):
            writer.write_file(spec.save_as, self.get_template(spec.template), self.context,
                              relative_urls=relative, site=site, **spec.context)
        for name, data in pages.data_files(site, self.settings):
            pages.write_bytes(self.output_path, name, data)
