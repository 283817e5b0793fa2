"""Cross-lingual query expansion through the sentence encoder.

English questions share almost no words with the French passages, so BM25 and the gate's
lexical coverage see nothing. At index time the corpus's French content words are embedded
once (`vocabulary`); at question time the English question's content words are embedded in
the same encoder call as the question (`query_words`), and each is mapped to its nearest
French words: the nearest one when its cosine reaches MIN_COSINE, and the next ones (at most
TOP_N in all) only when within NEAR_MARGIN of it ("skills" -> "compétences", "compétence";
"stuff" -> "choses" alone). Their French stems are added to the lexical search with a lower
weight (retrieval.EXTRA_WEIGHT).
"""

from __future__ import annotations

import numpy as np

from .dense import Dense
from .text import analyze, stop_words, words

MIN_LENGTH = 4  # vocabulary words: at least this many letters
MIN_COSINE = 0.7  # single words embed noisily: "skills" -> "compétences" is 0.77
NEAR_MARGIN = 0.05
TOP_N = 2


def vocabulary(texts: list[str]) -> list[str]:
    """Distinct folded content words of the passages (no stop words, no numbers)."""
    stops = stop_words()
    return sorted({w for t in texts for w in words(t)
                   if len(w) >= MIN_LENGTH and w not in stops and not w.isdigit()})


def query_words(text: str) -> list[str]:
    """The question's content words, in order, each once."""
    stops = stop_words()
    return list(dict.fromkeys(w for w in words(text)
                              if len(w) >= 3 and w not in stops and not w.isdigit()))


class Bridge:
    """Nearest French vocabulary words of query words, as French stems."""

    def __init__(self, vocab: list[str], dense: Dense, lang: str = "fr"):
        self.vocab = vocab
        self.dense = dense  # the vocabulary's embeddings (faiss)
        self.stems = [(analyze(w, lang) or [w])[0] for w in vocab]

    def expand(self, qwords: list[str], qvecs: np.ndarray,
               lang: str = "en") -> dict[str, list[str]]:
        """{query stem (in `lang`): French stems of its nearest vocabulary words}."""
        out: dict[str, list[str]] = {}
        if not qwords or not len(self.vocab):
            return out
        sims, rows = self.dense.nearest(qvecs, TOP_N)
        for w, cosines, near in zip(qwords, sims, rows, strict=True):
            stem = (analyze(w, lang) or [w])[0]
            found = out.setdefault(stem, [])
            for cos, j in zip(cosines, near, strict=True):
                if cos < MIN_COSINE or cos < cosines[0] - NEAR_MARGIN:
                    break
                if self.stems[j] not in found and self.stems[j] != stem:
                    found.append(self.stems[j])
        return {k: v for k, v in out.items() if v}
