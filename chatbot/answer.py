"""Compose the reply: a card, a quote of one passage, a scope warning, or a kind decline.

Every sentence of the chatbot's own goes through the `Translate` callable of messages.py;
cards and documents are data, already in their language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import messages as m
from .corpus import Card, Corpus, Passage
from .extract import Span
from .index import Index
from .retrieval import Evidence, Retriever
from .scope import ScopeFinding
from .where import Body

MAX_SOURCES = 3


@dataclass
class Source:
    doc_id: str
    title: str
    excerpt: str  # exact text of the document (the unit the reply relies on)
    passage_id: str  # the block that shows the excerpt on the document page
    heading: str = ""  # heading path of the excerpt
    page: int = 1  # the part of the document page that shows it


@dataclass
class SeeAlso:
    """A neighbouring card the reply offers next to its answer."""

    card_id: str
    question: str


@dataclass
class Where:
    """The public body to ask, with its public contact page."""

    body_id: str
    name: str
    url: str
    general: bool = False  # the fallback body: the question named no body


@dataclass
class Reply:
    answered: bool
    text: str  # everything the reply says, as plain text
    sources: list[Source] = field(default_factory=list)
    card_id: str | None = None
    suggestions: list[str] = field(default_factory=list)
    refusal: str | None = None  # None, "too_long", "personal_data", "empty"
    confidence: float = 0.0
    kind: str = "decline"  # "card" | "quote" | "scope" | "decline" | "refusal"
    lead: str = ""  # a quote's lead ("Selon … :"); text = lead + quote (+ what follows)
    quote: str = ""  # the quoted span of one passage
    quote_lang: str | None = None  # the quote's language, when not the reply's
    language_label: str | None = None  # how the reply names it ("in French")
    see_also: SeeAlso | None = None
    not_covered: list[str] = field(default_factory=list)  # names the documents do not cover
    scope_note: str = ""  # the sentence that says so
    where: Where | None = None
    # asked within some documents (a consultation's): "within" when they answered, "general"
    # when the whole base did; None when asked of the whole base
    within: str | None = None


_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_MARK = re.compile(r"(\*\*|__|\*|`|<[^>]+>)")


def plain(text: str) -> str:
    """Markdown/HTML-free text."""
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_MARK.sub("", text)
    return " ".join(text.replace("<", "‹").replace(">", "›").split())


def source_of(corpus: Corpus, unit: Passage) -> Source:
    """The passage as the document page shows it: a list item comes with its whole list."""
    doc = corpus.doc_by_id[unit.doc_id]
    shown = corpus.block_by_id.get(unit.anchor, unit) if unit.kind == "item" else unit
    return Source(doc.id, doc.title, shown.text, unit.anchor or unit.id, shown.heading, unit.page)


def sources_for(retriever: Retriever, first: list[int], ev: Evidence) -> list[Source]:
    """The units the reply relies on first, then the best other units, none overlapping."""
    order = retriever.distinct(list(dict.fromkeys(first + ev.ranking)), MAX_SOURCES)
    corpus = retriever.index.corpus
    return [source_of(corpus, corpus.units[i]) for i in order]


def where_of(body: Body | None, lang: str) -> Where | None:
    return Where(body.id, body.name_in(lang), body.url_in(lang), body.fallback) if body else None


def where_sentence(where: Where | None, t: m.Translate) -> str:
    if where is None:
        return ""
    text = t(m.WHERE_GENERAL if where.general else m.WHERE) % {"body": where.name,
                                                                "url": where.url}
    # French contracts "à le" and "à les" ("adressez-vous au Protecteur du citoyen")
    return re.sub(r"\b([àÀ]) (le|les) ", lambda g: {"le": "au ", "les": "aux "}[g.group(2)]
                  if g.group(1) == "à" else {"le": "Au ", "les": "Aux "}[g.group(2)], text)


def card_question(card: Card, lang: str) -> str:
    return (card.questions.get(lang) or card.questions.get("fr") or [card.id])[0]


def card_reply(retriever: Retriever, card: Card, ev: Evidence, lang: str, simple: bool,
               confidence: float, see_also: Card | None = None, detail: Span | None = None,
               t: m.Translate = m.identity) -> Reply:
    """The card's answer; `detail`: a sentence of a document that says more exactly what was
    asked, quoted after it (and its passage cited first)."""
    text = plain(card.answer_text(lang, simple))
    first = list(retriever.card_units.get(card.id, []))
    if detail is not None:
        parts = quote_parts(retriever.index.corpus, detail, lang, t)
        quote = t(m.QUOTED) % {"name": parts["quote"]}
        source = retriever.index.corpus.doc_by_id[
            retriever.index.corpus.units[detail.unit].doc_id].cited_as(lang)
        text += " " + (t(m.DETAIL_IN) % {"source": source, "language": parts["language_label"],
                                         "quote": quote} if parts["language_label"]
                       else t(m.DETAIL) % {"source": source, "quote": quote})
        first.insert(0, detail.unit)
    return Reply(True, text, sources_for(retriever, first, ev),
                 card.id, confidence=confidence, kind="card",
                 see_also=SeeAlso(see_also.id, card_question(see_also, lang)) if see_also
                 else None)


def quote_parts(corpus: Corpus, span: Span, lang: str, t: m.Translate) -> dict:
    """Lead, quote and language label of a quoted span."""
    unit = corpus.units[span.unit]
    doc = corpus.doc_by_id[unit.doc_id]
    quote = span.text
    if span.items_left:
        quote += " " + t(m.MORE_ITEMS) % {"count": span.items_left}
    source = doc.cited_as(lang)
    if doc.language != lang:
        label = t(m.IN_LANGUAGE.get(doc.language, m.IN_LANGUAGE["fr"]))
        lead = t(m.ACCORDING_TO_IN) % {"source": source, "language": label}
        return {"lead": lead, "quote": quote, "quote_lang": doc.language,
                "language_label": label}
    return {"lead": t(m.ACCORDING_TO) % {"source": source}, "quote": quote,
            "quote_lang": None, "language_label": None}


def quoted_text(parts: dict, t: m.Translate) -> str:
    return f"{parts['lead']} {t(m.QUOTED) % {'name': parts['quote']}}"


def quote_reply(retriever: Retriever, span: Span, ev: Evidence, lang: str, confidence: float,
                t: m.Translate) -> Reply:
    parts = quote_parts(retriever.index.corpus, span, lang, t)
    return Reply(True, quoted_text(parts, t), sources_for(retriever, [span.unit], ev),
                 confidence=confidence, kind="quote", **parts)


def suggestions_for(index: Index, ev: Evidence | None, lang: str, n: int = 3,
                    exclude: set[str] | None = None) -> list[str]:
    """Card questions in `lang` closest to the query (one per card)."""
    by_card: dict[str, str] = {}
    for cq in index.card_questions:
        if cq.lang == lang and cq.card_id not in by_card:
            by_card[cq.card_id] = cq.text
    if not by_card:
        for cq in index.card_questions:
            by_card.setdefault(cq.card_id, cq.text)
    ids = list(by_card)
    if ev is not None and ev.card_score:
        ids.sort(key=lambda c: -ev.card_score.get(c, -1.0))
    ids = [c for c in ids if c not in (exclude or set())]
    return [by_card[c] for c in ids[:n]]


def starter_questions(index: Index, lang: str, n: int = 4) -> list[str]:
    """One question per document, from the card with the most question variants about it."""
    corpus = index.corpus
    best: dict[str, Card] = {}
    for card in corpus.cards:
        doc = card.sources[0].doc if card.sources else ""
        qs = card.questions.get(lang) or []
        if qs and (doc not in best or len(qs) > len(best[doc].questions.get(lang, []))):
            best[doc] = card
    order = [d.id for d in corpus.documents if d.id in best]
    order += [d for d in best if d not in order]
    return [best[d].questions[lang][0] for d in order][:n]


def decline_reply(index: Index, ev: Evidence, lang: str, confidence: float,
                  where: Where | None, t: m.Translate) -> Reply:
    text = " ".join(x for x in (t(m.DECLINE), where_sentence(where, t), t(m.ASK_FACILITATORS))
                    if x)
    return Reply(False, text, [], None, suggestions_for(index, ev, lang), confidence=confidence,
                 kind="decline", where=where)


def scope_reply(finding: ScopeFinding, about: str, related: Reply | None, lang: str,
                where: Where | None, t: m.Translate, index: Index, ev: Evidence,
                confidence: float) -> Reply:
    """The documents do not cover what the question names; what they say on a related
    subject may follow, clearly marked, then where to ask."""
    names = m.join_names(finding.names, t)
    note = (t(m.NOT_COVERED) % {"names": names, "about": about} if about
            else t(m.NOT_COVERED_GENERIC) % {"names": names})
    reply = _not_answered(note, related, where, t, confidence)
    reply.not_covered = list(finding.names)
    if related is None:
        reply.suggestions = suggestions_for(index, ev, lang)
    return reply


def not_given_reply(kind: str, related: Reply, t: m.Translate) -> Reply:
    """The question asks for a figure or a date no passage gives: say so, then what the
    documents say on the subject, clearly marked."""
    return _not_answered(t(m.NOT_GIVEN[kind]), related, None, t, related.confidence)


def _not_answered(note: str, related: Reply | None, where: Where | None, t: m.Translate,
                  confidence: float) -> Reply:
    parts = [note]
    if related is not None:
        parts += [t(m.RELATED), related.text]
    parts.append(where_sentence(where, t))
    reply = Reply(False, " ".join(p for p in parts if p), related.sources if related else [],
                  related.card_id if related else None, confidence=confidence, kind="scope",
                  scope_note=note, where=where)
    if related is not None and related.kind == "quote":
        reply.lead, reply.quote = related.lead, related.quote
        reply.quote_lang, reply.language_label = related.quote_lang, related.language_label
    return reply


def refusal_reply(kind: str, t: m.Translate, suggestions: list[str]) -> Reply:
    return Reply(False, t(m.REFUSALS[kind]), refusal=kind, suggestions=suggestions,
                 kind="refusal")
