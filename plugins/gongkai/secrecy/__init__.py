"""保密审查: finds resident ID, mobile and bank card numbers and secrecy markings in public items.

project.load_project() runs it on every item (scan.item_problems is one of catalogue.ITEM_RULES,
cached with each file's parse) and on the 公开指南 pages (pages.page_problems, which uses
findings_in_text(), as any other published text may) and on the text of every published
attachment (attachments.attachment_problems: extract.py reads each format, isolate.py bounds the
work, results cached by content hash); `invoke scan` prints the findings, and the
review report lists them with each item's acknowledgements (scan_item(), acknowledgements()).
detect.py holds the text rules (after gongkai.textnorm.fold, the normalisation search starts from
too), scan.py the item walk and the acknowledgements.
"""
from .attachments import attachment_problems
from .detect import BANK_CARD, ID_BAD_CHECK, ID_CARD, KINDS, MARKING, MOBILE, find_sensitive
from .pages import page_problems
from .scan import (
                   UNCHECKED,
                   Acknowledgement,
                   Finding,
                   acknowledgements,
                   findings_in_text,
                   format_report,
                   item_problems,
                   scan_catalogue,
                   scan_item,
)

__all__ = ["BANK_CARD", "ID_BAD_CHECK", "ID_CARD", "KINDS", "MARKING", "MOBILE", "Acknowledgement", "Finding",
           "UNCHECKED", "acknowledgements", "attachment_problems", "find_sensitive", "findings_in_text", "format_report", "item_problems",
           "page_problems", "scan_catalogue", "scan_item"]
