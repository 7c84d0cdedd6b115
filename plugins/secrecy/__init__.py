"""保密审查: finds resident ID, mobile and bank card numbers and secrecy markings in public items.

Not a Pelican plugin: the build and `invoke validate` run it through the GONGKAI_ITEM_CHECKS setting
("secrecy:item_problems", per item), `invoke scan` through cli.scan_project, and the review report through
scan_item() and acknowledgements(); the 公开指南 pages through pages.page_problems ("secrecy:page_problems"
in GONGKAI_CHECKS), which uses findings_in_text(), as any other published text may; the text of
published attachments through attachments.attachment_problems ("secrecy:attachment_problems",
extract.py reading each format, isolate.py bounding the work, results cached by content hash).
detect.py holds the text rules (after catalogue.textnorm.fold, the normalisation search starts from too),
scan.py the item walk and the acknowledgements.
"""
from .detect import BANK_CARD, ID_BAD_CHECK, ID_CARD, KINDS, MARKING, MOBILE, find_sensitive
from .attachments import attachment_problems
from .pages import page_problems
from .scan import (UNCHECKED, Acknowledgement, Finding, acknowledgements, findings_in_text, format_report,
                   item_problems, scan_catalogue, scan_item)

__all__ = ["BANK_CARD", "ID_BAD_CHECK", "ID_CARD", "KINDS", "MARKING", "MOBILE", "Acknowledgement", "Finding",
           "UNCHECKED", "acknowledgements", "attachment_problems", "find_sensitive", "findings_in_text", "format_report", "item_problems",
           "page_problems", "scan_catalogue", "scan_item"]
