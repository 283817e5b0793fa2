"""The Chatbot facade: load once, then `ask()`.

One question goes through small steps, each in its own module: refusals (nothing else runs)
-> everyday phrasing and spelling (phrasing.py) -> lexical and dense search over the units,
card matching (retrieval.py) -> scope check (scope.py) -> confidence gate (gate.py) -> a card,
one quoted span of one passage (extract.py), a scope warning or a decline that names where to
ask (answer.py, where.py).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from . import messages as m
from .answer import (
    Reply,
    card_reply,
    decline_reply,
    not_given_reply,
    quote_reply,
    refusal_reply,
    scope_reply,
    starter_questions,
    where_of,
)
from .asks import asked_kinds, asked_plainly, gives, holds, named_items, names_item
from .corpus import Corpus, Document
from .encoders import Encoder, get_encoder
from .extract import best_span, detail_span, fact_span, item_span, person_span
from .gate import DEFAULT_GATE, decide
from .index import Index
from .normalise import normalise_text
from .phrasing import Phrasing, Speller
from .privacy import DEFAULT_REGIONS, find_personal_data
from .retrieval import Evidence, Query, Retriever, question_focus
from .scope import Scope, ScopeFinding
from .where import WhereToAsk

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 300
SEE_ALSO_MARGIN = 0.05  # a second card this close to the best one is offered as "see also"
# a question this close (cosine) to one of a card's own questions is one its author answered:
# the card stands even when it holds no name, date or number ("Who coordinates…?")
WRITTEN_FOR = 0.85


def load_calibration(encoder_name: str, path: str | Path | None) -> dict:
    """Calibrated parameters for this encoder in the file at `path` ({} when none)."""
    if path is None:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("encoders", {}).get(encoder_name, {})


def _guide_words(corpus: Corpus) -> list[str]:
    """Every name and word the guides list (never 'corrected' into a corpus word)."""
    out: list[str] = []

    def walk(value):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            out.extend(str(k) for k in value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(corpus.guides)
    return out


def _missing(ev: Evidence, given: str) -> list[str]:
    """What the question plainly asks for (a figure, a date) that `given` does not hold."""
    question = ev.query.search
    return [kind for kind in asked_plainly(question) if not gives(given, kind, question)]


class Chatbot:
    def __init__(self, index: Index, calibration: dict | None = None,
                 translators: dict[str, m.Translate] | None = None, use_cards: bool = True,
                 regions: tuple[str, ...] = DEFAULT_REGIONS):
        """`translators`: {language: msgid -> text} for the chatbot's own sentences (French,
        the source language, needs none); `use_cards=False` answers from the documents only;
        `regions`: national phone formats the personal-data check knows."""
        self.index = index
        self.regions = tuple(regions)
        self.corpus = index.corpus
        self.calibration = calibration or {}
        self.translators = {"fr": m.identity, **(translators or {})}
        self.use_cards = use_cards and bool(self.corpus.cards)
        guides = self.corpus.guides
        self.phrasing = Phrasing.from_data(guides["synonyms"])
        self.where = WhereToAsk.from_data(guides["where"])
        domain = self.corpus.domain_texts()
        self.speller = Speller(domain, _guide_words(self.corpus), index.language_words)
        self.scope = Scope.from_data(guides["scope"], self.where, "\n".join(domain),
                                     self.speller.known,
                                     lambda word: self.speller.suggest(word) is not None)
        params = {lang: {k: v for k, v in c.items() if not k.startswith("gate")}
                  for lang, c in self.calibration.items() if lang in ("fr", "en")}
        subject = [n for n in guides["scope"].get("covered", {}).get("subject", [])]
        self.retriever = Retriever(index, params, self.phrasing, self.speller, subject)

    @classmethod
    def load(cls, corpus_dir: str | Path | Corpus,
             encoder: str | Encoder | None = None, cache_dir: str | Path | None = None,
             calibration: dict | None = None, warm: bool = True,
             translations_dir: str | Path | None = None,
             calibration_file: str | Path | None = None,
             regions: tuple[str, ...] = DEFAULT_REGIONS) -> Chatbot:
        """Load the corpus (a folder, or a Corpus built in memory) and its index, cached in
        `cache_dir` (built on first use; in memory only without one). Every path is an
        argument: `translations_dir` holds the gettext catalogues; calibrated parameters come
        from `calibration`, else from `calibration_file`; `regions`: national phone formats
        the personal-data check knows."""
        enc = get_encoder(encoder)
        corpus = corpus_dir if isinstance(corpus_dir, Corpus) else Corpus.load(Path(corpus_dir))
        index = Index.open(corpus, enc, Path(cache_dir) if cache_dir else None)
        if calibration is None:
            calibration = load_calibration(enc.name, calibration_file)
            if not calibration:
                log.warning("no calibration for encoder %s: run `python -m chatbot calibrate`"
                            " (using fallback thresholds)", enc.name)
        bot = cls(index, calibration, m.catalogue_translators(translations_dir),
                  regions=regions)
        if warm:  # the first encoder call initialises the model: pay it now, not on `ask`
            enc.encode(["ok"])
        return bot

    def documents_only(self) -> Chatbot:
        """The same chatbot with its cards switched off: what any new document relies on."""
        bot = Chatbot.__new__(Chatbot)
        bot.__dict__.update(self.__dict__)
        bot.use_cards = False
        return bot

    # -- for the web layer -----------------------------------------------------------------
    @property
    def documents(self) -> list[Document]:
        return self.corpus.documents

    def document(self, doc_id: str) -> Document | None:
        return self.corpus.doc_by_id.get(doc_id)

    @property
    def encoder_info(self) -> dict:
        info = self.index.encoder.info()
        info["dimension"] = info.get("dimension") or self.index.dim
        return info

    def starter_questions(self, lang: str = "fr", n: int = 4) -> list[str]:
        return starter_questions(self.index, lang, n)

    def gate_params(self, lang: str) -> dict:
        values = self.calibration.get(lang) or {}
        key = "gate" if self.use_cards else "gate_documents"
        return values.get(key) or values.get("gate") or DEFAULT_GATE

    # -- asking ----------------------------------------------------------------------------
    def check(self, question: str, lang: str, t: m.Translate) -> Reply | None:
        """A refusal when the question cannot be processed; runs before anything else."""
        kind = None
        if not question.strip():
            kind = "empty"
        elif len(question) > MAX_QUESTION_CHARS:
            kind = "too_long"
        elif find_personal_data(question, self.regions):
            kind = "personal_data"
        if kind is None:
            return None
        return refusal_reply(kind, t, self.starter_questions(lang, 3) if kind == "empty" else [])

    def ask(self, question: str, lang: str = "fr", simple: bool = False, mode: str = "fused",
            translate: m.Translate | None = None, within: tuple[set, set] | None = None
            ) -> Reply:
        """Answer `question`; `mode` bm25 or dense restricts retrieval (for evaluation);
        `translate` (msgid -> text) overrides the catalogue of `lang`; `within`: (document
        ids, card ids) to answer from first, the whole base answering when they cannot."""
        return self.respond(question, lang, simple, mode, translate, within)[0]

    def respond(self, question: str, lang: str = "fr", simple: bool = False,
                mode: str = "fused", translate: m.Translate | None = None,
                within: tuple[set, set] | None = None) -> tuple[Reply, Evidence | None]:
        """The reply and the retrieval evidence behind it (None for refusals). With `within`,
        those documents and cards answer first (`Reply.within` "within"), else the whole base
        ("general"); the question is encoded once for both."""
        lang = lang if lang in ("fr", "en") else "fr"
        t = self.translator(lang, translate)
        question = normalise_text(question or "")
        refusal = self.check(question, lang, t)
        if refusal is not None:
            return refusal, None
        question = " ".join(question.split())
        retriever = self.retriever
        query = retriever.make_query(question, lang)
        finding = self.scope_of(question, lang)
        masks = self._masks(within)
        if masks is not None and not finding.outside:
            ev = retriever.evidence(query, self.use_cards, masks)
            decision = decide(retriever, ev, self.gate_params(lang))
            if decision.confident and ev.ranking:
                reply = self.compose(ev, lang, simple, decision.score, mode, t)
                reply.within = "within"
                return reply, ev
        reply, ev = self._answer(query, finding, lang, simple, mode, t)
        if within is not None:
            reply.within = "general"
        return reply, ev

    def _masks(self, within: tuple[set, set] | None):
        """Retriever.within's masks for (document ids, card ids), None when none is known."""
        if within is None:
            return None
        docs = {d for d in within[0] if d in self.corpus.doc_by_id}
        cards = set(within[1])
        return self.retriever.within(docs, cards) if docs or cards else None

    def _answer(self, query: Query, finding: ScopeFinding, lang: str, simple: bool, mode: str,
                t: m.Translate) -> tuple[Reply, Evidence]:
        """The reply of the whole base."""
        retriever = self.retriever
        ev = retriever.evidence(query, self.use_cards)
        if mode != "fused":
            retriever.fuse(ev, mode)
        decision = decide(retriever, ev, self.gate_params(lang))
        if finding.outside:
            related = None
            if decision.confident and finding.places and ev.ranking:
                related = self.compose(ev, lang, simple, decision.score, mode, t)
                if related.kind != "card":  # a quoted sentence out of its context misleads
                    related = None
            return scope_reply(finding, self.scope.about_in(lang), related, lang,
                               where_of(finding.body, lang), t, self.index, ev,
                               decision.score), ev
        if not decision.confident or not ev.ranking:
            # a person the documents name is not a question they cannot answer ("Who is Luc
            # Bégin?": the gate may see little else to go on, in English above all)
            if (span := person_span(self.index, ev, simple)) is not None:
                return quote_reply(retriever, span, ev, lang, decision.score, t), ev
            where = where_of(finding.body or self.where.fallback, lang)
            return decline_reply(self.index, ev, lang, decision.score, where, t), ev
        return self.compose(ev, lang, simple, decision.score, mode, t), ev

    def translator(self, lang: str, translate: m.Translate | None) -> m.Translate:
        """`translate` when it speaks `lang`, else the catalogue of `lang`: a caller's gettext
        bound to the page's locale must not put French labels in an English reply."""
        own = self.translators.get(lang) or m.identity
        if translate is None:
            return own
        probe = m.ACCORDING_TO_IN
        said = translate(probe)
        if said == probe != own(probe):  # French (the source) for a reply in another language
            return own
        if any(said == other(probe) != probe for other_lang, other in self.translators.items()
               if other_lang != lang):  # another catalogue's language
            return own
        return translate

    def scope_of(self, question: str, lang: str) -> ScopeFinding:
        """What the question names that the documents do not cover. A long question that
        first tells about the asker ("Je suis préposée à Rimouski… Est-ce que les syndicats…")
        is checked on the sentences that ask: where the asker lives or works is context, not
        the subject."""
        text = self.phrasing.rewrite(question, lang)
        return self.scope.check(question_focus(text) or text, lang)

    def compose(self, ev: Evidence, lang: str, simple: bool, confidence: float, mode: str,
                t: m.Translate) -> Reply:
        """A card when one matches well enough (and a close second as "see also"), else a
        quote of the best passage. A card that holds no name, date or number when the question
        asks for one ("Qui a écrit la synthèse ?") gives way to a passage that holds one, unless
        the question is one of the card's own: the card is about the topic, the passage
        answers the question. So does a card that does not name the item the question names
        ("mesure 2.1"), to that item of its document. A figure or a date asked for plainly
        that the answer does not hold is said not to be given."""
        retriever = self.retriever
        ranked = ev.cards_by_score()
        card_min = retriever.p(lang)["card_min"]
        numbers = named_items(ev.query.search)
        span = None
        if mode == "fused" and ranked and ranked[0][1] >= card_min:
            (best, score), rest = ranked[0], ranked[1:]
            cards = self.corpus.card_by_id
            asked = asked_kinds(ev.query.search)
            written_for = ev.card_q_dense[retriever.card_ids.index(best)] >= WRITTEN_FOR
            said = cards[best].answer_text(lang, simple)
            own_words = " ".join([said, *cards[best].questions.get(lang, [])])
            if numbers and not any(names_item(own_words, n) for n in numbers):
                # an overview card gives way to the item of its document the question names
                # (however close the card's question: "objective 5" is a small part of it)
                span = item_span(self.index, retriever, ev, numbers,
                                 [s.doc for s in cards[best].sources], simple)
            if span is None and asked and not written_for and not holds(said, asked):
                span = fact_span(self.index, retriever, ev, asked, simple)
            if span is None:
                close = rest[0] if rest and rest[0][1] >= card_min and \
                    score - rest[0][1] <= retriever.p(lang).get("see_also_margin",
                                                              SEE_ALSO_MARGIN) else None
                detail = None if simple else detail_span(
                    self.index, retriever, ev, cards[best].answer_text(lang), lang,
                    retriever.card_units.get(best, []), simple)
                reply = card_reply(retriever, cards[best], ev, lang, simple, confidence,
                                   cards[close[0]] if close else None, detail, t)
                given = " ".join([said, detail.text if detail else ""])
                return reply if written_for else self._given_or_not(ev, given, reply, t)
        if span is None and numbers and ev.ranking:
            # the best-matching document that numbers such an item ("stratégie IA mesure 2.2":
            # another document's "Planification stratégique" may match better, it has no 2.2)
            docs = dict.fromkeys(self.index.corpus.units[u].doc_id
                                 for u in retriever.passage_ranking(ev))
            span = item_span(self.index, retriever, ev, numbers, list(docs), simple)
        span = span or best_span(self.index, retriever, ev, simple)
        # a wider search for the sentence that has the name, figure or date asked for
        wanted = dict.fromkeys(asked_kinds(ev.query.search) + asked_plainly(ev.query.search))
        if missing := [k for k in wanted if not holds(span.text, [k])]:
            span = fact_span(self.index, retriever, ev, missing, simple) or span
        return self._given_or_not(ev, span.text,
                                  quote_reply(retriever, span, ev, lang, confidence, t), t)

    @staticmethod
    def _given_or_not(ev: Evidence, given: str, reply: Reply, t: m.Translate) -> Reply:
        """`reply`, or, when the question plainly asks for a figure or a date that `given` (what
        the reply answers with) does not hold, the same marked as not giving it."""
        missing = _missing(ev, given)
        return not_given_reply(missing[0], reply, t) if missing else reply
