"""Calibrate card matching, fusion weights, the confidence gates and the card threshold.

`python -m chatbot calibrate` measures every development question once, then per language:
1. card matching (how question variants, answers and quotes mix, `card_*`): the mix that
   puts an acceptable card first for most questions that one answers;
2. fusion weights (lexical vs dense, unit vs sentence embeddings, card propagation) by grid
   search maximising MRR@10 of the unit ranking;
3. the gate weights (over dense, lexical, card evidence) and threshold: among thresholds
   keeping >= 95 % of in-scope questions answered and declining >= 90 % of out-of-scope
   ones, the one with the most right decisions (a few out-of-scope questions are not worth
   declining twenty in-scope ones), with the widest margin; plus a passage-only rule
   (dense + lexical) placed above every out-of-scope question, when it answers in-scope
   questions the first rule missed; a
   second gate, `gate_documents`, the same with the cards switched off. Questions the scope
   check already answers ("the documents do not cover Ontario") are left out of both;
4. the card threshold: a card answers when that is right more often than the quoted passage.
Results are written to chatbot/calibration.json under the encoder's name. Calibrate on the
development sets only, never on the blind set.
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
from .text import contains_folded, fold, normalize_space

GRID = {
    "w_lex": [round(float(x), 2) for x in np.linspace(0, 1, 11)],
    "w_sent": [0.0, 0.25, 0.5, 0.75, 1.0],
    "w_card": [0.0, 0.25, 0.5, 0.75, 1.0],
    "card_floor": [0.0, 0.3, 0.4, 0.5],
}
CARD_GRID = {
    "card_alpha": [0.5, 0.6, 0.7, 0.8, 0.9],
    "card_beta": [0.0, 0.15, 0.3, 0.45, 0.6],
    "card_gamma": [0.4, 0.6, 0.8, 1.0],
}
MIN_ANSWERED = 0.95  # the targets: in-scope answered, out-of-scope declined
MIN_DECLINED = 0.90
KNOWN_FLOOR = 0.4  # at most: decline when over 60 % of the question is unknown words


class remembered_encodings:
    """Within the block, the encoder encodes each distinct text once: calibration and
    cross-validation ask the same questions many times (a fold, a language, a mode)."""

    def __init__(self, encoder):
        self.encoder = encoder
        self.memory: dict[str, np.ndarray] = {}

    def __enter__(self):
        original = self.original = self.encoder.encode

        def encode(texts):
            missing = list(dict.fromkeys(t for t in texts if t not in self.memory))
            if missing:
                self.memory.update(zip(missing, original(missing), strict=True))
            if not texts:
                return original(texts)
            return np.stack([self.memory[t] for t in texts])

        self.encoder.encode = encode
        return self

    def __exit__(self, *exc):
        del self.encoder.encode  # back to the class's method
        return False


def relevant_units(units, items: list[EvalItem]) -> list[set[int]]:
    """Per question, the units whose heading or text holds an expected phrase."""
    texts = [normalize_space(fold(f"{u.heading}\n{u.text}")) for u in units]
    out = []
    for it in items:
        phrases = [normalize_space(fold(e)) for e in it.expect or []]
        out.append({i for i, t in enumerate(texts) if any(p in t for p in phrases)})
    return out


def _mrr(ranking: list[int], rel: set[int]) -> float:
    for r, i in enumerate(ranking[:10], 1):
        if i in rel:
            return 1.0 / r
    return 0.0


def _midpoints(values: list[float]) -> list[float]:
    v = sorted(set(values))
    return [v[0] - 0.01] + [(a + b) / 2 for a, b in zip(v, v[1:], strict=False)] + [v[-1] + 0.01]


def _card_ok(bot, it: EvalItem, card_id: str, rel: set[int]) -> bool:
    if it.cards is not None:
        return card_id in it.cards
    return bool(set(bot.retriever.card_units.get(card_id, [])) & rel)


def fit_gate(x: np.ndarray, y: np.ndarray, known: np.ndarray, use_cards: bool = True) -> dict:
    """Gate weights and threshold, the passage-only rule and the vocabulary floor. Without
    the cards the card feature is always 0: a weight on it would only lower every score."""
    weights_grid = [w for w in itertools.product(np.linspace(0, 1, 11), repeat=3)
                    if abs(sum(w) - 1) < 1e-9 and (use_cards or w[2] == 0)]
    best_gate, best_key = None, None
    for w in weights_grid:
        s = x @ np.array(w)
        for t in _midpoints(list(s)):
            answered = (s >= t)
            ans_rate = answered[y].mean() if y.any() else 1.0
            dec_rate = (~answered[~y]).mean() if (~y).any() else 1.0
            margin = float(np.min(np.abs(s - t)))
            right = int(answered[y].sum() + (~answered[~y]).sum())
            key = (ans_rate >= MIN_ANSWERED, right, dec_rate, margin)
            if best_key is None or key > best_key:
                best_gate, best_key = {"weights": [round(float(v), 2) for v in w],
                                       "threshold": round(float(t), 4)}, key
    answered = x @ np.array(best_gate["weights"]) >= best_gate["threshold"]
    # passage rule: answer on passage evidence alone (topics no card covers) above every
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
    # vocabulary floor: decline a question whose idf-weighted terms are mostly unknown to the
    # corpus (never above KNOWN_FLOOR), just under the least-known in-scope question, and
    # only where it catches an out-of-scope question: it never declines a dev question that
    # should be answered.
    floor = KNOWN_FLOOR
    if y.any():
        least = float(known[y].min())
        below = sorted(v for v in known[~y] if v < least)
        floor = min(KNOWN_FLOOR, (least + below[-1]) / 2 if below else least)
    best_gate["known_floor"] = round(float(floor), 4)
    return best_gate


def _gate_answers(gate: dict, x: np.ndarray, known: np.ndarray) -> np.ndarray:
    answered = x @ np.array(gate["weights"]) >= gate["threshold"]
    rescue = gate.get("passage")
    if rescue:
        ps = rescue["dense_weight"] * x[:, 0] + (1 - rescue["dense_weight"]) * x[:, 1]
        answered |= ps >= rescue["threshold"]
    return answered & (known >= gate["known_floor"])


def _overlaps(units) -> list[set[int]]:
    """Per unit, the units that show some of the same text (itself included)."""
    by_doc: dict[str, list[int]] = {}
    for i, u in enumerate(units):
        by_doc.setdefault(u.doc_id, []).append(i)
    return [{j for j in by_doc[u.doc_id] if u.overlaps(units[j])} for u in units]


def _first_relevant(order, rel: set[int], overlaps: list[set[int]]) -> int | None:
    """Rank of the first relevant unit in `order` once units overlapping a better one are
    dropped (as the reply's sources are)."""
    hidden: set[int] = set()
    kept = 0
    for i in order:
        if i in hidden:
            continue
        kept += 1
        if i in rel:
            return kept
        if kept == 10:
            return None
        hidden |= overlaps[i]
    return None


def _fit_fusion(retriever, evs, inscope, rel, params, grid, overlaps, use_cards) -> dict:
    """The grid point with the best MRR@10 (fewer moving parts on ties). Every grid point is
    a linear mix of the same signals, so each question's fused scores for all points are
    one matrix product."""
    floors = grid.get("card_floor", [params.get("card_floor", 0.4)])
    combos = [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]
    # coefficients of (lexical, unit dense, sentence dense, card lift at each floor)
    coef = np.zeros((len(combos), 3 + len(floors)), np.float32)
    for g, trial in enumerate(combos):
        wl, ws = trial["w_lex"], trial["w_sent"]
        coef[g, :3] = (wl, (1 - wl) * (1 - ws), (1 - wl) * ws)
        if use_cards and trial.get("w_card"):
            coef[g, 3 + floors.index(trial.get("card_floor", floors[0]))] = trial["w_card"]
    totals = np.zeros(len(combos))
    for k in inscope:
        ev = evs[k]
        lexn = ev.lex / ev.lex.max() if ev.lex.max() > 0 else np.zeros_like(ev.lex)
        basis = [lexn, ev.dense, ev.sent]
        scores = retriever.card_scores(ev, params) if use_cards and len(retriever.card_ids) \
            else None
        for f in floors:
            if scores is None:
                basis.append(np.zeros_like(lexn))
                continue
            lift = np.maximum(scores - f, 0.0) / (1 - f)
            basis.append((retriever.card_matrix * lift[:, None]).max(axis=0))
        fused = coef @ np.vstack(basis).astype(np.float32)
        top = np.argsort(-fused, axis=1, kind="stable")[:, :40].tolist()
        for g, order in enumerate(top):
            r = _first_relevant(order, rel[k], overlaps)
            totals[g] += 1.0 / r if r else 0.0
    best, best_key = None, None
    for g, trial in enumerate(combos):
        key = (round(float(totals[g]), 6), -trial.get("w_card", 0.0), -abs(trial["w_lex"] - 0.5))
        if best_key is None or key > best_key:
            best, best_key = trial, key
    return best


def calibrate_language(bot, items: list[EvalItem], grid: dict | None = None,
                       card_grid: dict | None = None) -> dict:
    from .extract import best_span

    retriever = bot.retriever
    units = bot.corpus.units
    queries = [retriever.make_query(it.q, it.lang) for it in items]
    evs = [retriever.evidence(q) for q in queries]
    rel = relevant_units(units, items)
    inscope = [k for k, it in enumerate(items) if it.expect]
    outside = [bot.scope_of(it.q, it.lang).outside for it in items]

    # 1. card matching: the most questions with an acceptable card put first
    params = dict(retriever.p(items[0].lang)) if items else {}
    with_card = [k for k in inscope if (items[k].cards if items[k].cards is not None else
                                        [c for c, us in retriever.card_units.items()
                                         if set(us) & rel[k]])]
    best_key = None
    card_grid = card_grid or CARD_GRID
    for values in itertools.product(*card_grid.values()):
        trial = dict(params, **dict(zip(card_grid, values, strict=True)))
        right = 0
        for k in with_card:
            scores = retriever.card_scores(evs[k], trial)
            right += _card_ok(bot, items[k], retriever.card_ids[int(np.argmax(scores))], rel[k])
        key = (right, -trial["card_beta"])
        if best_key is None or key > best_key:
            best_key = key
            params.update(dict(zip(card_grid, values, strict=True)))

    # 2. fusion weights, with the cards and (`documents`) without them
    grid = grid or GRID
    overlaps = _overlaps(units)
    params.update(_fit_fusion(retriever, evs, inscope, rel, params, grid, overlaps, True))
    params["documents"] = _fit_fusion(retriever, [retriever.evidence(queries[k], False)
                                                  if k in inscope else None
                                                  for k in range(len(items))],
                                      inscope, rel, params,
                                      {"w_lex": grid["w_lex"], "w_sent": grid["w_sent"]},
                                      overlaps, False)
    for ev in evs:
        retriever.fuse(ev, "fused", params)

    # 3. gates, without the questions the scope check answers
    kept = [k for k in range(len(items)) if not outside[k]]
    y = np.array([bool(items[k].expect) for k in kept])

    def gate_for(use_cards: bool) -> tuple[dict, np.ndarray]:
        feats = []
        for k in kept:
            ev = evs[k] if use_cards else retriever.evidence(queries[k], use_cards=False)
            if not use_cards:
                retriever.fuse(ev, "fused", params)
            feats.append(features(retriever, ev))
        x = np.array([[f[name] for name in FEATURES] for f in feats])
        known = np.array([f["known"] for f in feats])
        gate = fit_gate(x, y, known, use_cards)
        return gate, _gate_answers(gate, x, known)

    params["gate"], answered_kept = gate_for(True)
    params["gate_documents"], _ = gate_for(False)
    answered = dict(zip(kept, answered_kept.tolist(), strict=True))

    # 4. card threshold: answer with the card when it is right more often than the quote
    card_scores, card_right, quote_right = {}, {}, {}
    for k in inscope:
        if not answered.get(k):
            continue
        cid, score = evs[k].best_card
        card_scores[k] = score
        card_right[k] = cid is not None and _card_ok(bot, items[k], cid, rel[k])
        span = best_span(bot.index, retriever, evs[k], False)
        quote_right[k] = span is not None and any(contains_folded(span.text, e)
                                                  for e in items[k].expect)
    best_t, best_key = 1.01, None
    for t in _midpoints(list(card_scores.values()) + [1.0]):
        gain = sum(card_right[k] if s >= t else quote_right[k] for k, s in card_scores.items())
        key = (gain, t)
        if best_key is None or key > best_key:
            best_t, best_key = t, key
    params["card_min"] = round(float(best_t), 4)
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in params.items()}


def calibrate(bot, dev_files: list[str | Path], grid: dict | None = None,
              card_grid: dict | None = None) -> dict:
    items = [it for f in dev_files for it in load_questions(f)]
    result = {}
    with remembered_encodings(bot.index.encoder):
        for lang in ("fr", "en"):
            subset = [it for it in items if it.lang == lang]
            if subset:
                result[lang] = calibrate_language(bot, subset, grid, card_grid)
    digest = hashlib.sha256(b"".join(Path(f).read_bytes() for f in dev_files)).hexdigest()
    result["_dev"] = {"files": [Path(f).name for f in dev_files], "sha256": digest[:16],
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


def cross_validate(bot, dev_files: list[str | Path], folds: int = 4) -> dict:
    """Calibrate on k-1 folds, evaluate the held-out fold; pooled table (honest estimate)."""
    from .evaluate import table_of

    items = [it for f in dev_files for it in load_questions(f)]
    groups: dict[tuple, list[int]] = {}
    for k, it in enumerate(items):
        groups.setdefault((it.lang, it.expect is None), []).append(k)
    fold_of = {k: j % folds for ks in groups.values() for j, k in enumerate(ks)}
    details = []
    with remembered_encodings(bot.index.encoder):
        for f in range(folds):
            details += _fold(bot, items, fold_of, f)
    return {"mode": "cv", "table": table_of(details, lambda o: o.item.lang),
            "styles": table_of(details, lambda o: (o.item.lang, o.item.style or "-")),
            "details": details}


def _fold(bot, items, fold_of, f) -> list:
    """Calibrate without fold f, then evaluate fold f."""
    from .bot import Chatbot
    from .evaluate import evaluate

    train = [it for k, it in enumerate(items) if fold_of[k] != f]
    test = [it for k, it in enumerate(items) if fold_of[k] == f]
    values = {}
    for lang in ("fr", "en"):
        subset = [it for it in train if it.lang == lang]
        if subset:
            values[lang] = calibrate_language(bot, subset)
    held_out = Chatbot(bot.index, values, bot.translators)
    return evaluate(held_out, test)["details"]
