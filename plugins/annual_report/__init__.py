"""Annual report plugin: the 政府信息公开工作年度报告 in the national format (国办公开办函〔2021〕30号).

A report is one file per year under content/reports/ (numbers in the front matter, text sections
一、五、六 in the body), described by schema/report.schema.json. The work lives in plain modules
that tests and invoke tasks call without Pelican:
  layout    the format as data, read from the schema
  source    reading a report file
  checks    every rule (errors) and the comparisons with the catalogue (warnings)
  derived   derived_counts(): what the catalogue says about a year
  tables    the tables as the form draws them, CSV and JSON
  draft     `invoke report-draft`
  audit     `invoke audit`: the previous year's report after 31 January
register() only wires the page writer into the build; the checks run through the catalogue's
GONGKAI_CHECKS and GONGKAI_WARNINGS settings (pelicanconf.py).
"""
from pelican import signals

from .generator import ReportGenerator


def _generators(_pelican):
    return ReportGenerator


def register():
    # get_generators: every generate_context (ours reads the reports and gives the home page its
    # links) runs before any generate_output writes a page.
    signals.get_generators.connect(_generators)
