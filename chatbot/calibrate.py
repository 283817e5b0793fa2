"""Calibrate fusion weights, the card threshold and the confidence gate on a dev set.

`python -m chatbot calibrate [--dev corpus/eval/questions.json]` measures every dev question
once, then per language:
1. fusion weights (lexical vs dense, passage vs sentence embeddings, card propagation, card
   lexical/dense mix) by grid search maximising MRR@10 of the passage ranking;
2. the gate weights (over dense, lexical, card evidence) and threshold: among thresholds
   keeping >= 95 % of in-scope questions answered, the one declining most out-of-scope
   questions, with the widest margin; plus a passage-only rule (dense + lexical) placed
   above every out-of-scope question, when it answers in-scope questions the first rule missed;
3. the card threshold, among answered questions: a card whose quoted passages hold the
   expected text counts for, a wrong card against (thresholds mid-way between observed scores).
Results are written to chatbot/calibration.json under the encoder's name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from pathlib import Path

import numpy as np

from .evaluate import EvalItem, load_questions
from .gate import FEATURES, features
from .text import contains_folded

GRID = {
    "w_lex": [round(float(x), 2) for x in np.linspace(0, 1, 11)],
    "w_sent": [0.0, 0.25, 0.5, 0.75, 1.0],
    "w_card": [0.0, 0.25, 0.5, 0.75, 1.0],
    "card_alpha": [0.5, 0.6, 0.7, 0.8, 0.9],
    "card_floor": [0.0, 0.3, 0.4, 0.5],
}
MIN_ANSWERED = 0.95
KNOWN_FLOOR = 0.4  # at most: decline when over 60 % of the question is unknown words


def _mrr(ranking: list[int], rel: set[int]) -> float:
    for r, i in enumerate(ranking[:10], 1):
        if i in rel:
            return 1.0 / r
    return 0.0


def _midpoints(values: list[float]) -> list[float]:
    v = sorted(set(values))
    return [v[0] - 0.01] + [(a + b) / 2 for a, b in zip(v, v[1:], strict=False)] + [v[-1] + 0.01]


def calibrate_language(bot, items: list[EvalItem], grid: dict | None = None) -> dict:
    retriever = bot.retriever
    passages = bot.corpus.passages
    evs = [retriever.evidence(retriever.make_query(it.q, it.lang)) for it in items]
    rel = [{i for i, p in enumerate(passages)
            if any(contains_folded(p.text, e) for e in it.expect)} if it.expect else None
           for it in items]
    inscope = [k for k, it in enumerate(items) if it.expect]

    # 1. fusion weights
    best, best_key = None, None
    grid = grid or GRID
    for values in itertools.product(*grid.values()):
        params = dict(zip(grid, values, strict=True), card_min=1.0)
        total = 0.0
        for k in inscope:
            retriever.fuse(evs[k], "fused", params)
            total += _mrr(evs[k].ranking, rel[k])
        # prefer fewer moving parts on ties: less card propagation, balanced mixes
        key = (round(total, 6), -params["w_card"], -abs(params["w_lex"] - 0.5))
        if best_key is None or key > best_key:
            best, best_key = params, key
    params = dict(best)
    for ev in evs:
        retriever.fuse(ev, "fused", params)

    # 2. gate (it runs before the card choice)
    feats = [features(retriever, ev) for ev in evs]
    card_scores = [ev.best_card[1] for ev in evs]
    x = np.array([[f[name] for name in FEATURES] for f in feats])
    y = np.array([bool(it.expect) for it in items])
    weights_grid = [w for w in itertools.product(np.linspace(0, 1, 11), repeat=3)
                    if abs(sum(w) - 1) < 1e-9]
    best_gate, best_key = None, None
    for w in weights_grid:
        s = x @ np.array(w)
        for t in _midpoints(list(s)):
            answered = (s >= t)
            ans_rate = answered[y].mean() if y.any() else 1.0
            dec_rate = (~answered[~y]).mean() if (~y).any() else 1.0
            margin = float(np.min(np.abs(s - t)))
            key = (ans_rate >= MIN_ANSWERED, dec_rate + ans_rate, margin)
            if best_key is None or key > best_key:
                best_gate, best_key = {"weights": [round(float(v), 2) for v in w],
                                       "threshold": round(float(t), 4)}, key
    answered = x @ np.array(best_gate["weights"]) >= best_gate["threshold"]
    # 2b. passage rule: answer on passage evidence alone (topics no card covers) above every
    # out-of-scope question's passage evidence, mid-way to the next in-scope one.
    rescue, best_key = None, (0, 0.0)
    for a in np.linspace(0, 1, 11):
        ps = a * x[:, 0] + (1 - a) * x[:, 1]
        ceiling = float(ps[~y].max()) if (~y).any() else float(ps.min())
        above = sorted(float(v) for v in ps[y & ~answered] if v > ceiling)
        if above:
            key = (len(above), above[0] - ceiling)
            if key > best_key:
                rescue = {"dense_weight": round(float(a), 2),
                          "threshold": round((ceiling + above[0]) / 2, 4)}
                best_key = key
    if rescue:
        best_gate["passage"] = rescue
        ps = rescue["dense_weight"] * x[:, 0] + (1 - rescue["dense_weight"]) * x[:, 1]
        answered |= ps >= rescue["threshold"]
    # 2c. vocabulary floor: decline a question whose idf-weighted terms are mostly unknown to
    # the corpus (never below KNOWN_FLOOR), just under the least-known in-scope question.
    known = np.array([f["known"] for f in feats])
    floor = KNOWN_FLOOR
    if y.any():
        below = sorted(v for v in known[~y] if v < known[y].min())
        floor = min(KNOWN_FLOOR, (known[y].min() + below[-1]) / 2 if below else KNOWN_FLOOR)
    best_gate["known_floor"] = round(float(floor), 4)
    answered &= known >= floor
    params["gate"] = best_gate
    answered = list(answered)

    # 3. card threshold: among answered questions, a card answer is better than an extract when
    # its quoted passages hold the expected text, worse when they do not.
    def top3_ok(k, use_card):
        cid, _ = evs[k].best_card
        order = evs[k].ranking
        if use_card and cid is not None:
            order = list(dict.fromkeys(retriever.card_passages.get(cid, []) + order))
        return int(bool(set(order[:3]) & rel[k])) + int(bool(order[:1] and order[0] in rel[k]))

    def card_right(k):
        cid, _ = evs[k].best_card
        return cid is not None and bool(set(retriever.card_passages.get(cid, [])) & rel[k])

    best_t, best_key = 1.01, None
    for t in _midpoints(card_scores + [1.0]):
        used = [k for k in inscope if card_scores[k] >= t and answered[k]]
        gain = sum(top3_ok(k, card_scores[k] >= t) for k in inscope)
        gain += sum(0.5 if card_right(k) else -1.0 for k in used)
        key = (gain, t)
        if best_key is None or key > best_key:
            best_t, best_key = t, key
    params["card_min"] = round(float(best_t), 4)

    return params


def calibrate(bot, dev_file: str | Path, grid: dict | None = None) -> dict:
    items = load_questions(dev_file)
    result = {}
    for lang in ("fr", "en"):
        subset = [it for it in items if it.lang == lang]
        if subset:
            result[lang] = calibrate_language(bot, subset, grid)
    raw = Path(dev_file).read_bytes()
    result["_dev"] = {"file": Path(dev_file).name, "sha256": hashlib.sha256(raw).hexdigest()[:16],
                      "questions": len(items), "date": dt.date.today().isoformat()}
    return result


def write_calibration(path: Path, encoder_name: str, values: dict) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data.setdefault("encoders", {})[encoder_name] = values
    data["about"] = "Written by `python -m chatbot calibrate`; see chatbot/calibrate.py."
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                    encoding="utf-8")


def cross_validate(bot, dev_file: str | Path, folds: int = 4) -> dict:
    """Calibrate on k-1 folds, evaluate the held-out fold; pooled table (honest estimate)."""
    from .bot import Chatbot
    from .evaluate import evaluate

    items = load_questions(dev_file)
    groups: dict[tuple, list[int]] = {}
    for k, it in enumerate(items):
        groups.setdefault((it.lang, it.expect is None), []).append(k)
    fold_of = {k: j % folds for ks in groups.values() for j, k in enumerate(ks)}
    details = []
    for f in range(folds):
        train = [it for k, it in enumerate(items) if fold_of[k] != f]
        test = [it for k, it in enumerate(items) if fold_of[k] == f]
        values = {}
        for lang in ("fr", "en"):
            subset = [it for it in train if it.lang == lang]
            if subset:
                values[lang] = calibrate_language(bot, subset)
        held_out = Chatbot(bot.index, values)
        details += evaluate(held_out, test)["details"]
    return _table_from_details(details)


def _table_from_details(details) -> dict:
    rows: dict[str, dict] = {}
    for it, reply, rank in details:
        r = rows.setdefault(it.lang, {"in": 0, "out": 0, "h1": 0, "h3": 0, "rr": 0.0, "a": 0,
                                      "d": 0})
        if it.expect is None:
            r["out"] += 1
            r["d"] += int(not reply.answered)
        else:
            r["in"] += 1
            r["a"] += int(reply.answered)
            r["h1"] += int(rank == 1)
            r["h3"] += int(rank is not None and rank <= min(3, len(reply.sources)))
            r["rr"] += 1.0 / rank if rank else 0.0
    table = {}
    for lang, r in sorted(rows.items()):
        n_in, n_out = r["in"] or 1, r["out"] or 1
        table[lang] = {"in": r["in"], "out": r["out"], "hit@1": r["h1"] / n_in,
                       "hit@3": r["h3"] / n_in, "MRR@10": r["rr"] / n_in,
                       "answered": r["a"] / n_in, "declined": r["d"] / n_out}
    return {"mode": "cv", "table": table, "details": details}
