"""Evaluation on a question file: hit@1, hit@3, MRR@10, answered / declined rates.

hit@k: one expected phrase (case- and accent-insensitive) occurs in the excerpt of one of the
first k sources of the reply (a declined question has no source, so it misses).
MRR@10 is computed on the reply's sources followed by the rest of the passage ranking.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .text import contains_folded


@dataclass
class EvalItem:
    q: str
    lang: str
    expect: list[str] | None


def load_questions(path: str | Path) -> list[EvalItem]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [EvalItem(d["q"], d.get("lang", "fr"), d.get("expect")) for d in data]


def first_hit(excerpts: list[str], expect: list[str], k: int) -> int | None:
    """1-based rank of the first excerpt containing an expected phrase within k, else None."""
    for rank, text in enumerate(excerpts[:k], 1):
        if any(contains_folded(text, phrase) for phrase in expect):
            return rank
    return None


def evaluate(bot, items: list[EvalItem], mode: str = "fused") -> dict:
    rows: dict[str, dict] = {}
    details = []
    for it in items:
        reply, ev = bot.respond(it.q, it.lang, mode=mode)
        r = rows.setdefault(it.lang, {"n_in": 0, "n_out": 0, "hit1": 0, "hit3": 0, "rr": 0.0,
                                      "answered": 0, "declined": 0})
        if it.expect is None:
            r["n_out"] += 1
            r["declined"] += int(not reply.answered)
            details.append((it, reply, None))
            continue
        r["n_in"] += 1
        r["answered"] += int(reply.answered)
        rank = None
        if reply.answered:
            excerpts = [s.excerpt for s in reply.sources]
            if ev is not None:
                seen = {s.passage_id for s in reply.sources}
                passages = bot.corpus.passages
                excerpts += [passages[i].text for i in ev.ranking if passages[i].id not in seen]
            rank = first_hit(excerpts, it.expect, 10)
            r["hit1"] += int(rank == 1)
            r["hit3"] += int(rank is not None and rank <= 3 and rank <= len(reply.sources))
            r["rr"] += 1.0 / rank if rank else 0.0
        details.append((it, reply, rank))
    table = {}
    for lang, r in sorted(rows.items()):
        n_in, n_out = r["n_in"] or 1, r["n_out"] or 1
        table[lang] = {"in": r["n_in"], "out": r["n_out"], "hit@1": r["hit1"] / n_in,
                       "hit@3": r["hit3"] / n_in, "MRR@10": r["rr"] / n_in,
                       "answered": r["answered"] / n_in,
                       "declined": r["declined"] / n_out if r["n_out"] else float("nan")}
    return {"mode": mode, "table": table, "details": details}


def format_table(result: dict) -> str:
    head = f"{'mode':6} {'lang':4} {'in':>4} {'out':>4} {'hit@1':>6} {'hit@3':>6} " \
           f"{'MRR@10':>7} {'answered':>9} {'declined':>9}"
    lines = [head, "-" * len(head)]
    for lang, t in result["table"].items():
        lines.append(f"{result['mode']:6} {lang:4} {t['in']:>4} {t['out']:>4} {t['hit@1']:>6.3f} "
                     f"{t['hit@3']:>6.3f} {t['MRR@10']:>7.3f} {t['answered']:>9.3f} "
                     f"{t['declined']:>9.3f}")
    return "\n".join(lines)


def format_misses(result: dict) -> str:
    out = []
    for it, reply, rank in result["details"]:
        if it.expect is None and reply.answered:
            out.append(f"[answered out-of-scope] ({it.lang}) {it.q}  conf={reply.confidence:.3f}")
        elif it.expect is not None and not reply.answered:
            out.append(f"[declined in-scope] ({it.lang}) {it.q}  conf={reply.confidence:.3f}")
        elif it.expect is not None and (rank is None or rank > 3):
            out.append(f"[miss@3 rank={rank}] ({it.lang}) {it.q}  card={reply.card_id}")
    return "\n".join(out)
