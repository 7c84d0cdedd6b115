"""Text analysis shared by the index, the command line and (mirrored line by line) search-core.js.

normalise: gongkai.textnorm.visible (NFKC: full-width -> half-width; invisible characters removed,
the same normalisation the 保密审查 scan starts from), lower case, traditional -> simplified by a
one-character map generated from OpenCC's data. tokens: CJK runs become character unigrams + bigrams, other
letter/digit runs become one token each, everything else (punctuation, spaces) separates tokens.
Word segmentation never decides recall. tests/search_cases.json is run against both languages.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from gongkai.textnorm import visible

# Han code point ranges, the same list as HAN_RANGES in theme/static/js/search-core.js.
HAN_RANGES = ((0x3007, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
              (0x20000, 0x2A6DF), (0x2A700, 0x2EE5F), (0x2F800, 0x2FA1F), (0x30000, 0x323AF))
HAN, WORD = "han", "word"


@cache
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


@cache
def fold_map() -> dict[str, str]:
    """Traditional -> simplified, one character to one character, generated from OpenCC.

    TSCharacters gives each traditional character its simplified forms (the first is the usual
    one); STCharacters adds the few traditional forms TSCharacters lacks. Chains are followed so
    that folding twice changes nothing. Pairs outside the Basic Multilingual Plane are left out:
    nobody types them and simplified text does not contain them, and the map ships with the index.
    """
    ts = _read_dictionary(opencc_dir() / "TSCharacters.txt")
    st = _read_dictionary(opencc_dir() / "STCharacters.txt")
    mapping = {t: s[0] for t, s in ts.items() if len(t) == 1 and len(s[0]) == 1 and t != s[0]}
    for simple, traditionals in st.items():
        for t in traditionals:
            if len(t) == 1 and len(simple) == 1 and t != simple and t not in ts:
                mapping[t] = simple
    folded = {t: _follow(mapping, t) for t in mapping}
    return {t: s for t, s in folded.items() if t != s and ord(t) <= 0xFFFF and ord(s) <= 0xFFFF}


def _follow(mapping: dict[str, str], char: str) -> str:
    seen = {char}
    while char in mapping and mapping[char] not in seen:
        char = mapping[char]
        seen.add(char)
    return char


_TRANSLATIONS: dict[int, tuple] = {}


def _translation(fold: dict[str, str]) -> dict:
    """str.translate table of a fold map (kept with the map, so its id cannot be reused)."""
    entry = _TRANSLATIONS.get(id(fold))
    if entry is None or entry[0] is not fold:
        entry = _TRANSLATIONS[id(fold)] = (fold, str.maketrans(fold) if fold else {})
    return entry[1]


def normalise(text: str, fold: dict[str, str] | None = None) -> str:
    """NFKC without invisible characters, lower case, traditional -> simplified. Same steps as
    normalise() in search-core.js."""
    fold = fold_map() if fold is None else fold
    return visible(text).lower().translate(_translation(fold))


def is_han(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in HAN_RANGES)


_KINDS: dict[str, str | None] = {}


def char_kind(ch: str) -> str | None:
    """HAN, WORD (any other letter or digit) or None (a separator: punctuation, space, symbol)."""
    kind = _KINDS.get(ch, False)
    if kind is False:  # remembered per character: indexing asks millions of times
        kind = _KINDS[ch] = HAN if is_han(ch) else WORD if unicodedata.category(ch)[0] in "LN" else None
    return kind


_HAN_CLASS = "".join(f"\\U{low:08X}-\\U{high:08X}" for low, high in HAN_RANGES)
# A Han run, or a run of other letters/digits ([^\W_] is str.isalnum, which outside the Han ranges
# is exactly Unicode categories L and N: test_search checks every character).
_RUN = re.compile(f"([{_HAN_CLASS}]+)|([^\\W_{_HAN_CLASS}]+)")


def runs(normalised: str) -> list[tuple[str, str]]:
    """Maximal runs of Han characters and of other letters/digits, in order: [(kind, text)]."""
    return [(HAN if m.group(1) else WORD, m.group(0)) for m in _RUN.finditer(normalised)]


def run_tokens(kind: str, text: str, unigrams: bool = True) -> list[str]:
    """A Han run gives its unigrams (optional) and bigrams; a lone Han character always stays."""
    if kind == WORD:
        return [text]
    bigrams = [text[i:i + 2] for i in range(len(text) - 1)]
    return list(text) + bigrams if unigrams or len(text) == 1 else bigrams


def tokens(text: str, fold: dict[str, str] | None = None, unigrams: bool = True) -> list[str]:
    """Every token of `text` in order (repeats kept: the index counts them): run_tokens of each of
    runs(), written out in one loop over the regular expression's groups, since the index asks
    for the tokens of every field of every document (a tenth of the search's time)."""
    found = []
    for han, word in _RUN.findall(normalise(text, fold)):
        if word:
            found.append(word)
            continue
        if unigrams or len(han) == 1:
            found.extend(han)
        found.extend([han[i:i + 2] for i in range(len(han) - 1)])
    return found


def compact(text: str, fold: dict[str, str] | None = None) -> str:
    """Letters, digits and Han characters only: 示民〔2024〕37号, 示民[2024]37号 and 示民（2024）37号 agree."""
    return "".join(run for _kind, run in runs(normalise(text, fold)))
