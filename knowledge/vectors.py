"""Encoder vectors kept by text hash, so a rebuild encodes only the texts it has not seen.

Passage ids are content hashes already; here every text the index encodes (passages, card
questions, sentences, bridge words) is looked up by the SHA-1 of the encoder name and the text.
The store is a folder of shards (`*.npz`: keys and vectors), each written whole then renamed, so
workers on several servers can share it (CHATBOT_CACHE_DIR on shared storage) without locks.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

BATCH = 64
SHARD_ROWS = 1024  # new vectors are saved this often: a killed rebuild keeps what it encoded
MAX_SHARDS = 32  # beyond this, the shards are merged into one on the next write


def text_key(encoder_name: str, text: str) -> bytes:
    return hashlib.sha1(f"{encoder_name}\0{text}".encode()).digest()


class VectorStore:
    def __init__(self, folder: Path, dim: int):
        self.folder = Path(folder)
        self.dim = dim
        self.rows: dict[bytes, int] = {}
        self.parts: list[np.ndarray] = []
        self._flat: np.ndarray | None = None
        self._load()

    def _shards(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob("*.npz") if not p.name.startswith("."))

    def _load(self) -> None:
        parts = []
        for shard in self._shards():
            try:
                with np.load(shard) as data:
                    keys, vecs = data["keys"], data["vecs"]
            except (OSError, ValueError, KeyError, zipfile.BadZipFile):
                continue  # unreadable: its texts are encoded again
            if vecs.ndim != 2 or vecs.shape[1] != self.dim:
                continue
            for key, row in zip(keys, vecs, strict=True):
                key = bytes(key)
                if key not in self.rows:
                    self.rows[key] = len(self.rows)
                    parts.append(row)
        if parts:
            self.parts.append(np.vstack(parts).astype(np.float32))

    @property
    def vecs(self) -> np.ndarray:
        if self._flat is None:
            self._flat = (np.vstack(self.parts) if self.parts
                          else np.zeros((0, self.dim), np.float32))
            self.parts = [self._flat]
        return self._flat

    def get(self, keys: list[bytes]) -> np.ndarray:
        if not keys:
            return np.zeros((0, self.dim), np.float32)
        return self.vecs[[self.rows[k] for k in keys]]

    def add(self, keys: list[bytes], vecs: np.ndarray) -> None:
        """Keep new vectors in memory and save them as one shard."""
        if not keys:
            return
        start = len(self.rows)
        for i, key in enumerate(keys):
            self.rows[key] = start + i
        self.parts.append(vecs.astype(np.float32))
        self._flat = None
        if len(self._shards()) >= MAX_SHARDS:
            self._write(list(self.rows), self.vecs, merge=True)
        else:
            self._write(keys, vecs)

    def _write(self, keys: list[bytes], vecs: np.ndarray, merge: bool = False) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        old = self._shards() if merge else []
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=self.folder)
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, keys=np.array(keys, dtype="S20"), vecs=vecs.astype(np.float32))
        os.replace(tmp, self.folder / f"{uuid.uuid4().hex}.npz")
        for shard in old:  # their rows are all in the merged shard
            shard.unlink(missing_ok=True)


class CachingEncoder:
    """Wraps an encoder for index builds: known texts come from the store, new ones are encoded
    (in batches, reporting progress) and added to it. Queries never go through it."""

    def __init__(self, encoder, folder: Path,
                 on_progress: Callable[[int, int], None] | None = None):
        self.inner = encoder
        self.name = encoder.name
        self.dim = encoder.dim
        self.store = VectorStore(Path(folder) / _safe(encoder.name), encoder.dim)
        self.on_progress = on_progress
        self.encoded = 0
        self.reused = 0

    def info(self) -> dict:
        return self.inner.info()

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [text_key(self.name, t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.store.rows))
        text_of = dict(zip(keys, texts, strict=True))
        self.reused += len(set(keys)) - len(missing)
        for start in range(0, len(missing), SHARD_ROWS):
            chunk = missing[start:start + SHARD_ROWS]
            vecs = []
            for at in range(0, len(chunk), BATCH):
                batch = chunk[at:at + BATCH]
                vecs.append(np.asarray(self.inner.encode([text_of[k] for k in batch]),
                                       np.float32).reshape(len(batch), -1))
                self.encoded += len(batch)
                if self.on_progress:
                    self.on_progress(start + at + len(batch), len(missing))
            self.store.add(chunk, np.vstack(vecs))
        return self.store.get(keys)


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)[:80]
