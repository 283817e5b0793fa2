"""What a question asks for (a person, a number, a date, a numbered item) and whether a
text holds one.

"Qui a écrit la synthèse ?" is answered by a name, "Quand…" by a date, "Combien…" by a
number: a reply without one answers a neighbouring question, however close its topic. "Que
dit la mesure 2.1 ?" is answered by the item numbered 2.1, not by the overview of its list.
"""

from __future__ import annotations

import re

from .text import fold

# matched on the folded question (lower case, no accents)
_ASKS = {
    "person": re.compile(r"^(?:\W*(?:et |pis |mais )?(?:qui|who|whom)\b|.*\b(?:c'est qui|cest qui|"
                         r"par qui|by whom|which minister|quel ministre|quelle ministre)\b)"),
    "number": re.compile(r"\b(?:combien|how many|how much|quel pourcentage|what percentage|"
                         r"what share|quelle proportion)\b"),
    # a sum of money, asked for by its name ("Quel est le budget… ?") or its verb: any number
    # is not it ("2025", "trois projets")
    "amount": re.compile(r"\bquel(?:le)?s? (?:est |etait |sera |serait )?(?:le |la |les )?"
                         r"(?:budgets?|montants?|prix|salaires?|tarifs?)\b|"
                         r"\bwhat(?:'s| is| was| will be| would be)? (?:the )?"
                         r"(?:budget|cost|amount|price|salary|fee)s?\b|"
                         r"\bcombien (?:d'argent|coute|coutent|a coute|ont coute)|"
                         r"\bhow much (?:money|funding)|\bhow much .{0,60}\b(?:cost|spend|spent|"
                         r"invest|invested)\b|\bcombien .{0,40}\b(?:investi|depense)"),
    "date": re.compile(r"^(?:\W*quand|\W*when)\b|\b(?:en quelle annee|what year|quelle date|"
                       r"what date|depuis quand|since when)\b"),
}
# Asked for in words that leave no doubt: when no passage holds one, the documents do not give
# it. ("Quand" alone is not here: "Quand j'appelle…" asks what happens, not when.)
_ASKS_PLAINLY = {
    "number": _ASKS["number"],
    "amount": _ASKS["amount"],
    "date": re.compile(r"\b(?:en quelle annee|quelle annee|what year|which year|d'ici quand|"
                       r"jusqu'a quand|until when|by when)\b"),
    # a day is asked for: a year or a period is not it ("2024-2026")
    "day": re.compile(r"\b(?:a quelle date|quelle date|quel jour|what date|on what date|"
                      r"which day|what day)\b"),
}
# matched on the text as written: a name is two capitalised words not opening a sentence;
# "un", "one" are left out of the numbers and "May", "March", "fall" out of the dates: they
# are mostly articles and verbs (a date in May has its year).
_NUMBER_WORDS = (r"\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|"
                 r"vingt|cent|centaine|mille|moitié|tiers|quart|two|three|four|five|six|"
                 r"seven|eight|nine|ten|hundred|thousand|half|third|quarter)\b")
_MONTHS = (r"(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
           r"décembre|january|february|march|april|may|june|july|august|september|october|"
           r"november|december)")
_HOLDS = {
    "person": re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZÀ-Ý][a-zà-ÿ]+(?:[ -][A-ZÀ-Ý][a-zà-ÿ]+)+"),
    "number": re.compile(r"\d|" + _NUMBER_WORDS, re.IGNORECASE),
    "amount": re.compile(r"\d[\d\u00a0\u202f .,]*\s?(?:[$€]|[kMG]\$|dollars?\b|euros?\b|"
                         r"millions?\b|milliards?\b|billions?\b)|[$€]\s?\d", re.IGNORECASE),
    "date": re.compile(r"\b(?:19|20)\d\d\b|\b(?:janvier|février|mars|avril|mai|juin|"
                       r"juillet|août|septembre|octobre|novembre|décembre|printemps|été|automne|"
                       r"hiver|january|february|april|june|july|august|september|october|"
                       r"november|december|spring|summer|autumn|winter)\b",
                       re.IGNORECASE),
    "day": re.compile(rf"\b\d{{1,2}}(?:er)?\s+{_MONTHS}\b|\b{_MONTHS}\s+\d{{1,2}}\b|"
                      rf"\b{_MONTHS}\s+(?:de\s+|of\s+)?(?:19|20)\d\d\b|"
                      r"\b\d{1,2}/\d{1,2}/(?:19|20)\d\d\b|\b(?:19|20)\d\d-\d\d-\d\d\b",
                      re.IGNORECASE),
}


# a number as a whole ("14", "2,5", "trois"), where _HOLDS only needs to find one digit
_DIGITS = r"\d+(?:[.,]\d+)*"
_WHOLE_NUMBER = re.compile(_DIGITS + "|" + _NUMBER_WORDS, re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d")
# the words before an item's number ("Objectif 4", "la mesure 8.1")
_ITEM_BEFORE = re.compile(r"\b(?:objectifs?|objectives?|mesures?|measures?|propositions?|"
                          r"proposals?|recommandations?|recommendations?|axes?|articles?|"
                          r"chapitres?|chapters?|phases?|sessions?)\s+(?:n[o°º]\.?\s*)?$",
                          re.IGNORECASE)
# a word that is a number: "AI4Belgium" holds one and is not one
_NUMBER_WORD = re.compile(rf"\b{_DIGITS}\b|" + _NUMBER_WORDS, re.IGNORECASE)


def without_numbers(text: str) -> str:
    """`text` without the words that are numbers, in digits or in letters ("AI4Belgium"
    stays)."""
    return _NUMBER_WORD.sub(" ", text)


def asked_plainly(question: str) -> list[str]:
    """The kinds the question asks for in words that leave no doubt ("combien", "en quelle
    année"): a reply without one does not give what was asked."""
    folded = fold(question)
    return [kind for kind, pattern in _ASKS_PLAINLY.items() if pattern.search(folded)]


def asked_kinds(question: str) -> list[str]:
    """The kinds of answer `question` asks for ("person", "number", "date"); [] for others."""
    folded = fold(question)
    return [kind for kind, pattern in _ASKS.items() if pattern.search(folded)]


# capitalised words that make a place or a body, not a person ("Données Québec")
_NOT_NAMES = {fold(w) for w in (
    "Québec", "Quebec", "Canada", "Montréal", "Belgique", "Belgium", "France", "Europe", "City",
    "Données", "Fondation", "Ministère", "Ministry", "Ministre", "Minister", "Conseil",
    "Council", "Centre", "Center", "Service", "Services", "Université", "University",
    "Bibliothèque", "Archives", "Secrétariat", "Office", "Commission", "Agence", "Agency",
    "Affairs", "Affaires", "Digital", "Numérique", "Social", "Sociale", "Solidarity",
    "Solidarité", "Education", "Éducation", "Culture", "Santé", "Health", "Public", "Publique",
    "Gouvernement", "Government", "État", "Obvia")}


def persons_named(text: str) -> list[str]:
    """The people a text names ("Luc Bégin", "Sarah Gagnon-Turcotte"), as written."""
    return [m.group(0) for m in _HOLDS["person"].finditer(text)
            if not any(fold(w) in _NOT_NAMES for w in re.split(r"[ -]", m.group(0)))]


def _has_person(text: str) -> bool:
    return any(not any(fold(w) in _NOT_NAMES for w in re.split(r"[ -]", m.group(0)))
               for m in _HOLDS["person"].finditer(text))


def gives(text: str, kind: str, question: str) -> bool:
    """Whether `text` holds a number or a date (`kind`) that the question does not already
    hold: "dans ses trois projets pilotes" is not the figure asked for, and neither a year
    ("2024-2026") nor an item's number ("l'objectif 4") is a count."""
    pattern = _WHOLE_NUMBER if kind == "number" else _HOLDS[kind]
    known = {fold(m.group(0)) for m in pattern.finditer(question)}
    return any(fold(m.group(0)) not in known and not (kind == "number" and (
        _YEAR.fullmatch(m.group(0)) or _ITEM_BEFORE.search(text[:m.start()])))
        for m in pattern.finditer(text))


def holds(text: str, kinds: list[str]) -> bool:
    """Whether `text` holds an answer of one of `kinds`."""
    return any(_has_person(text) if kind == "person" else bool(_HOLDS[kind].search(text))
               for kind in kinds)


# "objectif 5", "measure 2.1", "proposition no 3", or a bare "2.1" (matched on folded text)
_ITEM_WORDS = (r"objectifs?|objectives?|mesures?|measures?|propositions?|proposals?|"
               r"recommandations?|recommendations?|actions?|orientations?|axes?|priorites?|"
               r"priority|priorities|articles?|chapitres?|chapters?")
_NAMED_ITEM = re.compile(rf"\b(?:(?:{_ITEM_WORDS})\s*(?:n[o°º]\.?\s*|#\s*)?"
                         r"(\d{1,2}(?:\.\d{1,2})?)"
                         r"|(?<![\d.])(\d{1,2}\.\d{1,2}))\b(?![.,]\d)")


def named_items(question: str) -> list[str]:
    """The item numbers a question names ("5", "2.1"); [] for most questions."""
    return [m.group(1) or m.group(2) for m in _NAMED_ITEM.finditer(fold(question))]


def item_line(line: str, number: str) -> bool:
    """Whether a document line opens item `number`: "- 2.1 Soutenir…", "Objectif 5 : …",
    "5. Rendre…", "Mesure 2.1 –…"."""
    head = fold(line).lstrip("-*• \t")
    n = re.escape(number)
    return bool(re.match(rf"(?:(?:{_ITEM_WORDS})\s*(?:n[o°º]\.?\s*)?)?{n}(?:\s*[:.)–-]|\s)(?!\d)",
                         head))


def names_item(text: str, number: str) -> bool:
    """Whether `text` names item `number` ("l'objectif 9", "la mesure 8.1", "8.1")."""
    n = re.escape(number)
    pattern = rf"(?<![\d.]){n}(?![.,]?\d)" if "." in number else \
        rf"\b(?:{_ITEM_WORDS})\s*(?:n[o°º]\.?\s*)?{n}\b(?![.,]\d)"
    return bool(re.search(pattern, fold(text)))
