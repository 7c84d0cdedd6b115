"""Text analysis shared by the index, the command line and (mirrored line by line) search-core.js.

normalise: NFKC (full-width -> half-width), lower case, traditional -> simplified by a one-character
map generated from OpenCC's data. tokens: CJK runs become character unigrams + bigrams, other
letter/digit runs become one token each, everything else (punctuation, spaces) separates tokens.
Word segmentation never decides recall. tests/search_cases.json is run against both languages.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

# Han code point ranges, the same list as HAN_RANGES in theme/static/js/search-core.js.
HAN_RANGES = ((0x3007, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
              (0x20000, 0x2A6DF), (0x2A700, 0x2EBEF), (0x2F800, 0x2FA1F), (0x30000, 0x323AF))
HAN, WORD = "han", "word"


@lru_cache(maxsize=None)
def opencc_dir() -> Path:
    """The dictionary folder shipped inside the opencc-python-reimplemented package."""
    import opencc

    return Path(opencc.__file__).resolve().parent / "dictionary"


def _read_dictionary(path: Path) -> dict[str, list[str]]:
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key and values:
            entries[key] = values.split(" ")
    return entries


@lru_cache(maxsize=None)
def fold_map() -> dict[str, str]:
    """Traditional -> simplified, one character to one character, generated from OpenCC.

    TSCharacters gives each traditional character its simplified forms (the first is the usual
    one); STCharacters adds the few traditional forms TSCharacters lacks. Chains are followed so
    that folding twice changes nothing.
    """
    ts = _read_dictionary(opencc_dir() / "TSCharacters.txt")
    st = _read_dictionary(opencc_dir() / "STCharacters.txt")
    mapping = {t: s[0] for t, s in ts.items() if len(t) == 1 and len(s[0]) == 1 and t != s[0]}
    for simple, traditionals in st.items():
        for t in traditionals:
            if len(t) == 1 and len(simple) == 1 and t != simple and t not in ts:
                mapping[t] = simple
    return {t: _follow(mapping, t) for t in mapping if _follow(mapping, t) != t}


def _follow(mapping: dict[str, str], char: str) -> str:
    seen = {char}
    while char in mapping and mapping[char] not in seen:
        char = mapping[char]
        seen.add(char)
    return char


def normalise(text: str, fold: dict[str, str] | None = None) -> str:
    """NFKC, lower case, traditional -> simplified. Same steps as normalise() in search-core.js."""
    fold = fold_map() if fold is None else fold
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(fold.get(ch, ch) for ch in text)


def is_han(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in HAN_RANGES)


def char_kind(ch: str) -> str | None:
    """HAN, WORD (any other letter or digit) or None (a separator: punctuation, space, symbol)."""
    if is_han(ch):
        return HAN
    return WORD if unicodedata.category(ch)[0] in "LN" else None


def runs(normalised: str) -> list[tuple[str, str]]:
    """Maximal runs of Han characters and of other letters/digits, in order: [(kind, text)]."""
    found, start, kind = [], 0, None
    for i, ch in enumerate(normalised):
        this = char_kind(ch)
        if this != kind:
            if kind:
                found.append((kind, normalised[start:i]))
            start, kind = i, this
    if kind:
        found.append((kind, normalised[start:]))
    return found


def run_tokens(kind: str, text: str, unigrams: bool = True) -> list[str]:
    """A Han run gives its unigrams (optional) and bigrams; a lone Han character always stays."""
    if kind == WORD:
        return [text]
    bigrams = [text[i:i + 2] for i in range(len(text) - 1)]
    return list(text) + bigrams if unigrams or len(text) == 1 else bigrams


def tokens(text: str, fold: dict[str, str] | None = None, unigrams: bool = True) -> list[str]:
    """Every token of `text` in order (repeats kept: the index counts them)."""
    return [t for kind, run in runs(normalise(text, fold)) for t in run_tokens(kind, run, unigrams)]


def compact(text: str, fold: dict[str, str] | None = None) -> str:
    """Letters, digits and Han characters only: 示民〔2024〕37号, 示民[2024]37号 and 示民（2024）37号 agree."""
    return "".join(run for _kind, run in runs(normalise(text, fold)))
