"""Shared fixtures: the bundled knowledge loaded once, and copies of it to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.semantic import Semantic
from bot.settings import BUNDLED_KNOWLEDGE

ROOT = Path(__file__).resolve().parent.parent
VECTOR_CACHE = ROOT / ".payhelp-cache" / "vectors.sqlite3"


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The real engine on the bundled knowledge, as users get it: lexical and semantic evidence, vectors built."""
    engine = Engine.load(BUNDLED_KNOWLEDGE, semantic=Semantic(VECTOR_CACHE))
    assert engine.settle(timeout=600), "the sentence vectors could not be built"
    return engine


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled knowledge folder."""
    target = tmp_path / "knowledge"
    shutil.copytree(BUNDLED_KNOWLEDGE, target)
    return target


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No developer's .env or PayHelp variables leak into a test."""
    import os

    for name in list(os.environ):
        if name.startswith(
            (
                "TELEGRAM_",
                "KNOWLEDGE_DIR",
                "DATABASE_PATH",
                "STAFF_",
                "DEFAULT_LANGUAGE",
                "LOG_LEVEL",
                "SEMANTIC_",
                "WEB_",
            )
        ):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(
        "VECTOR_CACHE_PATH", str(VECTOR_CACHE)
    )  # the vectors `make` built, not a cold cache per test
    monkeypatch.chdir(tmp_path)
