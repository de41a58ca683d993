"""kb stats and kb test: coverage of the contract, and the regression run through the real path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.knowledge import SPEC_PLACES, SPEC_TOPICS
from bot.language import SUPPORTED
from tests.helpers import run_cli


def test_stats_json_shows_every_spec_topic_in_five_languages_and_every_spec_place() -> None:
    code, out = run_cli("kb", "stats", "--json")
    data = json.loads(out)
    assert code == 0
    assert {t: data["topics"][t]["languages"] for t in SPEC_TOPICS} == {t: list(SUPPORTED) for t in SPEC_TOPICS}
    assert set(SPEC_PLACES) <= data["places"].keys()
    assert data["places"]["ynj-airport"]["province"] == "jilin"
    assert data["summary"]["places_accepting_foreign_cards"] == sum(p["foreign_cards"] for p in data["places"].values())


def test_stats_table_is_readable() -> None:
    code, out = run_cli("kb", "stats")
    assert code == 0
    assert out.splitlines()[0].split() == ["topic", *SUPPORTED, "examples"]


def test_kb_test_passes_on_the_bundled_knowledge() -> None:
    code, out = run_cli("kb", "test")
    assert (code, out.splitlines()[-1].startswith("PASS: top-1")) == (0, True)


def test_kb_test_fails_below_the_threshold_and_lists_misses(kb_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (kb_copy / "tests" / "zz-hard.jsonl").write_text(
        "".join(json.dumps({"text": f"blorp {i}", "hint": "en", "kind": "faq", "topic": ["ecny"], "lang": "en"}) + "\n" for i in range(2000))
    )
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "test")
    assert code == 1
    assert "  [en] 'blorp 0': want faq ecny (en); got fallback" in out
    assert out.splitlines()[-1].startswith("FAIL: top-1")


@pytest.fixture
def figures() -> dict:
    from bot.engine import Engine
    from bot.evaluation import evaluate, load_cases
    from bot.settings import BUNDLED_KNOWLEDGE

    engine = Engine.load(BUNDLED_KNOWLEDGE)
    return evaluate(load_cases(sorted((BUNDLED_KNOWLEDGE / "tests").glob("*.jsonl"))), engine.answer).figures()


def test_quality_bar_of_the_understanding_issue(figures: dict) -> None:
    """top-1 ≥ 90% overall and ≥ 85% per language; language ≥ 97%; fallbacks ≥ 90%; wrong ≤ 5%."""
    assert figures["questions"] >= 300
    assert figures["top1"] >= 0.90
    assert min(figures["top1_by_language"].values()) >= 0.85
    assert figures["language_right"] >= 0.97
    assert figures["fallback_precision"] >= 0.90
    assert figures["answered_but_wrong"] <= 0.05
