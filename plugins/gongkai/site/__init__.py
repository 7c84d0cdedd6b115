"""Public site plugin: writes every page of the public catalogue from the checked catalogue.

Pages are declared in pages.py as data; this module only wires the generator into Pelican.
"""
from pelican import signals

from .generator import SiteGenerator


def _generators(_pelican):
    return SiteGenerator


def register():
    # get_generators: generate_output runs after every generate_context, so the catalogue
    # put into the context by the catalogue plugin is there when pages are written.
    signals.get_generators.connect(_generators)
