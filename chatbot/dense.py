"""Exact dense search: faiss IndexFlatIP over L2-normalised rows, so scores are cosines.

Every group of embedded texts (units, sentences, card questions, card contents, the bridge's
French words) is one `Dense`. The fusion needs a score for every row (the corpora are small),
so `scores` asks faiss for all of them and puts them back in row order; `nearest` gives the
top few (the bridge). The vectors stay next to the faiss index: the cache stores them once
(vectors.npz) and a rebuild reuses them to re-encode only what changed.
"""

from __future__ import annotations

import os

import numpy as np


def _faiss():
    import faiss

    # one thread per process, like the encoder: web workers run side by side on few cores
    faiss.omp_set_num_threads(int(os.environ.get("CHATBOT_ENCODER_THREADS", "1")))
    return faiss


class Dense:
    def __init__(self, vectors: np.ndarray, dim: int):
        self.vectors = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(-1, dim))
        self.dim = dim
        self.index = _faiss().IndexFlatIP(dim)
        if len(self.vectors):
            self.index.add(self.vectors)

    def __len__(self) -> int:
        return self.index.ntotal

    def scores(self, queries: np.ndarray) -> np.ndarray:
        """(m, n) cosines of each of the m query rows with every row, in row order."""
        q = np.ascontiguousarray(np.asarray(queries, dtype=np.float32).reshape(-1, self.dim))
        n = len(self)
        out = np.full((len(q), n), -1.0, dtype=np.float32)
        if n and len(q):
            dist, rows = self.index.search(q, n)
            np.put_along_axis(out, rows, dist, axis=1)
        return out

    def nearest(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(cosines, rows) of the k nearest rows of each query row, best first."""
        q = np.ascontiguousarray(np.asarray(queries, dtype=np.float32).reshape(-1, self.dim))
        k = min(k, len(self))
        if not k or not len(q):
            return np.zeros((len(q), 0), np.float32), np.zeros((len(q), 0), np.int64)
        return self.index.search(q, k)
