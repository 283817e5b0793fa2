"""Representative phrases: two or three words that occur together in several texts of a group
and rarely elsewhere ("numéro de téléphone", "explication simple"), for theme labels and the
dashboard's cited concerns.

Words come from the chatbot's text helpers (accent folding, French and English stop words,
stemming): a phrase is counted by its stems, so "données personnelles" and "donnée
personnelle" are one phrase, and shown as people most often wrote it.
"""

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from chatbot.text import analyze, fold

# Verb forms that carry no topic and that the stop-word lists keep (modal, opinion and
# auxiliary forms people use to frame an idea). Folded; checked before stemming.
VERB_FORMS = frozenset("""
doit doivent devrait devraient devrais devoir faut faudrait falloir veux veut veulent voudrais
voudrait voudraient vouloir aimerais aimerait aimerions souhaite souhaitons souhaiterais
pense pensons crois croit trouve trouvons imagine imagines imaginer peux peut peuvent puisse
puissent pourrait pourraient pouvoir soit soient sois serait seraient sera seront ait aient
aurait auraient avoir etre fais faire fasse fassent sais sait savoir mettre met mis donne
donner prendre prend aller va vont vais reste restent rester devient devenir permet permettre
want wants wanted need needs must should would could think like make makes get gets let
lets become becomes keep keeps give gives take takes wish hope
""".split())  # noqa: SIM905
# Function words the stop-word lists lack (folded): they frame, they do not name a topic.
FUNCTION_WORDS = frozenset("""
tout tous toute toutes sans plus moins tres aussi chaque encore toujours jamais bien avant
apres sous entre vers chez depuis pendant deja trop peu beaucoup ainsi alors donc car puis
afin lors selon autre autres seul seule seuls seules fois jour jours meme
every always never also very more less before after without within other others each
""".split())  # noqa: SIM905
MIN_LETTERS = 3
MAX_GAP = 1  # stop words allowed inside a phrase ("temps d'attente", "numéro de téléphone")
BREAK = "|"
_TOKEN = re.compile(r"[^\W_]+")
_BREAK = re.compile(r"[.,;:!?()«»\"“”\[\]/…]")  # punctuation ends a phrase


@dataclass(frozen=True)
class Phrase:
    key: tuple[str, ...]  # stems
    shown: str  # as written


@lru_cache(maxsize=50_000)
def _verb_form(folded: str) -> bool:
    # French infinitives in -er ("répéter", "utiliser"), not nouns in -ier ("dossier").
    return folded in VERB_FORMS or (len(folded) > 4 and folded.endswith("er")
                                    and not folded.endswith("ier"))


def _content_stem(token: str) -> str | None:
    """The stem of a word that can carry a topic; None for a stop word, BREAK for a verb form
    (a phrase does not run across a verb)."""
    folded = fold(token)
    if _verb_form(folded):
        return BREAK
    if len(folded) < MIN_LETTERS or folded.isdigit() or folded in FUNCTION_WORDS:
        return None
    stems = analyze(folded, "fr")
    return stems[0] if stems else None


def _surface(text: str, start: int, end: int) -> str:
    span = " ".join(text[start:end].split())
    words = span.split(" ")
    # Lower case, except acronyms (IA, SAAQ) people wrote in capitals.
    return " ".join(word if word.isupper() and len(word) > 1 else word.lower()
                    for word in words).replace("’", "'")


def phrases_of(text: str) -> set[Phrase]:
    """The two- and three-word phrases of one text (content words, at most one stop word
    between two of them, never across punctuation)."""
    tokens = []  # (stem or None, start, end), None and "break" markers between runs
    last_end = 0
    for match in _TOKEN.finditer(text):
        if _BREAK.search(text, last_end, match.start()):
            tokens.append((BREAK, match.start(), match.start()))
        tokens.append((_content_stem(match.group()), match.start(), match.end()))
        last_end = match.end()
    found = set()
    for i, (stem, start, _end) in enumerate(tokens):
        if stem in (None, BREAK):
            continue
        key, gap = [stem], 0
        for next_stem, _start, end in tokens[i + 1:]:
            if next_stem == BREAK:
                break
            if next_stem is None:
                gap += 1
                if gap > MAX_GAP:
                    break
                continue
            gap = 0
            key.append(next_stem)
            if len(set(key)) == len(key):
                found.add(Phrase(tuple(key), _surface(text, start, end)))
            if len(key) == 3:
                break
    return found


@dataclass
class PhraseIndex:
    """Phrases of many texts, counted once: naming every theme reads the texts once."""

    per_text: list[dict[tuple, str]]
    frequency: Counter  # texts containing each phrase

    @classmethod
    def of(cls, texts: list[str]) -> "PhraseIndex":
        per_text = [{p.key: p.shown for p in phrases_of(text)} for text in texts]
        return cls(per_text, Counter(key for found in per_text for key in found))

    def ranked(self, members: list[int], weights=None, limit: int = 2) -> list[tuple[str, int]]:
        """(phrase as written, texts of the group containing it), the most representative
        first: frequent in the group (texts near its centre count more), rare elsewhere.
        Phrases sharing a word with a better one are left out."""
        weights = weights or [1.0] * len(members)
        in_group, weight, shown = Counter(), defaultdict(float), defaultdict(Counter)
        for i, w in zip(members, weights, strict=True):
            for key, surface in self.per_text[i].items():
                in_group[key] += 1
                weight[key] += w
                shown[key][surface] += 1
        total = max(len(self.per_text), 1)
        # Phrases that several texts share; if none, those of the texts nearest the centre.
        least = 2 if any(n >= 2 for n in in_group.values()) else 1
        scored = sorted(((weight[key] * math.log(1 + total / self.frequency[key])
                          * (1.15 if len(key) == 3 else 1.0), key)
                         for key, n in in_group.items() if n >= least), reverse=True)
        chosen, used = [], set()
        for _score, key in scored:
            if used & set(key):
                continue
            chosen.append((shown[key].most_common(1)[0][0], in_group[key]))
            used |= set(key)
            if len(chosen) == limit:
                break
        return chosen


def label(index: PhraseIndex, members: list[int], weights=None, fallback: str = "") -> str:
    found = index.ranked(members, weights)
    return " · ".join(shown for shown, _n in found) or fallback


def cited_phrases(texts: list[str], limit: int = 10) -> list[tuple[str, int]]:
    """The phrases that come back most often across these texts, with how many say them."""
    index = PhraseIndex.of(texts)
    return index.ranked(list(range(len(texts))), limit=limit)
