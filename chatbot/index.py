"""Search indexes over the corpus, built once and cached on disk.

Indexed: every retrieval unit (heading path + text), every sentence of every block, every
card question, and each card's content (its answers and quotes, to tell neighbouring cards
apart); the word search is BM25 (bm25s), the dense search faiss (dense.py). The cache lives
in ``<cache_dir>/<key>/`` where the key hashes the corpus content
(`Corpus.content_hash`), the encoder name and INDEX_VERSION; any change gives a new key, hence
a rebuild. A rebuild re-encodes only the texts the newest cache of the same encoder does not
hold (unit ids are content hashes). A build is written to a temporary folder then renamed, so
concurrent workers never read half an index.
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
from .corpus import Corpus, Passage
from .dense import Dense
from .encoders import Encoder
from .lexicon import words_within_reach
from .phrasing import Speller
from .text import analyze, split_sentences

log = logging.getLogger(__name__)

INDEX_VERSION = "9"
# bm25s cannot index an empty vocabulary (a corpus without cards): one placeholder document
# that no query token can match stands in; callers slice scores to the real count.
EMPTY_COLLECTION = [["\x00"]]
MIN_SENTENCE_WORDS = 3


def search_text(unit: Passage) -> str:
    return f"{unit.heading}\n{unit.text}" if unit.heading else unit.text


@dataclass
class CardQuestion:
    card_id: str
    lang: str
    text: str


@dataclass
class CardContent:
    """A card's answer (per language) or one of its quotes: what the card says."""

    card_id: str
    lang: str
    text: str


@dataclass
class Sentence:
    block: int  # index into corpus.passages (the blocks)
    line: int  # line of the block it is on
    text: str


def block_sentences(corpus: Corpus) -> list[Sentence]:
    out = []
    for b, block in enumerate(corpus.passages):
        for line_no, line in enumerate(block.text.split("\n")):
            for s in split_sentences(line):
                s = s.lstrip("-*• ").strip()
                if len(s.split()) >= MIN_SENTENCE_WORDS:
                    out.append(Sentence(b, line_no, s))
    return out


def card_questions(corpus: Corpus) -> list[CardQuestion]:
    return [CardQuestion(c.id, lang, q) for c in corpus.cards
            for lang, qs in sorted(c.questions.items()) for q in qs]


def card_contents(corpus: Corpus) -> list[CardContent]:
    out = []
    for c in corpus.cards:
        for lang in ("fr", "en"):
            if c.answer.get(lang):
                out.append(CardContent(c.id, lang, c.answer[lang]))
        lang_of = {d.id: d.language for d in corpus.documents}
        out += [CardContent(c.id, lang_of.get(s.doc, "fr"), s.quote) for s in c.sources]
    return out


def _texts(corpus: Corpus) -> dict[str, list[str]]:
    """Every text the index embeds, by group, in a fixed order."""
    return {
        "units": [search_text(u) for u in corpus.units],
        "questions": [q.text for q in card_questions(corpus)],
        "contents": [c.text for c in card_contents(corpus)],
        "sentences": [s.text for s in block_sentences(corpus)],
        "bridge": vocabulary([search_text(u) for u in corpus.passages
                              if corpus.doc_by_id[u.doc_id].language == "fr"]),
    }


class Index:
    def __init__(self, corpus: Corpus, encoder: Encoder, key: str, *, vectors: dict,
                 bm25_units, bm25_cards, df: dict[str, int], n_docs: int,
                 unit_tokens: list[list[str]], language_words: list[str] = ()):
        self.corpus = corpus
        self.encoder = encoder
        self.key = key
        self.vectors = vectors
        self.card_questions = card_questions(corpus)
        self.card_contents = card_contents(corpus)
        self.sentences = block_sentences(corpus)
        dim = vectors["units"].shape[1] if vectors["units"].ndim == 2 else encoder.dim
        self.dim = dim
        # faiss indexes (exact inner product on L2-normalised rows: cosines)
        self.dense_units = Dense(vectors["units"], dim)
        self.dense_sentences = Dense(vectors["sentences"], dim)
        self.dense_questions = Dense(vectors["questions"], dim)
        self.dense_contents = Dense(vectors["contents"], dim)
        self.unit_vecs = self.dense_units.vectors
        self.sentence_vecs = self.dense_sentences.vectors
        self.bm25_units = bm25_units
        self.bm25_cards = bm25_cards
        self.df = df
        self.n_docs = n_docs
        self.unit_tokens = unit_tokens  # the stems of each unit's search text
        # the words of the languages the speller could mistake for misspellings (lexicon.py)
        self.language_words = frozenset(language_words)
        self.bridge = Bridge(list(vectors.get("bridge_words", [])),
                             Dense(vectors["bridge"], dim))
        self._link_sentences()

    def _link_sentences(self) -> None:
        """Which sentences each unit holds (a sentence belongs to its block, its item and the
        sections around it), as parallel arrays and per unit."""
        corpus = self.corpus
        block_pos = {b.id: i for i, b in enumerate(corpus.passages)}
        first_block = {d.id: block_pos[d.passages[0].id] for d in corpus.documents if d.passages}
        by_block: dict[int, list[int]] = {}
        for j, s in enumerate(self.sentences):
            by_block.setdefault(s.block, []).append(j)
        self.sentences_of: list[list[int]] = []
        for u in corpus.units:
            base = first_block.get(u.doc_id, 0)
            found = [j for b in range(base + u.blocks[0], base + u.blocks[1])
                     for j in by_block.get(b, []) if u.line < 0 or self.sentences[j].line == u.line]
            self.sentences_of.append(found)
        pairs = [(j, i) for i, js in enumerate(self.sentences_of) for j in js]
        self.pair_sentence = np.array([p[0] for p in pairs], dtype=np.int64)
        self.pair_unit = np.array([p[1] for p in pairs], dtype=np.int64)

    # -- lexical helpers -------------------------------------------------------------------
    def idf(self, token: str) -> float:
        df = self.df.get(token, 0)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    # -- building and caching --------------------------------------------------------------
    @staticmethod
    def cache_key(corpus: Corpus, encoder: Encoder) -> str:
        h = hashlib.sha256()
        for part in (corpus.content_hash(), encoder.name, INDEX_VERSION):
            h.update(part.encode() + b"\0")
        return h.hexdigest()[:20]

    @classmethod
    def build(cls, corpus: Corpus, encoder: Encoder, key: str,
              known: dict[str, np.ndarray] | None = None) -> Index:
        """Build the index; `known` maps texts to vectors already computed (not re-encoded)."""
        import bm25s

        groups = _texts(corpus)
        known = known or {}
        todo = list(dict.fromkeys(t for texts in groups.values() for t in texts
                                  if t not in known))
        fresh = encoder.encode(todo) if todo else np.zeros((0, encoder.dim), np.float32)
        dim = fresh.shape[1] if fresh.ndim == 2 and fresh.shape[1] else (
            next(iter(known.values())).shape[0] if known else encoder.dim)
        table = dict(known)
        table.update(zip(todo, fresh.reshape(-1, dim), strict=True))
        vectors = {name: (np.stack([table[t] for t in texts]).astype(np.float32) if texts
                          else np.zeros((0, dim), np.float32))
                   for name, texts in groups.items()}
        vectors["bridge_words"] = groups["bridge"]

        lang_of = {d.id: d.language for d in corpus.documents}
        u_tokens = [analyze(search_text(u), lang_of[u.doc_id]) for u in corpus.units]
        q_tokens = [analyze(q.text, q.lang) for q in card_questions(corpus)]
        bm25_u = bm25s.BM25()
        bm25_u.index(u_tokens or EMPTY_COLLECTION, show_progress=False)
        bm25_c = bm25s.BM25()
        bm25_c.index(q_tokens or EMPTY_COLLECTION, show_progress=False)
        df = Counter(t for toks in u_tokens + q_tokens for t in set(toks))
        near = words_within_reach(Speller(corpus.domain_texts()).reaches)
        return cls(corpus, encoder, key, vectors=vectors, bm25_units=bm25_u, bm25_cards=bm25_c,
                   df=dict(df), n_docs=len(u_tokens) + len(q_tokens), unit_tokens=u_tokens,
                   language_words=near)

    def texts_and_vectors(self) -> dict[str, np.ndarray]:
        """Every embedded text with its vector (to reuse when the corpus changes a little)."""
        groups = _texts(self.corpus)
        out = {}
        for name, texts in groups.items():
            out.update(zip(texts, self.vectors[name], strict=True))
        return out

    def save(self, target: Path) -> None:
        """Write to a temporary sibling folder, then rename it to `target` (atomic)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
        try:
            np.savez(tmp / "vectors.npz", **{k: v for k, v in self.vectors.items()
                                             if k != "bridge_words"})
            self.bm25_units.save(str(tmp / "bm25_units"), show_progress=False)
            self.bm25_cards.save(str(tmp / "bm25_cards"), show_progress=False)
            meta = {"key": self.key, "encoder": self.encoder.name, "dim": self.dim,
                    "version": INDEX_VERSION, "built": time.time(), "n_docs": self.n_docs,
                    "units": [u.id for u in self.corpus.units],
                    "card_questions": len(self.card_questions),
                    "sentences": len(self.sentences), "df": self.df,
                    "bridge_vocabulary": self.vectors["bridge_words"],
                    "unit_tokens": self.unit_tokens,
                    "language_words": sorted(self.language_words)}
            (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            texts = {k: v for k, v in _texts(self.corpus).items() if k != "bridge"}
            (tmp / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
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

        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            if meta["units"] != [u.id for u in corpus.units]:
                return None
            with np.load(folder / "vectors.npz") as data:
                vectors = {k: data[k] for k in data.files}
            vectors["bridge_words"] = meta["bridge_vocabulary"]
            index = cls(
                corpus, encoder, meta["key"], vectors=vectors,
                bm25_units=bm25s.BM25.load(str(folder / "bm25_units"), show_progress=False),
                bm25_cards=bm25s.BM25.load(str(folder / "bm25_cards"), show_progress=False),
                df=meta["df"], n_docs=meta["n_docs"], unit_tokens=meta["unit_tokens"],
                language_words=meta["language_words"])
        except (OSError, KeyError, ValueError, RuntimeError) as exc:
            log.warning("ignoring unreadable index cache %s: %s", folder, exc)
            return None
        if len(index.sentences) != len(index.sentence_vecs):
            return None
        return index

    @classmethod
    def open(cls, corpus: Corpus | Path | str, encoder: Encoder, cache_dir: Path | None = None,
             rebuild: bool = False) -> Index:
        """The cached index for this corpus and encoder, built (and cached) when missing;
        without a cache folder, built and kept in memory only."""
        if not isinstance(corpus, Corpus):
            corpus = Corpus.load(corpus)
        key = cls.cache_key(corpus, encoder)
        if cache_dir is None:
            return cls.build(corpus, encoder, key, {})
        cache_dir = Path(cache_dir)
        folder = cache_dir / key
        stale = rebuild
        if folder.is_dir() and not rebuild:
            index = cls.load_cached(folder, corpus, encoder)
            if index is not None:
                return index
            stale = True  # unreadable or stale: replaced below, not kept beside the new one
        index = cls.build(corpus, encoder, key, None if rebuild else
                          _previous_vectors(cache_dir, encoder.name, key))
        if stale and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
        try:
            index.save(folder)
        except OSError as exc:  # read-only deployment: serve from memory
            log.warning("could not cache the chatbot index in %s: %s", cache_dir, exc)
        return index


def _previous_vectors(cache_dir: Path, encoder_name: str, key: str) -> dict[str, np.ndarray]:
    """Texts and vectors of the newest cached index of this encoder (to re-encode less)."""
    if not cache_dir.is_dir():
        return {}
    metas = []
    for child in cache_dir.iterdir():
        try:
            meta = json.loads((child / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (child.name != key and meta.get("encoder") == encoder_name
                and meta.get("version") == INDEX_VERSION):
            metas.append((meta.get("built", 0), child, meta))
    if not metas:
        return {}
    _, folder, meta = max(metas, key=lambda m: m[0])
    try:
        groups = json.loads((folder / "texts.json").read_text(encoding="utf-8"))
        with np.load(folder / "vectors.npz") as data:
            out = {}
            for name, texts in groups.items():
                out.update(zip(texts, data[name], strict=True))
            out.update(zip(meta["bridge_vocabulary"], data["bridge"], strict=True))
            return out
    except (OSError, KeyError, ValueError) as exc:
        log.warning("not reusing vectors of %s: %s", folder, exc)
        return {}


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
