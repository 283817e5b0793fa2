"""Evaluation on a question file, per language and per question style.

A question file is a JSON list of {"q", "lang", "style", "expect", "cards", "where", "doc"}:
`expect` holds short phrases of the documents that answer it (null: out of scope),
`cards` the cards that would answer it, `where` the body a decline should name.

- hit@k: one expected phrase (case- and accent-insensitive) occurs in the heading or excerpt
  of one of the first k sources (a declined question has no source, so it misses);
- answered (in scope) and declined (out of scope: a decline, or a reply that says the
  documents do not cover what the question names);
- correct (in scope, answer level): a card answer is right when the card is one of `cards`
  (or, for a question without `cards`, when its quoted passages hold an expected phrase); a quoted
  answer when its *text* holds an expected phrase;
- where: among out-of-scope questions with `where`, the share whose reply names that body.
MRR@10 is computed on the reply's sources followed by the rest of the unit ranking.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from .text import contains_folded, fold

MODES = ("fused", "bm25", "dense", "documents")


@dataclass
class EvalItem:
    q: str
    lang: str
    expect: list[str] | None
    style: str = ""
    cards: list[str] | None = None  # None: the file does not say
    where: str | None = None
    doc: str | None = None


@dataclass
class Outcome:
    item: EvalItem
    reply: object
    rank: int | None  # rank of the first source holding an expected phrase
    correct: bool = False
    declined: bool = False  # out of scope: declined or warned
    where_named: bool | None = None  # None when the item names no body
    extra: dict = field(default_factory=dict)


def load_questions(path: str | Path) -> list[EvalItem]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [EvalItem(d["q"], d.get("lang", "fr"), d.get("expect"), d.get("style") or "",
                     d.get("cards"), d.get("where"), d.get("doc")) for d in data]


def first_hit(texts: list[str], expect: list[str], k: int) -> int | None:
    """1-based rank of the first text containing an expected phrase within k, else None."""
    for rank, text in enumerate(texts[:k], 1):
        if any(contains_folded(text, phrase) for phrase in expect):
            return rank
    return None


def names_body(bot, reply, where: str) -> bool:
    """Whether the reply names the body `where` (by id, name or one of its names)."""
    if reply.where is None:
        return False
    wanted = fold(where)
    body = next((b for b in bot.where.bodies if b.id == reply.where.body_id), None)
    names = [reply.where.body_id, reply.where.name] + (body.names if body else [])
    names += list(body.name.values()) if body else []
    return any(wanted in fold(n) or fold(n) in wanted for n in names if len(n) > 2)


def judge(bot, it: EvalItem, reply, ev) -> Outcome:
    if it.expect is None:
        out = Outcome(it, reply, None, declined=not reply.answered)
        if it.where:
            out.where_named = names_body(bot, reply, it.where)
        return out
    units = bot.corpus.units
    rank, correct = None, False
    if reply.answered:
        texts = [f"{s.heading}\n{s.excerpt}" for s in reply.sources]
        if ev is not None:
            shown = {s.excerpt for s in reply.sources}
            texts += [f"{units[i].heading}\n{units[i].text}" for i in ev.ranking
                      if units[i].text not in shown]
        rank = first_hit(texts, it.expect, 10)
        if reply.card_id is not None:
            if it.cards:
                correct = reply.card_id in it.cards
            else:
                quoted = [units[i].text for i in bot.retriever.card_units.get(reply.card_id, [])]
                correct = first_hit(quoted, it.expect, len(quoted)) is not None
        else:
            correct = any(contains_folded(reply.text, e) for e in it.expect)
    return Outcome(it, reply, rank, correct=correct)


def evaluate(bot, items: list[EvalItem], mode: str = "fused", simple: bool = False) -> dict:
    """Ask every question; `mode` documents switches the cards off."""
    if mode == "documents":
        bot, mode = bot.documents_only(), "fused"
        label = "documents"
    else:
        label = mode
    details = []
    for it in items:
        reply, ev = bot.respond(it.q, it.lang, simple=simple, mode=mode)
        details.append(judge(bot, it, reply, ev))
    return {"mode": label, "table": table_of(details, lambda o: o.item.lang),
            "styles": table_of(details, lambda o: (o.item.lang, o.item.style or "-")),
            "details": details}


def table_of(details: list[Outcome], key) -> dict:
    rows: dict = {}
    for o in details:
        r = rows.setdefault(key(o), {"in": 0, "out": 0, "h1": 0, "h3": 0, "rr": 0.0, "a": 0,
                                     "c": 0, "d": 0, "w": 0, "nw": 0})
        if o.item.expect is None:
            r["out"] += 1
            r["d"] += int(o.declined)
            if o.where_named is not None:
                r["nw"] += 1
                r["w"] += int(o.where_named)
            continue
        r["in"] += 1
        r["a"] += int(o.reply.answered)
        r["c"] += int(o.correct)
        r["h1"] += int(o.rank == 1)
        r["h3"] += int(o.rank is not None and o.rank <= min(3, len(o.reply.sources)))
        r["rr"] += 1.0 / o.rank if o.rank else 0.0
    table = {}
    for k in sorted(rows, key=str):
        r = rows[k]
        n_in, n_out = r["in"], r["out"]

        def share(x, n):
            return x / n if n else math.nan

        table[k] = {"in": n_in, "out": n_out, "hit@1": share(r["h1"], n_in),
                    "hit@3": share(r["h3"], n_in), "MRR@10": share(r["rr"], n_in),
                    "answered": share(r["a"], n_in), "correct": share(r["c"], n_in),
                    "declined": share(r["d"], n_out), "where": share(r["w"], r["nw"]),
                    "with_where": r["nw"]}
    return table


COLUMNS = ("in", "out", "hit@1", "hit@3", "MRR@10", "answered", "correct", "declined", "where")


def format_table(result: dict, by_style: bool = False) -> str:
    """One line per language (and per language and style when `by_style`)."""
    head = f"{'mode':9} {'lang':4} {'style':16} " + " ".join(f"{c:>8}" for c in COLUMNS)
    lines = [head, "-" * len(head)]
    rows = [(lang, "all", t) for lang, t in result["table"].items()]
    if by_style:
        rows += [(lang, style, t) for (lang, style), t in result["styles"].items()]
    for lang, style, t in rows:
        cells = []
        for c in COLUMNS:
            v = t[c]
            cells.append(f"{v:>8}" if isinstance(v, int) else
                         f"{'—':>8}" if math.isnan(v) else f"{v:>8.3f}")
        lines.append(f"{result['mode']:9} {lang:4} {style:16} " + " ".join(cells))
    return "\n".join(lines)


def format_misses(result: dict) -> str:
    out = []
    for o in result["details"]:
        it, reply = o.item, o.reply
        tag = f"({it.lang}/{it.style or '-'})"
        if it.expect is None and not o.declined:
            out.append(f"[answered out-of-scope] {tag} {it.q}  conf={reply.confidence:.3f}")
        elif it.expect is None and o.where_named is False:
            got = reply.where.name if reply.where else None
            out.append(f"[where: wanted {it.where}, got {got}] {tag} {it.q}")
        elif it.expect is not None and not reply.answered:
            out.append(f"[not answered: {reply.kind}] {tag} {it.q}  conf={reply.confidence:.3f}")
        elif it.expect is not None and not o.correct:
            out.append(f"[wrong answer: card={reply.card_id}] {tag} {it.q}")
        elif it.expect is not None and (o.rank is None or o.rank > 3):
            out.append(f"[miss@3 rank={o.rank}] {tag} {it.q}  card={reply.card_id}")
    return "\n".join(out)
