"""Text normalisation, tokenisation and stemming for French and English."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_WORD = re.compile(r"[a-z0-9]+")
# Sentence boundary: end punctuation followed by space and an upper-case letter, digit or quote.
_SENTENCE_END = re.compile(r"[.!?…]+\s*[»\"”)]?\s+(?=[«\"“(\[A-ZÀ-ÖØ-Þ0-9])")

# Question scaffolding that carries no topic (folded, unstemmed), in both languages.
_EXTRA_STOP = {
    "quoi", "quel", "quelle", "quels", "quelles", "comment", "pourquoi", "quand", "combien",
    "est", "ce", "qu", "peut", "peux", "peuvent", "faire", "fait", "dit", "dire", "sont",
    "what", "which", "how", "why", "when", "who", "does", "do", "did", "can", "could",
    "would", "should", "is", "are", "was", "were", "the", "about", "there", "tell", "me",
    "y", "a", "t", "il", "elle", "on", "nous", "vous", "d", "l", "s", "n", "j", "m", "c",
}


def fold(text: str) -> str:
    """Lower-case and remove accents (NFKD decomposition, combining marks dropped)."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

    words = {fold(w) for w in (*STOPWORDS_FRENCH, *STOPWORDS_EN)} | _EXTRA_STOP
    return frozenset(words)


@lru_cache(maxsize=4)
def _stemmer(lang: str):
    import Stemmer

    return Stemmer.Stemmer("english" if lang == "en" else "french")


def words(text: str) -> list[str]:
    """Folded word tokens, no stop-word removal."""
    return _WORD.findall(fold(text))


def analyze(text: str, lang: str = "fr") -> list[str]:
    """Tokens for lexical search: folded, stop words removed, stemmed in `lang`."""
    stops = stop_words()
    toks = [w for w in words(text) if w not in stops and (len(w) > 1 or w.isdigit())]
    return _stemmer(lang).stemWords(toks)


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; list lines count as sentences of their own."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        for m in _SENTENCE_END.finditer(line):
            out.append(line[start:m.end()].strip())
            start = m.end()
        if line[start:].strip():
            out.append(line[start:].strip())
    return out


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def contains_folded(haystack: str, needle: str) -> bool:
    """Case-, accent- and whitespace-insensitive substring test (used by evaluation)."""
    return normalize_space(fold(needle)) in normalize_space(fold(haystack))
