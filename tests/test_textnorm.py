"""catalogue.textnorm: the one normalisation search and the 保密审查 scan share, and its offsets."""
from __future__ import annotations

import json
import re

import pytest
from conftest import REPO

from gongkai.search.analysis import normalise
from gongkai.textnorm import INVISIBLE_RANGES, fold, visible


def test_visible_is_nfkc_without_invisible_characters():
    assert visible("１３８\u3000１２３４\u200b５６７８") == "138 12345678"
    assert visible("低\u00ad保\u2060金\ufeff") == "低保金"
    assert visible("秘密＊（1年）") == "秘密*(1年)"


def test_search_starts_from_the_same_normalisation():
    text = "最低\u200b生活\u00ad保障\u3000ＡＢＣ"
    assert normalise(text) == visible(text).lower() == "最低生活保障 abc"


def test_the_javascript_mirror_lists_the_same_invisible_ranges():
    source = (REPO / "theme/static/js/search-core.js").read_text(encoding="utf-8")
    literal = re.search(r"var INVISIBLE_RANGES = (\[.*?\]\]);", source, re.S).group(1)
    ranges = json.loads(re.sub(r"0x[0-9A-Fa-f]+", lambda m: str(int(m.group(), 16)), literal))
    assert [tuple(r) for r in ranges] == list(INVISIBLE_RANGES)


@pytest.mark.parametrize("text, folded", [
    ("电话１３８", "电话138"),                        # full-width, one to one
    ("&#49;3&#x38;", "138"),                         # numeric references
    ("a&nbsp;b&amp;c&unknown;", "a b&c&unknown;"),   # named ones; an unknown one stays as written
    ("1\u200b3\u00ad8\u2060", "138"),               # invisible characters removed
    ("⑴……１", "(1)......1"),                         # NFKC expansions
    ("١٣٨", "138"),                                  # digits of another script
    ("", ""),
])
def test_fold(text, folded):
    assert fold(text).text == folded


def test_fold_maps_every_span_back_to_the_text_as_written():
    text = "号&#49;\u200b２…&#x33;尾"
    f = fold(text)
    assert f.text == "号12...3尾"
    spans = [text[slice(*f.span(i, i + 1))] for i in range(len(f.text))]
    assert spans == ["号", "&#49;", "２", "…", "…", "…", "&#x33;", "尾"]
    assert text[slice(*f.span(1, 7))] == "&#49;\u200b２…&#x33;"
    # A span that starts right after a removed character does not take it in.
    assert text[slice(*f.span(2, 3))] == "２"


def test_fold_of_plain_text_is_the_text_itself():
    text = "最低生活保障金 2024 年"
    f = fold(text)
    assert (f.text, f.anchors, f.span(3, 5)) == (text, (), (3, 5))
