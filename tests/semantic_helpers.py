"""Sentence-vector fakes and helpers the tests share: a counting stand-in for the model, an engine built on
it, the words' short-cut turned off, and a responder whose words are held back."""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.engine import Engine
from bot.responder import Responder
from bot.semantic import Semantic
from bot.settings import BUNDLED_KNOWLEDGE
from bot.thresholds import Thresholds
from tests.helpers import ROOT

CACHE = ROOT / ".payhelp-cache" / "vectors.sqlite3"  # warmed by `make` (python -m bot kb vectors)


class CountingEncoder:
    """A deterministic stand-in for the model: a text's vector from its characters; counts what it encodes."""

    name = "counting-test-encoder"

    def __init__(self, delay: float = 0.0, gate: threading.Event | None = None) -> None:
        self.encoded: list[str] = []
        self.delay = delay
        self.gate = gate

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self.gate is not None:
            self.gate.wait(5)
        time.sleep(self.delay)
        self.encoded.extend(texts)
        rows = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for char in text.lower():
                row[ord(char) % 64] += 1.0
            row /= np.linalg.norm(row) or 1.0
        return rows


def always_encode(engine: Engine) -> None:
    """Turn the words' short-cut off, so every message is encoded whatever the examples of the day settle."""
    responder = engine.responder
    responder.limits = dataclasses.replace(responder.limits, conclusive=math.inf)


def counted(tmp_path: Path) -> tuple[Engine, CountingEncoder]:
    """A settled engine whose sentence vectors come from a CountingEncoder (what it encodes is recorded)."""
    encoder = CountingEncoder()
    engine = Engine.load(BUNDLED_KNOWLEDGE, semantic=Semantic(tmp_path / "v.sqlite3", encoder))
    assert engine.settle(timeout=60)
    encoder.encoded.clear()
    return engine, encoder


def words_held_back(engine: Engine, **limits: float) -> Responder:
    """A responder on `engine`'s knowledge and vectors whose words never answer or ask back on their own, so
    what the meaning does shows alone (whatever the examples of the day score); `limits` set the rest."""
    strict = Thresholds(answer=2, sure=3, clarify=2, agree_answer=2, conclusive=2)
    responder = engine.responder
    thresholds = dataclasses.replace(strict, **limits)
    return Responder(responder.kb, semantic=responder.semantic, thresholds=thresholds)
