"""Scope honesty: does the question name something the documents do not cover?

A question is outside the documents when it names (case and accents ignored, whole words):
- a place, body, law or programme listed under [elsewhere] in `corpus/scope.toml`;
- a public body of `corpus/where-to-ask.toml` that the documents never mention ("SAAQ");
- a topic word of where-to-ask.toml that the documents never use ("impôt", "passeport");
- an acronym, or a capitalised word inside the sentence, that neither the documents nor the
  cards ever use ("Copilot", "CNESST"), and that is not a misspelling of one they use.
Names the documents are about ([covered]) are never reported, nor are the longer names that
hold them ("Université Laval" is not "Laval").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import PhraseMatcher, fold
from .where import Body, WhereToAsk

_NAME = re.compile(r"(?<![\w'’-])([A-ZÀ-ÖØ-Þ][\w'’-]*)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;«\"“(]\s*)$")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
_NAME_OF = re.compile(r"\s+(?:de la|de l'|de|du|des|d'|of the|of)\s*", re.IGNORECASE)


def _used_in(text: str, phrases: set[str]) -> set[str]:
    """The (folded) phrases that `text` uses as whole words."""
    words = re.sub(r"[^\w'-]+", " ", fold(text)).split()
    vocabulary, padded = set(words), f" {' '.join(words)} "
    return {p for p in phrases if vocabulary.issuperset(p.split()) and f" {p} " in padded}


@dataclass
class ScopeFinding:
    names: list[str] = field(default_factory=list)  # what the documents do not cover
    body: Body | None = None  # where to ask, when the question points to a body
    places: bool = False  # a listed place, body, law or programme (not only topic words)

    @property
    def outside(self) -> bool:
        return bool(self.names)


class Scope:
    def __init__(self, about: dict[str, str], covered: list[str], ignore: list[str],
                 elsewhere: dict[str, list[str]], where: WhereToAsk, domain_text: str,
                 known_word, misspelt=None):
        """`domain_text`: the documents and cards, to tell which listed names they use;
        `known_word(word) -> bool`: whether the documents or cards use a word;
        `misspelt(word) -> bool`: whether it is a misspelling of one they use ("Courtié")."""
        self.about = about
        self.where = where
        self.known_word = known_word
        self.misspelt = misspelt or (lambda word: False)
        self.ignore = {fold(w) for w in ignore}
        entries = [(n, ("covered",)) for n in covered]
        entries += [(n, ("elsewhere", kind)) for kind, names in elsewhere.items() for n in names]
        self.matcher = PhraseMatcher(entries)
        self.in_domain = _used_in(domain_text, {p for lang in ("fr", "en")
                                                for p in where.phrases(lang).entries})

    @classmethod
    def from_data(cls, data: dict, where: WhereToAsk, domain_text: str, known_word,
                  misspelt=None) -> Scope:
        """From the parsed scope file ({} covers every name)."""
        covered = data.get("covered", {})
        return cls(dict(covered.get("about", {})), list(covered.get("names", [])),
                   list(covered.get("ignore", [])),
                   {k: list(v) for k, v in data.get("elsewhere", {}).items()}, where,
                   domain_text, known_word, misspelt)

    def about_in(self, lang: str) -> str:
        return self.about.get(lang) or self.about.get("fr", "")

    def check(self, question: str, lang: str) -> ScopeFinding:
        # "France's" names France (same length, so positions stay those of the question);
        # the bodies' phrases are found in the question as asked ("driver's licence")
        asked, question = question, _POSSESSIVE.sub("  ", question)
        finding = ScopeFinding()
        taken: list[tuple[int, int]] = []
        for m in self.matcher.find(question):
            taken.append((m.start, m.end))
            if m.labels[0][0] == "elsewhere":
                finding.names.append(m.phrase)
                finding.places = True
        body = self.where.match(asked, lang)
        for m in self.where.phrases(lang).find(asked):
            if any(a <= m.start < b for a, b in taken):
                continue
            taken.append((m.start, m.end))
            if fold(m.phrase) not in self.in_domain:
                finding.names.append(asked[m.start:m.end] if not m.labels[0][1] else m.phrase)
                finding.places |= m.labels[0][1]  # a body named: more than a topic word
        for start, word in self._unknown_names(question, lang):
            if any(a <= start < b for a, b in taken):
                continue
            end = start + len(word)
            if any(_NAME_OF.fullmatch(question[end:a]) for a, _ in taken if a >= end):
                continue  # "Ville" of "Ville de Montréal": the name already reported
            finding.names.append(word)
            finding.places = True
        finding.names = list(dict.fromkeys(finding.names))
        finding.body = body.body if body else None
        return finding

    def _unknown_names(self, question: str, lang: str):
        """Acronyms, and in French capitalised words inside a sentence, that the domain
        never uses. (English capitalises the translated names of the bodies the French
        documents name: "Treasury Board" is the Conseil du trésor, so only acronyms count.)"""
        for m in _NAME.finditer(question):
            word = m.group(1).strip("'’-")
            letters = [c for c in word if c.isalpha()]
            acronym = len(letters) >= 2 and all(c.isupper() for c in letters)
            if not acronym and (lang != "fr" or _SENTENCE_START.search(question[:m.start()])):
                continue
            key = fold(word)
            if key in self.ignore or self.known_word(key) or (not acronym and
                                                              self.misspelt(key)):
                continue
            if all(self.known_word(part) or part in self.ignore
                   for part in re.findall(r"[^\W\d_]+", key)):
                continue
            yield m.start(), word
