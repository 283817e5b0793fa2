"""Everyday phrasing: spoken forms, shortened words, misspellings and everyday synonyms.

Three steps, all from data (`corpus/synonyms.toml`) or from the corpus itself:
1. `Phrasing.rewrite`: the Québec "-tu" question particle is dropped ("va-tu" -> "va") and
   spoken or shortened forms are replaced ("ya" -> "il y a", "govt" -> "government");
2. `Speller.correct`: a word the domain never uses, one or two letters away from one it
   does, is replaced by it ("fonctionaires" -> "fonctionnaires"), unless it is a word of
   French or English (lexicon.py: "demain" stays, it is not "remain");
3. `Phrasing.synonyms`: everyday words bring the words the documents use ("pollue" ->
   "environnement"); retrieval adds them to the word search at a lower weight;
4. `Phrasing.glossary`: words of another language bring the French words the documents use
   for them ("report" -> "rapport"), before the words the encoder finds.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .text import PhraseMatcher, fold

_TU_PARTICLE = re.compile(r"(?<=\w)-tu\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
MIN_CORRECTED = 5  # shorter words are never corrected (too many near neighbours)


@dataclass
class Phrasing:
    rewrites: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> form -> text
    synonym_map: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    bridge_map: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # [bridge.<lang>]

    def __post_init__(self):
        self._rewrite = {lang: PhraseMatcher(m.items()) for lang, m in self.rewrites.items()}
        self._synonyms = {lang: PhraseMatcher(m.items()) for lang, m in self.synonym_map.items()}
        self._bridge = {lang: PhraseMatcher(m.items()) for lang, m in self.bridge_map.items()}

    @classmethod
    def from_data(cls, data: dict) -> Phrasing:
        """From the parsed synonyms file ({} gives no rewrites and no synonyms)."""
        rewrites = {lang: {k: str(v) for k, v in m.items()}
                    for lang, m in data.get("rewrite", {}).items()}
        synonyms, bridge = ({lang: {k: [str(x) for x in v] for k, v in m.items()}
                             for lang, m in data.get(part, {}).items()}
                            for part in ("synonyms", "bridge"))
        return cls(rewrites, synonyms, bridge)

    def rewrite(self, text: str, lang: str) -> str:
        text = unicodedata.normalize("NFC", text)
        if lang == "fr":
            text = _TU_PARTICLE.sub("", text)
        return _replace(text, self._rewrite.get(lang), lambda labels: labels[0])

    def standardize(self, text: str, lang: str) -> str:
        """`text` with each everyday word replaced by the first word the documents use for
        it ("Le robot va me voler ma job" -> "Le intelligence artificielle va …"): a second
        wording to encode next to the question."""
        return _replace(text, self._synonyms.get(lang), lambda labels: labels[0][0])

    def synonyms_by_word(self, text: str, lang: str) -> dict[str, list[str]]:
        """Each everyday word or phrase of `text` -> the words the documents use for it."""
        return _by_phrase(self._synonyms.get(lang), text)

    def glossary(self, text: str, lang: str) -> dict[str, list[str]]:
        """Each word or phrase of `text` in the glossary -> the French words for it."""
        return _by_phrase(self._bridge.get(lang), text)

    def synonyms(self, text: str, lang: str) -> list[str]:
        """Words the documents use for the everyday words of `text` (may be empty)."""
        matcher = self._synonyms.get(lang)
        if matcher is None:
            return []
        return list(dict.fromkeys(w for m in matcher.find(text) for w in m.labels[0]))


def _by_phrase(matcher: PhraseMatcher | None, text: str) -> dict[str, list[str]]:
    """Each phrase of `text` the matcher knows -> the words it is listed with."""
    out: dict[str, list[str]] = {}
    for m in matcher.find(text) if matcher is not None else ():
        out.setdefault(m.phrase, []).extend(m.labels[0])
    return out


def _replace(text: str, matcher: PhraseMatcher | None, replacement) -> str:
    if matcher is None:
        return text
    out, last = [], 0
    for m in matcher.find(text):
        out += [text[last:m.start], replacement(m.labels)]
        last = m.end
    out.append(text[last:])
    return " ".join("".join(out).split())


def damerau(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, stopping early once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and prev2 is not None:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class Speller:
    """Corrects words the domain never uses towards words it does (symmetric-delete lookup:
    a word and its one-letter deletions are matched against the vocabulary's)."""

    def __init__(self, texts: list[str], protected: list[str] = (),
                 words: frozenset[str] | set[str] = frozenset()):
        """`texts`: the domain (its words are known); `protected`: other words never
        corrected (names and topic words of the guides); `words`: words of the languages,
        folded (lexicon.py): never misspellings."""
        self.protected = {fold(part) for t in protected for w in _WORD.findall(t)
                          for part in w.replace("\u2019", "'").split("'")} | set(words)
        raw = Counter(part for text in texts
                      for w in _WORD.findall(text.replace("\u2019", "'").lower())
                      for part in w.split("'"))
        counts: Counter[str] = Counter()
        surface: dict[str, tuple[int, str]] = {}
        for part, n in raw.items():
            key = fold(part)
            counts[key] += n
            if n > surface.get(key, (0, ""))[0]:
                surface[key] = (n, part)
        self.counts = counts
        self.surface = {k: form for k, (_, form) in surface.items()}
        self.lookup: dict[str, list[str]] = {}
        for word in counts:
            if len(word) >= MIN_CORRECTED - 1 and word.isalpha():
                self.lookup.setdefault(word, []).append(word)
                for key in _deletes(word):
                    self.lookup.setdefault(key, []).append(word)

    def known(self, word: str) -> bool:
        return fold(word) in self.counts

    def reaches(self, folded: str) -> bool:
        """Whether `suggest` could correct this (folded) word: it is not the domain's and
        is one deletion, each side, from a word that is."""
        if len(folded) < MIN_CORRECTED or folded in self.counts or not folded.isalpha():
            return False
        return folded in self.lookup or any(k in self.lookup for k in _deletes(folded))

    def suggest(self, word: str) -> str | None:
        """The closest vocabulary word (folded), or None."""
        w = fold(word)
        if (len(w) < MIN_CORRECTED or w in self.counts or w in self.protected
                or not w.isalpha()):
            return None
        limit = 1 if len(w) < 8 else 2
        candidates = {c for key in _deletes(w) | {w} for c in self.lookup.get(key, ())}
        scored = [(damerau(w, c, limit), -self.counts[c], c) for c in candidates]
        scored = [s for s in scored if s[0] <= limit]
        return min(scored)[2] if scored else None

    def correct(self, text: str) -> tuple[str, dict[str, str]]:
        """The text with unknown words corrected, and {typed word: correction}."""
        fixes: dict[str, str] = {}

        def fix(m: re.Match) -> str:
            word = m.group(0)
            found = self.suggest(word)
            if found is None:
                return word
            fixes[word] = self.surface.get(found, found)
            return fixes[word]

        return re.sub(r"[^\W\d_]+", fix, text), fixes
