"""Lexical + dense passage search, score fusion and card matching for one query."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .bridge import query_words
from .index import Index
from .text import analyze

# Fusion and card-matching parameters; the calibrated values (chatbot/calibration.json,
# written by `python -m chatbot calibrate`) override these neutral defaults.
DEFAULT_PARAMS = {
    "fr": {"w_lex": 0.5, "w_card": 0.5, "w_sent": 0.5, "card_alpha": 0.7, "card_floor": 0.4,
           "card_min": 0.75},
    "en": {"w_lex": 0.2, "w_card": 0.5, "w_sent": 0.5, "card_alpha": 0.8, "card_floor": 0.4,
           "card_min": 0.75},
}
TOP_K = 10
BRIDGE_WEIGHT = 0.5  # French words bridged from an English question count half (bridge.py)


@dataclass
class Query:
    text: str
    lang: str
    tokens: list[str]
    vector: np.ndarray
    # English questions: query stem -> French stems of its nearest corpus words (bridge.py)
    bridged: dict[str, list[str]] = field(default_factory=dict)

    @property
    def bridge_tokens(self) -> list[str]:
        own = set(self.tokens)
        return list(dict.fromkeys(t for ts in self.bridged.values() for t in ts if t not in own))


@dataclass
class Evidence:
    """Every score computed for one query (all arrays are over index.corpus.passages)."""

    query: Query
    lex: np.ndarray  # BM25, raw
    dense: np.ndarray  # cosine of the passage embedding
    sent: np.ndarray  # best cosine of one sentence of the passage
    card_dense: dict[str, float]
    card_lex: dict[str, float]
    card_dense_arr: np.ndarray
    card_lex_arr: np.ndarray
    card_score: dict[str, float] = field(default_factory=dict)
    fused: np.ndarray | None = None
    ranking: list[int] = field(default_factory=list)

    @property
    def best_card(self) -> tuple[str | None, float]:
        if not self.card_score:
            return None, 0.0
        cid = max(self.card_score, key=self.card_score.get)
        return cid, self.card_score[cid]


def _norm_max(x: np.ndarray) -> np.ndarray:
    m = float(x.max()) if len(x) else 0.0
    return x / m if m > 0 else np.zeros_like(x)


class Retriever:
    def __init__(self, index: Index, params: dict | None = None):
        self.index = index
        self.params = {lang: dict(v) for lang, v in DEFAULT_PARAMS.items()}
        for lang, values in (params or {}).items():
            self.params.setdefault(lang, {}).update(values)
        corpus = index.corpus
        pos = {p.id: i for i, p in enumerate(corpus.passages)}
        # passages quoted by each card (the card's evidence in the documents)
        self.card_passages: dict[str, list[int]] = {}
        for card in corpus.cards:
            found: list[int] = []
            for src in card.sources:
                for p in corpus.passages_for_quote(src.doc, src.quote):
                    if pos[p.id] not in found:
                        found.append(pos[p.id])
            self.card_passages[card.id] = found
        self.q_tokens = [analyze(q.text, q.lang) for q in index.card_questions]
        self.q_self = np.array([self._bm25_cards(t)[i] if t else 0.0
                                for i, t in enumerate(self.q_tokens)], dtype=np.float32)
        self.sent_owner = np.array([s.passage for s in index.sentences], dtype=np.int64)
        self.card_ids = list(dict.fromkeys(q.card_id for q in index.card_questions))
        pos_card = {c: i for i, c in enumerate(self.card_ids)}
        # card x passage matrix: 1 where the card quotes the passage
        self.card_matrix = np.zeros((len(self.card_ids), len(corpus.passages)), np.float32)
        for c, cid in enumerate(self.card_ids):
            self.card_matrix[c, self.card_passages.get(cid, [])] = 1.0
        self.q_card = np.array([pos_card[q.card_id] for q in index.card_questions], dtype=np.int64)
        lang_of = {d.id: d.language for d in corpus.documents}
        self.p_tokens = [set(analyze(f"{p.heading}\n{p.text}", lang_of[p.doc_id]))
                         for p in corpus.passages]
        # every term of the domain: passages and card questions (each in its own language)
        self.vocabulary = set().union(*self.p_tokens, *map(set, self.q_tokens))

    def p(self, lang: str) -> dict:
        return self.params.get(lang) or self.params["fr"]

    def _bm25_cards(self, tokens: list[str]) -> np.ndarray:
        n = len(self.index.card_questions)
        if not n or not tokens:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(self.index.bm25_cards.get_scores(tokens), dtype=np.float32)[:n]

    def make_query(self, text: str, lang: str) -> Query:
        qwords = query_words(text) if lang == "en" and self.index.bridge.vocab else []
        vecs = self.index.encoder.encode([text] + qwords)  # one encoder call
        bridged = self.index.bridge.expand(qwords, vecs[1:], lang) if qwords else {}
        return Query(text, lang, analyze(text, lang), vecs[0], bridged)

    def evidence(self, query: Query) -> Evidence:
        idx = self.index
        n = len(idx.corpus.passages)
        lex = (np.asarray(idx.bm25_passages.get_scores(query.tokens), dtype=np.float32)[:n]
               if query.tokens and n else np.zeros(n, dtype=np.float32))
        extra = query.bridge_tokens
        if extra and n:
            lex = lex + BRIDGE_WEIGHT * np.asarray(idx.bm25_passages.get_scores(extra),
                                                   dtype=np.float32)[:n]
        dense = idx.dense_passages.scores(query.vector)
        sent = np.full(n, -1.0, dtype=np.float32)
        if len(idx.sentences):
            s_scores = idx.sentence_vecs @ query.vector
            np.maximum.at(sent, self.sent_owner, s_scores.astype(np.float32))
        sent = np.where(sent < -0.5, dense, sent)
        # card questions: dense cosine in any language, BM25 relative to the question's own score
        card_dense: dict[str, float] = {}
        card_lex: dict[str, float] = {}
        if idx.card_questions:
            qd = idx.dense_cards.scores(query.vector)
            ql = self._bm25_cards(query.tokens)
            ratio = np.where(self.q_self > 0, ql / np.maximum(self.q_self, 1e-6), 0.0)
            ratio = np.minimum(ratio, 1.0)
            best_d = np.full(len(self.card_ids), -1.0, dtype=np.float32)
            best_l = np.zeros(len(self.card_ids), dtype=np.float32)
            np.maximum.at(best_d, self.q_card, qd)
            np.maximum.at(best_l, self.q_card, ratio.astype(np.float32))
            card_dense = dict(zip(self.card_ids, best_d.tolist(), strict=True))
            card_lex = dict(zip(self.card_ids, best_l.tolist(), strict=True))
        else:
            best_d = best_l = np.zeros(0, dtype=np.float32)
        ev = Evidence(query, lex, dense, sent, card_dense, card_lex, best_d, best_l)
        self.fuse(ev)
        return ev

    def card_scores(self, ev: Evidence, p: dict) -> np.ndarray:
        """Card match scores (aligned with self.card_ids): dense and lexical evidence mixed."""
        a = p["card_alpha"]
        return a * ev.card_dense_arr + (1 - a) * ev.card_lex_arr

    def fuse(self, ev: Evidence, mode: str = "fused", params: dict | None = None) -> None:
        """Score-normalised weighted fusion; `mode` bm25 or dense gives one signal alone.

        fused = w_lex * BM25/max(BM25) + (1 - w_lex) * dense
                + w_card * max over cards quoting the passage of (card score - floor)+
        """
        p = params or self.p(ev.query.lang)
        scores = self.card_scores(ev, p)
        ev.card_score = dict(zip(self.card_ids, scores.tolist(), strict=True))
        dense = (1 - p["w_sent"]) * ev.dense + p["w_sent"] * ev.sent
        if mode == "bm25":
            fused = ev.lex.copy()
        elif mode == "dense":
            fused = dense.copy()
        else:
            fused = p["w_lex"] * _norm_max(ev.lex) + (1 - p["w_lex"]) * dense
            if len(scores) and p["w_card"]:
                lift = np.maximum(scores - p["card_floor"], 0.0) / (1 - p["card_floor"])
                fused = fused + p["w_card"] * (self.card_matrix * lift[:, None]).max(axis=0)
        ev.fused = fused
        ev.ranking = [int(i) for i in np.argsort(-fused, kind="stable")[:TOP_K]]

    def known_share(self, ev: Evidence) -> float:
        """idf-weighted share of the query's terms that occur anywhere in the domain (0..1):
        a question whose topical words the corpus never uses is about something else."""
        weights = {t: self.index.idf(t) for t in set(ev.query.tokens)}
        total = sum(weights.values())
        if not total:
            return 1.0  # only stop words: nothing unknown, the other features decide
        return sum(w for t, w in weights.items() if t in self.vocabulary) / total

    def lexical_coverage(self, ev: Evidence, passages: list[int]) -> float:
        """idf-weighted share of the query's terms found in the best of `passages` (0..1); a
        term absent but with a bridged French word in the passage counts BRIDGE_WEIGHT."""
        toks = set(ev.query.tokens)
        if not toks or not passages:
            return 0.0
        weights = {t: self.index.idf(t) for t in toks}
        total = sum(weights.values()) or 1.0
        bridged = ev.query.bridged
        best = 0.0
        for i in passages:
            ptoks = self.p_tokens[i]
            got = sum(w if t in ptoks else
                      BRIDGE_WEIGHT * w if any(b in ptoks for b in bridged.get(t, ())) else 0.0
                      for t, w in weights.items())
            best = max(best, got / total)
        return best
