"""The extractive answer: one coherent span of one retrieval unit.

The span is the best sentence of the first passages for the question (dense cosine + the
question's words it holds, the first passage favoured, a sentence holding the name, number or
date asked for favoured more; footnotes and lines that only credit the document never
answer), with its neighbours only where it needs them: the sentence before when it opens on a
reference ("Il permettra…", "Ce dernier projet…"), the one after when it is only a label or
announces what follows ("… :"). It never leaves its block, so sentences of different passages
are never joined; a neighbouring sentence nearly as good as the best one joins it. A list
answers as its label and items when the whole list is what the question is about (several
things asked for, its label the best line, or no item much better than another), else as
the one item asked for. Numbering ("8.1", "3.", "*") is dropped; "22 mai 2025" is not numbering.
In easy read: the shortest complete sentence that carries the answer, never cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .asks import asked_kinds, holds, item_line, persons_named
from .corpus import is_list_line, list_item_text
from .index import Index
from .retrieval import EXTRA_WEIGHT, Evidence, Retriever
from .text import analyze, fold, split_sentences, words

# "8.1 ", "3. ", "(2) ": numbering; "22 mai 2025" and "3 projets" are not
_NUMBERING = re.compile(r"^(?:\(?\d+(?:\.\d+)*[.)]|\d+(?:\.\d+)+)\s+(?=\w)")
_FOOTNOTE = re.compile(r"\s*(?:\(\*\)|\*+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*$")
_FOOTNOTE_LINE = re.compile(r"^\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]+\s*\w")
_QUESTION_END = re.compile(r"\?\s*[»\"”)]?\s*$")
# A sentence opening on a word that points back to the sentence before it.
_POINTS_BACK = re.compile(
    r"^(?:il|elle|ils|elles|ce|cet|cette|ces|cela|ceci|ça|celui|celle|ceux|celles|leur|leurs|"
    r"de plus|par ailleurs|en effet|or|toutefois|cependant|enfin|aussi|donc|ainsi|mais|"
    r"d'ailleurs|en plus|néanmoins|pourtant|sinon)\b", re.IGNORECASE)
# a question that asks for several things: a list answers it whole
_ASKS_MANY = re.compile(r"\b(?:quels|quelles|lesquels|lesquelles|what are|which are|what were|"
                        r"which were|what kinds?|quels types?|quelles sortes?|"
                        r"quelles? sont les|list)\b|\b(?:which|what)\s+(?!does\b)\w{2,}[^s\W]s\b")
FACT_UNITS = 16  # passages searched for the name, number or date a card does not hold
FACT_MIN_COVERAGE = 0.3  # share of the question's words the sentence holding it must have
DETAIL_MIN_COVERAGE = 0.6  # a detail sentence holds at least this share of the question
DETAIL_GAIN = 0.3  # and this much more than the card's answer
DETAIL_WORDS = 2  # and at least this many of the question's words
FAMILY_PREFIX = 5  # stems sharing this many first letters, one the other's start, are a family
ASKED_BONUS = 0.5  # a sentence holding what the question asks for (a name, a number, a date)
MAX_WORDS = 70  # a standard answer: at most about this many words
MAX_ITEMS = 6  # a list answer shows at most this many items
EASY_ITEMS = 3
LABEL_MAX_WORDS = 30  # a line introducing a list is its label up to this many words
LABEL_WORDS = 12  # a list item is quoted with its list's label when the label is this short
SHORT_ITEM_WORDS = 8  # a list whose items average at most this many words is quoted whole
EASY_MARGIN = 0.08  # easy read: sentences this close to the best one may answer instead
NEIGHBOUR_MARGIN = 0.1  # a neighbouring sentence this close to the best one is quoted too
CREDIT_SHARE = 0.6  # a sentence this much made of its document's names credits it
CREDIT_MIN_WORDS = 2
RANK_STEP = 0.2  # a sentence of the next passage down needs this much more to be chosen


@dataclass
class Span:
    unit: int  # index into corpus.units
    text: str  # the quoted span
    items_left: int = 0  # list answers: items not shown


def clean(text: str) -> str:
    """A sentence or list item without its numbering and footnote marks."""
    text = _FOOTNOTE.sub("", _NUMBERING.sub("", text.strip()))
    return " ".join(text.split())


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n")]


def _is_label(lines: list[str], i: int) -> bool:
    """A short line without end punctuation that introduces the lines after it."""
    line = lines[i].strip()
    if i + 1 >= len(lines) or is_list_line(lines[i]) or re.search(r"[.!?…]\s*[»\"”)]?$", line):
        return False
    # a longer line is a label too when a list follows it ("Objectif 3 : Stimuler…")
    return len(line.split()) <= (LABEL_MAX_WORDS if is_list_line(lines[i + 1]) else 14)


def _coverage(weights: dict[str, float], total: float, text: str, lang: str,
              alternatives: dict[str, list[str]]) -> float:
    """idf-weighted share of the question's words in `text`; an English word absent but with
    one of its bridged French words present counts EXTRA_WEIGHT."""
    return _token_coverage(weights, total, set(analyze(text, lang)), alternatives)


def _token_coverage(weights: dict[str, float], total: float, toks: set[str],
                    alternatives: dict[str, list[str]], family: bool = False) -> float:
    """_coverage over stems already analysed; `family`: a word of the same family
    ("ouverture" for "ouvert") counts as the word itself."""
    def found(t: str) -> float:
        if t in toks or family and any(_same_family(t, x) for x in toks):
            return 1.0
        return EXTRA_WEIGHT if any(a in toks for a in alternatives.get(t, ())) else 0.0
    return sum(w * found(t) for t, w in weights.items()) / total


def best_span(index: Index, retriever: Retriever, ev: Evidence, simple: bool) -> Span | None:
    corpus = index.corpus
    top = retriever.distinct(ev.ranking, 3)
    if not top:
        return None
    weights = _question_weights(index, retriever, ev) or \
        {t: index.idf(t) for t in set(ev.query.tokens)}
    total = sum(weights.values()) or 1.0
    alternatives = ev.query.bridged  # English words -> their nearest French words
    asked = asked_kinds(ev.query.search)
    asked_about = set(words(ev.query.text))
    # (score, rank, unit, sentence index or -1 for a unit without indexed sentences, coverage)
    scored = []
    for rank, u in enumerate(top):
        unit = corpus.units[u]
        lang = corpus.doc_by_id[unit.doc_id].language
        sentences = index.sentences_of[u]
        if not sentences:
            cov = _coverage(weights, total, unit.text, lang, alternatives)
            scored.append((float(ev.dense[u]) + 0.5 * cov - RANK_STEP * rank, rank, u, -1, cov))
            continue
        for j in sentences:
            s = index.sentences[j]
            lines = _lines(corpus.passages[s.block].text)
            cov = _coverage(weights, total, s.text, lang, alternatives)
            score = float(ev.sentences[j]) + 0.5 * cov - RANK_STEP * rank
            if _QUESTION_END.search(s.text):  # a question quoted in the source answers nothing
                score -= 0.3
            if _is_label(lines, s.line):
                score -= 0.1
            if _FOOTNOTE_LINE.match(lines[s.line]) or _credits(retriever, unit.doc_id,
                                                                s.text, lang):
                score -= 0.3  # "¹ Une définition … est à la page 30", "… - Rapport complet."
            if asked and holds(s.text, asked):
                score += ASKED_BONUS
            elif "person" not in asked and (who := _introduced_person(s.text)) and \
                    words(who)[-1] not in asked_about:
                score -= 0.3  # "Martin Soucy, directeur de…" answers who, nothing else
            scored.append((score, rank, u, j, cov))
    scored.sort(key=lambda c: -c[0])
    best = scored[0]
    unit = corpus.units[best[2]]
    if unit.kind == "block" and sum(is_list_line(x) for x in unit.text.split("\n")) >= 2 \
            and best[1] == 0:
        return _list_span(best[2], unit.text, simple)
    short_list = _short_list(corpus, unit)
    if short_list:
        # "Contexte politique" alone does not answer "Quels sont les enjeux… ?": a list of a
        # few words an item is read whole, the item asked about among those shown
        return _list_span(best[2], short_list, simple, keep=clean(list_item_text(unit.text)))
    if best[3] < 0:
        return Span(best[2], clean(list_item_text(unit.text)))
    s = index.sentences[best[3]]
    block = corpus.passages[s.block].text
    lines = _lines(block)
    if sum(is_list_line(x) for x in lines) >= 2:
        if _is_label(lines, s.line) and is_list_line(lines[s.line + 1]):
            # the label of a list: what it introduces is the answer
            return _list_span(best[2], _list_of(block, s.line + 1), simple)
        # several things asked for, or no item of the list answers much better than another
        items = [c[0] for c in scored if c[3] >= 0 and index.sentences[c[3]].block == s.block
                 and is_list_line(lines[index.sentences[c[3]].line])]
        if is_list_line(lines[s.line]) and (_ASKS_MANY.search(fold(ev.query.search)) or (
                len(items) > 1 and items[0] - items[1] < NEIGHBOUR_MARGIN / 2)):
            return _list_span(best[2], _list_of(block, s.line), simple)
    # "Combien de temps dure le prêt… ?": the sentence naming the loan best sets the scene, the
    # next one holds the number ("Le prêt dure trois semaines")
    holder = None
    if asked and not holds(s.text, asked):
        holder = next((c for c in scored[1:] if c[2] == best[2] and c[3] >= 0 and c[4] > 0
                       and index.sentences[c[3]].line == s.line
                       and abs(c[3] - best[3]) == 1
                       and holds(index.sentences[c[3]].text, asked)), None)
    if simple:
        best = holder or _easy_choice(index, scored, best)
        return Span(best[2], _sentence_span(index, best[3], simple))
    # the runner-up sentence of the same unit joins when it is the next or the one before
    runner = next((c for c in scored[1:] if c[2] == best[2] and c[3] >= 0), None)
    near = holder or (runner if runner and runner[0] >= best[0] - NEIGHBOUR_MARGIN else None)
    return Span(best[2], _sentence_span(index, best[3], simple,
                                        near[3] if near else None))


def _credits(retriever: Retriever, doc_id: str, text: str, lang: str) -> bool:
    """Whether a sentence is mostly the document's own names: it credits the document
    ("Sens du Service public / Fondation Jean Jaurès - Rapport complet.") and answers nothing."""
    toks = analyze(text, lang)
    names = retriever.doc_name_stems.get(doc_id, set())
    return len(toks) >= CREDIT_MIN_WORDS and \
        sum(t in names for t in toks) >= CREDIT_SHARE * len(toks)


_LABEL_OPENING = re.compile(r"^[^:]{1,30}:\s*")


def _introduced_person(text: str) -> str | None:
    """The person a sentence introduces: it opens on a name and a comma, after an optional
    label ("Modératrice : Emmanuelle Marceau, professeure…", "Luc Bégin, président de…")."""
    rest = _LABEL_OPENING.sub("", text.lstrip("-*• "), count=1)
    names = persons_named("à " + rest[:80])  # a name opening a sentence is not looked for
    if names and rest.startswith(names[0]) and rest[len(names[0]):].lstrip()[:1] == ",":
        return names[0]
    return None


def _question_weights(index: Index, retriever: Retriever, ev: Evidence) -> dict[str, float]:
    """idf of the question's words, without those naming a document ("colloque", "Obvia"):
    they say where to look, not what is asked."""
    return {t: index.idf(t) for t in set(ev.query.tokens) if t not in retriever.doc_name_tokens}


def _fitting_sentence(index: Index, retriever: Retriever, ev: Evidence, weights: dict,
                      accept, min_coverage: float, skip: set[int] = frozenset(),
                      docs: set[str] | None = None):
    """(unit, sentence) of the best sentence that `accept`s (called with its text and its
    stems) and holds at least `min_coverage` of the question's words, among the passages
    that match the question best on their own evidence (units in `skip` left out; only
    documents `docs` when given); None when there is none."""
    corpus = index.corpus
    total = sum(weights.values())
    if not total:
        return None
    best = None
    ranking = [u for u in retriever.passage_ranking(ev) if u not in skip
               and (docs is None or corpus.units[u].doc_id in docs)]
    for rank, u in enumerate(retriever.distinct(ranking, FACT_UNITS)):
        lang = corpus.doc_by_id[corpus.units[u].doc_id].language
        heading = set(analyze(corpus.units[u].heading, lang))
        for j in index.sentences_of[u]:
            text = index.sentences[j].text
            if _QUESTION_END.search(text):
                continue
            toks = set(analyze(text, lang))
            if not accept(text, toks):
                continue
            if _POINTS_BACK.match(text):  # "Ce dernier projet…": what it points back to counts
                toks |= set(analyze(_previous_sentence(index, j), lang))
            # the heading it stands under says what it is about ("Trois projets pilotes…")
            toks |= heading
            cov = _token_coverage(weights, total, toks, ev.query.bridged, family=True)
            score = float(ev.sentences[j]) + 0.5 * cov - 0.02 * rank
            if cov >= min_coverage and (best is None or score > best[0]):
                best = (score, u, j)
    return best[1:] if best else None


def _previous_sentence(index: Index, j: int) -> str:
    """The sentence before sentence j, in its block or the block before it of the same
    document; "" when j opens its document."""
    if j == 0:
        return ""
    here, before = index.sentences[j], index.sentences[j - 1]
    passages = index.corpus.passages
    if before.block not in (here.block, here.block - 1) or \
            passages[before.block].doc_id != passages[here.block].doc_id:
        return ""
    return before.text


def fact_span(index: Index, retriever: Retriever, ev: Evidence, kinds: list[str],
              simple: bool) -> Span | None:
    """The best sentence that holds what the question asks for (a name, a number, a date);
    None when no such sentence holds enough of the question's words."""
    found = _fitting_sentence(index, retriever, ev, _question_weights(index, retriever, ev),
                              lambda text, _toks: holds(text, kinds), FACT_MIN_COVERAGE)
    return Span(found[0], _sentence_span(index, found[1], simple)) if found else None


def item_span(index: Index, retriever: Retriever, ev: Evidence, numbers: list[str],
               docs: list[str], simple: bool) -> Span | None:
    """The item the question names by its number ("measure 2.1", "objectif 5") in the first
    of `docs` that numbers one so; None when none does (another document's item 9 answers
    another question)."""
    corpus = index.corpus
    ranking = retriever.passage_ranking(ev)
    for doc in docs:
        for u in (u for u in ranking if corpus.units[u].doc_id == doc):
            for j in index.sentences_of[u]:
                s = index.sentences[j]
                line = _lines(corpus.passages[s.block].text)[s.line]
                if split_sentences(line.lstrip("-*• "))[:1] == [s.text] and any(
                        item_line(line, n) for n in numbers):
                    return Span(u, _sentence_span(index, j, simple))
    return None


def person_span(index: Index, ev: Evidence, simple: bool) -> Span | None:
    """The sentence that names the person the question names ("Who is Luc Bégin?"), the one
    closest to the question when several do; None when no sentence names them."""
    best = None
    for name in persons_named(ev.query.text):
        folded = fold(name)
        for k, j in enumerate(index.pair_sentence):
            if folded in fold(index.sentences[j].text):
                score = float(ev.sentences[j]) if ev.sentences is not None else 0.0
                if best is None or score > best[0]:
                    best = (score, int(index.pair_unit[k]), int(j))
    return Span(best[1], _sentence_span(index, best[2], simple)) if best else None


def detail_span(index: Index, retriever: Retriever, ev: Evidence, said: str, lang: str,
                quoted: list[int], simple: bool) -> Span | None:
    """A sentence of the card's document, in a passage it does not quote, that holds clearly
    more of the question's words than the card's answer `said` does: the card answers about
    the topic ("the strategy has nine objectives"), the sentence about what was asked ("8.3
    Frame the use of generative AI"). None when the card already says as much."""
    weights = _question_weights(index, retriever, ev)
    total = sum(weights.values())
    if not total:
        return None
    docs = {index.corpus.units[u].doc_id for u in quoted}
    if not docs:
        return None
    own = _token_coverage(weights, total, set(analyze(said, lang)), ev.query.alternatives,
                          family=True)

    def says_more(_text: str, toks: set[str]) -> bool:  # one word in common is chance
        return sum(any(_same_family(t, x) for x in toks) for t in weights) >= DETAIL_WORDS

    found = _fitting_sentence(index, retriever, ev, weights, says_more,
                              max(DETAIL_MIN_COVERAGE, own + DETAIL_GAIN), set(quoted), docs)
    return Span(found[0], _sentence_span(index, found[1], simple)) if found else None


def _same_family(a: str, b: str) -> bool:
    """Stems of one word family ("ouvert" and "ouvertur" from "ouvert" and "ouverture")."""
    return a == b or (min(len(a), len(b)) >= FAMILY_PREFIX and (a.startswith(b)
                                                                 or b.startswith(a)))


def _list_of(block: str, line: int) -> str:
    """The list holding `line` in a block, with the label line just before it."""
    lines = _lines(block)
    start = line
    while start > 0 and is_list_line(lines[start - 1]):
        start -= 1
    end = line
    while end + 1 < len(lines) and is_list_line(lines[end + 1]):
        end += 1
    if start > 0 and not is_list_line(lines[start - 1]):
        start -= 1
    return "\n".join(lines[start:end + 1])


def _short_list(corpus, unit) -> str | None:
    """The list (with its label) a list item belongs to, when its items are a few words each;
    None for any other passage."""
    if unit.kind != "item" or unit.anchor not in corpus.block_by_id:
        return None
    block = corpus.block_by_id[unit.anchor].text
    items = [x for x in _lines(block) if is_list_line(x)]
    if len(items) < 2 or sum(len(x.split()) - 1 for x in items) > SHORT_ITEM_WORDS * len(items):
        return None
    return _list_of(block, unit.line)


def _list_span(u: int, text: str, simple: bool, keep: str | None = None) -> Span:
    """A list quoted as its label and its first items; item `keep` is among those shown."""
    lines = text.split("\n")
    label = " ".join(clean(x) for x in lines if not is_list_line(x)).rstrip(" :")
    items = [clean(list_item_text(x)) for x in lines if is_list_line(x)]
    n = EASY_ITEMS if simple else MAX_ITEMS
    shown = items[:n]
    if keep in items[n:]:
        shown = items[:n - 1] + [keep]
    body = " ; ".join(shown)
    return Span(u, f"{label} : {body}" if label else body, len(items) - len(shown))


def _easy_choice(index: Index, scored: list, best: tuple) -> tuple:
    """The shortest whole sentence close to the best one that holds as much of the question."""
    close = [c for c in scored if c[3] >= 0 and c[0] >= best[0] - EASY_MARGIN
             and c[4] >= best[4] - 1e-9]
    standalone = [c for c in close if not _POINTS_BACK.match(index.sentences[c[3]].text)]
    pool = standalone or close or [best]
    return min(pool, key=lambda c: (len(index.sentences[c[3]].text.split()), -c[0]))


def _sentence_span(index: Index, j: int, simple: bool, near: int | None = None) -> str:
    """Sentence j, with the sentence before it when it points back, and the one after it when
    it only introduces it, or either when it is sentence `near` (nearly as good an answer);
    never beyond its block's line."""
    s = index.sentences[j]
    block = index.corpus.passages[s.block]
    lines = _lines(block.text)
    line = lines[s.line]
    parts = [p.lstrip("-*• ").strip() for p in split_sentences(line)]
    try:
        k = parts.index(s.text)
    except ValueError:
        return clean(s.text)
    chosen = [k]
    if is_list_line(line):
        label = next((x for x in reversed(lines[:s.line]) if not is_list_line(x)), "")
        item = clean(" ".join(parts))
        if label and len(label.split()) <= LABEL_WORDS:
            return f"{clean(label).rstrip(' :')} : {item}"
        return item
    if _is_label(lines, s.line) and s.line + 1 < len(lines):
        nxt = split_sentences(lines[s.line + 1])
        follow = clean(list_item_text(nxt[0])) if nxt else ""
        return f"{clean(s.text)} : {follow}" if follow else clean(s.text)
    if not simple:
        if k > 0 and _POINTS_BACK.match(parts[k]):
            chosen.insert(0, k - 1)
        if k + 1 < len(parts) and _POINTS_BACK.match(parts[k + 1]):  # it goes on about it
            chosen.append(k + 1)
        if ((parts[k].rstrip().endswith(":") or len(parts[k].split()) < 8)
                and k + 1 < len(parts) and k + 1 not in chosen):
            chosen.append(k + 1)
        if near is not None and index.sentences[near].line == s.line:
            other = index.sentences[near].text
            if k > 0 and parts[k - 1] == other and k - 1 not in chosen:
                chosen.insert(0, k - 1)
            elif k + 1 < len(parts) and parts[k + 1] == other and k + 1 not in chosen:
                chosen.append(k + 1)
        while len(chosen) > 1 and sum(len(parts[i].split()) for i in chosen) > MAX_WORDS:
            chosen.pop(0 if chosen[0] != k else -1)
    return clean(" ".join(parts[i] for i in chosen))
