"""Confidence gate: answer or decline, from calibrated evidence.

Features (all on comparable 0..1-ish scales, none is the fused ranking score):
- ``dense``: best cosine between the question and a passage (passage or sentence embedding),
- ``lexical``: idf-weighted share of the question's terms present in one of the top units,
- ``card``: best card match score (0 when cards are switched off).
The gate answers when ``w · features >= threshold``, or, for topics no card covers, when the
passage evidence alone (``a·dense + (1-a)·lexical``) is above every out-of-scope question of
the dev set. Whatever the evidence, it declines when ``known`` (idf-weighted share of the
question's terms that occur anywhere in the passages or card questions) is below a floor: a
question mostly made of words the corpus never uses ("France", "passeport", "weather") is about
something else, even when a generic word ("stratégie", "public") matches. Weights, thresholds
and the floor per language come from `python -m chatbot calibrate` (see calibrate.py); the
defaults below are only a fallback for an uncalibrated encoder.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .retrieval import Evidence, Retriever

FEATURES = ("dense", "lexical", "card")
DEFAULT_GATE = {"weights": [0.5, 0.2, 0.3], "threshold": 0.45, "known_floor": 0.4}


@dataclass
class GateDecision:
    confident: bool
    score: float
    features: dict[str, float]


def features(retriever: Retriever, ev: Evidence) -> dict[str, float]:
    p = retriever.p(ev.query.lang)
    dense = (1 - p["w_sent"]) * ev.dense + p["w_sent"] * ev.sent
    top = retriever.distinct(ev.ranking, 3)
    _, card = ev.best_card
    return {
        "dense": float(dense.max()) if len(dense) else 0.0,
        "lexical": retriever.lexical_coverage(ev, top),
        "card": float(card),
        "known": retriever.known_share(ev),
    }


def score(feats: dict[str, float], gate: dict) -> float:
    return float(np.dot(gate["weights"], [feats[k] for k in FEATURES]))


def decide(retriever: Retriever, ev: Evidence, gate: dict | None = None) -> GateDecision:
    gate = gate or DEFAULT_GATE
    feats = features(retriever, ev)
    s = score(feats, gate)
    confident = s >= gate["threshold"]
    rescue = gate.get("passage")
    if not confident and rescue:  # strong passage evidence alone, for topics without a card
        a = rescue["dense_weight"]
        confident = a * feats["dense"] + (1 - a) * feats["lexical"] >= rescue["threshold"]
    if feats["known"] < gate.get("known_floor", 0.0):  # mostly words the corpus never uses
        confident = False
    return GateDecision(confident, s, feats)
