"""The two download formats, encoded as they are made: a 10,000-item catalogue.json as one text,
then its UTF-8 bytes, was the build's memory peak (about 90 MB above the items at 10,000 items)."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable


def csv_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    """UTF-8 with BOM and CRLF rows: Excel on Windows opens it with the Chinese intact."""
    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    text.write("\ufeff")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    text.flush()
    text.detach()
    return buffer.getvalue()


def json_bytes(head: dict, key: str, records: Iterable[dict]) -> bytearray:
    """`head` with `key`: the records, one per line (readable, diff-friendly, and written by json's
    fast C encoder, which indent= is not). Returned as the bytearray it was built in: bytes() of
    it would be a second copy of a 14 MB catalogue.json at the build's memory peak."""
    out = bytearray(json.dumps(head, ensure_ascii=False)[:-1].encode())
    out += f', "{key}": [\n'.encode()
    for n, record in enumerate(records):
        out += b",\n" if n else b""
        out += json.dumps(record, ensure_ascii=False).encode()
    out += b"\n]}\n"
    return out
