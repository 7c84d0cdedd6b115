"""Where a build's errors become an exit status: stopping() wraps every function Pelican calls.

Pelican logs an exception and carries on, or prints a traceback; an editor must instead read
`path:line: 字段: message` lines and find the previous output/ untouched. So every GongkaiError is
printed once, in Chinese, and the build ends with status 1 (SystemExit: Pelican adds nothing).
"""
from __future__ import annotations

import functools
import logging
import sys

from gongkai import buildreport
from gongkai.errors import CatalogueInvalid, GongkaiError, Problem
from gongkai.search.incremental import cancel_running

FAILED = "构建失败：目录有错误，未生成网站；上一次生成的 output/ 保持不变。"


def stopping(func):
    """`func`, with any GongkaiError it raises printed and turned into exit status 1."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except GongkaiError as exc:
            cancel_running()  # no search index is wanted any more: the process would delay the exit
            print(exc, file=sys.stderr, flush=True)
            buildreport.write(buildreport.failure(exc))  # for the preview's problem page
            if isinstance(exc, CatalogueInvalid):
                print(FAILED, file=sys.stderr, flush=True)
            raise SystemExit(1) from None

    return wrapper


class ErrorCollector(logging.Handler):
    """Remembers every ERROR Pelican logs (e.g. a page it could not read) so the build can fail."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record):
        # Pelican logs read failures inside its `except` without the reason; take it from there.
        reason = sys.exc_info()[1]
        message = " ".join(record.getMessage().split())
        self.records.append(f"{message}（{reason}）" if reason and str(reason) not in message else message)

    def fail_if_any(self, *_args):
        if self.records:
            messages, self.records = self.records, []
            raise CatalogueInvalid([Problem("Pelican", None, "", f"生成页面时出错：{m}") for m in messages])
