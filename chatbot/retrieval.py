"""Lexical + dense search over the retrieval units, score fusion and card matching."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .asks import without_numbers
from .bridge import query_words
from .dense import Dense
from .index import Index
from .phrasing import Phrasing, Speller
from .text import analyze, split_sentences

# Fusion and card-matching parameters; the calibrated values (chatbot/calibration.json,
# written by `python -m chatbot calibrate`) override these neutral defaults.
DEFAULT_PARAMS = {
    "fr": {"w_lex": 0.5, "w_card": 0.5, "w_sent": 0.5, "card_alpha": 0.7, "card_floor": 0.4,
           "card_min": 0.75, "card_beta": 0.3, "card_gamma": 0.7},
    "en": {"w_lex": 0.2, "w_card": 0.5, "w_sent": 0.5, "card_alpha": 0.8, "card_floor": 0.4,
           "card_min": 0.75, "card_beta": 0.3, "card_gamma": 0.7},
}
TOP_K = 10
EXTRA_WEIGHT = 0.5  # words bridged from English (bridge.py) or from the synonym list count half


@dataclass
class Query:
    text: str  # as asked
    search: str  # everyday forms rewritten, misspellings corrected: what is encoded
    lang: str
    tokens: list[str]
    vector: np.ndarray  # the encoded question
    # English questions: query stem -> French stems of its nearest corpus words (bridge.py)
    bridged: dict[str, list[str]] = field(default_factory=dict)
    synonyms: list[str] = field(default_factory=list)  # stems the synonym list brings
    corrected: set[str] = field(default_factory=set)  # stems that come from a correction
    # other wordings of the question, encoded too: its ask alone when a long question tells
    # about the asker first, and the question in the documents' words (synonyms.toml)
    other_vectors: np.ndarray | None = None
    focus_tokens: list[str] = field(default_factory=list)  # the stems of its asking sentences
    # query stem -> stems of the documents' words for it (synonyms.toml), in the query's
    # language: the cards speak both languages, so their word evidence uses these too
    alternatives: dict[str, list[str]] = field(default_factory=dict)

    def cosines(self, dense: Dense) -> np.ndarray:
        """Cosine of each row of `dense` with the question (its best wording)."""
        wordings = self.vector[None, :] if self.other_vectors is None or \
            not len(self.other_vectors) else np.vstack([self.vector, self.other_vectors])
        return dense.scores(wordings).max(axis=0)

    @property
    def extra_tokens(self) -> list[str]:
        own = set(self.tokens)
        extra = [t for ts in self.bridged.values() for t in ts] + self.synonyms
        return list(dict.fromkeys(t for t in extra if t not in own))


@dataclass
class Evidence:
    """Every score computed for one query (unit arrays are over index.corpus.units; card
    arrays over Retriever.card_ids)."""

    query: Query
    lex: np.ndarray  # BM25, raw
    dense: np.ndarray  # cosine of the unit embedding
    sent: np.ndarray  # best cosine of one sentence of the unit
    card_q_dense: np.ndarray  # best cosine with one of the card's questions
    card_q_lex: np.ndarray  # best BM25 of one question, relative to its own score
    card_c_dense: np.ndarray  # best cosine with the card's answers and quotes
    card_c_lex: np.ndarray  # idf-weighted share of the query found in the card's content
    sentences: np.ndarray | None = None  # cosine of every block sentence (index.sentences)
    card_score: dict[str, float] = field(default_factory=dict)
    fused: np.ndarray | None = None
    ranking: list[int] = field(default_factory=list)
    use_cards: bool = True
    # the units searched (a boolean mask over the units), None for all: see Retriever.within
    allowed: np.ndarray | None = None

    def cards_by_score(self) -> list[tuple[str, float]]:
        return sorted(self.card_score.items(), key=lambda kv: -kv[1])

    @property
    def best_card(self) -> tuple[str | None, float]:
        if not self.card_score:
            return None, 0.0
        cid = max(self.card_score, key=self.card_score.get)
        return cid, self.card_score[cid]


FOCUS_WORDS = 18  # a question this long may tell about the asker before it asks
_ASKING = re.compile(r"\?\s*$|^(?:est-ce|qu'est|que |quel|quelle|quels|quelles|qui |quoi|comment|"
                     r"pourquoi|combien|quand|où|y a-t-il|il y a|peut-on|dois-je|puis-je|"
                     r"what|which|who|how|why|when|where|is |are |can |do |does |will |should )",
                     re.IGNORECASE)


# an asking sentence that points back to what the asker just said
_POINTS_BACK = re.compile(r"\b(?:qu'en|en pensez|en disent|en dit|ça|cela|ceci|celui-ci|celle-ci|"
                          r"là-dessus|à ce sujet|de ce|de cette|le cas|this|that|these|those|"
                          r"it|the case|about them|such)\b", re.IGNORECASE)


def question_focus(text: str) -> str:
    """The sentences that ask, when a long question first tells about the asker ("Je travaille
    au ministère depuis quinze ans… Est-ce qu'il y a un plan ?" -> "Est-ce qu'il y a un plan ?");
    "" when the question is short or all asking."""
    if len(text.split()) < FOCUS_WORDS:
        return ""
    sentences = split_sentences(text)
    asking = [i for i, s in enumerate(sentences) if _ASKING.search(s.strip())]
    if not asking or len(asking) == len(sentences):
        return ""
    ask = " ".join(sentences[i] for i in asking)
    if asking[0] > 0 and len(ask.split()) < 8 and (_POINTS_BACK.search(ask)
                                                   or len(analyze(ask)) < 3):
        asking.insert(0, asking[0] - 1)  # "Qu'en disent les documents ?" needs what precedes
    return " ".join(sentences[i] for i in asking)


# a card of the named document must match this share of its own question with the question's
# other words before the name counts alike for all its cards: "combien de monde au colloque"
# asks about the colloquium itself
TOPIC_MATCH = 0.5
NAME_MIN = 4  # shorter stems of a title ("id", "fer", "mai") are not names


def _name_words(document) -> str:
    """The words that may name a document: its titles, and the capitalised words of its
    publisher ("direction Collaboration avec les acteurs publics" names no document by
    "acteurs"); numbers are not names ("Trois projets pilotes…", "22 mai")."""
    publisher = " ".join(w for w in document.publisher.split()
                         if w.strip("()[]«»\"',;:")[:1].isupper())
    return without_numbers(" ".join([document.title, publisher,
                                     *document.short_title.values()]))


def _norm_max(x: np.ndarray) -> np.ndarray:
    m = float(x.max()) if len(x) else 0.0
    return x / m if m > 0 else np.zeros_like(x)


class Retriever:
    def __init__(self, index: Index, params: dict | None = None,
                 phrasing: Phrasing | None = None, speller: Speller | None = None,
                 subject_words: list[str] = ()):
        """`subject_words`: names of what the whole corpus is about ("Québec"): they say
        nothing about which passage answers, so the word search leaves them out."""
        self.index = index
        self.subject_tokens = {t for lang in ("fr", "en") for t in
                               analyze(" ".join(subject_words), lang)}
        self.phrasing = phrasing or Phrasing()
        self.speller = speller
        self.params = {lang: dict(v) for lang, v in DEFAULT_PARAMS.items()}
        for lang, values in (params or {}).items():
            self.params.setdefault(lang, {}).update(values)
        corpus = index.corpus
        pos = {u.id: i for i, u in enumerate(corpus.units)}
        # units quoted by each card (the card's evidence in the documents)
        self.card_units: dict[str, list[int]] = {}
        for card in corpus.cards:
            found: list[int] = []
            for src in card.sources:
                for u in corpus.units_for_quote(src.doc, src.quote):
                    if pos[u.id] not in found:
                        found.append(pos[u.id])
            self.card_units[card.id] = found
        self.u_tokens = [set(t) for t in index.unit_tokens]
        self.card_ids = [c.id for c in corpus.cards]
        pos_card = {c: i for i, c in enumerate(self.card_ids)}
        self.q_tokens = [analyze(q.text, q.lang) for q in index.card_questions]
        self.q_self = np.array([self._bm25_cards(t)[i] if t else 0.0
                                for i, t in enumerate(self.q_tokens)], dtype=np.float32)
        self.q_card = np.array([pos_card[q.card_id] for q in index.card_questions],
                               dtype=np.int64)
        self.c_card = np.array([pos_card[c.card_id] for c in index.card_contents],
                               dtype=np.int64)
        # what each card says, as stems per language (its answer, questions and quotes)
        self.card_content_tokens = {lang: [set(analyze(
            " ".join([c.answer.get(lang, "")] + c.questions.get(lang, [])
                     + ([s.quote for s in c.sources] if lang == "fr" else [])), lang))
            for c in corpus.cards] for lang in ("fr", "en")}
        # card x unit matrix: 1 where the card quotes the unit
        self.card_matrix = np.zeros((len(self.card_ids), len(corpus.units)), np.float32)
        for c, cid in enumerate(self.card_ids):
            self.card_matrix[c, self.card_units.get(cid, [])] = 1.0
        # the one document each card quotes ("" when it quotes several, or none)
        quoted = [{corpus.units[u].doc_id for u in self.card_units.get(cid, [])}
                  for cid in self.card_ids]
        self.card_document = np.array([next(iter(docs)) if len(docs) == 1 else ""
                                       for docs in quoted])
        # words that name one document (its titles, the names in its publisher) and hardly
        # occur elsewhere:
        # a question that names the document should not prefer the passage repeating its name
        self.doc_units: dict[str, np.ndarray] = {}
        for d in corpus.documents:
            self.doc_units[d.id] = np.array([i for i, u in enumerate(corpus.units)
                                             if u.doc_id == d.id], dtype=np.int64)
        # every stem of each document's names, in its language: a line made of them credits
        # the document ("Sens du Service public / Fondation Jean Jaurès - Rapport complet.")
        self.doc_name_stems = {d.id: set(analyze(_name_words(d), d.language))
                               for d in corpus.documents}
        meta = {d.id: {t for t in self.doc_name_stems[d.id] if len(t) >= NAME_MIN}
                for d in corpus.documents}
        units_with: dict[str, Counter] = {}
        for u, toks in zip(corpus.units, self.u_tokens, strict=True):
            for t in toks:
                units_with.setdefault(t, Counter())[u.doc_id] += 1
        self.doc_name_tokens: dict[str, str] = {}
        for d in corpus.documents:
            for t in meta[d.id]:
                counts = units_with.get(t, Counter())
                others = sum(counts.values()) - counts[d.id]
                if others <= 1 and sum(t in m for m in meta.values()) == 1:
                    self.doc_name_tokens[t] = d.id
        # every term of the domain: units and cards (each in its own language)
        self.vocabulary = set().union(*self.u_tokens, *map(set, self.q_tokens),
                                      *(s for sets in self.card_content_tokens.values()
                                        for s in sets))

    def p(self, lang: str) -> dict:
        return self.params.get(lang) or self.params["fr"]

    def _bm25_cards(self, tokens: list[str]) -> np.ndarray:
        n = len(self.index.card_questions)
        if not n or not tokens:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(self.index.bm25_cards.get_scores(tokens), dtype=np.float32)[:n]

    def _bm25_units(self, tokens: list[str]) -> np.ndarray:
        n = len(self.index.corpus.units)
        if not n or not tokens:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(self.index.bm25_units.get_scores(tokens), dtype=np.float32)[:n]

    def make_query(self, text: str, lang: str) -> Query:
        search = self.phrasing.rewrite(text, lang)
        fixes: dict[str, str] = {}
        if self.speller is not None:
            search, fixes = self.speller.correct(search)
        synonyms = self.phrasing.synonyms(search, lang)
        focus = question_focus(search)
        others = [x for x in (focus,
                              self.phrasing.standardize(search, lang) if synonyms else "")
                  if x and x != search]
        qwords = []
        if lang == "en" and self.index.bridge.vocab:
            qwords = query_words(" ".join([search] + synonyms))
        texts = [search] + others + qwords
        vecs = self.index.encoder.encode(texts)  # one encoder call
        first = 1 + len(others)
        bridged = self.index.bridge.expand(qwords, vecs[first:], lang) if qwords else {}
        for phrase, french in self.phrasing.glossary(search, lang).items():
            stems = list(dict.fromkeys(analyze(" ".join(french), "fr")))
            for stem in analyze(phrase, lang):  # the glossary knows better than the encoder
                bridged[stem] = stems
        corrected = set(analyze(" ".join(fixes.values()), lang))
        syn_tokens = analyze(" ".join(synonyms), lang) if lang != "en" else []
        tokens = [t for t in analyze(search, lang) if t not in self.subject_tokens]
        bridged = {k: [t for t in v if t not in self.subject_tokens]
                   for k, v in bridged.items() if k not in self.subject_tokens}
        focus_tokens = [t for t in analyze(focus, lang) if t not in self.subject_tokens]
        alternatives: dict[str, list[str]] = {}
        for phrase, words in self.phrasing.synonyms_by_word(search, lang).items():
            alt = [t for t in analyze(" ".join(words), lang) if t not in self.subject_tokens]
            for stem in analyze(phrase, lang):
                alternatives.setdefault(stem, []).extend(a for a in alt if a != stem)
        return Query(text, search, lang, tokens, vecs[0], bridged, syn_tokens,
                     corrected, vecs[1:first] if others else None, focus_tokens,
                     {k: list(dict.fromkeys(v)) for k, v in alternatives.items() if v})

    def within(self, docs: set[str], cards: set[str]) -> tuple[np.ndarray, np.ndarray]:
        """Masks over the units and the cards for a search within documents `docs` and cards
        `cards` (with the cards that quote those documents)."""
        unit_mask = np.array([u.doc_id in docs for u in self.index.corpus.units], dtype=bool)
        quoting = self.card_matrix[:, unit_mask].any(axis=1)
        return unit_mask, quoting | np.isin(self.card_ids, list(cards))

    def evidence(self, query: Query, use_cards: bool = True,
                 within: tuple[np.ndarray, np.ndarray] | None = None) -> Evidence:
        """Every score of the query; `within` (masks from `within()`) restricts the search to
        some documents and cards."""
        idx = self.index
        n = len(idx.corpus.units)
        names = [t for t in query.tokens if t in self.doc_name_tokens]
        topic = [t for t in query.tokens if t not in self.doc_name_tokens]
        lex = self._bm25_units(topic)
        if names:  # every unit of the named document gets the document's best score
            by_name = self._bm25_units(names)
            for doc_id in {self.doc_name_tokens[t] for t in names}:
                ids = self.doc_units[doc_id]
                if len(ids):
                    lex[ids] += by_name[ids].max()
        if query.extra_tokens:
            lex = lex + EXTRA_WEIGHT * self._bm25_units(query.extra_tokens)
        dense = query.cosines(idx.dense_units)
        sent = np.full(n, -1.0, dtype=np.float32)
        s_scores = query.cosines(idx.dense_sentences)
        if len(idx.pair_sentence):
            np.maximum.at(sent, idx.pair_unit, s_scores[idx.pair_sentence])
        sent = np.where(sent < -0.5, dense, sent)
        k = len(self.card_ids)
        q_dense, q_lex = np.full(k, -1.0, np.float32), np.zeros(k, np.float32)
        c_dense, c_lex = np.full(k, -1.0, np.float32), np.zeros(k, np.float32)
        if k and use_cards:
            np.maximum.at(q_dense, self.q_card, query.cosines(idx.dense_questions))
            if len(idx.dense_contents):
                np.maximum.at(c_dense, self.c_card, query.cosines(idx.dense_contents))
            q_lex, c_lex = self._question_words(query, query.tokens), \
                self._content_coverage(query, query.tokens)
            if names and topic:
                # The document's name counts alike for every card that quotes only it: its
                # overview card, whose questions repeat the name, must not win a question
                # about one of its topics on the name alone.
                named = np.isin(self.card_document, [self.doc_name_tokens[t] for t in names])
                topic_q = self._question_words(query, topic)
                if named.any() and topic_q[named].max() >= TOPIC_MATCH:
                    lift = float((q_lex - topic_q)[named].max(initial=0))
                    q_lex = np.where(named, np.maximum(q_lex, np.minimum(topic_q + lift, 1.0)),
                                     q_lex).astype(np.float32)
                    c_lex = np.where(named, self._content_coverage(query, query.tokens,
                                                                   set(names)),
                                     c_lex).astype(np.float32)
        allowed = None
        if within is not None:
            allowed, cards = within
            lex = np.where(allowed, lex, 0.0).astype(np.float32)
            dense = np.where(allowed, dense, -1.0).astype(np.float32)
            sent = np.where(allowed, sent, -1.0).astype(np.float32)
            q_dense, c_dense = np.where(cards, q_dense, -1.0), np.where(cards, c_dense, -1.0)
            q_lex, c_lex = np.where(cards, q_lex, 0.0), np.where(cards, c_lex, 0.0)
        ev = Evidence(query, lex, dense, sent, q_dense, q_lex, c_dense, c_lex,
                      sentences=s_scores, use_cards=use_cards, allowed=allowed)
        self.fuse(ev)
        return ev

    def _question_words(self, query: Query, tokens: list[str]) -> np.ndarray:
        """Per card: its best question's BM25 for `tokens`, relative to the question's own
        score (at most 1)."""
        q_lex = np.zeros(len(self.card_ids), np.float32)
        ql = self._bm25_cards(tokens)
        own = set(tokens)
        alt = list(dict.fromkeys(a for t, v in query.alternatives.items()
                                 if t not in self.doc_name_tokens or t in own
                                 for a in v if a not in own))
        if alt:
            ql = ql + EXTRA_WEIGHT * self._bm25_cards(alt)
        ratio = np.minimum(np.where(self.q_self > 0, ql / np.maximum(self.q_self, 1e-6),
                                    0.0), 1.0).astype(np.float32)
        np.maximum.at(q_lex, self.q_card, ratio)
        return q_lex

    def _content_coverage(self, query: Query, tokens: list[str],
                          given: set[str] = frozenset()) -> np.ndarray:
        """Per card: idf-weighted share of `tokens` that its content uses (a term absent but
        with one of its synonyms present counts EXTRA_WEIGHT; a term in `given` counts as
        used)."""
        toks = set(tokens)
        sets = self.card_content_tokens.get(query.lang) or self.card_content_tokens["fr"]
        if not toks:
            return np.zeros(len(sets), np.float32)
        weights = {t: self.index.idf(t) for t in toks}
        total = sum(weights.values()) or 1.0
        alternatives = query.alternatives
        return np.array([sum(w if t in s or t in given else
                             EXTRA_WEIGHT * w if any(a in s for a in alternatives.get(t, ()))
                             else 0.0 for t, w in weights.items()) / total for s in sets],
                        dtype=np.float32)

    def card_scores(self, ev: Evidence, p: dict) -> np.ndarray:
        """Card match scores (aligned with self.card_ids): the card's questions, and what it
        says (its answers and quotes), each mixing dense and lexical evidence."""
        a, beta, gamma = p["card_alpha"], p.get("card_beta", 0.0), p.get("card_gamma", 0.7)
        questions = a * ev.card_q_dense + (1 - a) * ev.card_q_lex
        content = gamma * ev.card_c_dense + (1 - gamma) * ev.card_c_lex
        return (1 - beta) * questions + beta * content

    def fuse(self, ev: Evidence, mode: str = "fused", params: dict | None = None) -> None:
        """Score-normalised weighted fusion; `mode` bm25 or dense gives one signal alone.

        fused = w_lex * BM25/max(BM25) + (1 - w_lex) * dense
                + w_card * max over cards quoting the unit of (card score - floor)+
        """
        p = params or self.p(ev.query.lang)
        if not ev.use_cards:  # the documents alone have their own calibrated weights
            p = {**p, **p.get("documents", {})}
        scores = self.card_scores(ev, p) if ev.use_cards else np.zeros(0, np.float32)
        ev.card_score = dict(zip(self.card_ids, scores.tolist(), strict=False))
        dense, passage = self._passage_scores(ev, p)
        if mode == "bm25":
            fused = ev.lex.copy()
        elif mode == "dense":
            fused = dense.copy()
        else:
            fused = passage
            if len(scores) and p["w_card"]:
                lift = np.maximum(scores - p["card_floor"], 0.0) / (1 - p["card_floor"])
                fused = fused + p["w_card"] * (self.card_matrix * lift[:, None]).max(axis=0)
        ev.fused = fused
        ev.ranking = self._ranked(ev, fused)

    @staticmethod
    def _ranked(ev: Evidence, scores: np.ndarray) -> list[int]:
        order = np.argsort(-scores, kind="stable")
        if ev.allowed is not None:
            order = order[ev.allowed[order]]
        return [int(i) for i in order[:TOP_K * 3]]

    @staticmethod
    def _passage_scores(ev: Evidence, p: dict) -> tuple[np.ndarray, np.ndarray]:
        """(dense, passage): the mix of unit and best-sentence cosines, and the fusion of
        words and meaning without the lift of the cards."""
        dense = (1 - p["w_sent"]) * ev.dense + p["w_sent"] * ev.sent
        return dense, p["w_lex"] * _norm_max(ev.lex) + (1 - p["w_lex"]) * dense

    def passage_ranking(self, ev: Evidence) -> list[int]:
        """The units by their own evidence (words and meaning), without the lift of the cards
        that quote them: where a fact the cards do not hold is looked for."""
        return self._ranked(ev, self._passage_scores(ev, self.p(ev.query.lang))[1])

    def distinct(self, ranking: list[int], k: int = TOP_K) -> list[int]:
        """The ranking without units that show text a better-ranked unit already shows."""
        units = self.index.corpus.units
        out: list[int] = []
        for i in ranking:
            if not any(units[i].overlaps(units[j]) for j in out):
                out.append(i)
                if len(out) == k:
                    break
        return out

    def known_share(self, ev: Evidence) -> float:
        """idf-weighted share of the query's terms that occur anywhere in the domain (0..1):
        a question whose topical words the corpus never uses is about something else. A word
        known only after a spelling correction, or only through its bridged French words or
        its synonyms ("pollue" -> "environnement"), counts half."""
        weights = {t: self.index.idf(t) for t in set(ev.query.tokens)}
        total = sum(weights.values())
        if not total:
            return 1.0  # only stop words: nothing unknown, the other features decide
        corrected, bridged = ev.query.corrected, ev.query.bridged
        alternatives = ev.query.alternatives
        known = 0.0
        for t, w in weights.items():
            if t in self.vocabulary:
                known += w * (EXTRA_WEIGHT if t in corrected else 1.0)
            elif any(b in self.vocabulary for b in (*bridged.get(t, ()),
                                                     *alternatives.get(t, ()))):
                known += w * EXTRA_WEIGHT
        return known / total

    def lexical_coverage(self, ev: Evidence, units: list[int]) -> float:
        """idf-weighted share of the query's terms found in the best of `units` (0..1); a
        term absent but with a bridged French word in the unit counts EXTRA_WEIGHT. A long
        question that tells about the asker first is also measured on its asking sentences
        alone (the better of the two): the asker's own situation is not what must match."""
        return max(self._coverage(ev, set(ev.query.tokens), units),
                   self._coverage(ev, set(ev.query.focus_tokens), units))

    def _coverage(self, ev: Evidence, toks: set[str], units: list[int]) -> float:
        if not toks or not units:
            return 0.0
        weights = {t: self.index.idf(t) for t in toks}
        total = sum(weights.values()) or 1.0
        bridged = ev.query.bridged
        best = 0.0
        for i in units:
            utoks = self.u_tokens[i]
            got = sum(w if t in utoks else
                      EXTRA_WEIGHT * w if any(b in utoks for b in bridged.get(t, ())) else 0.0
                      for t, w in weights.items())
            best = max(best, got / total)
        return best
