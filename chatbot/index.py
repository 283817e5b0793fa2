"""Search indexes over the corpus, built once and cached on disk.

The cache lives in ``<cache_dir>/<key>/`` where the key hashes the corpus files, the encoder
name and INDEX_VERSION; any change gives a new key, hence a rebuild. A build is written to a
temporary folder then renamed, so concurrent workers never read half an index.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .bridge import Bridge, vocabulary
from .corpus import Corpus
from .encoders import Encoder
from .text import analyze, split_sentences

log = logging.getLogger(__name__)

INDEX_VERSION = "5"
# bm25s cannot index an empty vocabulary (a corpus without cards): one placeholder document
# that no query token can match stands in; callers slice scores to the real count.
EMPTY_COLLECTION = [["\x00"]]
REPO_ROOT = Path(__file__).resolve().parent.parent
MIN_SENTENCE_WORDS = 6


def default_cache_dir() -> Path:
    env = os.environ.get("CHATBOT_CACHE_DIR")
    return Path(env) if env else REPO_ROOT / "instance" / "chatbot-index"


def passage_text_for_search(passage) -> str:
    return f"{passage.heading}\n{passage.text}" if passage.heading else passage.text


@dataclass
class CardQuestion:
    card_id: str
    lang: str
    text: str


@dataclass
class Sentence:
    passage: int  # index into corpus.passages
    text: str


def _sentences(corpus: Corpus) -> list[Sentence]:
    out = []
    for i, p in enumerate(corpus.passages):
        for s in split_sentences(p.text):
            s = s.lstrip("-*• ").strip()
            if len(s.split()) >= MIN_SENTENCE_WORDS:
                out.append(Sentence(i, s))
    return out


def _card_questions(corpus: Corpus) -> list[CardQuestion]:
    return [CardQuestion(c.id, lang, q) for c in corpus.cards
            for lang, qs in sorted(c.questions.items()) for q in qs]


class _FlatIP:
    """faiss IndexFlatIP returning a dense score vector (the corpora are small)."""

    def __init__(self, index):
        self.index = index

    @classmethod
    def from_vectors(cls, vecs: np.ndarray, dim: int):
        import faiss

        index = faiss.IndexFlatIP(dim)
        if len(vecs):
            index.add(np.ascontiguousarray(vecs, dtype=np.float32))
        return cls(index)

    def scores(self, query: np.ndarray) -> np.ndarray:
        n = self.index.ntotal
        out = np.full(n, -1.0, dtype=np.float32)
        if n:
            d, i = self.index.search(query.reshape(1, -1).astype(np.float32), n)
            out[i[0]] = d[0]
        return out


class Index:
    def __init__(self, corpus: Corpus, encoder: Encoder, key: str, *, passage_vecs, card_vecs,
                 sentence_vecs, bm25_passages, bm25_cards, df: dict[str, int], n_docs: int,
                 bridge: Bridge | None = None):
        self.corpus = corpus
        self.encoder = encoder
        self.key = key
        self.card_questions = _card_questions(corpus)
        self.sentences = _sentences(corpus)
        self.passage_vecs = passage_vecs
        self.card_vecs = card_vecs
        self.sentence_vecs = sentence_vecs
        dim = passage_vecs.shape[1] if passage_vecs.ndim == 2 else 0
        self.dim = dim
        self.dense_passages = _FlatIP.from_vectors(passage_vecs, dim)
        self.dense_cards = _FlatIP.from_vectors(card_vecs, dim)
        self.bm25_passages = bm25_passages
        self.bm25_cards = bm25_cards
        self.df = df
        self.n_docs = n_docs
        self.bridge = bridge or Bridge([], np.zeros((0, dim), np.float32))
        self.sentences_of = [[] for _ in corpus.passages]
        for j, s in enumerate(self.sentences):
            self.sentences_of[s.passage].append(j)

    # -- lexical helpers -------------------------------------------------------------------
    def idf(self, token: str) -> float:
        df = self.df.get(token, 0)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    # -- building and caching --------------------------------------------------------------
    @staticmethod
    def cache_key(corpus_dir: Path, encoder: Encoder) -> str:
        h = hashlib.sha256()
        for part in (Corpus.content_hash(corpus_dir), encoder.name, INDEX_VERSION):
            h.update(part.encode() + b"\0")
        return h.hexdigest()[:20]

    @classmethod
    def build(cls, corpus: Corpus, encoder: Encoder, key: str) -> Index:
        import bm25s

        passages = corpus.passages
        questions = _card_questions(corpus)
        sentences = _sentences(corpus)
        lang_of = {d.id: d.language for d in corpus.documents}
        # French content words, for the cross-lingual bridge of English questions (bridge.py)
        vocab = vocabulary([passage_text_for_search(p) for p in passages
                            if lang_of[p.doc_id] == "fr"])
        texts = ([passage_text_for_search(p) for p in passages] + [q.text for q in questions]
                 + [s.text for s in sentences] + vocab)
        vecs = encoder.encode(texts) if texts else np.zeros((0, encoder.dim), np.float32)
        dim = vecs.shape[1] if vecs.ndim == 2 and vecs.shape[1] else encoder.dim
        vecs = vecs.reshape(-1, dim)
        a, b = len(passages), len(passages) + len(questions)
        c = b + len(sentences)

        p_tokens = [analyze(passage_text_for_search(p), lang_of[p.doc_id]) for p in passages]
        q_tokens = [analyze(q.text, q.lang) for q in questions]
        bm25_p = bm25s.BM25()
        bm25_p.index(p_tokens or EMPTY_COLLECTION, show_progress=False)
        bm25_c = bm25s.BM25()
        bm25_c.index(q_tokens or EMPTY_COLLECTION, show_progress=False)
        df = Counter(t for toks in p_tokens + q_tokens for t in set(toks))
        return cls(corpus, encoder, key, passage_vecs=vecs[:a], card_vecs=vecs[a:b],
                   sentence_vecs=vecs[b:c], bm25_passages=bm25_p, bm25_cards=bm25_c,
                   df=dict(df), n_docs=len(p_tokens) + len(q_tokens),
                   bridge=Bridge(vocab, vecs[c:]))

    def save(self, target: Path) -> None:
        """Write to a temporary sibling folder, then rename it to `target` (atomic)."""
        import faiss

        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
        try:
            np.save(tmp / "sentences.npy", self.sentence_vecs)
            np.save(tmp / "bridge.npy", self.bridge.vecs)
            faiss.write_index(self.dense_passages.index, str(tmp / "passages.faiss"))
            faiss.write_index(self.dense_cards.index, str(tmp / "cards.faiss"))
            self.bm25_passages.save(str(tmp / "bm25_passages"), show_progress=False)
            self.bm25_cards.save(str(tmp / "bm25_cards"), show_progress=False)
            meta = {"key": self.key, "encoder": self.encoder.name, "dim": self.dim,
                    "version": INDEX_VERSION, "built": time.time(), "n_docs": self.n_docs,
                    "passages": [p.id for p in self.corpus.passages],
                    "card_questions": len(self.card_questions),
                    "sentences": len(self.sentences), "df": self.df,
                    "bridge_vocabulary": self.bridge.vocab}
            (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            try:
                os.rename(tmp, target)
            except OSError:  # another worker finished first: keep its copy
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load_cached(cls, folder: Path, corpus: Corpus, encoder: Encoder) -> Index | None:
        import bm25s
        import faiss

        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            if meta["passages"] != [p.id for p in corpus.passages]:
                return None
            dense_p = faiss.read_index(str(folder / "passages.faiss"))
            dense_c = faiss.read_index(str(folder / "cards.faiss"))
            passage_vecs = dense_p.reconstruct_n(0, dense_p.ntotal) if dense_p.ntotal else \
                np.zeros((0, meta["dim"]), np.float32)
            card_vecs = dense_c.reconstruct_n(0, dense_c.ntotal) if dense_c.ntotal else \
                np.zeros((0, meta["dim"]), np.float32)
            index = cls(
                corpus, encoder, meta["key"], passage_vecs=passage_vecs.reshape(-1, meta["dim"]),
                card_vecs=card_vecs.reshape(-1, meta["dim"]),
                sentence_vecs=np.load(folder / "sentences.npy"),
                bm25_passages=bm25s.BM25.load(str(folder / "bm25_passages"), show_progress=False),
                bm25_cards=bm25s.BM25.load(str(folder / "bm25_cards"), show_progress=False),
                df=meta["df"], n_docs=meta["n_docs"],
                bridge=Bridge(meta["bridge_vocabulary"], np.load(folder / "bridge.npy")))
        except (OSError, KeyError, ValueError, RuntimeError) as exc:
            log.warning("ignoring unreadable index cache %s: %s", folder, exc)
            return None
        if len(index.sentences) != len(index.sentence_vecs):
            return None
        return index

    @classmethod
    def open(cls, corpus_dir: Path, encoder: Encoder, cache_dir: Path | None = None,
             corpus: Corpus | None = None, rebuild: bool = False) -> Index:
        """The cached index for this corpus and encoder, built (and cached) when missing."""
        corpus = corpus or Corpus.load(corpus_dir)
        cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        key = cls.cache_key(corpus_dir, encoder)
        folder = cache_dir / key
        if folder.is_dir() and not rebuild:
            index = cls.load_cached(folder, corpus, encoder)
            if index is not None:
                return index
        index = cls.build(corpus, encoder, key)
        if rebuild and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
        try:
            index.save(folder)
        except OSError as exc:  # read-only deployment: serve from memory
            log.warning("could not cache the chatbot index in %s: %s", cache_dir, exc)
        return index


def prune_cache(cache_dir: Path, keep: str) -> int:
    """Remove cached indexes other than `keep` (used by `python -m chatbot index`)."""
    removed = 0
    if not cache_dir.is_dir():
        return 0
    for child in cache_dir.iterdir():
        if child.is_dir() and child.name != keep and not child.name.startswith(".tmp-"):
            shutil.rmtree(child, ignore_errors=True)
            removed += 1
    return removed
