"""Compose the reply: card answer, extractive answer, or a kind decline."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .corpus import Card, Corpus, Passage
from .index import Index
from .retrieval import Evidence
from .text import analyze

MAX_SOURCES = 3

MESSAGES = {
    "decline": {
        "fr": "Je ne trouve pas de réponse fiable à cette question dans les documents de la "
              "consultation. Vous pouvez la poser aux personnes qui animent la consultation ou "
              "à l'organisme public concerné. Voici des questions auxquelles je peux répondre.",
        "en": "I could not find a reliable answer to this question in the consultation's "
              "documents. You can ask the consultation's facilitators or the public body "
              "concerned. Here are some questions I can answer.",
    },
    "empty": {
        "fr": "Posez une question sur l'intelligence artificielle dans les services publics.",
        "en": "Please ask a question about artificial intelligence in public services.",
    },
    "too_long": {
        "fr": "Votre question est trop longue (300 caractères au maximum). "
              "Pouvez-vous la raccourcir ?",
        "en": "Your question is too long (300 characters at most). Could you shorten it?",
    },
    "personal_data": {
        "fr": "Votre question semble contenir des renseignements personnels (courriel, "
              "téléphone, adresse, numéro d'assurance sociale ou de carte). Retirez-les, puis "
              "posez votre question de nouveau. Rien n'a été conservé.",
        "en": "Your question seems to contain personal information (e-mail, phone number, "
              "address, social insurance or card number). Please remove it and ask again. "
              "Nothing was kept.",
    },
    "lead_other_language": {
        "fr": "D'après les documents (en anglais) : ",
        "en": "According to the documents (in French): ",
    },
}


def message(kind: str, lang: str) -> str:
    return MESSAGES[kind].get(lang) or MESSAGES[kind]["fr"]


@dataclass
class Source:
    doc_id: str
    title: str
    excerpt: str  # exact passage text from the document
    url: str  # /chat/sources/<doc_id>#<passage_id>
    passage_id: str
    heading: str = ""


@dataclass
class Reply:
    answered: bool
    text: str
    sources: list[Source] = field(default_factory=list)
    card_id: str | None = None
    suggestions: list[str] = field(default_factory=list)
    refusal: str | None = None  # None, "too_long", "personal_data", "empty"
    confidence: float = 0.0


_QUESTION_END = re.compile(r"\?\s*[»\"”)]?\s*$")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_MARK = re.compile(r"(\*\*|__|\*|`|<[^>]+>)")


def plain(text: str) -> str:
    """Markdown/HTML-free text."""
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_MARK.sub("", text)
    return " ".join(text.replace("<", "‹").replace(">", "›").split())


def source_of(corpus: Corpus, passage: Passage) -> Source:
    doc = corpus.doc_by_id[passage.doc_id]
    return Source(doc.id, doc.title, passage.text, passage.url, passage.id, passage.heading)


def card_reply(index: Index, card: Card, card_passages: list[int], ev: Evidence, lang: str,
               simple: bool, confidence: float) -> Reply:
    order = list(dict.fromkeys(card_passages + ev.ranking))[:MAX_SOURCES]
    corpus = index.corpus
    return Reply(True, plain(card.answer_text(lang, simple)),
                 [source_of(corpus, corpus.passages[i]) for i in order], card.id,
                 confidence=confidence)


def _shorten(sentence: str, max_words: int) -> str:
    words = sentence.split()
    if len(words) <= max_words:
        return sentence
    return " ".join(words[:max_words]).rstrip(",;:") + " …"


def extractive_reply(index: Index, ev: Evidence, lang: str, simple: bool,
                     confidence: float) -> Reply:
    """The most relevant sentences of the best passages, shortened."""
    corpus = index.corpus
    top = ev.ranking[:MAX_SOURCES]
    qtoks = set(ev.query.tokens)
    weights = {t: index.idf(t) for t in qtoks}
    total = sum(weights.values()) or 1.0
    candidates = []
    for rank, pi in enumerate(top[:2]):
        lang_p = corpus.doc_by_id[corpus.passages[pi].doc_id].language
        for si in index.sentences_of[pi]:
            s = index.sentences[si]
            cos = float(index.sentence_vecs[si] @ ev.query.vector)
            stoks = set(analyze(s.text, lang_p))
            lex = sum(w for t, w in weights.items() if t in stoks) / total
            score = cos + 0.5 * lex - 0.05 * rank
            if _QUESTION_END.search(s.text):  # a question quoted in the source answers nothing
                score -= 0.3
            if simple:
                score -= 0.005 * len(s.text.split())
            candidates.append((score, si, s.text))
    if not candidates:
        for pi in top[:1]:
            candidates.append((0.0, -1, corpus.passages[pi].text))
    candidates.sort(key=lambda c: -c[0])
    if simple:
        chosen = [_shorten(plain(t), 20) for _, _, t in candidates[:2]]
        chosen = chosen[:1] if len(" ".join(chosen).split()) > 30 else chosen
    else:
        chosen, words = [], 0
        for _, _, t in candidates[:3]:
            t = _shorten(plain(t), 45)
            if chosen and words + len(t.split()) > 80:
                break
            chosen.append(t)
            words += len(t.split())
    text = " ".join(chosen)
    doc_lang = corpus.doc_by_id[corpus.passages[top[0]].doc_id].language if top else lang
    if doc_lang != lang:
        text = message("lead_other_language", lang) + text
    return Reply(True, text, [source_of(corpus, corpus.passages[i]) for i in top],
                 confidence=confidence)


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


def decline_reply(index: Index, ev: Evidence, lang: str, confidence: float) -> Reply:
    return Reply(False, message("decline", lang), [], None,
                 suggestions_for(index, ev, lang), confidence=confidence)

