"""The words of French and English, from pyspellchecker's frequency lists (in its wheel: no
download). The speller corrects a word the documents never use towards one they do; a word of
the language is not a misspelling, whatever it is near: "demain" is not "remain", "bills" is
not "fills", "reconnaissance" is not "méconnaissance"."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources

from .text import fold

LANGUAGES = ("fr", "en")


@lru_cache(maxsize=1)
def language_words() -> frozenset[str]:
    """Every word of the languages, folded (lower case, no accents)."""
    words: set[str] = set()
    folder = resources.files("spellchecker") / "resources"
    for lang in LANGUAGES:
        counts = json.loads(gzip.decompress((folder / f"{lang}.json.gz").read_bytes()))
        words.update(fold(w) for w in counts)
    return frozenset(words)


def words_within_reach(reaches) -> list[str]:
    """The words of the languages that `reaches(word)` (the speller could correct), sorted:
    the only ones it must be told are words."""
    return sorted(w for w in language_words() if reaches(w))
