"""Text normalisation, tokenisation and stemming for French and English."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
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
    # spoken fillers and pronouns (bm25s's English list has 33 words: no "my", "you", "so")
    "ça", "ca", "cela", "ceci", "vraiment", "genre", "aussi", "trop", "beaucoup", "chose",
    "choses", "quelque", "ok", "okay", "bon", "alors", "donc", "là",
    "i", "my", "mine", "myself", "you", "your", "yours", "we", "us", "our", "he", "him",
    "his", "she", "her", "its", "them", "those", "am", "been", "being", "have", "has", "had",
    "having", "going", "go", "gonna", "wanna", "get", "gets", "got", "getting", "just",
    "really", "actually", "now", "so", "then", "stuff", "thing", "things", "like", "any",
    "anything", "some", "something", "much", "many", "very", "also", "too", "im", "ive",
    "wait", "hey", "yeah", "shall", "may", "might", "must", "from", "than", "here", "where",
    "whom", "whose", "again", "even", "still", "ever",
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


# An index rebuild analyses every passage again, most of them unchanged: a process that
# rebuilt (or loaded) the index before finds their words and sentences here (make bench,
# knowledge section).
MEMO_TEXTS = 1 << 17


def words(text: str) -> list[str]:
    """Folded word tokens, no stop-word removal."""
    return list(_words(text))


@lru_cache(maxsize=MEMO_TEXTS)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(text)))


def analyze(text: str, lang: str = "fr") -> list[str]:
    """Tokens for lexical search: folded, stop words removed, stemmed in `lang`."""
    return list(_analyze(text, lang))


@lru_cache(maxsize=MEMO_TEXTS)
def _analyze(text: str, lang: str) -> tuple[str, ...]:
    stops = stop_words()
    toks = [w for w in _words(text) if w not in stops and (len(w) > 1 or w.isdigit())]
    return tuple(_stemmer(lang).stemWords(toks))


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; list lines count as sentences of their own."""
    return list(_split_sentences(text))


@lru_cache(maxsize=MEMO_TEXTS)
def _split_sentences(text: str) -> tuple[str, ...]:
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
    return tuple(out)


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def contains_folded(haystack: str, needle: str) -> bool:
    """Case-, accent- and whitespace-insensitive substring test (used by evaluation)."""
    return normalize_space(fold(needle)) in normalize_space(fold(haystack))


def fold_chars(text: str) -> str:
    """`fold`, keeping positions: the result has one character for each of the original."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    out = []
    for ch in text.translate(_APOSTROPHES):
        f = fold(ch)
        out.append(f[0] if len(f) == 1 else ch.lower())
    return "".join(out)


@dataclass
class PhraseMatch:
    start: int
    end: int
    phrase: str  # as written in the list
    labels: list


class PhraseMatcher:
    """Listed phrases found in a text as whole words, case and accents ignored, the longest
    first; a name of at most 3 capitals ("US", "EI") matches only written in capitals.
    With `gap`, up to that many other words may stand between two words of a phrase
    ("blessé au dos au travail" holds "blessé au travail")."""

    def __init__(self, entries: Iterable[tuple[str, object]], gap: int = 0):
        self.entries: dict[str, tuple[str, list]] = {}
        for phrase, label in entries:
            key = normalize_space(fold(phrase))
            if key:
                self.entries.setdefault(key, (phrase, []))[1].append(label)
        self.keys = sorted(self.entries, key=len, reverse=True)
        between = r"\s+" + (rf"(?:[^\s]+\s+){{0,{gap}}}" if gap else "")
        space = re.escape(" ")
        body = "|".join(f"(?P<k{i}>{re.escape(k).replace(space, between)})"
                        for i, k in enumerate(self.keys))
        self.pattern = re.compile(rf"(?<![\w-])(?:{body})(?![\w-]|'\w)") if self.keys else None

    def find(self, text: str) -> list[PhraseMatch]:
        if self.pattern is None:
            return []
        out = []
        for m in self.pattern.finditer(fold_chars(text)):
            phrase, labels = self.entries[self.keys[int(m.lastgroup[1:])]]
            if len(phrase) <= 3 and phrase.isupper() and text[m.start():m.end()] != phrase:
                continue
            out.append(PhraseMatch(m.start(), m.end(), phrase, labels))
        return out
