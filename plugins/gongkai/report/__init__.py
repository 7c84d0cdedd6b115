"""The 政府信息公开工作年度报告 in the national format (国办公开办函〔2021〕30号).

A report is one file per year under content/reports/ (numbers in the front matter, text sections
一、五、六 in the body), described by schema/report.schema.json. project.load_project() reads and
checks every report as its reports step (problems stop validate and the build; the comparisons
with the catalogue are printed as 提醒). Modules:
  layout    the format as data, read from the schema
  source    reading a report file
  checks    every rule (errors) and the comparisons with the catalogue (warnings)
  derived   derived_counts(): what the catalogue says about a year
  tables    the tables as the form draws them, CSV and JSON
  site      what the site publishes of them (gongkai_pelican.report writes it)
  draft     `invoke report-draft`
  audit     `invoke audit`: the previous year's report after 31 January
"""
