"""The Chatbot facade: load once, then `ask()`."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

from .answer import Reply, card_reply, decline_reply, extractive_reply, message, starter_questions
from .corpus import Document
from .encoders import Encoder, get_encoder
from .gate import DEFAULT_GATE, decide
from .index import REPO_ROOT, Index
from .privacy import find_personal_data
from .retrieval import Evidence, Retriever

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 300
CALIBRATION_FILE = Path(__file__).resolve().parent / "calibration.json"


def default_corpus_dir() -> Path:
    env = os.environ.get("CHATBOT_CORPUS_DIR")
    return Path(env) if env else REPO_ROOT / "corpus"


def load_calibration(encoder_name: str, path: Path | None = None) -> dict:
    """Calibrated parameters for this encoder ({} when never calibrated)."""
    path = path or CALIBRATION_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("encoders", {}).get(encoder_name, {})


class Chatbot:
    def __init__(self, index: Index, calibration: dict | None = None):
        self.index = index
        self.corpus = index.corpus
        self.calibration = calibration or {}
        params = {lang: {k: v for k, v in c.items() if k != "gate"}
                  for lang, c in self.calibration.items() if lang in ("fr", "en")}
        self.retriever = Retriever(index, params)
        self.load_seconds = 0.0

    @classmethod
    def load(cls, corpus_dir: str | Path | None = None, encoder: str | Encoder | None = None,
             cache_dir: str | Path | None = None, calibration: dict | None = None,
             warm: bool = True) -> Chatbot:
        """Load the corpus and its cached index (built on first use)."""
        t0 = time.perf_counter()
        enc = get_encoder(encoder)
        corpus_dir = Path(corpus_dir) if corpus_dir else default_corpus_dir()
        index = Index.open(corpus_dir, enc, Path(cache_dir) if cache_dir else None)
        if calibration is None:
            calibration = load_calibration(enc.name)
            if not calibration:
                log.warning("no calibration for encoder %s: run `python -m chatbot calibrate`"
                            " (using fallback thresholds)", enc.name)
        bot = cls(index, calibration)
        if warm:  # the first encoder call initialises the model: pay it now, not on `ask`
            enc.encode(["ok"])
        bot.load_seconds = time.perf_counter() - t0
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
        return (self.calibration.get(lang) or {}).get("gate") or DEFAULT_GATE

    # -- asking ----------------------------------------------------------------------------
    def check(self, question: str, lang: str) -> Reply | None:
        """A refusal when the question cannot be processed; runs before anything else."""
        kind = None
        if not question.strip():
            kind = "empty"
        elif len(question) > MAX_QUESTION_CHARS:
            kind = "too_long"
        elif find_personal_data(question):
            kind = "personal_data"
        if kind is None:
            return None
        return Reply(False, message(kind, lang), refusal=kind,
                     suggestions=self.starter_questions(lang, 3) if kind == "empty" else [])

    def ask(self, question: str, lang: str = "fr", simple: bool = False,
            mode: str = "fused") -> Reply:
        """Answer `question`; `mode` bm25 or dense restricts retrieval (for evaluation)."""
        return self.respond(question, lang, simple, mode)[0]

    def respond(self, question: str, lang: str = "fr", simple: bool = False,
                mode: str = "fused") -> tuple[Reply, Evidence | None]:
        """The reply and the retrieval evidence behind it (None for refusals)."""
        lang = lang if lang in ("fr", "en") else "fr"
        question = question or ""
        refusal = self.check(question, lang)
        if refusal is not None:
            return refusal, None
        question = " ".join(question.split())
        retriever = self.retriever
        ev = retriever.evidence(retriever.make_query(question, lang))
        if mode != "fused":
            retriever.fuse(ev, mode)
        decision = decide(retriever, ev, self.gate_params(lang))
        if not decision.confident or not ev.ranking:
            return decline_reply(self.index, ev, lang, decision.score), ev
        card_id, card_score = ev.best_card
        if (mode == "fused" and card_id is not None
                and card_score >= retriever.p(lang)["card_min"]):
            card = self.corpus.card_by_id[card_id]
            return card_reply(self.index, card, retriever.card_passages.get(card_id, []), ev,
                              lang, simple, decision.score), ev
        return extractive_reply(self.index, ev, lang, simple, decision.score), ev
